//! How records of the world link to each other in the published schema
//! (`Pipeline.builds`, `Build.jobs`, `JobTypeCommand.agent`...), and the
//! filter arguments connections honour.

use serde_json::Value;

use crate::graphql::decode_global_id;
use crate::resolve::{Args, GraphObject, Out};
use crate::state::World;
use crate::world_graph::{object, records_connection, Record};

/// `record.name`, when it is a relation the world backs.
pub(crate) fn relation(
    world: &World,
    record: &Record,
    name: &str,
    args: &Args,
) -> Result<Option<Out>, String> {
    let links = Links { world, args };
    match record {
        Record::Organization => links.organization(name),
        Record::Viewer(user) | Record::User(user) | Record::Member(user) => {
            links.user(record, user, name)
        }
        Record::Pipeline(uuid) => links.pipeline(uuid, name),
        Record::Build(uuid) => links.build(uuid, name),
        Record::Job(uuid) => links.job(uuid, name),
        Record::Agent(_) | Record::Cluster(_) | Record::Queue(_) => links.fleet(record, name),
        Record::Team(_) | Record::TeamMember(_) | Record::TeamPipeline(_) => {
            links.teams(record, name)
        }
        Record::Artifact(uuid) => match name {
            "job" => links.one(
                world
                    .artifacts
                    .iter()
                    .find(|a| &a.uuid == uuid)
                    .map(|a| Record::Job(a.job.clone())),
            ),
            _ => Ok(None),
        },
        Record::Annotation(_) => Ok(None),
    }
}

struct Links<'a> {
    world: &'a World,
    args: &'a Args,
}

impl Links<'_> {
    fn one(&self, record: Option<Record>) -> Result<Option<Out>, String> {
        Ok(record.and_then(|r| object(self.world, r)).map(Out::Object))
    }

    fn many(&self, records: Vec<Record>) -> Result<Option<Out>, String> {
        records_connection(self.world, records, self.args)
    }

    fn organization(&self, name: &str) -> Result<Option<Out>, String> {
        use Record::*;
        let world = self.world;
        match name {
            "pipelines" => self.many(
                world
                    .pipelines_in_order(
                        self.args.get("search").and_then(Value::as_str),
                        self.args.get("order").and_then(Value::as_str),
                    )
                    .into_iter()
                    .map(|p| Pipeline(p.uuid))
                    .collect(),
            ),
            "agents" => self.many(world.agents.iter().map(|a| Agent(a.uuid.clone())).collect()),
            "clusters" => self.many(
                world
                    .clusters
                    .iter()
                    .map(|c| Cluster(c.uuid.clone()))
                    .collect(),
            ),
            "cluster" => self.one(
                self.args
                    .get("id")
                    .and_then(Value::as_str)
                    .map(|id| Cluster(uuid_of(id))),
            ),
            "teams" => self.many(world.teams.iter().map(|t| Team(t.uuid.clone())).collect()),
            "members" => self.many(world.users.iter().map(|u| Member(u.uuid.clone())).collect()),
            "jobs" => self.many(jobs_newest_first(world, |_| true)),
            _ => Ok(None),
        }
    }

    /// A viewer, a user, or a user as an organization member.
    fn user(&self, record: &Record, user: &str, name: &str) -> Result<Option<Out>, String> {
        let world = self.world;
        match (record, name) {
            (Record::Viewer(_) | Record::Member(_), "user") => {
                self.one(Some(Record::User(user.to_owned())))
            }
            (Record::Viewer(_), "organizations") => self.many(vec![Record::Organization]),
            (Record::Viewer(_) | Record::User(_), "builds") => {
                self.many(builds_newest_first(world, |b| b.created_by == user))
            }
            (Record::Member(_), "teams") => self.many(
                world
                    .teams
                    .iter()
                    .flat_map(|t| &t.members)
                    .filter(|m| m.user == user)
                    .map(|m| Record::TeamMember(m.uuid.clone()))
                    .collect(),
            ),
            (Record::Member(_), "organization") => self.one(Some(Record::Organization)),
            _ => Ok(None),
        }
    }

    fn pipeline(&self, uuid: &str, name: &str) -> Result<Option<Out>, String> {
        let world = self.world;
        let slug = pipeline_slug(world, uuid);
        match name {
            "builds" => {
                let Some(pipeline) = world.pipelines.iter().find(|p| p.uuid == uuid) else {
                    return Ok(None);
                };
                // The branch filter is the world's (it knows `%default`).
                let branches: Option<Vec<String>> = self
                    .args
                    .get("branch")
                    .and_then(|b| serde_json::from_value(b.clone()).ok());
                let builds = world
                    .builds_of(pipeline, branches.as_deref())
                    .into_iter()
                    .map(|b| Record::Build(b.uuid))
                    .collect();
                let mut args = self.args.clone();
                args.remove("branch");
                records_connection(world, builds, &args)
            }
            "jobs" => self.many(jobs_newest_first(world, |b| {
                Some(b.pipeline.as_str()) == slug
            })),
            "cluster" => self.one(
                world
                    .pipelines
                    .iter()
                    .find(|p| p.uuid == uuid)
                    .and_then(|p| p.cluster.clone())
                    .map(Record::Cluster),
            ),
            "teams" => self.many(
                world
                    .teams
                    .iter()
                    .flat_map(|t| &t.pipelines)
                    .filter(|p| Some(p.pipeline.as_str()) == slug)
                    .map(|p| Record::TeamPipeline(p.uuid.clone()))
                    .collect(),
            ),
            "organization" => self.one(Some(Record::Organization)),
            _ => Ok(None),
        }
    }

    fn build(&self, uuid: &str, name: &str) -> Result<Option<Out>, String> {
        let world = self.world;
        let found = build(world, uuid);
        match name {
            "pipeline" => self.one(
                found
                    .and_then(|b| world.pipeline(&b.pipeline))
                    .map(|p| Record::Pipeline(p.uuid.clone())),
            ),
            "createdBy" => self.one(found.map(|b| Record::User(b.created_by.clone()))),
            "jobs" => self.many(
                world
                    .jobs
                    .iter()
                    .filter(|j| j.build == uuid)
                    .map(|j| Record::Job(j.uuid.clone()))
                    .collect(),
            ),
            "annotations" => self.many(
                world
                    .annotations
                    .iter()
                    .filter(|a| a.build == uuid)
                    .map(|a| Record::Annotation(a.uuid.clone()))
                    .collect(),
            ),
            "organization" => self.one(Some(Record::Organization)),
            _ => Ok(None),
        }
    }

    fn job(&self, uuid: &str, name: &str) -> Result<Option<Out>, String> {
        let world = self.world;
        let found = job(world, uuid);
        let queue = found
            .and_then(|j| j.queue.as_ref())
            .and_then(|q| world.queues.iter().find(|x| &x.uuid == q));
        match name {
            "build" => self.one(found.map(|j| Record::Build(j.build.clone()))),
            "pipeline" => self.one(
                found
                    .and_then(|j| build(world, &j.build))
                    .and_then(|b| world.pipeline(&b.pipeline))
                    .map(|p| Record::Pipeline(p.uuid.clone())),
            ),
            "agent" => self.one(found.and_then(|j| j.agent.clone()).map(Record::Agent)),
            "clusterQueue" => self.one(queue.map(|q| Record::Queue(q.uuid.clone()))),
            "cluster" => self.one(queue.map(|q| Record::Cluster(q.cluster.clone()))),
            "artifacts" => self.many(
                world
                    .artifacts
                    .iter()
                    .filter(|a| a.job == uuid)
                    .map(|a| Record::Artifact(a.uuid.clone()))
                    .collect(),
            ),
            _ => Ok(None),
        }
    }

    /// Agents, clusters and their queues.
    fn fleet(&self, record: &Record, name: &str) -> Result<Option<Out>, String> {
        let world = self.world;
        match (record, name) {
            (Record::Agent(uuid), "job" | "clusterQueue") => {
                let agent = world.agents.iter().find(|a| &a.uuid == uuid);
                self.one(match name {
                    "job" => agent.and_then(|a| a.job.clone()).map(Record::Job),
                    _ => agent.and_then(|a| a.queue.clone()).map(Record::Queue),
                })
            }
            (Record::Agent(uuid), "jobs") => self.many(
                world
                    .jobs
                    .iter()
                    .filter(|j| j.agent.as_ref() == Some(uuid))
                    .map(|j| Record::Job(j.uuid.clone()))
                    .collect(),
            ),
            (Record::Cluster(uuid), "queues") => self.many(
                world
                    .queues
                    .iter()
                    .filter(|q| &q.cluster == uuid)
                    .map(|q| Record::Queue(q.uuid.clone()))
                    .collect(),
            ),
            (Record::Cluster(uuid), "defaultQueue") => self.one(
                world
                    .clusters
                    .iter()
                    .find(|c| &c.uuid == uuid)
                    .and_then(|c| c.default_queue.clone())
                    .map(Record::Queue),
            ),
            (Record::Queue(uuid), "cluster") => self.one(
                world
                    .queues
                    .iter()
                    .find(|q| &q.uuid == uuid)
                    .map(|q| Record::Cluster(q.cluster.clone())),
            ),
            (_, "organization") => self.one(Some(Record::Organization)),
            _ => Ok(None),
        }
    }

    /// Teams, their members and their pipelines.
    fn teams(&self, record: &Record, name: &str) -> Result<Option<Out>, String> {
        let world = self.world;
        let team_of = |uuid: &str| world.teams.iter().find(|t| t.uuid == uuid);
        match (record, name) {
            (Record::Team(uuid), "members") => self.many(
                team_of(uuid)
                    .map(|t| {
                        t.members
                            .iter()
                            .map(|m| Record::TeamMember(m.uuid.clone()))
                            .collect()
                    })
                    .unwrap_or_default(),
            ),
            (Record::Team(uuid), "pipelines") => self.many(
                team_of(uuid)
                    .map(|t| {
                        t.pipelines
                            .iter()
                            .map(|p| Record::TeamPipeline(p.uuid.clone()))
                            .collect()
                    })
                    .unwrap_or_default(),
            ),
            (Record::Team(_), "organization") => self.one(Some(Record::Organization)),
            (Record::TeamMember(uuid), _) => {
                let found = world
                    .teams
                    .iter()
                    .find_map(|t| t.members.iter().find(|m| &m.uuid == uuid).map(|m| (t, m)));
                self.one(found.and_then(|(team, member)| match name {
                    "user" => Some(Record::User(member.user.clone())),
                    "organizationMember" => Some(Record::Member(member.user.clone())),
                    "team" => Some(Record::Team(team.uuid.clone())),
                    _ => None,
                }))
            }
            (Record::TeamPipeline(uuid), _) => {
                let found = world
                    .teams
                    .iter()
                    .find_map(|t| t.pipelines.iter().find(|p| &p.uuid == uuid).map(|p| (t, p)));
                self.one(found.and_then(|(team, entry)| {
                    match name {
                        "pipeline" => world
                            .pipeline(&entry.pipeline)
                            .map(|p| Record::Pipeline(p.uuid.clone())),
                        "team" => Some(Record::Team(team.uuid.clone())),
                        _ => None,
                    }
                }))
            }
            _ => Ok(None),
        }
    }
}

fn build<'a>(world: &'a World, uuid: &str) -> Option<&'a crate::state::Build> {
    world.builds.iter().find(|b| b.uuid == uuid)
}

fn job<'a>(world: &'a World, uuid: &str) -> Option<&'a crate::state::Job> {
    world.jobs.iter().find(|j| j.uuid == uuid)
}

fn pipeline_slug<'a>(world: &'a World, uuid: &str) -> Option<&'a str> {
    world
        .pipelines
        .iter()
        .find(|p| p.uuid == uuid)
        .map(|p| p.slug.as_str())
}

/// Builds Buildkite's way: newest first.
fn builds_newest_first(world: &World, keep: impl Fn(&crate::state::Build) -> bool) -> Vec<Record> {
    let mut builds: Vec<&crate::state::Build> = world.builds.iter().filter(|b| keep(b)).collect();
    crate::listing::newest_builds_first(&mut builds);
    builds
        .into_iter()
        .map(|b| Record::Build(b.uuid.clone()))
        .collect()
}

/// Jobs of the builds `keep` accepts, newest build first (`RECENTLY_CREATED`).
fn jobs_newest_first(world: &World, keep: impl Fn(&crate::state::Build) -> bool) -> Vec<Record> {
    builds_newest_first(world, keep)
        .into_iter()
        .flat_map(|build| {
            let Record::Build(uuid) = build else {
                return Vec::new();
            };
            world
                .jobs
                .iter()
                .filter(|j| j.build == uuid)
                .map(|j| Record::Job(j.uuid.clone()))
                .collect()
        })
        .collect()
}

/// A global ID's uuid, or the text itself (Buildkite accepts both in places).
fn uuid_of(id: &str) -> String {
    decode_global_id(id)
        .map(|(_, uuid)| uuid)
        .unwrap_or_else(|| id.to_owned())
}

/// Whether `object` passes a connection's filter arguments. An argument that
/// names one of the object's fields compares with it (a list: any of them);
/// the others filter as documented below, or not at all.
pub(crate) fn kept(object: &GraphObject, args: &Args) -> bool {
    args.iter().all(|(name, wanted)| {
        if wanted.is_null() {
            return true;
        }
        let texts = || list(wanted).into_iter().filter_map(Value::as_str);
        match name.as_str() {
            "first" | "last" | "after" | "before" | "order" => true,
            "search" => {
                let needle = wanted.as_str().unwrap_or_default().to_lowercase();
                let haystack = object
                    .json("__search")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                haystack.to_lowercase().contains(&needle)
            }
            "repository" => {
                let url = |v: Option<&Value>| {
                    v.and_then(|v| v.get("url"))
                        .and_then(Value::as_str)
                        .map(str::to_owned)
                };
                url(object.json("repository")) == url(Some(wanted))
            }
            "team" => match object.json("__teams").and_then(Value::as_array) {
                Some(teams) => teams.contains(wanted),
                None => true,
            },
            "createdAtFrom" => created_at(object).is_some_and(|at| Some(at) >= wanted.as_str()),
            "createdAtTo" => created_at(object).is_some_and(|at| Some(at) < wanted.as_str()),
            "type" => {
                let ty = object.ty.as_deref().unwrap_or_default();
                texts().any(|t| ty.eq_ignore_ascii_case(&format!("JobType{t}")))
            }
            "cluster" => {
                object.json("__cluster").and_then(Value::as_str)
                    == Some(&uuid_of(wanted.as_str().unwrap_or_default()))
            }
            "clusterQueue" => {
                let queue = object.json("__queue").and_then(Value::as_str);
                texts().any(|q| queue == Some(&uuid_of(q)))
            }
            "agentQueryRules" | "metaData" | "tags" => {
                let have = object.json(name).map(list).unwrap_or_default();
                texts().all(|t| have.iter().any(|h| h.as_str() == Some(t)))
            }
            // Only a plain value compares: `priority: 5` is no filter on `{number: 0}`.
            _ => match object.json(name) {
                Some(have @ (Value::String(_) | Value::Bool(_) | Value::Number(_))) => {
                    list(wanted).contains(&have)
                }
                _ => true,
            },
        }
    })
}

fn created_at(object: &GraphObject) -> Option<&str> {
    object.json("createdAt").and_then(Value::as_str)
}

fn list(value: &Value) -> Vec<&Value> {
    match value {
        Value::Array(items) => items.iter().collect(),
        other => vec![other],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn args(value: Value) -> Args {
        value.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn filters_compare_plain_fields_and_ignore_the_rest() {
        let job = GraphObject::new(
            "JobTypeCommand",
            None,
            json!({"state": "FINISHED", "agentQueryRules": ["queue=default", "os=linux"],
                   "priority": {"number": 0}, "createdAt": "2024-05-12T10:00:00.000Z"}),
        );
        assert!(kept(
            &job,
            &args(json!({"state": ["RUNNING", "FINISHED"], "first": 2}))
        ));
        assert!(!kept(&job, &args(json!({"state": "RUNNING"}))));
        assert!(kept(
            &job,
            &args(json!({"type": ["COMMAND"], "agentQueryRules": ["os=linux"]}))
        ));
        assert!(!kept(&job, &args(json!({"type": ["WAIT"]}))));
        assert!(!kept(
            &job,
            &args(json!({"agentQueryRules": ["queue=macos"]}))
        ));
        // An object-valued field is no filter; nor is an argument the job lacks.
        assert!(kept(
            &job,
            &args(json!({"priority": 5, "concurrency": {"group": "x"}}))
        ));
        assert!(kept(
            &job,
            &args(json!({"createdAtFrom": "2024-05-12T00:00:00Z"}))
        ));
        assert!(!kept(
            &job,
            &args(json!({"createdAtTo": "2024-05-12T00:00:00Z"}))
        ));
    }
}
