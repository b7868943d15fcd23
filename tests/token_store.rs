//! The token store shared by processes: tokens stored at the same moment by
//! several `bkportals` processes are all kept (Buildkite shows a new portal's
//! token once, so a token dropped from the store is gone).

mod common;
mod home;

use std::process::Stdio;

use common::SandboxProcess;
use home::{stderr, Home};

const WRITERS: usize = 20;

#[test]
fn twenty_creates_at_once_keep_twenty_tokens() {
    let home = Home::new();
    // Slow answers: every process reads the store before any of them writes it.
    let sandbox = SandboxProcess::start_with(
        &home.path().join("state.json"),
        &["--faults", "latency=400", "--rate-limit", "1000"],
    );
    let document = home.path().join("portal.graphql");
    std::fs::write(&document, "query { viewer { user { name } } }").unwrap();
    let document = document.to_str().unwrap().to_owned();

    let children: Vec<_> = (0..WRITERS)
        .map(|i| {
            let name = format!("concurrent {i}");
            home.command_line(
                &sandbox.exports,
                &[
                    "create",
                    "--name",
                    &name,
                    "--query-file",
                    &document,
                    "--no-validate",
                ],
            )
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("bkportals starts")
        })
        .collect();
    for child in children {
        let output = child.wait_with_output().unwrap();
        assert!(output.status.success(), "{}", stderr(&output));
        assert!(
            stderr(&output).contains("The token is stored in"),
            "{}",
            stderr(&output)
        );
    }

    let text = std::fs::read_to_string(home.token_store()).unwrap();
    let file: toml::Value = toml::from_str(&text).unwrap();
    let org = &sandbox.exports[3].1;
    // The sandbox is not Buildkite: its tokens are filed under its portal endpoint's origin.
    let portal_endpoint = url::Url::parse(&sandbox.exports[1].1).unwrap();
    let origin = portal_endpoint.origin().ascii_serialization();
    let stored = file["elsewhere"][origin.as_str()]["portal"][org.as_str()]
        .as_table()
        .unwrap();
    let mut missing: Vec<String> = (0..WRITERS)
        .map(|i| format!("concurrent-{i}"))
        .filter(|slug| !stored.contains_key(slug))
        .collect();
    missing.sort();
    assert!(missing.is_empty(), "tokens lost: {missing:?}\n{text}");
    assert_eq!(stored.len(), WRITERS);
}
