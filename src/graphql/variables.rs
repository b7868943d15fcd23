//! A document's operations and their variables, and turning typed-in text into
//! the JSON a variable's type asks for. Pure: no I/O.

use async_graphql_parser::types::{BaseType, DocumentOperations, OperationType, Type};
use serde_json::Value;

/// One operation of a document.
#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// `None` for a single anonymous operation.
    pub name: Option<String>,
    pub kind: &'static str,
    pub variables: Vec<Variable>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Variable {
    pub name: String,
    /// As written: `ID!`, `[String!]`...
    pub type_name: String,
    pub required: bool,
    pub default: Option<Value>,
    ty: Type,
}

/// The operations of `document`, in the order they appear. A document that
/// does not parse yields the parser's message.
pub fn operations(document: &str) -> Result<Vec<Operation>, String> {
    let doc = async_graphql_parser::parse_query(document).map_err(|e| e.to_string())?;
    let mut found: Vec<(usize, Operation)> = doc
        .operations
        .iter()
        .map(|(name, op)| {
            let kind = match op.node.ty {
                OperationType::Query => "query",
                OperationType::Mutation => "mutation",
                OperationType::Subscription => "subscription",
            };
            let variables = op
                .node
                .variable_definitions
                .iter()
                .map(|v| {
                    let def = &v.node;
                    Variable {
                        name: def.name.node.to_string(),
                        type_name: def.var_type.node.to_string(),
                        required: !def.var_type.node.nullable && def.default_value.is_none(),
                        default: def
                            .default_value
                            .as_ref()
                            .and_then(|d| d.node.clone().into_json().ok()),
                        ty: def.var_type.node.clone(),
                    }
                })
                .collect();
            let operation = Operation {
                name: name.map(|n| n.to_string()),
                kind,
                variables,
            };
            (op.pos.line * 100_000 + op.pos.column, operation)
        })
        .collect();
    if let DocumentOperations::Multiple(_) = doc.operations {
        found.sort_by_key(|(pos, _)| *pos);
    }
    Ok(found.into_iter().map(|(_, op)| op).collect())
}

impl Variable {
    /// Turns text typed for this variable into JSON of its type.
    pub fn coerce(&self, text: &str) -> Result<Value, String> {
        coerce(text, &self.ty).map_err(|why| format!("${}: {}", self.name, why))
    }
}

fn coerce(text: &str, ty: &Type) -> Result<Value, String> {
    let trimmed = text.trim();
    if trimmed == "null" {
        return if ty.nullable {
            Ok(Value::Null)
        } else {
            Err(format!("is {ty}, so it cannot be null"))
        };
    }
    match &ty.base {
        BaseType::List(inner) => match serde_json::from_str::<Value>(trimmed) {
            Ok(Value::Array(items)) => Ok(Value::Array(
                items
                    .into_iter()
                    .map(|item| match item {
                        Value::String(s) => coerce(&s, inner),
                        other => coerce(&other.to_string(), inner),
                    })
                    .collect::<Result<_, _>>()?,
            )),
            // GraphQL accepts a single value where a list is expected.
            _ => Ok(Value::Array(vec![coerce(text, inner)?])),
        },
        BaseType::Named(name) => match name.as_str() {
            "Int" => trimmed
                .parse::<i32>()
                .map(Value::from)
                .map_err(|_| format!("expects an Int (a whole number), got `{trimmed}`")),
            "Float" => trimmed
                .parse::<f64>()
                .ok()
                .filter(|f| f.is_finite())
                .map(Value::from)
                .ok_or_else(|| format!("expects a Float (a number), got `{trimmed}`")),
            "Boolean" => match trimmed {
                "true" => Ok(Value::Bool(true)),
                "false" => Ok(Value::Bool(false)),
                _ => Err(format!(
                    "expects a Boolean (true or false), got `{trimmed}`"
                )),
            },
            "String" | "ID" => Ok(Value::String(text.to_owned())),
            // Input objects are written as JSON; enum values and custom scalars as text.
            _ => match serde_json::from_str::<Value>(trimmed) {
                Ok(value @ Value::Object(_)) => Ok(value),
                _ => Ok(Value::String(text.to_owned())),
            },
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const DOC: &str = r#"
        query GetBuilds($pipelineSlug: ID!, $first: Int = 5, $branch: [String!], $ok: Boolean) {
          pipeline(slug: $pipelineSlug) { name }
        }
        mutation triggerBuild($pipelineID: ID!) { buildCreate(input: {pipelineID: $pipelineID}) { build { url } } }
    "#;

    #[test]
    fn operations_come_in_document_order_with_variables() {
        let ops = operations(DOC).unwrap();
        let names: Vec<_> = ops.iter().map(|o| o.name.clone().unwrap()).collect();
        assert_eq!(names, ["GetBuilds", "triggerBuild"]);
        let vars = &ops[0].variables;
        assert_eq!(vars[0].type_name, "ID!");
        assert!(vars[0].required);
        assert!(!vars[1].required);
        assert_eq!(vars[1].default, Some(json!(5)));
        assert_eq!(ops[1].kind, "mutation");
    }

    #[test]
    fn typed_text_becomes_json_of_the_type() {
        let ops = operations(DOC).unwrap();
        let v = &ops[0].variables;
        assert_eq!(v[0].coerce("123").unwrap(), json!("123"));
        assert_eq!(v[1].coerce("7").unwrap(), json!(7));
        assert_eq!(v[2].coerce("main").unwrap(), json!(["main"]));
        assert_eq!(v[2].coerce(r#"["a","b"]"#).unwrap(), json!(["a", "b"]));
        assert_eq!(v[3].coerce("true").unwrap(), json!(true));
        assert_eq!(v[3].coerce("null").unwrap(), json!(null));
    }

    #[test]
    fn wrong_values_say_what_the_type_expects() {
        let ops = operations(DOC).unwrap();
        let v = &ops[0].variables;
        assert_eq!(
            v[1].coerce("five").unwrap_err(),
            "$first: expects an Int (a whole number), got `five`"
        );
        assert!(v[0].coerce("null").unwrap_err().contains("cannot be null"));
        assert!(v[3].coerce("yes").unwrap_err().contains("Boolean"));
    }

    #[test]
    fn unparsable_documents_report_the_parser_message() {
        let err = operations("query { pipeline( }").unwrap_err();
        assert!(err.contains("1:"), "{err}");
    }
}
