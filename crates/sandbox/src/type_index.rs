//! What the request rules and the complexity count need to know of the
//! schema, read from its SDL: each type's kind, fields and input fields.
//! Built from SDL text, so it serves whichever engine executes documents.

use std::collections::HashMap;

use async_graphql::parser::types::{
    BaseType, InputValueDefinition, ServiceDocument, Type, TypeKind, TypeSystemDefinition,
};
use async_graphql::Positioned;

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

#[derive(Debug, Clone, Default)]
pub struct TypeIndex {
    types: HashMap<String, TypeInfo>,
    pub query: String,
    pub mutation: String,
}

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
                    let fields =
                        |list: &[Positioned<async_graphql::parser::types::FieldDefinition>]| {
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
                        TypeKind::Interface(i) => (Kind::Interface, fields(&i.fields), Vec::new()),
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
