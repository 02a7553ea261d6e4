// `npm run build` (also run by `npm ci` through `prepare`): the JavaScript copy in dist/ that
// bin/hydro runs while it is newer than every source file.
// In: the TypeScript sources. Out: dist/compiler/cli/index.js (the command), dist/runtime/index.js
// (the runtime that generated modules import), their shared code in dist/chunks/, and
// dist/BUILD_ID, a hash of all of it that keys the compile cache.
// Why a bundle and not one .js per .ts: start-up time. Node resolves and compiles each ES module
// on its own, and a command that loads ~150 small modules spends ~0.1 s on that alone; a few
// bundled files load in a fraction of it. Code splitting keeps one copy of the runtime shared by
// the command and by the generated modules it loads (same classes, same interned values), and
// turns every dynamic import into a chunk loaded only by the commands that need it.
// Types are not checked here (`npm run typecheck` does that); packages stay external.

import { build } from "esbuild";
import { createHash } from "node:crypto";
import { readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dist = join(root, "dist");

rmSync(dist, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: { "compiler/cli/index": "compiler/cli/index.ts", "runtime/index": "runtime/index.ts" },
  outdir: dist,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  packages: "external",
  chunkNames: "chunks/[name]-[hash]",
  legalComments: "none",
  logLevel: "warning",
});

const hash = createHash("sha256");
for (const file of filesUnder(dist).sort()) hash.update(file.slice(dist.length)).update(readFileSync(file));
writeFileSync(join(dist, "BUILD_ID"), `${hash.digest("hex").slice(0, 32)}\n`);

function filesUnder(directory) {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(directory, entry.name)) : [join(directory, entry.name)],
  );
}
