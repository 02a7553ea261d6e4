// The one place that knows the shape of the class `hydro compile` emits. In: the imported
// module. Out: a small driving interface (push tuples into an input, run a tick and get its
// outputs, run until quiet), or the reason the module cannot be driven.
// Kept apart from the runner so that when the generated API changes, only this file does; when
// the module does not have the expected shape the harness reports "embedded API not usable"
// with what the module exports, rather than guessing and timing something else.

export interface EmbeddedProgram {
  /** The names of the program's `input` collections. */
  readonly inputs: readonly string[];
  /** Queues tuples for the next tick. */
  push(input: string, tuples: readonly (readonly unknown[])[]): void;
  /** Runs one tick; returns the outputs it emitted, by output name. */
  tick(): ReadonlyMap<string, readonly (readonly unknown[])[]>;
  /** Runs ticks while something is pending; returns the union of every output over them. */
  runUntilQuiet(): ReadonlyMap<string, readonly (readonly unknown[])[]>;
}

export type Adapted = { readonly program: EmbeddedProgram } | { readonly unsupported: string };

function describeExports(module: Record<string, unknown>): string {
  const names = Object.keys(module);
  return names.length === 0 ? "the module exports nothing" : `the module exports ${names.map((name) => `${name} (${typeof module[name]})`).join(", ")}`;
}

export function adaptModule(module: Record<string, unknown>): Adapted {
  return { unsupported: `no adapter for the generated module yet; ${describeExports(module)}` };
}
