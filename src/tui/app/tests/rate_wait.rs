//! A rate-limit wait counts down on the status line and says when it ends.

use std::time::{Duration, Instant};

use super::history::screen;
use super::*;
use crate::buildkite::Notice;

fn footer(app: &App) -> String {
    flowed(&screen(app))
}

#[test]
fn a_rate_limit_wait_counts_down_on_the_footer_and_says_when_it_is_over() {
    let mut app = loaded();
    app.screen = ratatui::layout::Rect::new(0, 0, 160, 30);
    let start = Instant::now();
    let server = Some("127.0.0.1:40275".to_owned());
    app.on_notice(
        Notice::RateLimited {
            wait: Duration::from_secs(59),
            server: server.clone(),
        },
        start,
    );
    assert!(app.busy(), "the clock runs while the wait is on");
    let shown = footer(&app);
    assert!(
        shown.contains("Rate-limited by 127.0.0.1:40275: continuing at "),
        "{shown}"
    );
    assert!(shown.contains("(in 59 s)"), "{shown}");
    app.count_down_rate_wait(start + Duration::from_secs(12));
    let shown = footer(&app);
    assert!(shown.contains("(in 47 s)"), "twelve seconds later: {shown}");
    app.update(Msg::Notice(Notice::RateLimitOver { server }));
    assert!(
        app.status
            .contains("the rate limit of 127.0.0.1:40275 is over; continuing"),
        "{}",
        app.status
    );
    assert!(!app.busy(), "no clock once the wait is over");
    assert_eq!(
        app.messages
            .iter()
            .filter(|m| m.contains("Rate-limited"))
            .count(),
        1,
        "the log has the wait once, not every second"
    );
}

#[test]
fn news_said_during_a_wait_is_not_overwritten_by_the_countdown() {
    let mut app = loaded();
    let start = Instant::now();
    app.on_notice(
        Notice::RateLimited {
            wait: Duration::from_secs(30),
            server: None,
        },
        start,
    );
    assert!(
        app.status.contains("Rate-limited by Buildkite"),
        "{}",
        app.status
    );
    app.update(Msg::Status("Saved.".into()));
    app.count_down_rate_wait(start + Duration::from_secs(5));
    assert_eq!(app.status, "Saved.");
    app.update(Msg::Notice(Notice::RateLimitOver { server: None }));
    assert_eq!(
        app.status, "Saved.",
        "the end of the wait does not replace it"
    );
}
