/** Runs the `kith` command as a real process (`node --import tsx src/cli/main.ts …`) and reads its output. */
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";
import { neutralEnv } from "./process-env.js";

export const ROOT = resolve(fileURLToPath(new URL(".", import.meta.url)), "../..");
const SPAWN_TIMEOUT_MS = 30_000;

export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function kith(args: string[], extraEnv: Record<string, string>): Run {
  const result = spawnSync(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args], {
    cwd: ROOT,
    env: { ...neutralEnv(), ...extraEnv },
    encoding: "utf8",
    timeout: SPAWN_TIMEOUT_MS,
  });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Asserts a successful run that printed exactly one JSON document, and returns it. */
export function json(run: Run): any {
  expect(run.status, run.stderr).toBe(0);
  const lines = run.stdout.split("\n").filter((line) => line.trim() !== "");
  expect(lines, run.stdout).toHaveLength(1);
  return JSON.parse(lines[0]!);
}

/** Asserts a failed run: non-zero exit, nothing on stdout, a message on stderr; returns stderr. */
export function failure(run: Run): string {
  expect(run.status, `stdout: ${run.stdout}`).not.toBe(0);
  expect(run.status).not.toBeNull();
  expect(run.stdout).toBe("");
  expect(run.stderr.trim()).not.toBe("");
  return run.stderr;
}
