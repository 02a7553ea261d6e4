// The one place that knows the shape of the class `hydro compile` emits (a subclass of
// runtime/program.ts's ProgramNode, the module's default export). In: the imported module. Out: a small driving interface (push tuples into an input, run a tick and get its
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

/** What the harness uses of runtime/program.ts's ProgramNode, the base of the generated class. */
interface ProgramNodeLike {
  readonly schema: { readonly collections: readonly { readonly name: string; readonly kind: string }[] };
  push(name: string, tuples: readonly (readonly unknown[])[]): void;
  tick(): TickResultLike;
  runUntilQuiet(): TickResultLike[];
}

type TickResultLike =
  | { readonly failed?: undefined; readonly outputs: Readonly<Record<string, readonly (readonly unknown[])[]>> }
  | { readonly failed: true; readonly tick: number; readonly error: { readonly message: string } };

const REQUIRED_METHODS = ["push", "tick", "runUntilQuiet"] as const;

function isNodeClass(candidate: unknown): candidate is new () => ProgramNodeLike {
  if (typeof candidate !== "function" || typeof candidate.prototype !== "object" || candidate.prototype === null) return false;
  const prototype = candidate.prototype as Record<string, unknown>;
  return REQUIRED_METHODS.every((method) => typeof prototype[method] === "function");
}

/** A failed tick is a benchmark failure: the figures of a tick that rolled back mean nothing. */
function outputsOf(result: TickResultLike): Readonly<Record<string, readonly (readonly unknown[])[]>> {
  if (result.failed) throw new Error(`tick ${result.tick} failed: ${result.error.message}`);
  return result.outputs;
}

export function adaptModule(module: Record<string, unknown>): Adapted {
  const exported = isNodeClass(module.default) ? module.default : Object.values(module).find(isNodeClass);
  if (!exported) return { unsupported: `no exported class with ${REQUIRED_METHODS.join(", ")}; ${describeExports(module)}` };
  const node = new exported();
  const collections = node.schema?.collections;
  if (!Array.isArray(collections)) return { unsupported: "the generated class has no schema.collections" };
  const inputs = collections.filter((collection) => collection.kind === "input").map((collection) => collection.name);
  return {
    program: {
      inputs,
      push: (input, tuples) => node.push(input, tuples),
      tick: () => new Map(Object.entries(outputsOf(node.tick()))),
      runUntilQuiet: () => {
        // The union over the ticks, as batch mode writes it (LANGUAGE.md §6).
        const union = new Map<string, Map<string, readonly unknown[]>>();
        for (const result of node.runUntilQuiet()) {
          for (const [name, tuples] of Object.entries(outputsOf(result))) {
            let seen = union.get(name);
            if (!seen) union.set(name, (seen = new Map()));
            for (const tuple of tuples) seen.set(JSON.stringify(tuple), tuple);
          }
        }
        return new Map([...union].map(([name, tuples]) => [name, [...tuples.values()]]));
      },
    },
  };
}
