//! The response viewer's line builder: any body gives lines, folds and
//! searches that stay in range.
#![no_main]

use bkportals::tui::body::Body;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut body = Body::new(String::from_utf8_lossy(data).into_owned());
    let count = body.line_count();
    for i in 0..count.min(200) {
        let _ = body.line_text(i);
        if let Some(end) = body.closing(i) {
            assert!(end < count && end >= i);
            body.toggle_fold(i);
            assert!(body.visible_count() <= count);
            body.toggle_fold(i);
        }
    }
    let visible = body.visible_count();
    for row in 0..visible.min(200) {
        let line = body.line_at_row(row);
        assert!(line < count.max(1));
    }
    if let Some(found) = body.find("a", 0, true) {
        assert!(found < count);
    }
});
