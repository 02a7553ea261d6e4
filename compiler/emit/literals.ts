// Constants and plain data as TypeScript source, written the way prettier prints them.
// In: strings, numbers and JSON-shaped data (the schema, lattice types, aggregation kinds).
// Out: literal text (`stringLiteral`, `numberLiteral`) and the lines of a data literal laid out
// within the print width (`layoutData`), with `exact` false when the layout is one prettier may
// print differently (then the unit holding it goes through prettier).
// The rules followed are prettier 3's for this subset: double quotes unless the text holds more
// double than single quotes; numbers lower-case with no `+` exponent; object keys unquoted when
// they are identifiers; a group flat when it fits (counting the `,` or `;` after it), else one
// entry per line with a trailing comma; an array of two or more objects (or arrays) that each
// have two or more entries always one entry per line.

import { PRINT_WIDTH } from "./writer.ts";

/** A string literal, quoted as prettier quotes it. */
export function stringLiteral(value: string): string {
  const json = JSON.stringify(value);
  const raw = json.slice(1, -1);
  let doubles = 0;
  let singles = 0;
  for (const char of raw) {
    if (char === '"') doubles++;
    else if (char === "'") singles++;
  }
  if (doubles <= singles) return json;
  // Single quotes: `\"` loses its backslash, `'` gains one, every other escape stays.
  return `'${raw.replace(/\\([\s\S])|(')/g, (match, escaped: string | undefined, quote: string | undefined) => (quote !== undefined ? "\\'" : escaped === '"' ? '"' : match))}'`;
}

/** A non-negative number as prettier prints it (`1e+21` → `1e21`). */
export function numberLiteral(value: number): string {
  return String(value)
    .toLowerCase()
    .replace(/^([+-]?[\d.]+e)(?:\+|(-))?0*(\d)/, "$1$2$3")
    .replace(/^([+-]?[\d.]+)e[+-]?0+$/, "$1")
    .replace(/^([+-])?\./, "$10.")
    .replace(/(\.\d+?)0+(?=e|$)/, "$1")
    .replace(/\.(?=e|$)/, "");
}

export type Data = string | number | boolean | null | readonly Data[] | { readonly [key: string]: Data };

export interface DataLayout {
  readonly lines: string[];
  /** False when prettier might lay the data out otherwise (a scalar or number list too long for its line). */
  readonly exact: boolean;
}

/**
 * `head` + the data + `tail`, e.g. `const SCHEMA: ProgramSchema = ` … `;`, for a line starting
 * at column `indent`; the lines come without that indentation (the writer adds it). Keys with
 * an `undefined` value are left out, as JSON.stringify leaves them out.
 */
export function layoutData(value: Data, options: { readonly indent: number; readonly head: string; readonly tail: string }): DataLayout {
  const printer = new DataPrinter(options.indent);
  printer.place(value, 0, options.head, options.tail);
  return { lines: printer.lines, exact: printer.exact };
}

class DataPrinter {
  readonly lines: string[] = [];
  exact = true;

  constructor(private readonly column: number) {}

  place(value: Data, indent: number, head: string, tail: string): void {
    const pad = " ".repeat(indent);
    const flat = this.flat(value, PRINT_WIDTH - this.column - indent - head.length - tail.length);
    if (flat !== null) {
      this.lines.push(`${pad}${head}${flat}${tail}`);
      return;
    }
    if (Array.isArray(value) && value.length > 0 && !value.every((element) => typeof element === "number")) {
      this.lines.push(`${pad}${head}[`);
      for (const element of value as readonly Data[]) this.place(element, indent + 2, "", ",");
      this.lines.push(`${pad}]${tail}`);
      return;
    }
    if (isObject(value) && entries(value).length > 0) {
      this.lines.push(`${pad}${head}{`);
      for (const [key, inner] of entries(value)) this.place(inner, indent + 2, `${this.key(key)}: `, ",");
      this.lines.push(`${pad}}${tail}`);
      return;
    }
    // A long scalar, or numbers prettier would fill line by line: prettier decides.
    this.exact = false;
    this.lines.push(`${pad}${head}${this.flat(value, Infinity) ?? JSON.stringify(value)}${tail}`);
  }

  /** The data on one line of at most `budget` characters, or null (too long, or always broken by prettier). */
  flat(value: Data, budget: number): string | null {
    if (value === null) return fitting("null", budget);
    if (typeof value === "string") return fitting(stringLiteral(value), budget);
    if (typeof value === "number") return fitting(value < 0 || Object.is(value, -0) ? `-${numberLiteral(-value)}` : numberLiteral(value), budget);
    if (typeof value === "boolean") return fitting(String(value), budget);
    if (Array.isArray(value)) {
      const elements = value as readonly Data[];
      if (elements.length === 0) return fitting("[]", budget);
      if (alwaysBroken(elements)) return null;
      let text = "[";
      for (const element of elements) {
        const part = this.flat(element, budget - text.length - 1);
        if (part === null) return null;
        text += text === "[" ? part : `, ${part}`;
      }
      return fitting(`${text}]`, budget);
    }
    const properties = entries(value as { readonly [key: string]: Data });
    if (properties.length === 0) return fitting("{}", budget);
    let text = "{ ";
    for (const [key, inner] of properties) {
      const prefix = `${text === "{ " ? "" : ", "}${this.key(key)}: `;
      const part = this.flat(inner, budget - text.length - prefix.length - 2);
      if (part === null) return null;
      text += prefix + part;
    }
    return fitting(`${text} }`, budget);
  }

  /** ASCII identifier keys unquoted, others quoted; prettier unquotes non-ASCII identifiers too, so those are left to it. */
  private key(key: string): string {
    if (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key)) return key;
    if (/[^\x00-\x7f]/.test(key)) this.exact = false;
    return stringLiteral(key);
  }
}

function fitting(text: string, budget: number): string | null {
  return text.length <= budget ? text : null;
}

/** prettier breaks an array of two or more objects (or arrays) of the same kind that each have two or more entries. */
function alwaysBroken(elements: readonly Data[]): boolean {
  if (elements.length < 2) return false;
  const kind = (element: Data) => (Array.isArray(element) ? "array" : isObject(element) ? "object" : null);
  const first = kind(elements[0]!);
  return (
    first !== null &&
    elements.every((element) => {
      if (kind(element) !== first) return false;
      return Array.isArray(element) ? element.length > 1 : entries(element as { readonly [key: string]: Data }).length > 1;
    })
  );
}

function isObject(value: Data): value is { readonly [key: string]: Data } {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function entries(value: { readonly [key: string]: Data }): [string, Data][] {
  const out: [string, Data][] = [];
  for (const key in value) {
    const inner = value[key];
    if (inner !== undefined && Object.hasOwn(value, key)) out.push([key, inner]);
  }
  return out;
}

/** An argument of `layoutCall`: code written as is, or data laid out by `layoutData`'s rules. */
export type CallArgument = { readonly code: string } | { readonly data: Data };

/**
 * `head` + `callee(arguments)` + `tail` on one line when it fits, else one argument per line
 * with a trailing comma. prettier hugs a last argument that is an object or array instead, so
 * such a call is not laid out exactly (`exact` false).
 */
export function layoutCall(callee: string, args: readonly CallArgument[], options: { readonly indent: number; readonly head: string; readonly tail: string }): DataLayout {
  const printer = new DataPrinter(options.indent);
  const texts = args.map((arg) => ("code" in arg ? arg.code : printer.flat(arg.data, PRINT_WIDTH)));
  const flat = texts.every((text) => text !== null) ? `${options.head}${callee}(${texts.join(", ")})${options.tail}` : null;
  if (flat !== null && options.indent + flat.length <= PRINT_WIDTH) return { lines: [flat], exact: printer.exact };
  // prettier hugs a last object or array argument, and may break after the `=` of a head that
  // leaves the call too little room: both are left to it.
  const last = args[args.length - 1];
  if (last !== undefined && "data" in last && typeof last.data === "object" && last.data !== null) printer.exact = false;
  if (options.indent + options.head.length + callee.length + 1 > PRINT_WIDTH - 10) printer.exact = false;
  printer.lines.push(`${options.head}${callee}(`);
  for (const arg of args) {
    if ("code" in arg) printer.lines.push(`  ${arg.code},`);
    else printer.place(arg.data, 2, "", ",");
  }
  printer.lines.push(`)${options.tail}`);
  return { lines: printer.lines, exact: printer.exact };
}
