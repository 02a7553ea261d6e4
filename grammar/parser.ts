// The concrete-syntax grammar of `.hydro`: one chevrotain CstParser, rules only.
// In: the tokens of one item (a declaration, fact or rule, up to its `;`; split-items.ts cuts a
// file into items). Out: a CST that compiler/build-ast.ts turns into the AST, plus recognition
// errors whose messages are plain words ("expected `;` after the rule"), never token-name dumps.
// One recovering instance is created once and reused: the caller splits the file at `;` and
// parses item by item, so an error never swallows the declarations after it, and chevrotain's
// in-rule recovery still yields partial trees for the builder.
// The grammar is one class built in three files: parser-base.ts (configuration, messages,
// caches), parser-expressions.ts (bodies and expressions) and this one (items: declarations,
// facts and rules), whose constructor analyses the whole grammar once.

import type { CstNode, IToken } from "chevrotain";
import { chevrotain } from "./chevrotain.ts";

const { EOF } = chevrotain;
import * as T from "./tokens.ts";
import { LITERAL_EXPECTED, RULE_END, TYPE_EXPECTED } from "./parser-base.ts";
import { ExpressionGrammar } from "./parser-expressions.ts";

export class HydroParser extends ExpressionGrammar {
  constructor() {
    super();
    // Every rule field, of this class and the ones it extends, exists by now.
    this.performSelfAnalysis();
    this.cacheErrorPathComputations();
  }

  /** A keyword followed by `(` or `.` names a collection: `table(x) <= ...`, `seal.c(1);`. */
  private nextIsArgumentsOrDot(): boolean {
    const second = this.LA(2).tokenType;
    return second === T.LParen || second === T.Dot;
  }

  /** One declaration, fact or rule, with the annotations before it. */
  public item = this.RULE("item", () => {
    this.MANY(() => this.SUBRULE(this.annotation));
    // A declaration keyword not followed by `(` or `.` starts its declaration, so `module ;`
    // reports the missing name rather than "expected a rule".
    this.OR(this.once("item", () => this.itemAlternatives()));
  });

  private itemAlternatives() {
    const declares = () => !this.nextIsArgumentsOrDot();
    return {
      ERR_MSG: "a declaration, a fact or a rule",
      MAX_LOOKAHEAD: 1,
      IGNORE_AMBIGUITIES: true,
      DEF: [
        { GATE: declares, ALT: () => this.SUBRULE(this.moduleDeclaration) },
        { GATE: declares, ALT: () => this.SUBRULE(this.importDeclaration) },
        { GATE: declares, ALT: () => this.SUBRULE(this.externDeclaration) },
        { GATE: declares, ALT: () => this.SUBRULE(this.collectionDeclaration) },
        { GATE: declares, ALT: () => this.SUBRULE(this.sealDeclaration) },
        { GATE: () => this.nextIsArgumentsOrDot(), ALT: () => this.SUBRULE(this.clause) },
      ],
    };
  }

  public annotation = this.RULE("annotation", () => {
    this.CONSUME(T.At);
    this.CONSUME(T.Name, { LABEL: "name", ERR_MSG: 'expected an annotation name after `@`, e.g. @name("total")' });
    this.OPTION(() => {
      this.CONSUME(T.LParen);
      this.CONSUME(T.StringLiteral, { LABEL: "argument", ERR_MSG: 'expected a string argument, e.g. @name("total")' });
      this.CONSUME(T.RParen, { ERR_MSG: "expected `)` after the annotation's argument" });
    });
  });

  public moduleDeclaration = this.RULE("moduleDeclaration", () => {
    this.CONSUME(T.Module);
    this.CONSUME(T.Name, { LABEL: "name", ERR_MSG: "expected a module name after `module`" });
    this.CONSUME(T.Semicolon, { ERR_MSG: "expected `;` after the module declaration" });
  });

  public importDeclaration = this.RULE("importDeclaration", () => {
    this.CONSUME(T.Import);
    this.CONSUME(T.StringLiteral, { LABEL: "path", ERR_MSG: "expected the module path as a string after `import`" });
    this.CONSUME(T.As, { ERR_MSG: "expected `as` and a name after the import path" });
    this.CONSUME(T.Name, { LABEL: "alias", ERR_MSG: "expected a name for the imported module after `as`" });
    this.CONSUME(T.Semicolon, { ERR_MSG: "expected `;` after the import" });
  });

  public externDeclaration = this.RULE("externDeclaration", () => {
    this.CONSUME(T.Extern);
    this.CONSUME(T.Fn, { ERR_MSG: "expected `fn` after `extern`" });
    this.CONSUME(T.Name, { LABEL: "name", ERR_MSG: "expected the function's name after `extern fn`" });
    this.CONSUME(T.LParen, { ERR_MSG: "expected `(` and the function's parameters" });
    this.MANY_SEP(this.once("parameters", () => ({ SEP: T.Comma, DEF: () => this.SUBRULE(this.parameter) })));
    this.CONSUME(T.RParen, { ERR_MSG: "expected `)` to close the parameter list" });
    this.CONSUME(T.Colon, { ERR_MSG: "expected `:` and the return type after the parameters" });
    this.SUBRULE(this.typeExpression, { LABEL: "returnType" });
    this.CONSUME(T.From, { ERR_MSG: "expected `from` and the path of the TypeScript module" });
    this.CONSUME(T.StringLiteral, { LABEL: "path", ERR_MSG: "expected the path of the TypeScript module as a string" });
    this.CONSUME(T.Semicolon, { ERR_MSG: "expected `;` after the extern declaration" });
  });

  public parameter = this.RULE("parameter", () => {
    this.CONSUME(T.Name, { LABEL: "name", ERR_MSG: "expected a parameter name" });
    this.CONSUME(T.Colon, { ERR_MSG: "expected `:` and a type after the parameter name" });
    this.SUBRULE(this.typeExpression, { LABEL: "type" });
  });

  public collectionDeclaration = this.RULE("collectionDeclaration", () => {
    this.CONSUME(T.CollectionKindKeyword, { LABEL: "kind" });
    this.CONSUME(T.Name, { LABEL: "name", ERR_MSG: "expected the collection's name" });
    this.OR(
      this.once("collection shape", () => ({
        ERR_MSG: "`(` and the columns, or `:` and a lattice type",
        DEF: [
          {
            ALT: () => {
              this.CONSUME(T.LParen);
              this.OR2(
                this.once("period or columns", () => [
                  { ALT: () => this.CONSUME(T.DurationLiteral, { LABEL: "period" }) },
                  { ALT: () => this.SUBRULE(this.columnList) },
                ]),
              );
              this.CONSUME(T.RParen, { ERR_MSG: "expected `)` to close the column list" });
              this.OPTION(() => this.SUBRULE(this.keyClause));
            },
          },
          {
            ALT: () => {
              this.CONSUME(T.Colon);
              this.SUBRULE(this.typeExpression, { LABEL: "scalar" });
            },
          },
        ],
      })),
    );
    this.CONSUME(T.Semicolon, { ERR_MSG: "expected `;` after the declaration" });
  });

  /** `a: int, b: string; c: max<int>` — the columns after `;` hold lattice values. */
  public columnList = this.RULE("columnList", () => {
    this.MANY_SEP(
      this.once("columns", () => ({ SEP: T.Comma, DEF: () => this.SUBRULE(this.column, { LABEL: "plain" }) })),
    );
    this.OPTION(() => {
      this.CONSUME(T.Semicolon);
      this.MANY_SEP2(
        this.once("lattice columns", () => ({
          SEP: T.Comma,
          DEF: () => this.SUBRULE2(this.column, { LABEL: "lattice" }),
        })),
      );
    });
  });

  public column = this.RULE("column", () => {
    this.OPTION(() => this.CONSUME(T.At, { LABEL: "address" }));
    this.CONSUME(T.Name, { LABEL: "name", ERR_MSG: "expected a column name" });
    this.CONSUME(T.Colon, { ERR_MSG: "expected `:` and a type after the column name" });
    this.SUBRULE(this.typeExpression, { LABEL: "type" });
  });

  public keyClause = this.RULE("keyClause", () => {
    this.CONSUME(T.Key);
    this.CONSUME(T.LParen, { ERR_MSG: "expected `(` and the key columns after `key`" });
    this.MANY_SEP(
      this.once("key columns", () => ({
        SEP: T.Comma,
        DEF: () => this.CONSUME(T.Name, { LABEL: "columns", ERR_MSG: "expected a column name" }),
      })),
    );
    this.CONSUME(T.RParen, { ERR_MSG: "expected `)` to close the key columns" });
  });

  public typeExpression = this.RULE("typeExpression", () => {
    this.CONSUME(T.Name, { LABEL: "name", ERR_MSG: `expected ${TYPE_EXPECTED}` });
    this.OPTION(() => {
      this.CONSUME(T.Less);
      this.AT_LEAST_ONE_SEP(
        this.once("type arguments", () => ({
          SEP: T.Comma,
          ERR_MSG: TYPE_EXPECTED,
          DEF: () => this.SUBRULE(this.typeExpression, { LABEL: "args" }),
        })),
      );
      this.CONSUME(T.Greater, { ERR_MSG: "expected `>` to close the type arguments" });
    });
  });

  public sealDeclaration = this.RULE("sealDeclaration", () => {
    this.CONSUME(T.Seal);
    this.SUBRULE(this.qualifiedName, { LABEL: "collection" });
    this.CONSUME(T.On, { ERR_MSG: "expected `on` and the sealed columns, e.g. seal ack on (id)" });
    this.CONSUME(T.LParen, { ERR_MSG: "expected `(` and the sealed columns after `on`" });
    this.MANY_SEP(
      this.once("sealed columns", () => ({
        SEP: T.Comma,
        DEF: () => this.CONSUME(T.Name, { LABEL: "columns", ERR_MSG: "expected a column name" }),
      })),
    );
    this.CONSUME(T.RParen, { ERR_MSG: "expected `)` to close the sealed columns" });
    this.CONSUME(T.Semicolon, { ERR_MSG: "expected `;` after the seal declaration" });
  });

  public qualifiedName = this.RULE("qualifiedName", () => {
    this.CONSUME(T.Name, { LABEL: "first", ERR_MSG: "expected a collection name" });
    this.OPTION(() => {
      this.CONSUME(T.Dot);
      this.CONSUME2(T.Name, { LABEL: "second", ERR_MSG: "expected a collection name after `.`" });
    });
  });

  /** A fact `edge(1, 2);` or a rule `path(x, z) <= edge(x, y), path(y, z);`. */
  public clause = this.RULE("clause", () => {
    this.SUBRULE(this.qualifiedName, { LABEL: "target" });
    this.CONSUME(T.LParen, { ERR_MSG: "expected `(` and the arguments after the collection name" });
    this.SUBRULE(this.argumentList, { LABEL: "args" });
    this.CONSUME(T.RParen, { ERR_MSG: "expected `)` to close the argument list" });
    this.OR(
      this.once("fact or rule", () => ({
        ERR_MSG: "`;` after the fact, or a rule operator such as `<=`",
        DEF: [
          {
            ALT: () => {
              this.CONSUME(T.MergeOperator, { LABEL: "operator" });
              this.AT_LEAST_ONE_SEP(
                this.once("body", () => ({
                  SEP: T.Comma,
                  ERR_MSG: LITERAL_EXPECTED,
                  DEF: () => this.SUBRULE(this.bodyLiteral, { LABEL: "body" }),
                })),
              );
              this.CONSUME(T.Semicolon, { ERR_MSG: RULE_END });
            },
          },
          { ALT: () => this.CONSUME2(T.Semicolon) },
        ],
      })),
    );
  });
}

/**
 * The one instance, built on first use: building a chevrotain parser analyses the grammar
 * (about 0.1 s), which commands that never parse (help, a run from the compile cache) skip.
 */
let instance: HydroParser | undefined;
export function hydroParser(): HydroParser {
  instance ??= new HydroParser();
  return instance;
}

export interface ItemParse {
  readonly cst: CstNode;
  readonly errors: readonly { readonly message: string; readonly token: IToken; readonly previousToken?: IToken }[];
}

/** Parses one item's tokens (normally ending in `;`) with the shared recovering instance. */
export function parseItemTokens(tokens: IToken[]): ItemParse {
  const parser = hydroParser();
  parser.input = tokens;
  // Recovery throws and catches an exception per error; their stack traces are never read and
  // capturing them was most of the time spent on a broken file.
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  let cst;
  try {
    cst = parser.item();
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
  const errors = parser.errors.map((error) => ({
    message: error.message,
    token: error.token,
    previousToken: (error as { previousToken?: IToken }).previousToken,
  }));
  return { cst, errors };
}

export function isEndOfInput(token: IToken): boolean {
  return token.tokenType === EOF;
}
