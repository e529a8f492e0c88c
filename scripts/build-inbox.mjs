// Writes dist/inbox/app.js and app.css (the inbox page's script and stylesheet) after `tsc` has
// compiled the server, using the compiled bundle module so both paths share one esbuild setup.
import { writeFile } from "node:fs/promises";
import { buildInboxAssets, PREBUILT_PATHS } from "../dist/inbox/bundle.js";

const assets = await buildInboxAssets();
await writeFile(PREBUILT_PATHS.js, assets.js);
await writeFile(PREBUILT_PATHS.css, assets.css);
process.stdout.write(
  `inbox: ${PREBUILT_PATHS.js} (${assets.js.length} bytes) and app.css (${assets.css.length} bytes)\n`,
);
