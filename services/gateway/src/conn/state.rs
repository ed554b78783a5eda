//! What one connection is doing, shared by its supervisor, its I/O, its
//! requests and the registry: plain atomics, no lock on the request path.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicU32, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use tokio::sync::Notify;

use super::Close;

/// One connection's state. Times are milliseconds since accept.
#[derive(Debug)]
pub(crate) struct ConnState {
    accepted: Instant,
    /// Request heads received (HTTP/1 requests, HTTP/2 streams).
    heads: AtomicU64,
    /// Requests whose response has not been written whole yet.
    in_flight: AtomicU32,
    /// When `in_flight` last fell to zero.
    idle_since: AtomicU64,
    /// HTTP/1: when the first byte of the next head arrived, plus one;
    /// zero while none has.
    head_started: AtomicU64,
    http2: AtomicBool,
    /// HTTP/2 streams cancelled by the client before their response was
    /// whole.
    resets: AtomicU64,
    max_resets: u64,
    /// A close asked for (a [`Close`] as `u8`), zero for none.
    close: AtomicU8,
    /// The write deadline passed.
    write_timed_out: AtomicBool,
    /// Wakes the supervisor when a deadline may have moved.
    pub(crate) wake: Notify,
}

impl ConnState {
    pub(crate) fn new(max_resets: u32) -> Self {
        Self {
            accepted: Instant::now(),
            heads: AtomicU64::new(0),
            in_flight: AtomicU32::new(0),
            idle_since: AtomicU64::new(0),
            head_started: AtomicU64::new(0),
            http2: AtomicBool::new(false),
            resets: AtomicU64::new(0),
            max_resets: u64::from(max_resets),
            close: AtomicU8::new(0),
            write_timed_out: AtomicBool::new(false),
            wake: Notify::new(),
        }
    }

    fn now(&self) -> u64 {
        u64::try_from(self.accepted.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    fn at(&self, ms: u64) -> Instant {
        self.accepted + Duration::from_millis(ms)
    }

    /// Bytes arrived from the client. Between HTTP/1 requests, the first
    /// byte starts the next head's deadline.
    pub(crate) fn on_read(&self) {
        if self.in_flight.load(Ordering::Acquire) == 0
            && self.heads.load(Ordering::Acquire) > 0
            && !self.http2.load(Ordering::Relaxed)
            && self.head_started.load(Ordering::Relaxed) == 0
        {
            self.head_started.store(self.now() + 1, Ordering::Release);
            self.wake.notify_one();
        }
    }

    /// A request head arrived: the request is in flight until its guard
    /// is dropped.
    pub(crate) fn begin_request(self: &Arc<Self>, http2: bool) -> RequestGuard {
        if http2 {
            self.http2.store(true, Ordering::Relaxed);
        }
        // In flight before counted as a head: never seen idle in between.
        self.in_flight.fetch_add(1, Ordering::AcqRel);
        self.heads.fetch_add(1, Ordering::AcqRel);
        self.head_started.store(0, Ordering::Release);
        RequestGuard {
            state: Arc::clone(self),
            http2,
            done: AtomicBool::new(false),
        }
    }

    /// Asks the supervisor to close the connection (the first reason
    /// asked for wins).
    pub(crate) fn request_close(&self, reason: Close) {
        if self
            .close
            .compare_exchange(0, reason as u8, Ordering::AcqRel, Ordering::Acquire)
            .is_ok()
        {
            self.wake.notify_one();
        }
    }

    /// The close asked for, if any.
    pub(crate) fn close_requested(&self) -> Option<Close> {
        Close::from_u8(self.close.load(Ordering::Acquire))
    }

    /// Withdraws a close asked for by the registry, when the connection
    /// turned busy before its supervisor acted on it.
    pub(crate) fn withdraw_eviction(&self) {
        let _ = self.close.compare_exchange(
            Close::Evicted as u8,
            0,
            Ordering::AcqRel,
            Ordering::Acquire,
        );
    }

    /// Served a request, none in flight now, nothing asked of it: what
    /// the registry may close when the connection budget runs short.
    /// `Some(since)` when idle.
    pub(crate) fn idle_since(&self) -> Option<Instant> {
        let idle = self.heads.load(Ordering::Acquire) > 0
            && self.in_flight.load(Ordering::Acquire) == 0
            && self.close.load(Ordering::Acquire) == 0
            && self.head_started.load(Ordering::Acquire) == 0;
        idle.then(|| self.at(self.idle_since.load(Ordering::Acquire)))
    }

    pub(crate) fn is_busy(&self) -> bool {
        self.in_flight.load(Ordering::Acquire) > 0 || self.head_started.load(Ordering::Acquire) != 0
    }

    pub(crate) fn set_write_timed_out(&self) {
        self.write_timed_out.store(true, Ordering::Release);
    }

    pub(crate) fn write_timed_out(&self) -> bool {
        self.write_timed_out.load(Ordering::Acquire)
    }

    /// The next deadline of the phase the connection is in, and what
    /// passing it means; `None` while a request is in flight (its body and
    /// writes have deadlines of their own).
    pub(crate) fn deadline(
        &self,
        header_read: Duration,
        idle: Duration,
    ) -> Option<(Instant, Close)> {
        if self.heads.load(Ordering::Acquire) == 0 {
            return Some((self.accepted + header_read, Close::HeaderTimeout));
        }
        if self.in_flight.load(Ordering::Acquire) > 0 {
            return None;
        }
        let started = self.head_started.load(Ordering::Acquire);
        if started != 0 {
            return Some((self.at(started - 1) + header_read, Close::HeaderTimeout));
        }
        Some((
            self.at(self.idle_since.load(Ordering::Acquire)) + idle,
            Close::Idle,
        ))
    }

    fn end_request(&self, completed: bool, http2: bool) {
        if !completed && http2 {
            let resets = self.resets.fetch_add(1, Ordering::AcqRel) + 1;
            let streams = self.heads.load(Ordering::Acquire);
            if resets > self.max_resets && resets * 2 > streams {
                self.request_close(Close::Resets);
            }
        }
        if self.in_flight.fetch_sub(1, Ordering::AcqRel) == 1 {
            self.idle_since.store(self.now(), Ordering::Release);
            self.wake.notify_one();
        }
    }
}

/// Held by a request from its head until its response is written whole
/// (or given up on): keeps the connection busy, and tells a cancelled
/// HTTP/2 stream from a finished one.
#[derive(Debug)]
pub(crate) struct RequestGuard {
    state: Arc<ConnState>,
    http2: bool,
    done: AtomicBool,
}

impl RequestGuard {
    /// The response's last frame was handed to the connection.
    pub(crate) fn finish(&self) {
        self.done.store(true, Ordering::Release);
    }
}

impl Drop for RequestGuard {
    fn drop(&mut self) {
        self.state
            .end_request(self.done.load(Ordering::Acquire), self.http2);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: Duration = Duration::from_millis(100);
    const IDLE: Duration = Duration::from_millis(1000);

    #[test]
    fn phases_have_their_deadlines() {
        let state = Arc::new(ConnState::new(3));
        // Before any head: the header deadline from accept, whatever
        // bytes arrive.
        state.on_read();
        let (at, why) = state.deadline(HEAD, IDLE).unwrap();
        assert_eq!(why, Close::HeaderTimeout);
        assert_eq!(at, state.accepted + HEAD);
        assert!(state.idle_since().is_none());
        // In flight: no connection deadline.
        let guard = state.begin_request(false);
        assert!(state.deadline(HEAD, IDLE).is_none());
        assert!(state.is_busy());
        guard.finish();
        drop(guard);
        // Idle: the idle deadline, and the registry may close it.
        let (_, why) = state.deadline(HEAD, IDLE).unwrap();
        assert_eq!(why, Close::Idle);
        assert!(state.idle_since().is_some());
        // The next head starts: the header deadline again.
        state.on_read();
        let (_, why) = state.deadline(HEAD, IDLE).unwrap();
        assert_eq!(why, Close::HeaderTimeout);
        assert!(state.idle_since().is_none());
    }

    #[test]
    fn cancelled_streams_past_the_bound_and_half_close_the_connection() {
        let state = Arc::new(ConnState::new(3));
        // Finished streams do not count.
        for _ in 0..4 {
            state.begin_request(true).finish();
        }
        for _ in 0..4 {
            drop(state.begin_request(true));
        }
        // 4 resets > 3, but not more than half of 8 streams.
        assert_eq!(state.close_requested(), None);
        drop(state.begin_request(true));
        assert_eq!(state.close_requested(), Some(Close::Resets));
    }

    #[test]
    fn http1_requests_cut_off_are_not_resets() {
        let state = Arc::new(ConnState::new(1));
        for _ in 0..5 {
            drop(state.begin_request(false));
        }
        assert_eq!(state.close_requested(), None);
    }

    #[test]
    fn an_eviction_is_withdrawn_but_not_another_close() {
        let state = ConnState::new(1);
        state.request_close(Close::Evicted);
        state.withdraw_eviction();
        assert_eq!(state.close_requested(), None);
        state.request_close(Close::BodyTimeout);
        state.withdraw_eviction();
        assert_eq!(state.close_requested(), Some(Close::BodyTimeout));
    }
}
