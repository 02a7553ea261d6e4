// Source text → AST (compiler/ast.ts), with every lexical and syntax diagnostic of the file.
// In: a SourceFile. Out: { program, diagnostics }; never throws on user input.
// The file is split into items at `;` and each is parsed with the one recovering parser, so every
// item's first syntax error is reported and the items after it still parse. Trees partial from
// recovery are built as far as they go: an item missing an essential part (a name, a head) is
// left out; a missing argument or literal is left out of its list.
// Body literals arrive as expressions; a call-shaped literal is an atom unless it names a
// built-in or an `extern fn` of this file (a qualified `d.x(...)` or named form is always an
// atom). A call of an aggregate name becomes an AggregateExpression wherever it appears.

import { tokenMatcher, type CstElement, type CstNode, type IToken } from "chevrotain";
import type * as A from "./ast.ts";
import { diagnostic, type Diagnostic } from "./diagnostics.ts";
import { joinSpans, spanOf, type SourceFile, type Span } from "./source.ts";
import { decodeString, lexSource } from "../grammar/lexer.ts";
import { isEndOfInput, parseItemTokens } from "../grammar/parser.ts";
import { splitItems } from "../grammar/split-items.ts";
import * as T from "../grammar/tokens.ts";
import { BUILTIN_NAMES } from "../stdlib/builtins.ts";

export const AGGREGATE_FUNCTIONS: readonly A.AggregateFunction[] = ["count", "sum", "min", "max", "avg", "collect", "choose"];

/**
 * Functions every program may call (the one table in stdlib/builtins.ts); a body literal calling
 * one is a condition.
 */
export const BUILTIN_FUNCTIONS: readonly string[] = BUILTIN_NAMES;

export function parseProgram(file: SourceFile): { program: A.SourceProgram; diagnostics: Diagnostic[] } {
  const lexed = lexSource(file);
  const builder = new AstBuilder(file, conditionNames(lexed.tokens));
  const items: A.Item[] = [];
  const syntaxDiagnostics: Diagnostic[] = [];
  const slices = splitItems(lexed.tokens);
  slices.forEach((slice, index) => {
    const parsed = parseItemTokens(slice);
    const first = parsed.errors[0];
    if (first !== undefined && !hasLexicalErrorIn(lexed.diagnostics, slice, index === slices.length - 1 ? file.text.length : undefined)) {
      syntaxDiagnostics.push(syntaxError(file, first, slice));
    }
    const before = builder.diagnostics.length;
    const item = builder.item(parsed.cst);
    if (item !== undefined) items.push(item);
    // What the builder finds in an item that did not parse is a consequence, not news.
    if (parsed.errors.length > 0) builder.diagnostics.length = before;
  });
  const program: A.SourceProgram = { kind: "program", file: file.path, items, span: spanOf(file, 0, file.text.length) };
  const diagnostics = [...lexed.diagnostics, ...syntaxDiagnostics, ...builder.diagnostics];
  diagnostics.sort((a, b) => a.span.start - b.span.start);
  return { program, diagnostics };
}

/**
 * The names whose calls in a body are conditions, not atoms: the built-ins and aggregates, and
 * every `extern fn name` anywhere in the file. A collection the file declares keeps its name for
 * atoms even when a built-in has it too (`input pair(a: int, b: int);` then `pair(a, _)`).
 */
function conditionNames(tokens: readonly IToken[]): Set<string> {
  const names = new Set<string>([...BUILTIN_FUNCTIONS, ...AGGREGATE_FUNCTIONS]);
  for (let i = 0; i + 1 < tokens.length; i++) {
    if (tokenMatcher(tokens[i]!, T.CollectionKindKeyword)) names.delete(tokens[i + 1]!.image);
  }
  for (let i = 0; i + 2 < tokens.length; i++) {
    if (tokens[i]!.tokenType === T.Extern && tokens[i + 1]!.tokenType === T.Fn) names.add(tokens[i + 2]!.image);
  }
  return names;
}

/** A lexical error inside an item already explains why it does not parse: do not say it twice. */
function hasLexicalErrorIn(lexical: readonly Diagnostic[], slice: readonly IToken[], extendTo?: number): boolean {
  const start = slice[0]!.startOffset;
  const last = slice[slice.length - 1]!;
  const end = extendTo ?? last.startOffset + last.image.length;
  return lexical.some((d) => d.code !== "HY1005" && d.code !== "HY1003" && d.span.start < end && d.span.end > start);
}

function syntaxError(file: SourceFile, error: { message: string; token: IToken }, slice: readonly IToken[]): Diagnostic {
  const token = error.token;
  if (isEndOfInput(token) || Number.isNaN(token.startOffset)) {
    const last = slice[slice.length - 1]!;
    const at = last.startOffset + last.image.length;
    return diagnostic("HY1004", spanOf(file, at, at), `${error.message}, found the end of the file`);
  }
  const end = token.startOffset + token.image.length;
  const help = syntaxHelp(error.message, token);
  return diagnostic("HY1004", spanOf(file, token.startOffset, end), `${error.message}, found ${showToken(token)}`, help ? { help } : {});
}

const DECLARATION_WORDS = ["module", "import", "extern", "table", "scratch", "input", "output", "channel", "periodic", "lattice", "seal"];

function syntaxHelp(message: string, token: IToken): string | undefined {
  if (message.startsWith("expected a declaration") && token.tokenType === T.Identifier) {
    const close = DECLARATION_WORDS.find((word) => editDistance(word, token.image) <= 2);
    if (close !== undefined) return `did you mean \`${close}\`?`;
  }
  if (message.startsWith("expected `;` after the rule") && tokenMatcher(token, T.ComparisonOperator)) {
    return "comparisons do not chain: write `a < b, b < c`";
  }
  return undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

function showToken(token: IToken): string {
  const text = token.image.length > 30 ? `${token.image.slice(0, 27)}...` : token.image;
  return text.includes("`") ? `'${text}'` : `\`${text}\``;
}

// ---- CST access that tolerates the holes recovery leaves ----

type Children = Record<string, CstElement[] | undefined>;

function isToken(element: CstElement): element is IToken {
  return (element as IToken).tokenType !== undefined;
}

function realToken(element: CstElement | undefined): IToken | undefined {
  if (element === undefined || !isToken(element)) return undefined;
  return element.isInsertedInRecovery || Number.isNaN(element.startOffset) ? undefined : element;
}

function tokenAt(node: CstNode, label: string, index = 0): IToken | undefined {
  return realToken((node.children as Children)[label]?.[index]);
}

function tokensOf(node: CstNode, label: string): IToken[] {
  return ((node.children as Children)[label] ?? []).map(realToken).filter((t): t is IToken => t !== undefined);
}

function nodeAt(node: CstNode, label: string, index = 0): CstNode | undefined {
  const element = (node.children as Children)[label]?.[index];
  return element === undefined || isToken(element) ? undefined : element;
}

function nodesOf(node: CstNode, label: string): CstNode[] {
  return ((node.children as Children)[label] ?? []).filter((e): e is CstNode => !isToken(e));
}

const extents = new WeakMap<CstNode, { start: number; end: number } | undefined>();

/** The offsets of the first and last real tokens under a node (recovery may leave none). */
function extent(node: CstElement): { start: number; end: number } | undefined {
  if (isToken(node)) {
    const token = realToken(node);
    return token && { start: token.startOffset, end: token.startOffset + token.image.length };
  }
  const location = node.location;
  // The parser tracks offsets; only a node that recovery patched needs the walk below.
  if (location !== undefined && !node.recoveredNode && Number.isFinite(location.startOffset) && Number.isFinite(location.endOffset)) {
    return { start: location.startOffset, end: location.endOffset! + 1 };
  }
  if (extents.has(node)) return extents.get(node);
  const result = computeExtent(node);
  extents.set(node, result);
  return result;
}

function computeExtent(node: CstNode): { start: number; end: number } | undefined {
  let start = Infinity;
  let end = -Infinity;
  for (const list of Object.values(node.children as Children)) {
    for (const child of list ?? []) {
      const e = extent(child);
      if (e === undefined) continue;
      start = Math.min(start, e.start);
      end = Math.max(end, e.end);
    }
  }
  return start === Infinity ? undefined : { start, end };
}

class AstBuilder {
  readonly diagnostics: Diagnostic[] = [];
  private readonly functionNames: Set<string>;

  constructor(
    private readonly file: SourceFile,
    functionNames: Set<string>,
  ) {
    this.functionNames = functionNames;
  }

  private span(node: CstElement | undefined): Span | undefined {
    const e = node && extent(node);
    return e && spanOf(this.file, e.start, e.end);
  }

  private tokenSpan(token: IToken): Span {
    return spanOf(this.file, token.startOffset, token.startOffset + token.image.length);
  }

  private identifier(token: IToken | undefined): A.Identifier | undefined {
    return token && { name: token.image, span: this.tokenSpan(token) };
  }

  private error(span: Span, message: string, help?: string): void {
    this.diagnostics.push(diagnostic("HY1004", span, message, help === undefined ? {} : { help }));
  }

  item(node: CstNode): A.Item | undefined {
    const annotations = nodesOf(node, "annotation").map((a) => this.annotation(a)).filter((a) => a !== undefined);
    const children = node.children as Children;
    const [kind] = Object.keys(children).filter((k) => k !== "annotation");
    const inner = kind === undefined ? undefined : nodeAt(node, kind);
    if (inner === undefined) return undefined;
    const isRule = kind === "clause" && tokenAt(inner, "operator") !== undefined;
    if (annotations.length > 0 && kind !== "externDeclaration" && !isRule) {
      const span = joinSpans(annotations[0]!.span, annotations[annotations.length - 1]!.span);
      this.error(span, "annotations apply only to rules and extern functions");
    }
    switch (kind) {
      case "moduleDeclaration":
        return this.moduleDeclaration(inner);
      case "importDeclaration":
        return this.importDeclaration(inner);
      case "externDeclaration":
        return this.externDeclaration(inner, annotations);
      case "collectionDeclaration":
        return this.collectionDeclaration(inner);
      case "sealDeclaration":
        return this.sealDeclaration(inner);
      case "clause":
        return this.clause(inner, annotations);
      default:
        return undefined;
    }
  }

  private annotation(node: CstNode): A.Annotation | undefined {
    const name = this.identifier(tokenAt(node, "name"));
    const span = this.span(node);
    if (name === undefined || span === undefined) return undefined;
    const argument = tokenAt(node, "argument");
    return {
      kind: "annotation",
      name,
      ...(argument ? { argument: { value: decodeString(argument.image).value, span: this.tokenSpan(argument) } } : {}),
      span,
    };
  }

  private moduleDeclaration(node: CstNode): A.ModuleDecl | undefined {
    const name = this.identifier(tokenAt(node, "name"));
    const span = this.span(node);
    return name && span && { kind: "module", name, span };
  }

  private importDeclaration(node: CstNode): A.ImportDecl | undefined {
    const path = tokenAt(node, "path");
    const alias = this.identifier(tokenAt(node, "alias"));
    const span = this.span(node);
    if (!path || !alias || !span) return undefined;
    return { kind: "import", path: decodeString(path.image).value, pathSpan: this.tokenSpan(path), alias, span };
  }

  private externDeclaration(node: CstNode, annotations: A.Annotation[]): A.ExternDecl | undefined {
    const name = this.identifier(tokenAt(node, "name"));
    const returnType = this.typeExpression(nodeAt(node, "returnType"));
    const path = tokenAt(node, "path");
    const span = this.span(node);
    if (!name || !returnType || !path || !span) return undefined;
    const params: { name: A.Identifier; type: A.TypeExpr }[] = [];
    for (const parameter of nodesOf(node, "parameter")) {
      const paramName = this.identifier(tokenAt(parameter, "name"));
      const type = this.typeExpression(nodeAt(parameter, "type"));
      if (paramName && type) params.push({ name: paramName, type });
    }
    return {
      kind: "extern",
      annotations,
      name,
      params,
      returnType,
      from: decodeString(path.image).value,
      fromSpan: this.tokenSpan(path),
      span,
    };
  }

  private collectionDeclaration(node: CstNode): A.CollectionDecl | undefined {
    const kindToken = tokenAt(node, "kind");
    const name = this.identifier(tokenAt(node, "name"));
    const span = this.span(node);
    if (!kindToken || !name || !span) return undefined;
    const collectionKind = kindToken.image as A.CollectionKind;
    const columns: A.ColumnDecl[] = [];
    const list = nodeAt(node, "columnList");
    if (list) {
      for (const [label, lattice] of [["plain", false], ["lattice", true]] as const) {
        for (const column of nodesOf(list, label)) {
          const built = this.column(column, lattice);
          if (built) columns.push(built);
        }
      }
    }
    const keyNode = nodeAt(node, "keyClause");
    const keySpan = this.span(keyNode);
    const key = keyNode && keySpan && {
      columns: tokensOf(keyNode, "columns").map((t) => this.identifier(t)!),
      span: keySpan,
    };
    const periodToken = tokenAt(node, "period");
    const period = periodToken && this.duration(periodToken);
    // Whether a period or a single value suits the kind is checked with the declarations (HY2015).
    const scalar = this.typeExpression(nodeAt(node, "scalar"));

    return {
      kind: "collection",
      collectionKind,
      name,
      columns,
      ...(key ? { key } : {}),
      ...(period ? { period } : {}),
      ...(scalar ? { scalar } : {}),
      span,
    };
  }

  private column(node: CstNode, lattice: boolean): A.ColumnDecl | undefined {
    const name = this.identifier(tokenAt(node, "name"));
    const type = this.typeExpression(nodeAt(node, "type"));
    const span = this.span(node);
    if (!name || !type || !span) return undefined;
    return { name, type, lattice, address: tokenAt(node, "address") !== undefined, span };
  }

  private duration(token: IToken): A.Duration {
    const match = /^([0-9]+)(ms|s|m|h)$/.exec(token.image);
    const amount = Number(match?.[1] ?? 0);
    const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(match?.[2] ?? "ms") as "ms" | "s" | "m" | "h"];
    return { milliseconds: amount * unit, text: token.image, span: this.tokenSpan(token) };
  }

  private typeExpression(node: CstNode | undefined): A.TypeExpr | undefined {
    if (node === undefined) return undefined;
    const name = this.identifier(tokenAt(node, "name"));
    const span = this.span(node);
    if (!name || !span) return undefined;
    const args = nodesOf(node, "args").map((a) => this.typeExpression(a)).filter((a) => a !== undefined);
    return { kind: "type", name, args, span };
  }

  private sealDeclaration(node: CstNode): A.SealDecl | undefined {
    const collection = this.qualifiedName(nodeAt(node, "collection"));
    const span = this.span(node);
    if (!collection || !span) return undefined;
    return { kind: "seal", collection, columns: tokensOf(node, "columns").map((t) => this.identifier(t)!), span };
  }

  private qualifiedName(node: CstNode | undefined): A.QualifiedName | undefined {
    if (node === undefined) return undefined;
    const first = this.identifier(tokenAt(node, "first"));
    const second = this.identifier(tokenAt(node, "second"));
    if (!first) return undefined;
    if (second) return { module: first, name: second, span: joinSpans(first.span, second.span) };
    return { name: first, span: first.span };
  }

  private clause(node: CstNode, annotations: A.Annotation[]): A.FactItem | A.RuleItem | undefined {
    const target = this.qualifiedName(nodeAt(node, "target"));
    const span = this.span(node);
    if (!target || !span) return undefined;
    const operator = tokenAt(node, "operator");
    const argsNode = nodeAt(node, "args");
    if (operator === undefined) {
      const args = argsNode ? this.argumentList(argsNode, true) : [];
      return { kind: "fact", target, args, span };
    }
    const args = argsNode ? this.argumentList(argsNode, false) : [];
    const closing = tokenAt(node, "RParen");
    const headEnd = closing ? closing.startOffset + 1 : args.length > 0 ? args[args.length - 1]!.span.end : target.span.end;
    const head: A.Head = { target, args, span: spanOf(this.file, target.span.start, headEnd) };
    const body = nodesOf(node, "body").map((literal) => this.bodyLiteral(literal)).filter((l) => l !== undefined);
    return {
      kind: "rule",
      annotations,
      head,
      operator: operator.image as A.MergeOperator,
      operatorSpan: this.tokenSpan(operator),
      body,
      span,
    };
  }

  private argumentList(node: CstNode, constant: boolean): A.Argument[] {
    const result: A.Argument[] = [];
    for (const argument of nodesOf(node, "args")) {
      const name = this.identifier(tokenAt(argument, "name"));
      let value = this.expression(nodeAt(argument, "value"));
      if (value === undefined) continue;
      if (constant) value = foldNegativeLiteral(value);
      const span = name ? joinSpans(name.span, value.span) : value.span;
      result.push({ ...(name ? { name } : {}), value, span });
    }
    return result;
  }

  private bodyLiteral(node: CstNode): A.BodyLiteral | undefined {
    const variableToken = tokenAt(node, "variable");
    if (variableToken !== undefined) {
      const variable = this.identifier(variableToken)!;
      const source = this.expression(nodeAt(node, "source"));
      if (!source) return undefined;
      return { kind: "membership", variable, source, span: joinSpans(variable.span, source.span) };
    }
    const conditionNode = nodeAt(node, "condition");
    if (conditionNode === undefined) return undefined;
    const atom = this.atom(conditionNode);
    if (atom !== null) return atom;
    const expression = this.expression(conditionNode);
    return expression && { kind: "condition", expression, span: expression.span };
  }

  /** The literal as an atom, or null when it is a condition (undefined: too broken to build). */
  private atom(node: CstNode): A.AtomLiteral | undefined | null {
    // expression → and → comparison → additive → multiplicative → unary, each with one operand.
    let current: CstNode | undefined = node;
    for (let level = 0; level < 5; level++) {
      const operands: CstNode[] = nodesOf(current!, "operands");
      if (operands.length !== 1 || (current!.children as Children)["operators"]?.length) return null;
      current = operands[0];
    }
    // `current` is a unary node: `!` then a call, or the call itself.
    let negation: IToken | undefined;
    const operator = tokenAt(current!, "operator");
    if (operator !== undefined) {
      if (operator.tokenType !== T.Bang) return null;
      negation = operator;
      current = nodeAt(current!, "operand");
      if (current === undefined || tokenAt(current, "operator") !== undefined) return null;
    }
    const call = nodeAt(nodeAt(current!, "primary") ?? current!, "callOrVariable");
    if (call === undefined || (call.children as Children)["call"] === undefined) return null;
    const first = this.identifier(tokenAt(call, "first"));
    const second = this.identifier(tokenAt(call, "second"));
    const argsNode = nodeAt(call, "args");
    const named = argsNode !== undefined && nodesOf(argsNode, "args").some((a) => tokenAt(a, "name") !== undefined);
    if (!first) return undefined;
    if (second === undefined && !named && this.functionNames.has(first.name)) return null;
    const args = argsNode ? this.argumentList(argsNode, false) : [];
    if (named && args.some((a) => a.name === undefined)) {
      this.error(this.span(argsNode)!, "use either positional or named arguments (column: value) in an atom, not both");
    }
    const target: A.QualifiedName = second
      ? { module: first, name: second, span: joinSpans(first.span, second.span) }
      : { name: first, span: first.span };
    const span = this.span(node)!;
    return { kind: "atom", negated: negation !== undefined, target, args, named, span };
  }

  // ---- expressions ----

  expression(node: CstNode | undefined): A.Expression | undefined {
    if (node === undefined) return undefined;
    switch (node.name) {
      case "expression":
      case "andExpression":
        return this.leftAssociative(node);
      case "comparison":
        return this.comparison(node);
      case "additive":
      case "multiplicative":
        return this.leftAssociative(node);
      case "unary":
        return this.unary(node);
      case "primary":
        return this.primary(node);
      case "callOrVariable":
        return this.callOrVariable(node);
      default:
        return undefined;
    }
  }

  private leftAssociative(node: CstNode): A.Expression | undefined {
    const operands = nodesOf(node, "operands").map((o) => this.expression(o));
    const operators = tokensOf(node, "operators");
    let result = operands[0];
    for (let i = 0; i < operators.length; i++) {
      const right = operands[i + 1];
      if (result === undefined || right === undefined) return result;
      result = this.binary(operators[i]!.image as A.BinaryOperator, this.tokenSpan(operators[i]!), result, right);
    }
    return result;
  }

  private binary(operator: A.BinaryOperator, operatorSpan: Span, left: A.Expression, right: A.Expression): A.BinaryExpression {
    return { kind: "binary", operator, left, right, operatorSpan, span: joinSpans(left.span, right.span) };
  }

  private comparison(node: CstNode): A.Expression | undefined {
    const [leftNode, rightNode] = nodesOf(node, "operands");
    const left = this.expression(leftNode);
    const operator = tokenAt(node, "operators");
    const right = this.expression(rightNode);
    if (operator === undefined || left === undefined || right === undefined) return left;
    if (operator.tokenType === T.DeleteNext) {
      // `x<-5` is `x < -5`: the minus binds to the first operand, as unary minus would.
      const lessSpan = spanOf(this.file, operator.startOffset, operator.startOffset + 1);
      return this.binary("<", lessSpan, left, negateLeftmost(right, spanOf(this.file, operator.startOffset + 1, operator.startOffset + 2)));
    }
    return this.binary(operator.image as A.BinaryOperator, this.tokenSpan(operator), left, right);
  }

  private unary(node: CstNode): A.Expression | undefined {
    const operator = tokenAt(node, "operator");
    if (operator === undefined) return this.expression(nodeAt(node, "primary"));
    const operand = this.expression(nodeAt(node, "operand"));
    if (operand === undefined) return undefined;
    return {
      kind: "unary",
      operator: operator.image as "-" | "!",
      operand,
      span: joinSpans(this.tokenSpan(operator), operand.span),
    };
  }

  private primary(node: CstNode): A.Expression | undefined {
    const parenthesized = nodeAt(node, "parenthesized");
    if (parenthesized) return this.expression(parenthesized);
    const call = nodeAt(node, "callOrVariable");
    if (call) return this.callOrVariable(call);
    const integer = tokenAt(node, "integer");
    if (integer) return { kind: "int", value: parseInt(integer.image, 10), span: this.tokenSpan(integer) };
    const float = tokenAt(node, "float");
    if (float) return { kind: "float", value: Number(float.image), span: this.tokenSpan(float) };
    const string = tokenAt(node, "string");
    if (string) return { kind: "string", value: decodeString(string.image).value, span: this.tokenSpan(string) };
    const boolean = tokenAt(node, "boolean");
    if (boolean) return { kind: "bool", value: boolean.image === "true", span: this.tokenSpan(boolean) };
    const wildcard = tokenAt(node, "wildcard");
    if (wildcard) return { kind: "wildcard", span: this.tokenSpan(wildcard) };
    return undefined;
  }

  private callOrVariable(node: CstNode): A.Expression | undefined {
    const first = this.identifier(tokenAt(node, "first"));
    if (!first) return undefined;
    if ((node.children as Children)["call"] === undefined) return { kind: "variable", name: first.name, span: first.span };
    const second = this.identifier(tokenAt(node, "second"));
    const span = this.span(node)!;
    if (second) {
      this.error(span, `${first.name}.${second.name}(...) names a collection of module ${first.name}; only a body literal may name a collection`);
    }
    const callee = second ?? first;
    const argsNode = nodeAt(node, "args");
    const args: A.Expression[] = [];
    for (const argument of argsNode ? nodesOf(argsNode, "args") : []) {
      const name = tokenAt(argument, "name");
      if (name) {
        this.error(this.tokenSpan(name), `named arguments (${name.image}: value) are only for collections; ${callee.name} is a function`);
      }
      const value = this.expression(nodeAt(argument, "value"));
      if (value) args.push(value);
    }
    const aggregate = AGGREGATE_FUNCTIONS.find((f) => f === callee.name);
    if (aggregate === undefined) return { kind: "call", callee, args, span };
    if (args.length > 1) {
      this.diagnostics.push(diagnostic("HY3008", span, `${aggregate} takes at most one argument, here it has ${args.length}`));
    }
    return { kind: "aggregate", function: aggregate, functionSpan: callee.span, ...(args[0] ? { arg: args[0] } : {}), span };
  }
}

/** In a fact, `-7` is the literal -7 (facts hold constants). */
function foldNegativeLiteral(value: A.Expression): A.Expression {
  if (value.kind === "unary" && value.operator === "-" && (value.operand.kind === "int" || value.operand.kind === "float")) {
    return { kind: value.operand.kind, value: -value.operand.value, span: value.span };
  }
  return value;
}

const arithmetic = new Set<A.BinaryOperator>(["+", "-", "*", "/", "%", "++"]);

function negateLeftmost(expression: A.Expression, minus: Span): A.Expression {
  if (expression.kind === "binary" && arithmetic.has(expression.operator)) {
    const left = negateLeftmost(expression.left, minus);
    return { ...expression, left, span: joinSpans(minus, expression.span) };
  }
  return { kind: "unary", operator: "-", operand: expression, span: joinSpans(minus, expression.span) };
}
