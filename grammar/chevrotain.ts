// chevrotain, loaded from the single-file bundle its package ships.
// The package's entry point (lib/src/api.js) pulls in several hundred small modules (lodash-es),
// which costs most of a second of start-up on every `hydro` command; the bundle in the same
// package, same version, loads in a few milliseconds. Types still come from the package.
// Every runtime use of chevrotain goes through this module, so there is exactly one copy.

import type * as Chevrotain from "chevrotain";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";

const entry = createRequire(import.meta.url).resolve("chevrotain");
const bundle = join(dirname(entry), "..", "chevrotain.mjs");

export const chevrotain = (await import(pathToFileURL(bundle).href)) as typeof Chevrotain;
