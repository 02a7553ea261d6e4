// A small code writer and a name allocator for the TypeScript emitter.
// In: lines and blocks of code from the emit modules. Out: the text of one module, laid out as
// prettier lays it out (two-space indents, no blank line opening or closing a block, `{}` for
// an empty block), and names that are valid identifiers, unique within their scope and, where
// possible, the names the program's author chose (source variables keep their names).
// Why the layout here: formatting a whole generated module with prettier costs seconds on a
// large program, so the writer produces the formatted text itself and only the units it cannot
// vouch for go through prettier (see format-units.ts). A unit is one top-level statement or
// one class member; a unit is doubtful when an emitter says so or a code line is too long.

/** prettier's printWidth for generated modules. */
export const PRINT_WIDTH = 110;

/** One top-level statement or class member, the piece prettier formats alone when it must. */
export interface LayoutUnit {
  /** Inside the class body (formatted inside a class), or at the top level of the module. */
  readonly member: boolean;
  /** An emitter wrote something whose layout it cannot vouch for. */
  doubtful: boolean;
}

/** The module's lines, each with the unit it belongs to (null: between units). */
export interface Layout {
  readonly lines: readonly string[];
  readonly units: readonly (LayoutUnit | null)[];
}

export class CodeWriter {
  private readonly lines: string[] = [];
  private readonly owners: (LayoutUnit | null)[] = [];
  private depth: number;
  /** The depth it starts at: appended into a writer at that depth, its lines are taken as they are. */
  private readonly base: number;
  /** Line index of each open block's `head {` line. */
  private readonly opened: number[] = [];
  private unit: LayoutUnit | null = null;

  /** `depth`: where the writer's lines will end up, e.g. 1 for class members written apart. */
  constructor(depth = 0) {
    this.depth = depth;
    this.base = depth;
  }

  line(text = ""): this {
    if (text === "") return this.blank();
    return this.push("  ".repeat(this.depth) + text);
  }

  /** `head {`, the body, `}` (with `tail` after the brace, e.g. `;` or ` else {`). */
  block(head: string, body: () => void, tail = ""): this {
    this.open(head);
    body();
    return this.close(tail);
  }

  open(head: string): this {
    const clauses = "  ".repeat(this.depth).length + head.length + 2 > PRINT_WIDTH ? forClauses(head) : null;
    if (clauses === null) {
      this.line(`${head} {`);
    } else {
      // prettier's layout of a `for` head too long for its line: one clause per line.
      this.line("for (");
      clauses.forEach((clause, i) => this.line(`  ${clause}${i < 2 ? ";" : ""}`));
      this.line(") {");
    }
    this.opened.push(this.lines.length - 1);
    this.depth++;
    return this;
  }

  close(tail = ""): this {
    this.depth--;
    const head = this.opened.pop() ?? -1;
    while (this.lines.length - 1 > head && this.lines[this.lines.length - 1] === "") this.pop();
    // An empty block is `{}` on its head's line.
    if (this.lines.length - 1 === head) this.lines[head] = `${this.lines[head]}}${tail}`;
    else this.line(`}${tail}`);
    return this;
  }

  /** `} head {` between two blocks at the same depth (`else`, `catch`). */
  middle(head: string): this {
    this.close(` ${head} {`);
    this.opened.push(this.lines.length - 1);
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

  /**
   * Writes `body` as one unit: a top-level statement (`member` false) or a class member. Units
   * do not nest: inside one, `body` just adds to it.
   */
  write(member: boolean, body: () => void): LayoutUnit {
    if (this.unit !== null) {
      body();
      return this.unit;
    }
    const unit: LayoutUnit = { member, doubtful: false };
    this.unit = unit;
    try {
      body();
    } finally {
      this.unit = null;
    }
    return unit;
  }

  append(other: CodeWriter): this {
    const indent = "  ".repeat(Math.max(0, this.depth - other.base));
    other.lines.forEach((line, i) => {
      const owner = this.unit ?? other.owners[i] ?? null;
      if (line === "") this.blank(owner);
      else this.push(indent === "" ? line : indent + line, owner);
    });
    return this;
  }

  /** The lines and their units, for the formatter (a module starts with no blank line). */
  layout(): Layout {
    const start = this.lines[0] === "" ? 1 : 0;
    return { lines: this.lines.slice(start), units: this.owners.slice(start) };
  }

  toString(): string {
    return this.layout().lines.join("\n") + "\n";
  }

  /** A blank line, except first in a block or after another blank line (or first in the module: see layout). */
  private blank(owner: LayoutUnit | null = this.unit): this {
    const count = this.lines.length;
    if (this.lines[count - 1] === "" || (count > 0 && this.opened[this.opened.length - 1] === count - 1)) return this;
    return this.push("", owner);
  }

  private push(text: string, owner: LayoutUnit | null = this.unit): this {
    this.lines.push(text);
    this.owners.push(owner);
    return this;
  }

  private pop(): void {
    this.lines.pop();
    this.owners.pop();
  }
}

/** The three clauses of `for (init; test; update)`, or null for any other head. */
function forClauses(head: string): [string, string, string] | null {
  if (!head.startsWith("for (") || !head.endsWith(")")) return null;
  const inner = head.slice(5, -1);
  const clauses: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < inner.length; i++) {
    const char = inner[i]!;
    if (char === '"' || char === "'") {
      for (i++; i < inner.length && inner[i] !== char; i++) if (inner[i] === "\\") i++;
    } else if (char === "(" || char === "[" || char === "{") {
      depth++;
    } else if (char === ")" || char === "]" || char === "}") {
      depth--;
    } else if (char === ";" && depth === 0) {
      clauses.push(inner.slice(start, i).trim());
      start = i + 1;
    }
  }
  clauses.push(inner.slice(start).trim());
  return clauses.length === 3 && clauses.every((clause) => clause !== "") ? [clauses[0]!, clauses[1]!, clauses[2]!] : null;
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
  return remembered(pascalNames, text, () => {
    const words = text.split(/[^A-Za-z0-9]+/).filter((word) => word !== "");
    const name = words.map((word) => word[0]!.toUpperCase() + word.slice(1)).join("");
    return identifier(name === "" ? "Program" : name);
  });
}

/** `put_ok` → `putOk`. */
export function camelCase(text: string): string {
  return remembered(camelNames, text, () => {
    const pascal = pascalCase(text);
    return identifier(pascal[0]!.toLowerCase() + pascal.slice(1));
  });
}

// A large program asks for the same few thousand names many times over.
const pascalNames = new Map<string, string>();
const camelNames = new Map<string, string>();

function remembered(cache: Map<string, string>, text: string, make: () => string): string {
  let name = cache.get(text);
  if (name === undefined) {
    if (cache.size > 100_000) cache.clear();
    name = make();
    cache.set(text, name);
  }
  return name;
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
