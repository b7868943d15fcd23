//! A faithful subset of Buildkite's GraphQL schema (same names and types; see
//! the subset test), executed by async-graphql over the sandbox's organization.

use std::sync::Arc;

use async_graphql::{
    ComplexObject, Context, EmptySubscription, Enum, InputObject, Interface, Object, Schema,
    SimpleObject, ID,
};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use base64::Engine;
use chrono::{DateTime, Utc};
use serde_json::json;

use super::connection::{paginate, BuildConnection, BuildEdge, PipelineConnection, PipelineEdge};
use super::state::{self, World};
use super::Shared;

pub type SandboxSchema = Schema<Query, Mutation, EmptySubscription>;

pub fn build_schema() -> SandboxSchema {
    Schema::build(Query, Mutation, EmptySubscription).finish()
}

/// Who a request runs as (the token's user, or a portal's creator), and
/// whether it has admin-level permissions (portal and ephemeral tokens).
pub struct ViewerId(pub String);
pub struct AdminLevel(pub bool);

/// Runs `document` for a caller, as `/v1` and the portal endpoint both do.
pub async fn execute(
    shared: &Arc<Shared>,
    viewer: String,
    admin: bool,
    document: &str,
    operation: Option<&str>,
    variables: serde_json::Value,
) -> async_graphql::Response {
    let mut request = async_graphql::Request::new(document)
        .variables(async_graphql::Variables::from_json(variables))
        .data(shared.clone())
        .data(ViewerId(viewer))
        .data(AdminLevel(admin));
    if let Some(operation) = operation {
        request = request.operation_name(operation);
    }
    shared.schema.execute(request).await
}

pub fn graphql_error(status: StatusCode, message: impl Into<String>) -> Response {
    (
        status,
        Json(json!({ "errors": [{ "message": message.into() }] })),
    )
        .into_response()
}

pub fn global_id(kind: &str, uuid: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(format!("{kind}---{uuid}"))
}

fn decode_global_id(id: &str) -> Option<(String, String)> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(id.trim())
        .ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let (kind, uuid) = text.trim_end().split_once("---")?;
    Some((kind.to_owned(), uuid.to_owned()))
}

fn shared<'a>(ctx: &Context<'a>) -> &'a Arc<Shared> {
    ctx.data_unchecked::<Arc<Shared>>()
}

fn timestamp(text: &Option<String>) -> Option<DateTime<Utc>> {
    text.as_deref()
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        .map(|t| t.with_timezone(&Utc))
}

const WEB: &str = "https://buildkite.com";

// ---- objects ------------------------------------------------------------------

#[derive(Interface)]
#[graphql(field(name = "id", ty = "ID"))]
pub enum Node {
    Organization(Organization),
    Pipeline(Pipeline),
    Build(Build),
    User(User),
    Viewer(Viewer),
}

pub struct Viewer {
    user: String,
}

#[Object]
impl Viewer {
    async fn id(&self) -> ID {
        ID(global_id("Viewer", &self.user))
    }

    async fn user(&self, ctx: &Context<'_>) -> Option<User> {
        let world = shared(ctx).world();
        world.user(&self.user).cloned().map(User)
    }
}

pub struct User(state::User);

#[derive(SimpleObject)]
pub struct Avatar {
    url: String,
}

#[Object]
impl User {
    async fn id(&self) -> ID {
        ID(global_id("User", &self.0.uuid))
    }
    async fn uuid(&self) -> &str {
        &self.0.uuid
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn email(&self) -> &str {
        &self.0.email
    }
    async fn avatar(&self) -> Avatar {
        Avatar {
            url: format!(
                "https://www.gravatar.com/avatar/{}",
                self.0.uuid.replace('-', "")
            ),
        }
    }
}

pub struct Organization(state::Organization);

#[Object]
impl Organization {
    async fn id(&self) -> ID {
        ID(global_id("Organization", &self.0.uuid))
    }
    async fn uuid(&self) -> &str {
        &self.0.uuid
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn slug(&self) -> &str {
        &self.0.slug
    }

    #[allow(clippy::too_many_arguments)]
    async fn pipelines(
        &self,
        ctx: &Context<'_>,
        after: Option<String>,
        before: Option<String>,
        first: Option<i32>,
        last: Option<i32>,
        search: Option<String>,
    ) -> async_graphql::Result<Option<PipelineConnection>> {
        let pipelines = shared(ctx)
            .world()
            .pipelines_in_order(search.as_deref(), None);
        let count = pipelines.len() as i32;
        let (page, info) = paginate(pipelines, first, last, after, before)?;
        Ok(Some(PipelineConnection {
            count,
            edges: Some(
                page.into_iter()
                    .map(|(cursor, p)| {
                        Some(PipelineEdge {
                            cursor,
                            node: Some(Pipeline(p)),
                        })
                    })
                    .collect(),
            ),
            page_info: Some(info),
        }))
    }
}

pub struct Pipeline(state::Pipeline);

#[derive(SimpleObject)]
pub struct Repository {
    url: String,
}

#[Object]
impl Pipeline {
    async fn id(&self) -> ID {
        ID(global_id("Pipeline", &self.0.uuid))
    }
    async fn uuid(&self) -> &str {
        &self.0.uuid
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn slug(&self) -> &str {
        &self.0.slug
    }
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }
    async fn repository(&self) -> Option<Repository> {
        Some(Repository {
            url: self.0.repository.clone(),
        })
    }
    async fn default_branch(&self) -> Option<&str> {
        Some(&self.0.default_branch)
    }
    async fn url(&self, ctx: &Context<'_>) -> String {
        let org = shared(ctx).world().organization.slug.clone();
        format!("{WEB}/{org}/{}", self.0.slug)
    }
    async fn created_at(&self) -> Option<DateTime<Utc>> {
        timestamp(&Some(self.0.created_at.clone()))
    }
    async fn organization(&self, ctx: &Context<'_>) -> Organization {
        Organization(shared(ctx).world().organization.clone())
    }

    /// Newest first, as Buildkite lists builds.
    #[allow(clippy::too_many_arguments)]
    async fn builds(
        &self,
        ctx: &Context<'_>,
        after: Option<String>,
        before: Option<String>,
        branch: Option<Vec<String>>,
        first: Option<i32>,
        last: Option<i32>,
        state: Option<Vec<BuildStates>>,
    ) -> async_graphql::Result<Option<BuildConnection>> {
        let builds: Vec<state::Build> = {
            let world = shared(ctx).world();
            let mut builds = world.builds_of(&self.0, branch.as_deref());
            builds.retain(|b| {
                state.as_ref().is_none_or(|list| {
                    list.iter()
                        .any(|s| BuildStates::parse(&b.state) == Some(*s))
                })
            });
            builds
        };
        let count = builds.len() as i32;
        let (page, info) = paginate(builds, first, last, after, before)?;
        Ok(Some(BuildConnection {
            count,
            edges: Some(
                page.into_iter()
                    .map(|(cursor, b)| {
                        Some(BuildEdge {
                            cursor,
                            node: Some(Build(b)),
                        })
                    })
                    .collect(),
            ),
            page_info: Some(info),
        }))
    }
}

#[derive(Enum, Copy, Clone, PartialEq, Eq)]
pub enum BuildStates {
    Blocked,
    Canceled,
    Canceling,
    Creating,
    Failed,
    Failing,
    NotRun,
    Passed,
    Running,
    Scheduled,
    Skipped,
}

impl BuildStates {
    fn parse(text: &str) -> Option<BuildStates> {
        use BuildStates::*;
        Some(match text {
            "BLOCKED" => Blocked,
            "CANCELED" => Canceled,
            "CANCELING" => Canceling,
            "CREATING" => Creating,
            "FAILED" => Failed,
            "FAILING" => Failing,
            "NOT_RUN" => NotRun,
            "PASSED" => Passed,
            "RUNNING" => Running,
            "SCHEDULED" => Scheduled,
            "SKIPPED" => Skipped,
            _ => return None,
        })
    }
}

pub struct Build(state::Build);

#[Object]
impl Build {
    async fn id(&self) -> ID {
        ID(global_id("Build", &self.0.uuid))
    }
    async fn uuid(&self) -> &str {
        &self.0.uuid
    }
    async fn number(&self) -> i32 {
        self.0.number
    }
    async fn branch(&self) -> &str {
        &self.0.branch
    }
    async fn commit(&self) -> &str {
        &self.0.commit
    }
    async fn message(&self) -> Option<&str> {
        self.0.message.as_deref()
    }
    async fn state(&self) -> BuildStates {
        BuildStates::parse(&self.0.state).unwrap_or(BuildStates::Scheduled)
    }
    async fn url(&self, ctx: &Context<'_>) -> String {
        let org = shared(ctx).world().organization.slug.clone();
        format!("{WEB}/{org}/{}/builds/{}", self.0.pipeline, self.0.number)
    }
    async fn created_at(&self) -> Option<DateTime<Utc>> {
        timestamp(&Some(self.0.created_at.clone()))
    }
    async fn started_at(&self) -> Option<DateTime<Utc>> {
        timestamp(&self.0.started_at)
    }
    async fn finished_at(&self) -> Option<DateTime<Utc>> {
        timestamp(&self.0.finished_at)
    }
    async fn pipeline(&self, ctx: &Context<'_>) -> async_graphql::Result<Pipeline> {
        let world = shared(ctx).world();
        world
            .pipeline(&self.0.pipeline)
            .cloned()
            .map(Pipeline)
            .ok_or_else(|| async_graphql::Error::new("pipeline not found"))
    }
    async fn organization(&self, ctx: &Context<'_>) -> Organization {
        Organization(shared(ctx).world().organization.clone())
    }
}

// ---- root types -----------------------------------------------------------------

pub struct Query;

fn find_pipeline(world: &World, slug: Option<&str>, uuid: Option<&str>) -> Option<Pipeline> {
    let found = match (slug, uuid) {
        (Some(slug), _) => {
            let (org, pipeline) = slug.split_once('/')?;
            if org != world.organization.slug {
                return None;
            }
            world.pipeline(pipeline)
        }
        (None, Some(uuid)) => world.pipelines.iter().find(|p| p.uuid == uuid),
        (None, None) => None,
    };
    found.cloned().map(Pipeline)
}

#[Object]
impl Query {
    async fn viewer(&self, ctx: &Context<'_>) -> Option<Viewer> {
        let viewer = ctx.data_opt::<ViewerId>()?;
        Some(Viewer {
            user: viewer.0.clone(),
        })
    }

    async fn organization(
        &self,
        ctx: &Context<'_>,
        slug: Option<ID>,
        uuid: Option<ID>,
    ) -> Option<Organization> {
        let world = shared(ctx).world();
        let org = &world.organization;
        let matches =
            slug.is_some_and(|s| s.0 == org.slug) || uuid.is_some_and(|u| u.0 == org.uuid);
        matches.then(|| Organization(org.clone()))
    }

    async fn pipeline(
        &self,
        ctx: &Context<'_>,
        slug: Option<ID>,
        uuid: Option<ID>,
    ) -> Option<Pipeline> {
        let world = shared(ctx).world();
        find_pipeline(
            &world,
            slug.as_ref().map(|s| s.0.as_str()),
            uuid.as_ref().map(|u| u.0.as_str()),
        )
    }

    async fn build(&self, ctx: &Context<'_>, slug: Option<ID>, uuid: Option<ID>) -> Option<Build> {
        let world = shared(ctx).world();
        let found = match (slug, uuid) {
            (Some(slug), _) => {
                let mut parts = slug.0.splitn(3, '/');
                let (org, pipeline, number) = (parts.next()?, parts.next()?, parts.next()?);
                let number: i32 = number.parse().ok()?;
                if org != world.organization.slug {
                    return None;
                }
                world
                    .builds
                    .iter()
                    .find(|b| b.pipeline == pipeline && b.number == number)
            }
            (None, Some(uuid)) => world.builds.iter().find(|b| b.uuid == uuid.0),
            (None, None) => None,
        };
        found.cloned().map(Build)
    }

    async fn node(&self, ctx: &Context<'_>, id: ID) -> Option<Node> {
        let (kind, uuid) = decode_global_id(&id)?;
        let world = shared(ctx).world();
        match kind.as_str() {
            "Organization" if world.organization.uuid == uuid => {
                Some(Node::Organization(Organization(world.organization.clone())))
            }
            "Pipeline" => find_pipeline(&world, None, Some(&uuid)).map(Node::Pipeline),
            "Build" => world
                .builds
                .iter()
                .find(|b| b.uuid == uuid)
                .cloned()
                .map(|b| Node::Build(Build(b))),
            "User" => world.user(&uuid).cloned().map(|u| Node::User(User(u))),
            "Viewer" => Some(Node::Viewer(Viewer { user: uuid })),
            _ => None,
        }
    }
}

#[derive(InputObject)]
pub struct BuildCreateInput {
    branch: Option<String>,
    client_mutation_id: Option<String>,
    commit: Option<String>,
    env: Option<Vec<String>>,
    message: Option<String>,
    #[graphql(name = "pipelineID")]
    pipeline_id: ID,
}

#[derive(SimpleObject)]
#[graphql(complex)]
pub struct BuildCreatePayload {
    #[graphql(skip)]
    build_record: state::Build,
    client_mutation_id: Option<String>,
}

#[ComplexObject]
impl BuildCreatePayload {
    async fn build(&self) -> Option<Build> {
        Some(Build(self.build_record.clone()))
    }
}

pub struct Mutation;

#[Object]
impl Mutation {
    /// Really adds a build: later queries return it.
    async fn build_create(
        &self,
        ctx: &Context<'_>,
        input: BuildCreateInput,
    ) -> async_graphql::Result<Option<BuildCreatePayload>> {
        let shared = shared(ctx);
        let viewer = ctx
            .data_opt::<ViewerId>()
            .map(|v| v.0.clone())
            .unwrap_or_default();
        let mut world = shared.world();
        let pipeline = decode_global_id(&input.pipeline_id)
            .filter(|(kind, _)| kind == "Pipeline")
            .and_then(|(_, uuid)| world.pipelines.iter().find(|p| p.uuid == uuid).cloned())
            .ok_or_else(|| {
                async_graphql::Error::new(format!(
                    "No pipeline found with ID `{}`",
                    input.pipeline_id.0
                ))
            })?;
        let admin = ctx.data_opt::<AdminLevel>().is_some_and(|a| a.0);
        let allowed = admin
            || world
                .user(&viewer)
                .is_some_and(|u| u.may_build(&pipeline.slug));
        if !allowed {
            return Err(async_graphql::Error::new(format!(
                "You don't have permission to create builds in the pipeline `{}`",
                pipeline.slug
            )));
        }
        let number = world
            .builds
            .iter()
            .filter(|b| b.pipeline == pipeline.slug)
            .map(|b| b.number)
            .max()
            .unwrap_or(0)
            + 1;
        let build = state::Build {
            uuid: uuid::Uuid::new_v4().to_string(),
            pipeline: pipeline.slug.clone(),
            number,
            branch: input
                .branch
                .filter(|b| !b.is_empty())
                .unwrap_or(pipeline.default_branch.clone()),
            commit: input.commit.unwrap_or_else(|| "HEAD".into()),
            message: input.message,
            state: "SCHEDULED".into(),
            created_by: viewer,
            created_at: state::now_timestamp(),
            started_at: None,
            finished_at: None,
        };
        world.builds.push(build.clone());
        shared.persist(&world);
        Ok(Some(BuildCreatePayload {
            build_record: build,
            client_mutation_id: input.client_mutation_id,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pagination_follows_relay_rules() {
        let items: Vec<i32> = (0..10).collect();
        let (page, info) = paginate(items.clone(), Some(3), None, None, None).unwrap();
        assert_eq!(page.iter().map(|p| p.1).collect::<Vec<_>>(), [0, 1, 2]);
        assert!(info.has_next_page && !info.has_previous_page);
        let after = info.end_cursor.unwrap();
        let (page, _) = paginate(items.clone(), Some(3), None, Some(after), None).unwrap();
        assert_eq!(page.iter().map(|p| p.1).collect::<Vec<_>>(), [3, 4, 5]);
        let (page, info) = paginate(items, None, Some(2), None, None).unwrap();
        assert_eq!(page.iter().map(|p| p.1).collect::<Vec<_>>(), [8, 9]);
        assert!(info.has_previous_page && !info.has_next_page);
    }

    #[test]
    fn global_ids_round_trip() {
        let id = global_id("Pipeline", "abc");
        assert_eq!(
            decode_global_id(&id),
            Some(("Pipeline".into(), "abc".into()))
        );
    }
}
