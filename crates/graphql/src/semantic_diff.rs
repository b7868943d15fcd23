//! What changed between two versions of a portal's document, as callers see
//! it: operations, their variables and the fields they select. Layout,
//! comments and commas are no change (the comparison is over apollo-compiler's
//! AST, whose nodes compare without their positions). Pure: no I/O.

use std::collections::BTreeMap;
use std::fmt;

use apollo_compiler::ast::{Definition, Document, OperationDefinition, Selection};
use serde::Serialize;

/// One difference a caller of the portal may notice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum Change {
    OperationAdded {
        operation: String,
        kind: String,
    },
    OperationRemoved {
        operation: String,
    },
    VariableAdded {
        operation: String,
        variable: String,
        required: bool,
    },
    VariableRemoved {
        operation: String,
        variable: String,
    },
    VariableBecameRequired {
        operation: String,
        variable: String,
    },
    VariableBecameOptional {
        operation: String,
        variable: String,
    },
    VariableTypeChanged {
        operation: String,
        variable: String,
        from: String,
        to: String,
    },
    FieldAdded {
        operation: String,
        path: String,
    },
    FieldRemoved {
        operation: String,
        path: String,
    },
    /// Same field, other arguments or directives.
    FieldChanged {
        operation: String,
        path: String,
    },
    /// Changed, but in nothing the kinds above describe (order, fragments'
    /// shape, operation directives), or a side does not parse.
    Other {
        what: String,
    },
}

impl Change {
    /// Whether existing callers may start failing or reading less.
    pub fn may_break_callers(&self) -> bool {
        match self {
            Change::OperationRemoved { .. }
            | Change::VariableBecameRequired { .. }
            | Change::VariableTypeChanged { .. }
            | Change::FieldRemoved { .. }
            | Change::FieldChanged { .. }
            | Change::Other { .. } => true,
            Change::VariableAdded { required, .. } => *required,
            Change::OperationAdded { .. }
            | Change::VariableRemoved { .. }
            | Change::VariableBecameOptional { .. }
            | Change::FieldAdded { .. } => false,
        }
    }
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Change::OperationAdded { operation, kind } => {
                write!(f, "{kind} operation {operation} added")
            }
            Change::OperationRemoved { operation } => write!(f, "operation {operation} removed"),
            Change::VariableAdded {
                operation,
                variable,
                required,
            } => {
                let required = if *required { "required " } else { "" };
                write!(f, "{required}variable ${variable} added to {operation}")
            }
            Change::VariableRemoved {
                operation,
                variable,
            } => write!(f, "variable ${variable} removed from {operation}"),
            Change::VariableBecameRequired {
                operation,
                variable,
            } => write!(f, "variable ${variable} of {operation} became required"),
            Change::VariableBecameOptional {
                operation,
                variable,
            } => write!(f, "variable ${variable} of {operation} became optional"),
            Change::VariableTypeChanged {
                operation,
                variable,
                from,
                to,
            } => write!(
                f,
                "variable ${variable} of {operation} changed type: {from} -> {to}"
            ),
            Change::FieldAdded { operation, path } => {
                write!(f, "field {path} added to {operation}")
            }
            Change::FieldRemoved { operation, path } => {
                write!(f, "field {path} removed from {operation}")
            }
            Change::FieldChanged { operation, path } => {
                write!(f, "arguments of field {path} in {operation} changed")
            }
            Change::Other { what } => f.write_str(what),
        }
    }
}

/// The changes from `old` to `new`; empty when they mean the same.
pub fn diff(old: &str, new: &str) -> Vec<Change> {
    let (old_doc, new_doc) = match (parse(old), parse(new)) {
        (Some(old), Some(new)) => (old, new),
        (_, None) => return other("the new document does not parse; no summary"),
        (None, Some(_)) => return other("the document was replaced (the old one did not parse)"),
    };
    let (old_ops, old_fragments) = split(&old_doc);
    let (new_ops, new_fragments) = split(&new_doc);
    if old_ops == new_ops && old_fragments == new_fragments {
        return Vec::new();
    }
    let mut changes = Vec::new();
    for (name, op) in &new_ops {
        match old_ops.get(name) {
            None => changes.push(Change::OperationAdded {
                operation: name.clone(),
                kind: op.operation_type.to_string(),
            }),
            Some(old_op) => {
                compare_variables(name, old_op, op, &mut changes);
                let before = fields(old_op, &old_fragments);
                let after = fields(op, &new_fragments);
                compare_fields(name, &before, &after, &mut changes);
            }
        }
    }
    for name in old_ops.keys().filter(|name| !new_ops.contains_key(*name)) {
        changes.push(Change::OperationRemoved {
            operation: name.clone(),
        });
    }
    if changes.is_empty() {
        changes.extend(other(
            "the document changed in order, directives or fragments, not in its operations' variables or fields",
        ));
    }
    changes
}

/// Whether two documents mean the same (layout, comments and commas aside).
pub fn same_meaning(old: &str, new: &str) -> bool {
    match (parse(old), parse(new)) {
        (Some(old), Some(new)) => split(&old) == split(&new),
        _ => old == new,
    }
}

fn other(what: &str) -> Vec<Change> {
    vec![Change::Other {
        what: what.to_owned(),
    }]
}

fn parse(text: &str) -> Option<Document> {
    Document::parse(text, "document.graphql").ok()
}

type Operations<'a> = BTreeMap<String, &'a OperationDefinition>;
type Fragments<'a> = BTreeMap<String, &'a [Selection]>;

const ANONYMOUS: &str = "(anonymous operation)";

fn split(doc: &Document) -> (Operations<'_>, Fragments<'_>) {
    let mut operations = BTreeMap::new();
    let mut fragments = BTreeMap::new();
    for definition in &doc.definitions {
        match definition {
            Definition::OperationDefinition(op) => {
                let name = op.name.as_ref().map_or(ANONYMOUS, |n| n.as_str());
                operations.insert(name.to_owned(), &**op);
            }
            Definition::FragmentDefinition(fragment) => {
                fragments.insert(fragment.name.to_string(), fragment.selection_set.as_slice());
            }
            _ => {}
        }
    }
    (operations, fragments)
}

fn compare_variables(
    operation: &str,
    old: &OperationDefinition,
    new: &OperationDefinition,
    changes: &mut Vec<Change>,
) {
    let required = |v: &apollo_compiler::ast::VariableDefinition| {
        v.ty.is_non_null() && v.default_value.is_none()
    };
    let named = |name: &str| (operation.to_owned(), name.to_owned());
    for var in &new.variables {
        let (operation, variable) = named(var.name.as_str());
        let Some(before) = old.variables.iter().find(|v| v.name == var.name) else {
            changes.push(Change::VariableAdded {
                operation,
                variable,
                required: required(var),
            });
            continue;
        };
        if before.ty != var.ty {
            changes.push(Change::VariableTypeChanged {
                operation: operation.clone(),
                variable: variable.clone(),
                from: before.ty.to_string(),
                to: var.ty.to_string(),
            });
        }
        match (required(before), required(var)) {
            (false, true) => changes.push(Change::VariableBecameRequired {
                operation,
                variable,
            }),
            (true, false) => changes.push(Change::VariableBecameOptional {
                operation,
                variable,
            }),
            _ => {}
        }
    }
    for var in &old.variables {
        if !new.variables.iter().any(|v| v.name == var.name) {
            let (operation, variable) = named(var.name.as_str());
            changes.push(Change::VariableRemoved {
                operation,
                variable,
            });
        }
    }
}

/// Every field an operation selects, by its path of response keys
/// (fragments spread in), with its arguments and directives as written.
fn fields(op: &OperationDefinition, fragments: &Fragments<'_>) -> BTreeMap<String, String> {
    let mut found = BTreeMap::new();
    collect(&op.selection_set, "", fragments, 0, &mut found);
    found
}

/// Deep enough for any real document; stops fragment cycles.
const MAX_DEPTH: usize = 64;

fn collect(
    selections: &[Selection],
    prefix: &str,
    fragments: &Fragments<'_>,
    depth: usize,
    found: &mut BTreeMap<String, String>,
) {
    if depth > MAX_DEPTH {
        return;
    }
    for selection in selections {
        match selection {
            Selection::Field(field) => {
                let key = field.alias.as_ref().unwrap_or(&field.name);
                let path = if prefix.is_empty() {
                    key.to_string()
                } else {
                    format!("{prefix}.{key}")
                };
                let arguments: Vec<String> = field
                    .arguments
                    .iter()
                    .map(|a| format!("{}:{}", a.name, a.value))
                    .collect();
                let signature = format!(
                    "{}({}){}",
                    field.name,
                    arguments.join(","),
                    field.directives
                );
                found.insert(path.clone(), signature);
                collect(&field.selection_set, &path, fragments, depth + 1, found);
            }
            Selection::FragmentSpread(spread) => {
                if let Some(inner) = fragments.get(spread.fragment_name.as_str()) {
                    collect(inner, prefix, fragments, depth + 1, found);
                }
            }
            Selection::InlineFragment(inline) => {
                collect(&inline.selection_set, prefix, fragments, depth + 1, found);
            }
        }
    }
}

fn compare_fields(
    operation: &str,
    before: &BTreeMap<String, String>,
    after: &BTreeMap<String, String>,
    changes: &mut Vec<Change>,
) {
    let change = |path: &str, make: fn(String, String) -> Change| {
        make(operation.to_owned(), path.to_owned())
    };
    for (path, signature) in after {
        match before.get(path) {
            None if !parent_added(path, before) => changes.push(change(path, |operation, path| {
                Change::FieldAdded { operation, path }
            })),
            Some(old) if old != signature => changes.push(change(path, |operation, path| {
                Change::FieldChanged { operation, path }
            })),
            _ => {}
        }
    }
    for path in before.keys() {
        if !after.contains_key(path) && !parent_removed(path, after) {
            changes.push(change(path, |operation, path| Change::FieldRemoved {
                operation,
                path,
            }));
        }
    }
}

/// A field under a field that is new itself: the parent says it.
fn parent_added(path: &str, before: &BTreeMap<String, String>) -> bool {
    path.rsplit_once('.')
        .is_some_and(|(parent, _)| !before.contains_key(parent))
}

/// A field under a field that went away: the parent says it.
fn parent_removed(path: &str, after: &BTreeMap<String, String>) -> bool {
    path.rsplit_once('.')
        .is_some_and(|(parent, _)| !after.contains_key(parent))
}

#[cfg(test)]
mod tests {
    use super::*;

    const BUILDS: &str = "query GetBuilds($pipeline: ID!, $branch: String) {\n  pipeline(slug: $pipeline) {\n    builds(first: 5, branch: $branch) { edges { node { number url } } }\n  }\n}\n";

    fn said(old: &str, new: &str) -> Vec<String> {
        diff(old, new).iter().map(ToString::to_string).collect()
    }

    #[test]
    fn layout_comments_and_commas_are_no_change() {
        let reformatted = "# who calls this: the deploy bot\nquery GetBuilds(\n  $pipeline: ID!\n  $branch: String\n) {\n  pipeline(slug: $pipeline) {\n    builds(first: 5, branch: $branch) {\n      edges { node { number, url } }\n    }\n  }\n}";
        assert_eq!(diff(BUILDS, reformatted), Vec::new());
        assert!(same_meaning(BUILDS, reformatted));
        let formatted = crate::format::format(BUILDS).unwrap();
        assert!(same_meaning(BUILDS, &formatted));
    }

    #[test]
    fn operations_added_and_removed_are_named() {
        let renamed = BUILDS.replace("GetBuilds", "ListBuilds");
        assert_eq!(
            said(BUILDS, &renamed),
            [
                "query operation ListBuilds added",
                "operation GetBuilds removed"
            ]
        );
    }

    #[test]
    fn variables_becoming_required_added_and_removed_are_said() {
        let required = BUILDS.replace("$branch: String)", "$branch: String!, $first: Int)");
        assert_eq!(
            said(BUILDS, &required),
            [
                "variable $branch of GetBuilds changed type: String -> String!",
                "variable $branch of GetBuilds became required",
                "variable $first added to GetBuilds",
            ]
        );
        let fewer = BUILDS
            .replace(", $branch: String", "")
            .replace(", branch: $branch", "");
        let changes = diff(BUILDS, &fewer);
        assert!(
            changes.contains(&Change::VariableRemoved {
                operation: "GetBuilds".into(),
                variable: "branch".into()
            }),
            "{changes:?}"
        );
        assert!(changes
            .iter()
            .any(|c| matches!(c, Change::FieldChanged { path, .. } if path == "pipeline.builds")));
    }

    #[test]
    fn a_removed_field_is_said_with_its_path_and_may_break_callers() {
        let without_url = BUILDS.replace("number url", "number");
        let changes = diff(BUILDS, &without_url);
        assert_eq!(
            changes,
            [Change::FieldRemoved {
                operation: "GetBuilds".into(),
                path: "pipeline.builds.edges.node.url".into()
            }]
        );
        assert!(changes[0].may_break_callers());
        let back = diff(&without_url, BUILDS);
        assert_eq!(
            back[0].to_string(),
            "field pipeline.builds.edges.node.url added to GetBuilds"
        );
        assert!(!back[0].may_break_callers());
    }

    #[test]
    fn fields_from_fragments_count_as_selected() {
        let with_fragment = "query GetBuilds($pipeline: ID!, $branch: String) {\n  pipeline(slug: $pipeline) {\n    builds(first: 5, branch: $branch) { edges { node { ...B } } }\n  }\n}\nfragment B on Build { number url }\n";
        assert_eq!(
            said(BUILDS, with_fragment),
            ["the document changed in order, directives or fragments, not in its operations' variables or fields"]
        );
        let cyclic = "query Q { viewer { ...A } }\nfragment A on Viewer { ...A }";
        assert!(!diff(cyclic, "query Q { viewer { id } }").is_empty());
    }

    #[test]
    fn a_document_that_does_not_parse_is_a_change_without_summary() {
        assert_eq!(
            said(BUILDS, "query {"),
            ["the new document does not parse; no summary"]
        );
        assert!(!same_meaning(BUILDS, "query {"));
    }
}
