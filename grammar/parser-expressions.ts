// The grammar of rule bodies and expressions: argument lists, body literals and the expression
// precedence levels (`||`, `&&`, comparison, additive, multiplicative, unary, primary).
// In: HydroParserBase (parser-base.ts). Out: ExpressionGrammar, the class parser.ts extends with
// the items and declarations; together they are the one HydroParser.
// Body literals are parsed as expressions: `edge(x, y)` and `contains(s, x)` look alike, and
// build-ast.ts decides which calls are atoms. Every alternation's options are built once (`once`)
// and carry their own message, so a failed one costs no grammar walk (see parser-base.ts).

import * as T from "./tokens.ts";
import { EXPRESSION_EXPECTED, HydroParserBase, LITERAL_EXPECTED } from "./parser-base.ts";

export class ExpressionGrammar extends HydroParserBase {
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
