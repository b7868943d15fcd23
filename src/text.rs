//! Making strings from the server safe to show in a terminal.

/// Replaces control characters (including ESC, so no escape sequence survives)
/// and bidirectional overrides with visible stand-ins; keeps `\n` and `\t`.
pub fn sanitize(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\n' | '\t' => c,
            c if is_unsafe(c) => '�',
            c => c,
        })
        .collect()
}

/// Like [`sanitize`], for text that must stay on one line.
pub fn sanitize_line(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\n' | '\r' | '\t' => ' ',
            c if is_unsafe(c) => '�',
            c => c,
        })
        .collect()
}

/// Would move, recolour or reorder what a terminal shows instead of being
/// shown: control characters (ESC, C1, DEL...) and bidi controls.
pub fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{202A}'..='\u{202E}' // bidi embeddings and overrides
            | '\u{2066}'..='\u{2069}' // bidi isolates
            | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_and_bidi_characters_become_visible_stand_ins() {
        let hostile = "ok\x1b[31mred\x07\u{202E}evil\r";
        let clean = sanitize(hostile);
        assert_eq!(clean, "ok�[31mred��evil�");
        assert_eq!(sanitize_line("a\nb\tc"), "a b c");
        assert_eq!(sanitize("a\nb"), "a\nb");
    }
}
