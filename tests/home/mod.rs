//! A user's home for running the real binary: config, data and cache dirs
//! of its own, the file token store, and nothing from the caller's environment.
#![allow(dead_code)]

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub use crate::common::BIN;

pub struct Home {
    dir: tempfile::TempDir,
}

impl Home {
    pub fn new() -> Home {
        Home {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn token_store(&self) -> PathBuf {
        self.path().join("data/bkportals/tokens.toml")
    }

    pub fn config_file(&self) -> PathBuf {
        self.path().join("config/bkportals/config.toml")
    }

    /// A query file in this home holding `document`: its path.
    pub fn query_file(&self, document: &str) -> String {
        let path = self.path().join("q.graphql");
        std::fs::write(&path, document).unwrap();
        path.to_str().unwrap().to_owned()
    }

    /// The whole environment of a command in this home: PATH, HOME and the
    /// XDG config, data, cache and state dirs inside it, the file token store.
    pub fn environment(&self) -> Vec<(&'static str, OsString)> {
        let home = self.path();
        vec![
            ("PATH", std::env::var_os("PATH").unwrap_or_default()),
            ("HOME", home.into()),
            ("XDG_CONFIG_HOME", home.join("config").into()),
            ("XDG_DATA_HOME", home.join("data").into()),
            ("XDG_CACHE_HOME", home.join("cache").into()),
            ("XDG_STATE_HOME", home.join("state").into()),
            ("BKPORTALS_TOKEN_STORE", "file".into()),
        ]
    }

    /// `bkportals ARGS` in this home with `env` set, not started yet.
    pub fn command_line(&self, env: &[(String, String)], args: &[&str]) -> Command {
        let mut command = Command::new(BIN);
        command
            .args(args)
            .env_clear()
            .envs(self.environment())
            .current_dir(self.path())
            .stdin(Stdio::null());
        for (name, value) in env {
            command.env(name, value);
        }
        command
    }

    /// Runs `bkportals ARGS` to the end.
    pub fn command(&self, env: &[(String, String)], args: &[&str]) -> Output {
        self.command_line(env, args)
            .output()
            .expect("bkportals runs")
    }
}

impl Home {
    /// Runs `bkportals ARGS` with `input` on its stdin (a pipe).
    pub fn command_with_stdin(
        &self,
        env: &[(String, String)],
        args: &[&str],
        input: &str,
    ) -> Output {
        use std::io::Write;
        let mut child = self
            .command_line(env, args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("bkportals starts");
        let mut stdin = child.stdin.take().expect("stdin");
        // A command that fails early closes its stdin: that is its answer.
        let _ = stdin.write_all(input.as_bytes());
        drop(stdin);
        child.wait_with_output().expect("bkportals runs")
    }
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The `error: ` line of a run, without its prefix.
pub fn error_line(output: &Output) -> Option<String> {
    stderr(output)
        .lines()
        .find_map(|line| line.strip_prefix("error: "))
        .map(str::to_owned)
}

pub fn assert_ok(output: &Output) {
    assert!(
        output.status.success(),
        "exit {:?}\nstdout: {}\nstderr: {}",
        output.status.code(),
        stdout(output),
        stderr(output)
    );
}
