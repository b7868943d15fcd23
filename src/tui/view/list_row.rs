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

/// Columns the markers take: `●UT!`.
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
    let room = width.saturating_sub(MARKS);
    let name_room = room.min(width_of(&name)).max(room.min(1));
    let (name_kept, name) = cut(&name, name_room);
    let slug_room = room.saturating_sub(width_of(&name) + 2);
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
    if slug_room >= 2 {
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

/// `text` cut to `width` columns, with `…` when it did not fit; and how many
/// of its chars are kept.
fn cut(text: &str, width: usize) -> (usize, String) {
    if width_of(text) <= width {
        return (text.chars().count(), text.to_owned());
    }
    let mut kept = String::new();
    let mut used = 0;
    let mut count = 0;
    for c in text.chars() {
        let w = width_of(c.encode_utf8(&mut [0; 4]));
        if used + w + 1 > width {
            break;
        }
        kept.push(c);
        used += w;
        count += 1;
    }
    kept.push('…');
    (count, kept)
}

/// Spans of `text` with the chars at `matches` (below `kept`) marked.
fn marked(text: &str, kept: usize, matches: &[usize], base: Style) -> Vec<Span<'static>> {
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
    use super::cut;
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
