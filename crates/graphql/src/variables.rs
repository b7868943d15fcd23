//! A document's operations and their variables, and turning typed-in text into
//! the JSON a variable's type asks for. Pure: no I/O.

use apollo_compiler::ast;
use serde_json::Value;

use super::schema::{GraphqlSchema, TypeKind};

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

/// A variable's or input field's type: `[ID!]!`.
#[derive(Debug, Clone, PartialEq)]
struct Type {
    base: BaseType,
    nullable: bool,
}

#[derive(Debug, Clone, PartialEq)]
enum BaseType {
    Named(String),
    List(Box<Type>),
}

impl Type {
    /// A type as the schema writes it (`[BuildStates!]`); None when it is not one.
    fn new(text: &str) -> Option<Type> {
        let text = text.trim();
        let (inner, nullable) = match text.strip_suffix('!') {
            Some(inner) => (inner.trim_end(), false),
            None => (text, true),
        };
        let base = match inner.strip_prefix('[') {
            Some(list) => BaseType::List(Box::new(Type::new(list.strip_suffix(']')?)?)),
            None if !inner.is_empty()
                && inner.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') =>
            {
                BaseType::Named(inner.to_owned())
            }
            None => return None,
        };
        Some(Type { base, nullable })
    }

    fn of(ty: &ast::Type) -> Type {
        let (base, nullable) = match ty {
            ast::Type::Named(name) => (BaseType::Named(name.to_string()), true),
            ast::Type::NonNullNamed(name) => (BaseType::Named(name.to_string()), false),
            ast::Type::List(item) => (BaseType::List(Box::new(Type::of(item))), true),
            ast::Type::NonNullList(item) => (BaseType::List(Box::new(Type::of(item))), false),
        };
        Type { base, nullable }
    }
}

impl std::fmt::Display for Type {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.base {
            BaseType::Named(name) => f.write_str(name)?,
            BaseType::List(item) => write!(f, "[{item}]")?,
        }
        if !self.nullable {
            f.write_str("!")?;
        }
        Ok(())
    }
}

/// The operations of `document`, in the order they appear. A document that
/// does not parse yields its first syntax error, as the editor lists it.
pub fn operations(document: &str) -> Result<Vec<Operation>, String> {
    if let Some(first) = super::diagnostics::parse_diagnostics(document).first() {
        return Err(format!(
            "{}:{}: {}",
            first.line, first.column, first.message
        ));
    }
    let parsed = ast::Document::parse(document, "document.graphql")
        .map_err(|with_errors| with_errors.errors.to_string())?;
    Ok(parsed
        .definitions
        .iter()
        .filter_map(|definition| match definition {
            ast::Definition::OperationDefinition(op) => Some(operation(op)),
            _ => None,
        })
        .collect())
}

fn operation(op: &ast::OperationDefinition) -> Operation {
    let kind = match op.operation_type {
        ast::OperationType::Query => "query",
        ast::OperationType::Mutation => "mutation",
        ast::OperationType::Subscription => "subscription",
    };
    let variables = op
        .variables
        .iter()
        .map(|def| {
            let ty = Type::of(&def.ty);
            Variable {
                name: def.name.to_string(),
                type_name: ty.to_string(),
                required: !ty.nullable && def.default_value.is_none(),
                default: def.default_value.as_deref().and_then(to_json),
                ty,
            }
        })
        .collect();
    Operation {
        name: op.name.as_ref().map(ToString::to_string),
        kind,
        variables,
    }
}

/// A constant GraphQL value as JSON; None when it holds a variable (not
/// allowed in a default) or a number JSON cannot hold.
fn to_json(value: &ast::Value) -> Option<Value> {
    Some(match value {
        ast::Value::Null => Value::Null,
        ast::Value::Enum(name) => Value::String(name.to_string()),
        ast::Value::Variable(_) => return None,
        ast::Value::String(text) => Value::String(text.clone()),
        ast::Value::Boolean(b) => Value::Bool(*b),
        ast::Value::Int(int) => match int.try_to_i32() {
            Ok(i) => Value::from(i),
            Err(_) => serde_json::from_str(int.as_str()).ok()?,
        },
        ast::Value::Float(float) => Value::from(float.try_to_f64().ok()?),
        ast::Value::List(items) => Value::Array(
            items
                .iter()
                .map(|item| to_json(item))
                .collect::<Option<_>>()?,
        ),
        ast::Value::Object(fields) => Value::Object(
            fields
                .iter()
                .map(|(name, value)| Some((name.to_string(), to_json(value)?)))
                .collect::<Option<_>>()?,
        ),
    })
}

impl Variable {
    /// Turns text typed for this variable into JSON of its type.
    pub fn coerce(&self, text: &str) -> Result<Value, String> {
        coerce(text, &self.ty, &[]).map_err(|why| format!("${}: {}", self.name, why))
    }
}

/// One row of a variables form: a variable, or (with a schema) a field of an
/// input-object variable, which the form shows expanded.
#[derive(Debug, Clone, PartialEq)]
pub struct Input {
    /// The variable's name, then input-object field names: `input.branch`.
    pub path: Vec<String>,
    /// As written: `ID!`, `[BuildStates!]`...
    pub type_name: String,
    /// Non-null without a default.
    pub required: bool,
    pub default: Option<Value>,
    /// What ←/→ choose from: enum values, or true and false (and "" when null is allowed).
    pub choices: Vec<String>,
    /// The values an enum (or a list of it) accepts.
    enum_values: Vec<String>,
    ty: Type,
}

/// Input objects nest no deeper than this in a form; below, JSON is typed.
const MAX_EXPANSION: usize = 3;

/// The rows of a form for `variables`: with a schema, input objects expand
/// into their fields and enums offer their values.
pub fn inputs(variables: &[Variable], schema: Option<&GraphqlSchema>) -> Vec<Input> {
    let mut rows = Vec::new();
    for variable in variables {
        expand(
            vec![variable.name.clone()],
            &variable.ty,
            variable.required,
            variable.default.clone(),
            schema,
            &mut rows,
        );
    }
    rows
}

fn expand(
    path: Vec<String>,
    ty: &Type,
    required: bool,
    default: Option<Value>,
    schema: Option<&GraphqlSchema>,
    rows: &mut Vec<Input>,
) {
    let named = match &ty.base {
        BaseType::Named(name) => Some(name.as_str()),
        BaseType::List(_) => None,
    };
    let item = ty.to_string();
    let item = item.trim_matches(|c| c == '[' || c == ']' || c == '!');
    if let (Some(schema), Some(name)) = (schema, named) {
        if schema.kind(name) == Some(TypeKind::InputObject) && path.len() <= MAX_EXPANSION {
            for field in schema.input_fields(name) {
                let Some(field_ty) = Type::new(&field.ty) else {
                    continue;
                };
                let mut field_path = path.clone();
                field_path.push(field.name.clone());
                let field_default = default.as_ref().and_then(|d| d.get(&field.name)).cloned();
                expand(
                    field_path,
                    &field_ty,
                    field.required,
                    field_default,
                    Some(schema),
                    rows,
                );
            }
            return;
        }
    }
    let enum_values: Vec<String> = schema
        .map(|s| s.enum_values(item).into_iter().map(|v| v.name).collect())
        .unwrap_or_default();
    let mut choices = match named {
        Some("Boolean") => vec!["true".to_owned(), "false".to_owned()],
        Some(_) => enum_values.clone(),
        None => Vec::new(),
    };
    if !choices.is_empty() && ty.nullable {
        choices.insert(0, String::new());
    }
    rows.push(Input {
        path,
        type_name: ty.to_string(),
        required,
        default,
        choices,
        enum_values,
        ty: ty.clone(),
    });
}

impl Input {
    /// `$input.branch`
    pub fn label(&self) -> String {
        format!("${}", self.path.join("."))
    }

    pub fn coerce(&self, text: &str) -> Result<Value, String> {
        coerce(text, &self.ty, &self.enum_values)
    }

    /// Nested inside an input-object variable.
    pub fn is_field(&self) -> bool {
        self.path.len() > 1
    }
}

/// The variables object from each row's value (`None`: left empty), input
/// objects built back from their fields. Objects with no field given are left out.
pub fn assemble(rows: &[Input], values: &[Option<Value>]) -> Value {
    let mut object = serde_json::Map::new();
    for (row, value) in rows.iter().zip(values) {
        let Some(value) = value else {
            continue;
        };
        let mut at = &mut object;
        for key in &row.path[..row.path.len() - 1] {
            let entry = at
                .entry(key.clone())
                .or_insert_with(|| Value::Object(serde_json::Map::new()));
            if !entry.is_object() {
                *entry = Value::Object(serde_json::Map::new());
            }
            let Value::Object(next) = entry else {
                unreachable!("made an object just above");
            };
            at = next;
        }
        if let Some(last) = row.path.last() {
            at.insert(last.clone(), value.clone());
        }
    }
    Value::Object(object)
}

/// What was typed, quoted for a one-line message as it was typed (quotes
/// and backslashes untouched): only what would act on a terminal (control
/// characters, bidirectional overrides) is escaped; long values are cut.
fn shown(text: &str) -> String {
    const MOST: usize = 40;
    let acts_on_terminal = crate::terminal::is_unsafe;
    let mut quoted = String::new();
    for c in text.chars().take(MOST) {
        if acts_on_terminal(c) {
            quoted.extend(c.escape_debug());
        } else {
            quoted.push(c);
        }
    }
    if text.chars().count() > MOST {
        quoted.push('…');
    }
    format!("`{quoted}`")
}

/// GraphQL's Int is 32 bits: a whole number past that range is said to be
/// out of it, not to be no whole number.
fn coerce_int(trimmed: &str) -> Result<Value, String> {
    match trimmed.parse::<i32>() {
        Ok(int) => Ok(Value::from(int)),
        Err(_) if is_whole_number(trimmed) => Err(format!(
            "{} is out of the 32-bit Int range (−2,147,483,648 to 2,147,483,647)",
            shown(trimmed)
        )),
        Err(_) => Err(format!(
            "expects an Int (a whole number), got {}",
            shown(trimmed)
        )),
    }
}

/// Digits, after an optional sign: a whole number however long.
fn is_whole_number(text: &str) -> bool {
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit())
}

/// A list's value that was meant as JSON: it starts as JSON does, or has a
/// list's bracket in it (`notjson[`), which a single item seldom has.
fn looks_like_json(trimmed: &str) -> bool {
    trimmed.starts_with(['[', '{', '"']) || trimmed.contains(['[', ']'])
}

/// The name of `ty` when its values are text in JSON (a String, an ID, a
/// YAML document): an item of a list of them must be a JSON string (an ID
/// may be a whole number too, as GraphQL reads one).
fn textual(ty: &Type) -> Option<&str> {
    match &ty.base {
        BaseType::Named(name) if matches!(name.as_str(), "String" | "ID" | "YAML") => Some(name),
        _ => None,
    }
}

fn coerce(text: &str, ty: &Type, enum_values: &[String]) -> Result<Value, String> {
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
                    .enumerate()
                    .map(|(at, item)| match item {
                        Value::String(s) => coerce(&s, inner, enum_values),
                        other => match textual(inner) {
                            // JSON's 3 is no String: sent as "3" it would hide the mistake.
                            Some(name) if !(name == "ID" && other.is_number()) => Err(format!(
                                "is {ty}, and its item {} is {}, not a {name}: write it in quotes",
                                at + 1,
                                shown(&other.to_string())
                            )),
                            _ => coerce(&other.to_string(), inner, enum_values),
                        },
                    })
                    .collect::<Result<_, _>>()?,
            )),
            // Meant as JSON (brackets, braces, quotes), it must be JSON: a
            // broken list taken as one item would be sent without a word.
            Err(e) if looks_like_json(trimmed) => Err(format!(
                "is a list ({ty}), and {} is not JSON ({e}): write it as a JSON list, like [\"a\", \"b\"], or one item without brackets or quotes",
                shown(trimmed)
            )),
            // GraphQL accepts a single value where a list is expected.
            _ => Ok(Value::Array(vec![coerce(text, inner, enum_values)?])),
        },
        BaseType::Named(name) => match name.as_str() {
            "Int" => coerce_int(trimmed),
            "Float" => trimmed
                .parse::<f64>()
                .ok()
                .filter(|f| f.is_finite())
                .map(Value::from)
                .ok_or_else(|| format!("expects a Float (a number), got {}", shown(trimmed))),
            "Boolean" => match trimmed {
                "true" => Ok(Value::Bool(true)),
                "false" => Ok(Value::Bool(false)),
                _ => Err(format!(
                    "expects a Boolean (true or false), got {}",
                    shown(trimmed)
                )),
            },
            "String" | "ID" | "YAML" => Ok(Value::String(text.to_owned())),
            "DateTime" => chrono::DateTime::parse_from_rfc3339(trimmed)
                .map(|_| Value::String(trimmed.to_owned()))
                .map_err(|_| {
                    format!(
                        "expects a DateTime (ISO 8601, like 2026-11-24T09:30:00Z), got {}",
                        shown(trimmed)
                    )
                }),
            "JSON" => {
                serde_json::from_str::<Value>(trimmed).map_err(|e| format!("expects JSON: {e}"))
            }
            _ if !enum_values.is_empty() => {
                if enum_values.iter().any(|v| v == trimmed) {
                    Ok(Value::String(trimmed.to_owned()))
                } else {
                    Err(format!(
                        "expects one of {}, got {}",
                        enum_values.join(", "),
                        shown(trimmed)
                    ))
                }
            }
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
        let why = v[2].coerce(r#"["main", "feature"#).unwrap_err();
        assert!(
            why.contains(r#"and `["main", "feature` is not JSON"#),
            "quoted as typed, without added backslashes: {why}"
        );
        let why = v[2].coerce("[\"a\u{1b}[2J\u{202e}").unwrap_err();
        assert!(
            why.contains(r#"`["a\u{1b}[2J\u{202e}` is not JSON"#),
            "what acts on a terminal is escaped: {why}"
        );
        for broken in ["notjson[", r#"["a", "b""#, "{nope", r#""open"#] {
            let why = v[2].coerce(broken).unwrap_err();
            assert!(
                why.starts_with("$branch: is a list ([String!]), and `")
                    && why.contains("is not JSON")
                    && why.contains(r#"write it as a JSON list, like ["a", "b"], or one item"#),
                "{broken}: {why}"
            );
        }
        assert_eq!(v[3].coerce("true").unwrap(), json!(true));
        assert_eq!(v[3].coerce("null").unwrap(), json!(null));
    }

    #[test]
    fn an_item_of_a_list_of_strings_is_a_json_string_and_a_list_of_ids_takes_numbers() {
        let ops = operations("query Q($branch: [String!], $ids: [ID!]) { viewer { id } }").unwrap();
        let v = &ops[0].variables;
        assert_eq!(
            v[0].coerce(r#"["main", 3]"#).unwrap_err(),
            "$branch: is [String!], and its item 2 is `3`, not a String: write it in quotes"
        );
        assert!(v[0].coerce(r#"["main", {"a": 1}]"#).is_err());
        assert_eq!(
            v[0].coerce(r#"["main", "3"]"#).unwrap(),
            json!(["main", "3"])
        );
        assert_eq!(v[1].coerce(r#"["a", 7]"#).unwrap(), json!(["a", "7"]));
        assert!(v[1].coerce("[true]").is_err());
    }

    #[test]
    fn wrong_values_say_what_the_type_expects() {
        let ops = operations(DOC).unwrap();
        let v = &ops[0].variables;
        assert_eq!(
            v[1].coerce("five").unwrap_err(),
            "$first: expects an Int (a whole number), got `five`"
        );
        // A whole number past 32 bits is out of range, not "no whole number".
        assert_eq!(
            v[1].coerce("99999999999").unwrap_err(),
            "$first: `99999999999` is out of the 32-bit Int range (−2,147,483,648 to 2,147,483,647)"
        );
        assert_eq!(v[1].coerce("-2147483648").unwrap(), json!(-2_147_483_648));
        assert!(v[1]
            .coerce("-2147483649")
            .unwrap_err()
            .contains("out of the 32-bit"));
        assert!(v[0].coerce("null").unwrap_err().contains("cannot be null"));
        assert!(v[3].coerce("yes").unwrap_err().contains("Boolean"));
    }

    const SCHEMA: &str = "type Query { a(i: BuildCreateInput, s: BuildStates, at: DateTime, j: JSON, y: YAML, f: Float, b: Boolean): Int }\nenum BuildStates { PASSED FAILED }\nscalar DateTime\nscalar JSON\nscalar YAML\ninput BuildCreateInput { pipelineID: ID! branch: String env: EnvInput states: [BuildStates!] }\ninput EnvInput { name: String! }";

    fn rows(document: &str) -> Vec<Input> {
        let schema = GraphqlSchema::from_sdl(SCHEMA).expect("valid");
        let ops = operations(document).unwrap();
        inputs(&ops[0].variables, Some(&schema))
    }

    #[test]
    fn input_objects_expand_into_their_fields_and_enums_offer_values() {
        let rows =
            rows("query Q($input: BuildCreateInput!, $state: BuildStates, $ok: Boolean!) { a }");
        let labels: Vec<_> = rows.iter().map(Input::label).collect();
        assert_eq!(
            labels,
            [
                "$input.pipelineID",
                "$input.branch",
                "$input.env.name",
                "$input.states",
                "$state",
                "$ok"
            ]
        );
        assert!(rows[0].required && !rows[1].required);
        assert_eq!(rows[4].choices, ["", "PASSED", "FAILED"]);
        assert_eq!(rows[5].choices, ["true", "false"]);
        assert!(rows[3].choices.is_empty(), "a list is typed, not chosen");
        assert_eq!(rows[3].coerce("PASSED").unwrap(), json!(["PASSED"]));
        assert!(rows[3]
            .coerce("WAITING")
            .unwrap_err()
            .contains("one of PASSED, FAILED"));

        let values = vec![
            Some(json!("UGlw")),
            None,
            Some(json!("A")),
            None,
            Some(json!("PASSED")),
            Some(json!(true)),
        ];
        assert_eq!(
            assemble(&rows, &values),
            json!({"input": {"pipelineID": "UGlw", "env": {"name": "A"}}, "state": "PASSED", "ok": true})
        );
    }

    #[test]
    fn buildkite_scalars_are_checked() {
        let rows = rows("query Q($at: DateTime, $j: JSON, $y: YAML, $f: Float) { a }");
        assert_eq!(
            rows[0].coerce("2026-11-24T09:30:00Z").unwrap(),
            json!("2026-11-24T09:30:00Z")
        );
        assert!(rows[0]
            .coerce("yesterday")
            .unwrap_err()
            .contains("ISO 8601"));
        assert_eq!(rows[1].coerce(r#"{"a": [1]}"#).unwrap(), json!({"a": [1]}));
        assert!(rows[1]
            .coerce("{nope")
            .unwrap_err()
            .starts_with("expects JSON"));
        assert_eq!(rows[2].coerce("steps: []").unwrap(), json!("steps: []"));
        assert!(rows[3].coerce("1.5x").unwrap_err().contains("Float"));
    }

    #[test]
    fn what_was_typed_is_quoted_on_one_line_and_cut() {
        let ops = operations(DOC).unwrap();
        let first = &ops[0].variables[1];
        let message = first.coerce("1\n2").unwrap_err();
        assert_eq!(
            message,
            "$first: expects an Int (a whole number), got `1\\n2`"
        );
        let long = first.coerce(&"9".repeat(100)).unwrap_err();
        assert!(
            long.contains(&format!("`{}…`", "9".repeat(40))) && !long.contains(&"9".repeat(41)),
            "{long}"
        );
    }

    /// Found by `cargo fuzz run variables`: a type line that defines more
    /// variables, and a multi-line value. Each error names its own variable,
    /// on one line.
    #[test]
    fn fuzz_regression_more_variables_in_the_type_and_a_multi_line_value() {
        let input = "HI$vn:Z6jHI$vvn:Z11$vvn:DateTime\n2026-01-01T00:0D0Z6j\n[\tb}";
        let (ty, typed) = input.split_once('\n').unwrap();
        let ops = operations(&format!("query Q($v: {ty}) {{ a }}")).expect("it parses");
        let mut refused = 0;
        for variable in &ops[0].variables {
            if let Err(message) = variable.coerce(typed) {
                assert!(
                    message.starts_with(&format!("${}: ", variable.name)),
                    "{message}"
                );
                assert!(!message.contains('\n'), "{message:?}");
                refused += 1;
            }
        }
        assert!(refused > 0, "the DateTime variable refuses the value");
    }

    #[test]
    fn defaults_of_every_shape_become_json_and_list_types_keep_their_marks() {
        let ops = operations(
            "query ($a: [[ID!]]! = [[\"x\"]], $o: In = {n: 1.5, e: PASSED, l: [true, null]}) { a }",
        )
        .unwrap();
        assert_eq!(ops[0].name, None);
        let v = &ops[0].variables;
        assert_eq!(v[0].type_name, "[[ID!]]!");
        assert!(!v[0].required, "a default makes it optional");
        assert_eq!(v[0].default, Some(json!([["x"]])));
        assert_eq!(
            v[1].default,
            Some(json!({"n": 1.5, "e": "PASSED", "l": [true, null]}))
        );
    }

    #[test]
    fn a_document_fails_here_exactly_where_the_editor_says() {
        let text = "query Q { a }\n}";
        let editor = &crate::diagnostics::parse_diagnostics(text)[0];
        let err = operations(text).unwrap_err();
        assert_eq!(
            err,
            format!("{}:{}: {}", editor.line, editor.column, editor.message)
        );
    }

    #[test]
    fn unparsable_documents_report_the_parser_message() {
        let err = operations("query { pipeline( }").unwrap_err();
        assert!(err.contains("1:"), "{err}");
    }
}
