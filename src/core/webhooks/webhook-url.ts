/**
 * Webhook URL safety: only http(s) URLs whose host resolves to public addresses are accepted,
 * at registration (checkWebhookUrl) and again when dialling (safeLookup, so a host that re-binds
 * its DNS to a private address after registration cannot slip through).
 *
 * Refused (unless allowPrivate, i.e. KITH_WEBHOOK_ALLOW_PRIVATE=true for tests/local development):
 * loopback, private (RFC 1918, IPv6 ULA), link-local (incl. cloud metadata 169.254.169.254),
 * CGNAT 100.64/10, multicast, unspecified, broadcast, reserved/benchmark/documentation ranges, and
 * the same via IPv4-mapped / IPv4-compatible / NAT64 IPv6 forms. `localhost` and `*.localhost`
 * are refused without a DNS query.
 *
 * Note for callers that dial: Node does not call `lookup` for IP-literal hosts, so check the URL
 * (checkWebhookUrl or isForbiddenAddress on the literal) before every attempt as well.
 */
import dns, { type LookupAddress, type LookupOptions } from "node:dns";
import { isIP } from "node:net";
import { validationError } from "../errors.js";

type V4 = [number, number, number, number];

function parseV4(address: string): V4 | undefined {
  const parts = address.split(".");
  if (parts.length !== 4) return undefined;
  const bytes = parts.map((part) => (/^\d{1,3}$/.test(part) ? Number(part) : NaN));
  if (bytes.some((b) => !(b >= 0 && b <= 255))) return undefined;
  return bytes as V4;
}

/** Parses an IPv6 address (without brackets or zone) into 8 16-bit groups. */
function parseV6(input: string): number[] | undefined {
  let address = input.split("%")[0]!;
  const groups: number[] = [];
  // A trailing dotted IPv4 (::ffff:127.0.0.1) becomes two hex groups.
  const lastColon = address.lastIndexOf(":");
  if (address.slice(lastColon + 1).includes(".")) {
    const v4 = parseV4(address.slice(lastColon + 1));
    if (!v4) return undefined;
    const hi = ((v4[0] << 8) | v4[1]).toString(16);
    const lo = ((v4[2] << 8) | v4[3]).toString(16);
    address = `${address.slice(0, lastColon + 1)}${hi}:${lo}`;
  }
  const halves = address.split("::");
  if (halves.length > 2) return undefined;
  const parse = (s: string) =>
    s === "" ? [] : s.split(":").map((g) => (/^[0-9a-f]{1,4}$/i.test(g) ? parseInt(g, 16) : NaN));
  const head = parse(halves[0]!);
  const rest = halves.length === 2 ? parse(halves[1]!) : [];
  if ([...head, ...rest].some((g) => Number.isNaN(g))) return undefined;
  const total = head.length + rest.length;
  if (halves.length === 2) {
    if (total > 7) return undefined;
    groups.push(...head, ...new Array<number>(8 - total).fill(0), ...rest);
  } else {
    if (total !== 8) return undefined;
    groups.push(...head);
  }
  return groups;
}

function forbiddenV4([a, b, c]: V4): string | undefined {
  if (a === 0) return "unspecified";
  if (a === 10) return "private";
  if (a === 127) return "loopback";
  if (a === 100 && b >= 64 && b <= 127) return "shared (CGNAT)";
  if (a === 169 && b === 254) return "link-local or metadata";
  if (a === 172 && b >= 16 && b <= 31) return "private";
  if (a === 192 && b === 0 && (c === 0 || c === 2)) return "reserved";
  if (a === 192 && b === 168) return "private";
  if (a === 198 && (b === 18 || b === 19)) return "reserved";
  if (a === 198 && b === 51 && c === 100) return "reserved";
  if (a === 203 && b === 0 && c === 113) return "reserved";
  if (a >= 224 && a <= 239) return "multicast";
  if (a >= 240) return "reserved or broadcast";
  return undefined;
}

/**
 * Why an IP address may not be a webhook target ("loopback", "private", …), or undefined when
 * it is a public address. Unparseable input counts as forbidden.
 */
export function isForbiddenAddress(address: string): string | undefined {
  const bare = address.startsWith("[") && address.endsWith("]") ? address.slice(1, -1) : address;
  const family = isIP(bare.split("%")[0]!);
  if (family === 4) {
    const v4 = parseV4(bare);
    return v4 ? forbiddenV4(v4) : "invalid";
  }
  if (family !== 6) return "invalid";
  const g = parseV6(bare);
  if (!g) return "invalid";
  const embedded = (): V4 => [g[6]! >> 8, g[6]! & 0xff, g[7]! >> 8, g[7]! & 0xff];
  const zeros = (n: number) => g.slice(0, n).every((x) => x === 0);
  if (g.every((x) => x === 0)) return "unspecified";
  if (zeros(7) && g[7] === 1) return "loopback";
  // IPv4-mapped ::ffff:a.b.c.d, IPv4-compatible ::a.b.c.d, IPv4-translated ::ffff:0:a.b.c.d.
  if (zeros(5) && g[5] === 0xffff) return forbiddenV4(embedded()) ?? undefined;
  if (zeros(6)) return forbiddenV4(embedded()) ?? "reserved";
  if (zeros(4) && g[4] === 0xffff && g[5] === 0) return forbiddenV4(embedded()) ?? undefined;
  // NAT64 64:ff9b::/96 and 64:ff9b:1::/48.
  if (g[0] === 0x64 && g[1] === 0xff9b)
    return forbiddenV4(embedded()) ?? (g[2] === 1 ? "reserved" : undefined);
  const first = g[0]!;
  if ((first & 0xfe00) === 0xfc00) return "private";
  if ((first & 0xffc0) === 0xfe80) return "link-local";
  if ((first & 0xffc0) === 0xfec0) return "site-local";
  if ((first & 0xff00) === 0xff00) return "multicast";
  if (first === 0x2001 && g[1] === 0x0db8) return "reserved";
  if (first === 0x0100 && g[1] === 0 && g[2] === 0 && g[3] === 0) return "reserved";
  // 6to4 2002::/16 carries an IPv4 in groups 1-2.
  if (first === 0x2002) return forbiddenV4([g[1]! >> 8, g[1]! & 0xff, g[2]! >> 8, g[2]! & 0xff]);
  return undefined;
}

function isLocalhostName(host: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, "");
  return h === "localhost" || h.endsWith(".localhost");
}

/**
 * Validates a webhook URL: absolute http(s), no credentials, and (unless allowPrivate) a host
 * whose every DNS answer is a public address. Throws validationError("url", …).
 */
export async function checkWebhookUrl(url: string, allowPrivate: boolean): Promise<URL> {
  if (typeof url !== "string" || url.trim() === "") throw validationError("url", "is required");
  if (url.length > 2048) throw validationError("url", "must be at most 2048 characters");
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw validationError("url", "must be an absolute http or https URL");
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw validationError("url", "must use http or https");
  }
  if (parsed.username || parsed.password) throw validationError("url", "must not contain credentials");
  if (!parsed.hostname) throw validationError("url", "must have a host");
  if (allowPrivate) return parsed;

  const host = parsed.hostname.startsWith("[") ? parsed.hostname.slice(1, -1) : parsed.hostname;
  if (isLocalhostName(host)) throw validationError("url", "must not point to a loopback address");
  if (isIP(host)) {
    const reason = isForbiddenAddress(host);
    if (reason) throw validationError("url", `must not point to a ${reason} address`);
    return parsed;
  }
  let answers: LookupAddress[];
  try {
    answers = await dns.promises.lookup(host, { all: true, verbatim: true });
  } catch {
    throw validationError("url", "host does not resolve");
  }
  if (answers.length === 0) throw validationError("url", "host does not resolve");
  for (const answer of answers) {
    const reason = isForbiddenAddress(answer.address);
    if (reason) throw validationError("url", `must not resolve to a ${reason} address`);
  }
  return parsed;
}

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/**
 * A `dns.lookup`-compatible function (for http.Agent `lookup`, net.connect or undici's
 * `connect.lookup`) that refuses the connection when any answer is a forbidden address.
 */
export function safeLookup(allowPrivate: boolean) {
  return function lookup(
    hostname: string,
    optionsOrCallback: LookupOptions | number | LookupCallback,
    maybeCallback?: LookupCallback,
  ): void {
    const callback = (typeof optionsOrCallback === "function" ? optionsOrCallback : maybeCallback)!;
    const options: LookupOptions =
      typeof optionsOrCallback === "function"
        ? {}
        : typeof optionsOrCallback === "number"
          ? { family: optionsOrCallback }
          : optionsOrCallback;
    const refuse = (message: string) => {
      const error = new Error(message) as NodeJS.ErrnoException;
      error.code = "EWEBHOOKFORBIDDEN";
      callback(error, options.all ? [] : "", undefined);
    };
    if (!allowPrivate && isLocalhostName(hostname)) {
      refuse(`refused to connect to ${hostname}`);
      return;
    }
    dns.lookup(hostname, { ...options, all: true }, (error, answers) => {
      if (error) return callback(error, options.all ? [] : "", undefined);
      const list = answers as LookupAddress[];
      if (!allowPrivate) {
        for (const answer of list) {
          const reason = isForbiddenAddress(answer.address);
          if (reason) return refuse(`refused to connect to a ${reason} address`);
        }
      }
      if (list.length === 0) {
        const notFound = new Error(`getaddrinfo ENOTFOUND ${hostname}`) as NodeJS.ErrnoException;
        notFound.code = "ENOTFOUND";
        return callback(notFound, options.all ? [] : "", undefined);
      }
      if (options.all) return callback(null, list);
      const first = list[0]!;
      callback(null, first.address, first.family);
    });
  };
}
