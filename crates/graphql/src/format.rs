//! A canonical layout for GraphQL documents: one selection per line, two
//! spaces per level, arguments on one line unless they hold comments or
//! block strings or pass `WIDTH`, comments kept where they were. Formatting
//! twice changes nothing.

use super::diagnostics::parse_diagnostics;
use super::lexer::{lex, Kind, Token};

/// Argument lists wider than this (with their indent) go one per line.
const WIDTH: usize = 100;
const INDENT: &str = "  ";

#[derive(Debug)]
enum Node {
    Token(Token),
    Group {
        open: char,
        children: Vec<Node>,
        blank_before: bool,
    },
}

impl Node {
    fn is_punct(&self, text: &str) -> bool {
        matches!(self, Node::Token(t) if t.kind == Kind::Punct && t.text == text)
    }

    fn is_name(&self, text: &str) -> bool {
        matches!(self, Node::Token(t) if t.kind == Kind::Name && t.text == text)
    }

    fn is_group(&self, open: char) -> bool {
        matches!(self, Node::Group { open: o, .. } if *o == open)
    }

    fn is_comment(&self) -> bool {
        matches!(self, Node::Token(t) if t.kind == Kind::Comment)
    }

    fn blank_before(&self) -> bool {
        match self {
            Node::Token(t) => t.blank_before,
            Node::Group { blank_before, .. } => *blank_before,
        }
    }

    /// Holds something that cannot sit on one line.
    fn must_break(&self) -> bool {
        match self {
            Node::Token(t) => matches!(t.kind, Kind::Comment | Kind::BlockString),
            Node::Group { children, .. } => children.iter().any(Node::must_break),
        }
    }

    /// Ends a value, so what follows may start the next item.
    fn ends_value(&self) -> bool {
        match self {
            Node::Token(t) => match t.kind {
                Kind::Name | Kind::Number | Kind::String | Kind::BlockString => true,
                Kind::Punct => t.text == "!",
                Kind::Comment => false,
            },
            Node::Group { .. } => true,
        }
    }
}

/// The document in canonical layout, or why it cannot be formatted.
pub fn format(document: &str) -> Result<String, String> {
    let errors = parse_diagnostics(document);
    if let Some(first) = errors.first() {
        return Err(format!(
            "the document has syntax errors (first at {}:{}); fix them before formatting",
            first.line, first.column
        ));
    }
    let tokens = lex(document)?;
    let nodes = nest(&mut tokens.into_iter())?;
    let mut printer = Printer::default();
    printer.top_level(&nodes);
    let mut out = printer.out.trim_end().to_owned();
    out.push('\n');
    Ok(out)
}

/// Folds brackets into groups.
fn nest(tokens: &mut impl Iterator<Item = Token>) -> Result<Vec<Node>, String> {
    let mut nodes = Vec::new();
    while let Some(token) = tokens.next() {
        if token.kind == Kind::Punct {
            match token.text.as_str() {
                "{" | "(" | "[" => {
                    let children = nest(tokens)?;
                    nodes.push(Node::Group {
                        open: token.text.chars().next().unwrap_or('{'),
                        children,
                        blank_before: token.blank_before,
                    });
                    continue;
                }
                "}" | ")" | "]" => return Ok(nodes),
                _ => {}
            }
        }
        nodes.push(Node::Token(token));
    }
    Ok(nodes)
}

fn closing(open: char) -> char {
    match open {
        '(' => ')',
        '[' => ']',
        _ => '}',
    }
}

#[derive(Default)]
struct Printer {
    out: String,
    /// A trailing comment was written: the next token needs a new line.
    line_must_end: bool,
    /// Inside arguments or a list: `{` is an object value, not a selection set.
    in_value: usize,
}

impl Printer {
    fn newline(&mut self, depth: usize, blank: bool) {
        let trimmed = self.out.trim_end_matches(' ').len();
        self.out.truncate(trimmed);
        if !self.out.is_empty() {
            self.out.push('\n');
            if blank && !self.out.ends_with("\n\n") {
                self.out.push('\n');
            }
        }
        for _ in 0..depth {
            self.out.push_str(INDENT);
        }
        self.line_must_end = false;
    }

    fn at_line_start(&self) -> bool {
        self.out.rsplit('\n').next().unwrap_or("").trim().is_empty()
    }

    fn top_level(&mut self, nodes: &[Node]) {
        let mut prev: Option<&Node> = None;
        for node in nodes {
            // A selection set ends a definition: what follows starts anew.
            let after_definition = prev.is_some_and(|p| p.is_group('{'));
            if node.is_comment() {
                self.comment(node, 0, after_definition);
            } else if after_definition {
                self.newline(0, true);
                self.node(node, None, 0);
            } else if self.line_must_end {
                self.newline(0, node.blank_before());
                self.node(node, None, 0);
            } else {
                self.node(node, prev, 0);
            }
            prev = Some(node);
        }
    }

    /// A comment: on the line it followed, or on a line of its own.
    fn comment(&mut self, node: &Node, depth: usize, blank_if_own_line: bool) {
        let Node::Token(token) = node else {
            return;
        };
        if token.newline_before || self.at_line_start() {
            if !self.out.is_empty() {
                self.newline(depth, token.blank_before || blank_if_own_line);
            }
            self.out.push_str(&token.text);
        } else {
            self.out.push(' ');
            self.out.push_str(&token.text);
        }
        self.line_must_end = true;
    }

    /// Selections, one per line.
    fn selection_set(&mut self, children: &[Node], depth: usize) {
        self.out.push('{');
        let mut prev: Option<&Node> = None;
        let mut before_prev: Option<&Node> = None;
        for node in children {
            if node.is_comment() {
                self.comment(node, depth + 1, false);
            } else {
                let starts_selection = match prev {
                    None => true,
                    Some(p) => {
                        let spread_on =
                            p.is_name("on") && before_prev.is_some_and(|b| b.is_punct("..."));
                        (matches!(node, Node::Token(t) if t.kind == Kind::Name)
                            || node.is_punct("..."))
                            && !p.is_punct(":")
                            && !p.is_punct("...")
                            && !p.is_punct("@")
                            && !spread_on
                    }
                };
                if starts_selection || self.line_must_end {
                    let blank = prev.is_some() && node.blank_before();
                    self.newline(depth + 1, blank);
                    self.node(node, None, depth + 1);
                } else {
                    self.node(node, prev, depth + 1);
                }
            }
            before_prev = prev;
            prev = Some(node);
        }
        self.newline(depth, false);
        self.out.push('}');
    }

    /// One node after `prev` on the current line.
    fn node(&mut self, node: &Node, prev: Option<&Node>, depth: usize) {
        if self.line_must_end {
            self.newline(depth, false);
        } else if prev.is_some_and(|p| space_between(p, node)) {
            self.out.push(' ');
        }
        match node {
            Node::Token(token) => self.out.push_str(&token.text),
            Node::Group {
                open: '{',
                children,
                ..
            } if self.in_value == 0 => self.selection_set(children, depth),
            Node::Group { open, children, .. } => self.inline_group(*open, children, depth),
        }
    }

    /// Arguments, variable definitions, lists and objects: on one line when
    /// they fit and hold no comment or block string, else one item per line.
    fn inline_group(&mut self, open: char, children: &[Node], depth: usize) {
        let column = self
            .out
            .rsplit('\n')
            .next()
            .map_or(0, |l| l.chars().count());
        if !children.iter().any(Node::must_break) {
            let flat = flat_group(open, children);
            if column + flat.chars().count() <= WIDTH {
                self.out.push_str(&flat);
                return;
            }
        }
        self.in_value += 1;
        self.out.push(open);
        let mut prev: Option<&Node> = None;
        for node in children {
            if node.is_comment() {
                self.comment(node, depth + 1, false);
            } else {
                let new_item = prev.is_none_or(|p| p.ends_value() && starts_item(node));
                if new_item || self.line_must_end {
                    self.newline(depth + 1, false);
                    self.node(node, None, depth + 1);
                } else {
                    self.node(node, prev, depth + 1);
                }
            }
            prev = Some(node);
        }
        self.newline(depth, false);
        self.out.push(closing(open));
        self.in_value -= 1;
    }
}

/// Whether `node` can begin an argument, field, variable or list item.
fn starts_item(node: &Node) -> bool {
    match node {
        Node::Token(t) => match t.kind {
            Kind::Name | Kind::Number | Kind::String | Kind::BlockString => true,
            Kind::Punct => t.text == "$",
            Kind::Comment => false,
        },
        Node::Group { open, .. } => *open != '(',
    }
}

/// A group on one line: `(a: 1, b: 2)`, `[1, 2]`, `{ a: 1 }`.
fn flat_group(open: char, children: &[Node]) -> String {
    let mut items: Vec<String> = Vec::new();
    let mut prev: Option<&Node> = None;
    for node in children {
        let text = match node {
            Node::Token(t) => t.text.clone(),
            Node::Group { open, children, .. } => flat_group(*open, children),
        };
        match (prev, items.last_mut()) {
            (Some(p), Some(item)) if !(p.ends_value() && starts_item(node)) => {
                if space_between(p, node) {
                    item.push(' ');
                }
                item.push_str(&text);
            }
            _ => items.push(text),
        }
        prev = Some(node);
    }
    let inner = items.join(", ");
    match (open, inner.is_empty()) {
        ('{', false) => format!("{{ {inner} }}"),
        _ => format!("{open}{inner}{}", closing(open)),
    }
}

/// Whether a space separates `prev` and `next` on one line.
fn space_between(prev: &Node, next: &Node) -> bool {
    if next.is_punct(":") || next.is_punct("!") || next.is_group('(') {
        return false;
    }
    if prev.is_punct("$") || prev.is_punct("@") {
        return false;
    }
    if prev.is_punct("...") {
        return !matches!(next, Node::Token(t) if t.kind == Kind::Name && t.text != "on");
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn formatted(text: &str) -> String {
        let once = format(text).expect("formats");
        let twice = format(&once).expect("formats again");
        assert_eq!(once, twice, "formatting twice changes nothing");
        once
    }

    #[test]
    fn selections_go_one_per_line_and_arguments_stay_inline() {
        let doc = "query Q($slug: ID!, $first: Int = 5) { pipeline(slug: $slug) { name, builds(first: $first, state: [PASSED FAILED]) { edges { node { number } } } } }";
        assert_eq!(
            formatted(doc),
            "query Q($slug: ID!, $first: Int = 5) {\n  pipeline(slug: $slug) {\n    name\n    builds(first: $first, state: [PASSED, FAILED]) {\n      edges {\n        node {\n          number\n        }\n      }\n    }\n  }\n}\n"
        );
    }

    #[test]
    fn aliases_fragments_directives_and_object_values() {
        let doc = "{latest:pipeline(slug:\"a\"){...Parts ... on Pipeline @include(if: true){name} ...{slug}}}\nfragment Parts on Pipeline{name}\nmutation M{buildCreate(input:{pipelineID:\"x\",env:[\"A=1\"]}){build{url}}}";
        assert_eq!(
            formatted(doc),
            "{\n  latest: pipeline(slug: \"a\") {\n    ...Parts\n    ... on Pipeline @include(if: true) {\n      name\n    }\n    ... {\n      slug\n    }\n  }\n}\n\nfragment Parts on Pipeline {\n  name\n}\n\nmutation M {\n  buildCreate(input: { pipelineID: \"x\", env: [\"A=1\"] }) {\n    build {\n      url\n    }\n  }\n}\n"
        );
    }

    #[test]
    fn comments_stay_where_they_were() {
        let doc = "# About this portal\nquery Q { # why\n  viewer {\n    # the user\n    user { name } # trailing\n\n    id\n  }\n}\n";
        let out = formatted(doc);
        assert_eq!(
            out,
            "# About this portal\nquery Q { # why\n  viewer {\n    # the user\n    user {\n      name\n    } # trailing\n\n    id\n  }\n}\n"
        );
    }

    #[test]
    fn comments_and_block_strings_break_an_argument_list() {
        let doc = "mutation { buildCreate(input: {\n  message: \"\"\"\n  Hi\n  \"\"\"\n  env: [\"A\"] # why\n}) { build { url } } }";
        let out = formatted(doc);
        assert!(out.contains("buildCreate(\n    input: {\n      message: \"\"\"\n  Hi\n  \"\"\"\n      env: [\"A\"] # why\n    }\n  ) {"), "{out}");
    }

    #[test]
    fn long_argument_lists_go_one_per_line() {
        let args: Vec<String> = (0..12)
            .map(|i| format!("argument{i}: \"value {i}\""))
            .collect();
        let doc = format!("{{ field({}) {{ id }} }}", args.join(" "));
        let out = formatted(&doc);
        assert!(
            out.contains("field(\n    argument0: \"value 0\"\n    argument1:"),
            "{out}"
        );
    }

    #[test]
    fn broken_documents_are_left_alone() {
        let error = format("query { viewer { id }").unwrap_err();
        assert!(error.contains("syntax errors"), "{error}");
    }
}
