//! Rules a request must pass before anything runs: which operation it runs,
//! and its variables coerced to their declared types (a null or missing value
//! for a non-null variable is a request error, so no field of the operation,
//! mutation or not, is executed). Errors are worded as Buildkite's GraphQL
//! (graphql-ruby) words them.

use async_graphql::parser::types::{
    BaseType, DocumentOperations, ExecutableDocument, OperationDefinition, Type,
};
use serde_json::{json, Value};

use super::type_index::{Kind, TypeIndex};

/// The operation a request runs: the named one, or the document's only one.
pub fn select_operation<'a>(
    document: &'a ExecutableDocument,
    name: Option<&str>,
) -> Option<&'a OperationDefinition> {
    match (&document.operations, name) {
        (DocumentOperations::Single(op), None) => Some(&op.node),
        (DocumentOperations::Multiple(ops), Some(name)) => ops.get(name).map(|op| &op.node),
        (DocumentOperations::Multiple(ops), None) if ops.len() == 1 => {
            ops.values().next().map(|op| &op.node)
        }
        _ => None,
    }
}

/// One GraphQL error per variable whose value does not fit its type.
pub fn variable_errors(
    index: &TypeIndex,
    operation: &OperationDefinition,
    variables: &serde_json::Map<String, Value>,
) -> Vec<Value> {
    let mut errors = Vec::new();
    for definition in &operation.variable_definitions {
        let definition = &definition.node;
        let name = definition.name.node.as_str();
        let ty = &definition.var_type.node;
        let value = match variables.get(name) {
            Some(value) => value,
            // An absent value takes the default; without one only a nullable type is satisfied.
            None if definition.default_value.is_some() || ty.nullable => continue,
            None => &Value::Null,
        };
        let mut problems = Vec::new();
        check(index, ty, value, &mut Vec::new(), &mut problems);
        if !problems.is_empty() {
            let pos = definition.name.pos;
            errors.push(json!({
                "message": format!("Variable ${name} of type {ty} was provided invalid value"),
                "locations": [{ "line": pos.line, "column": pos.column }],
                "extensions": { "value": value, "problems": problems },
            }));
        }
    }
    errors
}

fn problem(path: &[Value], explanation: String) -> Value {
    json!({ "path": path, "explanation": explanation })
}

/// Adds to `problems` each place where `value` does not coerce to `ty`.
fn check(
    index: &TypeIndex,
    ty: &Type,
    value: &Value,
    path: &mut Vec<Value>,
    problems: &mut Vec<Value>,
) {
    if value.is_null() {
        if !ty.nullable {
            problems.push(problem(path, "Expected value to not be null".into()));
        }
        return;
    }
    match &ty.base {
        BaseType::List(item) => match value {
            Value::Array(items) => {
                for (i, item_value) in items.iter().enumerate() {
                    path.push(json!(i));
                    check(index, item, item_value, path, problems);
                    path.pop();
                }
            }
            // A single value is coerced to a list of one.
            single => check(index, item, single, path, problems),
        },
        BaseType::Named(name) => check_named(index, name, value, path, problems),
    }
}

fn check_named(
    index: &TypeIndex,
    name: &str,
    value: &Value,
    path: &mut Vec<Value>,
    problems: &mut Vec<Value>,
) {
    let fits = match name {
        "Int" => value.as_i64().is_some_and(|n| i32::try_from(n).is_ok()),
        "Float" => value.is_number(),
        "String" => value.is_string(),
        "Boolean" => value.is_boolean(),
        "ID" => value.is_string() || value.is_i64() || value.is_u64(),
        _ => match index.get(name).map(|t| &t.kind) {
            Some(Kind::Enum(values)) => value
                .as_str()
                .is_some_and(|v| values.iter().any(|known| known == v)),
            Some(Kind::InputObject) => {
                return check_input_object(index, name, value, path, problems)
            }
            // Custom scalars (DateTime, JSON, ...) take what they are given.
            _ => true,
        },
    };
    if !fits {
        problems.push(problem(
            path,
            format!("Could not coerce value {value} to {name}"),
        ));
    }
}

fn check_input_object(
    index: &TypeIndex,
    name: &str,
    value: &Value,
    path: &mut Vec<Value>,
    problems: &mut Vec<Value>,
) {
    let (Some(info), Some(object)) = (index.get(name), value.as_object()) else {
        problems.push(problem(
            path,
            format!("Could not coerce value {value} to {name}"),
        ));
        return;
    };
    for key in object.keys() {
        if !info.input_fields.iter().any(|f| &f.name == key) {
            path.push(json!(key));
            problems.push(problem(path, format!("Field is not defined on {name}")));
            path.pop();
        }
    }
    for field in &info.input_fields {
        path.push(json!(field.name));
        match object.get(&field.name) {
            Some(field_value) => check(index, &field.ty, field_value, path, problems),
            None if !field.ty.nullable && !field.has_default => {
                problems.push(problem(path, "Expected value to not be null".into()));
            }
            None => {}
        }
        path.pop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SDL: &str = "type Query { a(n: Int): Int }
        enum Color { RED GREEN }
        input Make { pipelineID: ID!, branch: String, tries: Int! = 1 }";

    fn errors(document: &str, variables: Value) -> Vec<Value> {
        let index = TypeIndex::from_sdl(SDL).unwrap();
        let document = async_graphql::parser::parse_query(document).unwrap();
        let operation = select_operation(&document, None).unwrap();
        variable_errors(&index, operation, variables.as_object().unwrap())
    }

    #[test]
    fn null_or_missing_for_a_non_null_type_is_refused() {
        let doc = "query Q($n: Int!) { a(n: $n) }";
        let refused = errors(doc, json!({ "n": null }));
        assert_eq!(refused.len(), 1);
        assert_eq!(
            refused[0]["message"],
            "Variable $n of type Int! was provided invalid value"
        );
        assert_eq!(
            refused[0]["extensions"]["problems"][0]["explanation"],
            "Expected value to not be null"
        );
        assert_eq!(errors(doc, json!({})).len(), 1);
        assert!(errors(doc, json!({ "n": 3 })).is_empty());
        assert!(errors("query Q($n: Int! = 2) { a(n: $n) }", json!({})).is_empty());
        assert!(errors("query Q($n: Int) { a(n: $n) }", json!({})).is_empty());
    }

    #[test]
    fn values_are_checked_inside_lists_and_input_objects() {
        let doc = "query Q($c: [Color!], $m: Make!, $n: Int) { a(n: $n) }";
        let refused = errors(
            doc,
            json!({ "c": ["RED", null, "BLUE"], "m": { "branch": 1, "extra": true }, "n": 1.5 }),
        );
        let problems: Vec<String> = refused
            .iter()
            .flat_map(|e| e["extensions"]["problems"].as_array().unwrap().clone())
            .map(|p| format!("{} {}", p["path"], p["explanation"]))
            .collect();
        assert_eq!(
            problems,
            [
                "[1] \"Expected value to not be null\"",
                "[2] \"Could not coerce value \\\"BLUE\\\" to Color\"",
                "[\"extra\"] \"Field is not defined on Make\"",
                "[\"pipelineID\"] \"Expected value to not be null\"",
                "[\"branch\"] \"Could not coerce value 1 to String\"",
                "[] \"Could not coerce value 1.5 to Int\"",
            ]
        );
    }
}
