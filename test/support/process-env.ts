/** The parent's environment without anything that would change Kith's configuration. */
export function neutralEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (/^(PORT|HOST|DATABASE_URL|REDIS_URL)$/.test(name) || name.startsWith("KITH_")) continue;
    env[name] = value;
  }
  return env;
}
