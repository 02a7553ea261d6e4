// Type checking: the resolved program → the CheckedProgram that lower.ts turns into plans.
// In: a ResolvedProgram (resolve.ts). Out: collections, externs and seals with semantic types
// (typecheck-declarations.ts), facts as constant expressions, and rules with resolved variable
// slots and typed expressions (typecheck-rules.ts); or null and the diagnostics that say why.
// Every declaration, fact and rule is checked even after an error, so one run reports all;
// a broken declaration yields `null` types that later checks pass over silently, so each
// mistake is reported once, where it was made.

import type { RuleItem } from "./ast.ts";
import { diagnostic, hasErrors, type Diagnostic } from "./diagnostics.ts";
import type { CheckedProgram, CheckedRule, IrExpression, IrFact } from "./ir.ts";
import { onePerPlace, type ResolvedCollection, type ResolvedProgram } from "./resolve.ts";
import type { Span } from "./source.ts";
import { matchArguments } from "./typecheck-arguments.ts";
import { checkCollection, checkExtern, checkSeals, reportUnknownAnnotation, type CollectionInfo, type ExternInfo } from "./typecheck-declarations.ts";
import { checkExpression, coerce, describeTarget, type ExpressionContext } from "./typecheck-expressions.ts";
import { checkRule, type RuleContext } from "./typecheck-rules.ts";
import { describeType } from "./typecheck-values.ts";

export type { ResolvedProgram } from "./resolve.ts";

export function typecheck(program: ResolvedProgram): { program: CheckedProgram | null; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const collections = new Map<string, CollectionInfo>();
  for (const resolved of program.collections) collections.set(resolved.name, checkCollection(resolved, diagnostics));
  const externs = new Map<string, ExternInfo>();
  for (const resolved of program.externs) externs.set(resolved.name, checkExtern(resolved, diagnostics));
  const seals = checkSeals(program, collections, diagnostics);

  const facts = program.facts.flatMap(({ item, module }) => {
    const fact = checkFact(item, { module, externs, diagnostics }, program.collectionOf(module, item.target), collections);
    return fact ? [fact] : [];
  });

  const context: RuleContext = { collections, collectionOf: program.collectionOf, externs, diagnostics };
  const names = ruleNames(program, diagnostics);
  const rules: CheckedRule[] = program.rules.map(({ item, module }, id) =>
    checkRule({ item, module, id, name: names[id]!.name, acknowledged: names[id]!.acknowledged }, context),
  );

  const failed = program.hasErrors || hasErrors(diagnostics);
  return {
    program: failed
      ? null
      : {
          moduleName: program.moduleName,
          collections: [...collections.values()].map((info) => info.ir),
          externs: [...externs.values()].map((info) => info.ir),
          seals,
          facts,
          rules,
        },
    diagnostics: onePerPlace(diagnostics),
  };
}

/** A fact is one constant per column, lifted into lattice columns. */
function checkFact(
  item: import("./ast.ts").FactItem,
  context: ExpressionContext,
  target: ResolvedCollection | undefined,
  collections: ReadonlyMap<string, CollectionInfo>,
): IrFact | null {
  const info = target ? collections.get(target.name) : undefined;
  if (!target || !info) {
    for (const arg of item.args) checkExpression(arg.value, context);
    return null;
  }
  const matched = matchArguments(item.args, { name: target.name, columns: info.columns }, item.span, { complete: true }, context.diagnostics);
  if (!matched) return null;
  const values: IrExpression[] = [];
  matched.forEach((arg, index) => {
    const column = info.columns[index]!;
    const typed = checkExpression(arg!.value, context, column.type ?? undefined);
    if (!typed || column.type === null) return;
    const converted = coerce(typed, column.type);
    if (!converted) {
      context.diagnostics.push(
        diagnostic("HY3002", arg!.value.span, `expected ${describeTarget(column.type)} for column \`${column.name}\` of \`${target.name}\`, found ${describeType(typed.type)}`),
      );
    } else values.push(converted);
  });
  return values.length === info.columns.length ? { collection: target.name, values, span: item.span } : null;
}

/**
 * `@name("x")` (`d.x` in a module imported as d), else `head#n` with n counting the head's rules
 * (named or not) from 1 in program order; a module's rules count under the qualified head name. Names must be unique, since
 * reports and `hydro check` refer to rules by name.
 */
function ruleNames(program: ResolvedProgram, diagnostics: Diagnostic[]): { name: string; acknowledged: CheckedRule["acknowledged"] }[] {
  const perHead = new Map<string, number>();
  const firstUse = new Map<string, Span>();
  return program.rules.map(({ item, module }) => {
    const head = program.collectionOf(module, item.head.target)?.name ?? module.prefix + qualifiedText(item);
    const n = (perHead.get(head) ?? 0) + 1;
    perHead.set(head, n);
    let name = `${head}#${n}`;
    let nameSpan: Span = item.head.span;
    const acknowledged: { coordinated?: string; nondet?: string } = {};
    for (const annotation of item.annotations) {
      const argument = annotation.argument?.value;
      switch (annotation.name.name) {
        case "name":
          if (argument === undefined || argument === "") {
            diagnostics.push(diagnostic("HY2012", annotation.span, "`@name` needs the rule's name: `@name(\"checkout_total\")`"));
          } else {
            // Qualified like the module's collections, so importing a module twice is fine.
            name = module.prefix + argument;
            nameSpan = annotation.span;
          }
          break;
        case "coordinated":
          acknowledged.coordinated = argument ?? "";
          break;
        case "nondet":
          acknowledged.nondet = argument ?? "";
          break;
        default:
          reportUnknownAnnotation(annotation, ["name", "coordinated", "nondet"], diagnostics);
      }
    }
    const first = firstUse.get(name);
    if (first) {
      diagnostics.push(
        diagnostic("HY2002", nameSpan, `two rules are named \`${name}\``, { related: [{ message: "the other rule", span: first }] }),
      );
    } else firstUse.set(name, nameSpan);
    return { name, acknowledged };
  });
}

function qualifiedText(item: RuleItem): string {
  const target = item.head.target;
  return target.module ? `${target.module.name}.${target.name.name}` : target.name.name;
}
