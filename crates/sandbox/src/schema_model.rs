//! The published schema as plain data: what `build.rs` reads from the
//! vendored SDL at compile time, and what `published_schema` registers at run
//! time, so a sandbox's start never parses 260 KB of SDL.
//!
//! Shared by `build.rs` (through `#[path]`) and the library; serde only.

use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize)]
pub struct SchemaModel {
    pub types: Vec<TypeModel>,
}

#[derive(Serialize, Deserialize)]
pub struct TypeModel {
    pub name: String,
    pub description: Option<String>,
    pub kind: KindModel,
}

#[derive(Serialize, Deserialize)]
pub enum KindModel {
    Scalar,
    Object {
        implements: Vec<String>,
        fields: Vec<FieldModel>,
    },
    Interface {
        implements: Vec<String>,
        fields: Vec<FieldModel>,
    },
    Union {
        members: Vec<String>,
    },
    Enum {
        values: Vec<EnumValueModel>,
    },
    Input {
        fields: Vec<InputModel>,
    },
}

#[derive(Serialize, Deserialize)]
pub struct FieldModel {
    pub name: String,
    pub description: Option<String>,
    /// As SDL writes it: `[String!]!`.
    pub ty: String,
    pub args: Vec<InputModel>,
    pub deprecated: Option<String>,
}

#[derive(Serialize, Deserialize)]
pub struct InputModel {
    pub name: String,
    pub description: Option<String>,
    pub ty: String,
    pub default: Option<Literal>,
}

/// A default value: an enum value, or any other value as JSON.
#[derive(Serialize, Deserialize)]
pub enum Literal {
    Enum(String),
    Json(serde_json::Value),
}

#[derive(Serialize, Deserialize)]
pub struct EnumValueModel {
    pub name: String,
    pub description: Option<String>,
    pub deprecated: Option<String>,
}
