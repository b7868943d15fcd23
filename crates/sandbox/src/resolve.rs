//! The one resolver every field of the published schema uses: it asks
//! `world_graph` for the field's value, then shapes it to the field's type.
//! What the world does not back becomes null (nullable), an empty list, an
//! empty connection, or the zero value of a non-null type: never an error.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::dynamic::{FieldValue, ResolverContext, TypeRef};
use async_graphql::{Name, Value};

use crate::connection::paginate;
use crate::graphql::{AdminLevel, ViewerId};
use crate::world_graph::{self, Env, Record};
use crate::Shared;

/// Field arguments as JSON (defaults filled in by the schema).
pub(crate) type Args = serde_json::Map<String, serde_json::Value>;

/// What a type is, as far as shaping an answer goes.
pub(crate) enum Kind {
    Scalar,
    /// An enum and its first value (the zero value).
    Enum(String),
    Object,
    /// An interface or union, and a concrete type to answer with when the world has none.
    Abstract(String),
    Input,
}

pub(crate) struct Catalog {
    kinds: HashMap<String, Kind>,
}

/// A resolved value, before it is shaped to a field's type.
#[derive(Clone, Debug)]
pub(crate) enum Out {
    Json(serde_json::Value),
    Object(GraphObject),
    List(Vec<Out>),
}

/// An object of the answer: fields known up front, and the world record it
/// stands for (whose relations `world_graph` resolves when asked).
#[derive(Clone, Debug, Default)]
pub(crate) struct GraphObject {
    /// The concrete type, when known (needed for interfaces and unions).
    pub ty: Option<String>,
    pub record: Option<Record>,
    pub fields: HashMap<String, Out>,
}

impl GraphObject {
    pub(crate) fn new(ty: &str, record: Option<Record>, data: serde_json::Value) -> GraphObject {
        let fields = match data {
            serde_json::Value::Object(map) => {
                map.into_iter().map(|(k, v)| (k, Out::Json(v))).collect()
            }
            _ => HashMap::new(),
        };
        GraphObject {
            ty: Some(ty.to_owned()),
            record,
            fields,
        }
    }

    pub(crate) fn with(mut self, name: &str, value: Out) -> GraphObject {
        self.fields.insert(name.to_owned(), value);
        self
    }

    /// A field's JSON value, if it has one.
    pub(crate) fn json(&self, name: &str) -> Option<&serde_json::Value> {
        match self.fields.get(name) {
            Some(Out::Json(value)) => Some(value),
            _ => None,
        }
    }
}

/// A Relay connection over `items` (already filtered and ordered), paged by
/// the field's `first`/`last`/`after`/`before`.
pub(crate) fn connection(items: Vec<Out>, args: &Args) -> Result<Out, String> {
    let count = items.len();
    let number = |name: &str| {
        args.get(name)
            .and_then(|v| v.as_i64())
            .map(|n| n.clamp(i32::MIN as i64, i32::MAX as i64) as i32)
    };
    let text = |name: &str| args.get(name).and_then(|v| v.as_str()).map(str::to_owned);
    let (page, info) = paginate(
        items,
        number("first"),
        number("last"),
        text("after"),
        text("before"),
    )
    .map_err(|e| e.message)?;
    let nodes = page.iter().map(|(_, node)| node.clone()).collect();
    let edges = page
        .into_iter()
        .map(|(cursor, node)| {
            Out::Object(
                GraphObject::default()
                    .with("cursor", Out::Json(cursor.into()))
                    .with("node", node),
            )
        })
        .collect();
    let page_info = serde_json::json!({
        "startCursor": info.start_cursor,
        "endCursor": info.end_cursor,
        "hasNextPage": info.has_next_page,
        "hasPreviousPage": info.has_previous_page,
    });
    Ok(Out::Object(
        GraphObject::default()
            .with("edges", Out::List(edges))
            .with("nodes", Out::List(nodes))
            .with("count", Out::Json(count.into()))
            .with("pageInfo", Out::Json(page_info)),
    ))
}

fn empty_connection() -> GraphObject {
    match connection(Vec::new(), &Args::new()) {
        Ok(Out::Object(object)) => object,
        _ => GraphObject::default(),
    }
}

impl Catalog {
    pub(crate) fn new(kinds: HashMap<String, Kind>) -> Catalog {
        Catalog { kinds }
    }

    /// `out` shaped to `ty`; `None` is null (only ever for nullable types).
    fn shape(&self, ty: &TypeRef, out: Option<Out>) -> Option<FieldValue<'static>> {
        match ty {
            TypeRef::NonNull(inner) => self.shape(inner, out).or_else(|| Some(self.zero(inner))),
            TypeRef::List(inner) => {
                let items = match out {
                    Some(Out::List(items)) => items,
                    Some(Out::Json(serde_json::Value::Array(items))) => {
                        items.into_iter().map(Out::Json).collect()
                    }
                    _ => Vec::new(),
                };
                Some(FieldValue::list(items.into_iter().map(|item| {
                    self.shape(inner, Some(item)).unwrap_or(FieldValue::NULL)
                })))
            }
            TypeRef::Named(name) => self.shape_named(name, out),
        }
    }

    fn shape_named(&self, name: &str, out: Option<Out>) -> Option<FieldValue<'static>> {
        let object = |out: Option<Out>| match out {
            Some(Out::Object(object)) => Some(object),
            Some(Out::Json(serde_json::Value::Object(map))) => {
                let mut object = GraphObject::new(name, None, serde_json::Value::Object(map));
                object.ty = None;
                Some(object)
            }
            _ if name.ends_with("Connection") => Some(empty_connection()),
            _ => None,
        };
        match self.kinds.get(name)? {
            Kind::Scalar | Kind::Enum(_) => match out? {
                Out::Json(serde_json::Value::Null) => None,
                Out::Json(serde_json::Value::String(text))
                    if matches!(self.kinds.get(name), Some(Kind::Enum(_))) =>
                {
                    Some(FieldValue::value(Value::Enum(Name::new(text))))
                }
                Out::Json(json) => Value::from_json(json).ok().map(FieldValue::value),
                _ => None,
            },
            Kind::Object => object(out).map(FieldValue::owned_any),
            Kind::Abstract(fallback) => {
                let mut object = object(out)?;
                let ty = object
                    .ty
                    .clone()
                    .or_else(|| {
                        object
                            .json("__typename")
                            .and_then(|t| t.as_str())
                            .map(str::to_owned)
                    })
                    .unwrap_or_else(|| fallback.clone());
                object.ty = Some(ty.clone());
                Some(FieldValue::owned_any(object).with_type(ty))
            }
            Kind::Input => None,
        }
    }

    /// The value of a non-null `name` the world has nothing for.
    fn zero(&self, name: &TypeRef) -> FieldValue<'static> {
        let TypeRef::Named(name) = name else {
            return FieldValue::list(Vec::<FieldValue>::new());
        };
        match self.kinds.get(name.as_ref()) {
            Some(Kind::Scalar) => FieldValue::value(match name.as_ref() {
                "Int" | "JSInt" => Value::from(0),
                "Float" => Value::from(0.0),
                "Boolean" => Value::from(false),
                "DateTime" => Value::from("1970-01-01T00:00:00Z"),
                "JSON" => Value::Object(Default::default()),
                _ => Value::from(""),
            }),
            Some(Kind::Enum(first)) => FieldValue::value(Value::Enum(Name::new(first))),
            Some(Kind::Abstract(concrete)) => {
                FieldValue::owned_any(GraphObject::new(concrete, None, serde_json::Value::Null))
                    .with_type(concrete.clone())
            }
            _ if name.ends_with("Connection") => FieldValue::owned_any(empty_connection()),
            _ => FieldValue::owned_any(GraphObject::new(name, None, serde_json::Value::Null)),
        }
    }
}

/// One field of one type: what every field of the schema is resolved by.
#[derive(Clone)]
pub(crate) struct FieldResolver {
    parent: Arc<str>,
    name: Arc<str>,
    ty: TypeRef,
    catalog: Arc<Catalog>,
}

impl FieldResolver {
    pub(crate) fn new(
        parent: &str,
        name: &str,
        ty: TypeRef,
        catalog: Arc<Catalog>,
    ) -> FieldResolver {
        FieldResolver {
            parent: parent.into(),
            name: name.into(),
            ty,
            catalog,
        }
    }

    pub(crate) fn resolve(
        &self,
        ctx: ResolverContext<'_>,
    ) -> async_graphql::Result<Option<FieldValue<'static>>> {
        let args: Args = ctx
            .args
            .as_index_map()
            .iter()
            .filter_map(|(name, value)| Some((name.to_string(), value.clone().into_json().ok()?)))
            .collect();
        let env = Env {
            shared: ctx.data_unchecked::<Arc<Shared>>(),
            viewer: ctx
                .data_opt::<ViewerId>()
                .map(|v| v.0.as_str())
                .unwrap_or_default(),
            admin: ctx.data_opt::<AdminLevel>().is_some_and(|a| a.0),
        };
        let parent = ctx.parent_value.downcast_ref::<GraphObject>();
        let out = world_graph::field(&env, &self.parent, parent, &self.name, &args)
            .map_err(async_graphql::Error::new)?;
        Ok(self.catalog.shape(&self.ty, out))
    }
}
