// The collections of a program as generated declarations: exported tuple types, the program's
// type map for the embedding API, and the schema constant the runtime builds relations from.
// In: the IR's collections. Out: `export type Edge = [x: number, y: number];`, one
// `export type TcTypes = {...}` naming every collection by kind, and `const SCHEMA = {...}`.
// Why tuples as §6 JSON: the class's callers push and read the same shapes that stdio and HTTP
// carry, so one type serves every way of driving a node. Each declaration is a unit of the
// writer, in prettier's layout (a type literal flat when it fits its line).

import type { IrCollection } from "../ir.ts";
import { layoutData, stringLiteral, type Data } from "./literals.ts";
import type { ModuleContext } from "./module-context.ts";
import { jsonTsType } from "./ts-types.ts";
import { CodeWriter, PRINT_WIDTH, identifier, pascalCase } from "./writer.ts";

export interface CollectionTypes {
  /** Collection name → its exported tuple type name. */
  readonly tupleTypes: ReadonlyMap<string, string>;
  /** The name of the program's type map (`TcTypes`). */
  readonly programTypes: string;
}

export function writeCollectionTypes(
  writer: CodeWriter,
  collections: readonly IrCollection[],
  module: ModuleContext,
  className: string,
): CollectionTypes {
  const tupleTypes = new Map<string, string>();
  for (const collection of collections) {
    tupleTypes.set(collection.name, module.names.claim(pascalCase(collection.name)));
  }
  for (const collection of collections) {
    const members = collection.columns.map((column) => `${identifier(column.name)}: ${jsonTsType(column.type, module)}`);
    module.writeUnit(writer, false, () => {
      writer.doc(`A tuple of the ${collection.kind} ${collection.name}${describeKey(collection)}.`);
      const head = `export type ${tupleTypes.get(collection.name)} = [`;
      const line = `${head}${members.join(", ")}];`;
      if (line.length <= PRINT_WIDTH || members.length === 0) {
        writer.line(line);
        return;
      }
      writer.line(head);
      for (const member of members) writer.line(`  ${member},`);
      writer.line("];");
    });
  }
  writer.line();
  const programTypes = module.names.claim(`${className}Types`);
  const group = (role: string, kinds: readonly string[]) => {
    const entries = collections
      .filter((collection) => kinds.includes(collection.kind))
      .map((collection) => `${propertyKey(collection.name)}: ${tupleTypes.get(collection.name)};`);
    const flat = entries.length === 0 ? "{}" : `{ ${entries.join(" ").slice(0, -1)} }`;
    if (2 + role.length + 2 + flat.length + 1 <= PRINT_WIDTH) {
      writer.line(`${role}: ${flat};`);
      return;
    }
    writer.open(role + ":");
    for (const entry of entries) writer.line(entry);
    writer.close(";");
  };
  module.writeUnit(writer, false, () => {
    writer.doc("The collections of the program by role, for the typed node API.");
    writer.open(`export type ${programTypes} =`);
    group("arrivals", ["input", "channel", "periodic"]);
    group("outputs", ["output"]);
    group("channels", ["channel"]);
    group("collections", ["table", "scratch", "input", "output", "channel", "periodic", "lattice"]);
    writer.close(";");
  });
  return { tupleTypes, programTypes };
}

function describeKey(collection: IrCollection): string {
  if (collection.key === null) return "";
  return ` (key: ${collection.key.map((position) => collection.columns[position]!.name).join(", ")})`;
}

/** The schema constant: plain data, types as compiler/types.ts objects. */
export function writeSchema(writer: CodeWriter, moduleName: string, collections: readonly IrCollection[], module: ModuleContext): void {
  const schema = {
    moduleName,
    collections: collections.map((collection) => ({
      name: collection.name,
      kind: collection.kind,
      columns: collection.columns.map((column) => ({ name: column.name, type: column.type, lattice: column.lattice })),
      key: collection.key,
      addressColumn: collection.addressColumn,
      periodMs: collection.periodMs,
      scalar: collection.scalar,
    })),
  };
  module.writeUnit(writer, false, () => {
    const { lines, exact } = layoutData(schema as unknown as Data, { indent: 0, head: `const SCHEMA: ${module.runtimeType("ProgramSchema")} = `, tail: ";" });
    for (const line of lines) writer.line(line);
    if (!exact) module.doubtLayout();
  });
}

/** A collection name as a key of a type literal: quoted only when it is not an identifier. */
function propertyKey(name: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? name : stringLiteral(name);
}
