// Arguments against columns: which written argument goes into which column of a collection.
// In: the arguments of an atom, a head or a fact, whether they are in the named form, and the
// collection's columns. Out: one entry per column (the argument, or null where the named form
// leaves the column out), or null after reporting HY3001 / HY2006 / HY2008.
// One function for atoms, heads and facts so the three agree; they differ only in whether the
// named form may leave columns out (a body atom may: they are wildcards; a head or a fact must
// give every column a value).

import type { Argument } from "./ast.ts";
import { diagnostic, type Diagnostic } from "./diagnostics.ts";
import { suggestName } from "./resolve.ts";
import type { Span } from "./source.ts";
import type { ColumnInfo } from "./typecheck-declarations.ts";

export interface ArgumentTarget {
  /** Qualified collection name, for messages. */
  readonly name: string;
  readonly columns: readonly ColumnInfo[];
}

export function matchArguments(
  args: readonly Argument[],
  target: ArgumentTarget,
  span: Span,
  options: { readonly namedForm?: boolean; readonly complete: boolean },
  diagnostics: Diagnostic[],
): (Argument | null)[] | null {
  const namedCount = args.filter((arg) => arg.name !== undefined).length;
  const named = options.namedForm ?? namedCount > 0;
  if (named && namedCount !== args.length) {
    const positional = args.find((arg) => arg.name === undefined)!;
    diagnostics.push(diagnostic("HY3001", positional.span, "write every argument as `column: value`, or none"));
    return null;
  }
  const columnList = () => target.columns.map((column) => column.name).join(", ");
  if (!named) {
    if (args.length === target.columns.length) return [...args];
    const count = (n: number) => `${n} column${n === 1 ? "" : "s"}`;
    diagnostics.push(
      diagnostic("HY3001", span, `\`${target.name}\` has ${count(target.columns.length)}, found ${args.length} argument${args.length === 1 ? "" : "s"}`, {
        help: target.columns.length === 0 ? `write \`${target.name}()\`` : `its columns: ${columnList()}`,
      }),
    );
    return null;
  }
  const matched: (Argument | null)[] = target.columns.map(() => null);
  let ok = true;
  for (const arg of args) {
    const name = arg.name!;
    const index = target.columns.findIndex((column) => column.name === name.name);
    if (index < 0) {
      const suggestion = suggestName(name.name, target.columns.map((column) => column.name));
      diagnostics.push(
        diagnostic("HY2006", name.span, `\`${target.name}\` has no column \`${name.name}\``, {
          help: suggestion ? `did you mean \`${suggestion}\`?` : `its columns: ${columnList()}`,
        }),
      );
      ok = false;
    } else if (matched[index] !== null) {
      diagnostics.push(
        diagnostic("HY2008", name.span, `the column \`${name.name}\` is given twice`, {
          related: [{ message: "first given here", span: matched[index]!.span }],
        }),
      );
      ok = false;
    } else matched[index] = arg;
  }
  if (ok && options.complete) {
    const missing = target.columns.filter((_, index) => matched[index] === null).map((column) => `\`${column.name}\``);
    if (missing.length > 0) {
      diagnostics.push(diagnostic("HY3001", span, `\`${target.name}\` needs a value for every column; missing ${missing.join(", ")}`));
      ok = false;
    }
  }
  return ok ? matched : null;
}
