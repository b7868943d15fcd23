//! Document diagnostics, highlighting and completion never panic, and every
//! diagnostic points inside the document.
#![no_main]

use bkportals::graphql::{completion, diagnostics, highlight, schema::GraphqlSchema};
use libfuzzer_sys::fuzz_target;

fn schema() -> &'static GraphqlSchema {
    static SCHEMA: std::sync::OnceLock<GraphqlSchema> = std::sync::OnceLock::new();
    SCHEMA.get_or_init(|| {
        GraphqlSchema::from_sdl(
            &bkportals::sandbox::schema_sdl().expect("the sandbox schema builds"),
        )
        .expect("the sandbox schema")
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let lines = text.split('\n').count();
    for d in diagnostics::parse_diagnostics(text) {
        assert!(d.line >= 1 && d.line <= lines && d.column >= 1 && d.width >= 1);
    }
    for d in schema().check(text) {
        assert!(d.line >= 1 && d.column >= 1);
    }
    for (row, line) in text.split('\n').enumerate().take(50) {
        let runs = highlight::graphql_line(line);
        assert_eq!(runs.iter().map(|(_, t)| t.len()).sum::<usize>(), line.len());
        let column = line.chars().count() / 2;
        let _ = completion::complete(schema(), text, row, column);
        let _ = completion::coordinate_at(schema(), text, row, column);
    }
});
