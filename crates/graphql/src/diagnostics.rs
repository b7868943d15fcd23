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

/// The syntax errors of `document`, in document order. Empty when it parses.
pub fn parse_diagnostics(document: &str) -> Vec<Diagnostic> {
    let tree = apollo_parser::Parser::new(document).parse();
    let mut found: Vec<Diagnostic> = tree
        .errors()
        .map(|error| {
            let (line, column) = line_column(document, error.index());
            let width = error.data().chars().count().max(1);
            Diagnostic {
                line,
                column,
                width,
                message: readable(error.message()),
                kind: DiagnosticKind::Syntax,
            }
        })
        .collect();
    if found.is_empty() && document.trim().is_empty() {
        found.push(Diagnostic {
            line: 1,
            column: 1,
            width: 1,
            message: "the document is empty: a portal needs at least one operation".into(),
            kind: DiagnosticKind::Syntax,
        });
    }
    found.sort_by_key(|d| (d.line, d.column));
    found.dedup();
    found
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

fn line_column(text: &str, byte: usize) -> (usize, usize) {
    let mut end = byte.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let before = &text[..end];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
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
        let diagnostics = parse_diagnostics("query { viewer { id }");
        assert_eq!(
            diagnostics[0].message,
            "expected `}`, got the end of the document"
        );
    }

    #[test]
    fn an_empty_document_is_a_diagnostic() {
        assert_eq!(parse_diagnostics("  \n").len(), 1);
    }
}
