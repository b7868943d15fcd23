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
    /// The panes' names, on short screens where some are out of sight.
    pub tabs: Rect,
}

/// Rows the portal's fields take (inside their border), when the reasons
/// for its `!` fit on the last one.
pub const FIELD_ROWS: u16 = 5;

/// Below this height the screen is short: the document and the run panes
/// take turns (as tabs) instead of sharing the rows.
pub const SHORT_SCREEN: u16 = 30;

/// The panes, for geometry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    List,
    Document,
    Variables,
    Response,
}

/// What the geometry depends on besides the screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Arrangement {
    /// The focused pane gets the larger share (or all of it, zoomed).
    pub focus: Pane,
    pub zoomed: bool,
    /// Rows of the footer (a long message wraps onto more).
    pub footer_rows: u16,
    /// Rows inside the fields pane: `FIELD_ROWS`, more for several reasons
    /// of a `!`.
    pub field_rows: u16,
}

pub fn areas(screen: Rect, arrangement: Arrangement) -> Areas {
    let footer_rows = arrangement
        .footer_rows
        .clamp(1, screen.height.saturating_sub(3).max(1));
    let [main, footer] =
        Layout::vertical([Constraint::Min(3), Constraint::Length(footer_rows)]).areas(screen);
    let none = Rect::default();
    let mut areas = Areas {
        list: none,
        fields: none,
        document: none,
        variables: none,
        response: none,
        footer,
        tabs: none,
    };
    let run_first = matches!(arrangement.focus, Pane::Variables | Pane::Response);
    if arrangement.zoomed {
        match arrangement.focus {
            Pane::List => areas.list = main,
            Pane::Document => areas.document = main,
            Pane::Variables => areas.variables = main,
            Pane::Response => areas.response = main,
        }
        return areas;
    }
    if screen.height < SHORT_SCREEN {
        let [tabs, rest] =
            Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(main);
        areas.tabs = tabs;
        if run_first {
            // The run panes take the whole width: the list can wait.
            [areas.variables, areas.response] =
                Layout::horizontal([Constraint::Percentage(40), Constraint::Percentage(60)])
                    .areas(rest);
        } else {
            let [list, right] =
                Layout::horizontal([Constraint::Percentage(30), Constraint::Percentage(70)])
                    .areas(rest);
            let [fields, document] = Layout::vertical([
                Constraint::Length(arrangement.field_rows + 2),
                Constraint::Fill(1),
            ])
            .areas(right);
            (areas.list, areas.fields, areas.document) = (list, fields, document);
        }
        return areas;
    }
    let [list, right] =
        Layout::horizontal([Constraint::Percentage(30), Constraint::Percentage(70)]).areas(main);
    let [fields, document, run] = Layout::vertical([
        Constraint::Length(arrangement.field_rows + 2),
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
        tabs: none,
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
