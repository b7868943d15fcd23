//! Buildkite's published schema (vendored SDL), turned into an executable
//! `async_graphql::dynamic` schema once per sandbox. Every field gets the same
//! generic resolver (`resolve::field`), so the whole schema validates,
//! introspects and runs; what the seeded world backs comes from `world_graph`.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::dynamic::{
    Enum, EnumItem, Field, FieldFuture, InputObject, InputValue, Interface, InterfaceField, Object,
    Scalar, Schema, SchemaError, TypeRef, Union,
};
use async_graphql::parser::types::{
    BaseType, ConstDirective, FieldDefinition, InputValueDefinition, Type, TypeDefinition,
    TypeKind, TypeSystemDefinition,
};
use async_graphql::parser::Positioned;

use crate::resolve::{self, Catalog, Kind};

/// Buildkite's published schema, as the repository vendors it.
pub const PUBLISHED_SDL: &str = include_str!("../../../assets/buildkite-schema.graphql");

const BUILT_IN_SCALARS: [&str; 5] = ["String", "Int", "Float", "Boolean", "ID"];

/// The executable schema: every type of the published SDL, one resolver for all.
pub fn build() -> Result<Schema, String> {
    let document = async_graphql::parser::parse_schema(PUBLISHED_SDL)
        .map_err(|e| format!("the vendored schema does not parse: {e}"))?;
    let definitions: Vec<TypeDefinition> = document
        .definitions
        .into_iter()
        .filter_map(|definition| match definition {
            TypeSystemDefinition::Type(ty) => Some(ty.node),
            _ => None,
        })
        .collect();
    let catalog = Arc::new(catalog(&definitions));
    let mutation = definitions
        .iter()
        .any(|d| d.name.node == "Mutation")
        .then_some("Mutation");
    // Buildkite's `Subscription` is a billing plan, not a root type.
    let mut builder = Schema::build("Query", mutation, None);
    for definition in &definitions {
        builder = match register(definition, &catalog) {
            Some(ty) => builder.register(ty),
            None => builder,
        };
    }
    builder
        .finish()
        .map_err(|SchemaError(e)| format!("the vendored schema is not executable: {e}"))
}

/// What the resolver needs to know of each type: its kind, the first enum
/// value, and a concrete type for interfaces and unions (zero values).
fn catalog(definitions: &[TypeDefinition]) -> Catalog {
    let mut implementers: HashMap<&str, &str> = HashMap::new();
    for definition in definitions {
        if let TypeKind::Object(object) = &definition.kind {
            for interface in &object.implements {
                implementers
                    .entry(interface.node.as_str())
                    .or_insert(definition.name.node.as_str());
            }
        }
    }
    let mut kinds = HashMap::new();
    for definition in definitions {
        let name = definition.name.node.as_str();
        let kind = match &definition.kind {
            TypeKind::Scalar => Kind::Scalar,
            TypeKind::Object(_) => Kind::Object,
            TypeKind::Interface(_) => {
                Kind::Abstract(implementers.get(name).copied().unwrap_or("").to_owned())
            }
            TypeKind::Union(union) => Kind::Abstract(
                union
                    .members
                    .first()
                    .map(|m| m.node.to_string())
                    .unwrap_or_default(),
            ),
            TypeKind::Enum(values) => Kind::Enum(
                values
                    .values
                    .first()
                    .map(|v| v.node.value.node.to_string())
                    .unwrap_or_default(),
            ),
            TypeKind::InputObject(_) => Kind::Input,
        };
        kinds.insert(name.to_owned(), kind);
    }
    for scalar in BUILT_IN_SCALARS {
        kinds.insert(scalar.to_owned(), Kind::Scalar);
    }
    Catalog::new(kinds)
}

fn register(
    definition: &TypeDefinition,
    catalog: &Arc<Catalog>,
) -> Option<async_graphql::dynamic::Type> {
    let name = definition.name.node.as_str();
    let description = definition.description.as_ref().map(|d| d.node.clone());
    Some(match &definition.kind {
        TypeKind::Scalar if BUILT_IN_SCALARS.contains(&name) => return None,
        TypeKind::Scalar => {
            with_description(Scalar::new(name), description, |t, d| t.description(d)).into()
        }
        TypeKind::Object(object) => {
            let mut ty = with_description(Object::new(name), description, |t, d| t.description(d));
            for interface in &object.implements {
                ty = ty.implement(interface.node.as_str());
            }
            for field in &object.fields {
                ty = ty.field(output_field(name, &field.node, catalog));
            }
            ty.into()
        }
        TypeKind::Interface(interface) => {
            let mut ty =
                with_description(Interface::new(name), description, |t, d| t.description(d));
            for parent in &interface.implements {
                ty = ty.implement(parent.node.as_str());
            }
            for field in &interface.fields {
                ty = ty.field(interface_field(&field.node));
            }
            ty.into()
        }
        TypeKind::Union(union) => {
            let mut ty = with_description(Union::new(name), description, |t, d| t.description(d));
            for member in &union.members {
                ty = ty.possible_type(member.node.as_str());
            }
            ty.into()
        }
        TypeKind::Enum(values) => {
            let mut ty = with_description(Enum::new(name), description, |t, d| t.description(d));
            for value in &values.values {
                let value = &value.node;
                let mut item = EnumItem::new(value.value.node.as_str());
                if let Some(text) = &value.description {
                    item = item.description(text.node.as_str());
                }
                if let Some(reason) = deprecation(&value.directives) {
                    item = item.deprecation(Some(&reason));
                }
                ty = ty.item(item);
            }
            ty.into()
        }
        TypeKind::InputObject(input) => {
            let mut ty =
                with_description(InputObject::new(name), description, |t, d| t.description(d));
            for field in &input.fields {
                ty = ty.field(input_value(&field.node));
            }
            ty.into()
        }
    })
}

fn with_description<T>(ty: T, description: Option<String>, set: impl Fn(T, String) -> T) -> T {
    match description {
        Some(text) => set(ty, text),
        None => ty,
    }
}

fn output_field(parent: &str, definition: &FieldDefinition, catalog: &Arc<Catalog>) -> Field {
    let ty = type_ref(&definition.ty.node);
    let resolver = resolve::FieldResolver::new(
        parent,
        definition.name.node.as_str(),
        ty.clone(),
        catalog.clone(),
    );
    let mut field = Field::new(definition.name.node.as_str(), ty, move |ctx| {
        let resolver = resolver.clone();
        FieldFuture::new(async move { resolver.resolve(ctx) })
    });
    if let Some(text) = &definition.description {
        field = field.description(text.node.as_str());
    }
    if let Some(reason) = deprecation(&definition.directives) {
        field = field.deprecation(Some(&reason));
    }
    for argument in &definition.arguments {
        field = field.argument(input_value(&argument.node));
    }
    field
}

fn interface_field(definition: &FieldDefinition) -> InterfaceField {
    let mut field =
        InterfaceField::new(definition.name.node.as_str(), type_ref(&definition.ty.node));
    if let Some(text) = &definition.description {
        field = field.description(text.node.as_str());
    }
    if let Some(reason) = deprecation(&definition.directives) {
        field = field.deprecation(Some(&reason));
    }
    for argument in &definition.arguments {
        field = field.argument(input_value(&argument.node));
    }
    field
}

fn input_value(definition: &InputValueDefinition) -> InputValue {
    let mut value = InputValue::new(definition.name.node.as_str(), type_ref(&definition.ty.node));
    if let Some(text) = &definition.description {
        value = value.description(text.node.as_str());
    }
    if let Some(default) = &definition.default_value {
        value = value.default_value(default.node.clone());
    }
    value
}

fn type_ref(ty: &Type) -> TypeRef {
    let base = match &ty.base {
        BaseType::Named(name) => TypeRef::Named(name.to_string().into()),
        BaseType::List(inner) => TypeRef::List(Box::new(type_ref(inner))),
    };
    if ty.nullable {
        base
    } else {
        TypeRef::NonNull(Box::new(base))
    }
}

/// `@deprecated(reason: "...")` as the dynamic schema's deprecation.
fn deprecation(directives: &[Positioned<ConstDirective>]) -> Option<String> {
    directives
        .iter()
        .find(|d| d.node.name.node == "deprecated")
        .map(|d| match d.node.get_argument("reason").map(|r| &r.node) {
            Some(async_graphql::Value::String(reason)) => reason.clone(),
            _ => "No longer supported".to_owned(),
        })
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_published_type_is_registered() {
        let schema = super::build().expect("the vendored schema builds");
        let published = super::PUBLISHED_SDL
            .lines()
            .filter(|l| {
                [
                    "type ",
                    "interface ",
                    "enum ",
                    "input ",
                    "union ",
                    "scalar ",
                ]
                .iter()
                .any(|k| l.starts_with(k))
            })
            .count();
        let served = schema
            .registry()
            .types
            .keys()
            .filter(|n| !n.starts_with("__"))
            .count();
        // The five built-in scalars are served but not declared in the SDL.
        assert_eq!(served, published + 5);
        assert!(schema.registry().types.contains_key("ClusterQueue"));
    }
}
