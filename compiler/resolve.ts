// Name resolution: loads the imported modules and binds every collection name to a declaration.
// In: the root file's AST and a CompilerHost to read imports. Out: a ResolvedProgram (every
// module with its alias prefix, every declaration, and each written collection name mapped to
// its declaration), the source files read, and diagnostics (HY2001–HY2005, HY2013, HY2014).
// An imported module is instantiated once per import, under its alias: its collections are
// named `d.pipe_in`, and nested imports nest prefixes (`d.e.x`), so two imports of one file
// are two independent copies of its state. Its rules and facts join the program, and their
// unqualified names refer to their own module's collections. Each file is parsed once.

import { basename, dirname, isAbsolute, join, normalize } from "node:path";
import type {
  CollectionDecl,
  ExternDecl,
  FactItem,
  ImportDecl,
  ModuleDecl,
  QualifiedName,
  RuleItem,
  SealDecl,
  SourceProgram,
} from "./ast.ts";
import { parseProgram } from "./build-ast.ts";
import { diagnostic, hasErrors, type Diagnostic } from "./diagnostics.ts";
import type { CompilerHost } from "./host.ts";
import { makeSource, type SourceFile } from "./source.ts";
import { isBuiltin } from "../stdlib/builtins.ts";

export interface ResolvedCollection {
  /** Qualified: `kvs`, `d.pipe_in`, `d.e.x`. */
  readonly name: string;
  readonly decl: CollectionDecl;
  readonly module: ResolvedModule;
}

export interface ResolvedExtern {
  /** Qualified like collections; the TypeScript export it names is `decl.name.name`. */
  readonly name: string;
  readonly decl: ExternDecl;
  /** `from` resolved against the declaring file's directory (bare package names stay as written). */
  readonly resolvedFrom: string;
  readonly module: ResolvedModule;
}

export interface ResolvedModule {
  readonly path: string;
  /** "" for the root file, "d." for a module imported as d, "d.e." for e imported by d. */
  readonly prefix: string;
  readonly program: SourceProgram;
  /** Alias → the module instance imported under it. */
  readonly imports: ReadonlyMap<string, ResolvedModule>;
  /** Unqualified name → declaration, for this module's own collections. */
  readonly collections: ReadonlyMap<string, ResolvedCollection>;
  /** Unqualified name → extern, callable from this module's rules only. */
  readonly externs: ReadonlyMap<string, ResolvedExtern>;
}

export interface ResolvedProgram {
  readonly moduleName: string;
  /** The root module first, then the imported instances in the order they were met. */
  readonly modules: readonly ResolvedModule[];
  readonly collections: readonly ResolvedCollection[];
  readonly externs: readonly ResolvedExtern[];
  readonly seals: readonly { readonly decl: SealDecl; readonly module: ResolvedModule }[];
  readonly facts: readonly { readonly item: FactItem; readonly module: ResolvedModule }[];
  readonly rules: readonly { readonly item: RuleItem; readonly module: ResolvedModule }[];
  /**
   * The collection a name written in a rule, fact or seal of `module` denotes; undefined when
   * it did not resolve (reported). Keyed by module instance too: a file imported twice shares
   * its syntax tree, and the same written name denotes `a.x` in one instance and `b.x` in the other.
   */
  readonly collectionOf: (module: ResolvedModule, name: QualifiedName) => ResolvedCollection | undefined;
  /** Resolution reported errors: the type checker still reports its own, but builds nothing. */
  readonly hasErrors: boolean;
}

interface MutableModule extends ResolvedModule {
  readonly imports: Map<string, ResolvedModule>;
  readonly collections: Map<string, ResolvedCollection>;
  readonly externs: Map<string, ResolvedExtern>;
}

interface ParsedFile {
  readonly file: SourceFile;
  readonly program: SourceProgram;
}

export function resolveProgram(
  root: { file: SourceFile; program: SourceProgram },
  host: CompilerHost,
): { program: ResolvedProgram; sources: SourceFile[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  // Keyed by normalized path, so `./main.hydro` and `lib/../main.hydro` are one file.
  const parsed = new Map<string, ParsedFile>([[normalize(root.file.path), root]]);
  const sources: SourceFile[] = [root.file];
  const modules: MutableModule[] = [];

  function parseOnce(path: string, text: string): ParsedFile {
    const cached = parsed.get(normalize(path));
    if (cached) return cached;
    const file = makeSource(path, text);
    const result = parseProgram(file);
    diagnostics.push(...result.diagnostics);
    const entry = { file, program: result.program };
    parsed.set(normalize(path), entry);
    sources.push(file);
    return entry;
  }

  function load(path: string, program: SourceProgram, prefix: string, chain: readonly string[]): MutableModule {
    const module: MutableModule = {
      path,
      prefix,
      program,
      imports: new Map(),
      collections: new Map(),
      externs: new Map(),
    };
    modules.push(module);
    const aliasDecls = new Map<string, ImportDecl>();
    let firstModuleDecl: ModuleDecl | undefined;
    for (const item of program.items) {
      if (item.kind === "module") {
        if (firstModuleDecl) {
          diagnostics.push(
            diagnostic("HY2013", item.span, `a file declares its module once; \`${firstModuleDecl.name.name}\` was declared before`, {
              related: [{ message: "first module declaration", span: firstModuleDecl.span }],
            }),
          );
        } else firstModuleDecl = item;
      } else if (item.kind === "collection") {
        const previous = module.collections.get(item.name.name);
        if (previous) {
          diagnostics.push(duplicate("collection", item.name.name, item.name.span, previous.decl.name.span));
        } else module.collections.set(item.name.name, { name: prefix + item.name.name, decl: item, module });
      } else if (item.kind === "extern") {
        declareExtern(module, item);
      } else if (item.kind === "import") {
        const previous = aliasDecls.get(item.alias.name);
        if (previous) {
          diagnostics.push(duplicate("import alias", item.alias.name, item.alias.span, previous.alias.span));
          continue;
        }
        aliasDecls.set(item.alias.name, item);
        const imported = importModule(path, item, prefix, chain);
        if (imported) module.imports.set(item.alias.name, imported);
      }
    }
    return module;
  }

  function importModule(importer: string, item: ImportDecl, prefix: string, chain: readonly string[]): MutableModule | undefined {
    const candidates = importCandidates(importer, item.path, host);
    let found: { path: string; text: string } | undefined;
    for (const candidate of candidates) {
      // A file already read (the root among them) is found without the host.
      const text = parsed.get(normalize(candidate))?.file.text ?? host.readFile(candidate);
      if (text !== undefined) {
        found = { path: candidate, text };
        break;
      }
    }
    if (!found) {
      diagnostics.push(
        diagnostic("HY2004", item.pathSpan, `cannot find the module "${item.path}"`, {
          help: `looked for ${candidates.map((c) => `\`${c}\``).join(" and ")}`,
        }),
      );
      return undefined;
    }
    const cycleStart = chain.findIndex((path) => normalize(path) === normalize(found.path));
    if (cycleStart >= 0) {
      const cycle = [...chain.slice(cycleStart), found.path];
      diagnostics.push(
        diagnostic("HY2005", item.pathSpan, `cyclic import: ${cycle.join(" -> ")}`, {
          help: "move what the modules share into a third module that both import",
        }),
      );
      return undefined;
    }
    const file = parseOnce(found.path, found.text);
    return load(file.file.path, file.program, `${prefix}${item.alias.name}.`, [...chain, file.file.path]);
  }

  function declareExtern(module: MutableModule, item: ExternDecl): void {
    const name = item.name.name;
    const previous = module.externs.get(name);
    if (previous) {
      diagnostics.push(duplicate("extern function", name, item.name.span, previous.decl.name.span));
      return;
    }
    if (isBuiltin(name) || AGGREGATE_NAMES.includes(name)) {
      diagnostics.push(
        diagnostic("HY2014", item.name.span, `the extern function \`${name}\` would hide the built-in \`${name}\``, {
          help: "give the extern function another name",
        }),
      );
      return;
    }
    const resolvedFrom = resolveExternModule(module.path, item, host, diagnostics);
    module.externs.set(name, { name: module.prefix + name, decl: item, resolvedFrom, module });
  }

  const rootModule = load(root.file.path, root.program, "", [root.file.path]);

  const resolvedNames = new Map<ResolvedModule, Map<QualifiedName, ResolvedCollection>>();
  const seals: { decl: SealDecl; module: ResolvedModule }[] = [];
  const facts: { item: FactItem; module: ResolvedModule }[] = [];
  const rules: { item: RuleItem; module: ResolvedModule }[] = [];
  const bind = (module: ResolvedModule, name: QualifiedName) => {
    const found = lookupCollection(module, name, diagnostics);
    if (!found) return;
    let names = resolvedNames.get(module);
    if (!names) resolvedNames.set(module, (names = new Map()));
    names.set(name, found);
  };
  for (const module of modules) {
    for (const item of module.program.items) {
      if (item.kind === "seal") {
        seals.push({ decl: item, module });
        bind(module, item.collection);
      } else if (item.kind === "fact") {
        facts.push({ item, module });
        bind(module, item.target);
      } else if (item.kind === "rule") {
        rules.push({ item, module });
        bind(module, item.head.target);
        for (const literal of item.body) if (literal.kind === "atom") bind(module, literal.target);
      }
    }
  }

  const moduleDecl = rootModule.program.items.find((item): item is ModuleDecl => item.kind === "module");
  const program: ResolvedProgram = {
    moduleName: moduleDecl ? moduleDecl.name.name : moduleNameFromPath(root.file.path),
    modules,
    collections: modules.flatMap((module) => [...module.collections.values()]),
    externs: modules.flatMap((module) => [...module.externs.values()]),
    seals,
    facts,
    rules,
    collectionOf: (module, name) => resolvedNames.get(module)?.get(name),
    hasErrors: hasErrors(diagnostics),
  };
  return { program, sources, diagnostics: onePerPlace(diagnostics) };
}

/**
 * A file imported twice is checked once per instance; its mistakes are reported once, at the
 * text (the first instance's message is kept).
 */
export function onePerPlace(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((d) => {
    const place = `${d.code} ${d.span.file} ${d.span.start} ${d.span.end}`;
    if (seen.has(place)) return false;
    seen.add(place);
    return true;
  });
}

const AGGREGATE_NAMES = ["count", "sum", "min", "max", "avg", "collect", "choose"];

function duplicate(what: string, name: string, span: QualifiedName["span"], first: QualifiedName["span"]): Diagnostic {
  return diagnostic("HY2002", span, `the ${what} \`${name}\` is declared twice`, {
    related: [{ message: `\`${name}\` is first declared here`, span: first }],
  });
}

/** `std/<name>` → `<stdlib>/std/<name>.hydro`; anything else relative to the importer. */
function importCandidates(importer: string, path: string, host: CompilerHost): string[] {
  const withoutExtension = path.endsWith(".hydro") ? path.slice(0, -".hydro".length) : path;
  if (withoutExtension.startsWith("std/")) {
    return [join(host.stdlibDirectory, `${withoutExtension}.hydro`)];
  }
  const base = isAbsolute(withoutExtension) ? normalize(withoutExtension) : join(dirname(importer), withoutExtension);
  return path.endsWith(".hydro") ? [`${base}.hydro`] : [`${base}.hydro`, base];
}

/**
 * A relative or absolute `from` is resolved against the declaring file's directory and must
 * exist (as written, or the `.ts` source of a `.js` specifier, or with `.ts`/`.js` added); a
 * bare package name is left to the module loader.
 */
function resolveExternModule(importer: string, item: ExternDecl, host: CompilerHost, diagnostics: Diagnostic[]): string {
  const from = item.from;
  const relative = from.startsWith("./") || from.startsWith("../");
  if (!relative && !isAbsolute(from)) return from;
  const base = relative ? join(dirname(importer), from) : normalize(from);
  const candidates = [base];
  if (base.endsWith(".js")) candidates.push(`${base.slice(0, -3)}.ts`);
  if (!/\.[cm]?[jt]s$/.test(base)) candidates.push(`${base}.ts`, `${base}.js`);
  const found = candidates.find((candidate) => host.readFile(candidate) !== undefined);
  if (found) return found;
  diagnostics.push(
    diagnostic("HY2014", item.fromSpan, `cannot find the extern module "${from}"`, {
      help: `looked for ${candidates.map((c) => `\`${c}\``).join(", ")}`,
    }),
  );
  return base;
}

function lookupCollection(module: ResolvedModule, name: QualifiedName, diagnostics: Diagnostic[]): ResolvedCollection | undefined {
  if (name.module) {
    const imported = module.imports.get(name.module.name);
    if (!imported) {
      const suggestion = suggestName(name.module.name, [...module.imports.keys()]);
      diagnostics.push(
        diagnostic("HY2003", name.module.span, `unknown module alias \`${name.module.name}\``, {
          ...(suggestion ? { help: `did you mean \`${suggestion}\`?` } : {}),
        }),
      );
      return undefined;
    }
    const found = imported.collections.get(name.name.name);
    if (!found) {
      const suggestion = suggestName(name.name.name, [...imported.collections.keys()]);
      diagnostics.push(
        diagnostic("HY2001", name.span, `the module \`${name.module.name}\` has no collection \`${name.name.name}\``, {
          ...(suggestion ? { help: `did you mean \`${name.module.name}.${suggestion}\`?` } : {}),
        }),
      );
    }
    return found;
  }
  const found = module.collections.get(name.name.name);
  if (found) return found;
  // The same name in an imported module is the likelier intent; then a close local name.
  const alias = [...module.imports].find(([, imported]) => imported.collections.has(name.name.name));
  const suggestion = suggestName(name.name.name, [...module.collections.keys()]);
  const help = alias
    ? `did you mean \`${alias[0]}.${name.name.name}\`?`
    : suggestion
      ? `did you mean \`${suggestion}\`?`
      : undefined;
  diagnostics.push(
    diagnostic("HY2001", name.span, `unknown collection \`${name.name.name}\``, help === undefined ? {} : { help }),
  );
  return undefined;
}

/** `cart.hydro` → `cart`; characters that cannot be in an identifier become `_`. */
function moduleNameFromPath(path: string): string {
  const name = basename(path).replace(/\.hydro$/, "").replace(/[^A-Za-z0-9_]/g, "_");
  return /^[0-9]/.test(name) || name === "" ? `_${name}` : name;
}

/** The closest candidate by edit distance, when it is close enough to be a likely typo. */
export function suggestName(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  const limit = Math.max(1, Math.floor(name.length / 3));
  for (const candidate of candidates) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance <= limit && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length]!;
}
