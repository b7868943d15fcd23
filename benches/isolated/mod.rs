//! What the benches that run `bkportals` as a process share: a sandbox in a
//! process of its own (the bench's memory stays out of the child's figures)
//! and a private home, so a bench reads and writes nothing of the machine's.
#![allow(dead_code)]

use std::ffi::OsString;
use std::path::Path;

#[path = "../../tests/common/mod.rs"]
mod common;

pub use common::{SandboxProcess, BIN};

/// A `bkportals sandbox` process holding `portals` portals in all (the four
/// seeded ones included), with rate limits no bench reaches.
pub fn sandbox(state_dir: &Path, portals: usize) -> SandboxProcess {
    let extra = portals.saturating_sub(4).to_string();
    SandboxProcess::start_with(
        &state_dir.join("sandbox-state.json"),
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

/// HOME and every XDG dir inside one temporary dir, the token store a file
/// there, and the sandbox's endpoints, organization and API token (its
/// GraphQL endpoint too, so the app loads the published schema it serves).
/// The command gets only these and PATH: nothing of the caller's environment.
pub struct PrivateHome {
    dir: tempfile::TempDir,
}

impl PrivateHome {
    pub fn new() -> PrivateHome {
        PrivateHome {
            dir: tempfile::tempdir().expect("a temporary dir"),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// The whole environment of a command run in this home against `sandbox`.
    pub fn environment(&self, sandbox: &SandboxProcess) -> Vec<(String, OsString)> {
        let home = self.dir.path();
        let mut vars: Vec<(String, OsString)> = vec![
            ("PATH".into(), std::env::var_os("PATH").unwrap_or_default()),
            ("HOME".into(), home.into()),
            ("XDG_CONFIG_HOME".into(), home.join("config").into()),
            ("XDG_DATA_HOME".into(), home.join("data").into()),
            ("XDG_CACHE_HOME".into(), home.join("cache").into()),
            ("XDG_STATE_HOME".into(), home.join("state").into()),
            ("TMPDIR".into(), home.into()),
            ("BKPORTALS_TOKEN_STORE".into(), "file".into()),
        ];
        vars.extend(
            sandbox
                .exports
                .iter()
                .map(|(name, value)| (name.clone(), value.into())),
        );
        vars
    }
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
