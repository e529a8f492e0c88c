/** Renders core email connections in Valethon's shape (integer ids plus uuid, snake_case; never the password). */
import type { EmailConnection, EmailConnectionInput } from "../../../core/email/email.types.js";
import { renderTime } from "./envelope.js";

export function renderEmailConnection(connection: EmailConnection) {
  return {
    email_connection_id: connection.number,
    uuid: connection.id,
    channel: connection.channel,
    name: connection.name,
    from_email: connection.fromEmail,
    from_name: connection.fromName,
    host: connection.host,
    port: connection.port,
    secure: connection.secure,
    username: connection.username,
    has_password: connection.hasPassword,
    status: connection.status,
    created_at: renderTime(connection.createdAt),
    updated_at: renderTime(connection.updatedAt),
  };
}

export interface ValethonEmailConnectionBody {
  channel?: string;
  name?: string;
  from_email?: string;
  from_name?: string | null;
  host?: string;
  port?: number;
  secure?: boolean;
  username?: string | null;
  password?: string | null;
  status?: string;
}

export function emailConnectionInput(body: ValethonEmailConnectionBody): EmailConnectionInput {
  return {
    channel: body.channel,
    name: body.name,
    fromEmail: body.from_email,
    fromName: body.from_name,
    host: body.host,
    port: body.port,
    secure: body.secure,
    username: body.username,
    password: body.password,
    status: body.status,
  };
}
