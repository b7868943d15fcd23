//! Token kinds for highlighting GraphQL and JSON.
//!
//! GraphQL goes through apollo-parser's lexer (the same tokens the parser
//! sees), lexed once for the whole document so that a `"""` block string
//! keeps its colour over its lines, and each name is coloured by its place:
//! `input` as an argument is an argument, `type` as a field is a field; only
//! a keyword in a keyword's place is one. JSON keeps a small line lexer: the
//! response viewer draws pretty-printed lines one at a time.

use std::ops::Range;

use apollo_parser::{Lexer, TokenKind};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Plain,
    Keyword,
    /// Other names: enum values, and names the highlighter cannot place.
    Name,
    /// Operation and fragment names.
    Operation,
    Field,
    /// Argument and input-object field names.
    Argument,
    Type,
    Directive,
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

/// One coloured piece of a line: a kind over a byte range of the line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    pub kind: Kind,
    pub range: Range<usize>,
}

/// A document's highlighting, line by line: made once per revision, then
/// only the lines on screen are read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Highlights {
    /// Runs of every line, with byte ranges inside their line.
    runs: Vec<Run>,
    /// Where each line's runs start in `runs` (one more entry at the end).
    line_starts: Vec<usize>,
}

impl Highlights {
    /// The runs of line `row` (0-based); none past the end.
    pub fn line(&self, row: usize) -> &[Run] {
        match (self.line_starts.get(row), self.line_starts.get(row + 1)) {
            (Some(&start), Some(&end)) => &self.runs[start..end],
            _ => &[],
        }
    }

    pub fn lines(&self) -> usize {
        self.line_starts.len().saturating_sub(1)
    }
}

/// Highlights a whole GraphQL document (lines separated by `\n`). The runs
/// of each line cover it exactly.
pub fn graphql_document(text: &str) -> Highlights {
    let mut classify = Classifier::default();
    let mut pieces: Vec<(Kind, Range<usize>)> = Vec::new();
    let mut at = 0;
    for piece in lex_pieces(text) {
        let (kind, range) = match piece {
            Piece::Token(kind, range) => {
                let data = &text[range.clone()];
                (classify.token(kind, data, text, range.end), range)
            }
            Piece::Error(range) => {
                let kind = if text[range.clone()].starts_with('"') {
                    Kind::String
                } else {
                    Kind::Plain
                };
                (kind, range)
            }
        };
        if range.start > at {
            pieces.push((Kind::Plain, at..range.start));
        }
        if range.end > at {
            pieces.push((kind, range.start.max(at)..range.end));
            at = range.end;
        }
    }
    if at < text.len() {
        pieces.push((Kind::Plain, at..text.len()));
    }
    split_into_lines(text, pieces)
}

/// Splits one line of GraphQL into (kind, text) runs that cover it exactly
/// (a line alone: a block string opened on an earlier line is not known).
pub fn graphql_line(line: &str) -> Vec<(Kind, &str)> {
    let line = line.split('\n').next().unwrap_or_default();
    graphql_document(line)
        .line(0)
        .iter()
        .map(|run| (run.kind, &line[run.range.clone()]))
        .collect()
}

enum Piece {
    Token(TokenKind, Range<usize>),
    /// Text the lexer refused (an unclosed string, a stray character).
    Error(Range<usize>),
}

fn lex_pieces(text: &str) -> Vec<Piece> {
    let mut pieces = Vec::new();
    for item in Lexer::new(text) {
        match item {
            Ok(token) if token.kind() == TokenKind::Eof => break,
            Ok(token) => pieces.push(Piece::Token(
                token.kind(),
                token.index()..token.index() + token.data().len(),
            )),
            Err(error) if error.is_limit() => break,
            Err(error) => {
                let start = error.index().min(text.len());
                let mut end = (start + error.data().len()).min(text.len());
                while !text.is_char_boundary(end) {
                    end += 1;
                }
                if text.is_char_boundary(start) {
                    pieces.push(Piece::Error(start..end));
                }
            }
        }
    }
    pieces
}

/// Cuts document-wide pieces at line breaks into per-line runs.
fn split_into_lines(text: &str, pieces: Vec<(Kind, Range<usize>)>) -> Highlights {
    let mut highlights = Highlights {
        runs: Vec::with_capacity(pieces.len()),
        line_starts: vec![0],
    };
    let mut line_start = 0;
    for (kind, range) in pieces {
        let mut from = range.start;
        while let Some(newline) = text[from..range.end].find('\n') {
            let end = from + newline;
            if end > from {
                highlights.runs.push(Run {
                    kind,
                    range: from - line_start..end - line_start,
                });
            }
            highlights.line_starts.push(highlights.runs.len());
            line_start = end + 1;
            from = end + 1;
        }
        if range.end > from {
            let range = from - line_start..range.end - line_start;
            let on_this_line = highlights.runs.len() > *highlights.line_starts.last().unwrap_or(&0);
            match highlights.runs.last_mut() {
                // `$` and its name, `"` pieces: one run.
                Some(last)
                    if on_this_line && last.kind == kind && last.range.end == range.start =>
                {
                    last.range.end = range.end;
                }
                _ => highlights.runs.push(Run { kind, range }),
            }
        }
    }
    highlights.line_starts.push(highlights.runs.len());
    highlights
}

/// What a bracket opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Frame {
    Selection,
    /// Field or directive arguments in a document.
    Arguments,
    VariableDefinitions,
    /// An input object value.
    Object,
    /// A list value.
    List,
    /// The fields of a type, input or interface definition (SDL).
    TypeBody,
    EnumBody,
    /// Arguments of a field definition (SDL).
    SdlArguments,
}

/// The name a keyword announces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    Operation,
    Type,
}

/// Gives each token its kind from the tokens before it (and, for a name,
/// whether a `:` or `(` follows).
#[derive(Default)]
struct Classifier {
    stack: Vec<Frame>,
    /// The last significant token: its kind and text.
    prev: Option<(TokenKind, String)>,
    /// The one before it.
    prev2: Option<(TokenKind, String)>,
    expect: Option<Expect>,
    /// The definition keyword the next `{` belongs to (`type`, `enum`...).
    definition: Option<&'static str>,
}

const DEFINITIONS: [&str; 14] = [
    "query",
    "mutation",
    "subscription",
    "fragment",
    "schema",
    "type",
    "input",
    "enum",
    "interface",
    "union",
    "scalar",
    "directive",
    "extend",
    "implements",
];

impl Classifier {
    fn token(&mut self, kind: TokenKind, data: &str, text: &str, end: usize) -> Kind {
        let result = match kind {
            TokenKind::Whitespace | TokenKind::Comma => return Kind::Plain,
            TokenKind::Comment => return Kind::Comment,
            TokenKind::StringValue => Kind::String,
            TokenKind::Int | TokenKind::Float => Kind::Number,
            TokenKind::Dollar => Kind::Variable,
            TokenKind::At => Kind::Directive,
            TokenKind::Name => self.name(data, next_char(text, end)),
            TokenKind::LCurly => {
                self.open_curly();
                Kind::Punctuation
            }
            TokenKind::LParen => {
                self.open_paren();
                Kind::Punctuation
            }
            TokenKind::LBracket => {
                if self.in_value() {
                    self.stack.push(Frame::List);
                }
                Kind::Punctuation
            }
            TokenKind::RCurly => {
                self.close(&[
                    Frame::Selection,
                    Frame::Object,
                    Frame::TypeBody,
                    Frame::EnumBody,
                ]);
                Kind::Punctuation
            }
            TokenKind::RParen => {
                self.close(&[
                    Frame::Arguments,
                    Frame::VariableDefinitions,
                    Frame::SdlArguments,
                ]);
                Kind::Punctuation
            }
            TokenKind::RBracket => {
                self.close(&[Frame::List]);
                Kind::Punctuation
            }
            TokenKind::Eq | TokenKind::Pipe | TokenKind::Amp if self.stack.is_empty() => {
                self.expect = Some(Expect::Type);
                Kind::Punctuation
            }
            _ => Kind::Punctuation,
        };
        self.prev2 = self.prev.take();
        self.prev = Some((kind, data.to_owned()));
        result
    }

    fn prev_is(&self, kind: TokenKind) -> bool {
        self.prev.as_ref().is_some_and(|(k, _)| *k == kind)
    }

    fn prev_text(&self) -> Option<&str> {
        self.prev.as_ref().map(|(_, t)| t.as_str())
    }

    /// Inside a value (arguments, an object, a list, a default after `=`).
    fn in_value(&self) -> bool {
        match self.stack.last() {
            Some(Frame::Arguments | Frame::Object | Frame::List) => true,
            Some(Frame::VariableDefinitions | Frame::SdlArguments) => self.prev_is(TokenKind::Eq),
            _ => false,
        }
    }

    fn open_curly(&mut self) {
        let frame = match self.stack.last() {
            None => match self.definition.take() {
                Some("enum") => Frame::EnumBody,
                Some("type" | "input" | "interface" | "schema" | "extend") => Frame::TypeBody,
                _ => Frame::Selection,
            },
            Some(Frame::Selection) => Frame::Selection,
            Some(_) => Frame::Object,
        };
        self.expect = None;
        self.stack.push(frame);
    }

    fn open_paren(&mut self) {
        let frame = match self.stack.last() {
            None if self.definition == Some("directive") => Frame::SdlArguments,
            None => Frame::VariableDefinitions,
            Some(Frame::TypeBody) => Frame::SdlArguments,
            Some(_) => Frame::Arguments,
        };
        self.expect = None;
        self.stack.push(frame);
    }

    fn close(&mut self, frames: &[Frame]) {
        if self.stack.last().is_some_and(|f| frames.contains(f)) {
            self.stack.pop();
        }
    }

    fn name(&mut self, name: &str, next: Option<char>) -> Kind {
        if self.prev_is(TokenKind::Dollar) {
            return Kind::Variable;
        }
        if self.prev_is(TokenKind::At) {
            return Kind::Directive;
        }
        let keyed = next == Some(':');
        let literal = matches!(name, "true" | "false" | "null");
        match self.stack.last().copied() {
            None => self.top_level_name(name),
            Some(Frame::Selection) => {
                if self.prev_is(TokenKind::Spread) {
                    if name == "on" {
                        self.expect = Some(Expect::Type);
                        Kind::Keyword
                    } else {
                        Kind::Operation // a fragment spread
                    }
                } else if self.expect.take() == Some(Expect::Type) {
                    Kind::Type
                } else {
                    Kind::Field
                }
            }
            Some(Frame::Arguments | Frame::Object | Frame::List) => {
                if keyed && !self.stack.ends_with(&[Frame::List]) {
                    Kind::Argument
                } else if literal {
                    Kind::Keyword
                } else {
                    Kind::Name
                }
            }
            Some(Frame::VariableDefinitions | Frame::SdlArguments) => {
                if keyed {
                    Kind::Argument
                } else if matches!(self.prev_text(), Some(":" | "[")) {
                    Kind::Type
                } else if literal {
                    Kind::Keyword
                } else {
                    Kind::Name
                }
            }
            Some(Frame::TypeBody) => {
                if matches!(self.prev_text(), Some(":" | "[")) {
                    Kind::Type
                } else {
                    Kind::Field
                }
            }
            Some(Frame::EnumBody) => Kind::Name,
        }
    }

    fn top_level_name(&mut self, name: &str) -> Kind {
        if let Some(expect) = self.expect.take() {
            return match expect {
                Expect::Operation => Kind::Operation,
                Expect::Type => Kind::Type,
            };
        }
        let fragment_on = name == "on" && self.prev2.as_ref().is_some_and(|(_, t)| t == "fragment");
        if fragment_on || (name == "on" && self.definition == Some("directive")) {
            self.expect = Some(Expect::Type);
            return Kind::Keyword;
        }
        let Some(&keyword) = DEFINITIONS.iter().find(|k| **k == name) else {
            return Kind::Type; // `union U = A | B`, `implements A & B`
        };
        self.expect = match keyword {
            "query" | "mutation" | "subscription" | "fragment" => Some(Expect::Operation),
            "extend" | "schema" => None,
            _ => Some(Expect::Type),
        };
        if keyword != "implements" {
            self.definition = Some(keyword);
        }
        Kind::Keyword
    }
}

/// The first character after `end` that is not white space or a comma.
fn next_char(text: &str, end: usize) -> Option<char> {
    text[end..]
        .chars()
        .find(|c| !c.is_whitespace() && *c != ',' && *c != '\u{feff}')
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
        assert!(runs.contains(&(Kind::Operation, "Get")));
        assert!(runs.contains(&(Kind::Variable, "$slug")));
        assert!(runs.contains(&(Kind::Type, "ID")));
        assert!(runs.contains(&(Kind::Field, "pipeline")));
        assert!(runs.contains(&(Kind::Argument, "slug")));
        assert!(runs.contains(&(Kind::String, "\"a/b\"")));
        assert!(runs.contains(&(Kind::Comment, "# hi")));
    }

    /// The kinds of the names in `text`, in order.
    fn names(text: &str) -> Vec<(Kind, String)> {
        let highlights = graphql_document(text);
        text.split('\n')
            .enumerate()
            .flat_map(|(row, line)| {
                highlights
                    .line(row)
                    .iter()
                    .filter(|run| {
                        line[run.range.clone()]
                            .starts_with(|c: char| c.is_alphabetic() || c == '$' || c == '@')
                    })
                    .map(|run| (run.kind, line[run.range.clone()].to_owned()))
                    .collect::<Vec<_>>()
            })
            .collect()
    }

    #[test]
    fn names_that_are_keywords_elsewhere_are_coloured_by_their_place() {
        use Kind::*;
        let found = names(
            "mutation type($input: BuildInput) { input(input: {type: on, query: true}) { query type on } ... on Pipeline { fragment } ...Fields }\nfragment Fields on Build { input }",
        );
        let expected: Vec<(Kind, std::string::String)> = [
            (Keyword, "mutation"),
            (Operation, "type"),
            (Variable, "$input"),
            (Type, "BuildInput"),
            (Field, "input"),
            (Argument, "input"),
            (Argument, "type"),
            (Name, "on"),
            (Argument, "query"),
            (Keyword, "true"),
            (Field, "query"),
            (Field, "type"),
            (Field, "on"),
            (Keyword, "on"),
            (Type, "Pipeline"),
            (Field, "fragment"),
            (Operation, "Fields"),
            (Keyword, "fragment"),
            (Operation, "Fields"),
            (Keyword, "on"),
            (Type, "Build"),
            (Field, "input"),
        ]
        .into_iter()
        .map(|(k, t)| (k, t.to_owned()))
        .collect();
        assert_eq!(found, expected);
    }

    #[test]
    fn a_block_string_keeps_its_colour_over_its_lines() {
        let text = "query Q {\n  a(text: \"\"\"\n  not { a field }\n  \"\"\") { b }\n}";
        let highlights = graphql_document(text);
        let lines: Vec<&str> = text.split('\n').collect();
        assert_eq!(highlights.lines(), lines.len());
        let middle = highlights.line(2);
        assert_eq!(middle.len(), 1, "{middle:?}");
        assert_eq!(middle[0].kind, Kind::String);
        assert_eq!(middle[0].range, 0..lines[2].len());
        assert!(
            highlights
                .line(3)
                .iter()
                .any(|r| r.kind == Kind::Field && &lines[3][r.range.clone()] == "b"),
            "after the string, names are fields again"
        );
    }

    #[test]
    fn schema_definitions_colour_fields_arguments_and_types() {
        use Kind::*;
        let found = names("type Pipeline implements Node {\n  builds(first: Int = 5): [Build!] @deprecated\n}\nenum State { PASSED }\nunion U = A | B\nscalar JSON");
        let expected: Vec<(Kind, std::string::String)> = [
            (Keyword, "type"),
            (Type, "Pipeline"),
            (Keyword, "implements"),
            (Type, "Node"),
            (Field, "builds"),
            (Argument, "first"),
            (Type, "Int"),
            (Type, "Build"),
            (Directive, "@deprecated"),
            (Keyword, "enum"),
            (Type, "State"),
            (Name, "PASSED"),
            (Keyword, "union"),
            (Type, "U"),
            (Type, "A"),
            (Type, "B"),
            (Keyword, "scalar"),
            (Type, "JSON"),
        ]
        .into_iter()
        .map(|(k, t)| (k, t.to_owned()))
        .collect();
        assert_eq!(found, expected);
    }

    #[test]
    fn text_that_does_not_lex_is_still_covered() {
        for text in [
            "{ a(s: \"open",
            "query ^ Q { a }",
            "\"\"\"\nnever closed\n",
            "é ✓ «»",
            "",
        ] {
            let highlights = graphql_document(text);
            for (row, line) in text.split('\n').enumerate() {
                let covered: String = highlights
                    .line(row)
                    .iter()
                    .map(|r| &line[r.range.clone()])
                    .collect();
                assert_eq!(covered, line, "{text:?}");
            }
        }
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
