//! A call waiting out a rate limit: the status line counts the wait down
//! (on the spinner's clock, which runs while a wait is on) and says when
//! it is over.

use std::time::{Duration, Instant};

use super::{App, Cause};
use crate::buildkite::Notice;

/// The wait the status line counts down.
#[derive(Debug, Clone)]
pub struct RateWait {
    until: Instant,
    /// When it ends on the wall clock, as the status line says it.
    ends_at: String,
    server: String,
}

impl App {
    /// What the HTTP client announced while a call goes on.
    pub(super) fn on_notice(&mut self, notice: Notice, now: Instant) {
        match notice {
            Notice::RateLimited { wait, server } => {
                let ends =
                    chrono::Local::now() + chrono::Duration::from_std(wait).unwrap_or_default();
                self.rate_wait = Some(RateWait {
                    until: now + wait,
                    ends_at: ends.format("%H:%M:%S").to_string(),
                    server: crate::buildkite::http::server_said(server.as_deref()),
                });
                let text = self.rate_wait_text(now);
                self.say_because(Cause::RateLimit, text);
            }
            Notice::RateLimitOver { .. } => {
                self.rate_wait = None;
                if self.status_cause == Some(Cause::RateLimit) {
                    self.say(format!("{notice}…"));
                }
            }
        }
    }

    /// The status line's countdown at `now`; another message said since
    /// then stays.
    pub(super) fn count_down_rate_wait(&mut self, now: Instant) {
        if self.rate_wait.is_some() && self.status_cause == Some(Cause::RateLimit) {
            // Not logged again each second: the log has the wait once.
            self.status = self.rate_wait_text(now);
        }
    }

    fn rate_wait_text(&self, now: Instant) -> String {
        let Some(wait) = &self.rate_wait else {
            return String::new();
        };
        let left = wait.until.saturating_duration_since(now);
        // Rounded up: "0 s" only once it is over.
        let secs = (left + Duration::from_millis(999)).as_secs();
        format!(
            "Rate-limited by {}: continuing at {} (in {secs} s)",
            wait.server, wait.ends_at
        )
    }

    pub(super) fn rate_waiting(&self) -> bool {
        self.rate_wait.is_some()
    }
}
