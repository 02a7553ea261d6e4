// The collections of a program as generated declarations: exported tuple types, the program's
// type map for the embedding API, and the schema constant the runtime builds relations from.
// In: the IR's collections. Out: `export type Edge = [x: number, y: number];`, one
// `export type TcTypes = {...}` naming every collection by kind, and `const SCHEMA = {...}`.
// Why tuples as §6 JSON: the class's callers push and read the same shapes that stdio and HTTP
// carry, so one type serves every way of driving a node.

import type { IrCollection } from "../ir.ts";
import type { ModuleContext } from "./module-context.ts";
import { jsonTsType } from "./ts-types.ts";
import { CodeWriter, identifier, pascalCase } from "./writer.ts";

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
    writer.doc(`A tuple of the ${collection.kind} ${collection.name}${describeKey(collection)}.`);
    writer.line(`export type ${tupleTypes.get(collection.name)} = [${members.join(", ")}];`);
  }
  writer.line();
  const programTypes = module.names.claim(`${className}Types`);
  const group = (kinds: readonly string[]) =>
    collections
      .filter((collection) => kinds.includes(collection.kind))
      .map((collection) => `${JSON.stringify(collection.name)}: ${tupleTypes.get(collection.name)};`)
      .join(" ");
  writer.doc("The collections of the program by role, for the typed node API.");
  writer.open(`export type ${programTypes} =`);
  writer.line(`arrivals: { ${group(["input", "channel", "periodic"])} };`);
  writer.line(`outputs: { ${group(["output"])} };`);
  writer.line(`channels: { ${group(["channel"])} };`);
  writer.line(`collections: { ${group(["table", "scratch", "input", "output", "channel", "periodic", "lattice"])} };`);
  writer.close(";");
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
  writer.line(`const SCHEMA: ${module.runtimeType("ProgramSchema")} = ${JSON.stringify(schema)};`);
}
