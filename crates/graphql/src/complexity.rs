//! Requested complexity, as Buildkite counts it before running a query
//! (graphql__graphql_resource_limits): a field that returns an object,
//! interface or union costs 1, a scalar or enum 0; the items of a connection
//! (`edges { node }` and `nodes`) cost once per requested item, `first` or
//! `last`. Buildkite refuses an operation over [`MAX_REQUESTED`].
//!
//! Written from the docs alone, apart from the sandbox's own count, so each
//! checks the other. Pure: no I/O.

use std::collections::HashMap;

use apollo_compiler::ast::{
    Definition, Document, Field, FragmentDefinition, OperationDefinition, OperationType, Selection,
    Value,
};
use apollo_compiler::{Name, Node};
use serde_json::Value as Json;

use super::schema::{GraphqlSchema, TypeKind};

/// Buildkite's limit for one query's requested complexity.
pub const MAX_REQUESTED: u64 = 50_000;
/// From here on an operation is "near the limit" (80 % of it).
pub const WARN_FROM: u64 = MAX_REQUESTED / 5 * 4;
/// The page size assumed for a connection asked without `first`/`last`
/// (the docs: "Not providing those may default to 500").
pub const DEFAULT_PAGE: u64 = 500;
/// Fragments nested deeper than this are a cycle (a document that does not
/// validate); the count stops there instead of recursing forever.
const MAX_DEPTH: usize = 64;

/// One operation's requested complexity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperationComplexity {
    /// `None` for an anonymous operation.
    pub name: Option<String>,
    pub kind: &'static str,
    pub requested: u64,
    /// Where the operation starts (1-based).
    pub line: usize,
    pub column: usize,
}

impl OperationComplexity {
    pub fn over_limit(&self) -> bool {
        self.requested > MAX_REQUESTED
    }

    pub fn near_limit(&self) -> bool {
        !self.over_limit() && self.requested >= WARN_FROM
    }

    /// "query `GetBuilds`", or "the query" for an anonymous one.
    pub fn label(&self) -> String {
        match &self.name {
            Some(name) => format!("{} `{name}`", self.kind),
            None => format!("the {}", self.kind),
        }
    }
}

/// Each operation of `document`, in order, with its requested complexity.
/// `variables` (a JSON object, or `Null`) gives `first: $n` its value; a
/// variable without one takes its default, else [`DEFAULT_PAGE`]. Without a
/// schema a field with a selection set counts as an object (what a valid
/// document means) and a connection is a field with `first`/`last`.
pub fn requested(
    document: &str,
    schema: Option<&GraphqlSchema>,
    variables: &Json,
) -> Result<Vec<OperationComplexity>, String> {
    let doc = Document::parse(document, "document.graphql")
        .map_err(|with_errors| with_errors.errors.to_string())?;
    let (operations, fragments) = executable_parts(&doc)?;
    let counted = operations
        .into_iter()
        .map(|op| count_operation(&doc, &fragments, op, schema, variables))
        .collect();
    Ok(counted)
}

/// The operations, in document order, and the fragments by name; an error
/// for what no server would run: type definitions, no operation, an
/// anonymous operation beside others, a name given twice.
fn executable_parts(
    doc: &Document,
) -> Result<(Vec<&Node<OperationDefinition>>, Fragments<'_>), String> {
    let mut operations: Vec<&Node<OperationDefinition>> = Vec::new();
    let mut fragments = HashMap::new();
    for definition in &doc.definitions {
        match definition {
            Definition::OperationDefinition(op) => {
                if let Some(name) = &op.name {
                    if operations
                        .iter()
                        .any(|seen| seen.name.as_ref() == Some(name))
                    {
                        return Err(format!("operation `{name}` is defined twice"));
                    }
                }
                operations.push(op);
            }
            Definition::FragmentDefinition(fragment) => {
                if fragments.insert(&fragment.name, &**fragment).is_some() {
                    return Err(format!("fragment `{}` is defined twice", fragment.name));
                }
            }
            _ => return Err("a query document holds only operations and fragments".into()),
        }
    }
    if operations.is_empty() {
        return Err("the document has no operation".into());
    }
    if operations.len() > 1 && operations.iter().any(|op| op.name.is_none()) {
        return Err("an anonymous operation must be the only one in its document".into());
    }
    Ok((operations, fragments))
}

/// A document's fragments by name.
type Fragments<'a> = HashMap<&'a Name, &'a FragmentDefinition>;

fn count_operation(
    doc: &Document,
    fragments: &Fragments<'_>,
    op: &Node<OperationDefinition>,
    schema: Option<&GraphqlSchema>,
    variables: &Json,
) -> OperationComplexity {
    let kind = match op.operation_type {
        OperationType::Query => "query",
        OperationType::Mutation => "mutation",
        OperationType::Subscription => "subscription",
    };
    let mut values: HashMap<String, u64> = HashMap::new();
    for definition in &op.variables {
        let var = definition.name.as_str();
        let given = variables.get(var).and_then(Json::as_u64);
        let default = definition.default_value.as_deref().and_then(whole_number);
        if let Some(value) = given.or(default) {
            values.insert(var.to_owned(), value);
        }
    }
    let counter = Counter {
        schema,
        fragments,
        variables: &values,
    };
    let root = schema
        .and_then(|s| s.root(kind))
        .unwrap_or_else(|| capitalized(kind));
    let requested = counter.selections(&op.selection_set, &root, 1, Place::Plain, 0);
    let start = op
        .line_column_range(&doc.sources)
        .map_or((1, 1), |range| (range.start.line, range.start.column));
    OperationComplexity {
        name: op.name.as_ref().map(ToString::to_string),
        kind,
        requested,
        line: start.0,
        column: start.1,
    }
}

/// A non-negative integer literal; `None` for anything else (a float, a
/// negative number, a string).
fn whole_number(value: &Value) -> Option<u64> {
    match value {
        Value::Int(int) => int.as_str().parse().ok(),
        _ => None,
    }
}

fn capitalized(kind: &str) -> String {
    let mut chars = kind.chars();
    chars
        .next()
        .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
        .unwrap_or_default()
}

/// Where a selection set stands relative to a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    Plain,
    /// The fields of a connection that asked for this many items.
    Connection(u64),
    /// The fields of its `edges`.
    Edges(u64),
}

struct Counter<'a> {
    schema: Option<&'a GraphqlSchema>,
    fragments: &'a Fragments<'a>,
    variables: &'a HashMap<String, u64>,
}

impl Counter<'_> {
    /// The cost of a selection set on `parent`, each object counted
    /// `times` (the items of the connections above it). Fragments on the
    /// parent's own type add up; fragments on other types (the members of a
    /// union or interface) are alternatives, so only the dearest counts.
    fn selections(
        &self,
        set: &[Selection],
        parent: &str,
        times: u64,
        place: Place,
        depth: usize,
    ) -> u64 {
        if depth > MAX_DEPTH {
            return 0;
        }
        let mut total: u64 = 0;
        let mut alternatives: HashMap<String, u64> = HashMap::new();
        for selection in set {
            let (on, inner) = match selection {
                Selection::Field(field) => {
                    let cost = self.field(field, parent, times, place, depth);
                    total = total.saturating_add(cost);
                    continue;
                }
                Selection::InlineFragment(fragment) => (
                    fragment.type_condition.as_ref().map(ToString::to_string),
                    &fragment.selection_set,
                ),
                Selection::FragmentSpread(spread) => {
                    let Some(fragment) = self.fragments.get(&spread.fragment_name) else {
                        continue;
                    };
                    (
                        Some(fragment.type_condition.to_string()),
                        &fragment.selection_set,
                    )
                }
            };
            let on = on.unwrap_or_else(|| parent.to_owned());
            let cost = self.selections(inner, &on, times, place, depth + 1);
            if on == parent {
                total = total.saturating_add(cost);
            } else {
                let entry = alternatives.entry(on).or_default();
                *entry = entry.saturating_add(cost);
            }
        }
        total.saturating_add(alternatives.into_values().max().unwrap_or(0))
    }

    fn field(&self, field: &Field, parent: &str, times: u64, place: Place, depth: usize) -> u64 {
        let name = field.name.as_str();
        let has_selection = !field.selection_set.is_empty();
        let ty = self.schema.and_then(|s| s.field_type(parent, name));
        let composite = match ty.as_deref().and_then(|t| self.schema?.kind(t)) {
            Some(TypeKind::Object | TypeKind::Interface | TypeKind::Union) => true,
            Some(_) => false,
            None => has_selection,
        };
        if !composite {
            return 0;
        }
        let count = match place {
            Place::Connection(items) if name == "nodes" => times.saturating_mul(items),
            Place::Edges(items) if name == "node" => times.saturating_mul(items),
            _ => times,
        };
        let inner_place = match (self.page_size(field, ty.as_deref()), place) {
            (Some(items), _) => Place::Connection(items),
            (None, Place::Connection(items)) if name == "edges" => Place::Edges(items),
            _ => Place::Plain,
        };
        let inner_type = ty.unwrap_or_default();
        let inner = self.selections(
            &field.selection_set,
            &inner_type,
            count,
            inner_place,
            depth + 1,
        );
        count.saturating_add(inner)
    }

    /// The items a connection field asks for: `first` or `last` (the larger
    /// when both), [`DEFAULT_PAGE`] for a connection asked without them.
    /// `None` when the field is not a connection.
    fn page_size(&self, field: &Field, ty: Option<&str>) -> Option<u64> {
        let mut asked: Option<u64> = None;
        let mut has_page_argument = false;
        for argument in &field.arguments {
            if !matches!(argument.name.as_str(), "first" | "last") {
                continue;
            }
            has_page_argument = true;
            let items = match &*argument.value {
                Value::Variable(var) => Some(
                    self.variables
                        .get(var.as_str())
                        .copied()
                        .unwrap_or(DEFAULT_PAGE),
                ),
                literal => whole_number(literal),
            };
            if let Some(items) = items {
                asked = Some(asked.map_or(items, |a| a.max(items)));
            }
        }
        let is_connection = ty.is_some_and(|t| t.ends_with("Connection")) || has_page_argument;
        is_connection.then(|| asked.unwrap_or(DEFAULT_PAGE))
    }
}

/// 251503 -> "251,503".
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests;
