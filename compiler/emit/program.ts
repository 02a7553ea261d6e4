// The generated class: one per program, embedding its rules in the runtime's node.
// In: the IrProgram (strata with their rules and plans, facts, externs) and emit options.
// Out: the body of the module after its imports: tuple types, the schema, lattice constants,
// extern wrappers, and `export class Cart extends ProgramNode<CartTypes>` whose members are
// the relations and indexes its plans use, one method per plan, one per stratum, `evaluate`
// (step 3 of the tick: the strata in order, then the temporal rules) and `insertFacts`.
// Why so: each plan is a method named after its rule, with the rule's text above it, so a
// profile or a stack trace of a running service points at a line of the program. Strata are
// methods too: a recursive one is the semi-naive loop over its plans' delta variants. Every
// declaration and member is a unit of the writer (see format-units.ts), so a method prettier
// must lay out is formatted alone.

import type { IrCollection, IrFact, IrPlan, IrProgram, IrRule, IrStratum, SinkKind } from "../ir.ts";
import { printPlan } from "../ir-print.ts";
import type { SourceFile } from "../source.ts";
import { isLattice, sameType, type LatticeType } from "../types.ts";
import { writeCollectionTypes, writeSchema } from "./collections.ts";
import { ExpressionEmitter, literal, type CodeKind, type FunctionContext, type VariableSlot } from "./expressions.ts";
import { layoutCall, stringLiteral, type CallArgument } from "./literals.ts";
import type { ModuleContext } from "./module-context.ts";
import { PlanEmitter, type ClassMembers } from "./operators.ts";
import { CodeWriter, NameScope, PRINT_WIDTH, camelCase, identifier, pascalCase } from "./writer.ts";

/** Members of ProgramNode a generated member must not shadow. */
const BASE_MEMBERS = [
  "schema",
  "me",
  "space",
  "context",
  "evaluate",
  "insertFacts",
  "relation",
  "deferredInserts",
  "deferredDeletes",
  "deferredUpserts",
  "outbox",
  "fact",
  "push",
  "pushArrivals",
  "hasPending",
  "tickNumber",
  "tick",
  "runUntilQuiet",
  "collectionNames",
  "read",
  "onOutput",
  "onSend",
  "onTick",
  "snapshot",
  "restore",
  "constructor",
];

export interface ProgramEmitOptions {
  /** The source files, to quote each rule above its method. */
  readonly sources?: readonly SourceFile[];
  /** The class name; default from the module name. */
  readonly className?: string;
  /** The file the program came from, for the header comment. */
  readonly sourceName?: string;
}

export function writeProgram(writer: CodeWriter, program: IrProgram, module: ModuleContext, options: ProgramEmitOptions): void {
  const className = module.names.claim(options.className ?? pascalCase(program.moduleName));
  const types = writeCollectionTypes(writer, program.collections, module, className);
  writer.line();
  writeSchema(writer, program.moduleName, program.collections, module);

  const members = new Members(program, module);
  const methods = new CodeWriter(1);
  new MethodsWriter(program, module, members, options).write(methods);

  module.writeConstants(writer);
  writer.line();
  const source = options.sourceName === undefined ? "" : ` (${options.sourceName})`;
  writer.doc(
    `The program ${program.moduleName}${source} as an embeddable node: push arrivals, run ticks, read collections,\n` +
      "subscribe to outputs and sends. See runtime/program.ts for the API and the tick's steps.",
  );
  const head = `export class ${className} extends ${module.runtime("ProgramNode")}<${types.programTypes}>`;
  const writeClass = () => {
    writer.open(head);
    members.writeFields(writer);
    writer.line();
    module.writeUnit(writer, true, () =>
      writer.block(`constructor(options: ${module.runtimeType("NodeOptions")} = {})`, () => writer.line("super(SCHEMA, options);")),
    );
    writer.append(methods);
    writer.close();
  };
  // A class head too long for one line is prettier's to break: the whole class is then one unit.
  if (`${head} {`.length > PRINT_WIDTH) module.writeUnit(writer, false, writeClass);
  else writeClass();
  writer.line();
  module.writeUnit(writer, false, () => writer.line(`export default ${className};`));
}

/** A field's initializer: a call, laid out by layoutCall. */
type FieldInit = { readonly callee: string; readonly args: readonly CallArgument[] };

/** The class fields: relations, indexes, deferred buffers, outboxes, aggregation states. */
class Members implements ClassMembers {
  private readonly scope = new NameScope(BASE_MEMBERS);
  private readonly collections: Map<string, IrCollection>;
  private readonly fields: { name: string; init: FieldInit; order: number }[] = [];
  private readonly byKey = new Map<string, string>();

  constructor(
    program: IrProgram,
    private readonly module: ModuleContext,
  ) {
    this.collections = new Map(program.collections.map((collection) => [collection.name, collection]));
  }

  collection(name: string): IrCollection {
    const collection = this.collections.get(name);
    if (collection === undefined) throw new Error(`unknown collection ${name}`);
    return collection;
  }

  relation(name: string): string {
    return this.field(`relation ${name}`, 0, () => ({ wanted: `${baseName(name)}Relation`, init: { callee: "this.relation", args: [{ data: name }] } }));
  }

  index(name: string, plainColumns: readonly number[]): string {
    return this.field(`index ${name} ${plainColumns.join(",")}`, 1, () => {
      const relation = this.relation(name);
      const collection = this.collection(name);
      const plainNames = collection.columns.filter((column) => !column.lattice).map((column) => column.name);
      const wanted = `${baseName(name)}By${plainColumns.map((column) => pascalCase(plainNames[column] ?? String(column))).join("")}`;
      return { wanted, init: { callee: `${relation}.index`, args: [{ data: plainColumns }] } };
    });
  }

  sinkTarget(sink: SinkKind, name: string): string {
    const buffer = (suffix: string, method: string) =>
      this.field(`${sink} ${name}`, 2, () => ({ wanted: `${baseName(name)}${suffix}`, init: { callee: `this.${method}`, args: [{ data: name }] } }));
    switch (sink) {
      case "merge":
        return this.relation(name);
      case "defer":
        return buffer("Inserts", "deferredInserts");
      case "delete":
        return buffer("Deletes", "deferredDeletes");
      case "upsert":
        return buffer("Upserts", "deferredUpserts");
      case "send":
        return buffer("Outbox", "outbox");
    }
  }

  aggregation(rule: IrRule, groupKinds: readonly CodeKind[], aggregates: readonly string[], bindingWidth: number): string {
    return this.field(`aggregation ${rule.id}`, 3, () => {
      const args: CallArgument[] = [{ code: "this.space" }, { data: groupKinds }, { data: aggregates }, { data: bindingWidth }];
      return { wanted: `${camelCase(rule.name)}Groups`, init: { callee: `new ${this.module.runtime("Aggregation")}`, args } };
    });
  }

  /** The field for `key`, declared on first use (its name and initializer made only then). */
  private field(key: string, order: number, make: () => { wanted: string; init: FieldInit }): string {
    const existing = this.byKey.get(key);
    if (existing !== undefined) return existing;
    const { wanted, init } = make();
    const name = this.scope.claim(camelCase(wanted));
    this.fields.push({ name, init, order });
    const reference = `this.${name}`;
    this.byKey.set(key, reference);
    return reference;
  }

  writeFields(writer: CodeWriter): void {
    // Relations before the indexes built on them: class fields initialise in order.
    const ordered = [...this.fields].sort((a, b) => a.order - b.order);
    for (const field of ordered) {
      this.module.writeUnit(writer, true, () => {
        const head = `private readonly ${field.name} = `;
        const { lines, exact } = layoutCall(field.init.callee, field.init.args, { indent: 2, head, tail: ";" });
        for (const line of lines) writer.line(line);
        if (!exact) this.module.doubtLayout();
      });
    }
  }

  /** Claims a method name. */
  method(wanted: string): string {
    return this.scope.claim(wanted);
  }
}

function baseName(name: string): string {
  return camelCase(name);
}

class MethodsWriter {
  private readonly collections: Map<string, IrCollection>;

  constructor(
    private readonly program: IrProgram,
    private readonly module: ModuleContext,
    private readonly members: Members,
    private readonly options: ProgramEmitOptions,
  ) {
    this.collections = new Map(program.collections.map((collection) => [collection.name, collection]));
  }

  write(writer: CodeWriter): void {
    // Plans get a method when something calls them: a recursive rule's full plan is not called
    // when its variants cover the first round, and must not cost the indexes it would need.
    const planMethods = new Map<IrPlan, string>();
    const method = (rule: IrRule, plan: IrPlan): string => {
      let name = planMethods.get(plan);
      if (name === undefined) {
        const since = rule.incrementalPlans.includes(plan);
        const suffix = plan.deltaAtom === null ? "" : `${since ? "Since" : "Delta"}${pascalCase(rule.atoms[plan.deltaAtom]!.collection)}`;
        name = this.members.method(`${camelCase(rule.name)}${suffix}`);
        planMethods.set(plan, name);
      }
      return name;
    };

    const strataMethods = new CodeWriter(1);
    const stratumNames: string[] = [];
    for (const stratum of this.program.strata) {
      const rules = stratum.rules.map((id) => this.program.rules[id]!).filter((rule) => rule.operator === "<=");
      if (rules.length === 0) continue;
      const name = this.members.method(`stratum${stratum.index}`);
      stratumNames.push(name);
      strataMethods.line();
      this.module.writeUnit(strataMethods, true, () =>
        this.writeStratum(strataMethods, name, stratum, rules, (plan) =>
          method(rules.find((rule) => rule.plans.includes(plan) || rule.incrementalPlans.includes(plan))!, plan),
        ),
      );
    }
    const temporal = this.program.rules.filter((rule) => rule.operator !== "<=");
    const temporalCalls = temporal.map((rule) => `this.${method(rule, rule.plans[0]!)}(); // ${rule.name} (${rule.operator})`);

    const ruleMethods = new CodeWriter(1);
    for (const rule of this.program.rules) {
      for (const plan of [...rule.plans, ...rule.incrementalPlans]) {
        const name = planMethods.get(plan);
        if (name === undefined) continue;
        ruleMethods.line();
        this.module.writeUnit(ruleMethods, true, () => {
          ruleMethods.doc(this.describePlan(rule, plan));
          ruleMethods.open(`private ${name}(): void`);
          new PlanEmitter(this.module, this.members, rule, plan).emit(ruleMethods);
          ruleMethods.close();
        });
      }
    }

    writer.line();
    this.module.writeUnit(writer, true, () => {
      writer.doc("Step 3 of a tick: every stratum to its fixpoint, in order; then the rules that act on later ticks.");
      writer.open("protected evaluate(): void");
      for (const name of stratumNames) writer.line(`this.${name}();`);
      for (const call of temporalCalls) writer.line(call);
      writer.close();
    });
    writer.line();
    this.module.writeUnit(writer, true, () => this.writeFacts(writer));
    writer.append(strataMethods);
    writer.append(ruleMethods);
  }

  private describePlan(rule: IrRule, plan: IrPlan): string {
    const text = this.ruleText(rule);
    const lines = [`${rule.name} (line ${rule.span.line})${text === null ? "" : `: ${text}`}`];
    // printPlan looks up the collections its operators name: hand it only those, not all of a
    // large program's (it indexes what it is given on every call).
    const named = new Set(plan.operators.flatMap((operator) => ("collection" in operator ? [operator.collection] : [])));
    const collections = [...named].flatMap((name) => this.collections.get(name) ?? []);
    const printed = printPlan({ ...this.program, collections }, rule, plan);
    lines.push(...printed.map((line, i) => (i === 0 ? line : `  ${line}`)));
    return lines.join("\n");
  }

  private ruleText(rule: IrRule): string | null {
    const source = this.options.sources?.find((file) => file.path === rule.span.file);
    if (source === undefined) return null;
    return source.text.slice(rule.span.start, rule.span.end).replace(/\s+/g, " ").trim();
  }

  private writeStratum(writer: CodeWriter, name: string, stratum: IrStratum, rules: readonly IrRule[], method: (plan: IrPlan) => string): void {
    const call = (plan: IrPlan) => `this.${method(plan)}();`;
    const own = new Set(stratum.collections);
    const recursive = rules.filter((rule) => rule.plans.length > 1 || (stratum.recursive && readsAny(rule, own)));
    const incremental = stratum.incremental === true && rules.some((rule) => rule.incrementalPlans.length > 0);
    const label = `stratum ${stratum.index}${stratum.recursive ? " (recursive)" : ""}${incremental ? " (incremental)" : ""}: ${stratum.collections.join(", ")}`;
    writer.doc(label);
    writer.open(`private ${name}(): void`);
    if (incremental) this.writeIncrementalGuard(writer, rules);
    /**
     * A rule's pass: `incremental` (at run time) from the rows added since the last tick through
     * its incremental plans, or with `whenIncremental` when it has none; else with `plan`.
     */
    const pass = (rule: IrRule, plan: IrPlan, note: string, whenIncremental: IrPlan = plan): void => {
      if (!incremental || (rule.incrementalPlans.length === 0 && whenIncremental === plan)) {
        writer.line(`${call(plan)} // ${rule.name}${note}`);
        return;
      }
      writer.open("if (incremental)");
      if (rule.incrementalPlans.length === 0) writer.line(`${call(whenIncremental)} // ${rule.name}, in full`);
      for (const since of rule.incrementalPlans) writer.line(`${call(since)} // ${rule.name}, rows of ${rule.atoms[since.deltaAtom!]!.collection} added since the last tick`);
      writer.middle("else");
      writer.line(`${call(plan)} // ${rule.name}${note}`);
      writer.close();
    };
    if (!stratum.recursive || recursive.length === 0) {
      for (const rule of orderByDependencies(rules, own)) pass(rule, rule.plans[0]!, "");
      writer.close();
      return;
    }
    const locals = stratum.collections.map((collection) => ({ collection, local: identifier(`${camelCase(collection)}Relation`) }));
    for (const { collection, local } of locals) writer.line(`const ${local} = ${this.members.relation(collection)};`);
    for (const rule of rules) if (!recursive.includes(rule)) pass(rule, rule.plans[0]!, ": reads nothing of this stratum");
    if (incremental) {
      // Incrementally the first round starts from an empty delta: the incremental plans read
      // the rows added since the last tick themselves, and the other rules read everything.
      for (const { local } of locals) writer.line(`${local}.beginFixpoint(incremental);`);
      writer.comment("First round: each rule once, from what was added since the last tick where it can.");
      for (const rule of recursive) pass(rule, firstRound(rule), "", rule.plans[0]!);
    } else {
      for (const { local } of locals) writer.line(`${local}.beginFixpoint();`);
      writer.comment("First round: each rule once, its delta being everything derived so far.");
      for (const rule of recursive) writer.line(`${call(firstRound(rule))} // ${rule.name}`);
    }
    writer.comment("Then each round joins only what the previous round added.");
    writer.open("for (;;)");
    writer.line("let changed = false;");
    for (const { local } of locals) writer.line(`if (${local}.advance()) changed = true;`);
    writer.line("if (!changed) break;");
    for (const rule of recursive) {
      if (rule.aggregates.length > 0) {
        // An aggregate over a delta would count only the delta: aggregate the whole again.
        writer.line(`${call(rule.plans[0]!)} // ${rule.name}, aggregating everything`);
        continue;
      }
      for (const plan of rule.plans.slice(1)) writer.line(`${call(plan)} // ${rule.name}, delta of ${rule.atoms[plan.deltaAtom!]!.collection}`);
    }
    writer.close();
    for (const { local } of locals) writer.line(`${local}.endFixpoint();`);
    writer.close();
  }

  /**
   * `incremental`: whether every collection the incremental plans read only grew since the
   * last committed tick (Relation.stable); if one did not, the stratum runs in full.
   */
  private writeIncrementalGuard(writer: CodeWriter, rules: readonly IrRule[]): void {
    const read = new Set<string>();
    for (const rule of rules) {
      for (const plan of rule.incrementalPlans) {
        for (const operator of plan.operators) if (operator.kind === "scan" || operator.kind === "join") read.add(operator.collection);
      }
    }
    const checks = [...read].sort().map((collection) => `${this.members.relation(collection)}.stable`);
    writer.line(`const incremental = ${checks.join(" && ")};`);
  }

  private writeFacts(writer: CodeWriter): void {
    writer.doc("The program's facts, inserted at tick 0.");
    writer.open("protected insertFacts(): void");
    const context = new FactContext(this.module);
    const expressions = new ExpressionEmitter(context);
    for (const fact of this.program.facts) {
      const collection = this.collections.get(fact.collection)!;
      const values = fact.values.map((value, position) => {
        const type = collection.columns[position]!.type;
        if (!collection.columns[position]!.lattice) return expressions.plain(value);
        return sameType(value.type, type) || !isLattice(type) ? expressions.value(value) : expressions.lift(value, type as LatticeType);
      });
      writer.line(`this.fact(${stringLiteral(fact.collection)}, [${values.join(", ")}]); // line ${fact.span.line}`);
    }
    writer.close();
  }
}

/** Facts are constants: no variables, no aggregates; interners and context straight from `this`. */
class FactContext implements FunctionContext {
  readonly strings = "this.space.strings";
  readonly stringValues = "this.space.strings.values";
  readonly json = "this.space.json";
  readonly jsonValues = "this.space.json.values";
  readonly context = "this.context";

  constructor(readonly module: ModuleContext) {}

  variable(index: number): VariableSlot {
    throw new Error(`a fact reads variable ${index}`);
  }

  aggregateResult(): string {
    throw new Error("a fact has no aggregate");
  }

  constantCode(kind: CodeKind, value: unknown): string {
    return `${kind === "string" ? this.strings : this.json}.intern(${literal(value)})`;
  }
}

/**
 * The plan of a recursive rule's first round: a delta variant (its delta atom first, reading
 * every row), which needs no index on the recursive relation, unlike the full plan's join
 * order; the full plan when the rule aggregates or has no variant.
 */
function firstRound(rule: IrRule): IrPlan {
  return rule.aggregates.length === 0 && rule.plans.length > 1 ? rule.plans[1]! : rule.plans[0]!;
}

function readsAny(rule: IrRule, collections: ReadonlySet<string>): boolean {
  return rule.atoms.some((atom) => collections.has(atom.collection));
}

/** In a non-recursive stratum a rule runs after the rules whose heads it reads. */
function orderByDependencies(rules: readonly IrRule[], own: ReadonlySet<string>): IrRule[] {
  const ordered: IrRule[] = [];
  const placed = new Set<IrRule>();
  const visiting = new Set<IrRule>();
  const visit = (rule: IrRule): void => {
    if (placed.has(rule) || visiting.has(rule)) return;
    visiting.add(rule);
    for (const atom of rule.atoms) {
      if (!own.has(atom.collection)) continue;
      for (const writer of rules) if (writer.head === atom.collection && writer !== rule) visit(writer);
    }
    visiting.delete(rule);
    placed.add(rule);
    ordered.push(rule);
  };
  rules.forEach(visit);
  return ordered;
}

export type { IrFact };
