// Declarations: type expressions, collection schemas, extern signatures and seals.
// In: the resolved declarations. Out: IrCollection / IrExtern / IrSeal values plus a
// CollectionInfo per collection (column types where a broken one is `null`, so rules over it
// report their own mistakes without repeating the declaration's), and diagnostics
// (HY2008–HY2012, HY2014, HY2015, HY3006, HY3007).
// Schema rules that LANGUAGE.md leaves open, decided here: `key(...)` is for tables only;
// `max<T>`/`min<T>` order ints, floats and strings; `set<T>`, `lww<T>` and map keys hold base
// values; extern parameters and results are base types.

import type { Annotation, CollectionDecl, ColumnDecl, ExternDecl, TypeExpr } from "./ast.ts";
import { diagnostic, type Diagnostic } from "./diagnostics.ts";
import type { IrCollection, IrColumn, IrExtern, IrSeal } from "./ir.ts";
import { suggestName, type ResolvedCollection, type ResolvedExtern, type ResolvedProgram } from "./resolve.ts";
import { ADDR, INT, isLattice, typeToString, type BaseType, type LatticeType, type Type } from "./types.ts";

export interface ColumnInfo {
  readonly name: string;
  /** null when the declared type is broken (already reported). */
  readonly type: Type | null;
  readonly lattice: boolean;
}

export interface CollectionInfo {
  readonly ir: IrCollection;
  readonly columns: readonly ColumnInfo[];
}

export interface ExternInfo {
  readonly ir: IrExtern;
  readonly params: readonly (Type | null)[];
  readonly returnType: Type | null;
}

const BASE_TYPES: Readonly<Record<string, BaseType>> = {
  int: INT,
  float: { kind: "float" },
  string: { kind: "string" },
  bool: { kind: "bool" },
  addr: ADDR,
  any: { kind: "any" },
};
const LATTICE_NAMES = ["max", "min", "set", "bool_or", "bool_and", "lww", "counter", "map", "pair"];
const ORDERED_ELEMENTS = new Set(["int", "float", "string"]);

/** `map<string, set<addr>>` → its semantic type, or null after reporting why not. */
export function resolveType(expr: TypeExpr, diagnostics: Diagnostic[]): Type | null {
  const name = expr.name.name;
  const base = BASE_TYPES[name];
  const invalid = (message: string): null => {
    diagnostics.push(diagnostic("HY3007", expr.span, message));
    return null;
  };
  const argumentCount = (count: number): boolean => {
    if (expr.args.length === count) return true;
    const wanted = count === 0 ? "no type arguments" : `${count} type argument${count === 1 ? "" : "s"}`;
    invalid(`\`${name}\` takes ${wanted}, found ${expr.args.length}`);
    return false;
  };
  if (base) return argumentCount(0) ? base : null;
  if (!LATTICE_NAMES.includes(name)) {
    const suggestion = suggestName(name, [...Object.keys(BASE_TYPES), ...LATTICE_NAMES]);
    diagnostics.push(
      diagnostic("HY3006", expr.name.span, `unknown type \`${name}\``, {
        help: suggestion ? `did you mean \`${suggestion}\`?` : `the types are ${Object.keys(BASE_TYPES).join(", ")} and the lattices ${LATTICE_NAMES.join(", ")}`,
      }),
    );
    return null;
  }
  switch (name) {
    case "bool_or":
    case "bool_and":
    case "counter":
      return argumentCount(0) ? ({ kind: name } as LatticeType) : null;
    case "max":
    case "min":
    case "set":
    case "lww": {
      if (!argumentCount(1)) return null;
      const element = resolveType(expr.args[0]!, diagnostics);
      if (element === null) return null;
      if (isLattice(element)) return invalid(`\`${name}<T>\` holds base values, found the lattice \`${typeToString(element)}\``);
      if ((name === "max" || name === "min") && !ORDERED_ELEMENTS.has(element.kind)) {
        return invalid(`\`${name}<T>\` orders ints, floats or strings, found \`${element.kind}\``);
      }
      return { kind: name, element };
    }
    case "map": {
      if (!argumentCount(2)) return null;
      const key = resolveType(expr.args[0]!, diagnostics);
      const value = resolveType(expr.args[1]!, diagnostics);
      if (key === null || value === null) return null;
      if (isLattice(key)) return invalid(`a map's keys are base values, found the lattice \`${typeToString(key)}\``);
      if (!isLattice(value)) return invalid(`a map's values are lattices, found \`${typeToString(value)}\` (e.g. max<${typeToString(value)}>)`);
      return { kind: "map", key, value };
    }
    default: {
      if (!argumentCount(2)) return null;
      const first = resolveType(expr.args[0]!, diagnostics);
      const second = resolveType(expr.args[1]!, diagnostics);
      if (first === null || second === null) return null;
      if (!isLattice(first) || !isLattice(second)) {
        const plain = isLattice(first) ? second : first;
        return invalid(`a pair holds two lattices, found \`${typeToString(plain)}\``);
      }
      return { kind: "pair", first, second };
    }
  }
}

export function checkCollection(resolved: ResolvedCollection, diagnostics: Diagnostic[]): CollectionInfo {
  const decl = resolved.decl;
  const invalid = (span: CollectionDecl["span"], message: string) => diagnostics.push(diagnostic("HY2015", span, message));
  const columns: ColumnInfo[] = [];
  let scalar = false;
  let periodMs: number | null = null;

  if (decl.scalar) {
    scalar = true;
    if (decl.collectionKind !== "lattice") invalid(decl.span, `only a \`lattice\` may be a single value (\`${decl.name.name}: …\`)`);
    let type = resolveType(decl.scalar, diagnostics);
    if (type !== null && !isLattice(type)) {
      diagnostics.push(diagnostic("HY3007", decl.scalar.span, `a single lattice value needs a lattice type, found \`${typeToString(type)}\` (e.g. max<${typeToString(type)}>)`));
      type = null;
    }
    columns.push({ name: "value", type, lattice: true });
  } else {
    columns.push(...checkColumns(decl, diagnostics));
  }

  if (decl.collectionKind === "periodic") {
    if (decl.period === undefined) invalid(decl.span, `the periodic \`${decl.name.name}\` needs a period, e.g. \`periodic ${decl.name.name}(1s);\``);
    else periodMs = decl.period.milliseconds;
    if (decl.columns.length > 0) invalid(decl.columns[0]!.span, "a periodic has one implicit column (n: int) and declares no columns");
    columns.length = 0;
    columns.push({ name: "n", type: INT, lattice: false });
  } else if (decl.period !== undefined) {
    invalid(decl.period.span, `only a periodic has a period; \`${decl.name.name}\` is a ${decl.collectionKind}`);
  }

  if (decl.collectionKind === "lattice" && !columns.some((column) => column.lattice)) {
    invalid(decl.name.span, `the lattice \`${decl.name.name}\` needs at least one lattice column after \`;\`, e.g. \`lattice ${decl.name.name}(k: string; v: max<int>)\``);
  }

  const addressColumn = checkAddress(decl, diagnostics);
  const key = checkKey(decl, columns, diagnostics);
  const ir: IrCollection = {
    name: resolved.name,
    kind: decl.collectionKind,
    columns: columns.map((column): IrColumn => ({ name: column.name, type: column.type ?? { kind: "any" }, lattice: column.lattice })),
    key,
    addressColumn,
    periodMs,
    scalar,
    span: decl.span,
  };
  return { ir, columns };
}

function checkColumns(decl: CollectionDecl, diagnostics: Diagnostic[]): ColumnInfo[] {
  const seen = new Map<string, ColumnDecl>();
  return decl.columns.map((column) => {
    const first = seen.get(column.name.name);
    if (first) {
      diagnostics.push(
        diagnostic("HY2008", column.name.span, `the column \`${column.name.name}\` is declared twice`, {
          related: [{ message: "first declared here", span: first.name.span }],
        }),
      );
    } else seen.set(column.name.name, column);
    let type = resolveType(column.type, diagnostics);
    if (type !== null && column.lattice && !isLattice(type)) {
      diagnostics.push(
        diagnostic("HY3007", column.type.span, `a column after \`;\` holds a lattice, found \`${typeToString(type)}\``, {
          help: `use a lattice type such as max<${typeToString(type)}>, or move the column before \`;\``,
        }),
      );
      type = null;
    } else if (type !== null && !column.lattice && isLattice(type)) {
      diagnostics.push(
        diagnostic("HY3007", column.type.span, `the lattice type \`${typeToString(type)}\` is only allowed after \`;\``, {
          help: "lattice columns go after `;`: `name(k: string; v: max<int>)`",
        }),
      );
      type = null;
    }
    return { name: column.name.name, type, lattice: column.lattice };
  });
}

function checkAddress(decl: CollectionDecl, diagnostics: Diagnostic[]): number | null {
  const addressed = decl.columns.flatMap((column, index) => (column.address ? [{ column, index }] : []));
  if (decl.collectionKind !== "channel") {
    for (const { column } of addressed) {
      diagnostics.push(diagnostic("HY2011", column.span, `only a channel has an \`@\` destination column; \`${decl.name.name}\` is a ${decl.collectionKind}`));
    }
    return null;
  }
  if (addressed.length !== 1) {
    const span = addressed[1]?.column.span ?? decl.name.span;
    diagnostics.push(
      diagnostic("HY2011", span, `a channel has exactly one \`@\` destination column; \`${decl.name.name}\` has ${addressed.length}`, {
        help: `mark the destination, e.g. \`channel ${decl.name.name}(@to: addr, …)\``,
      }),
    );
    return addressed[0]?.index ?? null;
  }
  const { column, index } = addressed[0]!;
  if (column.lattice || column.type.name.name !== "addr" || column.type.args.length > 0) {
    diagnostics.push(diagnostic("HY2011", column.type.span, `the \`@\` column \`${column.name.name}\` must be an addr`));
  }
  return index;
}

function checkKey(decl: CollectionDecl, columns: readonly ColumnInfo[], diagnostics: Diagnostic[]): number[] | null {
  if (!decl.key) return null;
  if (decl.collectionKind !== "table") {
    diagnostics.push(
      diagnostic("HY2009", decl.key.span, `only a table has a key; \`${decl.name.name}\` is a ${decl.collectionKind}`, {
        help: decl.collectionKind === "lattice" ? "a lattice is keyed by its columns before `;`" : undefined,
      }),
    );
    return null;
  }
  const indices: number[] = [];
  for (const name of decl.key.columns) {
    const index = columns.findIndex((column) => column.name === name.name);
    if (index < 0) {
      const suggestion = suggestName(name.name, columns.map((column) => column.name));
      diagnostics.push(
        diagnostic("HY2009", name.span, `the key names \`${name.name}\`, which is not a column of \`${decl.name.name}\``, {
          ...(suggestion ? { help: `did you mean \`${suggestion}\`?` } : {}),
        }),
      );
    } else if (columns[index]!.lattice) {
      diagnostics.push(diagnostic("HY2009", name.span, `the lattice column \`${name.name}\` cannot be part of a key`));
    } else if (indices.includes(index)) {
      diagnostics.push(diagnostic("HY2009", name.span, `the key names \`${name.name}\` twice`));
    } else indices.push(index);
  }
  return indices;
}

export function checkExtern(resolved: ResolvedExtern, diagnostics: Diagnostic[]): ExternInfo {
  const decl: ExternDecl = resolved.decl;
  let nondeterministic = false;
  for (const annotation of decl.annotations) {
    if (annotation.name.name === "nondet") nondeterministic = true;
    else reportUnknownAnnotation(annotation, ["nondet"], diagnostics);
  }
  const seen = new Set<string>();
  const externType = (expr: TypeExpr, what: string): Type | null => {
    const type = resolveType(expr, diagnostics);
    if (type !== null && isLattice(type)) {
      diagnostics.push(diagnostic("HY2014", expr.span, `${what} of an extern function is a base type, found the lattice \`${typeToString(type)}\``));
      return null;
    }
    return type;
  };
  const params = decl.params.map((param) => {
    if (seen.has(param.name.name)) diagnostics.push(diagnostic("HY2014", param.name.span, `the parameter \`${param.name.name}\` is declared twice`));
    seen.add(param.name.name);
    return externType(param.type, `the parameter \`${param.name.name}\``);
  });
  const returnType = externType(decl.returnType, "the result");
  const ir: IrExtern = {
    name: resolved.name,
    params: params.map((type) => type ?? { kind: "any" }),
    returnType: returnType ?? { kind: "any" },
    from: decl.from,
    resolvedFrom: resolved.resolvedFrom,
    nondeterministic,
    span: decl.span,
  };
  return { ir, params, returnType };
}

export function checkSeals(
  program: ResolvedProgram,
  collections: ReadonlyMap<string, CollectionInfo>,
  diagnostics: Diagnostic[],
): IrSeal[] {
  const seals: IrSeal[] = [];
  for (const { decl, module } of program.seals) {
    const target = program.collectionOf(module, decl.collection);
    const info = target && collections.get(target.name);
    if (!target || !info) continue;
    if (info.ir.kind !== "channel") {
      diagnostics.push(diagnostic("HY2010", decl.collection.span, `only a channel can be sealed; \`${target.name}\` is a ${info.ir.kind}`));
      continue;
    }
    const indices: number[] = [];
    for (const column of decl.columns) {
      const index = info.columns.findIndex((candidate) => candidate.name === column.name);
      if (index < 0) {
        const suggestion = suggestName(column.name, info.columns.map((candidate) => candidate.name));
        diagnostics.push(
          diagnostic("HY2010", column.span, `the channel \`${target.name}\` has no column \`${column.name}\``, {
            ...(suggestion ? { help: `did you mean \`${suggestion}\`?` } : {}),
          }),
        );
      } else if (indices.includes(index)) {
        diagnostics.push(diagnostic("HY2010", column.span, `the seal names \`${column.name}\` twice`));
      } else indices.push(index);
    }
    seals.push({ collection: target.name, columns: indices, span: decl.span });
  }
  return seals;
}

export function reportUnknownAnnotation(annotation: Annotation, known: readonly string[], diagnostics: Diagnostic[]): void {
  const suggestion = suggestName(annotation.name.name, known);
  diagnostics.push(
    diagnostic("HY2012", annotation.name.span, `unknown annotation \`@${annotation.name.name}\` here`, {
      help: suggestion ? `did you mean \`@${suggestion}\`?` : `allowed here: ${known.map((name) => `@${name}`).join(", ")}`,
    }),
  );
}
