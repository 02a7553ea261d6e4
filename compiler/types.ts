// Semantic types: what a column, a variable or an expression holds.
// In: built from AST type expressions by typecheck.ts. Out: carried into the IR and the emitter.
// Base types and lattice types are one union so an expression over a lattice column can carry
// the lattice (for the monotonicity rules) and still compare as its base value.

export type BaseType =
  | { readonly kind: "int" }
  | { readonly kind: "float" }
  | { readonly kind: "string" }
  | { readonly kind: "bool" }
  | { readonly kind: "addr" }
  | { readonly kind: "any" };

export type LatticeType =
  | { readonly kind: "max"; readonly element: BaseType }
  | { readonly kind: "min"; readonly element: BaseType }
  | { readonly kind: "set"; readonly element: BaseType }
  | { readonly kind: "bool_or" }
  | { readonly kind: "bool_and" }
  | { readonly kind: "lww"; readonly element: BaseType }
  | { readonly kind: "counter" }
  | { readonly kind: "map"; readonly key: BaseType; readonly value: LatticeType }
  | { readonly kind: "pair"; readonly first: LatticeType; readonly second: LatticeType };

export type Type = BaseType | LatticeType;

export const INT: BaseType = { kind: "int" };
export const FLOAT: BaseType = { kind: "float" };
export const STRING: BaseType = { kind: "string" };
export const BOOL: BaseType = { kind: "bool" };
export const ADDR: BaseType = { kind: "addr" };
export const ANY: BaseType = { kind: "any" };

const BASE_KINDS = new Set(["int", "float", "string", "bool", "addr", "any"]);

export function isLattice(type: Type): type is LatticeType {
  return !BASE_KINDS.has(type.kind);
}

/** The source spelling: `map<string, pair<max<int>, set<addr>>>`. */
export function typeToString(type: Type): string {
  switch (type.kind) {
    case "max":
    case "min":
    case "set":
    case "lww":
      return `${type.kind}<${typeToString(type.element)}>`;
    case "map":
      return `map<${typeToString(type.key)}, ${typeToString(type.value)}>`;
    case "pair":
      return `pair<${typeToString(type.first)}, ${typeToString(type.second)}>`;
    default:
      return type.kind;
  }
}

export function sameType(a: Type, b: Type): boolean {
  return typeToString(a) === typeToString(b);
}
