//! `bkportals list --json` against a sandbox holding 5,000 portals (50 pages of 100).

use std::process::Command;

use criterion::{criterion_group, criterion_main, Criterion};

fn list_5000(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().expect("tokio runtime");
    let sandbox = runtime.block_on(async {
        bkportals::sandbox::start(bkportals::sandbox::SandboxOptions {
            extra_portals: 5_000 - 4,
            org_rate_limit: 1_000_000,
            user_rate_limit: 1_000_000,
            ..Default::default()
        })
        .await
        .expect("sandbox starts")
    });
    let binary = env!("CARGO_BIN_EXE_bkportals");
    let run = || {
        let output = Command::new(binary)
            .args(["list", "--json"])
            .env("BUILDKITE_REST_API_ENDPOINT", sandbox.rest_endpoint())
            .env("BUILDKITE_ORGANIZATION_SLUG", &sandbox.org_slug)
            .env("BUILDKITE_API_TOKEN", &sandbox.api_token)
            .env(
                "XDG_DATA_HOME",
                std::env::temp_dir().join("bkportals-bench"),
            )
            .output()
            .expect("bkportals runs");
        assert!(output.status.success());
        output.stdout.len()
    };
    assert!(run() > 5_000 * 300, "all 5,000 portals are listed");
    let mut group = c.benchmark_group("list");
    group.sample_size(10);
    group.bench_function("list --json, 5000 portals, 50 pages", |b| b.iter(run));
    group.finish();
}

criterion_group!(benches, list_5000);
criterion_main!(benches);
