//! Where a document's lines sit inside its pane: the same numbers for
//! drawing, scrolling and mouse clicks.

use ratatui::layout::Rect;
use ratatui::text::Span;

use crate::text::sanitize_line;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Viewport {
    /// Inside the pane's border.
    pub inner: Rect,
    /// The first line on screen.
    pub first: usize,
    /// Rows of text (the error list takes the rest).
    pub rows: usize,
    /// Columns the line numbers take, with their separator.
    pub gutter: usize,
    /// Columns of text.
    pub width: usize,
    /// Chars scrolled off to the left (the cursor's line is kept in view,
    /// left of the last column).
    pub hscroll: usize,
}

/// The viewport of a document of `lines` lines with `diagnostics` listed
/// under it, scrolled to `scroll`, with the cursor (when focused) kept on
/// screen.
pub fn viewport(
    inner: Rect,
    lines: usize,
    diagnostics: usize,
    scroll: usize,
    cursor: Option<(usize, usize)>,
) -> Viewport {
    let diagnostic_rows = diagnostics.min(3).min(inner.height as usize / 2);
    let rows = (inner.height as usize)
        .saturating_sub(diagnostic_rows)
        .max(1);
    let first = visible_from(scroll, cursor, lines, rows);
    let gutter = lines.to_string().len() + 3;
    let width = (inner.width as usize).saturating_sub(gutter).max(1);
    // The last column is kept for the `›` of a line that goes on past it,
    // so the cursor stays left of it.
    let hscroll = match cursor {
        Some((_, column)) if width > 2 && column + 1 >= width => column + 2 - width,
        Some((_, column)) if column >= width => column + 1 - width,
        _ => 0,
    };
    Viewport {
        inner,
        first,
        rows,
        gutter,
        width,
        hscroll,
    }
}

/// The first line to show: as scrolled, but never past what fills the rows
/// (a document that fits shows from line 1), and always with the cursor's
/// line in view (after a paste, an undo, or rows taken by the error list).
fn visible_from(scroll: usize, cursor: Option<(usize, usize)>, lines: usize, rows: usize) -> usize {
    let mut first = scroll.min(lines.saturating_sub(rows));
    if let Some((row, _)) = cursor {
        if row < first {
            first = row;
        } else if row >= first + rows {
            first = row + 1 - rows;
        }
    }
    first
}

impl Viewport {
    /// The (line, char column) under screen cell (x, y); a click past the end
    /// of a line lands at its end, one under the last line on the last line.
    pub fn at(&self, x: u16, y: u16, lines: &[String]) -> Option<(usize, usize)> {
        let inner = self.inner;
        if y < inner.y || y >= inner.y + self.rows as u16 || x < inner.x {
            return None;
        }
        let row = (self.first + (y - inner.y) as usize).min(lines.len().saturating_sub(1));
        let line = lines.get(row)?;
        let mut room = (x - inner.x) as usize;
        if room < self.gutter {
            return Some((row, self.hscroll));
        }
        room -= self.gutter;
        let mut column = self.hscroll;
        for c in line.chars().skip(self.hscroll) {
            let width = Span::raw(sanitize_line(c.encode_utf8(&mut [0; 4]))).width();
            if room < width {
                break;
            }
            room -= width;
            column += 1;
        }
        Some((row, column))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_document_that_fits_shows_from_its_first_line_and_the_cursor_stays_in_view() {
        assert_eq!(visible_from(8, None, 9, 20), 0, "it fits: from line 1");
        assert_eq!(visible_from(8, Some((2, 0)), 40, 20), 2, "up to the cursor");
        assert_eq!(
            visible_from(0, Some((39, 0)), 40, 20),
            20,
            "down to the cursor"
        );
        assert_eq!(visible_from(10, Some((15, 0)), 40, 20), 10, "as scrolled");
    }

    #[test]
    fn a_cell_maps_to_the_character_drawn_there() {
        let lines: Vec<String> = vec!["query {".into(), "  naïve✓x".into()];
        let view = viewport(Rect::new(10, 5, 30, 6), lines.len(), 0, 0, None);
        assert_eq!(view.gutter, 4, "`1 │ `");
        assert_eq!(view.at(14, 5, &lines), Some((0, 0)));
        assert_eq!(view.at(16, 6, &lines), Some((1, 2)), "on the `n`");
        assert_eq!(view.at(39, 6, &lines), Some((1, 9)), "past the end: at it");
        assert_eq!(view.at(12, 6, &lines), Some((1, 0)), "on the number");
        assert_eq!(view.at(15, 10, &lines), Some((1, 1)), "under the text");
        assert_eq!(view.at(15, 4, &lines), None, "on the border");
    }
}
