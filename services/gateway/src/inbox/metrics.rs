//! Delivery outcomes over a rolling window, for `/api/observability`.

use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// What happened to a delivery (or an attempt at one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Persisted and acknowledged 202.
    Accepted,
    /// A repeat of a persisted id, acknowledged 200.
    Duplicate,
    /// Could not be persisted: 503.
    Unavailable,
    /// The upstream took it.
    Delivered,
    /// An attempt failed; another is scheduled.
    Retried,
    /// The retry budget is spent: a dead letter.
    DeadLettered,
}

const OUTCOMES: [(Outcome, &str); 6] = [
    (Outcome::Accepted, "accepted"),
    (Outcome::Duplicate, "duplicate"),
    (Outcome::Unavailable, "unavailable"),
    (Outcome::Delivered, "delivered"),
    (Outcome::Retried, "retried"),
    (Outcome::DeadLettered, "dead_lettered"),
];

const SLOTS: usize = 60;

/// Outcome counts in 60 slots over the window, like the request view.
#[derive(Debug)]
pub struct Outcomes {
    started: Instant,
    slot: Duration,
    window: Duration,
    slots: Mutex<[(u64, [u64; OUTCOMES.len()]); SLOTS]>,
}

impl Outcomes {
    /// Counts over `window` (at least a minute).
    pub fn new(window: Duration) -> Self {
        let window = window.max(Duration::from_secs(SLOTS as u64));
        Self {
            started: Instant::now(),
            slot: window / SLOTS as u32,
            window,
            slots: Mutex::new([(0, [0; OUTCOMES.len()]); SLOTS]),
        }
    }

    fn epoch(&self) -> u64 {
        (self.started.elapsed().as_nanos() / self.slot.as_nanos().max(1)) as u64 + 1
    }

    /// Counts one outcome.
    pub fn record(&self, outcome: Outcome) {
        let Some(i) = OUTCOMES.iter().position(|(o, _)| *o == outcome) else {
            return;
        };
        let epoch = self.epoch();
        let mut slots = self.slots.lock().unwrap_or_else(PoisonError::into_inner);
        let slot = &mut slots[(epoch % SLOTS as u64) as usize];
        if slot.0 != epoch {
            *slot = (epoch, [0; OUTCOMES.len()]);
        }
        slot.1[i] += 1;
    }

    /// `{"accepted": n, "duplicate": n, ...}` over the window.
    pub fn json(&self) -> Value {
        let now = self.epoch();
        let mut totals = [0u64; OUTCOMES.len()];
        {
            let slots = self.slots.lock().unwrap_or_else(PoisonError::into_inner);
            for (epoch, counts) in slots.iter() {
                if *epoch == 0 || *epoch > now || now - epoch >= SLOTS as u64 {
                    continue;
                }
                for (t, c) in totals.iter_mut().zip(counts) {
                    *t += c;
                }
            }
        }
        let mut map = serde_json::Map::new();
        for ((_, name), n) in OUTCOMES.iter().zip(totals) {
            map.insert((*name).to_owned(), json!(n));
        }
        Value::Object(map)
    }

    /// The window's length.
    pub fn window(&self) -> Duration {
        self.window
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_by_outcome() {
        let o = Outcomes::new(Duration::from_secs(300));
        o.record(Outcome::Accepted);
        o.record(Outcome::Accepted);
        o.record(Outcome::DeadLettered);
        let v = o.json();
        assert_eq!(v["accepted"], 2);
        assert_eq!(v["dead_lettered"], 1);
        assert_eq!(v["delivered"], 0);
        assert_eq!(v.as_object().map(serde_json::Map::len), Some(6));
    }
}
