//! Portals as code: `pull`, `plan`, `push` as a user runs them, against a
//! `bkportals sandbox` child process over real HTTP, in a private home.

mod common;
mod home;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::SandboxProcess;
use home::{assert_ok, stderr, stdout, Home};

struct World {
    home: Home,
    sandbox: SandboxProcess,
    dir: PathBuf,
}

impl World {
    fn new() -> World {
        let home = Home::new();
        let sandbox = SandboxProcess::start(&home.path().join("state.json"));
        let dir = home.path().join("portals");
        World { home, sandbox, dir }
    }

    /// `text` as said against this sandbox: `{server}` is its `host:port`
    /// (never "Buildkite").
    fn named(&self, text: &str) -> String {
        text.replace("{server}", &self.sandbox.server_name())
    }

    fn run(&self, args: &[&str]) -> Output {
        self.home.command(&self.sandbox.exports, args)
    }

    /// `bkportals COMMAND DIR REST...`
    fn on_dir(&self, command: &str, rest: &[&str]) -> Output {
        let dir = self.dir.to_string_lossy().into_owned();
        let mut args = vec![command, dir.as_str()];
        args.extend_from_slice(rest);
        self.run(&args)
    }

    fn file(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.file(name)).unwrap()
    }

    fn write(&self, name: &str, text: &str) {
        std::fs::write(self.file(name), text).unwrap();
    }

    fn portal(&self, slug: &str) -> Option<serde_json::Value> {
        let shown = self.run(&["show", slug, "--json"]);
        shown
            .status
            .success()
            .then(|| serde_json::from_slice(&shown.stdout).unwrap())
    }
}

/// Buildkite's portal tokens: `bkpat_` now, `bkpt_` in older docs.
fn has_portal_token(text: &str) -> bool {
    text.contains("bkpat_") || text.contains("bkpt_")
}

fn code(output: &Output) -> Option<i32> {
    output.status.code()
}

/// Every file under DIR, read as text, for "never a token".
fn all_text(dir: &Path) -> String {
    let mut text = String::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        text.push_str(&std::fs::read_to_string(entry.unwrap().path()).unwrap_or_default());
    }
    text
}

#[test]
fn pull_edit_plan_push_plan_round_trip() {
    let w = World::new();
    assert_ok(&w.on_dir("pull", &[]));
    assert!(w.file("recent-builds.graphql").exists());
    assert!(w.file("bkportals.lock").exists());
    let pulled = all_text(&w.dir);
    assert!(
        !has_portal_token(&pulled) && !pulled.contains("bkua_"),
        "{pulled}"
    );
    let fresh = w.on_dir("plan", &[]);
    assert_eq!(
        code(&fresh),
        Some(0),
        "{}{}",
        stdout(&fresh),
        stderr(&fresh)
    );

    // Formatting and a comment only: no change.
    let original = w.read("recent-builds.graphql");
    let reformatted = format!(
        "# read by the dashboard\n{}",
        original.replace("  ", "    ")
    );
    w.write("recent-builds.graphql", &reformatted);
    // A rename: both files get the new slug.
    let who = w.portal("who-am-i").unwrap();
    for ext in ["graphql", "toml"] {
        std::fs::rename(
            w.file(&format!("who-am-i.{ext}")),
            w.file(&format!("whoami.{ext}")),
        )
        .unwrap();
    }
    // A cleared field, and a field removed from the document.
    let fields = w.read("trigger-main-build.toml");
    let without: String = fields
        .lines()
        .filter(|l| !l.starts_with("description"))
        .map(|l| format!("{l}\n"))
        .collect();
    w.write("trigger-main-build.toml", &without);
    let overview = w.read("pipeline-overview.graphql");
    w.write(
        "pipeline-overview.graphql",
        &overview.replacen("      count\n", "", 1),
    );
    // A new portal, and one portal leaves the directory.
    w.write(
        "fresh.toml",
        "name = \"Fresh\"\nallowed_ips = [\"127.0.0.1/32\"]\n",
    );
    w.write(
        "fresh.graphql",
        "query Fresh { viewer { user { name } } }\n",
    );
    std::fs::remove_file(w.file("recent-builds.graphql")).unwrap();
    std::fs::remove_file(w.file("recent-builds.toml")).unwrap();
    // Meanwhile on Buildkite: a portal nobody declared, and a change to one the directory edits.
    std::fs::write(
        w.home.path().join("q.graphql"),
        "query Other { viewer { user { name } } }",
    )
    .unwrap();
    assert_ok(&w.run(&[
        "create",
        "--name",
        "Other team",
        "--query-file",
        "q.graphql",
    ]));
    assert_ok(&w.run(&[
        "update",
        "pipeline-overview",
        "--name",
        "Renamed on Buildkite",
    ]));

    let planned = w.on_dir("plan", &[]);
    let text = stdout(&planned);
    assert_eq!(code(&planned), Some(2), "{text}{}", stderr(&planned));
    assert!(text.contains("~ rename who-am-i -> whoami"), "{text}");
    assert!(
        text.contains("description: \"Triggers a build of the web app on main\" -> (none)"),
        "{text}"
    );
    assert!(
        text.contains("! field organization.pipelines.count removed from PipelineOverview"),
        "{text}"
    );
    assert!(text.contains("+ create fresh"), "{text}");
    assert!(
        text.contains("allowed_ips: 127.0.0.1/32; user_invokable: false"),
        "{text}"
    );
    let json = w.on_dir("plan", &["--json"]);
    assert_eq!(code(&json), Some(2));
    let machine: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(machine["changes"], true);
    let fresh = machine["portals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["slug"] == "fresh")
        .unwrap();
    assert_eq!(fresh["action"], "create");
    assert_eq!(fresh["portal"]["name"], "Fresh");
    let rename = machine["portals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["slug"] == "whoami")
        .unwrap();
    assert_eq!(rename["current_slug"], "who-am-i");
    assert_eq!(machine["undeclared"][0]["slug"], "other-team");
    assert!(
        text.contains(
            "keep recent-builds: no longer in the directory (push --allow-delete deletes it)"
        ),
        "{text}"
    );
    assert!(
        text.contains(&w.named("pipeline-overview changed on {server} since the last pull")),
        "{text}"
    );
    assert!(
        text.contains(
            "not in the directory (never changed by push; pull takes them in): other-team"
        ),
        "{text}"
    );
    assert!(
        !text.contains("update recent-builds"),
        "formatting is no change: {text}"
    );

    // The drifted portal is not overwritten: nothing at all is sent.
    let refused = w.on_dir("push", &["--yes"]);
    assert_eq!(code(&refused), Some(1), "{}", stderr(&refused));
    assert!(
        stderr(&refused)
            .contains(&w.named("nothing was sent: pipeline-overview changed on {server}")),
        "{}",
        stderr(&refused)
    );
    assert!(w.portal("whoami").is_none(), "no rename happened");

    let pushed = w.on_dir("push", &["--yes", "--force"]);
    assert_ok(&pushed);
    let said = format!("{}{}", stdout(&pushed), stderr(&pushed));
    // Renamed in place: same UUID, and the old token still runs it.
    let renamed = w.portal("whoami").unwrap();
    assert_eq!(renamed["uuid"], who["uuid"]);
    let ran = w
        .home
        .command_line(
            &w.sandbox.exports,
            &["invoke", "whoami", "--token-env", "OLD_TOKEN"],
        )
        .env("OLD_TOKEN", "bkpat_sandbox_who_am_i")
        .output()
        .unwrap();
    assert_ok(&ran);
    assert_eq!(
        w.portal("trigger-main-build").unwrap()["description"],
        serde_json::Value::Null
    );
    let overview_now = w.portal("pipeline-overview").unwrap();
    assert!(!overview_now["query"].as_str().unwrap().contains("count"));
    assert_eq!(
        overview_now["name"], "Pipeline overview",
        "--force put the file's name back"
    );
    // The delete was not asked for: the portal stays.
    assert!(w.portal("recent-builds").is_some());
    assert_eq!(
        w.portal("recent-builds").unwrap()["query"],
        original.trim_end_matches('\n').to_owned() + "\n"
    );
    // The new portal's token is in the store, never in DIR or on screen.
    let created = w.portal("fresh").unwrap();
    assert!(w
        .read("fresh.toml")
        .contains(created["uuid"].as_str().unwrap()));
    let tokens = w.run(&["token", "list"]);
    assert!(stdout(&tokens).contains("fresh"), "{}", stdout(&tokens));
    assert!(!has_portal_token(&said), "{said}");
    assert!(!has_portal_token(&all_text(&w.dir)));

    let after = w.on_dir("plan", &[]);
    assert_eq!(
        code(&after),
        Some(0),
        "{}{}",
        stdout(&after),
        stderr(&after)
    );
    let deletes = w.on_dir("plan", &["--allow-delete"]);
    assert_eq!(code(&deletes), Some(2));
    assert!(
        stdout(&deletes).contains("- delete recent-builds"),
        "{}",
        stdout(&deletes)
    );
    assert!(
        !stdout(&deletes).contains("delete other-team"),
        "unmanaged portals are never deleted"
    );
}

#[test]
fn push_sends_nothing_when_a_document_fails_and_deletes_only_with_allow_delete() {
    let w = World::new();
    assert_ok(&w.on_dir("pull", &[]));
    w.write("who-am-i.graphql", "query WhoAmI { viewer { nope } }\n");
    let fields = w.read("trigger-main-build.toml");
    w.write(
        "trigger-main-build.toml",
        &fields.replace("name = \"Trigger main build\"", "name = \"Trigger\""),
    );
    let refused = w.on_dir("push", &["--yes"]);
    assert_eq!(code(&refused), Some(1), "{}", stderr(&refused));
    assert!(
        stderr(&refused).contains("nothing was sent: 1 error in the documents to push"),
        "{}",
        stderr(&refused)
    );
    assert!(
        stderr(&refused).contains("who-am-i.graphql:1:"),
        "{}",
        stderr(&refused)
    );
    assert_eq!(
        w.portal("trigger-main-build").unwrap()["name"],
        "Trigger main build"
    );

    // Fixed; one managed portal leaves the directory, one portal is not managed.
    w.write(
        "who-am-i.graphql",
        "query WhoAmI { viewer { user { name } } }\n",
    );
    for ext in ["graphql", "toml"] {
        std::fs::remove_file(w.file(&format!("recent-builds.{ext}"))).unwrap();
    }
    std::fs::write(
        w.home.path().join("q.graphql"),
        "query Other { viewer { user { name } } }",
    )
    .unwrap();
    assert_ok(&w.run(&[
        "create",
        "--name",
        "Other team",
        "--query-file",
        "q.graphql",
    ]));
    let kept = w.on_dir("push", &["--yes"]);
    assert_ok(&kept);
    assert!(
        w.portal("recent-builds").is_some(),
        "no delete without --allow-delete"
    );
    assert_eq!(w.portal("trigger-main-build").unwrap()["name"], "Trigger");
    let deleted = w.on_dir("push", &["--yes", "--allow-delete"]);
    assert_ok(&deleted);
    assert!(w.portal("recent-builds").is_none());
    assert!(
        w.portal("other-team").is_some(),
        "a portal the lock does not manage is never deleted"
    );
    let after = w.on_dir("plan", &["--allow-delete"]);
    assert_eq!(
        code(&after),
        Some(0),
        "{}{}",
        stdout(&after),
        stderr(&after)
    );
}

#[test]
fn a_new_portals_token_goes_to_the_token_command_on_stdin_only() {
    let w = World::new();
    assert_ok(&w.on_dir("pull", &[]));
    w.write("fresh.toml", "name = \"Fresh\"\n");
    w.write(
        "fresh.graphql",
        "query Fresh { viewer { user { name } } }\n",
    );
    let pushed = w.on_dir(
        "push",
        &[
            "--yes",
            "--token-command",
            "cat > \"$HOME/token-of-$BKPORTALS_PORTAL_SLUG\"",
        ],
    );
    assert_ok(&pushed);
    let handed = std::fs::read_to_string(w.home.path().join("token-of-fresh")).unwrap();
    assert!(has_portal_token(&handed), "{handed}");
    let said = format!("{}{}", stdout(&pushed), stderr(&pushed));
    assert!(!said.contains(handed.trim()), "{said}");
    assert!(
        !stdout(&w.run(&["token", "list"])).contains("fresh"),
        "not in the store"
    );
    let ran = w
        .home
        .command_line(
            &w.sandbox.exports,
            &["invoke", "fresh", "--token-env", "FRESH"],
        )
        .env("FRESH", handed.trim())
        .output()
        .unwrap();
    assert_ok(&ran);
}

#[test]
fn a_push_whose_answer_is_lost_stops_and_says_what_was_done() {
    let home = Home::new();
    let state = home.path().join("state.json");
    let dir = home.path().join("portals");
    let dir_arg = dir.to_string_lossy().into_owned();
    let port = {
        let plain = SandboxProcess::start(&state);
        assert_ok(&home.command(&plain.exports, &["pull", &dir_arg]));
        plain.port()
    };
    for slug in ["pipeline-overview", "recent-builds", "trigger-main-build"] {
        let path = dir.join(format!("{slug}.toml"));
        let text = std::fs::read_to_string(&path).unwrap();
        let renamed: String = text
            .lines()
            .map(|l| {
                if l.starts_with("name = ") {
                    format!("name = \"{slug} v2\"\n")
                } else {
                    format!("{l}\n")
                }
            })
            .collect();
        std::fs::write(&path, renamed).unwrap();
    }
    // Request 1 lists the portals; each update is a read (unchanged since the
    // plan?) and a write: 2-3 the first, 4 is read, 5 (the second write) is dropped.
    let faulty = SandboxProcess::start_on(port, &state, &["--faults", "drop=5"]);
    let pushed = home.command(&faulty.exports, &["push", &dir_arg, "--yes"]);
    assert_eq!(code(&pushed), Some(1), "{}", stderr(&pushed));
    let said = stderr(&pushed);
    assert!(said.contains("the push stopped at `update recent-builds` (whether it happened is unclear; it was not sent again)"), "{said}");
    assert!(said.contains("done: update pipeline-overview\n"), "{said}");
    assert!(
        said.contains("not done: update trigger-main-build\n"),
        "{said}"
    );
    drop(faulty);

    // The lock kept the first update: only the unclear one and the last are left.
    let plain = SandboxProcess::start_on(port, &state, &[]);
    let planned = home.command(&plain.exports, &["plan", &dir_arg]);
    let text = stdout(&planned);
    assert!(!text.contains("update pipeline-overview"), "{text}");
    assert!(text.contains("update trigger-main-build"), "{text}");
}

#[test]
fn check_dir_applies_the_lint_rules_as_well_as_the_schema() {
    let w = World::new();
    assert_ok(&w.on_dir("pull", &[]));
    w.write(
        "who-am-i.graphql",
        "query WhoAmI($spare: Int) { viewer { user { name } } }\n",
    );
    w.write(
        "notes.md",
        "CI uses BUILDKITE_API_TOKEN=bkua_0123abcd for now\n",
    );
    w.write(
        "recent-builds.graphql",
        "query A { viewer { user { name } } }\nquery { viewer { user { email } } }\n",
    );
    let checked = w.on_dir("check", &[]);
    let text = stdout(&checked);
    assert_eq!(code(&checked), Some(1), "{text}{}", stderr(&checked));
    let dir = w.dir.display();
    assert!(
        text.contains(&format!(
            "{dir}/notes.md:1:29: error: a `bkua_...` token or secret is written here"
        )),
        "{text}"
    );
    assert!(
        !text.contains("0123abcd"),
        "the secret is never quoted: {text}"
    );
    assert!(
        text.contains(&format!(
            "{dir}/who-am-i.graphql:1:14: error: unused variable: `$spare`"
        )),
        "{text}"
    );
    assert!(
        !text.contains("declared but never used"),
        "said once: {text}"
    );
    assert!(text.contains(&format!("{dir}/trigger-main-build.toml:1:1: warning: the document holds a mutation and any address may call the portal")), "{text}");
    assert!(
        text.contains(&format!(
            "{dir}/recent-builds.graphql:2:1: error: anonymous operation cannot be selected"
        )),
        "{text}"
    );

    // Warnings alone do not fail a CI job.
    std::fs::remove_file(w.file("notes.md")).unwrap();
    w.write(
        "who-am-i.graphql",
        "query WhoAmI { viewer { user { name } } }\n",
    );
    w.write(
        "recent-builds.graphql",
        "query A { viewer { user { name } } }\n",
    );
    let warned = w.on_dir("check", &["--json"]);
    assert_eq!(
        code(&warned),
        Some(0),
        "{}{}",
        stdout(&warned),
        stderr(&warned)
    );
    let items: Vec<serde_json::Value> = serde_json::from_slice(&warned.stdout).unwrap();
    assert!(
        items.len() == 1 && items[0]["severity"] == "warning",
        "{items:?}"
    );
}

#[test]
fn check_dir_and_audit_both_warn_about_a_mutation_open_to_any_address() {
    let w = World::new();
    assert_ok(&w.on_dir("pull", &[]));
    // trigger-main-build runs a mutation and allows every address.
    let checked = w.on_dir("check", &["--json"]);
    let audited = w.run(&["audit", "--json"]);
    assert_eq!(code(&checked), Some(0), "{}", stderr(&checked));
    assert_eq!(code(&audited), Some(0), "{}", stderr(&audited));
    let items: Vec<serde_json::Value> = serde_json::from_slice(&checked.stdout).unwrap();
    let lint = items
        .iter()
        .find(|i| {
            i["file"]
                .as_str()
                .unwrap_or("")
                .ends_with("trigger-main-build.toml")
        })
        .unwrap_or_else(|| panic!("check names the portal's file: {items:?}"));
    assert_eq!(lint["severity"], "warning", "{lint}");
    let audits: Vec<serde_json::Value> = serde_json::from_slice(&audited.stdout).unwrap();
    let trigger = audits
        .iter()
        .find(|a| a["slug"] == "trigger-main-build")
        .expect("audited");
    assert_eq!(
        trigger["findings"][0]["policy"],
        "mutation-from-any-address"
    );
    assert_eq!(trigger["findings"][0]["severity"], "warns");

    // Restricted to an address range, neither says anything of it.
    let fields = w.read("trigger-main-build.toml");
    assert!(!fields.contains("allowed_ips"), "{fields}");
    w.write(
        "trigger-main-build.toml",
        &format!("{fields}allowed_ips = [\"192.0.2.0/24\"]\n"),
    );
    let checked = w.on_dir("check", &["--json"]);
    let items: Vec<serde_json::Value> = serde_json::from_slice(&checked.stdout).unwrap();
    assert!(
        !items.iter().any(|i| i["file"]
            .as_str()
            .unwrap_or("")
            .ends_with("trigger-main-build.toml")),
        "{items:?}"
    );
}

#[test]
fn pulling_again_takes_buildkites_changes_and_names_what_changed() {
    let w = World::new();
    assert_ok(&w.on_dir("pull", &[]));
    assert_ok(&w.run(&["update", "who-am-i", "--description", "Changed there"]));
    w.write("gone.toml", "uuid = \"0000\"\nname = \"Gone\"\n");
    w.write("gone.graphql", "query Gone { viewer { user { name } } }\n");
    let drifted = w.on_dir("plan", &[]);
    assert!(
        stdout(&drifted).contains(&w.named("who-am-i changed on {server} since the last pull")),
        "{}",
        stdout(&drifted)
    );

    let again = w.on_dir("pull", &[]);
    assert_ok(&again);
    let said = stderr(&again);
    assert!(said.contains("Changed: who-am-i."), "{said}");
    assert!(
        said.contains(&w.named("gone.toml is not on {server}: `push` would create it")),
        "{said}"
    );
    assert!(w
        .read("who-am-i.toml")
        .contains("description = \"Changed there\""));
    std::fs::remove_file(w.file("gone.toml")).unwrap();
    std::fs::remove_file(w.file("gone.graphql")).unwrap();
    let planned = w.on_dir("plan", &[]);
    assert_eq!(code(&planned), Some(0), "{}", stdout(&planned));
    assert!(
        !stdout(&planned).contains("changed on "),
        "{}",
        stdout(&planned)
    );
}

#[test]
fn a_portal_changed_while_the_push_runs_is_not_overwritten() {
    let w = World::new();
    assert_ok(&w.on_dir("pull", &[]));
    w.write("fresh.toml", "name = \"Fresh\"\n");
    w.write(
        "fresh.graphql",
        "query Fresh { viewer { user { name } } }\n",
    );
    for ext in ["graphql", "toml"] {
        std::fs::remove_file(w.file(&format!("who-am-i.{ext}"))).unwrap();
    }
    // The create comes before the delete: its token command changes the
    // portal about to be deleted, as a colleague would meanwhile.
    let meanwhile =
        "cat > /dev/null; \"$BIN_UNDER_TEST\" update who-am-i --description 'still needed'";
    let dir = w.dir.to_string_lossy().into_owned();
    let pushed = w
        .home
        .command_line(
            &w.sandbox.exports,
            &[
                "push",
                &dir,
                "--yes",
                "--allow-delete",
                "--token-command",
                meanwhile,
            ],
        )
        .env("BIN_UNDER_TEST", home::BIN)
        .output()
        .unwrap();
    assert_eq!(code(&pushed), Some(1), "{}", stderr(&pushed));
    let said = stderr(&pushed);
    assert!(
        said.contains(&w.named(
            "`who-am-i` changed on {server} after the plan was made, so it was not overwritten"
        )),
        "{said}"
    );
    assert!(said.contains("done: create fresh\n"), "{said}");
    assert_eq!(w.portal("who-am-i").unwrap()["description"], "still needed");
}

#[test]
fn pull_keeps_files_edited_here_that_were_not_pushed() {
    let w = World::new();
    assert_ok(&w.on_dir("pull", &[]));
    let edited = format!("{}# a note not pushed yet\n", w.read("who-am-i.graphql"));
    w.write("who-am-i.graphql", &edited);

    let again = w.on_dir("pull", &[]);
    assert_eq!(again.status.code(), Some(1), "{}", stderr(&again));
    assert!(
        stderr(&again).contains("who-am-i.graphql"),
        "{}",
        stderr(&again)
    );
    assert!(stderr(&again).contains("--force"), "{}", stderr(&again));
    let theirs = w.named("and {server}'s versions were not");
    assert!(stderr(&again).contains(&theirs), "{}", stderr(&again));
    assert_eq!(w.read("who-am-i.graphql"), edited, "the edit is kept");

    assert_ok(&w.on_dir("pull", &["--force"]));
    assert!(!w.read("who-am-i.graphql").contains("not pushed yet"));
}

#[test]
fn a_document_that_does_not_parse_is_an_error_for_plan_not_a_change() {
    let w = World::new();
    assert_ok(&w.on_dir("pull", &[]));
    w.write("who-am-i.graphql", "query WhoAmI {\n  viewer {\n");
    let planned = w.on_dir("plan", &[]);
    assert_eq!(code(&planned), Some(1), "{}", stderr(&planned));
    assert!(
        stderr(&planned).contains("who-am-i.graphql:"),
        "the file and its line are named: {}",
        stderr(&planned)
    );
}
