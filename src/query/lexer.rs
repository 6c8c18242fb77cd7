//! Splits filter text into tokens, each tagged with its 1-based character column.
//!
//! Characters that start no token become [`Tok::Stray`] rather than an error,
//! so the parser can say what it expected at that point. Mistakes *inside* a
//! token (an unterminated string, a bad escape, `12abc`) are reported here.

use super::ast::CmpOp;
use super::error::QueryError;

/// Reserved words; they are matched case-insensitively and cannot be field names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Keyword {
    And,
    Or,
    Not,
    In,
    Null,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Tok {
    /// A field name, lower-cased.
    Ident(String),
    Keyword(Keyword),
    Number(f64),
    /// Unescaped text.
    Text(String),
    Op(CmpOp),
    LParen,
    RParen,
    LBracket,
    RBracket,
    Comma,
    /// A character that starts no token.
    Stray(char),
    End,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Token {
    pub tok: Tok,
    /// 1-based character column of the first character.
    pub column: usize,
    /// The source text of the token, for error messages.
    pub raw: String,
}

impl Token {
    /// How the token reads in an error message ("found ...").
    pub fn describe(&self) -> String {
        match self.tok {
            Tok::End => "end of input".to_string(),
            Tok::Keyword(_) => format!("keyword `{}`", self.raw),
            Tok::Stray(c) => format!("`{}`", c.escape_debug()),
            _ => format!("`{}`", shorten(&self.raw)),
        }
    }
}

/// Keeps error messages readable when someone pastes a long string.
pub(crate) fn shorten(s: &str) -> String {
    const MAX: usize = 40;
    if s.chars().count() <= MAX {
        s.to_string()
    } else {
        let mut out: String = s.chars().take(MAX - 1).collect();
        out.push('…');
        out
    }
}

fn keyword(lower: &str) -> Option<Keyword> {
    Some(match lower {
        "and" => Keyword::And,
        "or" => Keyword::Or,
        "not" => Keyword::Not,
        "in" => Keyword::In,
        "null" => Keyword::Null,
        _ => return None,
    })
}

pub(crate) fn is_ident_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_'
}

pub(crate) fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

fn syntax(column: usize, expected: impl Into<String>, found: impl Into<String>) -> QueryError {
    QueryError::Syntax {
        column,
        expected: expected.into(),
        found: found.into(),
    }
}

/// Tokenises `chars` (the whole input); the last token is always [`Tok::End`].
pub(crate) fn tokenize(chars: &[char]) -> Result<Vec<Token>, QueryError> {
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        let column = i + 1;
        let peek = chars.get(i + 1).copied();
        let tok = match c {
            '(' => {
                i += 1;
                Tok::LParen
            }
            ')' => {
                i += 1;
                Tok::RParen
            }
            '[' => {
                i += 1;
                Tok::LBracket
            }
            ']' => {
                i += 1;
                Tok::RBracket
            }
            ',' => {
                i += 1;
                Tok::Comma
            }
            '=' => {
                i += if peek == Some('=') { 2 } else { 1 };
                Tok::Op(CmpOp::Eq)
            }
            '!' if peek == Some('=') => {
                i += 2;
                Tok::Op(CmpOp::Ne)
            }
            '<' | '>' => {
                let or_equal = peek == Some('=');
                i += if or_equal { 2 } else { 1 };
                Tok::Op(match (c, or_equal) {
                    ('<', false) => CmpOp::Lt,
                    ('<', true) => CmpOp::Le,
                    ('>', false) => CmpOp::Gt,
                    _ => CmpOp::Ge,
                })
            }
            '"' | '\'' => {
                let (text, next) = string(chars, i)?;
                i = next;
                Tok::Text(text)
            }
            c if c.is_ascii_digit() || (c == '-' && peek.is_some_and(|p| p.is_ascii_digit())) => {
                let (x, next) = number(chars, i)?;
                i = next;
                Tok::Number(x)
            }
            c if is_ident_start(c) => {
                while i < chars.len() && is_ident_char(chars[i]) {
                    i += 1;
                }
                let lower: String = chars[start..i]
                    .iter()
                    .map(|c| c.to_ascii_lowercase())
                    .collect();
                match keyword(&lower) {
                    Some(k) => Tok::Keyword(k),
                    None => Tok::Ident(lower),
                }
            }
            c => {
                i += 1;
                Tok::Stray(c)
            }
        };
        tokens.push(Token {
            tok,
            column,
            raw: chars[start..i].iter().collect(),
        });
    }
    tokens.push(Token {
        tok: Tok::End,
        column: chars.len() + 1,
        raw: String::new(),
    });
    Ok(tokens)
}

/// Reads `-?digits(.digits)?([eE][+-]?digits)?` starting at `start`.
fn number(chars: &[char], start: usize) -> Result<(f64, usize), QueryError> {
    let digit_at = |j: usize| chars.get(j).is_some_and(|c| c.is_ascii_digit());
    let mut i = start;
    if chars[i] == '-' {
        i += 1;
    }
    while digit_at(i) {
        i += 1;
    }
    if chars.get(i) == Some(&'.') && digit_at(i + 1) {
        i += 1;
        while digit_at(i) {
            i += 1;
        }
    }
    if matches!(chars.get(i), Some('e' | 'E')) {
        let sign = matches!(chars.get(i + 1), Some('+' | '-'));
        let first = i + 1 + usize::from(sign);
        if digit_at(first) {
            i = first;
            while digit_at(i) {
                i += 1;
            }
        }
    }
    // A number glued to letters, dots or more digits (`12abc`, `1.`, `1.2.3`)
    // is one malformed word, not a number followed by something else.
    if chars.get(i).is_some_and(|&c| is_ident_char(c) || c == '.') {
        let mut end = i;
        while chars
            .get(end)
            .is_some_and(|&c| is_ident_char(c) || c == '.')
        {
            end += 1;
        }
        let raw: String = chars[start..end].iter().collect();
        return Err(syntax(
            start + 1,
            "a number such as 12, -3.5 or 1e3",
            format!("`{}`", shorten(&raw)),
        ));
    }
    let raw: String = chars[start..i].iter().collect();
    match raw.parse::<f64>() {
        Ok(x) if x.is_finite() => Ok((x, i)),
        _ => Err(syntax(
            start + 1,
            "a number between -1.7e308 and 1.7e308",
            format!("`{}`", shorten(&raw)),
        )),
    }
}

/// Reads a quoted string starting at the quote `chars[start]`.
fn string(chars: &[char], start: usize) -> Result<(String, usize), QueryError> {
    let quote = chars[start];
    let mut out = String::new();
    let mut i = start + 1;
    loop {
        let Some(&c) = chars.get(i) else {
            return Err(syntax(
                chars.len() + 1,
                format!(
                    "a closing {quote} for the text that starts at column {}",
                    start + 1
                ),
                "end of input",
            ));
        };
        if c == quote {
            return Ok((out, i + 1));
        }
        if c != '\\' {
            out.push(c);
            i += 1;
            continue;
        }
        const ESCAPES: &str = r#"an escape (\\, \", \', \n, \t, \r or \u{hex})"#;
        let escape_col = i + 1;
        let Some(&e) = chars.get(i + 1) else {
            return Err(syntax(escape_col + 1, ESCAPES, "end of input"));
        };
        i += 2;
        match e {
            '\\' | '"' | '\'' => out.push(e),
            'n' => out.push('\n'),
            't' => out.push('\t'),
            'r' => out.push('\r'),
            'u' => {
                let (c, next) = unicode_escape(chars, i, escape_col)?;
                out.push(c);
                i = next;
            }
            other => {
                return Err(syntax(
                    escape_col,
                    ESCAPES,
                    format!("`\\{}`", other.escape_debug()),
                ))
            }
        }
    }
}

/// Reads `{hex}` after `\u`; `i` is just past the `u`.
fn unicode_escape(
    chars: &[char],
    i: usize,
    escape_col: usize,
) -> Result<(char, usize), QueryError> {
    const EXPECTED: &str = r"a unicode escape such as \u{e9}";
    let mut j = i;
    let mut ok = chars.get(j) == Some(&'{');
    j += 1;
    let digits_from = j;
    while ok && chars.get(j).is_some_and(|c| c.is_ascii_hexdigit()) && j - digits_from < 6 {
        j += 1;
    }
    let hex: String = chars
        .get(digits_from..j)
        .unwrap_or_default()
        .iter()
        .collect();
    ok = ok && !hex.is_empty() && chars.get(j) == Some(&'}');
    let decoded = if ok {
        u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32)
    } else {
        None
    };
    match decoded {
        Some(c) => Ok((c, j + 1)),
        None => {
            let end = (j + 1).min(chars.len());
            let raw: String = chars[escape_col - 1..end.max(escape_col)].iter().collect();
            Err(syntax(escape_col, EXPECTED, format!("`{}`", shorten(&raw))))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Vec<Tok> {
        let chars: Vec<char> = s.chars().collect();
        tokenize(&chars)
            .unwrap()
            .into_iter()
            .map(|t| t.tok)
            .collect()
    }

    fn err(s: &str) -> QueryError {
        let chars: Vec<char> = s.chars().collect();
        tokenize(&chars).unwrap_err()
    }

    #[test]
    fn operators_and_punctuation() {
        assert_eq!(
            toks("= == != < <= > >= ( ) [ ] ,"),
            vec![
                Tok::Op(CmpOp::Eq),
                Tok::Op(CmpOp::Eq),
                Tok::Op(CmpOp::Ne),
                Tok::Op(CmpOp::Lt),
                Tok::Op(CmpOp::Le),
                Tok::Op(CmpOp::Gt),
                Tok::Op(CmpOp::Ge),
                Tok::LParen,
                Tok::RParen,
                Tok::LBracket,
                Tok::RBracket,
                Tok::Comma,
                Tok::End
            ]
        );
    }

    #[test]
    fn glued_tokens_split() {
        assert_eq!(
            toks("a<=-1"),
            vec![
                Tok::Ident("a".into()),
                Tok::Op(CmpOp::Le),
                Tok::Number(-1.0),
                Tok::End
            ]
        );
    }

    #[test]
    fn numbers() {
        assert_eq!(toks("1500.5")[0], Tok::Number(1500.5));
        assert_eq!(toks("-1e3")[0], Tok::Number(-1000.0));
        assert_eq!(toks("2.5E-2")[0], Tok::Number(0.025));
        assert_eq!(toks("7e+1")[0], Tok::Number(70.0));
        assert_eq!(toks("0")[0], Tok::Number(0.0));
    }

    #[test]
    fn malformed_numbers() {
        for (s, found) in [
            ("12abc", "`12abc`"),
            ("1.", "`1.`"),
            ("1.2.3", "`1.2.3`"),
            ("3e", "`3e`"),
        ] {
            match err(s) {
                QueryError::Syntax {
                    column, found: f, ..
                } => {
                    assert_eq!(column, 1, "{s}");
                    assert_eq!(f, found);
                }
                e => panic!("{s}: {e:?}"),
            }
        }
        assert!(matches!(
            err("x = 1e999"),
            QueryError::Syntax { column: 5, .. }
        ));
    }

    #[test]
    fn keywords_any_case_fields_lowercased() {
        assert_eq!(
            toks("AND Or nOt IN Null IMD_Decile"),
            vec![
                Tok::Keyword(Keyword::And),
                Tok::Keyword(Keyword::Or),
                Tok::Keyword(Keyword::Not),
                Tok::Keyword(Keyword::In),
                Tok::Keyword(Keyword::Null),
                Tok::Ident("imd_decile".into()),
                Tok::End
            ]
        );
    }

    #[test]
    fn string_escapes() {
        assert_eq!(
            toks(r#""a\"b\\c\n\t\r\u{e9}\u{1F600}" 'it\'s' 'say "hi"'"#),
            vec![
                Tok::Text("a\"b\\c\n\t\r\u{e9}\u{1F600}".into()),
                Tok::Text("it's".into()),
                Tok::Text("say \"hi\"".into()),
                Tok::End
            ]
        );
    }

    #[test]
    fn bad_escapes_point_at_backslash() {
        assert_eq!(
            err(r#"name = "ab\qc""#),
            QueryError::Syntax {
                column: 11,
                expected: r#"an escape (\\, \", \', \n, \t, \r or \u{hex})"#.into(),
                found: r"`\q`".into()
            }
        );
        for s in [
            r#""\u{}""#,
            r#""\u{110000}""#,
            r#""\u{d800}""#,
            r#""\u12""#,
            r#""\u{1234567}""#,
        ] {
            assert!(
                matches!(err(s), QueryError::Syntax { column: 2, .. }),
                "{s}"
            );
        }
    }

    #[test]
    fn unterminated_string_reports_end() {
        assert_eq!(
            err("name = 'Café"),
            QueryError::Syntax {
                column: 13,
                expected: "a closing ' for the text that starts at column 8".into(),
                found: "end of input".into()
            }
        );
    }

    #[test]
    fn stray_characters_are_tokens() {
        assert_eq!(toks("# é")[..2], [Tok::Stray('#'), Tok::Stray('é')]);
        // Column counts characters: "é" is two bytes but one column.
        let chars: Vec<char> = "é #".chars().collect();
        assert_eq!(tokenize(&chars).unwrap()[1].column, 3);
    }
}
