#!/usr/bin/env node
// `npm run bench [-- --quick] [-- --only tc,sg] [-- --runs N]`: the benchmark harness's entry.
// It registers the TypeScript loader (the harness, like the rest of the project, is TypeScript
// run through tsx) and hands the arguments to bench/harness/main.ts. See bench/README.md.
import { register } from "tsx/esm/api";

register();
const { main } = await import("./harness/main.ts");
process.exitCode = await main(process.argv.slice(2));
