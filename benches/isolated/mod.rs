//! What the benches that run `bkportals` as a process share: a sandbox in a
//! process of its own (the bench's memory stays out of the child's figures)
//! and the tests' private home, so a bench reads and writes nothing of the
//! machine's own files.
#![allow(dead_code)]

use std::ffi::OsString;

pub use crate::common::SandboxProcess;
pub use crate::home::Home;

/// A `bkportals sandbox` process holding `portals` portals in all (the four
/// seeded ones included), with rate limits no bench reaches, its state in `home`.
pub fn sandbox(home: &Home, portals: usize) -> SandboxProcess {
    let extra = portals.saturating_sub(4).to_string();
    SandboxProcess::start_with(
        &home.path().join("sandbox-state.json"),
        &[
            "--portals",
            &extra,
            "--rate-limit",
            "1000000",
            "--user-rate-limit",
            "1000000",
        ],
    )
}

/// The whole environment of a command in `home` against `sandbox`: the
/// home's, and the sandbox's endpoints (its GraphQL one too, so the app
/// loads the published schema it serves), organization and API token.
pub fn environment(home: &Home, sandbox: &SandboxProcess) -> Vec<(String, OsString)> {
    let home = home.environment().into_iter();
    let exports = sandbox.exports.iter().map(|(k, v)| (k.as_str(), v.into()));
    home.chain(exports)
        .map(|(name, value)| (name.to_owned(), value))
        .collect()
}

/// The organization the sandbox serves.
pub fn organization(sandbox: &SandboxProcess) -> &str {
    sandbox
        .exports
        .iter()
        .find(|(name, _)| name == "BUILDKITE_ORGANIZATION_SLUG")
        .map(|(_, slug)| slug.as_str())
        .expect("the sandbox names its organization")
}
