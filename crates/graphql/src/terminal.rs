//! Characters a terminal acts on instead of showing: one definition for
//! every message that quotes text (the client's sanitizer uses it too).

/// Would move, recolour or reorder what a terminal shows instead of being
/// shown: control characters (ESC, C1, DEL...) and bidi controls.
pub fn is_unsafe(c: char) -> bool {
    c.is_control() || is_bidi_control(c)
}

/// Unicode's bidirectional controls: they reorder the text after them.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c,
        '\u{202A}'..='\u{202E}' // embeddings and overrides
        | '\u{2066}'..='\u{2069}' // isolates
        | '\u{200E}' | '\u{200F}' | '\u{061C}') // marks
}
