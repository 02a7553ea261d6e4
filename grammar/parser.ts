// The concrete-syntax grammar of `.hydro`: one chevrotain CstParser, rules only.
// In: the tokens of one item (a declaration, fact or rule, up to its `;`). Out: a CST that
// compiler/build-ast.ts turns into the AST, plus recognition errors whose messages are plain
// words ("expected `;` after the rule"), never token-name dumps.
// One recovering instance is created once and reused: the caller splits the file at `;` and
// parses item by item, so an error never swallows the declarations after it, and chevrotain's
// in-rule recovery still yields partial trees for the builder.
// Body literals are parsed as expressions: `edge(x, y)` and `contains(s, x)` look alike, and
// build-ast.ts decides which calls are atoms.

import {
  CstParser,
  EOF,
  NoViableAltException,
  tokenMatcher,
  type IParserErrorMessageProvider,
  type IToken,
  type TokenType,
} from "chevrotain";
import * as T from "./tokens.ts";

/** The chevrotain methods cacheErrorPathComputations wraps (internal API of chevrotain 11). */
interface ChevrotainInternals {
  getFollowsForInRuleRecovery(tokenType: TokenType, indexInRule: number): TokenType[];
  getCurrentGrammarPath(tokenType: TokenType, indexInRule: number): { ruleStack: string[]; occurrenceStack: number[] };
  raiseNoAltException(occurrence: number, description: string | undefined): never;
  SAVE_ERROR(error: Error): Error;
}

const messages: IParserErrorMessageProvider = {
  // Recovery between repetitions builds its own mismatch messages (without a CONSUME's
  // ERR_MSG), so the usual places are worded here too.
  buildMismatchTokenMessage({ expected, ruleName }) {
    return recoveryMessages[`${ruleName} ${expected.name}`] ?? `expected ${T.describeTokenType(expected)}`;
  },
  buildNotAllInputParsedMessage() {
    return "expected the end of the item after `;`";
  },
  buildNoViableAltMessage({ expectedPathsPerAlt, customUserDescription }) {
    if (customUserDescription !== undefined) return `expected ${customUserDescription}`;
    return `expected ${describeFirstTokens(expectedPathsPerAlt.flat())}`;
  },
  buildEarlyExitMessage({ expectedIterationPaths, customUserDescription }) {
    if (customUserDescription !== undefined) return `expected ${customUserDescription}`;
    return `expected ${describeFirstTokens(expectedIterationPaths)}`;
  },
};

function describeFirstTokens(paths: TokenType[][]): string {
  const names = [...new Set(paths.map((path) => (path[0] ? T.describeTokenType(path[0]) : "the end of the item")))];
  if (names.length <= 1) return names[0] ?? "something else";
  return `${names.slice(0, -1).join(", ")} or ${names[names.length - 1]}`;
}

const RULE_END = "expected `;` after the rule (or `,` before another body literal)";

const recoveryMessages: Record<string, string> = {
  "clause Semicolon": RULE_END,
  "clause RParen": "expected `)` to close the argument list",
  "callOrVariable RParen": "expected `)` to close the argument list",
  "externDeclaration RParen": "expected `)` to close the parameter list",
  "columnList RParen": "expected `)` to close the column list",
  "collectionDeclaration RParen": "expected `)` to close the column list",
  "keyClause RParen": "expected `)` to close the key columns",
  "sealDeclaration RParen": "expected `)` to close the sealed columns",
  "typeExpression Greater": "expected `>` to close the type arguments",
};

const TYPE_EXPECTED = "a column type such as int, string or max<int>";
const EXPRESSION_EXPECTED = 'an expression such as x, 42, "text" or len(s)';
const LITERAL_EXPECTED = "a body literal such as edge(x, y), !done(x), x < 3 or x in s";

export class HydroParser extends CstParser {
  constructor() {
    super(T.allTokens, {
      recoveryEnabled: true,
      maxLookahead: 3,
      errorMessageProvider: messages,
      nodeLocationTracking: "onlyOffset",
    });
    this.performSelfAnalysis();
    this.cacheErrorPathComputations();
  }

  /**
   * The option objects of OR, MANY_SEP, … are built once per call site, not on every call:
   * creating their closures each time dominated parsing (chevrotain advises caching them).
   */
  private readonly optionCache = new Map<string, unknown>();
  private once<V>(site: string, make: () => V): V {
    let value = this.optionCache.get(site) as V | undefined;
    if (value === undefined) {
      value = make();
      this.optionCache.set(site, value);
    }
    return value;
  }

  /**
   * On every error chevrotain walks the grammar again: for the tokens that may follow (single
   * token insertion and deletion) and for the expected paths of a failed alternation. Both depend
   * only on the position in the grammar, so they are computed once per position; an alternation
   * with its own message (every one here that can fail) needs no paths at all. Without this,
   * recovery dominated the time spent on broken files.
   */
  private cacheErrorPathComputations(): void {
    const internals = this as unknown as ChevrotainInternals;
    const computeFollows = internals.getFollowsForInRuleRecovery.bind(this);
    const raiseWithPaths = internals.raiseNoAltException.bind(this);
    const follows = new Map<string, TokenType[]>();
    internals.getFollowsForInRuleRecovery = (tokenType, indexInRule) => {
      const path = internals.getCurrentGrammarPath(tokenType, indexInRule);
      const key = `${path.ruleStack.join(",")}|${path.occurrenceStack.join(",")}|${tokenType.name}|${indexInRule}`;
      let result = follows.get(key);
      if (result === undefined) {
        result = computeFollows(tokenType, indexInRule);
        follows.set(key, result);
      }
      return result;
    };
    internals.raiseNoAltException = (occurrence, description) => {
      if (description === undefined) return raiseWithPaths(occurrence, description);
      throw internals.SAVE_ERROR(new NoViableAltException(`expected ${description}`, this.LA(1), this.LA(0)));
    };
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

  public argumentList = this.RULE("argumentList", () => {
    this.MANY_SEP(
      this.once("arguments", () => ({ SEP: T.Comma, DEF: () => this.SUBRULE(this.argument, { LABEL: "args" }) })),
    );
  });

  /** `x + 1` or, in the named form, `key: k`. */
  public argument = this.RULE("argument", () => {
    this.OPTION(() => {
      this.CONSUME(T.Name, { LABEL: "name" });
      this.CONSUME(T.Colon);
    });
    this.SUBRULE(this.expression, { LABEL: "value" });
  });

  public bodyLiteral = this.RULE("bodyLiteral", () => {
    this.OR(
      this.once("body literal", () => ({
        ERR_MSG: LITERAL_EXPECTED,
        DEF: [
          {
            ALT: () => {
              this.CONSUME(T.Name, { LABEL: "variable" });
              this.CONSUME(T.In);
              this.SUBRULE(this.expression, { LABEL: "source" });
            },
          },
          { ALT: () => this.SUBRULE2(this.expression, { LABEL: "condition" }) },
        ],
      })),
    );
  });

  public expression = this.RULE("expression", () => {
    this.SUBRULE(this.andExpression, { LABEL: "operands" });
    this.MANY(() => {
      this.CONSUME(T.OrOr, { LABEL: "operators" });
      this.SUBRULE2(this.andExpression, { LABEL: "operands" });
    });
  });

  public andExpression = this.RULE("andExpression", () => {
    this.SUBRULE(this.comparison, { LABEL: "operands" });
    this.MANY(() => {
      this.CONSUME(T.AndAnd, { LABEL: "operators" });
      this.SUBRULE2(this.comparison, { LABEL: "operands" });
    });
  });

  /** Non-associative: `a < b < c` is an error. `x<-5` lexes `<-`, read here as `<` and `-5`. */
  public comparison = this.RULE("comparison", () => {
    this.SUBRULE(this.additive, { LABEL: "operands" });
    this.OPTION(() => {
      this.OR(
        this.once("comparison operator", () => [
          { ALT: () => this.CONSUME(T.ComparisonOperator, { LABEL: "operators" }) },
          { ALT: () => this.CONSUME(T.DeleteNext, { LABEL: "operators" }) },
        ]),
      );
      this.SUBRULE2(this.additive, { LABEL: "operands" });
    });
  });

  public additive = this.RULE("additive", () => {
    this.SUBRULE(this.multiplicative, { LABEL: "operands" });
    this.MANY(() => {
      this.CONSUME(T.AdditiveOperator, { LABEL: "operators" });
      this.SUBRULE2(this.multiplicative, { LABEL: "operands" });
    });
  });

  public multiplicative = this.RULE("multiplicative", () => {
    this.SUBRULE(this.unary, { LABEL: "operands" });
    this.MANY(() => {
      this.CONSUME(T.MultiplicativeOperator, { LABEL: "operators" });
      this.SUBRULE2(this.unary, { LABEL: "operands" });
    });
  });

  public unary = this.RULE("unary", () => {
    this.OR(
      this.once("unary", () => ({
        ERR_MSG: EXPRESSION_EXPECTED,
        DEF: [
          {
            ALT: () => {
              this.OR2(
                this.once("unary operator", () => [
                  { ALT: () => this.CONSUME(T.Minus, { LABEL: "operator" }) },
                  { ALT: () => this.CONSUME(T.Bang, { LABEL: "operator" }) },
                ]),
              );
              this.SUBRULE(this.unary, { LABEL: "operand" });
            },
          },
          { ALT: () => this.SUBRULE(this.primary) },
        ],
      })),
    );
  });

  public primary = this.RULE("primary", () => {
    this.OR(
      this.once("primary", () => ({
        ERR_MSG: EXPRESSION_EXPECTED,
        DEF: [
          { ALT: () => this.CONSUME(T.IntegerLiteral, { LABEL: "integer" }) },
          { ALT: () => this.CONSUME(T.Float, { LABEL: "float" }) },
          { ALT: () => this.CONSUME(T.StringLiteral, { LABEL: "string" }) },
          { ALT: () => this.CONSUME(T.BooleanLiteral, { LABEL: "boolean" }) },
          { ALT: () => this.CONSUME(T.Underscore, { LABEL: "wildcard" }) },
          {
            ALT: () => {
              this.CONSUME(T.LParen);
              this.SUBRULE(this.expression, { LABEL: "parenthesized" });
              this.CONSUME(T.RParen, { ERR_MSG: "expected `)` to close the parenthesis" });
            },
          },
          { ALT: () => this.SUBRULE(this.callOrVariable) },
        ],
      })),
    );
  });

  /** `x`, `len(s)`, `edge(x, y)`, `d.pipe_in(m)`. */
  public callOrVariable = this.RULE("callOrVariable", () => {
    this.CONSUME(T.Name, { LABEL: "first" });
    this.OPTION(() => {
      this.OPTION2(() => {
        this.CONSUME(T.Dot);
        this.CONSUME2(T.Name, { LABEL: "second", ERR_MSG: "expected a collection name after `.`" });
      });
      this.CONSUME(T.LParen, { LABEL: "call", ERR_MSG: "expected `(` and the arguments after the collection name" });
      this.SUBRULE(this.argumentList, { LABEL: "args" });
      this.CONSUME(T.RParen, { ERR_MSG: "expected `)` to close the argument list" });
    });
  });
}

/** The one instance: building a chevrotain parser analyses the grammar, so it is done once. */
export const hydroParser = new HydroParser();

export interface ItemParse {
  readonly cst: import("chevrotain").CstNode;
  readonly errors: readonly { readonly message: string; readonly token: IToken; readonly previousToken?: IToken }[];
}

/** Parses one item's tokens (normally ending in `;`) with the shared recovering instance. */
export function parseItemTokens(tokens: IToken[]): ItemParse {
  hydroParser.input = tokens;
  // Recovery throws and catches an exception per error; their stack traces are never read and
  // capturing them was most of the time spent on a broken file.
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  let cst;
  try {
    cst = hydroParser.item();
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
  const errors = hydroParser.errors.map((error) => ({
    message: error.message,
    token: error.token,
    previousToken: (error as { previousToken?: IToken }).previousToken,
  }));
  return { cst, errors };
}

export function isEndOfInput(token: IToken): boolean {
  return token.tokenType === EOF;
}

/**
 * Splits a file's tokens into items at `;`, so a syntax error in one item never swallows the
 * next. The one `;` that does not end an item separates the lattice columns of a declaration,
 * `lattice best(node: string; cost: min<int>)`: inside a column list and followed by a column
 * or `)`.
 */
export function splitItems(tokens: readonly IToken[]): IToken[][] {
  const items: IToken[][] = [];
  let current: IToken[] = [];
  let depth = 0;
  let inColumnList = false;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    current.push(token);
    const type = token.tokenType;
    if (type === T.LParen) {
      depth++;
      if (depth === 1 && opensColumnList(current)) inColumnList = true;
    } else if (type === T.RParen) {
      depth = Math.max(0, depth - 1);
      if (depth === 0) inColumnList = false;
    } else if (type === T.Semicolon) {
      if (inColumnList && depth === 1 && startsColumnOrCloses(tokens, i + 1)) continue;
      items.push(current);
      current = [];
      depth = 0;
      inColumnList = false;
    }
  }
  if (current.length > 0) items.push(current);
  return items;
}

/** `table kvs(`: a collection kind, a name, then the `(` just pushed. */
function opensColumnList(current: readonly IToken[]): boolean {
  const n = current.length;
  if (n < 3) return false;
  return (
    tokenMatcher(current[n - 3]!, T.CollectionKindKeyword) &&
    tokenMatcher(current[n - 2]!, T.Name) &&
    !current.slice(0, n - 3).some((token) => token.tokenType === T.Semicolon)
  );
}

function startsColumnOrCloses(tokens: readonly IToken[], at: number): boolean {
  const next = tokens[at];
  if (next === undefined) return false;
  if (next.tokenType === T.At || next.tokenType === T.RParen) return true;
  const after = tokens[at + 1];
  return tokenMatcher(next, T.Name) && after !== undefined && after.tokenType === T.Colon;
}
