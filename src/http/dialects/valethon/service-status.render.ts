/** Renders service-status components in Valethon's shape, and Valethon's request fields as core input. */
import type {
  ComponentStatus,
  ServiceComponent,
  ServiceComponentInput,
  ServiceStatus,
} from "../../../core/service-status/service-status.types.js";
import { renderTime } from "./envelope.js";

export const renderComponent = (component: ServiceComponent) => ({
  component_id: component.number,
  uuid: component.id,
  name: component.name,
  status: component.status,
  message: component.message,
  sort_order: component.sortOrder,
  created_at: renderTime(component.createdAt),
  updated_at: renderTime(component.updatedAt),
});

export const renderStatusDetails = (status: ServiceStatus) => ({
  status: status.status,
  components: status.components.map(renderComponent),
  updated_at: renderTime(status.updatedAt),
});

export interface ValethonComponentBody {
  name?: string;
  status?: ComponentStatus;
  message?: string | null;
  sort_order?: number;
}

export const componentInputFrom = (body: ValethonComponentBody): ServiceComponentInput => ({
  name: body.name,
  status: body.status,
  message: body.message,
  sortOrder: body.sort_order,
});
