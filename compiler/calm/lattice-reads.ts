// Finds the non-monotone reads of lattice values in one rule (ANALYSIS.md §1, last bullet).
// In: a CheckedRule and the schemas of its collections. Out: one LatticeRead per (atom, lattice
// column, use) that reads the lattice value against its order: a comparison against the
// lattice's direction, an equality test, a join on the value, a constant in a lattice position,
// a copy into a plain column, or a call of a function that need not respect the order.
// Every expression gets a shape that says how it moves as the lattices it reads grow: not at all
// (plain), upward or downward (an ordered value such as a `max` or `size(s)`), a truth that can
// only turn true or only turn false, a raw lattice value, or opaque (the first non-monotone step,
// remembered so the report can point at it). A read is monotone exactly when every sink it
// reaches — a condition, a head column, an aggregate, a join — accepts its shape.

import type { CheckedLiteral, CheckedRule, IrCollection, IrExpression, NonMonotoneReason } from "../ir.ts";
import type { Span } from "../source.ts";
import { isLattice, sameType, type LatticeType, type Type } from "../types.ts";
import { renderAtom, renderExpression, variableName } from "./render.ts";

export type ReadUse = Extract<NonMonotoneReason, { kind: "lattice-read" }>["use"];

export interface LatticeRead {
  readonly atom: number;
  readonly column: number;
  readonly use: ReadUse;
  readonly span: Span;
  /** The offending expression as written: `v < 5`, `size(s) == 3`. */
  readonly text: string;
}

interface Dependency {
  readonly atom: number;
  readonly column: number;
}

type Direction = "up" | "down";

type Shape =
  | { readonly kind: "plain" }
  | { readonly kind: "order"; readonly direction: Direction; readonly deps: readonly Dependency[] }
  | { readonly kind: "truth"; readonly direction: Direction; readonly deps: readonly Dependency[] }
  | { readonly kind: "lattice"; readonly type: LatticeType; readonly deps: readonly Dependency[] }
  | { readonly kind: "entry"; readonly value: Shape; readonly deps: readonly Dependency[] }
  | { readonly kind: "pair"; readonly first: Shape; readonly second: Shape; readonly deps: readonly Dependency[] }
  | {
      readonly kind: "opaque";
      readonly deps: readonly Dependency[];
      readonly use: ReadUse;
      readonly span: Span;
      readonly text: string;
    };

const PLAIN: Shape = { kind: "plain" };

function depsOf(shape: Shape): readonly Dependency[] {
  return shape.kind === "plain" ? [] : shape.deps;
}

function unionDeps(...lists: (readonly Dependency[])[]): Dependency[] {
  const seen = new Map<string, Dependency>();
  for (const list of lists) for (const d of list) seen.set(`${d.atom}:${d.column}`, d);
  return [...seen.values()];
}

function flip(direction: Direction): Direction {
  return direction === "up" ? "down" : "up";
}

/** The shape of a variable read from a lattice column of the given type. */
export function shapeOfLatticeType(type: LatticeType, deps: readonly Dependency[]): Shape {
  switch (type.kind) {
    case "max":
    case "counter":
      return { kind: "order", direction: "up", deps };
    case "min":
      return { kind: "order", direction: "down", deps };
    case "bool_or":
      return { kind: "truth", direction: "up", deps };
    case "bool_and":
      return { kind: "truth", direction: "down", deps };
    default:
      return { kind: "lattice", type, deps };
  }
}

class RuleShapes {
  readonly variables = new Map<number, Shape>();
  readonly reads: LatticeRead[] = [];

  constructor(
    readonly rule: CheckedRule,
    readonly collection: (name: string) => IrCollection | undefined,
  ) {}

  text(expression: IrExpression): string {
    return renderExpression(this.rule, expression);
  }

  opaque(use: ReadUse, expression: IrExpression, ...parts: Shape[]): Shape {
    const first = parts.find((p) => p.kind === "opaque");
    if (first !== undefined) return { ...first, deps: unionDeps(...parts.map(depsOf)) };
    return { kind: "opaque", use, span: expression.span, text: this.text(expression), deps: unionDeps(...parts.map(depsOf)) };
  }

  /** Sum-like combination: both sides must move the same way (or not at all). */
  combineOrder(expression: IrExpression, left: Shape, right: Shape): Shape {
    if (left.kind === "plain") return right.kind === "order" || right.kind === "plain" ? right : this.opaque("copy-to-plain", expression, right);
    if (right.kind === "plain") return left.kind === "order" ? left : this.opaque("copy-to-plain", expression, left);
    if (left.kind === "order" && right.kind === "order" && left.direction === right.direction) {
      return { kind: "order", direction: left.direction, deps: unionDeps(left.deps, right.deps) };
    }
    return this.opaque("copy-to-plain", expression, left, right);
  }

  flipOrder(shape: Shape): Shape {
    return shape.kind === "order" ? { ...shape, direction: flip(shape.direction) } : shape;
  }

  shapeOf(expression: IrExpression): Shape {
    switch (expression.kind) {
      case "constant":
      case "aggregateResult":
        return PLAIN;
      case "variable":
        return this.variables.get(expression.variable) ?? PLAIN;
      case "lift":
        return this.shapeOf(expression.value);
      case "unary": {
        const operand = this.shapeOf(expression.operand);
        if (operand.kind === "plain") return PLAIN;
        if (expression.operator === "-" && operand.kind === "order") return this.flipOrder(operand);
        if (expression.operator === "!" && operand.kind === "truth") return { ...operand, direction: flip(operand.direction) };
        return this.opaque(expression.operator === "!" ? "against-direction" : "copy-to-plain", expression, operand);
      }
      case "binary":
        return this.shapeOfBinary(expression);
      case "call":
        return this.shapeOfCall(expression);
    }
  }

  shapeOfBinary(expression: Extract<IrExpression, { kind: "binary" }>): Shape {
    const left = this.shapeOf(expression.left);
    const right = this.shapeOf(expression.right);
    if (left.kind === "plain" && right.kind === "plain") return PLAIN;
    switch (expression.operator) {
      case "+":
        return this.combineOrder(expression, left, right);
      case "-":
        return this.combineOrder(expression, left, this.flipOrder(right));
      case "*":
      case "/": {
        // Scaling by a positive constant keeps the direction; a negative one reverses it.
        const constant = expression.right.kind === "constant" ? expression.right.value : expression.operator === "*" && expression.left.kind === "constant" ? expression.left.value : null;
        const moving = expression.right.kind === "constant" ? left : right;
        if (typeof constant === "number" && moving.kind === "order" && constant !== 0) {
          return constant > 0 ? moving : this.flipOrder(moving);
        }
        return this.opaque("copy-to-plain", expression, left, right);
      }
      case "<":
      case "<=":
      case ">":
      case ">=": {
        const direction = (shape: Shape): Direction | null | "bad" =>
          shape.kind === "plain" ? null : shape.kind === "order" ? shape.direction : "bad";
        const l = direction(left);
        const r = direction(right);
        if (l === "bad" || r === "bad") return this.opaque("against-direction", expression, left, right);
        // `a >= b` holds more often as a grows and as b shrinks.
        const greater = expression.operator === ">" || expression.operator === ">=";
        const fromLeft = l === null ? null : greater ? l : flip(l);
        const fromRight = r === null ? null : greater ? flip(r) : r;
        if (fromLeft !== null && fromRight !== null && fromLeft !== fromRight) {
          return this.opaque("against-direction", expression, left, right);
        }
        return { kind: "truth", direction: (fromLeft ?? fromRight)!, deps: unionDeps(depsOf(left), depsOf(right)) };
      }
      case "==":
      case "!=": {
        const truthAgainstConstant = (truth: Shape, other: IrExpression): Shape | null => {
          if (truth.kind !== "truth" || other.kind !== "constant" || typeof other.value !== "boolean") return null;
          const keeps = (expression.operator === "==") === other.value;
          return keeps ? truth : { ...truth, direction: flip(truth.direction) };
        };
        return (
          truthAgainstConstant(left, expression.right) ??
          truthAgainstConstant(right, expression.left) ??
          this.opaque("equality", expression, left, right)
        );
      }
      case "&&":
      case "||": {
        if (left.kind === "opaque" || right.kind === "opaque") return this.opaque("against-direction", expression, left, right);
        const truths = [left, right].filter((s) => s.kind !== "plain");
        if (truths.every((s) => s.kind === "truth") && new Set(truths.map((s) => (s as { direction: Direction }).direction)).size === 1) {
          return { kind: "truth", direction: (truths[0] as { direction: Direction }).direction, deps: unionDeps(depsOf(left), depsOf(right)) };
        }
        return this.opaque("against-direction", expression, left, right);
      }
      default:
        return this.opaque("copy-to-plain", expression, left, right);
    }
  }

  shapeOfCall(expression: Extract<IrExpression, { kind: "call" }>): Shape {
    const args = expression.args.map((a) => this.shapeOf(a));
    if (args.every((a) => a.kind === "plain")) return PLAIN;
    if (expression.extern) return this.opaque("extern", expression, ...args);
    const [first, second] = args;
    const firstLattice = first?.kind === "lattice" ? first.type : null;
    switch (expression.function) {
      case "size":
        if (firstLattice !== null && (firstLattice.kind === "set" || firstLattice.kind === "map")) {
          return { kind: "order", direction: "up", deps: first!.kind === "plain" ? [] : first!.deps };
        }
        break;
      case "contains":
        if (firstLattice?.kind === "set" && (second === undefined || second.kind === "plain")) {
          return { kind: "truth", direction: "up", deps: depsOf(first!) };
        }
        break;
      case "at":
        if (firstLattice?.kind === "map" && (second === undefined || second.kind === "plain")) {
          return shapeOfLatticeType(firstLattice.value, depsOf(first!));
        }
        break;
      case "keys":
        if (firstLattice?.kind === "map") {
          return { kind: "lattice", type: { kind: "set", element: firstLattice.key }, deps: depsOf(first!) };
        }
        break;
      case "min2":
      case "max2":
        if (first !== undefined && second !== undefined) return this.combineOrder(expression, first, second);
        break;
      case "entry":
        if (first?.kind === "plain" && second !== undefined) return { kind: "entry", value: second, deps: depsOf(second) };
        break;
      case "pair":
        // Each side must suit its own lattice: judged where the pair is written (sink).
        if (first !== undefined && second !== undefined && first.kind !== "opaque" && second.kind !== "opaque") {
          return { kind: "pair", first, second, deps: unionDeps(depsOf(first), depsOf(second)) };
        }
        break;
    }
    return this.opaque("copy-to-plain", expression, ...args);
  }

  record(shape: Shape, use: ReadUse, span: Span, text: string): void {
    for (const dep of depsOf(shape)) this.reads.push({ atom: dep.atom, column: dep.column, use, span, text });
  }

  /** A value flowing into a sink: recorded unless the sink respects its shape. */
  sink(shape: Shape, target: Type | null, span: Span, text: string): void {
    if (shape.kind === "pair" && target?.kind === "pair") {
      // Each side is judged against its own lattice, so only the offending side's atom is N.
      this.sink(shape.first, target.first, span, text);
      this.sink(shape.second, target.second, span, text);
      return;
    }
    const rejected = rejection(shape, target);
    if (rejected === null) return;
    if (shape.kind === "opaque") this.record(shape, shape.use, shape.span, shape.text);
    else this.record(shape, rejected, span, text);
  }
}

/** Why a sink of the given type (null: a condition) does not accept a shape; null when it does. */
function rejection(shape: Shape, target: Type | null): ReadUse | null {
  if (shape.kind === "plain") return null;
  if (shape.kind === "opaque") return shape.use;
  if (target === null) {
    if (shape.kind === "truth") return shape.direction === "up" ? null : "against-direction";
    return "copy-to-plain";
  }
  if (!isLattice(target)) return "copy-to-plain";
  switch (shape.kind) {
    case "order":
      if (shape.direction === "up" && target.kind === "max") return null;
      if (shape.direction === "down" && target.kind === "min") return null;
      return target.kind === "max" || target.kind === "min" ? "against-direction" : "copy-to-plain";
    case "truth":
      if (shape.direction === "up" && target.kind === "bool_or") return null;
      if (shape.direction === "down" && target.kind === "bool_and") return null;
      return target.kind === "bool_or" || target.kind === "bool_and" ? "against-direction" : "copy-to-plain";
    case "lattice":
      return sameType(shape.type, target) ? null : "copy-to-plain";
    case "entry":
      return target.kind === "map" ? rejection(shape.value, target.value) : "copy-to-plain";
    case "pair":
      return target.kind === "pair" ? (rejection(shape.first, target.first) ?? rejection(shape.second, target.second)) : "copy-to-plain";
  }
}

/** The head column that receives aggregate `index`, if any. */
export function aggregateTarget(rule: CheckedRule, index: number): number | null {
  for (let column = 0; column < rule.headColumns.length; column++) {
    let expression = rule.headColumns[column]!;
    if (expression.kind === "lift") expression = expression.value;
    if (expression.kind === "aggregateResult" && expression.index === index) return column;
  }
  return null;
}

export function latticeReads(rule: CheckedRule, collection: (name: string) => IrCollection | undefined): LatticeRead[] {
  const shapes = new RuleShapes(rule, collection);
  const atomBound = new Set<number>();

  // Variables bound by atoms, wherever the atom stands in the body.
  rule.atoms.forEach((atom, atomIndex) => {
    const schema = collection(atom.collection);
    atom.columnVariables.forEach((variable, column) => {
      if (variable === null || shapes.variables.has(variable)) return;
      const declared = schema?.columns[column];
      const shape = declared !== undefined && declared.lattice && isLattice(declared.type)
        ? shapeOfLatticeType(declared.type, [{ atom: atomIndex, column }])
        : PLAIN;
      shapes.variables.set(variable, shape);
      atomBound.add(variable);
    });
  });

  // Bindings and memberships, in body order, until every derived variable has its shape.
  const derived = rule.literals.filter(
    (l): l is Extract<CheckedLiteral, { kind: "binding" | "membership" }> => l.kind === "binding" || l.kind === "membership",
  );
  for (let pass = 0; pass <= derived.length; pass++) {
    for (const literal of derived) {
      if (atomBound.has(literal.variable)) continue;
      if (literal.kind === "binding") {
        shapes.variables.set(literal.variable, shapes.shapeOf(literal.value));
        continue;
      }
      const sources = literal.sources.map((s) => shapes.shapeOf(s));
      if (literal.mode === "range") {
        shapes.variables.set(literal.variable, PLAIN);
      } else {
        const source = sources[0] ?? PLAIN;
        // Elements of a growing set (or keys of a growing map) stay once they appear.
        shapes.variables.set(literal.variable, source.kind === "opaque" ? source : PLAIN);
      }
    }
  }

  // A range only accumulates elements while its lower bound falls and its upper bound rises.
  for (const literal of derived) {
    if (literal.kind !== "membership" || literal.mode !== "range") continue;
    const [from, to] = literal.sources.map((s) => shapes.shapeOf(s));
    const bad = (s: Shape | undefined, allowed: Direction): boolean =>
      s !== undefined && s.kind !== "plain" && !(s.kind === "order" && s.direction === allowed);
    if (bad(from, "down") || bad(to, "up")) {
      const text = `${variableName(rule, literal.variable)} in range(${literal.sources.map((s) => shapes.text(s)).join(", ")})`;
      const deps = unionDeps(from === undefined ? [] : depsOf(from), to === undefined ? [] : depsOf(to));
      shapes.record({ kind: "order", direction: "up", deps }, "against-direction", literal.span, text);
    }
  }

  // Joins and constants on lattice columns, and lattice-derived values matched against columns.
  const occurrences = new Map<number, { atom: number; column: number }[]>();
  rule.atoms.forEach((atom, atomIndex) => {
    const schema = collection(atom.collection);
    atom.columns.forEach((pattern, column) => {
      const variable = atom.columnVariables[column] ?? (pattern.kind === "bind" ? pattern.variable : null);
      const lattice = schema?.columns[column]?.lattice === true;
      if (variable !== null && variable !== undefined) {
        const list = occurrences.get(variable) ?? [];
        list.push({ atom: atomIndex, column });
        occurrences.set(variable, list);
        return;
      }
      if (pattern.kind !== "match") return;
      if (lattice) {
        const use: ReadUse = pattern.value.kind === "constant" ? "constant" : "join-on-value";
        shapes.reads.push({ atom: atomIndex, column, use, span: pattern.value.span, text: renderAtom(rule, atom) });
      }
      const matched = shapes.shapeOf(pattern.value);
      shapes.record(matched, "join-on-value", pattern.value.span, shapes.text(pattern.value));
    });
  });
  for (const [variable, list] of occurrences) {
    const name = variableName(rule, variable);
    if (!atomBound.has(variable)) {
      // A derived (binding) variable written in an atom column: a join on whatever it reads.
      for (const o of list) shapes.record(shapes.variables.get(variable) ?? PLAIN, "join-on-value", rule.atoms[o.atom]!.span, name);
      continue;
    }
    if (list.length < 2) continue;
    for (const o of list) {
      const schema = collection(rule.atoms[o.atom]!.collection);
      if (schema?.columns[o.column]?.lattice === true) {
        shapes.reads.push({ atom: o.atom, column: o.column, use: "join-on-value", span: rule.atoms[o.atom]!.span, text: `join on ${name}` });
      }
    }
  }

  for (const literal of rule.literals) {
    if (literal.kind === "condition") {
      shapes.sink(shapes.shapeOf(literal.predicate), null, literal.span, shapes.text(literal.predicate));
    }
  }

  const head = collection(rule.head);
  rule.headColumns.forEach((expression, column) => {
    const value = expression.kind === "lift" ? expression.value : expression;
    if (value.kind === "aggregateResult") return;
    const target = head?.columns[column];
    const type = target === undefined ? null : target.lattice ? target.type : { kind: "any" as const };
    shapes.sink(shapes.shapeOf(value), type ?? { kind: "any" }, value.span, shapes.text(value));
  });

  rule.aggregates.forEach((aggregate, index) => {
    if (aggregate.argument === null) return;
    const shape = shapes.shapeOf(aggregate.argument);
    if (shape.kind === "plain") return;
    const column = aggregateTarget(rule, index);
    const target = column === null ? undefined : head?.columns[column];
    const targetKind = target?.lattice === true ? target.type.kind : null;
    const respects =
      shape.kind === "order" &&
      ((aggregate.function === "max" && shape.direction === "up" && targetKind === "max") ||
        (aggregate.function === "min" && shape.direction === "down" && targetKind === "min"));
    if (respects) return;
    if (shape.kind === "opaque") shapes.record(shape, shape.use, shape.span, shape.text);
    else shapes.record(shape, "copy-to-plain", aggregate.span, `${aggregate.function}(${shapes.text(aggregate.argument)})`);
  });

  // One read per (atom, column, use, place).
  const unique = new Map<string, LatticeRead>();
  for (const read of shapes.reads) unique.set(`${read.atom}:${read.column}:${read.use}:${read.span.start}`, read);
  return [...unique.values()];
}
