/** Renders widget sessions, messages and service status in the shapes the widget endpoints answer. */
import type { WidgetSettings } from "../../../core/conversations/chat-settings.js";
import type { ChatMessage } from "../../../core/conversations/conversation.types.js";
import type { ServiceStatus } from "../../../core/service-status/service-status.types.js";
import { renderTime } from "./envelope.js";

export const renderBranding = (settings: WidgetSettings) => ({
  company_name: settings.companyName,
  primary_color: settings.primaryColor,
  logo_url: settings.logoUrl,
});

export const renderWidgetSettings = (settings: WidgetSettings) => ({
  greeting: settings.greeting,
  ...renderBranding(settings),
});

/** A message as the visitor sees it: no user ids, only an agent's display name. */
export const renderWidgetMessage = (message: ChatMessage) => ({
  id: message.id,
  sender: message.sender,
  text: message.text,
  suggested_actions: message.suggestedActions,
  author_name: message.authorName,
  created_at: renderTime(message.createdAt),
});

export const renderServiceStatus = (status: ServiceStatus) => ({
  status: status.status,
  components: status.components.map((component) => ({
    name: component.name,
    status: component.status,
    message: component.message,
  })),
  updated_at: renderTime(status.updatedAt),
});
