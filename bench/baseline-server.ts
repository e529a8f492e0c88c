/**
 * The baseline: a bare Fastify route answering constant JSON, with the same Fastify version, runtime and
 * loader (`node --import tsx`) as Kith's bench server. Whatever Kith adds on top (hooks, auth, rate
 * limiting, validation, SQLite, serialisation) is what the ratios to this route measure.
 *
 * Standalone: `node --import tsx bench/baseline-server.ts` prints `{"port":…}` and serves until Ctrl+C.
 */
import Fastify from "fastify";
import { onShutdown, type ServerHello, serveStats } from "./protocol.js";

const app = Fastify({ logger: false });
app.get("/", async () => ({ hello: "world" }));

onShutdown(() => app.close());
serveStats();

await app.listen({ port: 0, host: "127.0.0.1" });
const address = app.server.address();
if (typeof address !== "object" || address === null) throw new Error("the baseline server has no port");
const hello: ServerHello = { port: address.port };
process.stdout.write(`${JSON.stringify(hello)}\n`);
