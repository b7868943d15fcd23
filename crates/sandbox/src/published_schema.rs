//! Buildkite's published schema (vendored SDL, read into `schema_model` data
//! by `build.rs`), turned into an executable `async_graphql::dynamic` schema.
//! Every field gets the same generic resolver (`resolve::FieldResolver`), so
//! the whole schema validates, introspects and runs; what the seeded world
//! backs comes from `world_graph`.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::dynamic::{
    Enum, EnumItem, Field, FieldFuture, InputObject, InputValue, Interface, InterfaceField, Object,
    Scalar, Schema, SchemaError, Type, TypeRef, Union,
};
use async_graphql::{Name, Value};

use crate::resolve::{Catalog, FieldResolver, Kind};
use crate::schema_model::{FieldModel, InputModel, KindModel, Literal, SchemaModel, TypeModel};

/// Buildkite's published schema, as the repository vendors it.
#[cfg(test)]
pub const PUBLISHED_SDL: &str = include_str!("../../../assets/buildkite-schema.graphql");

/// The same, as `build.rs` read it.
const MODEL: &str = include_str!(concat!(env!("OUT_DIR"), "/published-schema.json"));

const BUILT_IN_SCALARS: [&str; 5] = ["String", "Int", "Float", "Boolean", "ID"];

/// The vendored schema as plain data (also read by `type_index`).
pub fn model() -> Result<SchemaModel, String> {
    serde_json::from_str(MODEL)
        .map_err(|e| format!("the vendored schema's model does not load: {e}"))
}

/// The executable schema: every type of the published SDL, one resolver for all.
pub fn build() -> Result<Schema, String> {
    let model = model()?;
    let catalog = Arc::new(catalog(&model.types));
    let mutation = model
        .types
        .iter()
        .any(|t| t.name == "Mutation")
        .then_some("Mutation");
    // Buildkite's `Subscription` is a billing plan, not a root type.
    let mut builder = Schema::build("Query", mutation, None);
    for ty in &model.types {
        if let Some(registered) = register(ty, &catalog) {
            builder = builder.register(registered);
        }
    }
    builder
        .finish()
        .map_err(|SchemaError(e)| format!("the vendored schema is not executable: {e}"))
}

/// What the resolver needs to know of each type: its kind, the first enum
/// value, and a concrete type for interfaces and unions (zero values).
fn catalog(types: &[TypeModel]) -> Catalog {
    let mut implementers: HashMap<&str, &str> = HashMap::new();
    for ty in types {
        if let KindModel::Object { implements, .. } = &ty.kind {
            for interface in implements {
                implementers.entry(interface).or_insert(&ty.name);
            }
        }
    }
    let mut kinds: HashMap<String, Kind> = types
        .iter()
        .map(|ty| {
            let kind = match &ty.kind {
                KindModel::Scalar => Kind::Scalar,
                KindModel::Object { .. } => Kind::Object,
                KindModel::Interface { .. } => Kind::Abstract(
                    implementers
                        .get(ty.name.as_str())
                        .copied()
                        .unwrap_or("")
                        .to_owned(),
                ),
                KindModel::Union { members } => {
                    Kind::Abstract(members.first().cloned().unwrap_or_default())
                }
                KindModel::Enum { values } => {
                    Kind::Enum(values.first().map(|v| v.name.clone()).unwrap_or_default())
                }
                KindModel::Input { .. } => Kind::Input,
            };
            (ty.name.clone(), kind)
        })
        .collect();
    for scalar in BUILT_IN_SCALARS {
        kinds.insert(scalar.to_owned(), Kind::Scalar);
    }
    Catalog::new(kinds)
}

fn register(model: &TypeModel, catalog: &Arc<Catalog>) -> Option<Type> {
    let name = model.name.as_str();
    let description = model.description.clone();
    Some(match &model.kind {
        KindModel::Scalar if BUILT_IN_SCALARS.contains(&name) => return None,
        KindModel::Scalar => {
            with_description(Scalar::new(name), description, |t, d| t.description(d)).into()
        }
        KindModel::Object { implements, fields } => {
            let mut ty = with_description(Object::new(name), description, |t, d| t.description(d));
            for interface in implements {
                ty = ty.implement(interface);
            }
            for field in fields {
                ty = ty.field(output_field(name, field, catalog));
            }
            ty.into()
        }
        KindModel::Interface { implements, fields } => {
            let mut ty =
                with_description(Interface::new(name), description, |t, d| t.description(d));
            for parent in implements {
                ty = ty.implement(parent);
            }
            for field in fields {
                ty = ty.field(interface_field(field));
            }
            ty.into()
        }
        KindModel::Union { members } => {
            let mut ty = with_description(Union::new(name), description, |t, d| t.description(d));
            for member in members {
                ty = ty.possible_type(member);
            }
            ty.into()
        }
        KindModel::Enum { values } => {
            let mut ty = with_description(Enum::new(name), description, |t, d| t.description(d));
            for value in values {
                let mut item = EnumItem::new(value.name.as_str());
                if let Some(text) = &value.description {
                    item = item.description(text.as_str());
                }
                if let Some(reason) = &value.deprecated {
                    item = item.deprecation(Some(reason));
                }
                ty = ty.item(item);
            }
            ty.into()
        }
        KindModel::Input { fields } => {
            let mut ty =
                with_description(InputObject::new(name), description, |t, d| t.description(d));
            for field in fields {
                ty = ty.field(input_value(field));
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

/// A field's description, deprecation and arguments: object fields and
/// interface fields take them alike (two types with the same setters).
macro_rules! with_field_details {
    ($field:expr, $model:expr) => {{
        let mut field = $field;
        if let Some(text) = &$model.description {
            field = field.description(text.as_str());
        }
        if let Some(reason) = &$model.deprecated {
            field = field.deprecation(Some(reason));
        }
        for argument in &$model.args {
            field = field.argument(input_value(argument));
        }
        field
    }};
}

fn output_field(parent: &str, model: &FieldModel, catalog: &Arc<Catalog>) -> Field {
    let ty = type_ref(&model.ty);
    let resolver = FieldResolver::new(parent, &model.name, ty.clone(), catalog.clone());
    let field = Field::new(model.name.as_str(), ty, move |ctx| {
        let resolver = resolver.clone();
        FieldFuture::new(async move { resolver.resolve(ctx) })
    });
    with_field_details!(field, model)
}

fn interface_field(model: &FieldModel) -> InterfaceField {
    with_field_details!(
        InterfaceField::new(model.name.as_str(), type_ref(&model.ty)),
        model
    )
}

fn input_value(model: &InputModel) -> InputValue {
    let mut value = InputValue::new(model.name.as_str(), type_ref(&model.ty));
    if let Some(text) = &model.description {
        value = value.description(text.as_str());
    }
    match &model.default {
        Some(Literal::Enum(name)) => value = value.default_value(Value::Enum(Name::new(name))),
        Some(Literal::Json(json)) => {
            if let Ok(default) = Value::from_json(json.clone()) {
                value = value.default_value(default);
            }
        }
        None => {}
    }
    value
}

/// `[String!]!` -> its type reference.
fn type_ref(text: &str) -> TypeRef {
    if let Some(inner) = text.strip_suffix('!') {
        return TypeRef::NonNull(Box::new(type_ref(inner)));
    }
    match text.strip_prefix('[').and_then(|t| t.strip_suffix(']')) {
        Some(inner) => TypeRef::List(Box::new(type_ref(inner))),
        None => TypeRef::Named(text.to_owned().into()),
    }
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
