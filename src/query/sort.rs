//! Sort keys such as `imd_rank`, `imd_rank:desc` or `-imd_rank`.

use std::cmp::Ordering;
use std::fmt;

use super::error::QueryError;
use super::eval::Record;
use super::lexer::{is_ident_char, is_ident_start, shorten};
use super::schema::{known_field, Schema};
use super::MAX_INPUT_CHARS;

/// Order rows by one field.
///
/// Numbers sort numerically, text ASCII-case-insensitively (then exactly, so
/// the order is total), numbers before text if a field mixes both. Rows with
/// no value sort last in *both* directions, so "worst first" lists never start
/// with blanks.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SortKey {
    /// Lower-case field name.
    pub field: String,
    /// Largest first.
    pub descending: bool,
}

fn syntax(column: usize, expected: &str, found: String) -> QueryError {
    QueryError::Syntax {
        column,
        expected: expected.to_string(),
        found,
    }
}

fn describe(chars: &[char], i: usize) -> String {
    match chars.get(i) {
        None => "end of input".to_string(),
        Some(c) => format!("`{}`", c.escape_debug()),
    }
}

impl SortKey {
    /// Ascending order by `field`.
    pub fn ascending(field: impl Into<String>) -> SortKey {
        SortKey {
            field: field.into(),
            descending: false,
        }
    }

    /// Descending order by `field`.
    pub fn descending(field: impl Into<String>) -> SortKey {
        SortKey {
            field: field.into(),
            descending: true,
        }
    }

    /// Reads `field`, `field:asc`, `field:desc`, `-field` or `+field`
    /// (surrounding spaces allowed, field and direction case-insensitive).
    pub fn parse(s: &str) -> Result<SortKey, QueryError> {
        let chars: Vec<char> = s.chars().collect();
        if chars.len() > MAX_INPUT_CHARS {
            return Err(QueryError::TooLong {
                length: chars.len(),
                max: MAX_INPUT_CHARS,
            });
        }
        let mut i = 0;
        while chars.get(i).is_some_and(|c| c.is_whitespace()) {
            i += 1;
        }
        let sign = match chars.get(i) {
            Some('-') => Some(true),
            Some('+') => Some(false),
            _ => None,
        };
        if sign.is_some() {
            i += 1;
        }
        if !chars.get(i).is_some_and(|&c| is_ident_start(c)) {
            return Err(syntax(
                i + 1,
                "a field name to sort by",
                describe(&chars, i),
            ));
        }
        let start = i;
        while chars.get(i).is_some_and(|&c| is_ident_char(c)) {
            i += 1;
        }
        let field: String = chars[start..i]
            .iter()
            .map(|c| c.to_ascii_lowercase())
            .collect();
        let mut descending = sign.unwrap_or(false);
        if chars.get(i) == Some(&':') {
            let colon = i + 1;
            i += 1;
            let dir_start = i;
            while chars.get(i).is_some_and(|&c| is_ident_char(c)) {
                i += 1;
            }
            let dir: String = chars[dir_start..i]
                .iter()
                .collect::<String>()
                .to_ascii_lowercase();
            let raw: String = chars[colon - 1..i].iter().collect();
            if sign.is_some() {
                return Err(syntax(
                    colon,
                    "end of sort key (the leading sign already gives the direction)",
                    format!("`{}`", shorten(&raw)),
                ));
            }
            descending = match dir.as_str() {
                "asc" => false,
                "desc" => true,
                _ if dir.is_empty() => {
                    return Err(syntax(
                        dir_start + 1,
                        "`asc` or `desc` after `:`",
                        describe(&chars, i),
                    ))
                }
                _ => {
                    return Err(syntax(
                        dir_start + 1,
                        "`asc` or `desc` after `:`",
                        format!("`{}`", shorten(&dir)),
                    ))
                }
            };
        }
        while chars.get(i).is_some_and(|c| c.is_whitespace()) {
            i += 1;
        }
        if i < chars.len() {
            let expected = if sign.is_some() {
                "end of sort key"
            } else {
                "`:asc`, `:desc` or end of sort key"
            };
            return Err(syntax(i + 1, expected, describe(&chars, i)));
        }
        Ok(SortKey { field, descending })
    }

    /// Checks that the field exists (columns refer to the canonical form).
    pub fn check<S: Schema + ?Sized>(&self, schema: &S) -> Result<(), QueryError> {
        known_field(&self.field, 1, schema).map(|_| ())
    }

    /// Orders two rows by this key; missing values last whichever the
    /// direction. Equal keys give `Equal`: a stable sort keeps input order,
    /// and any further tie-break is the caller's.
    pub fn compare<R: Record + ?Sized>(&self, a: &R, b: &R) -> Ordering {
        match (key(a, &self.field), key(b, &self.field)) {
            (Key::Missing, Key::Missing) => Ordering::Equal,
            (Key::Missing, _) => Ordering::Greater,
            (_, Key::Missing) => Ordering::Less,
            (x, y) => {
                let o = present_order(&x, &y);
                if self.descending {
                    o.reverse()
                } else {
                    o
                }
            }
        }
    }
}

impl fmt::Display for SortKey {
    /// `field` or `field:desc`; [`SortKey::parse`] reads it back.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.field)?;
        if self.descending {
            f.write_str(":desc")?;
        }
        Ok(())
    }
}

impl std::str::FromStr for SortKey {
    type Err = QueryError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        SortKey::parse(s)
    }
}

enum Key<'a> {
    Number(f64),
    Text(&'a str),
    Missing,
}

fn key<'a, R: Record + ?Sized>(r: &'a R, field: &str) -> Key<'a> {
    match r.number(field) {
        Some(x) if !x.is_nan() => Key::Number(x),
        _ => r.text(field).map_or(Key::Missing, Key::Text),
    }
}

fn present_order(a: &Key<'_>, b: &Key<'_>) -> Ordering {
    match (a, b) {
        // Not NaN (see `key`), so partial_cmp answers; -0 equals 0.
        (Key::Number(x), Key::Number(y)) => x.partial_cmp(y).unwrap_or(Ordering::Equal),
        (Key::Number(_), _) => Ordering::Less,
        (_, Key::Number(_)) => Ordering::Greater,
        (Key::Text(x), Key::Text(y)) => {
            let fold_x = x.bytes().map(|c| c.to_ascii_lowercase());
            let fold_y = y.bytes().map(|c| c.to_ascii_lowercase());
            fold_x.cmp(fold_y).then_with(|| x.cmp(y))
        }
        _ => Ordering::Equal,
    }
}
