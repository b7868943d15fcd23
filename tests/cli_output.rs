//! What the command line does with its own output channel.

mod common;
mod home;

use std::process::Stdio;

use home::Home;

/// `bkportals … | head` closes the pipe before the output is all written:
/// the command stops quietly, as Unix tools do, instead of printing a panic.
#[test]
fn a_closed_stdout_stops_the_command_without_a_panic() {
    let home = Home::new();
    // The published schema's SDL is far larger than a pipe's buffer, so the
    // command is still writing when the reader has gone.
    let mut child = home
        .command_line(&[], &["--demo", "schema", "show"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("bkportals starts");
    drop(child.stdout.take());
    let output = child.wait_with_output().expect("bkportals ends");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !stderr.contains("panicked") && !stderr.contains("Broken pipe"),
        "{stderr}"
    );
    assert_eq!(output.status.code(), Some(141), "{stderr}");
}

/// The same for a command that writes its output in one go.
#[test]
fn a_closed_stdout_ends_a_written_script_quietly_too() {
    let home = Home::new();
    // The reader is gone before the command starts.
    let (reader, writer) = std::io::pipe().expect("a pipe");
    drop(reader);
    let output = home
        .command_line(&[], &["completions", "bash"])
        .stdout(writer)
        .stderr(Stdio::piped())
        .output()
        .expect("bkportals runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("error"), "{stderr}");
    assert_eq!(output.status.code(), Some(141), "{stderr}");
}
