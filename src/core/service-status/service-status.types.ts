/** Service status as a workspace publishes it to its customers (the widget's W4). */

/** Ordered from best to worst: the overall status is the worst of the components' statuses. */
export const COMPONENT_STATUSES = ["operational", "maintenance", "degraded", "outage"] as const;
export type ComponentStatus = (typeof COMPONENT_STATUSES)[number];

export const COMPONENT_LIMITS = { name: 100, message: 500, perWorkspace: 100 } as const;

export interface ServiceComponent {
  id: string;
  number: number;
  name: string;
  status: ComponentStatus;
  message: string | null;
  /** Display order (ascending; then creation order). */
  sortOrder: number;
  createdAt: string;
  updatedAt: string;
}

export type ServiceComponentRef = { number: number } | { id: string } | { name: string };

export interface ServiceComponentInput {
  name?: unknown;
  status?: unknown;
  message?: unknown;
  sortOrder?: unknown;
}

export interface ServiceStatus {
  /** The worst component status; `operational` when there are no components. */
  status: ComponentStatus;
  components: ServiceComponent[];
  /** When a component was last added, changed or removed (the workspace's creation if never). */
  updatedAt: string;
}
