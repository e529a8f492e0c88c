#!/usr/bin/env node
// The `kith` command. Runs the compiled CLI (built by `npm ci` through the `prepare` script).
import("../dist/cli/main.js").catch((error) => {
  if (error?.code === "ERR_MODULE_NOT_FOUND" && String(error.message).includes("dist/cli/main.js")) {
    process.stderr.write("kith: not built yet; run `npm run build` (npm ci does it for you)\n");
    process.exit(1);
  }
  throw error;
});
