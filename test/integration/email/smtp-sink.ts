/**
 * A real SMTP server on 127.0.0.1 (port 0) that keeps what it receives, parsed just enough to
 * check a nodemailer message: headers, and the text/plain and text/html parts decoded.
 */
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";

export interface ReceivedMail {
  envelopeFrom: string;
  envelopeTo: string[];
  headers: Record<string, string>;
  text: string | null;
  html: string | null;
  raw: string;
}

export interface SmtpSink {
  port: number;
  received: ReceivedMail[];
  /** Logins tried, as [user, password]. */
  logins: [string, string][];
  /** SMTP codes to answer the next messages with (one per message), before accepting again. */
  rejectNext(...codes: number[]): void;
  close(): Promise<void>;
}

export async function startSmtpSink(credentials: { user: string; pass: string }): Promise<SmtpSink> {
  const received: ReceivedMail[] = [];
  const logins: [string, string][] = [];
  const rejections: number[] = [];
  const server = new SMTPServer({
    authOptional: true,
    allowInsecureAuth: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onAuth(auth, _session, callback) {
      logins.push([auth.username ?? "", auth.password ?? ""]);
      if (auth.username === credentials.user && auth.password === credentials.pass) {
        callback(null, { user: auth.username });
      } else {
        callback(Object.assign(new Error("Authentication failed"), { responseCode: 535 }));
      }
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        const code = rejections.shift();
        if (code !== undefined) {
          callback(Object.assign(new Error(`Sink says no (${code})`), { responseCode: code }));
          return;
        }
        const raw = Buffer.concat(chunks).toString("utf8");
        received.push({
          envelopeFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          envelopeTo: session.envelope.rcptTo.map((rcpt) => rcpt.address),
          ...parseMessage(raw),
          raw,
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    received,
    logins,
    rejectNext: (...codes) => rejections.push(...codes),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function splitHead(raw: string): { headers: Record<string, string>; body: string } {
  const end = raw.indexOf("\r\n\r\n");
  const head = raw.slice(0, end).replace(/\r\n[ \t]+/g, " ");
  const headers: Record<string, string> = {};
  for (const line of head.split("\r\n")) {
    const colon = line.indexOf(":");
    headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { headers, body: raw.slice(end + 4) };
}

function decode(body: string, encoding: string | undefined): string {
  if (encoding?.toLowerCase() === "quoted-printable") {
    const bytes = body
      .replace(/=\r\n/g, "")
      .replace(/=([0-9A-F]{2})/gi, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
    return Buffer.from(bytes, "latin1").toString("utf8");
  }
  if (encoding?.toLowerCase() === "base64") return Buffer.from(body, "base64").toString("utf8");
  return body;
}

function parseMessage(raw: string): Pick<ReceivedMail, "headers" | "text" | "html"> {
  const { headers, body } = splitHead(raw);
  const boundary = /boundary="?([^";]+)"?/.exec(headers["content-type"] ?? "")?.[1];
  const parts = boundary
    ? body
        .split(`--${boundary}`)
        .slice(1, -1)
        .map((part) => splitHead(part.replace(/^\r\n/, "")))
    : [{ headers, body }];
  const partOf = (type: string) => {
    const part = parts.find((candidate) => (candidate.headers["content-type"] ?? "").startsWith(type));
    return part
      ? decode(part.body.replace(/\r\n$/, ""), part.headers["content-transfer-encoding"]).replace(
          /\r\n/g,
          "\n",
        )
      : null;
  };
  return { headers, text: partOf("text/plain"), html: partOf("text/html") };
}
