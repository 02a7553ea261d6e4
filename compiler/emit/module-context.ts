// What the whole generated module shares: runtime imports, lattice-operation constants and
// extern wrappers, each declared once at the top however many rules use it.
// In: requests from the expression and plan emitters ("I need intDivide", "the ops of
// min<int>", "the extern classify"). Out: the module's import lines and module-level constants.
// Why so: imports are exactly what the code uses (no unused-import noise in the output), and
// lattice operations are looked up once at load time, so inner loops call straight into them.

import type { IrExtern } from "../ir.ts";
import { typeToString, type LatticeType, type Type } from "../types.ts";
import { valueTsType } from "./ts-types.ts";
import { CodeWriter, NameScope, identifier } from "./writer.ts";

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

  /** The import lines (call after everything else is emitted). */
  writeImports(writer: CodeWriter): void {
    const values = [...this.imports].sort();
    const types = [...this.typeImports].sort();
    const specifiers = [...values, ...types.map((name) => `type ${name}`)];
    if (specifiers.length > 0) writer.line(`import { ${specifiers.join(", ")} } from ${JSON.stringify(this.options.runtimeImport)};`);
    const byModule = new Map<string, string[]>();
    for (const { extern, imported } of this.externs.values()) {
      const from = this.options.externImport(extern);
      const list = byModule.get(from) ?? [];
      list.push(`${extern.name} as ${imported}`);
      byModule.set(from, list);
    }
    for (const [from, names] of byModule) writer.line(`import { ${names.join(", ")} } from ${JSON.stringify(from)};`);
  }

  /** Lattice constants and extern wrappers. */
  writeConstants(writer: CodeWriter): void {
    for (const { name, type } of this.ops.values()) {
      writer.line(`const ${name} = latticeOps(${JSON.stringify(type)});`);
    }
    for (const { wrapper, imported, extern } of this.externs.values()) {
      const params = extern.params.map((type, i) => `argument${i}: ${valueTsType(type, this)}`).join(", ");
      const args = extern.params.map((_, i) => `argument${i}`).join(", ");
      const failure = this.runtime("externFailure");
      writer.line();
      writer.doc(`The extern ${extern.name} (from ${JSON.stringify(extern.from)}): a throw fails the tick instead of escaping it.`);
      writer.open(`function ${wrapper}(${params}): ${valueTsType(extern.returnType, this)}`);
      writer.open("try");
      writer.line(`return ${imported}(${args});`);
      writer.middle("catch (error)");
      writer.line(`throw ${failure}(${JSON.stringify(extern.name)}, error);`);
      writer.close();
      writer.close();
    }
  }
}
