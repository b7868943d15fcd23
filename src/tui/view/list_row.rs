//! One row of the portal list: markers, the name and the slug, cut with an
//! ellipsis to the pane, the characters the filter matched marked.

use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::ListItem;

use super::dim;
use crate::buildkite::Portal;
use crate::graphql::fuzzy::Fuzzy;
use crate::text::sanitize_line;
use crate::tui::app::App;

/// How a character the filter matched is drawn.
pub(crate) fn matched_style() -> Style {
    Style::new()
        .fg(Color::LightYellow)
        .add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
}

/// Columns the markers take: `●UT!` (`D` or `E` in place of `●`).
const MARKS: usize = 4;

/// The row of `portal`, `width` columns wide; `filter` marks what it matched.
pub(super) fn list_item(
    app: &App,
    portal: &Portal,
    width: usize,
    filter: &mut Fuzzy,
) -> ListItem<'static> {
    let dirty = if app.is_dirty(&portal.slug) {
        "●"
    } else if app.has_pending_draft(&portal.slug) {
        "D"
    } else if app.is_edited_elsewhere(&portal.slug) {
        "E"
    } else {
        " "
    };
    let invokable = if portal.user_invokable { "U" } else { " " };
    let token = if app.has_token(&portal.slug) {
        "T"
    } else {
        " "
    };
    let risky = if app.is_risky(portal) { "!" } else { " " };
    let name = sanitize_line(&portal.name);
    let slug = sanitize_line(&portal.slug);
    let (name_room, slug_room) = share(
        width.saturating_sub(MARKS),
        width_of(&name),
        width_of(&slug),
    );
    let (name_kept, name) = cut(&name, name_room);
    let mut spans = vec![
        Span::styled(dirty.to_owned(), Style::new().fg(Color::Yellow)),
        Span::styled(
            format!("{invokable}{token}"),
            Style::new().fg(Color::Yellow),
        ),
        Span::styled(risky, Style::new().fg(Color::Red)),
    ];
    let name_matches = filter.indices(&portal.name).unwrap_or_default();
    spans.extend(marked(&name, name_kept, &name_matches, Style::new()));
    if slug_room > 0 {
        let (slug_kept, slug) = cut(&slug, slug_room);
        let slug_matches = filter.indices(&portal.slug).unwrap_or_default();
        spans.push(Span::styled("  ", dim()));
        spans.extend(marked(&slug, slug_kept, &slug_matches, dim()));
    }
    ListItem::new(Line::from(spans))
}

fn width_of(text: &str) -> usize {
    Span::raw(text).width()
}

/// Columns for the name and for the slug (0: no slug) out of `room`, two
/// going between them. When both do not fit, the name comes first, but the
/// slug keeps a share (a quarter, at least four columns) and is cut with
/// `…` rather than dropped.
fn share(room: usize, name: usize, slug: usize) -> (usize, usize) {
    const GAP: usize = 2;
    /// Fewer columns than this say nothing of a slug.
    const SLUG_MIN: usize = 4;
    if name + GAP + slug <= room {
        return (name, slug);
    }
    let text = room.saturating_sub(GAP);
    let slug_share = slug.min((text / 4).max(SLUG_MIN));
    if text < SLUG_MIN * 2 {
        return (room.min(name).max(room.min(1)), 0);
    }
    let name_room = name.min(text - slug_share).max(1);
    (name_room, text - name_room)
}

/// `text` cut to `width` columns (`wrap::cut`, with `…` when it did not
/// fit), and how many of its chars are kept.
fn cut(text: &str, width: usize) -> (usize, String) {
    let cut = crate::tui::wrap::cut(text, width);
    let kept = if cut == text {
        text.chars().count()
    } else {
        cut.chars().count().saturating_sub(1)
    };
    (kept, cut)
}

/// Spans of `text` with the chars at `matches` (below `kept`) marked.
pub(super) fn marked(
    text: &str,
    kept: usize,
    matches: &[usize],
    base: Style,
) -> Vec<Span<'static>> {
    let mut spans = Vec::new();
    let mut run = String::new();
    let mut run_matched = false;
    for (i, c) in text.chars().enumerate() {
        let matched = i < kept && matches.binary_search(&i).is_ok();
        if matched != run_matched && !run.is_empty() {
            spans.push(styled(std::mem::take(&mut run), base, run_matched));
        }
        run_matched = matched;
        run.push(c);
    }
    if !run.is_empty() {
        spans.push(styled(run, base, run_matched));
    }
    spans
}

fn styled(text: String, base: Style, matched: bool) -> Span<'static> {
    Span::styled(
        text,
        if matched {
            base.patch(matched_style())
        } else {
            base
        },
    )
}

#[cfg(test)]
mod tests {
    use super::{cut, share};

    #[test]
    fn a_long_name_leaves_the_slug_a_share_to_cut_rather_than_dropping_it() {
        assert_eq!(share(40, 13, 13), (13, 13), "both fit");
        assert_eq!(share(16, 13, 13), (10, 4), "both cut, the name less");
        assert_eq!(share(42, 40, 30), (30, 10));
        assert_eq!(share(16, 5, 13), (5, 9), "a short name leaves the rest");
        assert_eq!(share(6, 13, 13), (6, 0), "too narrow for two");
    }

    #[test]
    fn a_cut_ends_in_an_ellipsis_within_the_width() {
        assert_eq!(cut("deploy-web", 20), (10, "deploy-web".to_owned()));
        assert_eq!(cut("deploy-web", 7), (6, "deploy…".to_owned()));
        assert_eq!(
            cut("日本語です", 5),
            (2, "日本…".to_owned()),
            "wide chars count two"
        );
    }
}
