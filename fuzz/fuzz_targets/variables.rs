//! Variables coercion: any type and any typed text give a value or a message.
#![no_main]

use bkportals::graphql::variables::operations;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // First line: a variable type; the rest: what was typed for it.
    let (ty, typed) = text.split_once('\n').unwrap_or((text, ""));
    let document = format!("query Q($v: {ty}) {{ a }}");
    let Ok(ops) = operations(&document) else {
        return;
    };
    for op in ops {
        for variable in op.variables {
            // The type line may define more variables: each error names its own.
            if let Err(message) = variable.coerce(typed) {
                let prefix = format!("${}: ", variable.name);
                assert!(message.starts_with(&prefix), "{message}");
                assert!(!message.contains('\n'), "one line: {message:?}");
            }
        }
    }
});
