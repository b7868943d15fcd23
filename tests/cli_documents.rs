//! The command line on documents: `check` lints files, `schema show` and the
//! refusal of invalid documents, and answers printed as they arrive. The real
//! binary as a subprocess against a `bkportals sandbox` child process.

mod common;
mod home;

use common::SandboxProcess;
use home::{assert_ok, stderr, stdout, Home};

#[test]
fn check_lints_files_and_exits_1_on_errors() {
    let home = Home::new();
    std::fs::write(
        home.path().join("good.graphql"),
        "query Me { viewer { user { name } } }",
    )
    .unwrap();
    std::fs::write(
        home.path().join("bad.graphql"),
        "query Me($unused: Int) {\n  viewer { user { nmae } }\n}\n",
    )
    .unwrap();
    let sdl = home.path().join("schema.graphql");
    std::fs::write(
        &sdl,
        "type Query { viewer: Viewer }\ntype Viewer { user: User }\ntype User { name: String age: Int }\n",
    )
    .unwrap();

    // Against an SDL file: no organization or token needed.
    let passed = home.command(
        &[],
        &["check", "--schema", "schema.graphql", "good.graphql"],
    );
    assert_ok(&passed);
    assert!(
        stderr(&passed).contains("no problems"),
        "{}",
        stderr(&passed)
    );
    let failed = home.command(
        &[],
        &[
            "check",
            "--schema",
            "schema.graphql",
            "good.graphql",
            "bad.graphql",
        ],
    );
    assert_eq!(failed.status.code(), Some(1), "{}", stderr(&failed));
    let lines = stdout(&failed);
    assert!(
        lines.contains("bad.graphql:1:10: error: unused variable: `$unused`"),
        "{lines}"
    );
    assert!(
        lines.contains("bad.graphql:2:19: error: type `User` does not have a field `nmae`"),
        "{lines}"
    );
    assert!(!lines.contains("good.graphql"), "{lines}");

    let json = home.command(
        &[],
        &[
            "check",
            "--json",
            "--schema",
            "schema.graphql",
            "bad.graphql",
        ],
    );
    assert_eq!(json.status.code(), Some(1));
    let items: serde_json::Value = serde_json::from_slice(&json.stdout).expect("JSON");
    assert_eq!(items.as_array().map(Vec::len), Some(2), "{items}");
    assert_eq!(items[1]["line"], 2);

    // Against the organization's schema, fetched once and then cached.
    let sandbox = SandboxProcess::start(&home.path().join("state.json"));
    let fetched = home.command(&sandbox.exports, &["check", "bad.graphql"]);
    assert_eq!(fetched.status.code(), Some(1), "{}", stderr(&fetched));
    assert!(stdout(&fetched).contains("`nmae`"));
    let cache = home.path().join("cache/bkportals/schemas/loopback_v1.json");
    assert!(cache.exists(), "the schema is cached per endpoint");
    drop(sandbox);
    let offline = home.command(
        &[
            ("BUILDKITE_ORGANIZATION_SLUG".into(), "demo".into()),
            (
                "BUILDKITE_GRAPHQL_ENDPOINT".into(),
                "http://127.0.0.1:9/v1".into(),
            ),
        ],
        &["check", "good.graphql"],
    );
    assert_ok(&offline);

    let missing = home.command(
        &[],
        &["check", "--schema", "schema.graphql", "nope.graphql"],
    );
    assert_eq!(missing.status.code(), Some(1));
    assert!(
        stdout(&missing).contains("nope.graphql:1:1: error: could not read"),
        "{}",
        stdout(&missing)
    );
}

/// `check` lists a document's first syntax error only, as the app's editor
/// does (and graphql-js): not the parser's cascade after it, nor validation
/// errors of a document that does not parse.
#[test]
fn check_lists_only_the_first_syntax_error_of_a_document_that_does_not_parse() {
    let home = Home::new();
    std::fs::write(
        home.path().join("braces.graphql"),
        "{{query Me($unused: Int) {\n  viewer { user { nmae } }\n}\nquery Two { viewer }\n",
    )
    .unwrap();
    std::fs::write(
        home.path().join("schema.graphql"),
        "type Query { viewer: Viewer }\ntype Viewer { user: User }\ntype User { name: String }\n",
    )
    .unwrap();
    let checked = home.command(
        &[],
        &["check", "--schema", "schema.graphql", "braces.graphql"],
    );
    assert_eq!(checked.status.code(), Some(1), "{}", stderr(&checked));
    let lines = stdout(&checked);
    let listed: Vec<&str> = lines.lines().filter(|l| l.starts_with("braces")).collect();
    assert_eq!(
        listed,
        ["braces.graphql:1:1: error: this `{` is never closed"],
        "{lines}"
    );
    assert!(stderr(&checked).contains("1 error"), "{}", stderr(&checked));
}

#[test]
fn check_says_files_and_directories_in_one_shape_with_counts_that_add_up() {
    let home = Home::new();
    std::fs::write(
        home.path().join("schema.graphql"),
        "type Query { viewer: Viewer }\ntype Viewer { user: User }\ntype User { name: String age: Int }\n",
    )
    .unwrap();
    std::fs::write(
        home.path().join("unclosed.graphql"),
        "query Unclosed {\n  viewer { user { name } }\n",
    )
    .unwrap();
    let dir = home.path().join("pdir");
    std::fs::create_dir(&dir).unwrap();
    // a.graphql has no a.toml, and an unused variable: both are said.
    std::fs::write(
        dir.join("a.graphql"),
        "query A($x: Int) { viewer { user { name } } }\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("b.graphql"),
        "query B { viewer { user { name } } }\n",
    )
    .unwrap();
    std::fs::write(dir.join("b.toml"), "name = \"B\"\n").unwrap();

    let checked = home.command(
        &[],
        &[
            "check",
            "--schema",
            "schema.graphql",
            "unclosed.graphql",
            "pdir",
        ],
    );
    assert_eq!(checked.status.code(), Some(1), "{}", stderr(&checked));
    let text = stdout(&checked);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(
        lines[0].starts_with("unclosed.graphql:") && lines[0].contains(": error: "),
        "{text}"
    );
    assert!(lines[0].contains("never closed"), "{text}");
    assert_eq!(
        lines[1],
        "pdir/a.graphql:1:1: error: no a.toml beside it; add one with at least `name = \"...\"`"
    );
    assert_eq!(lines[2], "pdir/a.graphql:1:9: error: unused variable: `$x`");
    // unclosed.graphql, pdir/a.graphql, pdir/b.graphql and pdir/b.toml.
    assert!(
        stderr(&checked).ends_with("4 files checked: 3 errors, 0 warnings (in 2 files).\n"),
        "{}",
        stderr(&checked)
    );

    // Each file with one problem: three of three, in the same shape.
    std::fs::write(dir.join("a.toml"), "name = \"A\"\n").unwrap();
    std::fs::write(
        dir.join("b.graphql"),
        "query B($y: Int) { viewer { user { name } } }\n",
    )
    .unwrap();
    let files = home.command(
        &[],
        &[
            "check",
            "--schema",
            "schema.graphql",
            "unclosed.graphql",
            "pdir/a.graphql",
            "pdir/b.graphql",
        ],
    );
    assert_eq!(files.status.code(), Some(1), "{}", stderr(&files));
    assert!(
        stdout(&files)
            .lines()
            .all(|l| l.contains(": error: ") || l.contains(": warning: ")),
        "{}",
        stdout(&files)
    );
    assert!(
        stderr(&files).ends_with("3 files checked: 3 errors, 0 warnings (in 3 files).\n"),
        "{}",
        stderr(&files)
    );
}

#[test]
fn schema_show_prints_sdl_and_create_refuses_invalid_documents() {
    let home = Home::new();
    let sandbox = SandboxProcess::start(&home.path().join("state.json"));
    let env = &sandbox.exports;
    let field = home.command(env, &["schema", "show", "Pipeline.builds"]);
    assert_ok(&field);
    assert!(
        stdout(&field).contains("builds(") && stdout(&field).contains("BuildConnection"),
        "{}",
        stdout(&field)
    );
    let unknown = home.command(env, &["schema", "show", "Pipelin"]);
    assert_eq!(unknown.status.code(), Some(1));
    assert!(
        stderr(&unknown).contains("similar types: Pipeline"),
        "{}",
        stderr(&unknown)
    );
    let refreshed = home.command(env, &["schema", "refresh"]);
    assert_ok(&refreshed);
    assert!(
        stderr(&refreshed).contains("types"),
        "{}",
        stderr(&refreshed)
    );

    std::fs::write(
        home.path().join("bad.graphql"),
        "query Me { viewer { user { nmae } } }",
    )
    .unwrap();
    let refused = home.command(
        env,
        &["create", "--name", "Bad", "--query-file", "bad.graphql"],
    );
    assert_eq!(refused.status.code(), Some(1));
    let message = stderr(&refused);
    assert!(
        message.contains("1:28: type `User` does not have a field `nmae`"),
        "{message}"
    );
    assert!(message.contains("--no-validate"), "{message}");
    let listed = home.command(env, &["list", "--json"]);
    assert!(!stdout(&listed).contains("\"Bad\""), "nothing was created");

    let forced = home.command(
        env,
        &[
            "create",
            "--name",
            "Bad",
            "--query-file",
            "bad.graphql",
            "--no-validate",
        ],
    );
    assert_ok(&forced);
    let update = home.command(
        env,
        &[
            "update",
            "bad",
            "--query-file",
            "bad.graphql",
            "--name",
            "Still bad",
        ],
    );
    assert_eq!(update.status.code(), Some(1), "{}", stderr(&update));
}

#[test]
fn an_answer_is_printed_as_it_arrives_for_people_and_for_scripts() {
    let home = Home::new();
    // Answers are streamed to stdout (tests/invoke_memory.rs measures a
    // large one); both forms stay whole JSON.
    let env = [];
    let args = [
        "--demo",
        "invoke",
        "recent-builds",
        "--operation",
        "GetBuilds",
        "--var",
        "pipelineSlug=demo/payments-api",
    ];
    let printed = home.command(&env, &args);
    assert_ok(&printed);
    let body: serde_json::Value = serde_json::from_slice(&printed.stdout).expect("the JSON body");
    assert_eq!(body["data"]["pipeline"]["name"], "Payments API");

    let mut with_json = args.to_vec();
    with_json.push("--json");
    let printed = home.command(&env, &with_json);
    assert_ok(&printed);
    let report: serde_json::Value =
        serde_json::from_slice(&printed.stdout).expect("one JSON object");
    assert_eq!(report["status"], 200);
    assert_eq!(report["body"]["data"]["pipeline"]["name"], "Payments API");
}
