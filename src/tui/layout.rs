//! Screen geometry, computed from the terminal size alone so that drawing and
//! mouse hit-testing (and editor scrolling in `update`) agree.

use ratatui::layout::{Constraint, Layout, Rect};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Areas {
    pub list: Rect,
    pub fields: Rect,
    pub document: Rect,
    pub variables: Rect,
    pub response: Rect,
    pub footer: Rect,
}

/// Rows the portal's fields take (inside their border).
pub const FIELD_ROWS: u16 = 5;

/// `run_first` gives the variables and response panes the larger share
/// (when one of them has the focus).
pub fn areas(screen: Rect, run_first: bool) -> Areas {
    let [main, footer] =
        Layout::vertical([Constraint::Min(3), Constraint::Length(1)]).areas(screen);
    let [list, right] =
        Layout::horizontal([Constraint::Percentage(30), Constraint::Percentage(70)]).areas(main);
    let [fields, document, run] = Layout::vertical([
        Constraint::Length(FIELD_ROWS + 2),
        Constraint::Percentage(if run_first { 25 } else { 55 }),
        Constraint::Fill(1),
    ])
    .areas(right);
    let [variables, response] =
        Layout::horizontal([Constraint::Percentage(40), Constraint::Percentage(60)]).areas(run);
    Areas {
        list,
        fields,
        document,
        variables,
        response,
        footer,
    }
}

/// Rows of text inside a bordered area.
pub fn inner_height(area: Rect) -> usize {
    area.height.saturating_sub(2) as usize
}

pub fn contains(area: Rect, column: u16, row: u16) -> bool {
    column >= area.x && column < area.x + area.width && row >= area.y && row < area.y + area.height
}

/// A centered rectangle of at most `width` x `height`.
pub fn centered(screen: Rect, width: u16, height: u16) -> Rect {
    let width = width.min(screen.width);
    let height = height.min(screen.height);
    Rect {
        x: screen.x + (screen.width - width) / 2,
        y: screen.y + (screen.height - height) / 2,
        width,
        height,
    }
}
