// Writes dist/widget/chat.js (the minified widget, mount placeholder intact) after `tsc` has
// compiled the server, using the compiled bundle module so both paths share one esbuild setup.
import { writeFile } from "node:fs/promises";
import { gzipSync } from "node:zlib";
import { buildWidgetSource, PREBUILT_PATH } from "../dist/widget/bundle.js";

const source = await buildWidgetSource();
await writeFile(PREBUILT_PATH, source);
const gzipped = gzipSync(source).length;
process.stdout.write(`widget: ${PREBUILT_PATH} (${source.length} bytes, ${gzipped} gzipped)\n`);
