//! REST model decoding: any body decodes or is refused, never a panic.
#![no_main]

use bkportals::buildkite::{CreatedPortal, Portal};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = serde_json::from_slice::<Vec<Portal>>(data);
    let _ = serde_json::from_slice::<Portal>(data);
    let _ = serde_json::from_slice::<CreatedPortal>(data);
    let _ = bkportals::buildkite::invoke::GraphqlEnvelope::parse(&String::from_utf8_lossy(data));
});
