//! A jq filter over an answer (`|` in the response pane), through the jaq
//! crates: the body parsed into jaq's values, the filter run, its results
//! as JSON text for the viewer (one result as it is, several as an array).

use jaq_core::load::{Arena, File, Loader};
use jaq_core::{data, unwrap_valr, Compiler, Ctx, Vars};
use jaq_json::{read, Val};

/// Answers larger than this are not filtered in the app (it runs on the
/// input path): save them (`s`) and use jq.
pub const MAX_INPUT: usize = 8 << 20;

/// Results past this are left out (a filter like `recurse` can make many).
const MAX_RESULTS: usize = 100_000;

/// The JSON text of what `filter` makes of `body`, or a message saying
/// what to fix.
pub fn run(filter: &str, body: &str) -> Result<String, String> {
    if body.len() > MAX_INPUT {
        return Err(format!(
            "the answer is {} MB, over the {} MB filtered in the app: s saves it for jq",
            body.len() >> 20,
            MAX_INPUT >> 20
        ));
    }
    let input =
        read::parse_single(body.as_bytes()).map_err(|e| format!("the answer is not JSON ({e})"))?;
    let defs = jaq_core::defs()
        .chain(jaq_std::defs())
        .chain(jaq_json::defs());
    let funs = jaq_core::funs()
        .chain(jaq_std::funs())
        .chain(jaq_json::funs());
    let loader = Loader::new(defs);
    let arena = Arena::default();
    let program = File {
        code: filter,
        path: (),
    };
    let modules = loader
        .load(&arena, program)
        .map_err(|_| format!("`{filter}` does not parse as a jq filter"))?;
    let compiled = Compiler::default()
        .with_funs(funs)
        .compile(modules)
        .map_err(|errors| {
            let names: Vec<String> = errors
                .into_iter()
                .flat_map(|(_, errs)| errs.into_iter().map(|(name, _)| name.to_string()))
                .collect();
            format!(
                "`{filter}` names what jq does not know: {}",
                names.join(", ")
            )
        })?;
    let ctx = Ctx::<data::JustLut<Val>>::new(&compiled.lut, Vars::new([]));
    let mut results = Vec::new();
    for out in compiled.id.run((ctx, input)).map(unwrap_valr) {
        match out {
            Ok(value) => results.push(value.to_string()),
            Err(e) => return Err(format!("the filter stopped: {e}")),
        }
        if results.len() >= MAX_RESULTS {
            break;
        }
    }
    Ok(match results.len() {
        1 => results.remove(0),
        _ => format!("[{}]", results.join(",")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_filter_picks_out_of_the_answer() {
        let body = r#"{"data":{"builds":[{"n":1,"state":"PASSED"},{"n":2,"state":"FAILED"}]}}"#;
        assert_eq!(run(".data.builds[1].n", body).as_deref(), Ok("2"));
        assert_eq!(
            run(r#".data.builds[] | select(.state == "FAILED") | .n"#, body).as_deref(),
            Ok("2")
        );
        assert_eq!(run(".data.builds[].n", body).as_deref(), Ok("[1,2]"));
        assert_eq!(
            run("[.data.builds[] | .n] | length", body).as_deref(),
            Ok("2")
        );
    }

    #[test]
    fn what_is_wrong_is_said() {
        let body = r#"{"a":1}"#;
        let broken = run(".a | {", body);
        assert!(
            broken.as_ref().is_err_and(|e| e.contains("does not parse")),
            "{broken:?}"
        );
        assert!(run("nosuchfilter", body)
            .unwrap_err()
            .contains("nosuchfilter"));
        assert!(run(".a[0]", body)
            .unwrap_err()
            .starts_with("the filter stopped"));
        assert!(run(".", "<html>").unwrap_err().contains("not JSON"));
    }
}
