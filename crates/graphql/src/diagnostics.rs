//! Parse diagnostics of a GraphQL document: its first syntax error, with
//! its line and column, as graphql-js reports one (apollo-parser recovers
//! and finds the rest, which are mostly the first one's cascade).

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

/// The first syntax error of `document` (one at most). Empty when it parses.
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
    // The first only, as graphql-js reports a document that does not
    // parse: what follows it is often its cascade (`{{` at the start of a
    // document gave twenty), and fixing it changes the rest.
    let Some((at, width, message)) = problems.into_iter().min_by_key(|&(at, _, _)| at) else {
        return Vec::new();
    };
    let (line, column) = Position::new(document).at(at);
    vec![Diagnostic {
        line,
        column,
        width,
        message,
        kind: DiagnosticKind::Syntax,
    }]
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
    fn only_the_first_error_is_reported_as_graphql_js_does() {
        let doc =
            "query A {\n  viewer { user { name }\n}\n\nquery B {\n  build(slug: ) { url }\n}\n";
        let diagnostics = parse_diagnostics(doc);
        assert_eq!(
            diagnostics.iter().map(at).collect::<Vec<_>>(),
            [(2, 10, "this `{` is never closed")],
            "not line 6's too"
        );
        // `{{` typed at the start of the demo's recent-builds: its parser
        // found 21 errors, all after the first.
        let builds = "{{query GetBuilds($pipelineSlug: ID!, $branch: [String!]) {\n  pipeline(slug: $pipelineSlug) {\n    name\n    builds(first: 5, branch: $branch) {\n      edges { node { number state branch message url } }\n    }\n  }\n}\n\nmutation triggerBuild($pipelineID: ID!, $branch: String = \"main\") {\n  buildCreate(input: { branch: $branch, commit: \"HEAD\", pipelineID: $pipelineID }) {\n    build { number url }\n  }\n}\n";
        let all = apollo_parser::Parser::new(builds).parse().errors().count();
        assert!(all > 5, "the parser's cascade: {all}");
        let diagnostics = parse_diagnostics(builds);
        assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
        assert_eq!(diagnostics[0].line, 1, "{diagnostics:?}");
        assert!(!diagnostics[0].message.is_empty());
    }

    #[test]
    fn token_kinds_read_as_the_characters() {
        let diagnostics = parse_diagnostics("query { viewer(id: 1 { id } }");
        assert!(
            diagnostics[0].message.starts_with("expected `)`"),
            "{diagnostics:?}"
        );
    }

    /// Where each diagnostic is: (line, column).
    fn places(diagnostics: &[Diagnostic]) -> Vec<(usize, usize)> {
        diagnostics.iter().map(|d| (d.line, d.column)).collect()
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
        // An error before the brace comes first; once it is fixed, the
        // brace; once that is, the error after it, at its place.
        let doc = "query A($x: ) { a }\nquery B {\n  b {\n    c\n}\nquery C { d(e: ) }\n";
        let diagnostics = parse_diagnostics(doc);
        let lines: Vec<usize> = diagnostics.iter().map(|d| d.line).collect();
        assert_eq!(lines, [1], "{diagnostics:?}");
        let doc = doc.replacen("$x: )", "$x: ID)", 1);
        let diagnostics = parse_diagnostics(&doc);
        assert_eq!(
            diagnostics.iter().map(at).collect::<Vec<_>>(),
            [(3, 5, "this `{` is never closed")]
        );
        let doc = doc.replacen("    c\n}", "    c\n  }\n}", 1);
        let diagnostics = parse_diagnostics(&doc);
        assert_eq!(places(&diagnostics), [(7, 16)]);
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
    fn the_first_error_is_placed_right_past_lines_and_multi_byte_chars() {
        // Errors on several lines and several on one line, the first past
        // multi-byte chars.
        let doc = "query { a(s: \"é\") }\n# ü\nquery Q { b(t: \"ö\") ( {\n  ((\n}}";
        let diagnostics = parse_diagnostics(doc);
        let slow = |byte: usize| {
            let before = &doc[..byte];
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            (line, column)
        };
        let tree = apollo_parser::Parser::new(doc).parse();
        let errors: Vec<(usize, usize)> = tree.errors().map(|e| slow(e.index())).collect();
        assert!(errors.len() >= 3, "{errors:?}");
        let first = errors.iter().min().copied();
        assert_eq!(places(&diagnostics), first.into_iter().collect::<Vec<_>>());
        assert_eq!(first.map(|(line, _)| line), Some(3), "{diagnostics:?}");
    }

    #[test]
    fn a_pasted_megabyte_says_its_first_error_and_places_one_at_its_end() {
        let lines = (1 << 20) / "  x: y\n".len();
        let diagnostics = parse_diagnostics(&"  x: y\n".repeat(lines));
        assert_eq!(
            places(&diagnostics),
            [(1, 3)],
            "at the first `x`, not one per line"
        );
        let mut doc = "{ a }\n".repeat(lines);
        doc.push_str("  x: y\n");
        let diagnostics = parse_diagnostics(&doc);
        assert_eq!(places(&diagnostics), [(lines + 1, 3)]);
    }
}
