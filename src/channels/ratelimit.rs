//! A token bucket per key (a client address, a visitor), in memory: the web
//! chat endpoints are open to the internet and must not be floodable.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

pub struct RateLimiter {
    /// Tokens added per second.
    rate: f64,
    /// Bucket size: how many requests may come at once.
    burst: f64,
    buckets: Mutex<HashMap<String, (f64, Instant)>>,
}

impl RateLimiter {
    pub fn new(per_minute: u32, burst: u32) -> RateLimiter {
        RateLimiter { rate: per_minute as f64 / 60.0, burst: burst as f64, buckets: Mutex::new(HashMap::new()) }
    }

    /// Takes a token for `key`; on refusal, the seconds until one is free.
    pub fn check(&self, key: &str) -> Result<(), u64> {
        let now = Instant::now();
        let mut b = self.buckets.lock().expect("rate limiter");
        if b.len() > 100_000 {
            // Forget full buckets (idle keys) so the map cannot grow without bound.
            let (rate, burst) = (self.rate, self.burst);
            b.retain(|_, (tokens, at)| *tokens + now.duration_since(*at).as_secs_f64() * rate < burst);
        }
        let (tokens, at) = b.entry(key.to_string()).or_insert((self.burst, now));
        *tokens = (*tokens + now.duration_since(*at).as_secs_f64() * self.rate).min(self.burst);
        *at = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            Ok(())
        } else {
            Err(((1.0 - *tokens) / self.rate).ceil() as u64)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_passes_then_the_rate_holds() {
        let l = RateLimiter::new(60, 3);
        assert!(l.check("a").is_ok() && l.check("a").is_ok() && l.check("a").is_ok());
        assert_eq!(l.check("a"), Err(1));
        assert!(l.check("b").is_ok(), "another key has its own bucket");
    }
}
