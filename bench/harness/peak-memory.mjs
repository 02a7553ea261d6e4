// Runs a Node script inside this process and, on exit, writes this process's peak resident set
// size (KiB, from process.resourceUsage().maxRSS) to $HYDRO_BENCH_PEAK_FILE.
// In: `node peak-memory.mjs SCRIPT ARGS...`. Out: whatever the script prints and its exit code.
// Why: the harness's fallback when /usr/bin/time is missing: Node cannot read a child's rusage,
// but a process can read its own, and running the script here adds only one module load.
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

const [script, ...args] = process.argv.slice(2);
process.argv = [process.argv[0], resolve(script), ...args];
process.on("exit", () => {
  if (process.env.HYDRO_BENCH_PEAK_FILE) writeFileSync(process.env.HYDRO_BENCH_PEAK_FILE, String(process.resourceUsage().maxRSS));
});
await import(pathToFileURL(resolve(script)).href);
