// The ground the grammar's rules stand on: a chevrotain CstParser subclass with the parser's
// configuration, the plain-word error messages, and the two caches that keep parsing fast.
// In: the token vocabulary (tokens.ts). Out: HydroParserBase, which parser-expressions.ts and
// parser.ts extend with rules, and the message texts those rules share.
// Why a base class: chevrotain builds one grammar per parser class, and its rules may be spread
// over a chain of subclasses (grammar inheritance) as long as performSelfAnalysis runs once, in
// the most derived constructor (HydroParser in parser.ts), after every rule field exists. So the
// rules live in files by concern while the one instance and its caches stay as they were.

import type { IParserErrorMessageProvider, TokenType } from "chevrotain";
import { chevrotain } from "./chevrotain.ts";

const { CstParser, NoViableAltException } = chevrotain;
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

export const RULE_END = "expected `;` after the rule (or `,` before another body literal)";

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

export const TYPE_EXPECTED = "a column type such as int, string or max<int>";
export const EXPRESSION_EXPECTED = 'an expression such as x, 42, "text" or len(s)';
export const LITERAL_EXPECTED = "a body literal such as edge(x, y), !done(x), x < 3 or x in s";

/**
 * The configuration and caches of the one parser; rules only in subclasses. The most derived
 * class calls performSelfAnalysis and then cacheErrorPathComputations in its constructor.
 */
export class HydroParserBase extends CstParser {
  constructor() {
    super(T.allTokens, {
      recoveryEnabled: true,
      maxLookahead: 3,
      errorMessageProvider: messages,
      nodeLocationTracking: "onlyOffset",
      // The grammar's own checks (ambiguities, left recursion) run whenever the sources run —
      // every test does — and are skipped in the built copy, where they only cost start-up.
      skipValidations: import.meta.url.endsWith(".js"),
    });
  }

  /**
   * The option objects of OR, MANY_SEP, … are built once per call site, not on every call:
   * creating their closures each time dominated parsing (chevrotain advises caching them).
   */
  private readonly optionCache = new Map<string, unknown>();
  protected once<V>(site: string, make: () => V): V {
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
  protected cacheErrorPathComputations(): void {
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
}
