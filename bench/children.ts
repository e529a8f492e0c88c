/**
 * Server children of the bench: forked with `node --import tsx`, each prints one hello line on stdout,
 * answers stats over IPC, and is always stopped (SIGTERM, then SIGKILL) by `stop` or, as a last resort,
 * by the parent's `exit` handler.
 */
import { type ChildProcess, fork } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import type { ServerHello, StatsReply } from "./protocol.js";

const STDERR_TAIL_LINES = 20;

export interface ServerChild {
  readonly name: string;
  readonly pid: number;
  readonly hello: ServerHello;
  /** The server's own CPU time and memory, read over IPC. */
  stats(): Promise<StatsReply>;
  /** Sends `{type}` over IPC and resolves with the child's first reply of the same type. */
  ask<T extends { type: string }>(type: string, timeoutMs?: number): Promise<T>;
  /** Lines the server wrote to stderr (warnings and errors), with the last few kept. */
  readonly stderr: { count: number; tail: string[] };
  readonly exited: boolean;
  stop(): Promise<void>;
}

const live = new Set<ChildProcess>();

// Last resort: whatever happens to the parent, no server outlives it.
process.on("exit", () => {
  for (const child of live) child.kill("SIGKILL");
});

export async function startServer(
  name: string,
  script: URL,
  env: Record<string, string>,
  startTimeoutMs: number,
): Promise<ServerChild> {
  const child = fork(script, [], {
    execArgv: ["--import", "tsx"],
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe", "ipc"],
  });
  live.add(child);
  let exited = false;
  const exit = once(child, "exit").then(() => {
    exited = true;
    live.delete(child);
  });

  const stderr = { count: 0, tail: [] as string[] };
  const note = (line: string) => {
    stderr.count++;
    stderr.tail.push(line);
    if (stderr.tail.length > STDERR_TAIL_LINES) stderr.tail.shift();
  };
  // A failed send (the child died) arrives here; without a listener it would crash the parent.
  child.on("error", (error) => note(`[bench] ${name}: ${error.message}`));
  createInterface({ input: child.stderr! }).on("line", note);

  const stop = async () => {
    if (exited) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 3_000);
    await exit;
    clearTimeout(timer);
  };

  try {
    const hello = await new Promise<ServerHello>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${name} did not start within ${startTimeoutMs / 1000} s`)),
        startTimeoutMs,
      );
      const lines = createInterface({ input: child.stdout! });
      lines.once("line", (line) => {
        clearTimeout(timer);
        try {
          resolve(JSON.parse(line) as ServerHello);
        } catch {
          reject(new Error(`${name} printed "${line}" instead of its hello line`));
        }
      });
      void exit.then(() => {
        clearTimeout(timer);
        reject(new Error(`${name} exited before listening:\n${stderr.tail.join("\n")}`));
      });
    });

    const ask = <T extends { type: string }>(type: string, timeoutMs = 5_000) =>
      new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => {
          child.off("message", onMessage);
          reject(new Error(`${name} did not answer a ${type} request`));
        }, timeoutMs);
        const onMessage = (message: unknown) => {
          if ((message as T)?.type !== type) return;
          clearTimeout(timer);
          child.off("message", onMessage);
          resolve(message as T);
        };
        child.on("message", onMessage);
        if (exited || !child.connected) {
          clearTimeout(timer);
          child.off("message", onMessage);
          reject(new Error(`${name} is not running (it exited during the bench)`));
          return;
        }
        child.send({ type });
      });
    const stats = () => ask<StatsReply>("stats");

    return {
      name,
      pid: child.pid!,
      hello,
      stats,
      ask,
      stderr,
      get exited() {
        return exited;
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
