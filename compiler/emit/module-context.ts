// What the whole generated module shares: runtime imports, lattice-operation constants and
// extern wrappers, each declared once at the top however many rules use it.
// In: requests from the expression and plan emitters ("I need intDivide", "the ops of
// min<int>", "the extern classify"). Out: the module's import lines and module-level constants.
// Why so: imports are exactly what the code uses (no unused-import noise in the output), and
// lattice operations are looked up once at load time, so inner loops call straight into them.
// It also counts layout doubts: an emitter that writes code prettier may lay out otherwise says
// so here, and the unit being written is then formatted by prettier (see format-units.ts).

import type { IrExtern } from "../ir.ts";
import { typeToString, type LatticeType, type Type } from "../types.ts";
import { layoutData, stringLiteral, type Data } from "./literals.ts";
import { valueTsType } from "./ts-types.ts";
import { CodeWriter, NameScope, PRINT_WIDTH, identifier } from "./writer.ts";

/** Every name the emitter may import from the runtime: reserved so no generated name shadows one. */
export const RUNTIME_NAMES = [
  "ProgramNode",
  "Relation",
  "HashIndex",
  "Aggregation",
  "latticeOps",
  "externFailure",
  "intDivide",
  "modulo",
  "floatDivide",
  "floatModulo",
  "stringConcat",
  "compareValues",
  "counterTotal",
  "toJson",
  "len",
  "lower",
  "upper",
  "substr",
  "matches",
  "abs",
  "min2",
  "max2",
  "pow",
  "intPow",
  "containsString",
  "containsSet",
  "containsKey",
  "toStringValue",
  "toInt",
  "toFloat",
  "hash",
  "sizeSet",
  "sizeMap",
  "sizeCounter",
  "at",
  "keys",
  "entry",
  "SetValue",
  "LwwValue",
] as const;

const RUNTIME_TYPES = ["NodeOptions", "ProgramSchema", "ProgramTypes", "JsonValue", "CounterValue", "MapValue", "TickResult"] as const;

export interface ExternFunction {
  readonly wrapper: string;
  readonly params: readonly Type[];
}

export interface ModuleOptions {
  readonly runtimeImport: string;
  /** How an extern's module is named in the import: as written, or resolved to an absolute URL. */
  readonly externImport: (extern: IrExtern) => string;
}

export class ModuleContext {
  readonly names = new NameScope([...RUNTIME_NAMES, ...RUNTIME_TYPES, "SCHEMA"]);
  private readonly imports = new Set<string>();
  private readonly typeImports = new Set<string>();
  private readonly ops = new Map<string, { name: string; type: LatticeType }>();
  private readonly externs = new Map<string, ExternFunction & { readonly extern: IrExtern; readonly imported: string }>();
  private doubts = 0;

  constructor(
    externs: readonly IrExtern[],
    private readonly options: ModuleOptions,
  ) {
    for (const extern of externs) {
      const imported = this.names.claim(`${identifier(extern.name)}Implementation`);
      const wrapper = this.names.claim(identifier(extern.name));
      this.externs.set(extern.name, { wrapper, params: extern.params, extern, imported });
    }
  }

  /** Says that code just written may not be in prettier's layout. */
  doubtLayout(): void {
    this.doubts++;
  }

  /** How many doubts so far: a unit whose writing raised the count is formatted by prettier. */
  get layoutDoubts(): number {
    return this.doubts;
  }

  /** Writes one unit (see CodeWriter.write), marked doubtful when its writing raised a doubt. */
  writeUnit(writer: CodeWriter, member: boolean, body: () => void): void {
    const before = this.doubts;
    const unit = writer.write(member, body);
    if (this.doubts !== before) unit.doubtful = true;
  }

  /** A runtime export, imported by its own name. */
  runtime(name: (typeof RUNTIME_NAMES)[number] | string): string {
    this.imports.add(name);
    return name;
  }

  runtimeType(name: (typeof RUNTIME_TYPES)[number] | "SetValue" | "LwwValue"): string {
    if (name === "SetValue" || name === "LwwValue") return this.runtime(name);
    this.typeImports.add(name);
    return name;
  }

  /** The module constant holding `latticeOps(type)`. */
  latticeOps(type: LatticeType): string {
    const key = typeToString(type);
    let entry = this.ops.get(key);
    if (entry === undefined) {
      entry = { name: this.names.claim(`${identifier(key.replace(/[<>, ]+/g, "_").replace(/_+$/, ""))}Lattice`), type };
      this.ops.set(key, entry);
      this.runtime("latticeOps");
    }
    return entry.name;
  }

  externFunction(name: string): ExternFunction {
    const extern = this.externs.get(name);
    if (extern === undefined) throw new Error(`unknown extern ${name}`);
    return extern;
  }

  /** The import lines (call after everything else is emitted), each a unit of its own. */
  writeImports(writer: CodeWriter): void {
    const values = [...this.imports].sort();
    const types = [...this.typeImports].sort();
    const specifiers = [...values, ...types.map((name) => `type ${name}`)];
    if (specifiers.length > 0) writeImport(writer, specifiers, this.options.runtimeImport);
    const byModule = new Map<string, string[]>();
    for (const { extern, imported } of this.externs.values()) {
      const from = this.options.externImport(extern);
      const list = byModule.get(from) ?? [];
      list.push(`${extern.name} as ${imported}`);
      byModule.set(from, list);
    }
    for (const [from, names] of byModule) writeImport(writer, names, from);
  }

  /** Lattice constants and extern wrappers, each a unit of its own. */
  writeConstants(writer: CodeWriter): void {
    for (const { name, type } of this.ops.values()) {
      this.writeUnit(writer, false, () => {
        const { lines, exact } = layoutData(type as unknown as Data, { indent: 0, head: `const ${name} = latticeOps(`, tail: ");" });
        for (const line of lines) writer.line(line);
        if (!exact) this.doubtLayout();
      });
    }
    for (const { wrapper, imported, extern } of this.externs.values()) {
      const params = extern.params.map((type, i) => `argument${i}: ${valueTsType(type, this)}`).join(", ");
      const args = extern.params.map((_, i) => `argument${i}`).join(", ");
      const failure = this.runtime("externFailure");
      writer.line();
      this.writeUnit(writer, false, () => {
        writer.doc(`The extern ${extern.name} (from ${JSON.stringify(extern.from)}): a throw fails the tick instead of escaping it.`);
        writer.open(`function ${wrapper}(${params}): ${valueTsType(extern.returnType, this)}`);
        writer.open("try");
        writer.line(`return ${imported}(${args});`);
        writer.middle("catch (error)");
        writer.line(`throw ${failure}(${stringLiteral(extern.name)}, error);`);
        writer.close();
        writer.close();
      });
    }
  }
}

/** `import { a, b } from "m";`, or one name per line when that is too long (prettier's layout). */
function writeImport(writer: CodeWriter, specifiers: readonly string[], from: string): void {
  writer.write(false, () => {
    const line = `import { ${specifiers.join(", ")} } from ${stringLiteral(from)};`;
    if (line.length <= PRINT_WIDTH) {
      writer.line(line);
      return;
    }
    writer.line("import {");
    for (const specifier of specifiers) writer.line(`  ${specifier},`);
    writer.line(`} from ${stringLiteral(from)};`);
  });
}
