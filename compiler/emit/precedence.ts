// Generated expressions with the one fact that decides their parentheses: their form.
// In: code pieces from the expression emitter (and strings from the plan emitter, read back by
// `fromText`). Out: `Code` values whose text carries exactly the parentheses prettier prints:
// those JavaScript needs, plus prettier's own for clarity (`(a && b) || c`, `(a === b) === c`,
// `-(-a)`, `(x as T) + 1`), minus those it drops (`a || (b || c)` is the chain `a || b || c`).
// A comparison never has a comparison operand (the checker orders numbers and strings only):
// TypeScript would read `a < b > (c)` as a call with a type argument. A piece's top-level text is bare, which is prettier's layout as an
// initializer, an assigned value or an argument; an operand is parenthesized by its parent.
// Why: the emitter writes the module in prettier's layout itself (see format-units.ts).

export type BinaryOperator = "*" | "+" | "-" | "<" | "<=" | ">" | ">=" | "===" | "!==" | "&&" | "||";

/**
 * `primary`: a name, call, member, element, literal or `x!`; `negate` / `not`: `-x` / `!x`;
 * `as`: `x as T`; `conditional`: `c ? a : b`; a binary operator; `unknown`: text this module
 * did not build and could not read (parenthesized as an operand; its layout is not vouched for).
 */
export type Form = "primary" | "negate" | "not" | "as" | "conditional" | "unknown" | BinaryOperator;

export interface Code {
  readonly text: string;
  readonly form: Form;
}

const PRECEDENCE: Record<BinaryOperator, number> = {
  "||": 1,
  "&&": 2,
  "===": 6,
  "!==": 6,
  "<": 7,
  "<=": 7,
  ">": 7,
  ">=": 7,
  "+": 9,
  "-": 9,
  "*": 10,
};

export function primary(text: string): Code {
  return { text, form: "primary" };
}

export function call(callee: string, args: readonly Code[]): Code {
  return primary(`${callee}(${args.map((arg) => arg.text).join(", ")})`);
}

/** `object.rest` (or `object[rest]`): the object parenthesized unless primary. */
export function member(object: Code, rest: string): Code {
  return primary(`${object.form === "primary" ? object.text : `(${object.text})`}${rest}`);
}

export function binary(operator: BinaryOperator, left: Code, right: Code): Code {
  return { text: `${operand(operator, left, "left")} ${operator} ${operand(operator, right, "right")}`, form: operator };
}

export function prefix(operator: "-" | "!", inner: Code): Code {
  const form = operator === "-" ? "negate" : "not";
  if (inner.form === "primary" || inner.form === "not" || (inner.form === "negate" && operator === "!")) return { text: `${operator}${inner.text}`, form };
  return { text: `${operator}(${inner.text})`, form };
}

export function conditional(test: Code, whenTrue: string, whenFalse: string): Code {
  const parenthesized = test.form === "as" || test.form === "conditional" || test.form === "unknown";
  return { text: `${parenthesized ? `(${test.text})` : test.text} ? ${whenTrue} : ${whenFalse}`, form: "conditional" };
}

function operand(parent: BinaryOperator, child: Code, side: "left" | "right"): string {
  switch (child.form) {
    case "primary":
    case "negate":
    case "not":
      return child.text;
    case "as":
    case "conditional":
    case "unknown":
      return `(${child.text})`;
  }
  const outer = PRECEDENCE[parent];
  const inner = PRECEDENCE[child.form];
  const mixedLogic = (parent === "&&" && child.form === "||") || (parent === "||" && child.form === "&&");
  // prettier rebalances `a || (b || c)` into the chain `a || b || c` (the same evaluation).
  if ((parent === "&&" || parent === "||") && child.form === parent) return child.text;
  const needed = outer > inner || mixedLogic || (outer === inner && (side === "right" || !flattens(parent, child.form)));
  return needed ? `(${child.text})` : child.text;
}

/** prettier's shouldFlatten for the operators generated code uses: `a - b + c` stays, `(a === b) === c` gets parentheses. */
function flattens(parent: BinaryOperator, child: BinaryOperator): boolean {
  const equality = (operator: BinaryOperator) => operator === "===" || operator === "!==";
  return !(equality(parent) && equality(child));
}

/**
 * Code written elsewhere as text, read back: a primary (`groups.result(group, 0)`), `(x as T)`
 * (its parentheses dropped, form `as`), anything else `unknown`.
 */
export function fromText(text: string): Code {
  if (text.startsWith("(") && closingParenthesis(text, 0) === text.length - 1) {
    const inner = text.slice(1, -1);
    const at = topLevelAs(inner);
    if (at >= 0 && isPrimary(inner.slice(0, at))) return { text: inner, form: "as" };
    return { text: inner, form: "unknown" };
  }
  return isPrimary(text) ? primary(text) : { text, form: "unknown" };
}

/** Names, calls, members, elements, literals and postfix `!`, with nothing at the top level between them. */
function isPrimary(text: string): boolean {
  if (text === "" || text.startsWith("!") || text.startsWith("-")) return false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (char === "(" || char === "[" || char === "{") {
      i = closingParenthesis(text, i);
      if (i < 0) return false;
    } else if (char === '"' || char === "'") {
      i = closingQuote(text, i);
      if (i < 0) return false;
    } else if (!/[\w$.!]/.test(char)) {
      return false;
    }
  }
  return true;
}

/** The index of the bracket closing the one at `open`, skipping strings; -1 if none. */
function closingParenthesis(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const char = text[i]!;
    if (char === '"' || char === "'") {
      i = closingQuote(text, i);
      if (i < 0) return -1;
    } else if (char === "(" || char === "[" || char === "{") {
      depth++;
    } else if (char === ")" || char === "]" || char === "}") {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

function closingQuote(text: string, open: number): number {
  const quote = text[open];
  for (let i = open + 1; i < text.length; i++) {
    if (text[i] === "\\") i++;
    else if (text[i] === quote) return i;
  }
  return -1;
}

/** Where ` as ` splits `text` outside brackets and strings (the last one), or -1. */
function topLevelAs(text: string): number {
  let found = -1;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (char === "(" || char === "[" || char === "{") {
      i = closingParenthesis(text, i);
      if (i < 0) return -1;
    } else if (char === '"' || char === "'") {
      i = closingQuote(text, i);
      if (i < 0) return -1;
    } else if (text.startsWith(" as ", i)) {
      found = i;
    }
  }
  return found;
}
