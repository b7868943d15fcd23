//! What the request rules and the complexity count need to know of the
//! schema: each type's kind, fields and input fields. Read from the vendored
//! schema's model (or, in tests, any SDL), apart from the engine that runs
//! documents, and built once per process.

use std::collections::HashMap;

use async_graphql::parser::types::{BaseType, Type};

use crate::schema_model::{FieldModel, InputModel, KindModel, SchemaModel};

/// The kind of a named type, as the complexity rules and variable checks see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    Scalar,
    Enum(Vec<String>),
    Object,
    Interface,
    Union,
    InputObject,
}

#[derive(Debug, Clone)]
pub struct InputField {
    pub name: String,
    pub ty: Type,
    pub has_default: bool,
}

#[derive(Debug, Clone)]
pub struct FieldInfo {
    pub ty: Type,
}

#[derive(Debug, Clone)]
pub struct TypeInfo {
    pub kind: Kind,
    pub fields: HashMap<String, FieldInfo>,
    pub input_fields: Vec<InputField>,
}

impl TypeInfo {
    fn of(kind: Kind) -> TypeInfo {
        TypeInfo {
            kind,
            fields: HashMap::new(),
            input_fields: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct TypeIndex {
    types: HashMap<String, TypeInfo>,
    pub query: String,
    pub mutation: String,
}

/// The published schema's index, built on first use off the async threads.
static PUBLISHED: tokio::sync::OnceCell<Result<TypeIndex, String>> =
    tokio::sync::OnceCell::const_new();

pub async fn published() -> &'static Result<TypeIndex, String> {
    PUBLISHED
        .get_or_init(|| async {
            tokio::task::spawn_blocking(
                || TypeIndex::from_model(&crate::published_schema::model()?),
            )
            .await
            .unwrap_or_else(|e| Err(format!("reading the schema's types stopped: {e}")))
        })
        .await
}

fn parse_type(text: &str) -> Result<Type, String> {
    Type::new(text).ok_or_else(|| format!("the schema names a type `{text}` that does not parse"))
}

impl TypeIndex {
    pub fn from_model(model: &SchemaModel) -> Result<TypeIndex, String> {
        let mut index = TypeIndex {
            query: "Query".into(),
            mutation: "Mutation".into(),
            ..TypeIndex::default()
        };
        let inputs = |list: &[InputModel]| -> Result<Vec<InputField>, String> {
            list.iter()
                .map(|i| {
                    Ok(InputField {
                        name: i.name.clone(),
                        ty: parse_type(&i.ty)?,
                        has_default: i.default.is_some(),
                    })
                })
                .collect()
        };
        let fields = |list: &[FieldModel]| -> Result<HashMap<String, FieldInfo>, String> {
            list.iter()
                .map(|f| {
                    Ok((
                        f.name.clone(),
                        FieldInfo {
                            ty: parse_type(&f.ty)?,
                        },
                    ))
                })
                .collect()
        };
        for ty in &model.types {
            let info = match &ty.kind {
                KindModel::Scalar => TypeInfo::of(Kind::Scalar),
                KindModel::Enum { values } => {
                    TypeInfo::of(Kind::Enum(values.iter().map(|v| v.name.clone()).collect()))
                }
                KindModel::Object { fields: list, .. } => TypeInfo {
                    fields: fields(list)?,
                    ..TypeInfo::of(Kind::Object)
                },
                KindModel::Interface { fields: list, .. } => TypeInfo {
                    fields: fields(list)?,
                    ..TypeInfo::of(Kind::Interface)
                },
                KindModel::Union { .. } => TypeInfo::of(Kind::Union),
                KindModel::Input { fields: list } => TypeInfo {
                    input_fields: inputs(list)?,
                    ..TypeInfo::of(Kind::InputObject)
                },
            };
            index.types.insert(ty.name.clone(), info);
        }
        Ok(index)
    }

    pub fn get(&self, name: &str) -> Option<&TypeInfo> {
        self.types.get(name)
    }

    /// The type a field of `parent` returns (`__typename` is a String).
    pub fn field(&self, parent: &str, field: &str) -> Option<&FieldInfo> {
        self.types.get(parent)?.fields.get(field)
    }

    /// Scalars and enums cost nothing; objects, interfaces and unions one point.
    pub fn is_composite(&self, name: &str) -> bool {
        matches!(
            self.types.get(name).map(|t| &t.kind),
            Some(Kind::Object | Kind::Interface | Kind::Union)
        )
    }
}

/// The named type under any list and non-null wrappers.
pub fn named(ty: &Type) -> &str {
    match &ty.base {
        BaseType::Named(name) => name.as_str(),
        BaseType::List(inner) => named(inner),
    }
}

/// Any SDL read into an index, for tests of the rules on small schemas.
#[cfg(test)]
mod sdl {
    use std::collections::HashMap;

    use async_graphql::parser::types::{
        InputValueDefinition, ServiceDocument, TypeKind, TypeSystemDefinition,
    };
    use async_graphql::Positioned;

    use super::*;

    fn input_fields(values: &[Positioned<InputValueDefinition>]) -> Vec<InputField> {
        values
            .iter()
            .map(|v| InputField {
                name: v.node.name.node.to_string(),
                ty: v.node.ty.node.clone(),
                has_default: v.node.default_value.is_some(),
            })
            .collect()
    }

    impl TypeIndex {
        pub fn from_sdl(sdl: &str) -> Result<TypeIndex, String> {
            let document: ServiceDocument = async_graphql::parser::parse_schema(sdl)
                .map_err(|e| format!("the schema's SDL does not parse: {e}"))?;
            let mut index = TypeIndex {
                query: "Query".into(),
                mutation: "Mutation".into(),
                ..TypeIndex::default()
            };
            for definition in document.definitions {
                match definition {
                    TypeSystemDefinition::Schema(schema) => {
                        if let Some(query) = &schema.node.query {
                            index.query = query.node.to_string();
                        }
                        if let Some(mutation) = &schema.node.mutation {
                            index.mutation = mutation.node.to_string();
                        }
                    }
                    TypeSystemDefinition::Type(ty) => {
                        let ty = ty.node;
                        let fields = |list: &[Positioned<
                            async_graphql::parser::types::FieldDefinition,
                        >]| {
                            list.iter()
                                .map(|f| {
                                    (
                                        f.node.name.node.to_string(),
                                        FieldInfo {
                                            ty: f.node.ty.node.clone(),
                                        },
                                    )
                                })
                                .collect()
                        };
                        let (kind, fields, inputs) = match &ty.kind {
                            TypeKind::Scalar => (Kind::Scalar, HashMap::new(), Vec::new()),
                            TypeKind::Enum(e) => (
                                Kind::Enum(
                                    e.values
                                        .iter()
                                        .map(|v| v.node.value.node.to_string())
                                        .collect(),
                                ),
                                HashMap::new(),
                                Vec::new(),
                            ),
                            TypeKind::Object(o) => (Kind::Object, fields(&o.fields), Vec::new()),
                            TypeKind::Interface(i) => {
                                (Kind::Interface, fields(&i.fields), Vec::new())
                            }
                            TypeKind::Union(_) => (Kind::Union, HashMap::new(), Vec::new()),
                            TypeKind::InputObject(i) => {
                                (Kind::InputObject, HashMap::new(), input_fields(&i.fields))
                            }
                        };
                        index.types.insert(
                            ty.name.node.to_string(),
                            TypeInfo {
                                kind,
                                fields,
                                input_fields: inputs,
                            },
                        );
                    }
                    TypeSystemDefinition::Directive(_) => {}
                }
            }
            Ok(index)
        }
    }
}
