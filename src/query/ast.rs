//! The syntax tree of a filter and its canonical text form.

use std::fmt::{self, Write};

/// A comparison operator. `==` is read as [`CmpOp::Eq`] and printed as `=`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CmpOp {
    /// `=` (also written `==`)
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

impl CmpOp {
    /// Every operator, for generators and help texts.
    pub const ALL: [CmpOp; 6] = [
        CmpOp::Eq,
        CmpOp::Ne,
        CmpOp::Lt,
        CmpOp::Le,
        CmpOp::Gt,
        CmpOp::Ge,
    ];

    /// The canonical spelling.
    pub fn symbol(self) -> &'static str {
        match self {
            CmpOp::Eq => "=",
            CmpOp::Ne => "!=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        }
    }

    /// Only `=` and `!=` make sense for text and for `null`.
    pub fn is_equality(self) -> bool {
        matches!(self, CmpOp::Eq | CmpOp::Ne)
    }

    /// Whether `left <op> right` holds given how `left` compares to `right`.
    pub fn holds(self, ord: std::cmp::Ordering) -> bool {
        use std::cmp::Ordering::*;
        match self {
            CmpOp::Eq => ord == Equal,
            CmpOp::Ne => ord != Equal,
            CmpOp::Lt => ord == Less,
            CmpOp::Le => ord != Greater,
            CmpOp::Gt => ord == Greater,
            CmpOp::Ge => ord != Less,
        }
    }
}

impl fmt::Display for CmpOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.symbol())
    }
}

/// A literal on the right of a comparison or inside an `in` list.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A finite number (the parser rejects anything that overflows `f64`).
    Number(f64),
    /// Text, already unescaped.
    Text(String),
    /// `null`: "this area has no value for the field".
    Null,
}

impl Value {
    /// Describes the value for error messages, e.g. `the number 3`.
    pub(crate) fn describe(&self) -> String {
        match self {
            Value::Number(_) => format!("the number {self}"),
            Value::Text(_) => format!("the text {self}"),
            Value::Null => "null".to_string(),
        }
    }
}

impl fmt::Display for Value {
    /// Prints a literal that the parser reads back to the same value: numbers
    /// in the shortest form that round-trips (exponent form for very large or
    /// small magnitudes, so that `1e300` stays short), text double-quoted with
    /// `\\`, `\"` and control characters escaped.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Number(x) => {
                let a = x.abs();
                if a == 0.0 || (1e-4..1e15).contains(&a) {
                    write!(f, "{x}")
                } else {
                    write!(f, "{x:e}")
                }
            }
            Value::Text(s) => {
                f.write_char('"')?;
                for c in s.chars() {
                    match c {
                        '"' => f.write_str("\\\"")?,
                        '\\' => f.write_str("\\\\")?,
                        '\n' => f.write_str("\\n")?,
                        '\t' => f.write_str("\\t")?,
                        '\r' => f.write_str("\\r")?,
                        c if c.is_control() => write!(f, "\\u{{{:x}}}", c as u32)?,
                        c => f.write_char(c)?,
                    }
                }
                f.write_char('"')
            }
            Value::Null => f.write_str("null"),
        }
    }
}

/// A filter expression. `and` binds tighter than `or`; `not` binds tighter
/// than both; chains are left-associative (`a or b or c` is `(a or b) or c`).
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// True if either side is (three-valued, see [`Truth`](super::Truth)).
    Or(Box<Expr>, Box<Expr>),
    /// True if both sides are.
    And(Box<Expr>, Box<Expr>),
    /// Negation; `not unknown` stays unknown.
    Not(Box<Expr>),
    /// `field op value`, e.g. `imd_decile <= 2`.
    Compare {
        /// Lower-case field name.
        field: String,
        /// The operator.
        op: CmpOp,
        /// The literal.
        value: Value,
    },
    /// `field in [v, ...]`: shorthand for `field = v or ...`. The parser never
    /// produces an empty list; an empty list matches nothing. `field not in
    /// [...]` is read as `Not(In { .. })`.
    In {
        /// Lower-case field name.
        field: String,
        /// The listed values.
        values: Vec<Value>,
    },
}

impl Expr {
    /// `a or b`
    pub fn or(a: Expr, b: Expr) -> Expr {
        Expr::Or(Box::new(a), Box::new(b))
    }

    /// `a and b`
    pub fn and(a: Expr, b: Expr) -> Expr {
        Expr::And(Box::new(a), Box::new(b))
    }

    /// `not a` (named `negate` so it does not look like `std::ops::Not`).
    pub fn negate(a: Expr) -> Expr {
        Expr::Not(Box::new(a))
    }

    /// `field op value`
    pub fn compare(field: impl Into<String>, op: CmpOp, value: Value) -> Expr {
        Expr::Compare {
            field: field.into(),
            op,
            value,
        }
    }

    /// `field in [values]`
    pub fn is_in(field: impl Into<String>, values: Vec<Value>) -> Expr {
        Expr::In {
            field: field.into(),
            values,
        }
    }

    /// The comparisons and memberships, left to right (the order the parser
    /// records their columns in).
    pub(crate) fn leaves(&self) -> Vec<&Expr> {
        fn walk<'a>(e: &'a Expr, out: &mut Vec<&'a Expr>) {
            match e {
                Expr::Or(a, b) | Expr::And(a, b) => {
                    walk(a, out);
                    walk(b, out);
                }
                Expr::Not(a) => walk(a, out),
                Expr::Compare { .. } | Expr::In { .. } => out.push(e),
            }
        }
        let mut out = Vec::new();
        walk(self, &mut out);
        out
    }

    /// Binding strength, used to print only the brackets that are needed.
    fn precedence(&self) -> u8 {
        match self {
            Expr::Or(..) => 1,
            Expr::And(..) => 2,
            Expr::Not(inner) if !matches!(**inner, Expr::In { .. }) => 3,
            _ => 4,
        }
    }
}

impl fmt::Display for Expr {
    /// The canonical form: lower-case keywords, single spaces, `=` for `==`,
    /// brackets only where the tree needs them, `x not in [...]` for a negated
    /// list. The parser reads it back to an equal tree.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        Render::new(f, None).expr(self, 0)
    }
}

/// Where the parts of one comparison or membership start (1-based character
/// columns), so that schema errors can point into the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LeafSpan {
    pub field: usize,
    pub op: usize,
    pub values: Vec<usize>,
}

/// Writes the canonical form while counting characters, optionally noting
/// where each leaf's parts land (used for filters built in code, whose errors
/// then point into their canonical text).
pub(crate) struct Render<'a> {
    out: &'a mut dyn Write,
    column: usize,
    spans: Option<&'a mut Vec<LeafSpan>>,
}

impl<'a> Render<'a> {
    pub(crate) fn new(out: &'a mut dyn Write, spans: Option<&'a mut Vec<LeafSpan>>) -> Self {
        Render {
            out,
            column: 1,
            spans,
        }
    }

    fn text(&mut self, s: &str) -> fmt::Result {
        self.column += s.chars().count();
        self.out.write_str(s)
    }

    fn value(&mut self, v: &Value) -> fmt::Result {
        self.text(&v.to_string())
    }

    pub(crate) fn expr(&mut self, e: &Expr, min_precedence: u8) -> fmt::Result {
        let bracket = e.precedence() < min_precedence;
        if bracket {
            self.text("(")?;
        }
        match e {
            Expr::Or(a, b) => {
                self.expr(a, 1)?;
                self.text(" or ")?;
                self.expr(b, 2)?;
            }
            Expr::And(a, b) => {
                self.expr(a, 2)?;
                self.text(" and ")?;
                self.expr(b, 3)?;
            }
            Expr::Not(inner) => match &**inner {
                Expr::In { field, values } => self.list(field, true, values)?,
                other => {
                    self.text("not ")?;
                    self.expr(other, 3)?;
                }
            },
            Expr::Compare { field, op, value } => {
                let field_col = self.column;
                self.text(field)?;
                self.text(" ")?;
                let op_col = self.column;
                self.text(op.symbol())?;
                self.text(" ")?;
                let value_col = self.column;
                self.value(value)?;
                self.note(LeafSpan {
                    field: field_col,
                    op: op_col,
                    values: vec![value_col],
                });
            }
            Expr::In { field, values } => self.list(field, false, values)?,
        }
        if bracket {
            self.text(")")?;
        }
        Ok(())
    }

    fn list(&mut self, field: &str, negated: bool, values: &[Value]) -> fmt::Result {
        let field_col = self.column;
        self.text(field)?;
        self.text(" ")?;
        let op_col = self.column;
        self.text(if negated { "not in [" } else { "in [" })?;
        let mut cols = Vec::with_capacity(values.len());
        for (i, v) in values.iter().enumerate() {
            if i > 0 {
                self.text(", ")?;
            }
            cols.push(self.column);
            self.value(v)?;
        }
        self.text("]")?;
        self.note(LeafSpan {
            field: field_col,
            op: op_col,
            values: cols,
        });
        Ok(())
    }

    fn note(&mut self, span: LeafSpan) {
        if let Some(spans) = self.spans.as_deref_mut() {
            spans.push(span);
        }
    }
}
