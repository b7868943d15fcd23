//! What may be typed at the cursor, from the schema: fields of the type being
//! selected, arguments inside `( )`, input-object fields, enum values,
//! variables and type names. Also what the name under the cursor is, for the
//! field popup.

use super::fuzzy::Fuzzy;
use super::lexer::{lex, Kind, Token};
use super::schema::{GraphqlSchema, Member, TypeKind};

mod walk;
use walk::{context_at_end, Walk};

/// One thing that may be inserted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub label: String,
    /// Its type (or, for a type name, its kind).
    pub detail: String,
    /// The first line of its description.
    pub summary: String,
    /// The text that replaces the typed prefix.
    pub insert: String,
    /// Where the cursor goes, in chars from the start of `insert`.
    pub cursor: usize,
    /// Chars before the typed prefix that `insert` replaces too (the space
    /// after a value, when the insert brings its separating comma).
    pub replace_before: usize,
}

/// Candidates for the word being typed, which starts `prefix_len` chars
/// before the cursor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    pub prefix_len: usize,
    pub candidates: Vec<Candidate>,
}

/// Where the cursor is, as far as the schema is concerned.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Context {
    /// Selecting fields of a type.
    Selection(String),
    /// After `... on` or in a variable definition: a type name (after
    /// `... on` in a selection of `within`, one a fragment there may be on).
    TypeName {
        input_only: bool,
        within: Option<String>,
    },
    /// Naming an argument of a field (or directive: `None`).
    ArgumentName {
        parent: String,
        field: String,
    },
    /// Naming a field of an input object.
    InputFieldName(String),
    /// A value of this (named) type is expected.
    Value(Option<String>),
    /// After `$`: a variable (of a type that fits this one, when known).
    Variable(Option<String>),
    Nothing,
}

#[derive(Debug, Clone)]
enum Frame {
    Selection(Option<String>),
    Arguments {
        parent: Option<String>,
        field: String,
    },
    Directive,
    VariableDefinitions,
    /// An input object value of this type.
    Object(Option<String>),
    /// A list value whose items have this type.
    List(Option<String>),
}

/// The variables an operation defines, with their types.
type Variables = Vec<(String, String)>;

struct Analysis {
    context: Context,
    variables: Variables,
    /// Argument or input-field names already given in the list at the cursor.
    present: Vec<String>,
    /// The cursor follows a value with no comma after it.
    after_value: bool,
}

/// Candidates at `(row, column)` (0-based, column in chars), best first.
pub fn complete(
    schema: &GraphqlSchema,
    document: &str,
    row: usize,
    column: usize,
) -> Option<Completion> {
    let (before, prefix) = split_at_cursor(document, row, column)?;
    let mut analysis = analyse(schema, &before)?;
    analysis
        .present
        .extend(keys_after(text_after(document, row, column)));
    let needle = prefix.to_lowercase();
    let candidates: Vec<Candidate> = match &analysis.context {
        Context::Selection(ty) => schema.fields(ty).iter().map(field_candidate).collect(),
        Context::ArgumentName { parent, field } => {
            key_candidates(&schema.arguments(parent, field), &analysis, &before)
        }
        Context::InputFieldName(ty) => key_candidates(&schema.input_fields(ty), &analysis, &before),
        Context::Value(ty) => value_candidates(schema, ty.as_deref(), &analysis.variables),
        Context::Variable(location) => analysis
            .variables
            .iter()
            .filter(|(_, ty)| location.as_deref().is_none_or(|l| fits(ty, l)))
            .map(|(name, ty)| Candidate {
                label: format!("${name}"),
                detail: ty.clone(),
                summary: String::new(),
                insert: name.clone(),
                cursor: name.chars().count(),
                replace_before: 0,
            })
            .collect(),
        Context::TypeName { input_only, within } => within
            .as_deref()
            .map_or_else(
                || schema.type_names(),
                |parent| schema.fragment_types_within(parent),
            )
            .into_iter()
            .filter_map(|name| {
                let kind = schema.kind(&name)?;
                let fits = if *input_only {
                    matches!(
                        kind,
                        TypeKind::Scalar | TypeKind::Enum | TypeKind::InputObject
                    )
                } else {
                    matches!(
                        kind,
                        TypeKind::Object | TypeKind::Interface | TypeKind::Union
                    )
                };
                fits.then(|| Candidate {
                    detail: format!("{kind:?}").to_lowercase(),
                    summary: String::new(),
                    replace_before: 0,
                    cursor: name.chars().count(),
                    insert: name.clone(),
                    label: name,
                })
            })
            .collect(),
        Context::Nothing => Vec::new(),
    };
    // One letter picks names that start with it; more also find names that
    // hold them (`id` finds `uuid`). Names that start with what was typed
    // come first, then the rest, each best first by the list's fuzzy matcher.
    let mut fuzzy = Fuzzy::new(&needle);
    let mut ranked: Vec<(bool, u16, String, Candidate)> = candidates
        .into_iter()
        .filter_map(|c| {
            let label = c.label.trim_start_matches('$').to_lowercase();
            let starts = label.starts_with(&needle);
            if !starts && (needle.chars().count() < 2 || !label.contains(&needle)) {
                return None;
            }
            let score = fuzzy.score(&label).unwrap_or(0);
            Some((!starts, u16::MAX - score, label, c))
        })
        .collect();
    ranked.sort_by(|a, b| (a.0, a.1, &a.2).cmp(&(b.0, b.1, &b.2)));
    let candidates: Vec<Candidate> = ranked.into_iter().map(|(.., c)| c).collect();
    if candidates.is_empty() {
        return None;
    }
    Some(Completion {
        prefix_len: prefix.chars().count(),
        candidates,
    })
}

/// The schema coordinate of the name under the cursor (`Pipeline.builds`,
/// `Pipeline`), for the field popup.
pub fn coordinate_at(
    schema: &GraphqlSchema,
    document: &str,
    row: usize,
    column: usize,
) -> Option<String> {
    let line = document.split('\n').nth(row)?;
    let chars: Vec<char> = line.chars().collect();
    let is_name = |c: &char| c.is_ascii_alphanumeric() || *c == '_';
    let mut start = column.min(chars.len());
    while start > 0 && is_name(&chars[start - 1]) {
        start -= 1;
    }
    let mut end = column.min(chars.len());
    while end < chars.len() && is_name(&chars[end]) {
        end += 1;
    }
    if start == end {
        return None;
    }
    let word: String = chars[start..end].iter().collect();
    let (before, _) = split_at_cursor(document, row, start)?;
    let analysis = analyse(schema, &before)?;
    match analysis.context {
        Context::Selection(ty) => Some(format!("{ty}.{word}")),
        Context::ArgumentName { parent, field } => Some(format!("{parent}.{field}")),
        Context::InputFieldName(ty) => Some(format!("{ty}.{word}")),
        Context::Value(Some(ty)) if schema.kind(&named(&ty)) == Some(TypeKind::Enum) => {
            Some(format!("{}.{word}", named(&ty)))
        }
        _ => schema.kind(&word).map(|_| word),
    }
}

/// The text before the cursor, and the part of the name being typed.
fn split_at_cursor(document: &str, row: usize, column: usize) -> Option<(String, String)> {
    let mut before = String::new();
    for (index, line) in document.split('\n').enumerate() {
        if index < row {
            before.push_str(line);
            before.push('\n');
        } else {
            before.extend(line.chars().take(column));
            break;
        }
    }
    let prefix_start = before
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_ascii_alphanumeric() || *c == '_')
        .last()
        .map_or(before.len(), |(i, _)| i);
    let prefix = before[prefix_start..].to_owned();
    before.truncate(prefix_start);
    Some((before, prefix))
}

/// Walks the tokens before the cursor, keeping the stack of open brackets and
/// what each one means.
fn analyse(schema: &GraphqlSchema, before: &str) -> Option<Analysis> {
    let tokens: Vec<Token> = lex(before)
        .ok()?
        .into_iter()
        .filter(|t| t.kind != Kind::Comment)
        .collect();
    let walk = Walk::through(schema, &tokens);
    let context = context_at_end(schema, &tokens, &walk.stack);
    let after_value = tokens.last().is_some_and(ends_value)
        && matches!(
            walk.stack.last(),
            Some(Frame::Arguments { .. } | Frame::Object(_))
        );
    Some(Analysis {
        context,
        variables: walk.variables,
        present: keys_before(&tokens),
        after_value,
    })
}

/// The keys (`name:`) given so far in the innermost open `( )` or `{ }`.
fn keys_before(tokens: &[Token]) -> Vec<String> {
    let mut depth = 0usize;
    let mut keys = Vec::new();
    for (i, token) in tokens.iter().enumerate().rev() {
        match token.text.as_str() {
            ")" | "}" | "]" => depth += 1,
            "(" | "{" | "[" if depth == 0 => break,
            "(" | "{" | "[" => depth -= 1,
            ":" if depth == 0 && i > 0 && tokens[i - 1].kind == Kind::Name => {
                keys.push(tokens[i - 1].text.clone());
            }
            _ => {}
        }
    }
    keys
}

/// The keys given after the cursor, up to where its list closes.
fn keys_after(after: String) -> Vec<String> {
    let Ok(tokens) = lex(&after) else {
        return Vec::new();
    };
    let mut depth = 0usize;
    let mut keys = Vec::new();
    for (i, token) in tokens.iter().enumerate() {
        match token.text.as_str() {
            "(" | "{" | "[" => depth += 1,
            ")" | "}" | "]" if depth == 0 => break,
            ")" | "}" | "]" => depth -= 1,
            ":" if depth == 0 && i > 0 && tokens[i - 1].kind == Kind::Name => {
                keys.push(tokens[i - 1].text.clone());
            }
            _ => {}
        }
    }
    keys
}

/// The text after the cursor, the rest of the name under it left out.
fn text_after(document: &str, row: usize, column: usize) -> String {
    let mut after = String::new();
    for (index, line) in document.split('\n').enumerate().skip(row) {
        if index == row {
            after.extend(
                line.chars()
                    .skip(column)
                    .skip_while(|c| c.is_ascii_alphanumeric() || *c == '_'),
            );
        } else {
            after.push('\n');
            after.push_str(line);
        }
    }
    after
}

fn ends_value(token: &Token) -> bool {
    match token.kind {
        Kind::Name | Kind::Number | Kind::String | Kind::BlockString => true,
        Kind::Punct => matches!(token.text.as_str(), "}" | "]" | ")" | "!"),
        Kind::Comment => false,
    }
}

/// The type a `{` opens after `field(...)` or `... on Type` in a selection of `parent`.
fn selection_after(
    schema: &GraphqlSchema,
    parent: Option<&str>,
    before: &[Token],
) -> Option<String> {
    let mut i = before.len();
    // Skip back over `( ... )` and `@directive( ... )`.
    loop {
        match before.get(i.checked_sub(1)?)?.text.as_str() {
            ")" => {
                let mut depth = 0;
                while i > 0 {
                    i -= 1;
                    match before[i].text.as_str() {
                        ")" => depth += 1,
                        "(" => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                }
            }
            _ if i >= 2 && before[i - 2].text == "@" => i -= 2,
            _ => break,
        }
    }
    let name = before.get(i.checked_sub(1)?)?;
    if name.text == "..." {
        return parent.map(str::to_owned); // `... @include(if: $x) {`
    }
    if i >= 2 && before[i - 2].text == "on" {
        return Some(name.text.clone());
    }
    schema.field_type(parent?, &name.text)
}

/// The type (as written: `[BuildStates!]`) of the value being written at the
/// end of `before`, given the open brackets.
fn value_type(schema: &GraphqlSchema, stack: &[Frame], before: &[Token]) -> Option<String> {
    let key = before
        .iter()
        .rev()
        .skip_while(|t| t.text != ":")
        .nth(1)
        .map(|t| t.text.clone());
    match stack.last()? {
        Frame::Arguments {
            parent: Some(parent),
            field,
        } => {
            let key = key?;
            let argument = schema
                .arguments(parent, field)
                .into_iter()
                .find(|a| a.name == key)?;
            Some(argument.ty.clone())
        }
        Frame::Object(Some(ty)) => {
            let key = key?;
            let field = schema
                .input_fields(ty)
                .into_iter()
                .find(|f| f.name == key)?;
            Some(field.ty.clone())
        }
        Frame::List(item) => item.clone(),
        _ => None,
    }
}

/// `[BuildStates!]!` → `BuildStates`
fn named(ty: &str) -> String {
    ty.trim_matches(|c| c == '[' || c == ']' || c == '!')
        .to_owned()
}

/// The type written after `$name`: `: [ID!]!` → `[ID!]!`.
fn type_after(tokens: &[Token]) -> String {
    let mut text = String::new();
    for token in tokens.iter().skip(1) {
        match token.text.as_str() {
            "[" | "]" | "!" => text.push_str(&token.text),
            _ if token.kind == Kind::Name && !text.ends_with(|c: char| c.is_alphanumeric()) => {
                text.push_str(&token.text)
            }
            _ => break,
        }
    }
    text
}

/// `[BuildStates!]!` → `BuildStates!`: the type of a list's items.
fn list_item(ty: &str) -> String {
    let ty = ty.strip_suffix('!').unwrap_or(ty);
    match ty.strip_prefix('[').and_then(|t| t.strip_suffix(']')) {
        Some(item) => item.to_owned(),
        None => ty.to_owned(), // a single value stands for a list of one
    }
}

/// A variable of type `variable` may be used where `location` is expected
/// (GraphQL's rule, without defaults: a nullable variable does not fill a
/// non-null place).
fn fits(variable: &str, location: &str) -> bool {
    let (variable, location) = (variable.trim(), location.trim());
    match (variable.strip_suffix('!'), location.strip_suffix('!')) {
        (None, Some(_)) => false,
        (Some(variable), Some(location)) => fits(variable, location),
        (Some(variable), None) => fits(variable, location),
        (None, _) => {
            match (
                variable.strip_prefix('[').and_then(|v| v.strip_suffix(']')),
                location.strip_prefix('[').and_then(|l| l.strip_suffix(']')),
            ) {
                (Some(v), Some(l)) => fits(v, l),
                (None, None) => variable == location,
                _ => false,
            }
        }
    }
}

fn field_candidate(field: &Member) -> Candidate {
    let (insert, cursor) = if field.has_selection {
        (
            format!("{} {{  }}", field.name),
            field.name.chars().count() + 3,
        )
    } else {
        (field.name.clone(), field.name.chars().count())
    };
    Candidate {
        label: field.name.clone(),
        detail: field.ty.clone(),
        summary: field.summary.clone(),
        insert,
        cursor,
        replace_before: 0,
    }
}

/// Arguments (or input fields) not given yet; after a value on the same
/// line each brings the comma that separates it.
fn key_candidates(members: &[Member], analysis: &Analysis, before: &str) -> Vec<Candidate> {
    let space: String = before
        .chars()
        .rev()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect();
    let written = &before[..before.len() - space.len()];
    let comma = analysis.after_value && !written.ends_with(['\n', ',']);
    members
        .iter()
        .filter(|m| !analysis.present.contains(&m.name))
        .map(|member| {
            let insert = if comma {
                format!(", {}: ", member.name)
            } else {
                format!("{}: ", member.name)
            };
            Candidate {
                label: member.name.clone(),
                detail: member.ty.clone(),
                summary: member.summary.clone(),
                cursor: insert.chars().count(),
                insert,
                replace_before: if comma { space.chars().count() } else { 0 },
            }
        })
        .collect()
}

fn value_candidates(
    schema: &GraphqlSchema,
    ty: Option<&str>,
    variables: &Variables,
) -> Vec<Candidate> {
    let simple = |label: &str, detail: &str| Candidate {
        label: label.to_owned(),
        detail: detail.to_owned(),
        summary: String::new(),
        insert: label.to_owned(),
        cursor: label.chars().count(),
        replace_before: 0,
    };
    let location = ty;
    let named_ty = ty.map(named);
    let mut candidates: Vec<Candidate> = match named_ty.as_deref() {
        Some("Boolean") => vec![simple("true", "Boolean"), simple("false", "Boolean")],
        Some(ty) => schema
            .enum_values(ty)
            .into_iter()
            .map(|v| Candidate {
                summary: v.summary,
                ..simple(&v.name, ty)
            })
            .collect(),
        None => Vec::new(),
    };
    // Variables whose type fits the place.
    candidates.extend(
        variables
            .iter()
            .filter(|(_, var_ty)| location.is_none_or(|location| fits(var_ty, location)))
            .map(|(name, var_ty)| Candidate {
                label: format!("${name}"),
                detail: var_ty.clone(),
                summary: String::new(),
                insert: format!("${name}"),
                cursor: name.chars().count() + 1,
                replace_before: 0,
            }),
    );
    candidates
}

#[cfg(test)]
mod tests;
