//! Copying text: always through the terminal (OSC 52, which works over SSH
//! and inside tmux), and to the system clipboard when there is one.

use std::io::Write;

use base64::Engine;

pub struct Clipboard {
    /// Kept for the app's lifetime once made: on X11 the owner must stay
    /// alive. Made at the first copy, not at launch: on X11 it connects to
    /// the display and starts a thread, which the first frame need not wait for.
    system: Option<Option<arboard::Clipboard>>,
}

impl Clipboard {
    pub fn new() -> Clipboard {
        Clipboard { system: None }
    }

    /// Copies `text`; says how it went, for the person who pressed the key.
    pub fn copy(&mut self, text: &str) -> String {
        let osc52 = osc52_sequence(text);
        let mut stdout = std::io::stdout();
        let terminal = stdout
            .write_all(osc52.as_bytes())
            .and_then(|_| stdout.flush())
            .is_ok();
        let system = self
            .system
            .get_or_insert_with(|| arboard::Clipboard::new().ok())
            .as_mut()
            .is_some_and(|c| c.set_text(text.to_owned()).is_ok());
        match (system, terminal) {
            (true, true) => "Copied to the system clipboard and through the terminal (OSC 52).".into(),
            (true, false) => "Copied to the system clipboard.".into(),
            (false, true) => "Copied through the terminal (OSC 52); no system clipboard here, so this works only if your terminal accepts OSC 52.".into(),
            (false, false) => "Could not copy: no system clipboard and the terminal could not be written.".into(),
        }
    }
}

impl Default for Clipboard {
    fn default() -> Self {
        Clipboard::new()
    }
}

/// The OSC 52 escape sequence that puts `text` on the terminal's clipboard.
pub fn osc52_sequence(text: &str) -> String {
    let encoded = base64::engine::general_purpose::STANDARD.encode(text);
    format!("\x1b]52;c;{encoded}\x07")
}

#[cfg(test)]
mod tests {
    #[test]
    fn osc52_carries_the_text_base64_encoded() {
        assert_eq!(super::osc52_sequence("hi"), "\x1b]52;c;aGk=\x07");
    }
}
