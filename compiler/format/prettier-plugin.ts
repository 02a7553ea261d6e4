// A prettier plugin for `.hydro` files: `prettier --plugin ./compiler/format/prettier-plugin.ts`.
// In: the text prettier hands over. Out: the same canonical text `hydro fmt` prints, since both
// call formatProgram. The "AST" given to prettier is one opaque node holding the parsed program:
// the layout is decided by the printer, not by prettier's document algebra.
// A syntax error is thrown with a `loc`, which prettier reports with a code frame.

import type { Parser, Plugin, Printer, SupportLanguage } from "prettier";
import type { SourceProgram } from "../ast.ts";
import { parseProgram } from "../build-ast.ts";
import { hasErrors } from "../diagnostics.ts";
import { makeSource, type SourceFile } from "../source.ts";
import { formatProgram } from "./printer.ts";

interface HydroDocument {
  readonly kind: "hydro-document";
  readonly program: SourceProgram;
  readonly file: SourceFile;
}

export const languages: SupportLanguage[] = [{ name: "Hydrolog", extensions: [".hydro"], parsers: ["hydro"] }];

export const parsers: Record<string, Parser<HydroDocument>> = {
  hydro: {
    astFormat: "hydro",
    parse(text, options) {
      const file = makeSource(options.filepath ?? "input.hydro", text);
      const { program, diagnostics } = parseProgram(file);
      const errors = diagnostics.filter((d) => d.severity === "error");
      if (hasErrors(diagnostics)) {
        const first = errors[0]!;
        const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : "";
        throw Object.assign(new SyntaxError(`${first.code}: ${first.message}${more}`), {
          loc: {
            start: { line: first.span.line, column: first.span.column },
            end: { line: first.span.endLine, column: first.span.endColumn },
          },
        });
      }
      return { kind: "hydro-document", program, file };
    },
    locStart: () => 0,
    locEnd: (node) => node.file.text.length,
  },
};

export const printers: Record<string, Printer<HydroDocument>> = {
  hydro: {
    print(path) {
      const node = path.node;
      return formatProgram(node.program, node.file);
    },
  },
};

const plugin: Plugin<HydroDocument> = { languages, parsers, printers };
export default plugin;
