//! Query complexity as Buildkite documents it (graphql_resource_limits): a
//! scalar or enum field costs 0, an object, interface or union field 1, and
//! what a connection's `edges`/`nodes` hold counts once per item: the page
//! size asked for (`first`/`last`, 500 when neither) before running, the items
//! returned after. So `organization { pipelines(first: 500) { edges { node
//! { slug } } } }` is 503 requested, and 13 actual with 10 pipelines.

use std::collections::HashMap;

use async_graphql::parser::types::{
    ExecutableDocument, OperationDefinition, OperationType, Selection, SelectionSet,
};
use async_graphql::{Name, Positioned, Value as GqlValue};
use serde_json::Value;

use super::type_index::{named, TypeIndex};

/// A connection's page size when a query gives neither `first` nor `last`.
pub const DEFAULT_PAGE_SIZE: u64 = 500;

/// Fragments nest at most this deep (a cycle is a validation error anyway).
const MAX_DEPTH: usize = 64;

struct Walk<'a> {
    index: &'a TypeIndex,
    document: &'a ExecutableDocument,
    variables: &'a serde_json::Map<String, Value>,
}

/// The complexity of `operation`: requested (before it runs, `data` None)
/// or actual (from the `data` it answered).
pub fn complexity(
    index: &TypeIndex,
    document: &ExecutableDocument,
    operation: &OperationDefinition,
    variables: &serde_json::Map<String, Value>,
    data: Option<&Value>,
) -> u64 {
    let walk = Walk {
        index,
        document,
        variables,
    };
    let root = root(index, operation);
    walk.selections(&operation.selection_set.node, root, data, 0)
}

fn root<'a>(index: &'a TypeIndex, operation: &OperationDefinition) -> &'a str {
    match operation.ty {
        OperationType::Mutation => &index.mutation,
        _ => &index.query,
    }
}

/// The fields a selection set asks of `parent`, merged by response key,
/// grouped by the type a fragment narrows them to (`None`: any type).
type Grouped<'a> = HashMap<
    Option<String>,
    Vec<(
        String,
        Vec<&'a Positioned<async_graphql::parser::types::Field>>,
    )>,
>;

impl<'a> Walk<'a> {
    fn collect(
        &self,
        set: &'a SelectionSet,
        parent: &str,
        condition: Option<String>,
        grouped: &mut Grouped<'a>,
        depth: usize,
    ) {
        if depth > MAX_DEPTH {
            return;
        }
        let mut fragments = Vec::new();
        for selection in &set.items {
            match &selection.node {
                Selection::Field(field) => {
                    let key = field
                        .node
                        .alias
                        .as_ref()
                        .unwrap_or(&field.node.name)
                        .node
                        .to_string();
                    let group = grouped.entry(condition.clone()).or_default();
                    match group.iter_mut().find(|(k, _)| *k == key) {
                        Some((_, fields)) => fields.push(field),
                        None => group.push((key, vec![field])),
                    }
                }
                Selection::InlineFragment(fragment) => {
                    let on = fragment
                        .node
                        .type_condition
                        .as_ref()
                        .map(|c| c.node.on.node.to_string());
                    fragments.push((&fragment.node.selection_set.node, on));
                }
                Selection::FragmentSpread(spread) => {
                    if let Some(fragment) =
                        self.document.fragments.get(&spread.node.fragment_name.node)
                    {
                        let on = fragment.node.type_condition.node.on.node.to_string();
                        fragments.push((&fragment.node.selection_set.node, Some(on)));
                    }
                }
            }
        }
        // A fragment on the parent's own type narrows nothing.
        for (inner, on) in fragments {
            let narrowed = on.filter(|on| on != parent).or_else(|| condition.clone());
            self.collect(inner, parent, narrowed, grouped, depth + 1);
        }
    }

    /// The cost of a selection set on `parent`: the fields every type shares,
    /// plus the costliest of the type-narrowed groups (one type is returned).
    fn selections(
        &self,
        set: &'a SelectionSet,
        parent: &str,
        data: Option<&Value>,
        depth: usize,
    ) -> u64 {
        let mut grouped = Grouped::new();
        self.collect(set, parent, None, &mut grouped, depth);
        let mut common = 0;
        let mut narrowed = 0;
        for (condition, fields) in grouped {
            let cost: u64 = fields
                .iter()
                .map(|(key, same)| {
                    let on = condition.as_deref().unwrap_or(parent);
                    let value = data.map(|d| d.get(key).unwrap_or(&Value::Null));
                    self.field(same, on, value, depth)
                })
                .sum();
            match condition {
                None => common += cost,
                Some(_) => narrowed = narrowed.max(cost),
            }
        }
        common + narrowed
    }

    /// The cost of one response key (several selections of it merge).
    fn field(
        &self,
        same: &[&'a Positioned<async_graphql::parser::types::Field>],
        parent: &str,
        data: Option<&Value>,
        depth: usize,
    ) -> u64 {
        let Some(first) = same.first() else { return 0 };
        let name = first.node.name.node.as_str();
        let Some(info) = self.index.field(parent, name) else {
            return 0;
        };
        let type_name = named(&info.ty);
        if !self.index.is_composite(type_name) {
            return 0;
        }
        if data.is_some_and(Value::is_null) {
            // Resolved to null: the field was looked at, nothing under it.
            return 1;
        }
        let mut children = SelectionSet::default();
        for selection in same {
            children
                .items
                .extend(selection.node.selection_set.node.items.iter().cloned());
        }
        if type_name.ends_with("Connection") {
            let page = match data {
                Some(value) => items_returned(value),
                None => self.page_size(same),
            };
            return 1 + self.connection(&children, type_name, page, data, depth);
        }
        // A plain list counts its items' selections once (only connections multiply).
        let item = data.map(|v| match v {
            Value::Array(items) => items.first().unwrap_or(&Value::Null),
            other => other,
        });
        1 + self.selections(&children, type_name, item, depth + 1)
    }

    /// Inside a connection: `edges` and `nodes` cost 1 each, what they hold
    /// counts `page` times; `pageInfo`, `count` and the rest once.
    fn connection(
        &self,
        children: &SelectionSet,
        connection: &str,
        page: u64,
        data: Option<&Value>,
        depth: usize,
    ) -> u64 {
        let mut grouped = Grouped::new();
        self.collect(children, connection, None, &mut grouped, depth);
        let mut cost = 0;
        for (key, same) in grouped.into_values().flatten() {
            let name = same[0].node.name.node.as_str();
            let value = data.map(|d| d.get(&key).unwrap_or(&Value::Null));
            if name != "edges" && name != "nodes" {
                cost += self.field(&same, connection, value, depth + 1);
                continue;
            }
            let Some(info) = self.index.field(connection, name) else {
                continue;
            };
            let item_type = named(&info.ty);
            let mut inner = SelectionSet::default();
            for selection in &same {
                inner
                    .items
                    .extend(selection.node.selection_set.node.items.iter().cloned());
            }
            // Each item costs what one item asks for (a node is an object: 1 more).
            let one = value
                .and_then(|v| v.as_array())
                .and_then(|items| items.first());
            let per_item =
                self.selections(&inner, item_type, one, depth + 1) + u64::from(name == "nodes");
            cost += 1 + page.saturating_mul(per_item);
        }
        cost
    }

    /// The page size a connection asks for: the larger of `first` and `last`.
    fn page_size(&self, same: &[&Positioned<async_graphql::parser::types::Field>]) -> u64 {
        let mut size = None;
        for field in same {
            for (name, value) in &field.node.arguments {
                if name.node == "first" || name.node == "last" {
                    // Variables are replaced by their values (or defaults) first.
                    let resolved = value
                        .node
                        .clone()
                        .into_const_with(|name| self.variable(&name).ok_or(()));
                    if let Ok(GqlValue::Number(n)) = resolved {
                        let Some(n) = n.as_u64() else { continue };
                        size = Some(size.map_or(n, |s: u64| s.max(n)));
                    }
                }
            }
        }
        size.unwrap_or(DEFAULT_PAGE_SIZE)
    }

    /// A variable's value, or its default in the document.
    fn variable(&self, name: &Name) -> Option<GqlValue> {
        if let Some(value) = self.variables.get(name.as_str()) {
            return GqlValue::from_json(value.clone()).ok();
        }
        self.document.operations.iter().find_map(|(_, op)| {
            op.node
                .variable_definitions
                .iter()
                .find(|d| d.node.name.node == *name)
                .and_then(|d| d.node.default_value.as_ref())
                .map(|v| v.node.clone())
        })
    }
}

/// How many items a connection returned (edges or nodes, whichever is longer).
fn items_returned(connection: &Value) -> u64 {
    ["edges", "nodes"]
        .iter()
        .filter_map(|k| connection.get(k).and_then(Value::as_array))
        .map(|items| items.len() as u64)
        .max()
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const SDL: &str = "type Query { organization(slug: ID): Organization node(id: ID!): Node }
        interface Node { id: ID! }
        type Organization implements Node { id: ID! name: String
          pipelines(first: Int, last: Int): PipelineConnection }
        type PipelineConnection { count: Int! pageInfo: PageInfo
          edges: [PipelineEdge] nodes: [Pipeline] }
        type PageInfo { hasNextPage: Boolean! }
        type PipelineEdge { node: Pipeline }
        type Pipeline implements Node { id: ID! slug: String repository: Repository }
        type Repository { url: String }";

    fn count(document: &str, variables: Value, data: Option<Value>) -> u64 {
        let index = TypeIndex::from_sdl(SDL).unwrap();
        let document = async_graphql::parser::parse_query(document).unwrap();
        let operation = crate::request_rules::select_operation(&document, None).unwrap();
        complexity(
            &index,
            &document,
            operation,
            variables.as_object().unwrap(),
            data.as_ref(),
        )
    }

    #[test]
    fn the_documented_example_is_503_requested_and_13_actual() {
        let query = "query RecentPipelineSlugs { organization(slug: \"o\") {
            pipelines(first: 500) { edges { node { slug } } } } }";
        assert_eq!(count(query, json!({}), None), 503);
        let edges: Vec<Value> = (0..10).map(|i| json!({ "node": { "slug": i } })).collect();
        let data = json!({ "organization": { "pipelines": { "edges": edges } } });
        assert_eq!(count(query, json!({}), Some(data)), 13);
    }

    #[test]
    fn page_sizes_come_from_variables_defaults_or_500() {
        let query =
            "query Q($n: Int = 7) { organization { pipelines(first: $n) { nodes { slug } } } }";
        // organization 1 + pipelines 1 + nodes 1 + 7 nodes
        assert_eq!(count(query, json!({}), None), 10);
        assert_eq!(count(query, json!({ "n": 2 }), None), 5);
        let unpaged = "{ organization { pipelines { count pageInfo { hasNextPage } edges { node { repository { url } } } } } }";
        // 1 + 1 + pageInfo 1 + edges 1 + 500 x (node 1 + repository 1)
        assert_eq!(count(unpaged, json!({}), None), 1004);
    }

    #[test]
    fn fragments_merge_and_narrowed_ones_count_the_costliest_type() {
        let query = "{ organization { ...Org ... on Organization { pipelines(first: 2) { edges { node { slug } } } } }
            node(id: \"x\") { ... on Pipeline { repository { url } } ... on Organization { name } } }
            fragment Org on Organization { pipelines(first: 2) { edges { node { slug } } } }";
        // organization 1 + pipelines (merged once) 1 + edges 1 + 2; node 1 + the Pipeline branch 1
        assert_eq!(count(query, json!({}), None), 7);
    }
}
