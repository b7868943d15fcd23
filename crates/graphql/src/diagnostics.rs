//! Parse diagnostics of a GraphQL document: every syntax error, with its
//! line and column, not just the first (apollo-parser recovers and goes on).

/// One problem in a document. Lines and columns start at 1; columns count chars.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub line: usize,
    pub column: usize,
    /// How many chars to underline (at least 1).
    pub width: usize,
    pub message: String,
    pub kind: DiagnosticKind,
}

/// Whether the text is malformed, or well formed but wrong for the schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiagnosticKind {
    Syntax,
    Schema,
}

/// "2 syntax errors", "1 schema error", "1 syntax error, 3 schema errors".
pub fn summary(diagnostics: &[Diagnostic]) -> String {
    let count = |kind| diagnostics.iter().filter(|d| d.kind == kind).count();
    let part = |n: usize, what: &str| match n {
        0 => None,
        1 => Some(format!("1 {what} error")),
        n => Some(format!("{n} {what} errors")),
    };
    [
        part(count(DiagnosticKind::Syntax), "syntax"),
        part(count(DiagnosticKind::Schema), "schema"),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(", ")
}

/// What an empty (or blank) document is told.
pub const EMPTY_DOCUMENT: &str = "the document is empty: a portal needs at least one operation";

/// The syntax errors of `document`, in document order. Empty when it parses.
///
/// A `{` that is never closed is reported where it opens, once, instead of
/// the errors it causes after it (at the document's end, or where the next
/// operation is read as a field of the open one): the errors are those of
/// the document with the missing `}` put where its layout says it belongs.
pub fn parse_diagnostics(document: &str) -> Vec<Diagnostic> {
    if document.trim().is_empty() {
        // One message that says what to do, not the parser's `<EOF>`.
        return vec![Diagnostic {
            line: 1,
            column: 1,
            width: 1,
            message: EMPTY_DOCUMENT.into(),
            kind: DiagnosticKind::Syntax,
        }];
    }
    let mut problems = syntax_errors(document);
    let unclosed = if problems.is_empty() {
        Vec::new()
    } else {
        unclosed_braces(document)
    };
    if !unclosed.is_empty() {
        let mut closes: Vec<usize> = unclosed.iter().map(|u| u.close_at).collect();
        closes.sort_unstable();
        let mut repaired = String::with_capacity(document.len() + closes.len());
        let mut from = 0;
        for &at in &closes {
            repaired.push_str(&document[from..at]);
            repaired.push('}');
            from = at;
        }
        repaired.push_str(&document[from..]);
        problems = syntax_errors(&repaired);
        for problem in &mut problems {
            // Back to the document's offsets: less the `}` put before it.
            let before = closes
                .iter()
                .enumerate()
                .take_while(|&(k, &at)| at + k < problem.0)
                .count();
            problem.0 -= before;
        }
        problems.extend(
            unclosed
                .iter()
                .map(|u| (u.open_at, 1, "this `{` is never closed".to_owned())),
        );
    }
    // Positions are found walking the text once, in order: a pasted
    // megabyte with an error on every line costs a megabyte, not one scan
    // from the start per error.
    problems.sort_by_key(|&(at, _, _)| at);
    let mut position = Position::new(document);
    let mut found: Vec<Diagnostic> = problems
        .into_iter()
        .map(|(at, width, message)| {
            let (line, column) = position.at(at);
            Diagnostic {
                line,
                column,
                width,
                message,
                kind: DiagnosticKind::Syntax,
            }
        })
        .collect();
    found.sort_by_key(|d| (d.line, d.column));
    found.dedup();
    found
}

/// The parser's errors: byte offset, width in chars, readable message.
fn syntax_errors(document: &str) -> Vec<(usize, usize, String)> {
    let tree = apollo_parser::Parser::new(document).parse();
    // Few messages, often repeated: each is made readable once.
    let mut messages = std::collections::HashMap::new();
    tree.errors()
        .map(|error| {
            let message = messages
                .entry(error.message())
                .or_insert_with(|| readable(error.message()))
                .clone();
            let width = error.data().chars().count().max(1);
            (error.index(), width, message)
        })
        .collect()
}

/// A `{` never closed, and where its `}` belongs (byte offsets).
#[derive(Debug)]
struct Unclosed {
    open_at: usize,
    close_at: usize,
}

/// The `{` that are never closed, in order (none when there are as many
/// `}`). Which ones: a `}` that starts a line closes the open `{` of its
/// indentation, so the `{` opened on lines indented deeper are the unclosed
/// ones, closing just before it (as a reader would see it); else the
/// outermost left open, closing at the end.
fn unclosed_braces(document: &str) -> Vec<Unclosed> {
    use apollo_parser::{Lexer, TokenKind};
    let braces: Vec<(usize, bool)> = Lexer::new(document)
        .flatten()
        .take_while(|token| token.kind() != TokenKind::Eof)
        .filter_map(|token| match token.kind() {
            TokenKind::LCurly => Some((token.index(), true)),
            TokenKind::RCurly => Some((token.index(), false)),
            _ => None,
        })
        .collect();
    let opens = braces.iter().filter(|(_, open)| *open).count();
    let missing = opens.saturating_sub(braces.len() - opens);
    if missing == 0 {
        return Vec::new();
    }
    let mut open: Vec<usize> = Vec::new();
    let mut unclosed = Vec::new();
    for (at, is_open) in braces {
        if is_open {
            open.push(at);
            continue;
        }
        if let Some(indent) = starts_line(document, at) {
            while let Some(&inner) = open.last() {
                if indent_of_line(document, inner) <= indent {
                    break;
                }
                unclosed.push(Unclosed {
                    open_at: inner,
                    close_at: at,
                });
                open.pop();
            }
        }
        open.pop();
    }
    unclosed.extend(open.into_iter().map(|open_at| Unclosed {
        open_at,
        close_at: document.len(),
    }));
    unclosed.truncate(missing);
    unclosed.sort_unstable_by_key(|u| u.open_at);
    unclosed
}

/// The start of the line holding byte `at`.
fn line_start(document: &str, at: usize) -> usize {
    document[..at].rfind('\n').map_or(0, |i| i + 1)
}

/// The indentation (in chars) of the line holding byte `at`.
fn indent_of_line(document: &str, at: usize) -> usize {
    let start = line_start(document, at);
    document[start..]
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .count()
}

/// The indentation before byte `at` when nothing else is before it on its line.
fn starts_line(document: &str, at: usize) -> Option<usize> {
    let before = &document[line_start(document, at)..at];
    before
        .chars()
        .all(|c| c == ' ' || c == '\t')
        .then(|| before.chars().count())
}

/// The parser names tokens by kind (`R_CURLY`, `EOF`); people read `}`.
fn readable(message: &str) -> String {
    const TOKENS: [(&str, &str); 18] = [
        ("L_CURLY", "`{`"),
        ("R_CURLY", "`}`"),
        ("L_PAREN", "`(`"),
        ("R_PAREN", "`)`"),
        ("L_BRACK", "`[`"),
        ("R_BRACK", "`]`"),
        ("COLON", "`:`"),
        ("BANG", "`!`"),
        ("EQ", "`=`"),
        ("DOLLAR", "`$`"),
        ("AT", "`@`"),
        ("SPREAD", "`...`"),
        ("PIPE", "`|`"),
        ("AMP", "`&`"),
        ("COMMA", "`,`"),
        ("EOF", "the end of the document"),
        ("INT", "a number"),
        ("FLOAT", "a number"),
    ];
    message
        .split(' ')
        .map(|word| {
            let bare = word.trim_end_matches(',');
            match TOKENS.iter().find(|(kind, _)| *kind == bare) {
                Some((_, text)) => format!("{text}{}", &word[bare.len()..]),
                None => word.to_owned(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Line and column (from 1, columns in chars) of byte offsets asked for in
/// increasing order.
struct Position<'a> {
    text: &'a str,
    byte: usize,
    line: usize,
    column: usize,
}

impl<'a> Position<'a> {
    fn new(text: &'a str) -> Position<'a> {
        Position {
            text,
            byte: 0,
            line: 1,
            column: 1,
        }
    }

    fn at(&mut self, byte: usize) -> (usize, usize) {
        let mut end = byte.min(self.text.len()).max(self.byte);
        while !self.text.is_char_boundary(end) {
            end -= 1;
        }
        for c in self.text[self.byte.min(end)..end].chars() {
            if c == '\n' {
                self.line += 1;
                self.column = 1;
            } else {
                self.column += 1;
            }
        }
        self.byte = self.byte.max(end);
        (self.line, self.column)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_valid_document_has_no_diagnostics() {
        assert!(parse_diagnostics("query Q($a: ID!) { pipeline(slug: $a) { name } }").is_empty());
    }

    #[test]
    fn every_error_is_reported_with_its_position() {
        let doc =
            "query A {\n  viewer { user { name }\n}\n\nquery B {\n  build(slug: ) { url }\n}\n";
        let diagnostics = parse_diagnostics(doc);
        assert!(diagnostics.len() >= 2, "{diagnostics:?}");
        assert!(diagnostics.iter().any(|d| d.line == 6), "{diagnostics:?}");
        assert!(diagnostics
            .iter()
            .all(|d| d.column >= 1 && !d.message.is_empty()));
    }

    #[test]
    fn token_kinds_read_as_the_characters() {
        let diagnostics = parse_diagnostics("query { viewer(id: 1 { id } }");
        assert!(
            diagnostics[0].message.starts_with("expected `)`"),
            "{diagnostics:?}"
        );
    }

    fn at(diagnostic: &Diagnostic) -> (usize, usize, &str) {
        (
            diagnostic.line,
            diagnostic.column,
            diagnostic.message.as_str(),
        )
    }

    #[test]
    fn an_unclosed_brace_is_reported_where_it_opens_once() {
        let never = "this `{` is never closed";
        let diagnostics = parse_diagnostics("query { viewer { id }");
        assert_eq!(
            diagnostics.iter().map(at).collect::<Vec<_>>(),
            [(1, 7, never)],
            "the one left open, not the end of the document"
        );
        // The `}` on line 6 is indented as `pipeline`'s: `builds` is the one
        // left open.
        let doc = "query Q($a: ID!) {\n  pipeline(slug: $a) {\n    name\n    builds(first: 5) {\n      edges { node { url } }\n  }\n}\n";
        let diagnostics = parse_diagnostics(doc);
        assert_eq!(
            diagnostics.iter().map(at).collect::<Vec<_>>(),
            [(4, 22, never)]
        );
    }

    #[test]
    fn an_unclosed_brace_hides_the_cascade_after_it_not_other_errors() {
        // Without the `}` of `viewer`, `query B(...)` reads as a field of A:
        // the parser reports a row of errors on line 5.
        let doc = "query A {\n  viewer { user { name }\n}\n\nquery B($x: ID!) {\n  build(slug: $x) { url }\n}\n";
        let diagnostics = parse_diagnostics(doc);
        assert_eq!(
            diagnostics.iter().map(at).collect::<Vec<_>>(),
            [(2, 10, "this `{` is never closed")],
            "{diagnostics:?}"
        );
        let doc = "query A($x: ) { a }\nquery B {\n  b {\n    c\n}\nquery C { d(e: ) }\n";
        let diagnostics = parse_diagnostics(doc);
        let lines: Vec<usize> = diagnostics.iter().map(|d| d.line).collect();
        assert_eq!(lines, [1, 3, 6], "{diagnostics:?}");
        assert_eq!(at(&diagnostics[1]), (3, 5, "this `{` is never closed"));
        assert_eq!(diagnostics[2].column, 16, "after the brace, at its place");
    }

    #[test]
    fn braces_in_strings_and_comments_do_not_count() {
        let doc = "query { a(x: \"{\") { b } # {\n}";
        assert!(parse_diagnostics(doc).is_empty());
        let diagnostics = parse_diagnostics("query { a(x: \"{\") { b }");
        assert_eq!(
            diagnostics.iter().map(at).collect::<Vec<_>>(),
            [(1, 7, "this `{` is never closed")]
        );
    }

    #[test]
    fn an_empty_document_is_a_diagnostic() {
        for blank in ["", "  \n"] {
            let diagnostics = parse_diagnostics(blank);
            assert_eq!(
                diagnostics.iter().map(at).collect::<Vec<_>>(),
                [(1, 1, EMPTY_DOCUMENT)],
                "one message, not the parser's `Unexpected <EOF>`"
            );
        }
    }

    #[test]
    fn positions_are_right_for_many_errors_over_many_lines() {
        // Errors on several lines and several on one line, past multi-byte chars.
        let doc = "é { a }\nquery ( {\n  ((\n}}";
        let diagnostics = parse_diagnostics(doc);
        let slow = |byte: usize| {
            let before = &doc[..byte];
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            (line, column)
        };
        let tree = apollo_parser::Parser::new(doc).parse();
        let mut expected: Vec<(usize, usize)> = tree.errors().map(|e| slow(e.index())).collect();
        expected.sort();
        expected.dedup();
        let mut got: Vec<(usize, usize)> = diagnostics.iter().map(|d| (d.line, d.column)).collect();
        got.dedup();
        assert!(expected.len() >= 3, "{diagnostics:?}");
        assert_eq!(got, expected);
    }

    #[test]
    fn a_pasted_megabyte_with_an_error_on_every_line_is_placed_line_by_line() {
        let lines = (1 << 20) / "  x: y\n".len();
        let diagnostics = parse_diagnostics(&"  x: y\n".repeat(lines));
        assert!(diagnostics.len() >= lines, "{}", diagnostics.len());
        let last = diagnostics.last().unwrap();
        assert_eq!(last.line, lines, "{last:?}");
        let on_line_two: Vec<usize> = diagnostics
            .iter()
            .filter(|d| d.line == 2)
            .map(|d| d.column)
            .collect();
        assert_eq!(on_line_two, [3, 4, 6], "at `x`, `:` and `y`");
    }
}
