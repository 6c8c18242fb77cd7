//! Recursive-descent parser:
//!
//! ```text
//! expr    = and ("or" and)*
//! and     = unary ("and" unary)*
//! unary   = "not" unary | primary
//! primary = "(" expr ")" | field op value | field ["not"] "in" "[" value ("," value)* "]"
//! op      = "=" | "==" | "!=" | "<" | "<=" | ">" | ">="
//! value   = number | "text" | 'text' | null
//! ```
//!
//! Only `(` and `not` recurse, and both count towards [`MAX_DEPTH`], so the
//! parser's stack use is bounded whatever the input. `and`/`or` chains are
//! loops that build left-deep trees.

use super::ast::{Expr, LeafSpan, Value};
use super::error::QueryError;
use super::lexer::{Keyword, Tok, Token};
use super::MAX_DEPTH;

const VALUE: &str = r#"a value (number, "text" or null)"#;
const OPERATOR: &str = "an operator (=, !=, <, <=, >, >=), `in` or `not in`";

/// Parses a whole token list (ending in [`Tok::End`]) into a tree plus the
/// columns of each leaf, left to right.
pub(crate) fn parse(tokens: Vec<Token>) -> Result<(Expr, Vec<LeafSpan>), QueryError> {
    let mut p = Parser {
        tokens,
        pos: 0,
        depth: 0,
        spans: Vec::new(),
    };
    let expr = p.or()?;
    if p.peek().tok != Tok::End {
        return Err(p.unexpected("`and`, `or` or end of input"));
    }
    Ok((expr, p.spans))
}

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
    depth: usize,
    spans: Vec<LeafSpan>,
}

impl Parser {
    fn peek(&self) -> &Token {
        // The last token is End and is never consumed, so this is in bounds.
        &self.tokens[self.pos.min(self.tokens.len() - 1)]
    }

    fn bump(&mut self) -> Token {
        let t = self.peek().clone();
        if t.tok != Tok::End {
            self.pos += 1;
        }
        t
    }

    fn at_keyword(&self, k: Keyword) -> bool {
        self.peek().tok == Tok::Keyword(k)
    }

    fn unexpected(&self, expected: impl Into<String>) -> QueryError {
        let t = self.peek();
        QueryError::Syntax {
            column: t.column,
            expected: expected.into(),
            found: t.describe(),
        }
    }

    /// Enters one level of `(` or `not`, refusing to go past [`MAX_DEPTH`].
    fn enter(&mut self, column: usize) -> Result<(), QueryError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(QueryError::TooDeep {
                column,
                max: MAX_DEPTH,
            });
        }
        Ok(())
    }

    fn or(&mut self) -> Result<Expr, QueryError> {
        let mut left = self.and()?;
        while self.at_keyword(Keyword::Or) {
            self.bump();
            let right = self.and()?;
            left = Expr::or(left, right);
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Expr, QueryError> {
        let mut left = self.unary()?;
        while self.at_keyword(Keyword::And) {
            self.bump();
            let right = self.unary()?;
            left = Expr::and(left, right);
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Expr, QueryError> {
        if self.at_keyword(Keyword::Not) {
            let not = self.bump();
            self.enter(not.column)?;
            let inner = self.unary()?;
            self.depth -= 1;
            return Ok(Expr::negate(inner));
        }
        self.primary()
    }

    fn primary(&mut self) -> Result<Expr, QueryError> {
        let t = self.peek().clone();
        match t.tok {
            Tok::LParen => {
                self.bump();
                self.enter(t.column)?;
                let inner = self.or()?;
                if self.peek().tok != Tok::RParen {
                    return Err(self.unexpected(format!(
                        "`and`, `or` or `)` to close the `(` at column {}",
                        t.column
                    )));
                }
                self.bump();
                self.depth -= 1;
                Ok(inner)
            }
            Tok::Ident(field) => {
                self.bump();
                self.predicate(field, t.column)
            }
            _ => Err(self.unexpected("a field name, `not` or `(`")),
        }
    }

    /// After a field name: a comparison or a membership test.
    fn predicate(&mut self, field: String, field_col: usize) -> Result<Expr, QueryError> {
        let t = self.peek().clone();
        match t.tok {
            Tok::Op(op) => {
                self.bump();
                let (value, value_col) = self.value()?;
                if value == Value::Null && !op.is_equality() {
                    return Err(QueryError::Syntax {
                        column: value_col,
                        expected: format!(
                            "a number or \"text\" after `{}` (null only works with = and !=)",
                            t.raw
                        ),
                        found: "`null`".into(),
                    });
                }
                self.spans.push(LeafSpan {
                    field: field_col,
                    op: t.column,
                    values: vec![value_col],
                });
                Ok(Expr::Compare { field, op, value })
            }
            Tok::Keyword(Keyword::In) => {
                self.bump();
                self.list(field, field_col, t.column)
            }
            Tok::Keyword(Keyword::Not) => {
                self.bump();
                if !self.at_keyword(Keyword::In) {
                    return Err(self.unexpected("`in` after `not`"));
                }
                self.bump();
                Ok(Expr::negate(self.list(field, field_col, t.column)?))
            }
            _ => Err(self.unexpected(OPERATOR)),
        }
    }

    /// `[ value (, value)* ]`, after `in`.
    fn list(&mut self, field: String, field_col: usize, op_col: usize) -> Result<Expr, QueryError> {
        if self.peek().tok != Tok::LBracket {
            return Err(self.unexpected("`[` to start the list of values"));
        }
        self.bump();
        let mut values = Vec::new();
        let mut columns = Vec::new();
        loop {
            let (v, col) = self.value()?;
            values.push(v);
            columns.push(col);
            match self.peek().tok {
                Tok::Comma => {
                    self.bump();
                }
                Tok::RBracket => {
                    self.bump();
                    break;
                }
                _ => return Err(self.unexpected("`,` or `]`")),
            }
        }
        self.spans.push(LeafSpan {
            field: field_col,
            op: op_col,
            values: columns,
        });
        Ok(Expr::In { field, values })
    }

    fn value(&mut self) -> Result<(Value, usize), QueryError> {
        let t = self.peek().clone();
        let v = match t.tok {
            Tok::Number(x) => Value::Number(x),
            Tok::Text(s) => Value::Text(s),
            Tok::Keyword(Keyword::Null) => Value::Null,
            _ => return Err(self.unexpected(VALUE)),
        };
        self.bump();
        Ok((v, t.column))
    }
}
