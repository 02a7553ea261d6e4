// The command line of `npm run bench -- [options]`. In: argv after the script. Out: the options,
// or a usage error as a string (the entry prints it and exits 2). Pure, so it is unit-tested.
// Hand-parsed rather than through commander: the harness is a script with five flags, and
// keeping it free of the CLI's machinery keeps it runnable while the CLI is being written.

export const WORKLOAD_FAMILIES = ["tc", "sg", "join3", "kvs", "rules1000"] as const;
export type WorkloadFamily = (typeof WORKLOAD_FAMILIES)[number];

export interface BenchOptions {
  /** Only the small data sets (and a shorter KVS run): a minute, not half an hour. */
  readonly quick: boolean;
  /** Which workload families to run; all when the user named none. */
  readonly only: readonly WorkloadFamily[];
  /** Measured runs per engine, after one warm-up run. */
  readonly runs: number;
  /** A run slower than this is stopped, and that engine skips the rest of the workload. */
  readonly timeoutSeconds: number;
  /** Ticks of the KVS throughput run. */
  readonly kvsTicks: number;
  readonly help: boolean;
}

export const USAGE = `usage: npm run bench -- [--quick] [--only tc,sg,join3,kvs,rules1000] [--runs N] [--timeout SECONDS] [--kvs-ticks N]

  --quick          only the small data sets (chain200, rand200x600, tree2d8, tree2d10,
                   rand1000x4000) and a shorter KVS run
  --only LIST      run only these workload families (comma-separated, or repeat the flag)
  --runs N         measured runs per engine after one warm-up run (default 5)
  --timeout S      stop a run after S seconds and skip that engine for the workload (default 300)
  --kvs-ticks N    ticks in the KVS throughput run (default 200000, 20000 with --quick)
`;

export type ParseResult = { readonly options: BenchOptions } | { readonly error: string };

function positiveInteger(flag: string, text: string | undefined): number | string {
  if (text === undefined || !/^\d+$/.test(text) || Number(text) < 1) return `${flag} needs a positive integer, got ${text ?? "nothing"}`;
  return Number(text);
}

export function parseOptions(argv: readonly string[]): ParseResult {
  let quick = false;
  let help = false;
  let runs = 5;
  let timeoutSeconds = 300;
  let kvsTicks: number | undefined;
  const only: WorkloadFamily[] = [];
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index]!;
    const [flag, inline] = argument.startsWith("--") && argument.includes("=") ? [argument.slice(0, argument.indexOf("=")), argument.slice(argument.indexOf("=") + 1)] : [argument, undefined];
    const value = () => inline ?? argv[++index];
    switch (flag) {
      case "--quick":
        quick = true;
        break;
      case "--help":
      case "-h":
        help = true;
        break;
      case "--only": {
        const list = value();
        if (!list) return { error: "--only needs a list of workloads" };
        for (const name of list.split(",").map((part) => part.trim()).filter(Boolean)) {
          if (!(WORKLOAD_FAMILIES as readonly string[]).includes(name)) {
            return { error: `unknown workload ${JSON.stringify(name)}; choose from ${WORKLOAD_FAMILIES.join(", ")}` };
          }
          if (!only.includes(name as WorkloadFamily)) only.push(name as WorkloadFamily);
        }
        break;
      }
      case "--runs": {
        const parsed = positiveInteger("--runs", value());
        if (typeof parsed === "string") return { error: parsed };
        runs = parsed;
        break;
      }
      case "--timeout": {
        const parsed = positiveInteger("--timeout", value());
        if (typeof parsed === "string") return { error: parsed };
        timeoutSeconds = parsed;
        break;
      }
      case "--kvs-ticks": {
        const parsed = positiveInteger("--kvs-ticks", value());
        if (typeof parsed === "string") return { error: parsed };
        kvsTicks = parsed;
        break;
      }
      default:
        return { error: `unknown option ${argument}` };
    }
  }
  return {
    options: {
      quick,
      help,
      runs,
      timeoutSeconds,
      kvsTicks: kvsTicks ?? (quick ? 20_000 : 200_000),
      only: only.length > 0 ? only : [...WORKLOAD_FAMILIES],
    },
  };
}
