//! Building the executable published schema (once per process, in the
//! background of a sandbox's start): target well under 50 ms in release.

use criterion::{criterion_group, criterion_main, Criterion};

fn schema_build(c: &mut Criterion) {
    c.bench_function("published schema build", |b| {
        b.iter(|| bkportals_sandbox::build_published_schema().expect("the schema builds"))
    });
}

criterion_group!(benches, schema_build);
criterion_main!(benches);
