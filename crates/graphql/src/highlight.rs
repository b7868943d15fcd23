//! Token kinds for highlighting GraphQL and JSON, one line at a time.
//!
//! Hand-written rather than syntect: both grammars are tiny at the lexical
//! level, and a small lexer costs nothing at start-up (syntect loads its syntax
//! set in tens of milliseconds) and highlights a visible line in microseconds.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Plain,
    Keyword,
    Name,
    Variable,
    String,
    Number,
    Punctuation,
    Comment,
    /// A JSON object key.
    Key,
    /// true, false, null
    Literal,
}

/// Splits one line of GraphQL into (kind, text) runs that cover it exactly.
pub fn graphql_line(line: &str) -> Vec<(Kind, &str)> {
    const KEYWORDS: [&str; 12] = [
        "query",
        "mutation",
        "subscription",
        "fragment",
        "on",
        "true",
        "false",
        "null",
        "schema",
        "type",
        "input",
        "enum",
    ];
    let mut runs = Vec::new();
    let bytes = line.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        let c = bytes[i];
        let kind = match c {
            b'#' => {
                i = bytes.len();
                Kind::Comment
            }
            b'"' => {
                i = string_end(bytes, i);
                Kind::String
            }
            b'$' => {
                i += 1;
                while i < bytes.len() && is_name_byte(bytes[i]) {
                    i += 1;
                }
                Kind::Variable
            }
            c if c.is_ascii_digit() || c == b'-' => {
                i += 1;
                while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'.') {
                    i += 1;
                }
                Kind::Number
            }
            c if is_name_byte(c) => {
                while i < bytes.len() && is_name_byte(bytes[i]) {
                    i += 1;
                }
                if KEYWORDS.contains(&&line[start..i]) {
                    Kind::Keyword
                } else {
                    Kind::Name
                }
            }
            b'{' | b'}' | b'(' | b')' | b'[' | b']' | b':' | b'!' | b'=' | b'@' | b'|' | b'&' => {
                i += 1;
                Kind::Punctuation
            }
            _ => {
                i = run_end(bytes, i + 1, starts_token);
                Kind::Plain
            }
        };
        i = push_run(&mut runs, line, kind, start, i);
    }
    runs
}

/// Splits one line of (pretty-printed) JSON into runs.
pub fn json_line(line: &str) -> Vec<(Kind, &str)> {
    let mut runs = Vec::new();
    let bytes = line.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        let kind = match bytes[i] {
            b'"' => {
                i = string_end(bytes, i);
                let rest = line[i..].trim_start();
                if rest.starts_with(':') {
                    Kind::Key
                } else {
                    Kind::String
                }
            }
            c if c.is_ascii_digit() || c == b'-' => {
                while i < bytes.len()
                    && (bytes[i].is_ascii_digit()
                        || matches!(bytes[i], b'-' | b'+' | b'.' | b'e' | b'E'))
                {
                    i += 1;
                }
                Kind::Number
            }
            b't' | b'f' | b'n' => {
                while i < bytes.len() && bytes[i].is_ascii_alphabetic() {
                    i += 1;
                }
                Kind::Literal
            }
            b'{' | b'}' | b'[' | b']' | b':' | b',' => {
                i += 1;
                Kind::Punctuation
            }
            _ => {
                i = run_end(bytes, i + 1, |b| {
                    matches!(b, b'"' | b'{' | b'}' | b'[' | b']' | b':' | b',' | b'-')
                        || b.is_ascii_alphanumeric()
                });
                Kind::Plain
            }
        };
        i = push_run(&mut runs, line, kind, start, i);
    }
    runs
}

/// Where a plain run that began before `from` ends: at the first byte that starts a token.
fn run_end(bytes: &[u8], mut from: usize, starts: impl Fn(u8) -> bool) -> usize {
    while from < bytes.len() && !starts(bytes[from]) {
        from += 1;
    }
    from
}

/// Records `line[start..end]` as a run, moving `end` off any UTF-8
/// continuation byte so a character is never split; returns the new end.
fn push_run<'a>(
    runs: &mut Vec<(Kind, &'a str)>,
    line: &'a str,
    kind: Kind,
    start: usize,
    mut end: usize,
) -> usize {
    while end < line.len() && !line.is_char_boundary(end) {
        end += 1;
    }
    runs.push((kind, &line[start..end]));
    end
}

/// The index just past the string that opens with the quote at `open`
/// (escapes skipped; the end of the input if it never closes).
pub fn string_end(bytes: &[u8], open: usize) -> usize {
    let mut i = open + 1;
    while i < bytes.len() && bytes[i] != b'"' {
        i += if bytes[i] == b'\\' { 2 } else { 1 };
    }
    (i + 1).min(bytes.len())
}

fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

fn starts_token(b: u8) -> bool {
    is_name_byte(b) || b"#\"${}()[]:!=@|&-".contains(&b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn graphql_runs_cover_the_line_with_kinds() {
        let line = r#"query Get($slug: ID!) { pipeline(slug: "a/b") { name } } # hi"#;
        let runs = graphql_line(line);
        let joined: String = runs.iter().map(|(_, t)| *t).collect();
        assert_eq!(joined, line);
        assert!(runs.contains(&(Kind::Keyword, "query")));
        assert!(runs.contains(&(Kind::Variable, "$slug")));
        assert!(runs.contains(&(Kind::String, "\"a/b\"")));
        assert!(runs.contains(&(Kind::Comment, "# hi")));
    }

    #[test]
    fn json_keys_differ_from_string_values() {
        let runs = json_line(r#"  "name": "Web", "n": -1.5e3, "ok": true"#);
        assert!(runs.contains(&(Kind::Key, "\"name\"")));
        assert!(runs.contains(&(Kind::String, "\"Web\"")));
        assert!(runs.contains(&(Kind::Number, "-1.5e3")));
        assert!(runs.contains(&(Kind::Literal, "true")));
    }

    #[test]
    fn multibyte_text_is_never_split() {
        let line = "  name # héllo ✓ «»";
        let joined: String = graphql_line(line).iter().map(|(_, t)| *t).collect();
        assert_eq!(joined, line);
        let joined: String = json_line("\"é✓\": «x»").iter().map(|(_, t)| *t).collect();
        assert_eq!(joined, "\"é✓\": «x»");
    }
}
