//! Reads Buildkite's published schema (the vendored SDL) once, at compile
//! time, into `schema_model`'s plain data (JSON in OUT_DIR): parsing the SDL
//! took most of a sandbox's schema build.

#[path = "src/schema_model.rs"]
mod schema_model;

use async_graphql_parser::types::{
    ConstDirective, FieldDefinition, InputValueDefinition, TypeDefinition, TypeKind,
    TypeSystemDefinition,
};
use async_graphql_parser::Positioned;
use async_graphql_value::ConstValue;
use schema_model::*;

const SDL: &str = "../../assets/buildkite-schema.graphql";

fn main() {
    println!("cargo:rerun-if-changed={SDL}");
    println!("cargo:rerun-if-changed=src/schema_model.rs");
    let text = std::fs::read_to_string(SDL).unwrap_or_else(|e| panic!("{SDL}: {e}"));
    let document =
        async_graphql_parser::parse_schema(&text).unwrap_or_else(|e| panic!("{SDL}: {e}"));
    let types = document
        .definitions
        .into_iter()
        .filter_map(|definition| match definition {
            TypeSystemDefinition::Type(ty) => Some(type_model(ty.node)),
            _ => None,
        })
        .collect();
    let json = serde_json::to_string(&SchemaModel { types }).expect("the model serializes");
    let out = std::path::PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR"));
    std::fs::write(out.join("published-schema.json"), json).expect("OUT_DIR is writable");
}

fn type_model(definition: TypeDefinition) -> TypeModel {
    let names = |list: &[Positioned<async_graphql_value::Name>]| {
        list.iter().map(|n| n.node.to_string()).collect::<Vec<_>>()
    };
    let kind = match &definition.kind {
        TypeKind::Scalar => KindModel::Scalar,
        TypeKind::Object(object) => KindModel::Object {
            implements: names(&object.implements),
            fields: object.fields.iter().map(|f| field_model(&f.node)).collect(),
        },
        TypeKind::Interface(interface) => KindModel::Interface {
            implements: names(&interface.implements),
            fields: interface
                .fields
                .iter()
                .map(|f| field_model(&f.node))
                .collect(),
        },
        TypeKind::Union(union) => KindModel::Union {
            members: names(&union.members),
        },
        TypeKind::Enum(values) => KindModel::Enum {
            values: values
                .values
                .iter()
                .map(|v| EnumValueModel {
                    name: v.node.value.node.to_string(),
                    description: v.node.description.as_ref().map(|d| d.node.clone()),
                    deprecated: deprecation(&v.node.directives),
                })
                .collect(),
        },
        TypeKind::InputObject(input) => KindModel::Input {
            fields: input.fields.iter().map(|f| input_model(&f.node)).collect(),
        },
    };
    TypeModel {
        name: definition.name.node.to_string(),
        description: definition.description.map(|d| d.node),
        kind,
    }
}

fn field_model(definition: &FieldDefinition) -> FieldModel {
    FieldModel {
        name: definition.name.node.to_string(),
        description: definition.description.as_ref().map(|d| d.node.clone()),
        ty: definition.ty.node.to_string(),
        args: definition
            .arguments
            .iter()
            .map(|a| input_model(&a.node))
            .collect(),
        deprecated: deprecation(&definition.directives),
    }
}

fn input_model(definition: &InputValueDefinition) -> InputModel {
    InputModel {
        name: definition.name.node.to_string(),
        description: definition.description.as_ref().map(|d| d.node.clone()),
        ty: definition.ty.node.to_string(),
        default: definition.default_value.as_ref().map(|d| match &d.node {
            ConstValue::Enum(name) => Literal::Enum(name.to_string()),
            other => Literal::Json(other.clone().into_json().expect("a JSON-shaped default")),
        }),
    }
}

/// `@deprecated(reason: "...")`'s reason.
fn deprecation(directives: &[Positioned<ConstDirective>]) -> Option<String> {
    directives
        .iter()
        .find(|d| d.node.name.node == "deprecated")
        .map(|d| match d.node.get_argument("reason").map(|r| &r.node) {
            Some(ConstValue::String(reason)) => reason.clone(),
            _ => "No longer supported".to_owned(),
        })
}
