//! `invoke` as a new user meets it: variables checked against the portal's
//! document (`--var` and `--vars-file` alike), answers that are not GraphQL,
//! and what it says about a portal that does not exist. The real binary in a
//! private home, against `--demo`'s sandbox or a `bkportals sandbox` child
//! process, over loopback HTTP.

mod common;
mod home;

use home::{error_line, stderr, stdout, Home};

/// `bkportals --demo history SLUG --json`: the runs recorded for the portal.
fn recorded(home: &Home, slug: &str) -> Vec<serde_json::Value> {
    let listed = home.command(&[], &["--demo", "history", slug, "--json"]);
    home::assert_ok(&listed);
    serde_json::from_slice(&listed.stdout).expect("a JSON array")
}

#[test]
fn variables_the_document_does_not_declare_or_of_the_wrong_type_are_refused_from_flags_and_files() {
    let home = Home::new();
    // pipeline-overview holds PipelineOverview($first: Int = 10).
    let invoke = |extra: &[&str]| {
        let mut args = vec!["--demo", "invoke", "pipeline-overview"];
        args.extend_from_slice(extra);
        home.command(&[], &args)
    };
    let refused = |extra: &[&str]| {
        let output = invoke(extra);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{extra:?}: {}",
            stderr(&output)
        );
        assert!(
            !stderr(&output).contains("Using "),
            "{extra:?}: no token is announced when nothing is sent: {}",
            stderr(&output)
        );
        error_line(&output).expect("an error line")
    };

    assert_eq!(
        refused(&["--var", "nosuch=1"]),
        "--var $nosuch: operation PipelineOverview of portal `pipeline-overview` has no such variable; it declares $first (Int)"
    );
    let vars = home.path().join("vars.json");
    let vars_arg = vars.to_str().unwrap();
    std::fs::write(&vars, r#"{"nosuch": 1}"#).unwrap();
    assert_eq!(
        refused(&["--vars-file", vars_arg]),
        "--vars-file $nosuch: operation PipelineOverview of portal `pipeline-overview` has no such variable; it declares $first (Int)"
    );
    // The file is typed as --var is, with the same message.
    assert_eq!(
        refused(&["--var", "first=x"]),
        "--var $first: expects an Int (a whole number), got `x`"
    );
    std::fs::write(&vars, r#"{"first": "x"}"#).unwrap();
    assert_eq!(
        refused(&["--vars-file", vars_arg]),
        "--vars-file $first: expects an Int (a whole number), got `x`"
    );
    // A --var wins over the file's value of the same name.
    let overridden = invoke(&["--vars-file", vars_arg, "--var", "first=2"]);
    home::assert_ok(&overridden);

    // A control character is refused, and never echoed back raw.
    let escape = invoke(&["--var", "first=\u{1b}[31mred"]);
    assert_eq!(escape.status.code(), Some(2), "{}", stderr(&escape));
    assert!(!stderr(&escape).contains('\u{1b}'), "{:?}", stderr(&escape));
    assert_eq!(
        error_line(&escape).as_deref(),
        Some("--var $first: holds the control character U+001B; remove it (terminals act on such characters)")
    );

    // Refused runs were not sent, so not recorded; a typed one is, typed.
    std::fs::write(&vars, r#"{"first": 3}"#).unwrap();
    let sent = invoke(&["--vars-file", vars_arg]);
    home::assert_ok(&sent);
    assert!(stdout(&sent).contains("\"pipelines\""), "{}", stdout(&sent));
    let runs = recorded(&home, "pipeline-overview");
    let variables: Vec<&serde_json::Value> = runs.iter().map(|r| &r["variables"]).collect();
    assert_eq!(
        variables,
        [
            &serde_json::json!({ "first": 2 }),
            &serde_json::json!({ "first": 3 })
        ]
    );
}
