// A small code writer and a name allocator for the TypeScript emitter.
// In: lines and blocks of code from the emit modules. Out: the text of one module, and names
// that are valid identifiers, unique within their scope and, where possible, the names the
// program's author chose (source variables keep their names in the generated loops).
// Indentation here is only for readability of unformatted output; prettier has the last word.

export class CodeWriter {
  private readonly lines: string[] = [];
  private depth = 0;

  line(text = ""): this {
    this.lines.push(text === "" ? "" : "  ".repeat(this.depth) + text);
    return this;
  }

  /** `head {`, the body, `}` (with `tail` after the brace, e.g. `;` or ` else {`). */
  block(head: string, body: () => void, tail = ""): this {
    this.line(`${head} {`);
    this.depth++;
    body();
    this.depth--;
    this.line(`}${tail}`);
    return this;
  }

  open(head: string): this {
    this.line(`${head} {`);
    this.depth++;
    return this;
  }

  close(tail = ""): this {
    this.depth--;
    this.line(`}${tail}`);
    return this;
  }

  /** `} head {` between two blocks at the same depth (`else`, `catch`). */
  middle(head: string): this {
    this.depth--;
    this.line(`} ${head} {`);
    this.depth++;
    return this;
  }

  comment(text: string): this {
    for (const part of text.split("\n")) this.line(`// ${part}`.trimEnd());
    return this;
  }

  /** A JSDoc block; `*` and `/` sequences in the text cannot end it early. */
  doc(text: string): this {
    const parts = text.split("\n").map((part) => part.replaceAll("*/", "*\\/"));
    if (parts.length === 1) return this.line(`/** ${parts[0]} */`);
    this.line("/**");
    for (const part of parts) this.line(` * ${part}`.trimEnd());
    return this.line(" */");
  }

  append(other: CodeWriter): this {
    for (const line of other.lines) this.lines.push(line === "" ? "" : "  ".repeat(this.depth) + line);
    return this;
  }

  toString(): string {
    return this.lines.join("\n") + "\n";
  }
}

const RESERVED = new Set(
  (
    "break case catch class const continue debugger default delete do else enum export extends false finally for " +
    "function if import in instanceof new null return super switch this throw true try typeof var void while with " +
    "yield let static implements interface package private protected public await async of arguments eval undefined " +
    "NaN Infinity Object Array Number String Boolean Map Set Math JSON Symbol Error Promise Date RegExp"
  ).split(" "),
);

/** A valid identifier close to `text`: `d.pipe_in` → `d_pipe_in`, `x'` → `x_`, `2x` → `_2x`. */
export function identifier(text: string): string {
  let name = text.replace(/[^A-Za-z0-9_$]/g, "_");
  if (name === "" || /^[0-9]/.test(name)) name = `_${name}`;
  return RESERVED.has(name) ? `${name}_` : name;
}

/** `put_ok` → `PutOk`, `d.pipe_in` → `DPipeIn`. */
export function pascalCase(text: string): string {
  const words = text.split(/[^A-Za-z0-9]+/).filter((word) => word !== "");
  const name = words.map((word) => word[0]!.toUpperCase() + word.slice(1)).join("");
  return identifier(name === "" ? "Program" : name);
}

/** `put_ok` → `putOk`. */
export function camelCase(text: string): string {
  const pascal = pascalCase(text);
  return identifier(pascal[0]!.toLowerCase() + pascal.slice(1));
}

/** Hands out unique identifiers within one scope. */
export class NameScope {
  private readonly taken: Set<string>;

  constructor(
    taken: Iterable<string> = [],
    private readonly parent?: NameScope,
  ) {
    this.taken = new Set(taken);
  }

  has(name: string): boolean {
    return this.taken.has(name) || (this.parent?.has(name) ?? false);
  }

  /** `wanted` itself when free, else `wanted2`, `wanted3`, … */
  claim(wanted: string): string {
    const base = identifier(wanted);
    let name = base;
    for (let n = 2; this.has(name); n++) name = `${base}${n}`;
    this.taken.add(name);
    return name;
  }

  child(): NameScope {
    return new NameScope([], this);
  }
}
