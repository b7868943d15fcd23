//! A GraphQL schema loaded for checking documents: validation diagnostics and
//! the lookups that completion, the field popup and the variables form need.

use std::fmt;
use std::sync::Arc;

use apollo_compiler::ast::OperationType;
use apollo_compiler::schema::ExtendedType;
use apollo_compiler::validation::Valid;
use apollo_compiler::{ExecutableDocument, Schema};

use super::diagnostics::{parse_diagnostics, Diagnostic, DiagnosticKind};

/// A schema ready to validate against. Cheap to clone (shared).
#[derive(Clone)]
pub struct GraphqlSchema {
    inner: Arc<Valid<Schema>>,
}

impl fmt::Debug for GraphqlSchema {
    // The whole schema would flood any log or test failure.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "GraphqlSchema({} types)", self.inner.types.len())
    }
}

/// How a type is used where a value is expected or a selection is made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeKind {
    Scalar,
    Object,
    Interface,
    Union,
    Enum,
    InputObject,
}

/// A field, argument or input field, described for a person choosing it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub name: String,
    /// The type as written in SDL, e.g. `[Build!]!`.
    pub ty: String,
    /// The first line of the description, if any.
    pub summary: String,
    /// Selecting it needs `{ }`.
    pub has_selection: bool,
    pub required: bool,
}

impl GraphqlSchema {
    /// Parses and validates SDL. The error names the first problems and where.
    pub fn from_sdl(sdl: &str) -> Result<GraphqlSchema, String> {
        match Schema::parse_and_validate(sdl, "schema.graphql") {
            Ok(valid) => {
                // A document's diagnostics point into the document; the
                // schema keeps a copy of its SDL only to point into it (the
                // published schema's is 260 KB), which a valid one never needs.
                let mut schema = valid.into_inner();
                schema.sources = Default::default();
                Ok(GraphqlSchema {
                    inner: Arc::new(Valid::assume_valid(schema)),
                })
            }
            Err(with_errors) => {
                let problems: Vec<String> = with_errors
                    .errors
                    .iter()
                    .take(3)
                    .map(|d| {
                        let at = d
                            .line_column_range()
                            .map(|r| format!("{}:{}: ", r.start.line, r.start.column))
                            .unwrap_or_default();
                        format!("{at}{}", d.error)
                    })
                    .collect();
                Err(format!(
                    "the schema is not valid GraphQL SDL ({} problems): {}",
                    with_errors.errors.len(),
                    problems.join("; ")
                ))
            }
        }
    }

    /// Every problem in `document`: syntax first; when it parses, every rule of
    /// GraphQL validation against this schema.
    pub fn check(&self, document: &str) -> Vec<Diagnostic> {
        let syntax = parse_diagnostics(document);
        if !syntax.is_empty() {
            return syntax;
        }
        self.validate(document)
    }

    /// Validation diagnostics of a document that parses.
    pub fn validate(&self, document: &str) -> Vec<Diagnostic> {
        let Err(with_errors) =
            ExecutableDocument::parse_and_validate(&self.inner, document, "document.graphql")
        else {
            return Vec::new();
        };
        let mut found: Vec<Diagnostic> = with_errors
            .errors
            .iter()
            .filter(|d| !is_echo_of_unknown_fields(document, d))
            .map(|d| {
                let (line, column, width) = match d.line_column_range() {
                    Some(range) if range.start.line == range.end.line => (
                        range.start.line,
                        range.start.column,
                        range.end.column.saturating_sub(range.start.column).max(1),
                    ),
                    Some(range) => (range.start.line, range.start.column, 1),
                    None => (1, 1, 1),
                };
                Diagnostic {
                    line,
                    column,
                    width,
                    message: d.error.to_string(),
                    kind: DiagnosticKind::Schema,
                }
            })
            .collect();
        found.sort_by_key(|d| (d.line, d.column));
        found.dedup();
        found
    }

    /// SDL of a type (`Build`) or of one field (`Build.state`), with descriptions.
    pub fn describe(&self, coordinate: &str) -> Option<String> {
        let (type_name, field) = match coordinate.split_once('.') {
            Some((t, f)) => (t, Some(f)),
            None => (coordinate, None),
        };
        let ty = self.inner.types.get(type_name)?;
        let Some(field) = field else {
            return Some(ty.to_string());
        };
        if let Ok(definition) = self.inner.type_field(type_name, field) {
            return Some(definition.to_string());
        }
        match ty {
            ExtendedType::InputObject(input) => input.fields.get(field).map(|f| f.to_string()),
            ExtendedType::Enum(e) => e.values.get(field).map(|v| v.to_string()),
            _ => None,
        }
    }

    /// What the field popup shows: the SDL of `coordinate`, and for a field
    /// or argument, the type it holds with that type's description.
    pub fn explain(&self, coordinate: &str) -> Option<String> {
        let mut text = self.describe(coordinate)?;
        if let Some((type_name, field)) = coordinate.split_once('.') {
            let held = self.field_type(type_name, field).or_else(|| {
                let input = self
                    .input_fields(type_name)
                    .into_iter()
                    .find(|f| f.name == field)?;
                Some(
                    input
                        .ty
                        .trim_matches(|c| c == '[' || c == ']' || c == '!')
                        .to_owned(),
                )
            });
            if let Some(held) = held {
                let kind = self
                    .kind(&held)
                    .map(|k| format!("{k:?}").to_lowercase())
                    .unwrap_or_default();
                let about = self
                    .inner
                    .types
                    .get(held.as_str())
                    .and_then(|t| t.description())
                    .map(|d| summary(Some(d)))
                    .filter(|d| !d.is_empty())
                    .map(|d| format!(": {d}"))
                    .unwrap_or_default();
                text.push_str(&format!("\n\n# {held} ({kind}){about}"));
            }
        }
        Some(text)
    }

    /// The type a root operation selects from (`query` → `Query`).
    pub fn root(&self, operation: &str) -> Option<String> {
        let operation = match operation {
            "query" => OperationType::Query,
            "mutation" => OperationType::Mutation,
            "subscription" => OperationType::Subscription,
            _ => return None,
        };
        self.inner.root_operation(operation).map(|n| n.to_string())
    }

    pub fn kind(&self, type_name: &str) -> Option<TypeKind> {
        Some(match self.inner.types.get(type_name)? {
            ExtendedType::Scalar(_) => TypeKind::Scalar,
            ExtendedType::Object(_) => TypeKind::Object,
            ExtendedType::Interface(_) => TypeKind::Interface,
            ExtendedType::Union(_) => TypeKind::Union,
            ExtendedType::Enum(_) => TypeKind::Enum,
            ExtendedType::InputObject(_) => TypeKind::InputObject,
        })
    }

    /// The fields one can select on a type (with `__typename`).
    pub fn fields(&self, type_name: &str) -> Vec<Member> {
        let definitions = match self.inner.types.get(type_name) {
            Some(ExtendedType::Object(o)) => o.fields.values().collect::<Vec<_>>(),
            Some(ExtendedType::Interface(i)) => i.fields.values().collect(),
            Some(ExtendedType::Union(_)) => Vec::new(),
            _ => return Vec::new(),
        };
        let mut members: Vec<Member> = definitions
            .into_iter()
            .map(|f| self.member(&f.name, &f.ty, f.description.as_deref()))
            .collect();
        members.push(Member {
            name: "__typename".into(),
            ty: "String!".into(),
            summary: "The name of the object's type".into(),
            has_selection: false,
            required: false,
        });
        members
    }

    /// The type named by a field of `type_name`, without list or non-null.
    pub fn field_type(&self, type_name: &str, field: &str) -> Option<String> {
        self.inner
            .type_field(type_name, field)
            .ok()
            .map(|f| f.ty.inner_named_type().to_string())
    }

    /// The arguments of a field.
    pub fn arguments(&self, type_name: &str, field: &str) -> Vec<Member> {
        let Ok(definition) = self.inner.type_field(type_name, field) else {
            return Vec::new();
        };
        definition
            .arguments
            .iter()
            .map(|a| self.member(&a.name, &a.ty, a.description.as_deref()))
            .collect()
    }

    /// The fields of an input object type.
    pub fn input_fields(&self, type_name: &str) -> Vec<Member> {
        match self.inner.types.get(type_name) {
            Some(ExtendedType::InputObject(input)) => input
                .fields
                .values()
                .map(|f| self.member(&f.name, &f.ty, f.description.as_deref()))
                .collect(),
            _ => Vec::new(),
        }
    }

    /// The values of an enum type.
    pub fn enum_values(&self, type_name: &str) -> Vec<Member> {
        match self.inner.types.get(type_name) {
            Some(ExtendedType::Enum(e)) => e
                .values
                .values()
                .map(|v| Member {
                    name: v.value.to_string(),
                    ty: type_name.to_owned(),
                    summary: summary(v.description.as_deref()),
                    has_selection: false,
                    required: false,
                })
                .collect(),
            _ => Vec::new(),
        }
    }

    /// The object types a value of `type_name` can be: itself (an object),
    /// a union's members, an interface's implementers.
    fn possible_objects(&self, type_name: &str) -> Vec<String> {
        match self.inner.types.get(type_name) {
            Some(ExtendedType::Object(_)) => vec![type_name.to_owned()],
            Some(ExtendedType::Union(union)) => {
                union.members.iter().map(|m| m.name.to_string()).collect()
            }
            Some(ExtendedType::Interface(_)) => (self.inner.types.iter())
                .filter_map(|(name, ty)| match ty {
                    ExtendedType::Object(object)
                        if object
                            .implements_interfaces
                            .iter()
                            .any(|i| i.name == type_name) =>
                    {
                        Some(name.to_string())
                    }
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        }
    }

    /// The types a fragment inside a selection of `parent` may be `on`:
    /// those that share a possible object type with it (for a union, its
    /// members, and the interfaces they implement; for an object, itself and
    /// its interfaces and unions).
    pub fn fragment_types_within(&self, parent: &str) -> Vec<String> {
        let within = self.possible_objects(parent);
        self.type_names()
            .into_iter()
            .filter(|name| {
                self.possible_objects(name)
                    .iter()
                    .any(|object| within.contains(object))
            })
            .collect()
    }

    /// Every type name, for `on` and variable types.
    pub fn type_names(&self) -> Vec<String> {
        self.inner
            .types
            .keys()
            .filter(|n| !n.starts_with("__"))
            .map(|n| n.to_string())
            .collect()
    }

    fn member(
        &self,
        name: &str,
        ty: &apollo_compiler::ast::Type,
        description: Option<&str>,
    ) -> Member {
        let named = ty.inner_named_type();
        Member {
            name: name.to_owned(),
            ty: ty.to_string(),
            summary: summary(description),
            has_selection: matches!(
                self.kind(named),
                Some(TypeKind::Object | TypeKind::Interface | TypeKind::Union)
            ),
            required: ty.is_non_null(),
        }
    }
}

/// apollo-compiler drops unknown fields before it checks selection sets, so
/// `user { nmae }` also reports that `user` has no selection. The unknown
/// field is the whole story; the echo would only confuse.
fn is_echo_of_unknown_fields(
    document: &str,
    diagnostic: &apollo_compiler::diagnostic::Diagnostic<
        '_,
        apollo_compiler::validation::DiagnosticData,
    >,
) -> bool {
    if !diagnostic
        .error
        .to_string()
        .contains("must have a subselection set")
    {
        return false;
    }
    let Some(range) = diagnostic.line_column_range() else {
        return false;
    };
    let (start, end) = (range.start, range.end);
    document
        .lines()
        .enumerate()
        .skip(start.line.saturating_sub(1))
        .take(end.line.saturating_sub(start.line) + 1)
        .flat_map(|(index, line)| {
            let line_number = index + 1;
            let from = if line_number == start.line {
                start.column.saturating_sub(1)
            } else {
                0
            };
            let to = if line_number == end.line {
                end.column.saturating_sub(1)
            } else {
                usize::MAX
            };
            line.chars().take(to).skip(from)
        })
        .any(|c| c == '{')
}

fn summary(description: Option<&str>) -> String {
    description
        .and_then(|d| d.lines().map(str::trim).find(|l| !l.is_empty()))
        .unwrap_or_default()
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SDL: &str = r#"
type Query { pipeline(slug: ID!): Pipeline  viewer: Viewer }
"A pipeline\nsecond line"
type Pipeline { name: String! builds(first: Int, state: [BuildStates!]): BuildConnection }
type Viewer { user: User }
type User { name: String }
type BuildConnection { count: Int! }
enum BuildStates { PASSED FAILED }
"#;

    fn schema() -> GraphqlSchema {
        GraphqlSchema::from_sdl(SDL).expect("valid")
    }

    #[test]
    fn a_valid_document_has_no_diagnostics() {
        let doc = "query Q($s: ID!) { pipeline(slug: $s) { name builds(first: 1) { count } } }";
        assert_eq!(schema().check(doc), vec![]);
    }

    #[test]
    fn unknown_fields_and_unused_variables_are_placed() {
        let doc = "query Q($s: ID!, $unused: Int) {\n  pipeline(slug: $s) {\n    nmae\n  }\n}";
        let found = schema().check(doc);
        let misspelt = found
            .iter()
            .find(|d| d.message.contains("nmae"))
            .expect("the misspelt field is reported");
        assert_eq!((misspelt.line, misspelt.column, misspelt.width), (3, 5, 4));
        assert!(
            found.iter().any(|d| d.message.contains("$unused")),
            "{found:?}"
        );
        assert_eq!(
            found.len(),
            2,
            "no echo about `pipeline`'s selection: {found:?}"
        );
    }

    #[test]
    fn a_missing_selection_is_reported_even_beside_other_selections() {
        let doc = "{ viewer { user } pipeline(slug: \"a\") { name } }";
        let found = schema().check(doc);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].message.contains("subselection"), "{found:?}");
        assert_eq!(found[0].column, 12);
    }

    #[test]
    fn syntax_errors_come_before_validation() {
        let found = schema().check("query { pipeline(slug: ) { name }");
        assert!(!found.is_empty());
        assert!(found.iter().all(|d| !d.message.contains("cannot query")));
    }

    #[test]
    fn describe_prints_a_type_or_one_field() {
        let s = schema();
        let pipeline = s.describe("Pipeline").expect("a type");
        assert!(pipeline.contains("type Pipeline") && pipeline.contains("second line"));
        let builds = s.describe("Pipeline.builds").expect("a field");
        assert!(builds.starts_with("builds(first: Int"), "{builds}");
        assert_eq!(s.describe("BuildStates.PASSED").as_deref(), Some("PASSED"));
        assert_eq!(s.describe("Nope"), None);
        let explained = s.explain("Pipeline.builds").expect("a field");
        assert!(
            explained.ends_with("# BuildConnection (object)"),
            "{explained}"
        );
        assert_eq!(s.describe("Pipeline.nope"), None);
    }

    #[test]
    fn lookups_for_completion() {
        let s = schema();
        assert_eq!(s.root("query").as_deref(), Some("Query"));
        assert_eq!(s.root("mutation"), None);
        let fields = s.fields("Pipeline");
        let builds = fields.iter().find(|f| f.name == "builds").expect("builds");
        assert!(builds.has_selection);
        assert_eq!(builds.ty, "BuildConnection");
        assert_eq!(
            s.field_type("Query", "pipeline").as_deref(),
            Some("Pipeline")
        );
        let args = s.arguments("Pipeline", "builds");
        assert_eq!(args[1].ty, "[BuildStates!]");
        let values: Vec<_> = s
            .enum_values("BuildStates")
            .into_iter()
            .map(|v| v.name)
            .collect();
        assert_eq!(values, ["PASSED", "FAILED"]);
    }

    #[test]
    fn invalid_sdl_says_where() {
        let error = GraphqlSchema::from_sdl("type Query { a: Missing }").unwrap_err();
        assert!(error.contains("1:") && error.contains("Missing"), "{error}");
    }
}
