//! Lint rules for a portal's document that need no schema: several
//! operations without names, variables declared but never used, and whether
//! the document holds a mutation (for the allowed-IP rule). Pure: no I/O.

use std::collections::BTreeSet;

use apollo_compiler::ast::{Definition, Document, Selection, Value};
use apollo_compiler::Node;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub line: usize,
    pub column: usize,
    pub severity: Severity,
    pub message: String,
}

/// The findings for a document; one that does not parse has none (its
/// syntax errors are reported by the diagnostics).
pub fn lint_document(text: &str) -> Vec<Finding> {
    let Ok(doc) = Document::parse(text, "document.graphql") else {
        return Vec::new();
    };
    let mut findings = Vec::new();
    let operations: Vec<_> = doc
        .definitions
        .iter()
        .filter_map(|d| match d {
            Definition::OperationDefinition(op) => Some(op),
            _ => None,
        })
        .collect();
    let unnamed = operations.iter().filter(|op| op.name.is_none()).count();
    if operations.len() > 1 && unnamed > 0 {
        let first = operations.iter().find(|op| op.name.is_none());
        let (line, column) = first.map_or((1, 1), |op| position(op, &doc));
        findings.push(Finding {
            line,
            column,
            severity: Severity::Error,
            message: format!(
                "{unnamed} of the {} operations {} no name: with several, callers pick one by name (operation_name), so name each",
                operations.len(),
                if unnamed == 1 { "has" } else { "have" }
            ),
        });
    }
    for op in &operations {
        let mut used = BTreeSet::new();
        collect_selections(&op.selection_set, &doc, &mut used, 0);
        for directive in op.directives.iter() {
            for argument in &directive.arguments {
                collect_value(&argument.value, &mut used);
            }
        }
        for var in &op.variables {
            if !used.contains(var.name.as_str()) {
                let (line, column) = position(var, &doc);
                findings.push(Finding {
                    line,
                    column,
                    severity: Severity::Warning,
                    message: format!(
                        "variable ${} is declared but never used; callers may send it for nothing",
                        var.name
                    ),
                });
            }
        }
    }
    findings
}

/// Whether any operation of the document is a mutation.
pub fn has_mutation(text: &str) -> bool {
    Document::parse(text, "document.graphql").is_ok_and(|doc| {
        doc.definitions.iter().any(
            |d| matches!(d, Definition::OperationDefinition(op) if op.operation_type.is_mutation()),
        )
    })
}

fn position<T>(node: &Node<T>, doc: &Document) -> (usize, usize) {
    node.line_column_range(&doc.sources)
        .map_or((1, 1), |range| (range.start.line, range.start.column))
}

const MAX_DEPTH: usize = 64;

fn collect_selections(
    selections: &[Selection],
    doc: &Document,
    used: &mut BTreeSet<String>,
    depth: usize,
) {
    if depth > MAX_DEPTH {
        return;
    }
    for selection in selections {
        let (directives, inner) = match selection {
            Selection::Field(field) => {
                for argument in &field.arguments {
                    collect_value(&argument.value, used);
                }
                (&field.directives, field.selection_set.as_slice())
            }
            Selection::InlineFragment(inline) => {
                (&inline.directives, inline.selection_set.as_slice())
            }
            Selection::FragmentSpread(spread) => {
                let fragment = doc.definitions.iter().find_map(|d| match d {
                    Definition::FragmentDefinition(f) if f.name == spread.fragment_name => Some(f),
                    _ => None,
                });
                if let Some(fragment) = fragment {
                    collect_selections(&fragment.selection_set, doc, used, depth + 1);
                }
                (&spread.directives, &[][..])
            }
        };
        for directive in directives.iter() {
            for argument in &directive.arguments {
                collect_value(&argument.value, used);
            }
        }
        collect_selections(inner, doc, used, depth + 1);
    }
}

fn collect_value(value: &Value, used: &mut BTreeSet<String>) {
    match value {
        Value::Variable(name) => {
            used.insert(name.to_string());
        }
        Value::List(items) => items.iter().for_each(|v| collect_value(v, used)),
        Value::Object(fields) => fields.iter().for_each(|(_, v)| collect_value(v, used)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unused_variables_are_warned_about_where_declared() {
        let doc = "query Q($used: ID!, $spare: Int) {\n  pipeline(slug: $used) { name }\n}";
        let findings = lint_document(doc);
        assert_eq!(findings.len(), 1, "{findings:?}");
        assert_eq!(findings[0].severity, Severity::Warning);
        assert_eq!((findings[0].line, findings[0].column), (1, 21));
        assert!(findings[0].message.contains("$spare"));
    }

    #[test]
    fn variables_used_in_fragments_objects_and_directives_count() {
        let doc = "query Q($a: ID!, $b: String, $c: Boolean!) {\n  x(input: { list: [$b] }) @include(if: $c) { ...F }\n}\nfragment F on T { y(id: $a) }";
        assert_eq!(lint_document(doc), Vec::new());
    }

    #[test]
    fn several_operations_need_names() {
        let doc = "query A { a }\nquery { b }";
        let findings = lint_document(doc);
        assert_eq!(findings.len(), 1, "{findings:?}");
        assert_eq!(findings[0].severity, Severity::Error);
        assert_eq!(findings[0].line, 2);
        assert!(lint_document("{ a }").is_empty());
    }

    #[test]
    fn mutations_are_recognised() {
        assert!(has_mutation("query A { a }\nmutation B { b }"));
        assert!(!has_mutation("query A { a }"));
        assert!(!has_mutation("mutation {"));
    }
}
