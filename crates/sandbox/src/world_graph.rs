//! What the seeded world backs in the published schema: root fields, the
//! records' plain fields (under their GraphQL names) and their relations.
//! Anything not answered here falls back to `resolve`'s empty values.

use std::sync::Arc;

use serde_json::{json, Value};

use crate::graphql::{decode_global_id, global_id};
use crate::resolve::{connection, Args, GraphObject, Out};
use crate::state::World;
use crate::Shared;

const WEB: &str = "https://buildkite.com";

/// Who asks: the caller's user, and whether it has admin-level permissions.
pub(crate) struct Env<'a> {
    pub shared: &'a Arc<Shared>,
    pub viewer: &'a str,
    pub admin: bool,
}

/// A record of the world an answer's object stands for (by uuid).
#[derive(Clone, Debug)]
pub(crate) enum Record {
    Organization,
    Viewer(String),
    User(String),
    /// A user as a member of the organization.
    Member(String),
    Pipeline(String),
    Build(String),
    Job(String),
    Agent(String),
    Cluster(String),
    Queue(String),
    Team(String),
    TeamMember(String),
    TeamPipeline(String),
    Artifact(String),
    Annotation(String),
}

/// The value of `parent_type.name` for this caller, if the world has one.
pub(crate) fn field(
    env: &Env,
    parent_type: &str,
    parent: Option<&GraphObject>,
    name: &str,
    args: &Args,
) -> Result<Option<Out>, String> {
    match parent_type {
        "Query" => return Ok(root(env, name, args)),
        "Mutation" => return crate::mutations::run(env, name, args),
        _ => {}
    }
    let Some(parent) = parent else {
        return Ok(None);
    };
    if let Some(record) = &parent.record {
        let world = env.shared.world();
        if let Some(out) = crate::relations::relation(&world, record, name, args)? {
            return Ok(Some(out));
        }
    }
    Ok(parent.fields.get(name).cloned())
}

fn root(env: &Env, name: &str, args: &Args) -> Option<Out> {
    let world = env.shared.world();
    let text = |key: &str| args.get(key).and_then(Value::as_str);
    // `org/rest` slugs: the rest, when the organization is ours.
    let in_org = |slug: &str| -> Option<String> {
        let (org, rest) = slug.split_once('/')?;
        (org == world.organization.slug).then(|| rest.to_owned())
    };
    let record = match name {
        "viewer" => Some(Record::Viewer(env.viewer.to_owned())),
        "organization" => (text("slug") == Some(world.organization.slug.as_str())
            || text("uuid") == Some(world.organization.uuid.as_str()))
        .then_some(Record::Organization),
        "pipeline" => match (text("slug"), text("uuid")) {
            (Some(slug), _) => in_org(slug)
                .and_then(|slug| world.pipeline(&slug))
                .map(|p| Record::Pipeline(p.uuid.clone())),
            (None, Some(uuid)) => Some(Record::Pipeline(uuid.to_owned())),
            _ => None,
        },
        "build" => match (text("slug"), text("uuid")) {
            (Some(slug), _) => in_org(slug).and_then(|rest| {
                let (pipeline, number) = rest.split_once('/')?;
                let number: i32 = number.parse().ok()?;
                world
                    .builds
                    .iter()
                    .find(|b| b.pipeline == pipeline && b.number == number)
                    .map(|b| Record::Build(b.uuid.clone()))
            }),
            (None, Some(uuid)) => Some(Record::Build(uuid.to_owned())),
            _ => None,
        },
        "job" => text("uuid").map(|u| Record::Job(u.to_owned())),
        "artifact" => text("uuid").map(|u| Record::Artifact(u.to_owned())),
        "agent" => text("slug").and_then(in_org).and_then(|rest| {
            world
                .agents
                .iter()
                .find(|a| {
                    a.uuid == rest || a.fields.get("name").and_then(Value::as_str) == Some(&rest)
                })
                .map(|a| Record::Agent(a.uuid.clone()))
        }),
        "team" => text("slug").and_then(in_org).and_then(|rest| {
            world
                .teams
                .iter()
                .find(|t| t.fields.get("slug").and_then(Value::as_str) == Some(&rest))
                .map(|t| Record::Team(t.uuid.clone()))
        }),
        "organizationMember" => text("slug").and_then(in_org).map(Record::Member),
        "node" => text("id").and_then(node),
        _ => None,
    }?;
    object(&world, record).map(Out::Object)
}

/// The record a global ID names.
fn node(id: &str) -> Option<Record> {
    let (kind, uuid) = decode_global_id(id)?;
    Some(match kind.as_str() {
        "Organization" => Record::Organization,
        "Viewer" => Record::Viewer(uuid),
        "User" => Record::User(uuid),
        "OrganizationMember" => Record::Member(uuid),
        "Pipeline" => Record::Pipeline(uuid),
        "Build" => Record::Build(uuid),
        kind if kind.starts_with("JobType") => Record::Job(uuid),
        "Agent" => Record::Agent(uuid),
        "Cluster" => Record::Cluster(uuid),
        "ClusterQueue" => Record::Queue(uuid),
        "Team" => Record::Team(uuid),
        "TeamMember" => Record::TeamMember(uuid),
        "TeamPipeline" => Record::TeamPipeline(uuid),
        "Artifact" => Record::Artifact(uuid),
        "Annotation" => Record::Annotation(uuid),
        _ => return None,
    })
}

/// A record's object (its type, plain fields and itself), if it exists.
/// Fields starting with `__` are the sandbox's own, for filters; the schema
/// never asks for them.
pub(crate) fn object(world: &World, record: Record) -> Option<GraphObject> {
    let (ty, data) = match &record {
        Record::Organization | Record::Viewer(_) | Record::User(_) | Record::Member(_) => {
            people(world, &record)?
        }
        Record::Pipeline(_) | Record::Build(_) | Record::Job(_) => ci(world, &record)?,
        _ => stored(world, &record)?,
    };
    Some(GraphObject::new(&ty, Some(record), data))
}

/// The organization and its people.
fn people(world: &World, record: &Record) -> Option<(String, Value)> {
    let org = &world.organization;
    Some(match record {
        Record::Organization => (
            "Organization".into(),
            json!({
                "id": global_id("Organization", &org.uuid), "uuid": org.uuid, "name": org.name,
                "slug": org.slug, "public": false, "isTeamsEnabled": !world.teams.is_empty(),
                "membersRequireTwoFactorAuthentication": false,
            }),
        ),
        Record::Viewer(user) => ("Viewer".into(), json!({ "id": global_id("Viewer", user) })),
        Record::User(uuid) => {
            let user = world.user(uuid)?;
            ("User".into(), user_data(user))
        }
        Record::Member(uuid) => {
            let user = world.user(uuid)?;
            let role = if user.role == "admin" {
                "ADMIN"
            } else {
                "MEMBER"
            };
            (
                "OrganizationMember".into(),
                json!({
                    "id": global_id("OrganizationMember", uuid), "uuid": uuid, "role": role,
                    "createdAt": user.created_at, "complimentary": false,
                    "__search": format!("{} {}", user.name, user.email), "email": user.email,
                }),
            )
        }
        _ => return None,
    })
}

/// Pipelines, builds and jobs.
fn ci(world: &World, record: &Record) -> Option<(String, Value)> {
    let org = &world.organization;
    Some(match record {
        Record::Pipeline(uuid) => {
            let p = world.pipelines.iter().find(|p| &p.uuid == uuid)?;
            let next = world
                .builds
                .iter()
                .filter(|b| b.pipeline == p.slug)
                .map(|b| b.number)
                .max();
            let url = format!("{WEB}/{}/{}", org.slug, p.slug);
            // How `pipelines(team:)` may name a team with access to it.
            let teams: Vec<String> = world
                .teams
                .iter()
                .filter(|t| t.pipelines.iter().any(|tp| tp.pipeline == p.slug))
                .flat_map(|t| {
                    [
                        t.uuid.clone(),
                        global_id("Team", &t.uuid),
                        field_text(&t.fields, "slug").to_owned(),
                    ]
                })
                .collect();
            (
                "Pipeline".into(),
                json!({
                    "id": global_id("Pipeline", uuid), "uuid": uuid, "name": p.name, "slug": p.slug,
                    "description": p.description, "repository": { "url": p.repository },
                    "defaultBranch": p.default_branch, "url": url, "createdAt": p.created_at,
                    "archived": false, "visibility": "PRIVATE", "favorite": false,
                    "nextBuildNumber": next.unwrap_or(0) + 1, "commitShortLength": 7,
                    "badgeURL": format!("https://badge.buildkite.com/{}.svg", p.uuid.replace('-', "")),
                    "webhookURL": format!("https://webhook.buildkite.com/deliver/{}", p.uuid.replace('-', "")),
                    "allowRebuilds": true, "defaultTimeoutInMinutes": 60, "tags": [],
                    "steps": { "yaml": "steps:\n  - command: \"buildkite-agent pipeline upload\"\n" },
                    "__search": format!("{} {}", p.name, p.slug),
                    "__cluster": p.cluster, "__teams": teams,
                }),
            )
        }
        Record::Build(uuid) => {
            let b = world.builds.iter().find(|b| &b.uuid == uuid)?;
            let url = format!("{WEB}/{}/{}/builds/{}", org.slug, b.pipeline, b.number);
            (
                "Build".into(),
                json!({
                    "id": global_id("Build", uuid), "uuid": uuid, "number": b.number,
                    "branch": b.branch, "commit": b.commit, "message": b.message, "state": b.state,
                    "url": url, "createdAt": b.created_at, "scheduledAt": b.created_at,
                    "startedAt": b.started_at, "finishedAt": b.finished_at, "env": [],
                    "source": { "__typename": "BuildSourceAPI", "name": "API" },
                }),
            )
        }
        Record::Job(uuid) => {
            let job = world.jobs.iter().find(|j| &j.uuid == uuid)?;
            let ty = job
                .fields
                .get("__typename")
                .and_then(Value::as_str)
                .unwrap_or("JobTypeCommand")
                .to_owned();
            let build = world.builds.iter().find(|b| b.uuid == job.build);
            let url = build.map(|b| {
                format!(
                    "{WEB}/{}/{}/builds/{}#{uuid}",
                    org.slug, b.pipeline, b.number
                )
            });
            let queue = job
                .queue
                .as_ref()
                .and_then(|q| world.queues.iter().find(|x| &x.uuid == q));
            let mut data = with_ids(&ty, uuid, &job.fields);
            data["url"] = json!(url);
            data["__queue"] = json!(job.queue);
            data["__cluster"] = json!(queue.map(|q| q.cluster.clone()));
            (ty, data)
        }
        _ => return None,
    })
}

/// Records kept with their GraphQL fields: agents, clusters, teams, artifacts...
fn stored(world: &World, record: &Record) -> Option<(String, Value)> {
    Some(match record {
        Record::Agent(uuid) => {
            let agent = world.agents.iter().find(|a| &a.uuid == uuid)?;
            let queue = agent
                .queue
                .as_ref()
                .and_then(|q| world.queues.iter().find(|x| &x.uuid == q));
            let mut data = with_ids("Agent", uuid, &agent.fields);
            data["isRunningJob"] = json!(agent.job.is_some());
            data["__queue"] = json!(agent.queue);
            data["__cluster"] = json!(queue.map(|q| q.cluster.clone()));
            data["__search"] = json!(format!(
                "{} {}",
                field_text(&agent.fields, "name"),
                field_text(&agent.fields, "hostname")
            ));
            ("Agent".into(), data)
        }
        Record::Cluster(uuid) => {
            let cluster = world.clusters.iter().find(|c| &c.uuid == uuid)?;
            ("Cluster".into(), with_ids("Cluster", uuid, &cluster.fields))
        }
        Record::Queue(uuid) => {
            let queue = world.queues.iter().find(|q| &q.uuid == uuid)?;
            (
                "ClusterQueue".into(),
                with_ids("ClusterQueue", uuid, &queue.fields),
            )
        }
        Record::Team(uuid) => {
            let team = world.teams.iter().find(|t| &t.uuid == uuid)?;
            let mut data = with_ids("Team", uuid, &team.fields);
            data["__search"] = json!(format!(
                "{} {}",
                field_text(&team.fields, "name"),
                field_text(&team.fields, "slug")
            ));
            ("Team".into(), data)
        }
        Record::TeamMember(uuid) => {
            let member = world
                .teams
                .iter()
                .flat_map(|t| &t.members)
                .find(|m| &m.uuid == uuid)?;
            let user = world.user(&member.user);
            (
                "TeamMember".into(),
                json!({
                    "id": global_id("TeamMember", uuid), "uuid": uuid, "role": member.role,
                    "createdAt": member.created_at,
                    "__search": user.map(|u| format!("{} {}", u.name, u.email)),
                }),
            )
        }
        Record::TeamPipeline(uuid) => {
            let entry = world
                .teams
                .iter()
                .flat_map(|t| &t.pipelines)
                .find(|p| &p.uuid == uuid)?;
            (
                "TeamPipeline".into(),
                json!({
                    "id": global_id("TeamPipeline", uuid), "uuid": uuid,
                    "accessLevel": entry.access_level, "createdAt": entry.created_at,
                    "__search": entry.pipeline,
                }),
            )
        }
        Record::Artifact(uuid) => {
            let artifact = world.artifacts.iter().find(|a| &a.uuid == uuid)?;
            (
                "Artifact".into(),
                with_ids("Artifact", uuid, &artifact.fields),
            )
        }
        Record::Annotation(uuid) => {
            let annotation = world.annotations.iter().find(|a| &a.uuid == uuid)?;
            (
                "Annotation".into(),
                with_ids("Annotation", uuid, &annotation.fields),
            )
        }

        _ => return None,
    })
}

fn user_data(user: &crate::state::User) -> Value {
    json!({
        "id": global_id("User", &user.uuid), "uuid": user.uuid, "name": user.name,
        "email": user.email, "bot": false, "machineUser": false, "hasPassword": true,
        "avatar": { "url": format!("https://www.gravatar.com/avatar/{}", user.uuid.replace('-', "")) },
    })
}

/// A record's stored fields with its `id` and `uuid`.
fn with_ids(ty: &str, uuid: &str, fields: &crate::state::Fields) -> Value {
    let mut data = Value::Object(fields.clone());
    data["id"] = json!(global_id(ty, uuid));
    data["uuid"] = json!(uuid);
    data
}

fn field_text<'a>(fields: &'a crate::state::Fields, name: &str) -> &'a str {
    fields.get(name).and_then(Value::as_str).unwrap_or_default()
}

/// `records` that exist, as objects, kept by the field's filter arguments,
/// as a connection paged by `first`/`last`/`after`/`before`.
pub(crate) fn records_connection(
    world: &World,
    records: Vec<Record>,
    args: &Args,
) -> Result<Option<Out>, String> {
    let items = records
        .into_iter()
        .filter_map(|record| object(world, record))
        .filter(|object| crate::relations::kept(object, args))
        .map(Out::Object)
        .collect();
    connection(items, args).map(Some)
}
