// JSON with positions: a small strict parser that remembers where every value starts and ends.
// In: the text of a JSON file (a topology). Out: a tree of LocatedValue (each with its offsets
// and, in objects, the offsets of each key), or the offset and message of the first syntax error.
// Why not JSON.parse: a topology's mistakes are reported at the offending value ("unknown node
// at topology.json:12:15" with a code frame), and JSON.parse keeps no positions. Strict RFC 8259:
// no comments, no trailing commas, so that what `hydro sim` accepts, every JSON tool accepts.

export type LocatedValue =
  | { readonly kind: "object"; readonly start: number; readonly end: number; readonly entries: readonly LocatedEntry[] }
  | { readonly kind: "array"; readonly start: number; readonly end: number; readonly items: readonly LocatedValue[] }
  | { readonly kind: "string"; readonly start: number; readonly end: number; readonly value: string }
  | { readonly kind: "number"; readonly start: number; readonly end: number; readonly value: number }
  | { readonly kind: "boolean"; readonly start: number; readonly end: number; readonly value: boolean }
  | { readonly kind: "null"; readonly start: number; readonly end: number };

export interface LocatedEntry {
  readonly key: string;
  readonly keyStart: number;
  readonly keyEnd: number;
  readonly value: LocatedValue;
}

export type LocatedParse =
  | { readonly ok: true; readonly value: LocatedValue }
  | { readonly ok: false; readonly offset: number; readonly message: string };

class JsonSyntaxError extends Error {
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}

export function parseLocatedJson(text: string): LocatedParse {
  const parser = new Parser(text);
  try {
    parser.skipBlanks();
    const value = parser.value();
    parser.skipBlanks();
    if (!parser.atEnd()) parser.fail(`unexpected ${parser.describeHere()} after the JSON value`);
    return { ok: true, value };
  } catch (error) {
    if (error instanceof JsonSyntaxError) return { ok: false, offset: error.offset, message: error.message };
    throw error;
  }
}

/** The plain JSON value of a located tree (what JSON.parse would have given). */
export function plainJson(value: LocatedValue): unknown {
  switch (value.kind) {
    case "object":
      return Object.fromEntries(value.entries.map((entry) => [entry.key, plainJson(entry.value)]));
    case "array":
      return value.items.map(plainJson);
    case "null":
      return null;
    default:
      return value.value;
  }
}

/** What a value is, in words, for messages like "expected a number, got a string". */
export function describeKind(value: LocatedValue): string {
  switch (value.kind) {
    case "object":
      return "an object";
    case "array":
      return "an array";
    case "string":
      return `the string ${JSON.stringify(value.value)}`;
    case "number":
      return `the number ${value.value}`;
    case "boolean":
      return String(value.value);
    case "null":
      return "null";
  }
}

const ESCAPES: Record<string, string> = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

class Parser {
  private position = 0;

  constructor(private readonly text: string) {}

  atEnd(): boolean {
    return this.position >= this.text.length;
  }

  fail(message: string, offset = this.position): never {
    throw new JsonSyntaxError(offset, message);
  }

  describeHere(): string {
    if (this.atEnd()) return "end of file";
    return `character ${JSON.stringify(this.text[this.position])}`;
  }

  skipBlanks(): void {
    while (!this.atEnd()) {
      const c = this.text[this.position];
      if (c === " " || c === "\t" || c === "\n" || c === "\r") this.position++;
      else if (c === "/" && (this.text[this.position + 1] === "/" || this.text[this.position + 1] === "*")) {
        this.fail("comments are not allowed in JSON");
      } else break;
    }
  }

  value(): LocatedValue {
    const start = this.position;
    const c = this.text[this.position];
    if (c === "{") return this.object();
    if (c === "[") return this.array();
    if (c === '"') {
      const value = this.string();
      return { kind: "string", start, end: this.position, value };
    }
    if (c === "-" || (c !== undefined && c >= "0" && c <= "9")) return this.number();
    for (const [word, made] of [
      ["true", { kind: "boolean", value: true }],
      ["false", { kind: "boolean", value: false }],
      ["null", { kind: "null" }],
    ] as const) {
      if (this.text.startsWith(word, this.position)) {
        this.position += word.length;
        return { ...made, start, end: this.position } as LocatedValue;
      }
    }
    return this.fail(`expected a JSON value, found ${this.describeHere()}`);
  }

  private object(): LocatedValue {
    const start = this.position++;
    const entries: LocatedEntry[] = [];
    const seen = new Set<string>();
    this.skipBlanks();
    if (this.text[this.position] === "}") {
      this.position++;
      return { kind: "object", start, end: this.position, entries };
    }
    for (;;) {
      this.skipBlanks();
      if (this.text[this.position] !== '"') this.fail(`expected a quoted key, found ${this.describeHere()}`);
      const keyStart = this.position;
      const key = this.string();
      const keyEnd = this.position;
      if (seen.has(key)) this.fail(`duplicate key ${JSON.stringify(key)}`, keyStart);
      seen.add(key);
      this.skipBlanks();
      if (this.text[this.position] !== ":") this.fail(`expected ':' after the key, found ${this.describeHere()}`);
      this.position++;
      this.skipBlanks();
      entries.push({ key, keyStart, keyEnd, value: this.value() });
      this.skipBlanks();
      const next = this.text[this.position];
      if (next === ",") {
        const comma = this.position++;
        this.skipBlanks();
        if (this.text[this.position] === "}") this.fail("trailing comma before '}'", comma);
        continue;
      }
      if (next === "}") {
        this.position++;
        return { kind: "object", start, end: this.position, entries };
      }
      this.fail(`expected ',' or '}', found ${this.describeHere()}`);
    }
  }

  private array(): LocatedValue {
    const start = this.position++;
    const items: LocatedValue[] = [];
    this.skipBlanks();
    if (this.text[this.position] === "]") {
      this.position++;
      return { kind: "array", start, end: this.position, items };
    }
    for (;;) {
      this.skipBlanks();
      items.push(this.value());
      this.skipBlanks();
      const next = this.text[this.position];
      if (next === ",") {
        const comma = this.position++;
        this.skipBlanks();
        if (this.text[this.position] === "]") this.fail("trailing comma before ']'", comma);
        continue;
      }
      if (next === "]") {
        this.position++;
        return { kind: "array", start, end: this.position, items };
      }
      this.fail(`expected ',' or ']', found ${this.describeHere()}`);
    }
  }

  private string(): string {
    const start = this.position++;
    let result = "";
    for (;;) {
      if (this.atEnd()) this.fail("unterminated string", start);
      const c = this.text[this.position]!;
      if (c === '"') {
        this.position++;
        return result;
      }
      if (c === "\\") {
        const escape = this.text[this.position + 1];
        if (escape === "u") {
          const hex = this.text.slice(this.position + 2, this.position + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail("invalid \\u escape");
          result += String.fromCharCode(parseInt(hex, 16));
          this.position += 6;
        } else if (escape !== undefined && escape in ESCAPES) {
          result += ESCAPES[escape];
          this.position += 2;
        } else {
          this.fail(`invalid escape \\${escape ?? ""}`);
        }
        continue;
      }
      if (c < " ") this.fail("control character in a string (write it as an escape)");
      result += c;
      this.position++;
    }
  }

  private number(): LocatedValue {
    const start = this.position;
    NUMBER.lastIndex = start;
    const match = NUMBER.exec(this.text);
    if (match === null) this.fail(`invalid number`);
    this.position += match[0].length;
    return { kind: "number", start, end: this.position, value: Number(match[0]) };
  }
}
