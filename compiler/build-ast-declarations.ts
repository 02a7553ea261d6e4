// CST items → AST items (compiler/ast.ts): the top layer of the AST builders.
// In: one `item` CST node (annotations, then a declaration, fact or rule). Out: the Item, or
// undefined when recovery left out an essential part (a name, a head); HY1004 diagnostics on the
// builder. Declarations (module, import, extern, collection with its columns, key and period,
// seal) and their type expressions are built here; facts and rules by the RuleBuilder this
// class extends. Whether a period or a scalar type suits the collection kind is checked with
// the declarations (HY2015), not here.

import type { CstNode, IToken } from "chevrotain";
import type * as A from "./ast.ts";
import { nodeAt, nodesOf, tokenAt, tokensOf, type Children } from "./build-ast-cst.ts";
import { RuleBuilder } from "./build-ast-rules.ts";
import { decodeString } from "../grammar/lexer.ts";
import { joinSpans } from "./source.ts";

export class AstBuilder extends RuleBuilder {
  item(node: CstNode): A.Item | undefined {
    const annotations = nodesOf(node, "annotation").map((a) => this.annotation(a)).filter((a) => a !== undefined);
    const children = node.children as Children;
    const [kind] = Object.keys(children).filter((k) => k !== "annotation");
    const inner = kind === undefined ? undefined : nodeAt(node, kind);
    if (inner === undefined) return undefined;
    const isRule = kind === "clause" && tokenAt(inner, "operator") !== undefined;
    if (annotations.length > 0 && kind !== "externDeclaration" && !isRule) {
      const span = joinSpans(annotations[0]!.span, annotations[annotations.length - 1]!.span);
      this.error(span, "annotations apply only to rules and extern functions");
    }
    switch (kind) {
      case "moduleDeclaration":
        return this.moduleDeclaration(inner);
      case "importDeclaration":
        return this.importDeclaration(inner);
      case "externDeclaration":
        return this.externDeclaration(inner, annotations);
      case "collectionDeclaration":
        return this.collectionDeclaration(inner);
      case "sealDeclaration":
        return this.sealDeclaration(inner);
      case "clause":
        return this.clause(inner, annotations);
      default:
        return undefined;
    }
  }

  private annotation(node: CstNode): A.Annotation | undefined {
    const name = this.identifier(tokenAt(node, "name"));
    const span = this.span(node);
    if (name === undefined || span === undefined) return undefined;
    const argument = tokenAt(node, "argument");
    return {
      kind: "annotation",
      name,
      ...(argument ? { argument: { value: decodeString(argument.image).value, span: this.tokenSpan(argument) } } : {}),
      span,
    };
  }

  private moduleDeclaration(node: CstNode): A.ModuleDecl | undefined {
    const name = this.identifier(tokenAt(node, "name"));
    const span = this.span(node);
    return name && span && { kind: "module", name, span };
  }

  private importDeclaration(node: CstNode): A.ImportDecl | undefined {
    const path = tokenAt(node, "path");
    const alias = this.identifier(tokenAt(node, "alias"));
    const span = this.span(node);
    if (!path || !alias || !span) return undefined;
    return { kind: "import", path: decodeString(path.image).value, pathSpan: this.tokenSpan(path), alias, span };
  }

  private externDeclaration(node: CstNode, annotations: A.Annotation[]): A.ExternDecl | undefined {
    const name = this.identifier(tokenAt(node, "name"));
    const returnType = this.typeExpression(nodeAt(node, "returnType"));
    const path = tokenAt(node, "path");
    const span = this.span(node);
    if (!name || !returnType || !path || !span) return undefined;
    const params: { name: A.Identifier; type: A.TypeExpr }[] = [];
    for (const parameter of nodesOf(node, "parameter")) {
      const paramName = this.identifier(tokenAt(parameter, "name"));
      const type = this.typeExpression(nodeAt(parameter, "type"));
      if (paramName && type) params.push({ name: paramName, type });
    }
    return {
      kind: "extern",
      annotations,
      name,
      params,
      returnType,
      from: decodeString(path.image).value,
      fromSpan: this.tokenSpan(path),
      span,
    };
  }

  private collectionDeclaration(node: CstNode): A.CollectionDecl | undefined {
    const kindToken = tokenAt(node, "kind");
    const name = this.identifier(tokenAt(node, "name"));
    const span = this.span(node);
    if (!kindToken || !name || !span) return undefined;
    const collectionKind = kindToken.image as A.CollectionKind;
    const columns: A.ColumnDecl[] = [];
    const list = nodeAt(node, "columnList");
    if (list) {
      for (const [label, lattice] of [["plain", false], ["lattice", true]] as const) {
        for (const column of nodesOf(list, label)) {
          const built = this.column(column, lattice);
          if (built) columns.push(built);
        }
      }
    }
    const keyNode = nodeAt(node, "keyClause");
    const keySpan = this.span(keyNode);
    const key = keyNode && keySpan && {
      columns: tokensOf(keyNode, "columns").map((t) => this.identifier(t)!),
      span: keySpan,
    };
    const periodToken = tokenAt(node, "period");
    const period = periodToken && this.duration(periodToken);
    // Whether a period or a single value suits the kind is checked with the declarations (HY2015).
    const scalar = this.typeExpression(nodeAt(node, "scalar"));

    return {
      kind: "collection",
      collectionKind,
      name,
      columns,
      ...(key ? { key } : {}),
      ...(period ? { period } : {}),
      ...(scalar ? { scalar } : {}),
      span,
    };
  }

  private column(node: CstNode, lattice: boolean): A.ColumnDecl | undefined {
    const name = this.identifier(tokenAt(node, "name"));
    const type = this.typeExpression(nodeAt(node, "type"));
    const span = this.span(node);
    if (!name || !type || !span) return undefined;
    return { name, type, lattice, address: tokenAt(node, "address") !== undefined, span };
  }

  private duration(token: IToken): A.Duration {
    const match = /^([0-9]+)(ms|s|m|h)$/.exec(token.image);
    const amount = Number(match?.[1] ?? 0);
    const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(match?.[2] ?? "ms") as "ms" | "s" | "m" | "h"];
    return { milliseconds: amount * unit, text: token.image, span: this.tokenSpan(token) };
  }

  private typeExpression(node: CstNode | undefined): A.TypeExpr | undefined {
    if (node === undefined) return undefined;
    const name = this.identifier(tokenAt(node, "name"));
    const span = this.span(node);
    if (!name || !span) return undefined;
    const args = nodesOf(node, "args").map((a) => this.typeExpression(a)).filter((a) => a !== undefined);
    return { kind: "type", name, args, span };
  }

  private sealDeclaration(node: CstNode): A.SealDecl | undefined {
    const collection = this.qualifiedName(nodeAt(node, "collection"));
    const span = this.span(node);
    if (!collection || !span) return undefined;
    return { kind: "seal", collection, columns: tokensOf(node, "columns").map((t) => this.identifier(t)!), span };
  }
}
