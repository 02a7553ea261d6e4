// The canonical layout of a `.hydro` file: `hydro fmt` and the prettier plugin both print with it.
// In: the AST of a file that parsed without errors, and that file (for its comments). Out: text.
// One declaration per line; a rule on one line unless it is longer than 100 columns or its body
// holds comments, then one body literal per line, indented 4 spaces. At most one blank line is
// kept between items. Comments are not in the AST: they are read from the token stream and
// re-attached to the item, body literal or column they sit beside, which makes the printer
// idempotent (a second run attaches every comment to the same place). Parentheses are printed
// exactly where the parser needs them to rebuild the same tree.

import type * as A from "../ast.ts";
import { AGGREGATE_FUNCTIONS, BUILTIN_FUNCTIONS } from "../build-ast.ts";
import { positionOf, type SourceFile } from "../source.ts";
import { lexSource } from "../../grammar/lexer.ts";

export const LINE_WIDTH = 100;
const INDENT = "    ";

interface Comment {
  readonly text: string;
  readonly start: number;
  readonly end: number;
  readonly line: number;
  readonly endLine: number;
}

/** Comments kept with one list element (a body literal or a column). */
interface Attached {
  readonly leading: Comment[];
  readonly trailing: Comment[];
}

export function formatProgram(program: A.SourceProgram, file: SourceFile): string {
  const comments: Comment[] = lexSource(file).comments.map((token) => {
    const end = token.startOffset + token.image.length;
    return {
      text: token.image,
      start: token.startOffset,
      end,
      line: positionOf(file, token.startOffset).line,
      endLine: positionOf(file, Math.max(token.startOffset, end - 1)).line,
    };
  });
  const lineOf = (offset: number) => positionOf(file, offset).line;
  // The parser's rule (build-ast.ts): a declared collection's name reads as an atom, a built-in's otherwise.
  const functions = new Set<string>([...BUILTIN_FUNCTIONS, ...AGGREGATE_FUNCTIONS]);
  for (const item of program.items) if (item.kind === "collection") functions.delete(item.name.name);
  for (const item of program.items) if (item.kind === "extern") functions.add(item.name.name);
  const printer = new ItemPrinter(functions, lineOf);

  // The stream of top-level elements: items, and the comments that stand on their own lines.
  type Element = { kind: "item"; item: A.Item; start: number; end: number; trailing: Comment[] } | { kind: "comment"; comment: Comment };
  const elements: Element[] = [];
  const itemElements = program.items.map((item) => ({ kind: "item" as const, item, start: itemStart(item), end: item.span.end, trailing: [] as Comment[] }));
  const inner = new Map<A.Item, Comment[]>();
  let next = 0;
  let previous: (typeof itemElements)[number] | undefined;
  let pending: Comment[] = [];
  const flush = () => {
    for (const comment of pending) elements.push({ kind: "comment", comment });
    pending = [];
  };
  for (const comment of comments) {
    while (next < itemElements.length && itemElements[next]!.start <= comment.start) {
      if (itemElements[next]!.end > comment.start) break;
      flush();
      previous = itemElements[next]!;
      elements.push(previous);
      next++;
    }
    const current = itemElements[next];
    if (current !== undefined && current.start <= comment.start && comment.start < current.end) {
      inner.set(current.item, [...(inner.get(current.item) ?? []), comment]);
    } else if (previous !== undefined && pending.length === 0 && comment.line === lastLine(previous, lineOf)) {
      previous.trailing.push(comment);
    } else {
      pending.push(comment);
    }
  }
  while (next < itemElements.length) {
    flush();
    elements.push(itemElements[next]!);
    next++;
  }
  flush();

  const out: string[] = [];
  let previousEndLine: number | undefined;
  for (const element of elements) {
    const startLine = element.kind === "comment" ? element.comment.line : lineOf(element.start);
    if (previousEndLine !== undefined && startLine - previousEndLine >= 2) out.push("");
    if (element.kind === "comment") {
      out.push(element.comment.text);
      previousEndLine = element.comment.endLine;
      continue;
    }
    const printed = printer.item(element.item, inner.get(element.item) ?? []);
    out.push(...printed.leading.map((c) => c.text));
    const lines = printed.lines;
    const trailing = [...printed.trailing, ...element.trailing];
    if (trailing.length > 0) lines[lines.length - 1] += " " + trailing.map((c) => c.text).join(" ");
    out.push(...lines);
    for (const comment of printed.after) out.push(comment.text);
    previousEndLine = Math.max(lastLine(element, lineOf), ...printed.after.map((c) => c.endLine));
  }
  return out.length === 0 ? "" : out.join("\n") + "\n";
}

/** Where an item begins, counting its annotations. */
function itemStart(item: A.Item): number {
  const annotations = item.kind === "rule" || item.kind === "extern" ? item.annotations : [];
  return Math.min(item.span.start, ...annotations.map((a) => a.span.start));
}

function lastLine(element: { end: number; trailing: Comment[] }, lineOf: (offset: number) => number): number {
  return Math.max(lineOf(Math.max(0, element.end - 1)), ...element.trailing.map((c) => c.endLine));
}

/**
 * Distributes the comments inside a list (body literals, columns) over its elements: a comment
 * after an element on the same line trails it; any other comment leads the next element; those
 * after the last element, on later lines, are returned as `rest`.
 */
function attach(comments: readonly Comment[], elements: readonly { span: A.Identifier["span"] }[], lineOf: (offset: number) => number) {
  const attached: Attached[] = elements.map(() => ({ leading: [], trailing: [] }));
  const rest: Comment[] = [];
  for (const comment of comments) {
    const after = elements.findLastIndex((e) => e.span.end <= comment.start);
    const owner = elements.findIndex((e) => e.span.start <= comment.start && comment.start < e.span.end);
    if (owner >= 0) attached[owner]!.leading.push(comment);
    else if (after >= 0 && lineOf(Math.max(0, elements[after]!.span.end - 1)) === comment.line) attached[after]!.trailing.push(comment);
    else if (after + 1 < elements.length) attached[after + 1]!.leading.push(comment);
    else rest.push(comment);
  }
  return { attached, rest };
}

interface PrintedItem {
  /** Comment lines before the item (comments from inside parts that have no list). */
  readonly leading: Comment[];
  readonly lines: string[];
  /** Comments on the item's last line. */
  readonly trailing: Comment[];
  /** Comments after the item's last list element, on lines of their own. */
  readonly after: Comment[];
}

class ItemPrinter {
  constructor(
    private readonly functions: ReadonlySet<string>,
    private readonly lineOf: (offset: number) => number,
  ) {}

  item(item: A.Item, comments: Comment[]): PrintedItem {
    switch (item.kind) {
      case "module":
        return simple(`module ${item.name.name};`, comments);
      case "import":
        return simple(`import ${JSON.stringify(item.path)} as ${item.alias.name};`, comments);
      case "extern": {
        const params = item.params.map((p) => `${p.name.name}: ${type(p.type)}`).join(", ");
        const head = `extern fn ${item.name.name}(${params}): ${type(item.returnType)} from ${JSON.stringify(item.from)};`;
        return { ...simple(head, comments), lines: [...item.annotations.map(annotation), head] };
      }
      case "seal":
        return simple(`seal ${qualified(item.collection)} on (${item.columns.map((c) => c.name).join(", ")});`, comments);
      case "fact":
        return simple(`${qualified(item.target)}(${item.args.map((a) => this.argument(a, true)).join(", ")});`, comments);
      case "collection":
        return this.collection(item, comments);
      case "rule":
        return this.rule(item, comments);
    }
  }

  private collection(item: A.CollectionDecl, comments: Comment[]): PrintedItem {
    const head = `${item.collectionKind} ${item.name.name}`;
    const key = item.key ? ` key(${item.key.columns.map((c) => c.name).join(", ")})` : "";
    if (item.scalar) return simple(`${head}: ${type(item.scalar)};`, comments);
    if (item.period) return simple(`${head}(${item.period.text})${key};`, comments);
    const first = item.columns[0];
    // Comments after the name, up to `key` (or the end), belong to the column list: once
    // printed there, a second run finds them there again.
    const listEnd = item.key ? item.key.span.start : item.span.end;
    const inList = comments.filter((c) => first !== undefined && c.start >= item.name.span.end && c.start < listEnd);
    const outside = comments.filter((c) => !inList.includes(c));
    const { attached, rest } = attach(inList, item.columns, this.lineOf);
    const column = (c: A.ColumnDecl) => `${c.address ? "@" : ""}${c.name.name}: ${type(c.type)}`;
    const separator = (index: number) => {
      if (index === item.columns.length - 1) return "";
      return !item.columns[index]!.lattice && item.columns[index + 1]!.lattice ? ";" : ",";
    };
    const plain = item.columns.filter((c) => !c.lattice).map(column).join(", ");
    const lattice = item.columns.filter((c) => c.lattice).map(column).join(", ");
    const list = lattice === "" ? plain : plain === "" ? `; ${lattice}` : `${plain}; ${lattice}`;
    const oneLine = `${head}(${list})${key};`;
    const hasComments = attached.some((a) => a.leading.length > 0 || a.trailing.length > 0);
    if (!hasComments && oneLine.length <= LINE_WIDTH) return { leading: outside, lines: [oneLine], trailing: [], after: rest };
    const lines = [`${head}(`];
    if (item.columns.length > 0 && item.columns[0]!.lattice) lines.push(`${INDENT};`);
    item.columns.forEach((c, index) => {
      for (const comment of attached[index]!.leading) lines.push(INDENT + comment.text);
      const trailing = attached[index]!.trailing.map((t) => " " + t.text).join("");
      lines.push(`${INDENT}${column(c)}${separator(index)}${trailing}`);
    });
    lines.push(`)${key};`);
    return { leading: outside, lines, trailing: [], after: rest };
  }

  private rule(item: A.RuleItem, comments: Comment[]): PrintedItem {
    const beforeBody = comments.filter((c) => c.start < item.operatorSpan.end);
    const inBody = comments.filter((c) => c.start >= item.operatorSpan.end);
    const { attached, rest } = attach(inBody, item.body, this.lineOf);
    const last = attached[attached.length - 1];
    // The last literal's trailing comments go after the `;`: that is where a second run finds them.
    const trailing = last ? last.trailing.splice(0) : [];
    const head = `${qualified(item.head.target)}(${item.head.args.map((a) => this.argument(a, false)).join(", ")}) ${item.operator}`;
    const literals = item.body.map((literal) => this.literal(literal));
    const annotations = item.annotations.map(annotation);
    const oneLine = `${head} ${literals.join(", ")};`;
    const hasComments = attached.some((a) => a.leading.length > 0 || a.trailing.length > 0);
    if (!hasComments && oneLine.length <= LINE_WIDTH && !oneLine.includes("\n")) {
      return { leading: beforeBody, lines: [...annotations, oneLine], trailing, after: rest };
    }
    const lines = [...annotations, head];
    literals.forEach((literal, index) => {
      for (const comment of attached[index]!.leading) lines.push(INDENT + comment.text);
      const end = index === literals.length - 1 ? ";" : ",";
      lines.push(`${INDENT}${literal}${end}${attached[index]!.trailing.map((t) => " " + t.text).join("")}`);
    });
    return { leading: beforeBody, lines, trailing, after: rest };
  }

  private argument(argument: A.Argument, inFact: boolean): string {
    const value = inFact ? constant(argument.value) ?? this.expression(argument.value) : this.expression(argument.value);
    return argument.name ? `${argument.name.name}: ${value}` : value;
  }

  private literal(literal: A.BodyLiteral): string {
    switch (literal.kind) {
      case "atom":
        return `${literal.negated ? "!" : ""}${qualified(literal.target)}(${literal.args.map((a) => this.argument(a, false)).join(", ")})`;
      case "membership":
        return `${literal.variable.name} in ${this.expression(literal.source)}`;
      case "condition": {
        const text = this.expression(literal.expression);
        // A bare call of a name that is not a function would read back as an atom.
        const call = literal.expression.kind === "unary" && literal.expression.operator === "!" ? literal.expression.operand : literal.expression;
        return call.kind === "call" && !this.functions.has(call.callee.name) ? `(${text})` : text;
      }
    }
  }

  expression(expression: A.Expression): string {
    switch (expression.kind) {
      case "int":
        return String(expression.value);
      case "float":
        return floatText(expression.value);
      case "string":
        return JSON.stringify(expression.value);
      case "bool":
        return String(expression.value);
      case "variable":
        return expression.name;
      case "wildcard":
        return "_";
      case "call":
        return `${expression.callee.name}(${expression.args.map((a) => this.expression(a)).join(", ")})`;
      case "aggregate":
        return `${expression.function}(${expression.arg ? this.expression(expression.arg) : ""})`;
      case "unary": {
        const operand = this.expression(expression.operand);
        return `${expression.operator}${precedence(expression.operand) < UNARY ? `(${operand})` : operand}`;
      }
      case "binary": {
        const level = precedence(expression);
        const comparison = level === COMPARISON;
        const left = this.expression(expression.left);
        const right = this.expression(expression.right);
        const leftLevel = precedence(expression.left);
        const rightLevel = precedence(expression.right);
        const wrapLeft = comparison ? leftLevel <= level : leftLevel < level;
        const wrapRight = rightLevel <= level;
        return `${wrapLeft ? `(${left})` : left} ${expression.operator} ${wrapRight ? `(${right})` : right}`;
      }
    }
  }
}

const COMPARISON = 3;
const UNARY = 6;
const binaryLevels: Record<A.BinaryOperator, number> = {
  "||": 1,
  "&&": 2,
  "==": COMPARISON,
  "!=": COMPARISON,
  "<": COMPARISON,
  "<=": COMPARISON,
  ">": COMPARISON,
  ">=": COMPARISON,
  "=": COMPARISON,
  "+": 4,
  "-": 4,
  "++": 4,
  "*": 5,
  "/": 5,
  "%": 5,
};

function precedence(expression: A.Expression): number {
  if (expression.kind === "binary") return binaryLevels[expression.operator];
  if (expression.kind === "unary") return UNARY;
  // A negative number prints with its minus: it binds as a unary expression.
  if ((expression.kind === "int" || expression.kind === "float") && (expression.value < 0 || Object.is(expression.value, -0))) return UNARY;
  return 7;
}

/** In a fact a negative number is one literal; elsewhere the printer writes it as unary minus. */
function constant(expression: A.Expression): string | undefined {
  if (expression.kind === "int") return String(expression.value);
  if (expression.kind === "float") return floatText(expression.value);
  return undefined;
}

/** Always with a `.` or an exponent, so it reads back as a float: 2 → 2.0. */
function floatText(value: number): string {
  const text = String(value);
  return /[.eE]/.test(text) || !Number.isFinite(value) ? text : `${text}.0`;
}

function type(expression: A.TypeExpr): string {
  return expression.args.length === 0 ? expression.name.name : `${expression.name.name}<${expression.args.map(type).join(", ")}>`;
}

function qualified(name: A.QualifiedName): string {
  return name.module ? `${name.module.name}.${name.name.name}` : name.name.name;
}

function annotation(annotation: A.Annotation): string {
  return annotation.argument ? `@${annotation.name.name}(${JSON.stringify(annotation.argument.value)})` : `@${annotation.name.name}`;
}

function simple(line: string, comments: Comment[]): PrintedItem {
  return { leading: comments, lines: [line], trailing: [], after: [] };
}
