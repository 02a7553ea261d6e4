// Hydrolog types as TypeScript types, in the two shapes the generated module needs.
// In: a column or expression type. Out: `valueTsType`, the type of the runtime value generated
// code holds (a set<int> is a SetValue<number>), and `jsonTsType`, the type of the
// LANGUAGE.md §6 JSON encoding the embedding API speaks (a set<int> is a number[]).
// Why two: inner loops keep lattice values as the runtime's structures, while callers of the
// generated class push and read plain JSON tuples.

import type { Type } from "../types.ts";

interface TypeImports {
  runtimeType(name: "JsonValue" | "CounterValue" | "MapValue" | "SetValue" | "LwwValue"): string;
}

export function valueTsType(type: Type, imports: TypeImports): string {
  switch (type.kind) {
    case "int":
    case "float":
      return "number";
    case "string":
    case "addr":
      return "string";
    case "bool":
    case "bool_or":
    case "bool_and":
      return "boolean";
    case "any":
      return imports.runtimeType("JsonValue");
    case "max":
    case "min":
      return valueTsType(type.element, imports);
    case "set":
      return `${imports.runtimeType("SetValue")}<${valueTsType(type.element, imports)}>`;
    case "lww":
      return `${imports.runtimeType("LwwValue")}<${valueTsType(type.element, imports)}>`;
    case "map":
      return `${imports.runtimeType("MapValue")}<${valueTsType(type.key, imports)}, ${valueTsType(type.value, imports)}>`;
    case "pair":
      return `readonly [${valueTsType(type.first, imports)}, ${valueTsType(type.second, imports)}]`;
    case "counter":
      return imports.runtimeType("CounterValue");
  }
}

export function jsonTsType(type: Type, imports: TypeImports): string {
  switch (type.kind) {
    case "int":
    case "float":
    case "counter":
      return "number";
    case "string":
    case "addr":
      return "string";
    case "bool":
    case "bool_or":
    case "bool_and":
      return "boolean";
    case "any":
      return imports.runtimeType("JsonValue");
    case "max":
    case "min":
      return jsonTsType(type.element, imports);
    case "set":
      return `${jsonTsType(type.element, imports)}[]`;
    case "lww":
      return `[timestamp: number, node: string, value: ${jsonTsType(type.element, imports)}]`;
    case "map":
      return `[${jsonTsType(type.key, imports)}, ${jsonTsType(type.value, imports)}][]`;
    case "pair":
      return `[${jsonTsType(type.first, imports)}, ${jsonTsType(type.second, imports)}]`;
  }
}
