//! `bkportals list --json` against a sandbox process holding 5,000 portals
//! (50 pages of 100), from a private home: the time, and the command's own
//! peak memory (from `wait4`), printed.

use std::process::Command;

use criterion::{criterion_group, criterion_main, Criterion};

#[path = "../tests/common/mod.rs"]
mod common;
#[path = "../tests/home/mod.rs"]
mod home;
mod isolated;

/// One `bkportals list --json` in `home` against `sandbox`, its output
/// going to files there.
fn list(home: &isolated::Home, sandbox: &isolated::SandboxProcess) -> Command {
    let mut command = home.command_line(&sandbox.exports, &["list", "--json"]);
    let file = |name: &str| std::fs::File::create(home.path().join(name)).expect("output file");
    command.stdout(file("stdout")).stderr(file("stderr"));
    command
}

/// Runs `command` to its end; its peak resident memory in KB, from `wait4`
/// (the child's own, with what it was forked from: this process, kept small
/// by the sandbox running in a process of its own).
// The child is reaped by wait4, which also reports its peak memory.
#[allow(clippy::zombie_processes)]
fn peak_kb_of(mut command: Command) -> i64 {
    let child = command.spawn().expect("bkportals runs");
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: a zeroed rusage is a valid value; wait4 fills it for our child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waits for our own child, which nothing else waits for.
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(waited, pid, "waited for the child");
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "list failed"
    );
    usage.ru_maxrss
}

/// This process's own peak resident memory, in KB.
fn own_peak_kb() -> i64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    let line = status.lines().find(|l| l.starts_with("VmHWM:"));
    let kb = line.and_then(|l| l.split_whitespace().nth(1));
    kb.and_then(|kb| kb.parse().ok())
        .expect("VmHWM in /proc/self/status")
}

fn list_5000(c: &mut Criterion) {
    let home = isolated::Home::new();
    let sandbox = isolated::sandbox(&home, 5_000);
    let run = || {
        let status = list(&home, &sandbox).status().expect("bkportals runs");
        assert!(status.success(), "list failed");
    };

    let peak_kb = peak_kb_of(list(&home, &sandbox));
    let printed = std::fs::read(home.path().join("stdout")).expect("what list printed");
    assert!(printed.len() > 5_000 * 300, "all 5,000 portals are listed");
    // A child's peak starts from this process's memory at the fork: the
    // figure is the command's only while this process is smaller.
    let parent_kb = own_peak_kb();
    assert!(
        parent_kb < peak_kb,
        "this bench ({parent_kb} KB) is larger than the command it measures ({peak_kb} KB)"
    );
    println!(
        "list --json, 5000 portals: peak resident memory {:.1} MB (the command's own, from wait4)",
        peak_kb as f64 / 1024.0
    );

    let mut group = c.benchmark_group("list");
    group.sample_size(10);
    group.bench_function("list --json, 5000 portals, 50 pages", |b| b.iter(run));
    group.finish();
}

criterion_group!(benches, list_5000);
criterion_main!(benches);
