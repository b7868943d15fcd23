//! The formatter never panics, is stable, and keeps a parsing document parsing.
#![no_main]

use bkportals::graphql::{diagnostics::parse_diagnostics, format::format};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(once) = format(text) {
        assert!(
            parse_diagnostics(&once).is_empty(),
            "formatted text parses:\n{once}"
        );
        let twice = format(&once).expect("formatted text formats again");
        assert_eq!(once, twice, "formatting is stable");
    }
});
