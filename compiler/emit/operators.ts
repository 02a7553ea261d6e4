// One plan (IrPlan) → the body of one generated method: nested loops over bindings.
// In: a rule, one of its plans (scan, joins, antijoins, filters, maps, flattens, an optional
// aggregate, the sink) and the relations/indexes the class holds. Out: straight-line loops:
// a scan walks rows (or the delta's row list), a join walks an index chain, each binding is a
// `const` named after the source variable, a rejected binding `continue`s its loop.
// Why so: the plan already fixed the join order and where each filter goes, so emission is a
// left-to-right walk with no runtime dispatch; nothing in a loop allocates (probe keys are
// staged in preallocated typed arrays, tuples in the target relation's staging row).

import type { ColumnPattern, IrCollection, IrExpression, IrOperator, IrPlan, IrRule, SinkKind } from "../ir.ts";
import { isLattice, sameType, type LatticeType, type Type } from "../types.ts";
import { ExpressionEmitter, codeKindOf, literal, type CodeKind, type FunctionContext, type Representation, type VariableSlot } from "./expressions.ts";
import type { ModuleContext } from "./module-context.ts";
import { valueTsType } from "./ts-types.ts";
import { CodeWriter, NameScope } from "./writer.ts";
import {
  aggregateKind,
  cell,
  columnLayout,
  indexLocalName,
  localBase,
  plainTypeOf,
  sameExpression,
  sinkLocalName,
  variablesOf,
  wrap,
  type ColumnLayout,
} from "./plan-layout.ts";

export { columnLayout };

/** A variable a plan binds, with the type of what it binds. */
interface BoundVariable {
  readonly variable: number;
  readonly type: Type;
}

/** The class members a plan refers to (declared by the program emitter). */
export interface ClassMembers {
  collection(name: string): IrCollection;
  /** `this.edgeRelation`. */
  relation(name: string): string;
  /** `this.edgeByY`: an index on plain column positions (within the plain columns). */
  index(name: string, plainColumns: readonly number[]): string;
  /** The relation a sink writes: the collection itself, or a deferred buffer or outbox. */
  sinkTarget(sink: SinkKind, name: string): string;
  /** `this.fanoutGroups`: the aggregation state of a rule. */
  aggregation(rule: IrRule, groupKinds: readonly CodeKind[], aggregates: readonly string[], bindingWidth: number): string;
}

export class PlanEmitter implements FunctionContext {
  private readonly stringsLocal: string;
  private readonly stringValuesLocal: string;
  private readonly jsonLocal: string;
  private readonly jsonValuesLocal: string;
  private readonly contextLocal: string;
  private readonly scope: NameScope;
  private readonly slots = new Map<number, VariableSlot>();
  private readonly variableNames: string[];
  private readonly exprs: ExpressionEmitter;
  private readonly body = new CodeWriter();
  private readonly locals = new Map<string, { name: string; init: string }>();
  private readonly constants = new Map<string, { name: string; init: string }>();
  private readonly usedLocals = new Set<string>();
  /** Open loops; a rejected binding continues the innermost, or leaves the labelled block. */
  private loops = 0;
  private readonly label: string;
  private substitutions = new Map<IrExpression, string>();
  /** Index probes computed in an outer loop because their keys were known there: operator → first row. */
  private readonly hoisted = new Map<IrOperator, string>();
  /** With no group columns: the local holding the one group, -1 until the first binding. */
  private singleGroup: string | null = null;
  private groupRepresentations: Representation[] = [];
  private aggregateResults: ((index: number) => string) | null = null;

  constructor(
    readonly module: ModuleContext,
    private readonly members: ClassMembers,
    private readonly rule: IrRule,
    private readonly plan: IrPlan,
  ) {
    // Inside the module's scope, so no local shadows a runtime import or a module constant.
    this.scope = module.names.child();
    // Source variables keep their names: claimed before any generated local.
    this.variableNames = rule.variables.map((variable) => this.scope.claim(variable.wildcard ? "_" : variable.name));
    this.stringsLocal = this.local("strings", "this.space.strings");
    this.stringValuesLocal = this.local("stringValues", `${this.stringsLocal}.values`);
    this.jsonLocal = this.local("json", "this.space.json");
    this.jsonValuesLocal = this.local("jsonValues", `${this.jsonLocal}.values`);
    this.contextLocal = this.local("context", "this.context");
    this.label = this.scope.claim("binding");
    this.exprs = new ExpressionEmitter(this);
    this.needed = this.neededVariables();
  }

  /** Variables something reads: a bound column nobody reads is not even loaded. */
  private readonly needed: Set<number>;

  private neededVariables(): Set<number> {
    const needed = new Set<number>();
    for (const operator of this.plan.operators) {
      switch (operator.kind) {
        case "scan":
        case "join":
        case "antijoin":
          for (const column of operator.columns) if (column.kind === "match") variablesOf(column.value, needed);
          break;
        case "filter":
          variablesOf(operator.predicate, needed);
          break;
        case "map":
          variablesOf(operator.value, needed);
          break;
        case "flatten":
          operator.sources.forEach((source) => variablesOf(source, needed));
          break;
        case "aggregate":
          operator.group.forEach((expression) => variablesOf(expression, needed));
          for (const aggregate of operator.aggregates) if (aggregate.argument !== null) variablesOf(aggregate.argument, needed);
          break;
        case "sink":
          operator.columns.forEach((expression) => variablesOf(expression, needed));
          break;
      }
    }
    if (this.plan.operators.some((operator) => operator.kind === "aggregate") && this.needsDistinctBindings()) {
      for (const variable of this.boundBeforeAggregate()) needed.add(variable);
    }
    return needed;
  }

  get strings(): string {
    return this.use(this.stringsLocal);
  }

  get stringValues(): string {
    this.use(this.stringsLocal);
    return this.use(this.stringValuesLocal);
  }

  get json(): string {
    return this.use(this.jsonLocal);
  }

  get jsonValues(): string {
    this.use(this.jsonLocal);
    return this.use(this.jsonValuesLocal);
  }

  get context(): string {
    return this.use(this.contextLocal);
  }

  // -------------------------------------------------------------------------------------------
  // FunctionContext

  variable(index: number): VariableSlot {
    const slot = this.slots.get(index);
    if (slot === undefined) throw new Error(`rule ${this.rule.name}: variable ${this.rule.variables[index]?.name} used before it is bound`);
    return slot;
  }

  aggregateResult(index: number): string {
    if (this.aggregateResults === null) throw new Error(`rule ${this.rule.name}: an aggregate result outside the aggregation`);
    return this.aggregateResults(index);
  }

  constantCode(kind: CodeKind, value: unknown): string {
    const key = `${kind}:${JSON.stringify(value)}`;
    let constant = this.constants.get(key);
    if (constant === undefined) {
      const base = typeof value === "string" && /^[A-Za-z_][A-Za-z0-9_]{0,20}$/.test(value) ? `${value}Code` : "constantCode";
      const name = this.scope.claim(base);
      const init = kind === "string" ? `${this.strings}.intern(${literal(value)})` : `${this.json}.intern(${literal(value)})`;
      constant = { name, init };
      this.constants.set(key, constant);
    }
    return constant.name;
  }

  // -------------------------------------------------------------------------------------------
  // The method body

  /** Writes the whole method body into `writer`. */
  emit(writer: CodeWriter): void {
    const aggregate = this.plan.operators.find((operator) => operator.kind === "aggregate");
    const sink = this.plan.operators[this.plan.operators.length - 1]!;
    if (sink.kind !== "sink") throw new Error(`rule ${this.rule.name}: a plan must end in a sink`);
    let aggregation: string | null = null;
    if (aggregate !== undefined && aggregate.kind === "aggregate") aggregation = this.prepareAggregation(aggregate);

    // A binding rejected before any loop opens leaves this block (a plan with no atom, or a
    // condition on constants); inside loops a rejection is a `continue`.
    const labelled = this.rejectsOutsideLoops();
    if (labelled) this.body.open(`${this.label}:`);
    for (let position = 0; position < this.plan.operators.length; position++) {
      const operator = this.plan.operators[position]!;
      if (operator.kind === "aggregate") {
        this.accumulate(operator, aggregation!);
        break;
      }
      this.operator(operator);
      if (operator.kind === "scan" || operator.kind === "join" || operator.kind === "flatten") this.hoistProbes(position);
    }
    while (this.loops > 0) {
      this.body.close();
      this.loops--;
    }
    if (labelled) this.body.close();
    if (aggregate !== undefined && aggregate.kind === "aggregate") this.emitGroups(aggregate, aggregation!, sink);

    // Locals first (only those the body used), then constant codes, then the loops.
    for (const [name, local] of this.locals) if (this.usedLocals.has(name)) writer.line(`const ${local.name} = ${local.init};`);
    for (const constant of this.constants.values()) writer.line(`const ${constant.name} = ${constant.init};`);
    writer.append(this.body);
  }

  private rejectsOutsideLoops(): boolean {
    for (const operator of this.plan.operators) {
      if (operator.kind === "scan" || operator.kind === "join" || operator.kind === "flatten") return false;
      if (operator.kind === "filter" || operator.kind === "antijoin") return true;
    }
    return false;
  }

  private operator(operator: IrOperator): void {
    switch (operator.kind) {
      case "scan":
      case "join":
        this.atomLoop(operator);
        return;
      case "antijoin":
        this.antijoin(operator);
        return;
      case "filter":
        this.body.line(`if (!${wrap(this.exprs.predicate(operator.predicate))}) ${this.reject()}`);
        return;
      case "map": {
        const name = this.bindValue(operator.variable);
        this.body.line(`const ${name} = ${this.exprs.value(operator.value)};`);
        return;
      }
      case "flatten":
        this.flatten(operator);
        return;
      case "sink":
        this.sink(operator.sink, operator.collection, operator.columns);
        return;
      case "aggregate":
        return;
    }
  }

  private reject(): string {
    return this.loops > 0 ? "continue;" : `break ${this.label};`;
  }

  private local(wanted: string, init: string): string {
    const name = this.scope.claim(wanted);
    this.locals.set(name, { name, init });
    return name;
  }

  /** Marks a local as used and returns its name. */
  private use(name: string): string {
    this.usedLocals.add(name);
    return name;
  }

  private relationLocal(collection: string): string {
    return this.memberLocal(localBase(collection), this.members.relation(collection));
  }

  /** A local for a class member, one per member however often the plan uses it. */
  private memberLocal(wanted: string, member: string): string {
    const existing = [...this.locals.values()].find((local) => local.init === member);
    if (existing !== undefined) return this.use(existing.name);
    return this.use(this.local(wanted, member));
  }

  private bindValue(variable: number): string {
    const name = this.variableNames[variable]!;
    this.slots.set(variable, { name, type: this.rule.variables[variable]!.type, representation: { held: "value" } });
    return name;
  }

  // -------------------------------------------------------------------------------------------
  // Atoms

  private atomLoop(operator: IrOperator & { kind: "scan" | "join" }): void {
    const collection = this.members.collection(operator.collection);
    const layout = columnLayout(collection);
    const relation = this.relationLocal(operator.collection);
    const row = this.scope.claim(`${relation}Row`);
    const own = new Set(operator.columns.flatMap((column) => (column.kind === "bind" ? [column.variable] : [])));
    const computable = (column: ColumnPattern) => column.kind === "match" && [...variablesOf(column.value)].every((v) => this.slots.has(v) && !own.has(v));
    const keyPositions =
      operator.kind === "join" ? operator.keyColumns.filter((position) => computable(operator.columns[position]!)) : operator.columns.flatMap((column, position) => (computable(column) ? [position] : []));
    const indexed = operator.source === "full" ? keyPositions.filter((position) => layout.plainIndex[position]! >= 0) : [];

    if (operator.source === "delta" && layout.latticeIndex.every((index) => index < 0)) {
      // Without lattice columns a delta is the range of rows the last round appended.
      const end = this.scope.claim("deltaEnd");
      this.body.open(`for (let ${row} = ${relation}.deltaStart, ${end} = ${relation}.deltaEnd; ${row} < ${end}; ${row}++)`);
    } else if (operator.source === "delta") {
      const delta = this.scope.claim(`${relation}Delta`);
      const position = this.scope.claim("position");
      const end = this.scope.claim("deltaSize");
      this.body.line(`const ${delta} = ${relation}.delta;`);
      this.body.open(`for (let ${position} = 0, ${end} = ${relation}.deltaSize; ${position} < ${end}; ${position}++)`);
      this.body.line(`const ${row} = ${delta}[${position}]!;`);
    } else if (operator.source === "since") {
      // Only the rows added since the last committed tick (an incremental stratum's first round).
      const end = this.scope.claim(`${relation}Size`);
      this.body.open(`for (let ${row} = ${relation}.stableSize, ${end} = ${relation}.size; ${row} < ${end}; ${row}++)`);
    } else if (indexed.length > 0) {
      const index = this.memberLocal(indexLocalName(collection, indexed), this.members.index(operator.collection, indexed.map((p) => layout.plainIndex[p]!)));
      const first = this.hoisted.get(operator) ?? this.firstRow(index, collection, operator.columns, indexed);
      this.body.open(`for (let ${row} = ${first}; ${row} !== -1; ${row} = ${index}.next[${row}]!)`);
    } else {
      const size = this.scope.claim(`${relation}Size`);
      this.body.line(`const ${size} = ${relation}.size;`);
      this.body.open(`for (let ${row} = 0; ${row} < ${size}; ${row}++)`);
    }
    this.loops++;
    this.bindColumns(collection, layout, relation, row, operator.columns);
    operator.columns.forEach((column, position) => {
      if (column.kind !== "match" || indexed.includes(position)) return;
      this.body.line(`if (${this.mismatch(collection, layout, relation, row, position, column.value)}) ${this.reject()}`);
    });
  }

  /**
   * The expression of an index probe's first row: a one-column key is passed as its code
   * (`edgeByX.findCode(y)`), a wider one staged in the index's key array first.
   */
  private firstRow(index: string, collection: IrCollection, columns: readonly ColumnPattern[], positions: readonly number[]): string {
    const codes = positions.map((position) => {
      const column = columns[position] as ColumnPattern & { kind: "match" };
      return this.exprs.code(column.value, codeKindOf(collection.columns[position]!.type));
    });
    if (codes.length === 1) return `${index}.findCode(${codes[0]})`;
    codes.forEach((code, i) => this.body.line(`${index}.key[${i}] = ${code};`));
    return `${index}.find()`;
  }

  /**
   * Loop-invariant probes: a join nested inside further loops whose index key is already known
   * here is probed once here, not once per iteration of the loops in between (same generation:
   * the parent's children are looked up once per delta tuple, not once per sibling).
   */
  private hoistProbes(position: number): void {
    const operators = this.plan.operators;
    let crossedLoop = false;
    for (let i = position + 1; i < operators.length; i++) {
      const operator = operators[i]!;
      if (operator.kind === "aggregate" || operator.kind === "sink") return;
      if (operator.kind === "join" && crossedLoop && operator.source === "full" && !this.hoisted.has(operator)) {
        const collection = this.members.collection(operator.collection);
        const layout = columnLayout(collection);
        const indexed = operator.keyColumns.filter((column) => layout.plainIndex[column]! >= 0);
        const known = indexed.every((column) => {
          const pattern = operator.columns[column]!;
          return pattern.kind === "match" && [...variablesOf(pattern.value)].every((variable) => this.slots.has(variable));
        });
        if (indexed.length > 0 && known) {
          const index = this.memberLocal(indexLocalName(collection, indexed), this.members.index(operator.collection, indexed.map((p) => layout.plainIndex[p]!)));
          const first = this.scope.claim(`${index}First`);
          this.body.line(`const ${first} = ${this.firstRow(index, collection, operator.columns, indexed)};`);
          // Nothing to join with: no binding of the loops in between can get through.
          this.body.line(`if (${first} === -1) ${this.reject()}`);
          this.hoisted.set(operator, first);
        }
      }
      if (operator.kind === "scan" || operator.kind === "join" || operator.kind === "flatten") crossedLoop = true;
    }
  }

  private bindColumns(collection: IrCollection, layout: ColumnLayout, relation: string, row: string, columns: readonly ColumnPattern[]): void {
    columns.forEach((column, position) => {
      if (column.kind !== "bind" || !this.needed.has(column.variable)) return;
      const name = this.variableNames[column.variable]!;
      const type = collection.columns[position]!.type;
      if (layout.latticeIndex[position]! >= 0) {
        this.slots.set(column.variable, { name, type, representation: { held: "value" } });
        this.body.line(`const ${name} = ${relation}.lattice[${layout.latticeIndex[position]}]![${row}] as ${valueTsType(type, this.module)};`);
        return;
      }
      const kind = codeKindOf(type);
      this.slots.set(column.variable, { name, type, representation: kind === "number" ? { held: "value" } : { held: "code", kind } });
      this.body.line(`const ${name} = ${relation}.data[${cell(row, layout.width, layout.plainIndex[position]!)}]!;`);
    });
  }

  /** A condition true when column `position` of the row does not equal `value`. */
  private mismatch(collection: IrCollection, layout: ColumnLayout, relation: string, row: string, position: number, value: IrExpression): string {
    const type = collection.columns[position]!.type;
    if (layout.latticeIndex[position]! >= 0) {
      const lattice = type as LatticeType;
      const ops = this.module.latticeOps(lattice);
      const expected = sameType(value.type, lattice) ? this.exprs.value(value) : this.exprs.lift(value, lattice);
      return `!${ops}.equals(${relation}.lattice[${layout.latticeIndex[position]}]![${row}], ${expected})`;
    }
    return `${relation}.data[${cell(row, layout.width, layout.plainIndex[position]!)}] !== ${this.exprs.code(value, codeKindOf(type))}`;
  }

  private antijoin(operator: IrOperator & { kind: "antijoin" }): void {
    const collection = this.members.collection(operator.collection);
    const layout = columnLayout(collection);
    const relation = this.relationLocal(operator.collection);
    const computable = (column: ColumnPattern) => column.kind === "match" && [...variablesOf(column.value)].every((v) => this.slots.has(v));
    const indexed = operator.keyColumns.filter((position) => layout.plainIndex[position]! >= 0 && computable(operator.columns[position]!));
    const checks = operator.columns.flatMap((column, position) => (column.kind === "match" && !indexed.includes(position) ? [position] : []));
    const whole = checks.length === 0 && indexed.length === layout.width && collection.columns.every((column, position) => column.lattice || indexed.includes(position));
    if (whole && layout.width === 2) {
      // Every plain column is known: one membership probe of the relation itself, a pair's codes passed as such.
      const codes: string[] = [];
      for (const position of indexed) {
        const column = operator.columns[position] as ColumnPattern & { kind: "match" };
        codes[layout.plainIndex[position]!] = this.exprs.code(column.value, codeKindOf(collection.columns[position]!.type));
      }
      this.body.line(`if (${relation}.containsPair(${codes.join(", ")})) ${this.reject()}`);
      return;
    }
    if (whole) {
      for (const position of indexed) {
        const column = operator.columns[position] as ColumnPattern & { kind: "match" };
        this.body.line(`${relation}.tuple[${layout.plainIndex[position]}] = ${this.exprs.code(column.value, codeKindOf(collection.columns[position]!.type))};`);
      }
      this.body.line(`if (${relation}.contains()) ${this.reject()}`);
      return;
    }
    if (checks.length === 0) {
      if (indexed.length === 0) {
        this.body.line(`if (${relation}.size > 0) ${this.reject()}`);
        return;
      }
      const index = this.indexFor(operator.collection, collection, layout, indexed);
      this.body.line(`if (${this.firstRow(index, collection, operator.columns, indexed)} !== -1) ${this.reject()}`);
      return;
    }
    // Some columns are compared after the probe (lattice values, or a variable bound in the atom).
    const found = this.scope.claim("found");
    const row = this.scope.claim(`${relation}Row`);
    this.body.line(`let ${found} = false;`);
    if (indexed.length > 0) {
      const index = this.indexFor(operator.collection, collection, layout, indexed);
      const first = this.firstRow(index, collection, operator.columns, indexed);
      this.body.open(`for (let ${row} = ${first}; ${row} !== -1; ${row} = ${index}.next[${row}]!)`);
    } else {
      this.body.open(`for (let ${row} = 0; ${row} < ${relation}.size; ${row}++)`);
    }
    // Variables bound inside a negation are existential: visible only to its own checks.
    const before = new Map(this.slots);
    this.bindColumns(collection, layout, relation, row, operator.columns);
    for (const position of checks) {
      const column = operator.columns[position] as ColumnPattern & { kind: "match" };
      this.body.line(`if (${this.mismatch(collection, layout, relation, row, position, column.value)}) continue;`);
    }
    this.body.line(`${found} = true;`);
    this.body.line("break;");
    this.slots.clear();
    for (const [key, value] of before) this.slots.set(key, value);
    this.body.close();
    this.body.line(`if (${found}) ${this.reject()}`);
  }

  private indexFor(name: string, collection: IrCollection, layout: ColumnLayout, positions: readonly number[]): string {
    return this.memberLocal(indexLocalName(collection, positions), this.members.index(name, positions.map((p) => layout.plainIndex[p]!)));
  }

  private flatten(operator: IrOperator & { kind: "flatten" }): void {
    const name = this.bindValue(operator.variable);
    if (operator.mode === "range") {
      const end = this.scope.claim(`${name}End`);
      this.body.line(`const ${end} = ${this.exprs.plain(operator.sources[1]!)};`);
      this.body.open(`for (let ${name} = ${this.exprs.plain(operator.sources[0]!)}; ${name} < ${end}; ${name}++)`);
    } else if (operator.mode === "keys") {
      this.body.open(`for (const ${name} of ${this.exprs.value(operator.sources[0]!)}.keys)`);
    } else {
      this.body.open(`for (const ${name} of ${this.exprs.value(operator.sources[0]!)}.items)`);
    }
    this.loops++;
  }

  // -------------------------------------------------------------------------------------------
  // Sinks

  private sink(kind: SinkKind, name: string, columns: readonly IrExpression[]): void {
    const collection = this.members.collection(name);
    const layout = columnLayout(collection);
    const target = this.memberLocal(sinkLocalName(kind, name), this.members.sinkTarget(kind, name));
    if (layout.width === 2 && layout.latticeIndex.every((index) => index < 0)) {
      // A pair of plain codes (edges, paths): passed as such, not staged.
      const codes: string[] = [];
      columns.forEach((expression, position) => (codes[layout.plainIndex[position]!] = this.exprs.code(expression, codeKindOf(collection.columns[position]!.type))));
      if (kind === "merge" && this.distinctInto(collection, columns)) {
        // Every binding is distinct and the head keeps it whole: into a relation empty when the
        // plan began, no pair can be there already, so none is looked for.
        const wasEmpty = this.use(this.local(`${target}WasEmpty`, `${target}.size === 0`));
        codes.push(wasEmpty);
      }
      this.body.line(`${target}.insertPair(${codes.join(", ")});`);
      return;
    }
    columns.forEach((expression, position) => {
      const type = collection.columns[position]!.type;
      if (layout.latticeIndex[position]! >= 0) {
        const lattice = type as LatticeType;
        const value = sameType(expression.type, lattice) ? this.exprs.value(expression) : this.exprs.lift(expression, lattice);
        this.body.line(`${target}.values[${layout.latticeIndex[position]}] = ${value};`);
      } else {
        this.body.line(`${target}.tuple[${layout.plainIndex[position]}] = ${this.exprs.code(expression, codeKindOf(type))};`);
      }
    });
    this.body.line(`${target}.insert();`);
  }

  // -------------------------------------------------------------------------------------------
  // Aggregation

  private prepareAggregation(operator: IrOperator & { kind: "aggregate" }): string {
    const groupKinds = operator.group.map((expression) => codeKindOf(plainTypeOf(expression.type)));
    const kinds = operator.aggregates.map(aggregateKind);
    const bindingWidth = this.needsDistinctBindings() ? this.boundBeforeAggregate().length : 0;
    const field = this.members.aggregation(this.rule, groupKinds, kinds, bindingWidth);
    const local = this.memberLocal("groups", field);
    this.body.line(`${local}.reset();`);
    if (operator.group.length === 0) {
      // One group at most: found once, on the first binding.
      this.singleGroup = this.scope.claim("group");
      this.body.line(`let ${this.singleGroup} = -1;`);
    }
    return local;
  }

  /**
   * Whether the loops can produce one binding twice: only when a positive atom ignores a plain
   * column (a projection); joins of sets over all their columns give distinct bindings.
   */
  private needsDistinctBindings(): boolean {
    for (const operator of this.plan.operators) {
      if (operator.kind !== "scan" && operator.kind !== "join") continue;
      const collection = this.members.collection(operator.collection);
      if (operator.columns.some((column, position) => column.kind === "ignore" && !collection.columns[position]!.lattice)) return true;
    }
    return false;
  }

  /**
   * Whether the plan's bindings are pairwise distinct and each is written whole into `collection`
   * (no declared key), so two bindings never give the same tuple: every positive atom binds or
   * matches all its plain columns (rows of a set differ in one of them), flattens enumerate
   * distinct values, and each variable they bind is a head column of its own type. The plan must
   * not read `collection` itself, and aggregation plans do not qualify.
   */
  private distinctInto(collection: IrCollection, columns: readonly IrExpression[]): boolean {
    if (collection.key !== null || this.needsDistinctBindings()) return false;
    const bound: BoundVariable[] = [];
    for (const operator of this.plan.operators) {
      if (operator.kind === "aggregate") return false;
      if (operator.kind === "scan" || operator.kind === "join" || operator.kind === "antijoin") {
        if (operator.collection === collection.name) return false;
        if (operator.kind === "antijoin") continue;
        const atom = this.members.collection(operator.collection);
        operator.columns.forEach((column, position) => {
          if (column.kind === "bind" && !atom.columns[position]!.lattice) bound.push({ variable: column.variable, type: atom.columns[position]!.type });
        });
      }
      if (operator.kind === "flatten") bound.push({ variable: operator.variable, type: this.rule.variables[operator.variable]!.type });
    }
    return bound.every(({ variable, type }) =>
      columns.some((column, position) => column.kind === "variable" && column.variable === variable && sameType(type, collection.columns[position]!.type)),
    );
  }

  private boundBeforeAggregate(): number[] {
    const bound: number[] = [];
    for (const operator of this.plan.operators) {
      if (operator.kind === "aggregate") break;
      if (operator.kind === "scan" || operator.kind === "join") {
        for (const column of operator.columns) if (column.kind === "bind") bound.push(column.variable);
      }
      if (operator.kind === "map" || operator.kind === "flatten") bound.push(operator.variable);
    }
    return bound;
  }

  private accumulate(operator: IrOperator & { kind: "aggregate" }, groups: string): void {
    if (this.needsDistinctBindings()) {
      this.boundBeforeAggregate().forEach((variable, i) => {
        const slot = this.variable(variable);
        this.body.line(`${groups}.binding[${i}] = ${this.slotCode(slot)};`);
      });
      this.body.line(`if (!${groups}.firstBinding()) ${this.reject()}`);
    }
    let group: string;
    if (this.singleGroup !== null) {
      group = this.singleGroup;
      this.body.line(`if (${group} === -1) ${group} = ${groups}.group();`);
    } else {
      operator.group.forEach((expression, i) => {
        this.body.line(`${groups}.key[${i}] = ${this.groupKeyCode(expression)};`);
      });
      group = this.scope.claim("group");
      this.body.line(`const ${group} = ${groups}.group();`);
    }
    operator.aggregates.forEach((aggregate, i) => {
      const argument = aggregate.argument;
      switch (aggregateKind(aggregate)) {
        case "count":
          this.body.line(`${groups}.count(${group}, ${i});`);
          return;
        case "countDistinct":
          this.body.line(`${groups}.countDistinct(${group}, ${i}, ${this.exprs.code(argument!, codeKindOf(plainTypeOf(argument!.type)))});`);
          return;
        case "sum":
        case "avg":
          this.body.line(`${groups}.sum(${group}, ${i}, ${this.exprs.plain(argument!)});`);
          return;
        case "min":
        case "choose":
          this.body.line(`${groups}.min(${group}, ${i}, ${this.exprs.plain(argument!)});`);
          return;
        case "max":
          this.body.line(`${groups}.max(${group}, ${i}, ${this.exprs.plain(argument!)});`);
          return;
        case "collect":
          this.body.line(
            `${groups}.collect(${group}, ${i}, ${this.exprs.code(argument!, codeKindOf(plainTypeOf(argument!.type)))}, ${this.exprs.plain(argument!)});`,
          );
          return;
      }
    });
  }

  /** A group key's code; a set, map or pair is interned whole, so its group value is the lattice value. */
  private groupKeyCode(expression: IrExpression): string {
    const type = plainTypeOf(expression.type);
    if (isLattice(type)) return `${this.json}.intern(${this.exprs.value(expression)})`;
    return this.exprs.code(expression, codeKindOf(type));
  }

  private slotCode(slot: VariableSlot): string {
    if (slot.representation.held === "code") return slot.name;
    const kind = codeKindOf(slot.type);
    return this.exprs.encodeValue(kind, kind === "json" ? slot.name : slot.name, slot.type);
  }

  private emitGroups(operator: IrOperator & { kind: "aggregate" }, groups: string, sink: IrOperator & { kind: "sink" }): void {
    const aggregates = operator.aggregates;
    const resultType = (index: number) => valueTsType(aggregates[index]!.type, this.module);
    this.slots.clear();
    if (operator.group.length === 0) {
      const results = this.scope.claim("results");
      this.body.open(`if (${groups}.size === 0)`);
      this.body.line(`const ${results} = ${groups}.emptyResults();`);
      this.body.open(`if (${results} !== null)`);
      this.aggregateResults = (index) => `(${results}[${index}] as ${resultType(index)})`;
      this.sink(sink.sink, sink.collection, sink.columns);
      this.body.close();
      this.body.close();
    }
    const group = this.scope.claim("group");
    this.body.open(`for (let ${group} = 0; ${group} < ${groups}.size; ${group}++)`);
    this.substitutions = new Map();
    const held: Representation[] = [];
    operator.group.forEach((expression, i) => {
      const name =
        expression.kind === "variable" ? this.variableNames[expression.variable]! : this.scope.claim(`group${i}`);
      const type = plainTypeOf(expression.type);
      const kind = codeKindOf(type);
      // Group keys are codes: a number or string goes on to the sink as its code, undecoded.
      if (kind === "json") {
        this.body.line(`const ${name} = ${groups}.groupValue(${group}, ${i}) as ${valueTsType(type, this.module)};`);
        held.push({ held: "value" });
      } else {
        this.body.line(`const ${name} = ${groups}.groupCode(${group}, ${i});`);
        held.push(kind === "number" ? { held: "value" } : { held: "code", kind });
      }
      this.substitutions.set(expression, name);
    });
    this.groupRepresentations = held;
    this.aggregateResults = (index) => `(${groups}.result(${group}, ${index}) as ${resultType(index)})`;
    const columns = sink.columns.map((column) => this.substituteGroup(column, operator.group));
    this.sink(sink.sink, sink.collection, columns);
    this.body.close();
  }

  /** A head column that is a group expression becomes a variable holding the group's value. */
  private substituteGroup(column: IrExpression, group: readonly IrExpression[]): IrExpression {
    const index = group.findIndex((expression) => expression === column || sameExpression(expression, column));
    if (index < 0) return column;
    const name = this.substitutions.get(group[index]!)!;
    const variable = this.rule.variables.length + 1000 + index;
    const type = plainTypeOf(group[index]!.type);
    this.slots.set(variable, { name, type, representation: this.groupRepresentations[index]! });
    return { kind: "variable", variable, type, span: column.span };
  }
}

