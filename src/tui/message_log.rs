//! The message log's geometry (F7), shared by its drawing and its keys:
//! which messages fit on a screen, scrolled back how far.

use std::collections::VecDeque;

use super::wrap;

/// The log's box on a screen: its width, the width of its text, and the
/// rows for messages (one more is kept for the keys below them).
pub struct MessageLog {
    pub width: u16,
    pub text_width: usize,
    pub rows: usize,
}

impl MessageLog {
    pub fn on(screen_width: u16, screen_height: u16) -> MessageLog {
        let width = screen_width.saturating_sub(4).min(100);
        let room = usize::from(screen_height.saturating_sub(4)).max(1);
        MessageLog {
            width,
            text_width: usize::from(width.saturating_sub(4)).max(1),
            rows: room.saturating_sub(1).max(1),
        }
    }

    /// Each message wrapped to the log's text width.
    pub fn wrapped(&self, messages: &VecDeque<String>) -> Vec<Vec<String>> {
        (messages.iter())
            .map(|message| wrap::wrap_lines(message, self.text_width))
            .collect()
    }

    /// How far back (newer messages below) the page that starts at the
    /// oldest message ends.
    pub fn oldest_page(&self, messages: &VecDeque<String>) -> usize {
        let wrapped = self.wrapped(messages);
        let (_, end) = window(&wrapped, wrapped.len(), self.rows);
        wrapped.len() - end
    }
}

/// The messages shown, `first..end`: those that fit in `rows`, ending
/// `back` before the newest; scrolled back to the oldest, the page is
/// filled from there.
pub fn window(messages: &[Vec<String>], back: usize, rows: usize) -> (usize, usize) {
    let mut end = messages
        .len()
        .saturating_sub(back)
        .max(1)
        .min(messages.len());
    let mut first = end;
    let mut used = 0;
    while first > 0 && (used + messages[first - 1].len() <= rows || first == end) {
        used += messages[first - 1].len();
        first -= 1;
    }
    while first == 0 && end < messages.len() && used + messages[end].len() <= rows {
        used += messages[end].len();
        end += 1;
    }
    (first, end)
}
