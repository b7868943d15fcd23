//! The standard introspection query, and its answer turned into SDL so one
//! schema representation (apollo-compiler's) serves every caller.

use std::fmt::Write;

use serde::Deserialize;

/// Asks a GraphQL server for every type, with descriptions and deprecations.
pub const QUERY: &str = r#"query IntrospectionQuery {
  __schema {
    queryType { name }
    mutationType { name }
    subscriptionType { name }
    types { ...FullType }
    directives { name description locations args { ...InputValue } }
  }
}
fragment FullType on __Type {
  kind name description
  fields(includeDeprecated: true) {
    name description args { ...InputValue } type { ...TypeRef } isDeprecated deprecationReason
  }
  inputFields { ...InputValue }
  interfaces { ...TypeRef }
  enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
  possibleTypes { ...TypeRef }
}
fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue }
fragment TypeRef on __Type {
  kind name
  ofType { kind name ofType { kind name ofType { kind name ofType { kind name
    ofType { kind name ofType { kind name ofType { kind name } } } } } } }
}"#;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct IntrospectionSchema {
    query_type: Option<Named>,
    mutation_type: Option<Named>,
    subscription_type: Option<Named>,
    types: Vec<FullType>,
    #[serde(default)]
    directives: Vec<Directive>,
}

#[derive(Deserialize)]
struct Named {
    name: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct FullType {
    kind: String,
    name: String,
    description: Option<String>,
    fields: Option<Vec<Field>>,
    input_fields: Option<Vec<InputValue>>,
    interfaces: Option<Vec<TypeRef>>,
    enum_values: Option<Vec<EnumValue>>,
    possible_types: Option<Vec<TypeRef>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Field {
    name: String,
    description: Option<String>,
    #[serde(default)]
    args: Vec<InputValue>,
    #[serde(rename = "type")]
    ty: TypeRef,
    #[serde(default)]
    is_deprecated: bool,
    deprecation_reason: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct InputValue {
    name: String,
    description: Option<String>,
    #[serde(rename = "type")]
    ty: TypeRef,
    default_value: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct EnumValue {
    name: String,
    description: Option<String>,
    #[serde(default)]
    is_deprecated: bool,
    deprecation_reason: Option<String>,
}

#[derive(Deserialize)]
struct Directive {
    name: String,
    description: Option<String>,
    #[serde(default)]
    locations: Vec<String>,
    #[serde(default)]
    args: Vec<InputValue>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct TypeRef {
    kind: String,
    name: Option<String>,
    of_type: Option<Box<TypeRef>>,
}

impl TypeRef {
    fn render(&self) -> Result<String, String> {
        match self.kind.as_str() {
            "NON_NULL" => Ok(format!("{}!", self.inner()?.render()?)),
            "LIST" => Ok(format!("[{}]", self.inner()?.render()?)),
            _ => self
                .name
                .clone()
                .ok_or_else(|| format!("a {} type reference has no name", self.kind)),
        }
    }

    fn inner(&self) -> Result<&TypeRef, String> {
        self.of_type
            .as_deref()
            .ok_or_else(|| format!("a {} type reference has no inner type", self.kind))
    }
}

const BUILT_IN_SCALARS: [&str; 5] = ["String", "Int", "Float", "Boolean", "ID"];
const BUILT_IN_DIRECTIVES: [&str; 5] = ["skip", "include", "deprecated", "specifiedBy", "oneOf"];

/// Turns an introspection answer (the whole response, or its `data`, or the
/// `__schema` object) into SDL. The error says what is missing.
pub fn to_sdl(answer: &serde_json::Value) -> Result<String, String> {
    let schema = answer
        .pointer("/data/__schema")
        .or_else(|| answer.pointer("/__schema"))
        .unwrap_or(answer);
    let schema: IntrospectionSchema = serde_json::from_value(schema.clone())
        .map_err(|e| format!("the introspection answer is not a schema: {e}"))?;
    let mut out = String::new();
    let root = |named: &Option<Named>| named.as_ref().map(|n| n.name.clone());
    let roots = [
        ("query", root(&schema.query_type)),
        ("mutation", root(&schema.mutation_type)),
        ("subscription", root(&schema.subscription_type)),
    ];
    out.push_str("schema {\n");
    for (operation, name) in &roots {
        if let Some(name) = name {
            let _ = writeln!(out, "  {operation}: {name}");
        }
    }
    out.push_str("}\n");
    for directive in &schema.directives {
        if BUILT_IN_DIRECTIVES.contains(&directive.name.as_str()) {
            continue;
        }
        out.push('\n');
        description(&mut out, "", &directive.description);
        let _ = write!(out, "directive @{}", directive.name);
        arguments(&mut out, &directive.args)?;
        let _ = writeln!(out, " on {}", directive.locations.join(" | "));
    }
    for ty in &schema.types {
        if ty.name.starts_with("__") || BUILT_IN_SCALARS.contains(&ty.name.as_str()) {
            continue;
        }
        out.push('\n');
        description(&mut out, "", &ty.description);
        match ty.kind.as_str() {
            "SCALAR" => {
                let _ = writeln!(out, "scalar {}", ty.name);
            }
            "OBJECT" | "INTERFACE" => {
                let keyword = if ty.kind == "OBJECT" {
                    "type"
                } else {
                    "interface"
                };
                let _ = write!(out, "{keyword} {}", ty.name);
                let interfaces = render_all(&ty.interfaces)?;
                if !interfaces.is_empty() {
                    let _ = write!(out, " implements {}", interfaces.join(" & "));
                }
                out.push_str(" {\n");
                for field in ty.fields.iter().flatten() {
                    description(&mut out, "  ", &field.description);
                    let _ = write!(out, "  {}", field.name);
                    arguments(&mut out, &field.args)?;
                    let _ = write!(out, ": {}", field.ty.render()?);
                    deprecated(&mut out, field.is_deprecated, &field.deprecation_reason);
                    out.push('\n');
                }
                out.push_str("}\n");
            }
            "UNION" => {
                let members = render_all(&ty.possible_types)?;
                let _ = writeln!(out, "union {} = {}", ty.name, members.join(" | "));
            }
            "ENUM" => {
                let _ = writeln!(out, "enum {} {{", ty.name);
                for value in ty.enum_values.iter().flatten() {
                    description(&mut out, "  ", &value.description);
                    let _ = write!(out, "  {}", value.name);
                    deprecated(&mut out, value.is_deprecated, &value.deprecation_reason);
                    out.push('\n');
                }
                out.push_str("}\n");
            }
            "INPUT_OBJECT" => {
                let _ = writeln!(out, "input {} {{", ty.name);
                for field in ty.input_fields.iter().flatten() {
                    description(&mut out, "  ", &field.description);
                    let _ = writeln!(out, "  {}", input_value(field)?);
                }
                out.push_str("}\n");
            }
            other => return Err(format!("type {} has an unknown kind {other}", ty.name)),
        }
    }
    Ok(out)
}

/// Type references (interfaces, union members) as written in SDL.
fn render_all(refs: &Option<Vec<TypeRef>>) -> Result<Vec<String>, String> {
    refs.iter().flatten().map(TypeRef::render).collect()
}

fn description(out: &mut String, indent: &str, text: &Option<String>) {
    if let Some(text) = text.as_deref().filter(|t| !t.trim().is_empty()) {
        // A JSON string literal is a valid GraphQL string literal.
        let literal = serde_json::to_string(text).unwrap_or_default();
        let _ = writeln!(out, "{indent}{literal}");
    }
}

fn deprecated(out: &mut String, is_deprecated: bool, reason: &Option<String>) {
    if !is_deprecated {
        return;
    }
    match reason {
        Some(reason) => {
            let literal = serde_json::to_string(reason).unwrap_or_default();
            let _ = write!(out, " @deprecated(reason: {literal})");
        }
        None => out.push_str(" @deprecated"),
    }
}

fn arguments(out: &mut String, args: &[InputValue]) -> Result<(), String> {
    if args.is_empty() {
        return Ok(());
    }
    let rendered = args
        .iter()
        .map(|arg| {
            let mut text = String::new();
            if let Some(d) = arg.description.as_deref().filter(|d| !d.trim().is_empty()) {
                let _ = write!(text, "{} ", serde_json::to_string(d).unwrap_or_default());
            }
            text.push_str(&input_value(arg)?);
            Ok(text)
        })
        .collect::<Result<Vec<_>, String>>()?;
    let _ = write!(out, "({})", rendered.join(", "));
    Ok(())
}

fn input_value(value: &InputValue) -> Result<String, String> {
    let mut text = format!("{}: {}", value.name, value.ty.render()?);
    if let Some(default) = &value.default_value {
        let _ = write!(text, " = {default}");
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_answer_becomes_sdl_with_every_kind_of_type() {
        let answer = json!({"data": {"__schema": {
        "queryType": {"name": "Query"}, "mutationType": null, "subscriptionType": null,
        "directives": [],
        "types": [
            {"kind": "OBJECT", "name": "Query", "description": "Root", "interfaces": [],
             "fields": [{"name": "pipeline", "description": null,
                "args": [{"name": "slug", "description": "org/pipeline", "defaultValue": null,
                          "type": {"kind": "NON_NULL", "name": null, "ofType": {"kind": "SCALAR", "name": "ID", "ofType": null}}}],
                "type": {"kind": "OBJECT", "name": "Pipeline", "ofType": null},
                "isDeprecated": true, "deprecationReason": "use \"node\""}]},
            {"kind": "OBJECT", "name": "Pipeline", "interfaces": [{"kind": "INTERFACE", "name": "Node"}],
             "fields": [{"name": "id", "args": [], "type": {"kind": "NON_NULL", "ofType": {"kind": "SCALAR", "name": "ID"}}}]},
            {"kind": "INTERFACE", "name": "Node", "fields": [{"name": "id", "args": [], "type": {"kind": "NON_NULL", "ofType": {"kind": "SCALAR", "name": "ID"}}}]},
            {"kind": "ENUM", "name": "State", "enumValues": [{"name": "PASSED"}, {"name": "OLD", "isDeprecated": true}]},
            {"kind": "INPUT_OBJECT", "name": "In", "inputFields": [{"name": "n", "type": {"kind": "SCALAR", "name": "Int"}, "defaultValue": "3"}]},
            {"kind": "UNION", "name": "U", "possibleTypes": [{"kind": "OBJECT", "name": "Pipeline"}]},
            {"kind": "SCALAR", "name": "DateTime"},
            {"kind": "SCALAR", "name": "String"},
            {"kind": "OBJECT", "name": "__Type", "fields": []}
        ]}}});
        let sdl = to_sdl(&answer).expect("converts");
        assert!(sdl.contains("schema {\n  query: Query\n}"), "{sdl}");
        assert!(sdl.contains("pipeline(\"org/pipeline\" slug: ID!): Pipeline @deprecated(reason: \"use \\\"node\\\"\")"), "{sdl}");
        assert!(sdl.contains("type Pipeline implements Node {"), "{sdl}");
        assert!(sdl.contains("  OLD @deprecated\n"), "{sdl}");
        assert!(sdl.contains("  n: Int = 3\n"), "{sdl}");
        assert!(sdl.contains("union U = Pipeline"), "{sdl}");
        assert!(sdl.contains("scalar DateTime"), "{sdl}");
        assert!(
            !sdl.contains("scalar String") && !sdl.contains("__Type"),
            "{sdl}"
        );
        crate::schema::GraphqlSchema::from_sdl(&sdl).expect("the SDL is a valid schema");
    }

    #[test]
    fn a_broken_answer_says_what_is_wrong() {
        let error = to_sdl(&json!({"data": {"__schema": {"types": 3}}})).unwrap_err();
        assert!(error.contains("not a schema"), "{error}");
        let nameless = json!({"__schema": {"queryType": {"name": "Q"}, "types": [
            {"kind": "OBJECT", "name": "Q", "fields": [{"name": "f", "args": [], "type": {"kind": "LIST"}}]}]}});
        assert!(to_sdl(&nameless).unwrap_err().contains("no inner type"));
    }
}
