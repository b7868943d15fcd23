//! Fixed-window rate limits, reported the way Buildkite reports them.

use std::collections::HashMap;
use std::time::{Duration, Instant};

/// One counter per key (organization or user) per window.
#[derive(Debug)]
pub struct RateLimiter {
    pub limit: u32,
    window: Duration,
    counters: HashMap<String, (Instant, u32)>,
}

/// The state of one counter after counting a request.
#[derive(Debug, Clone, Copy)]
pub struct Usage {
    pub limit: u32,
    pub current: u32,
    pub reset_secs: u64,
}

impl Usage {
    pub fn exceeded(&self) -> bool {
        self.current > self.limit
    }

    pub fn remaining(&self) -> u32 {
        self.limit.saturating_sub(self.current)
    }
}

impl RateLimiter {
    pub fn new(limit: u32, window: Duration) -> Self {
        RateLimiter {
            limit,
            window,
            counters: HashMap::new(),
        }
    }

    /// Counts one request against `key` (rejected requests count too, as at Buildkite).
    pub fn hit(&mut self, key: &str, now: Instant) -> Usage {
        self.spend(key, now, 1)
    }

    /// Where `key` stands, without counting anything.
    pub fn peek(&mut self, key: &str, now: Instant) -> Usage {
        self.spend(key, now, 0)
    }

    /// Counts `amount` (requests, or complexity points) against `key`.
    pub fn spend(&mut self, key: &str, now: Instant, amount: u32) -> Usage {
        let window = self.window;
        let entry = self.counters.entry(key.to_owned()).or_insert((now, 0));
        if now.duration_since(entry.0) >= window {
            *entry = (now, 0);
        }
        entry.1 = entry.1.saturating_add(amount);
        let left = window.saturating_sub(now.duration_since(entry.0));
        Usage {
            limit: self.limit,
            current: entry.1,
            reset_secs: left.as_secs_f64().ceil() as u64,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_counts_then_resets() {
        let mut limiter = RateLimiter::new(2, Duration::from_secs(60));
        let start = Instant::now();
        assert!(!limiter.hit("org", start).exceeded());
        assert_eq!(limiter.hit("org", start).remaining(), 0);
        let third = limiter.hit("org", start + Duration::from_secs(18));
        assert!(third.exceeded());
        assert_eq!(third.reset_secs, 42);
        assert!(!limiter.hit("other", start).exceeded());
        assert!(!limiter
            .hit("org", start + Duration::from_secs(61))
            .exceeded());
    }
}
