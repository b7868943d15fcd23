//! A hostile Buildkite: every string of every answer (REST portals and
//! errors, portal invocations, sign-in codes and tokens, ephemeral tokens,
//! the GraphQL schema) carries escape sequences, C1 controls, DEL, bidi
//! controls and line separators. No command may pass any of them to the
//! terminal, in human or `--json` output; JSON stays valid, with the same values.

mod common;
mod fake;
mod home;

use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};

use fake::FakeServer;
use home::{stderr, stdout, Home};

/// OSC 52 (clipboard), clear screen, a one-byte CSI (U+009B), DEL, a right-to-left
/// override, an isolate, line and paragraph separators, NEL, CR and a mark.
const EVIL: &str = "HOSTILE\u{1b}]52;c;aGk=\u{7}\u{1b}[2J\u{1b}]0;title\u{7}\u{9b}31m\u{7f}\u{202e}gnp.exe\u{2066}x\u{2069}\u{2028}row\u{2029}para\u{85}nel\r\u{200f}end";

fn evil(label: &str) -> String {
    format!("{label}:{EVIL}")
}

fn portal() -> Value {
    json!({
        "uuid": evil("uuid"),
        "slug": evil("slug"),
        "organization_uuid": evil("org"),
        "name": evil("name"),
        "description": evil("description"),
        "query": format!("query {{ viewer {{ user {{ name }} }} }} # {}", evil("query")),
        "allowed_ip_addresses": evil("ips"),
        "user_invokable": true,
        "created_at": evil("created"),
        "created_by": {
            "id": evil("creator"), "graphql_id": evil("gid"), "name": evil("creator-name"),
            "email": evil("email"), "avatar_url": evil("avatar"), "created_at": evil("then"),
        },
        evil("unknown-key"): evil("unknown-value"),
    })
}

async fn get_portal(Path((_org, slug)): Path<(String, String)>) -> Response {
    if slug == "missing" {
        let body = json!({ "message": evil("not-found") });
        return (StatusCode::NOT_FOUND, Json(body)).into_response();
    }
    Json(portal()).into_response()
}

async fn create_portal() -> Response {
    let mut created = portal();
    created["token"] = json!(evil("bkpt_token"));
    (StatusCode::CREATED, Json(created)).into_response()
}

async fn invoke(Path((_org, slug)): Path<(String, String)>) -> Response {
    match slug.as_str() {
        "text-answer" => evil("plain text").into_response(),
        // Past BKPORTALS_BODY_MEMORY_MB=1: printed as received, from disk.
        "big-answer" => {
            let rows: Vec<String> = (0..12_000).map(|i| evil(&format!("row {i}"))).collect();
            Json(json!({ "data": { "rows": rows } })).into_response()
        }
        _ => Json(json!({
            "data": { "build": { "message": evil("message"), evil("key"): [evil("item")] } },
            "errors": [{ "message": evil("graphql-error"), "path": [evil("path")] }],
        }))
        .into_response(),
    }
}

async fn sign_in_code() -> Json<Value> {
    Json(json!({
        "code": evil("code"),
        "secret": "code-secret",
        "authorization_url": format!("http://127.0.0.1:9/authorize?{}", evil("url")),
        "expires_at": evil("code-expiry"),
    }))
}

/// Grants a token to every portal but `refused`, whose refusal is OAuth text.
async fn token(Path((_org, slug)): Path<(String, String)>) -> Response {
    if slug == "refused" {
        let body =
            json!({ "error": evil("oauth-error"), "error_description": evil("oauth-description") });
        return (StatusCode::BAD_REQUEST, Json(body)).into_response();
    }
    Json(json!({ "token": "bkpat_granted", "expires_at": evil("token-expiry") })).into_response()
}

async fn access_token() -> Json<Value> {
    Json(json!({
        "scopes": ["read_portals", "write_portals", evil("scope")],
        "description": evil("token-description"),
        "user": { "name": evil("user"), "email": evil("user-email") },
    }))
}

/// The sandbox's introspection answer with every description made hostile.
fn hostile_introspection() -> (Value, String) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let mut answer: Value = runtime.block_on(async {
        let sandbox = common::sandbox().await;
        reqwest::Client::new()
            .post(sandbox.graphql_endpoint())
            .bearer_auth(&sandbox.api_token)
            .json(&json!({ "query": bkportals::graphql::introspection::QUERY }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    });
    fn poison(value: &mut Value) {
        match value {
            Value::Object(map) => {
                for (key, child) in map.iter_mut() {
                    if key == "description" {
                        *child = json!(evil("description"));
                    } else {
                        poison(child);
                    }
                }
            }
            Value::Array(items) => items.iter_mut().for_each(poison),
            _ => {}
        }
    }
    poison(&mut answer);
    let schema = &answer["data"]["__schema"];
    let query_type = schema["queryType"]["name"].as_str().unwrap().to_owned();
    let field = schema["types"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == query_type.as_str())
        .and_then(|t| t["fields"][0]["name"].as_str())
        .unwrap()
        .to_owned();
    (answer, format!("{query_type}.{field}"))
}

fn hostile_buildkite() -> (FakeServer, String) {
    let (introspection, coordinate) = hostile_introspection();
    let portals = "/v2/organizations/{org}/portals";
    let one = "/v2/organizations/{org}/portals/{slug}";
    let router = Router::new()
        .route(
            portals,
            get(|| async { Json(json!([portal(), portal()])) }).post(create_portal),
        )
        .route(one, get(get_portal))
        .route("/v2/access-token", get(access_token))
        .route("/portal/organizations/{org}/portals/{slug}", post(invoke))
        .route(
            "/portal/organizations/{org}/portals/{slug}/codes",
            post(sign_in_code),
        )
        .route(
            "/portal/organizations/{org}/portals/{slug}/tokens",
            post(token),
        )
        .route("/portal/", get(|| async { evil("portal host") }))
        .route("/graphql", post(move || async move { Json(introspection) }));
    (FakeServer::start(router), coordinate)
}

/// Characters that must never reach a terminal from a server.
fn is_dangerous(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{061c}' | '\u{2028}' | '\u{2029}')
}

/// What one run of a command did wrong, if anything.
fn problems_of(what: &str, output: &std::process::Output, code: i32, json: bool) -> Vec<String> {
    let (out, err) = (stdout(output), stderr(output));
    let mut problems = Vec::new();
    if output.status.code() != Some(code) {
        problems.push(format!(
            "`{what}` ended with {:?}, not {code}:\n{out}\n{err}",
            output.status.code()
        ));
    }
    for (stream, text) in [("stdout", &out), ("stderr", &err)] {
        let found: Vec<char> = text.chars().filter(|&c| is_dangerous(c)).collect();
        if !found.is_empty() {
            problems.push(format!("`{what}` {stream} has {found:?}: {text:?}"));
        }
    }
    if !out.contains("HOSTILE") && !err.contains("HOSTILE") {
        problems.push(format!(
            "`{what}` showed nothing the server sent:\n{out}\n{err}"
        ));
    }
    if json && !out.is_empty() && serde_json::from_str::<Value>(&out).is_err() {
        problems.push(format!("`{what}` printed invalid JSON:\n{out}"));
    }
    problems
}

#[test]
fn no_command_lets_a_hostile_server_write_to_the_terminal() {
    let (server, coordinate) = hostile_buildkite();
    let home = Home::new();
    let mut env = server.exports();
    env.push(("PORTAL_TOKEN".into(), "bkpt_from_env".into()));
    env.push(("PORTAL_SECRET".into(), "bkps_from_env".into()));
    env.push(("BKPORTALS_BODY_MEMORY_MB".into(), "1".into()));
    let document = home.path().join("portal.graphql");
    std::fs::write(&document, "query { viewer { user { name } } }").unwrap();
    let document = document.to_str().unwrap();

    let invoke = ["invoke", "deploy", "--token-env", "PORTAL_TOKEN"];
    let invoke_text = ["invoke", "text-answer", "--token-env", "PORTAL_TOKEN"];
    let invoke_big = ["invoke", "big-answer", "--token-env", "PORTAL_TOKEN"];
    let ephemeral = [
        "token",
        "ephemeral",
        "deploy",
        "--secret-env",
        "PORTAL_SECRET",
    ];
    let ephemeral_refused = [
        "token",
        "ephemeral",
        "refused",
        "--secret-env",
        "PORTAL_SECRET",
    ];
    let create = [
        "create",
        "--name",
        "n",
        "--query-file",
        document,
        "--no-validate",
    ];
    // (arguments, the exit code it must end with)
    let commands: Vec<(Vec<&str>, i32)> = vec![
        (vec!["list"], 0),
        (vec!["show", "deploy"], 0),
        (vec!["show", "missing"], 1),
        (create.to_vec(), 0),
        (invoke.to_vec(), 3),
        // Text where a GraphQL answer belongs: printed made safe, and a failure.
        (invoke_text.to_vec(), 1),
        (invoke_big.to_vec(), 0),
        (vec!["token", "login", "deploy"], 0),
        (vec!["token", "login", "refused"], 1),
        (ephemeral.to_vec(), 0),
        (ephemeral_refused.to_vec(), 1),
        (vec!["token", "list"], 0),
        (vec!["schema", "show"], 0),
        // Twice: the second answer comes from the cache.
        (vec!["schema", "show", &coordinate], 0),
        (vec!["schema", "show", &coordinate], 0),
        (vec!["doctor"], 0),
    ];
    let mut problems = Vec::new();
    for (args, code) in &commands {
        for json in [false, true] {
            if json && args[0] == "schema" {
                continue; // SDL has no JSON form
            }
            let mut args = args.clone();
            if json {
                args.insert(0, "--json");
            }
            let output = home.command(&env, &args);
            problems.extend(problems_of(&args.join(" "), &output, *code, json));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

#[test]
fn json_output_escapes_and_keeps_the_servers_values() {
    let (server, _) = hostile_buildkite();
    let home = Home::new();
    let mut env = server.exports();
    env.push(("PORTAL_TOKEN".into(), "bkpt_from_env".into()));

    let output = home.command(&env, &["--json", "list"]);
    let text = stdout(&output);
    assert!(
        text.contains("\\u009b") && text.contains("\\u202e") && text.contains("\\u2028"),
        "{text}"
    );
    let listed: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(listed[0]["name"], json!(evil("name")));
    assert_eq!(listed[1]["created_by"]["name"], json!(evil("creator-name")));

    let output = home.command(
        &env,
        &["--json", "invoke", "deploy", "--token-env", "PORTAL_TOKEN"],
    );
    let answer: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(
        answer["body"]["data"]["build"]["message"],
        json!(evil("message"))
    );
    assert_eq!(
        answer["body"]["data"]["build"][evil("key")][0],
        json!(evil("item"))
    );

    let env_big: Vec<_> = env
        .iter()
        .cloned()
        .chain([("BKPORTALS_BODY_MEMORY_MB".to_owned(), "1".to_owned())])
        .collect();
    let output = home.command(
        &env_big,
        &[
            "--json",
            "invoke",
            "big-answer",
            "--token-env",
            "PORTAL_TOKEN",
        ],
    );
    let answer: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(
        answer["body"]["data"]["rows"][11_999],
        json!(evil("row 11999"))
    );
}
