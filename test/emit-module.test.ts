// The shape of the emitted module: one TypeScript module in prettier's layout importing only the
// runtime (by the configured specifier) and extern modules, exporting tuple types and a class
// named after the module, with each rule's code under a comment quoting the rule. The golden
// file shows the whole module for the transitive-closure example (UPDATE_GOLDEN=1 rewrites it).

import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { emitTypeScript } from "../compiler/emit/index.ts";
import { memoryHost, nodeHost } from "../compiler/host.ts";
import { compileSourceToIr, compileToIr } from "../compiler/index.ts";
import { makeSource } from "../compiler/source.ts";

const ROOT = join(import.meta.dirname, "..");
const UPDATE = process.env["UPDATE_GOLDEN"] === "1";

async function emitText(text: string, path = "/virtual/shop.hydro", options: Parameters<typeof emitTypeScript>[1] = {}): Promise<string> {
  const result = compileSourceToIr(makeSource(path, text), memoryHost({ [path]: text }));
  if (result.ir === null) throw new Error(result.diagnostics.map((d) => d.message).join("\n"));
  return emitTypeScript(result.ir, { sources: result.sources, ...options });
}

describe("the emitted module", () => {
  it("matches the golden module of the transitive-closure example", async () => {
    const path = join(ROOT, "examples", "transitive-closure", "tc.hydro");
    const result = compileToIr(path, nodeHost());
    const text = await emitTypeScript(result.ir!, { sources: result.sources, sourceName: "tc.hydro" });
    const golden = join(ROOT, "test", "golden", "emit", "tc.ts");
    if (UPDATE || !existsSync(golden)) writeFileSync(golden, text);
    expect(text).toBe(readFileSync(golden, "utf8"));
  });

  it("names the class after the module and exports a tuple type per collection", async () => {
    const text = await emitText(`
      module cart;
      input put_item(client: addr, item: string, n: int);
      lattice counts(item: string; n: max<int>);
      channel ack(@to: addr, item: string);
      counts(i, n) <= put_item(_, i, n);
      ack(c, i) <~ put_item(c, i, _);
    `);
    expect(text).toContain("export class Cart extends ProgramNode<CartTypes>");
    expect(text).toContain("export type PutItem = [client: string, item: string, n: number];");
    expect(text).toContain("export type Counts = [item: string, n: number];");
    expect(text).toContain("export type Ack = [to: string, item: string];");
    expect(text).toContain("export default Cart;");
  });

  it("names the class after the file when there is no module declaration", async () => {
    const text = await emitText("input a(x: int);\noutput b(x: int);\nb(x) <= a(x);\n", "/virtual/order_book.hydro");
    expect(text).toMatch(/export class OrderBook extends ProgramNode/);
  });

  it("imports only the runtime, by the configured specifier, and the extern modules", async () => {
    const directory = mkdtempSync(join(tmpdir(), "hydro-emit-"));
    writeFileSync(join(directory, "udfs.ts"), "export function classify(s: string): string { return s; }\n");
    const path = join(directory, "p.hydro");
    writeFileSync(path, `extern fn classify(s: string): string from "./udfs.ts";\ninput a(s: string);\noutput b(s: string);\nb(classify(s)) <= a(s);\n`);
    const result = compileToIr(path, nodeHost());
    const byDefault = await emitTypeScript(result.ir!);
    const imports = byDefault.split("\n").filter((line) => line.startsWith("import "));
    expect(imports).toHaveLength(2);
    expect(imports[0]).toMatch(/from "hydrolog\/runtime";$/);
    expect(imports[1]).toBe('import { classify as classifyImplementation } from "./udfs.ts";');
    const mapped = await emitTypeScript(result.ir!, { runtimeImport: "../runtime/index.ts", externImports: "absolute" });
    expect(mapped).toContain('from "../runtime/index.ts";');
    expect(mapped).toContain(`from "file://${join(directory, "udfs.ts")}";`);
  });

  it("puts each rule's text and plan above the method generated for it, and keeps source variable names", async () => {
    const text = await emitText(`
      input edge(src: int, dst: int);
      scratch path(src: int, dst: int);
      @name("walk")
      path(a, c) <= path(a, b), edge(b, c);
      path(a, b) <= edge(a, b);
    `);
    expect(text).toContain("walk (line 5): path(a, c) <= path(a, b), edge(b, c);");
    expect(text).toContain("plan delta path (atom 0)");
    expect(text).toMatch(/private walkDeltaPath\(\): void/);
    expect(text).toMatch(/const a = path\.data\[pathRow \* 2\]!;/);
    expect(text).toMatch(/const c = edge\.data\[edgeRow \* 2 \+ 1\]!;/);
    expect(text).toContain("this.edgeRelation.index([0])");
  });

  it("is in prettier's layout, with prettier run over what the emitter cannot vouch for unless asked not to be", async () => {
    const prettier = await import("prettier");
    const plain = "input a(x: int);\noutput b(x: int);\nb(x) <= a(x), x > 1;\n";
    const text = await emitText(plain);
    expect(await prettier.format(text, { parser: "typescript", printWidth: 110 })).toBe(text);
    expect(await emitText(plain, undefined, { format: false })).toBe(text);
    // A filter that is a call is written `!(matches(…))`, which prettier rewrites: only format: false keeps it.
    const call = 'input a(s: string);\noutput b(s: string);\nb(s) <= a(s), matches(s, "^x");\n';
    const formatted = await emitText(call);
    expect(await prettier.format(formatted, { parser: "typescript", printWidth: 110 })).toBe(formatted);
    expect(await emitText(call, undefined, { format: false })).not.toBe(formatted);
  });
});
