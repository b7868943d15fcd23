//! Mutations the world backs: `buildCreate` really adds a build. Every other
//! mutation of the published schema answers null and changes nothing.

use serde_json::Value;

use crate::graphql::decode_global_id;
use crate::resolve::{Args, GraphObject, Out};
use crate::state;
use crate::world_graph::{object, Env, Record};

pub(crate) fn run(env: &Env, name: &str, args: &Args) -> Result<Option<Out>, String> {
    match name {
        "buildCreate" => build_create(env, args.get("input").unwrap_or(&Value::Null)).map(Some),
        _ => Ok(None),
    }
}

/// Adds a build to the pipeline `input.pipelineID` names; later queries return it.
fn build_create(env: &Env, input: &Value) -> Result<Out, String> {
    let text = |key: &str| input.get(key).and_then(Value::as_str).map(str::to_owned);
    let pipeline_id = text("pipelineID").unwrap_or_default();
    let mut world = env.shared.world();
    let pipeline = decode_global_id(&pipeline_id)
        .filter(|(kind, _)| kind == "Pipeline")
        .and_then(|(_, uuid)| world.pipelines.iter().find(|p| p.uuid == uuid).cloned())
        .ok_or_else(|| format!("No pipeline found with ID `{pipeline_id}`"))?;
    let allowed = env.admin
        || world
            .user(env.viewer)
            .is_some_and(|u| u.may_build(&pipeline.slug));
    if !allowed {
        return Err(format!(
            "You don't have permission to create builds in the pipeline `{}`",
            pipeline.slug
        ));
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
        branch: text("branch")
            .filter(|b| !b.is_empty())
            .unwrap_or(pipeline.default_branch.clone()),
        commit: text("commit").unwrap_or_else(|| "HEAD".into()),
        message: text("message"),
        state: "SCHEDULED".into(),
        created_by: env.viewer.to_owned(),
        created_at: state::now_timestamp(),
        started_at: None,
        finished_at: None,
    };
    let uuid = build.uuid.clone();
    world.builds.push(build);
    env.shared.persist(&world);
    let build = object(&world, Record::Build(uuid)).map(Out::Object);
    let mut payload = GraphObject::default().with(
        "clientMutationId",
        Out::Json(
            input
                .get("clientMutationId")
                .cloned()
                .unwrap_or(Value::Null),
        ),
    );
    if let Some(build) = build {
        payload = payload.with("build", build);
    }
    Ok(Out::Object(payload))
}
