//! What one connection is doing, shared by its supervisor, its I/O, its
//! requests and the registry: plain atomics, no lock on the request path.

use std::sync::atomic::{AtomicBool, AtomicU8, AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::Waker;
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
    /// Responses whose last frame was handed to the connection, which has
    /// not asked for the next one (or let go) since: waiting for the
    /// client to read (a full socket, a closed HTTP/2 window).
    stalled: AtomicU32,
    /// When a stalled response last moved on, or the first one stalled.
    stalled_since: AtomicU64,
    /// When the supervisor's timer is due (ms since accept), `u64::MAX`
    /// while it is deciding: a deadline that moves earlier than this
    /// wakes it, any other does not (it looks again when its timer fires).
    armed: AtomicU64,
    header_read_ms: u64,
    idle_ms: u64,
    /// Wakes the supervisor when a deadline moved before its timer.
    pub(crate) wake: Notify,
    /// HTTP/1: the request body's bytes still to come from the socket
    /// ([`UNKNOWN_BODY`] for a chunked one), set at each head.
    body_remaining: AtomicU64,
    /// The request (its number among the heads) whose body of unknown
    /// length was read to its end; an earlier request's body may end after
    /// the next one began, and must not end that one's.
    body_ended: AtomicU64,
    /// HTTP/1: the socket holds bytes back from hyper (past the head or
    /// the body being read).
    holding: AtomicBool,
    /// The connection's task, waiting for held bytes until its request
    /// ends.
    held_waker: Mutex<Option<Waker>>,
}

/// [`ConnState`]'s body length when the body is chunked.
pub(crate) const UNKNOWN_BODY: u64 = u64::MAX;

/// What an HTTP/1 connection's socket may hand hyper now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ReadMode {
    /// No request in flight: bytes up to the end of the next head.
    Head,
    /// A request body is being read: this many bytes of it are still to
    /// come ([`UNKNOWN_BODY`]: as many as there are).
    Body(u64),
    /// The body is in (or there is none) and the response is not out:
    /// whatever comes now belongs to a later head, and is held.
    Hold,
}

impl ConnState {
    /// A connection accepted now. `header_read` and `idle` are the
    /// deadlines of a head begun between requests and of an idle
    /// connection: the two that can move before the supervisor's timer.
    pub(crate) fn new(max_resets: u32, header_read: Duration, idle: Duration) -> Self {
        let ms = |d: Duration| u64::try_from(d.as_millis()).unwrap_or(u64::MAX);
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
            stalled: AtomicU32::new(0),
            stalled_since: AtomicU64::new(0),
            armed: AtomicU64::new(u64::MAX),
            header_read_ms: ms(header_read),
            idle_ms: ms(idle),
            wake: Notify::new(),
            body_remaining: AtomicU64::new(UNKNOWN_BODY),
            body_ended: AtomicU64::new(0),
            holding: AtomicBool::new(false),
            held_waker: Mutex::new(None),
        }
    }

    /// Whether the connection speaks HTTP/2 (known at its first stream).
    pub(crate) fn is_http2(&self) -> bool {
        self.http2.load(Ordering::Relaxed)
    }

    /// What the socket may hand hyper now (HTTP/1).
    pub(crate) fn read_mode(&self) -> ReadMode {
        if self.in_flight.load(Ordering::Acquire) == 0 {
            return ReadMode::Head;
        }
        match self.body_remaining.load(Ordering::Acquire) {
            0 => ReadMode::Hold,
            UNKNOWN_BODY
                if self.body_ended.load(Ordering::Acquire)
                    == self.heads.load(Ordering::Acquire) =>
            {
                ReadMode::Hold
            }
            remaining => ReadMode::Body(remaining),
        }
    }

    /// The request just begun has a body of `len` bytes (`None`: chunked).
    pub(crate) fn set_body_len(&self, len: Option<u64>) {
        self.body_remaining
            .store(len.unwrap_or(UNKNOWN_BODY), Ordering::Release);
    }

    /// `n` bytes of the request body were handed to hyper.
    pub(crate) fn body_read(&self, n: u64) {
        let remaining = self.body_remaining.load(Ordering::Acquire);
        if remaining != UNKNOWN_BODY {
            self.body_remaining
                .store(remaining.saturating_sub(n), Ordering::Release);
        }
    }

    /// The number of the request begun last (1 for the first).
    pub(crate) fn request_number(&self) -> u64 {
        self.heads.load(Ordering::Acquire)
    }

    /// The body of request `number` ended (its decoder said so).
    pub(crate) fn body_ended(&self, number: u64) {
        self.body_ended.store(number, Ordering::Release);
    }

    /// The socket began holding bytes back from hyper.
    pub(crate) fn hold_begin(&self) {
        self.holding.store(true, Ordering::Release);
    }

    /// The socket holds nothing back any more.
    pub(crate) fn hold_end(&self) {
        self.holding.store(false, Ordering::Release);
    }

    /// The connection's task waits for its held bytes: woken when its
    /// request ends.
    pub(crate) fn park(&self, waker: &Waker) {
        let mut parked = self
            .held_waker
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        match &mut *parked {
            Some(w) if w.will_wake(waker) => {}
            other => *other = Some(waker.clone()),
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
            let now = self.now();
            self.head_started.store(now + 1, Ordering::SeqCst);
            self.wake_before(now.saturating_add(self.header_read_ms));
        }
    }

    /// Wakes the supervisor if its timer is due after `deadline` (ms since
    /// accept). On a busy keep-alive connection it is not: its timer is
    /// an earlier head's deadline, so a request costs it no wake.
    ///
    /// The store of what moved the deadline comes before this load, and
    /// [`arm`](Self::arm)'s `u64::MAX` before the supervisor reads the
    /// state (all `SeqCst`): either it sees the change, or this sees a
    /// timer due too late and wakes it (a wake it is not waiting for yet is
    /// kept for its next wait).
    fn wake_before(&self, deadline: u64) {
        if self.armed.load(Ordering::SeqCst) > deadline {
            self.wake.notify_one();
        }
    }

    /// The supervisor is deciding its next deadline: every change wakes
    /// it until it has [`armed`](Self::arm) its timer.
    pub(crate) fn disarm(&self) {
        self.armed.store(u64::MAX, Ordering::SeqCst);
        // The state is read after this with Acquire loads: the fence keeps
        // them from being satisfied before the store is visible (store
        // then load, on both sides, needs SeqCst or a fence on both).
        std::sync::atomic::fence(Ordering::SeqCst);
    }

    /// The supervisor's timer is due at `at` (`None`: no timer).
    pub(crate) fn arm(&self, at: Option<Instant>) {
        let ms = at.map_or(u64::MAX, |at| {
            let after = at.saturating_duration_since(self.accepted);
            // Rounded up: a deadline within the same millisecond wakes it.
            u64::try_from(after.as_millis())
                .unwrap_or(u64::MAX)
                .saturating_add(u64::from(after.subsec_nanos() % 1_000_000 != 0))
        });
        self.armed.store(ms, Ordering::SeqCst);
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

    /// Asks the supervisor to close the connection. The first reason
    /// asked for wins, but an eviction (which the supervisor withdraws if
    /// the connection turned busy) gives way to any other reason.
    pub(crate) fn request_close(&self, reason: Close) {
        let mut current = self.close.load(Ordering::Acquire);
        loop {
            let replaceable =
                current == 0 || (current == Close::Evicted as u8 && reason != Close::Evicted);
            if !replaceable {
                return;
            }
            match self.close.compare_exchange(
                current,
                reason as u8,
                Ordering::AcqRel,
                Ordering::Acquire,
            ) {
                Ok(_) => break,
                Err(actual) => current = actual,
            }
        }
        self.wake.notify_one();
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

    /// A response frame waits for the client to take it.
    pub(crate) fn stall_begin(&self) {
        if self.stalled.fetch_add(1, Ordering::AcqRel) == 0 {
            self.stalled_since.store(self.now(), Ordering::Release);
        }
    }

    /// Bytes went out to the client. On HTTP/1 the socket is the one
    /// response's, so this is progress (a slow reader of one large frame is
    /// not stalled); on HTTP/2 it may be any stream's, or a PING's, so only
    /// the stream's own progress counts.
    pub(crate) fn on_write(&self) {
        if !self.http2.load(Ordering::Relaxed) && self.stalled.load(Ordering::Relaxed) > 0 {
            self.stalled_since.store(self.now(), Ordering::Release);
        }
    }

    /// A waiting response moved on (or was let go): progress.
    pub(crate) fn stall_end(&self) {
        self.stalled.fetch_sub(1, Ordering::AcqRel);
        self.stalled_since.store(self.now(), Ordering::Release);
    }

    /// The next deadline of the phase the connection is in, and what
    /// passing it means. While a request is in flight, the deadline is
    /// that of a response waiting for the client (a write deadline); with
    /// none waiting, a time to look again (a body's own deadline is the
    /// body's).
    pub(crate) fn deadline(
        &self,
        header_read: Duration,
        idle: Duration,
        write: Duration,
    ) -> Option<(Instant, Close)> {
        if self.heads.load(Ordering::Acquire) == 0 {
            return Some((self.accepted + header_read, Close::HeaderTimeout));
        }
        if self.in_flight.load(Ordering::Acquire) > 0 {
            let since = if self.stalled.load(Ordering::Acquire) > 0 {
                self.at(self.stalled_since.load(Ordering::Acquire))
            } else {
                Instant::now()
            };
            return Some((since + write, Close::WriteTimeout));
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
        // Stored before the count falls, so whoever sees none in flight
        // sees this idle time, not the previous one (it is read only when
        // none is in flight).
        let now = self.now();
        self.idle_since.store(now, Ordering::SeqCst);
        // HTTP/1 bytes held back while the request was in flight are the
        // next head's first: its deadline runs from now, when hyper gets
        // them (the client is not to blame for the wait), and the
        // connection's task is woken to hand them over.
        let held = !http2 && self.holding.load(Ordering::Acquire);
        if held {
            self.head_started.store(now + 1, Ordering::SeqCst);
        }
        if self.in_flight.fetch_sub(1, Ordering::SeqCst) == 1 {
            if held {
                self.wake_before(now.saturating_add(self.header_read_ms));
                let parked = self
                    .held_waker
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .take();
                if let Some(waker) = parked {
                    waker.wake();
                }
            } else {
                self.wake_before(now.saturating_add(self.idle_ms));
            }
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

    pub(crate) fn state(&self) -> &ConnState {
        &self.state
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
    const WRITE: Duration = Duration::from_millis(10_000);

    #[test]
    fn phases_have_their_deadlines() {
        let state = Arc::new(ConnState::new(3, HEAD, IDLE));
        // Before any head: the header deadline from accept, whatever
        // bytes arrive.
        state.on_read();
        let (at, why) = state.deadline(HEAD, IDLE, WRITE).unwrap();
        assert_eq!(why, Close::HeaderTimeout);
        assert_eq!(at, state.accepted + HEAD);
        assert!(state.idle_since().is_none());
        // In flight: only a look again a write deadline away...
        let guard = state.begin_request(false);
        let (again, why) = state.deadline(HEAD, IDLE, WRITE).unwrap();
        assert_eq!(why, Close::WriteTimeout);
        assert!(state.is_busy());
        // ... or the write deadline of a response waiting for the client.
        state.stall_begin();
        let (at, _) = state.deadline(HEAD, IDLE, WRITE).unwrap();
        assert!(at <= again);
        assert!(at >= state.accepted + WRITE);
        state.stall_end();
        guard.finish();
        drop(guard);
        // Idle: the idle deadline, and the registry may close it.
        let (_, why) = state.deadline(HEAD, IDLE, WRITE).unwrap();
        assert_eq!(why, Close::Idle);
        assert!(state.idle_since().is_some());
        // The next head starts: the header deadline again.
        state.on_read();
        let (_, why) = state.deadline(HEAD, IDLE, WRITE).unwrap();
        assert_eq!(why, Close::HeaderTimeout);
        assert!(state.idle_since().is_none());
    }

    /// Whether the supervisor has a wake waiting for it.
    async fn woken(state: &ConnState) -> bool {
        tokio::time::timeout(Duration::from_millis(20), state.wake.notified())
            .await
            .is_ok()
    }

    /// What the supervisor does before it sleeps.
    fn supervise(state: &ConnState) {
        state.disarm();
        let (at, _) = state.deadline(HEAD, IDLE, WRITE).unwrap();
        state.arm(Some(at));
    }

    #[tokio::test]
    async fn the_supervisor_is_woken_only_for_a_deadline_before_its_timer() {
        let state = Arc::new(ConnState::new(3, HEAD, IDLE));
        let guard = state.begin_request(false);
        guard.finish();
        drop(guard);
        // No timer armed yet: the end of the request woke it.
        assert!(woken(&state).await);
        // Idle: its timer is the idle deadline.
        supervise(&state);
        assert!(!woken(&state).await);
        // A head begins: its deadline is earlier, so the supervisor wakes.
        state.on_read();
        assert!(woken(&state).await);
        supervise(&state);
        // Requests back to back: every later deadline is after its timer
        // (this head's), so none of them wakes it.
        for _ in 0..3 {
            let guard = state.begin_request(false);
            guard.finish();
            drop(guard);
            state.on_read();
        }
        assert!(!woken(&state).await);
        // While it is deciding, any change wakes it (or it would sleep
        // past the deadline it had not seen yet).
        let guard = state.begin_request(false);
        guard.finish();
        state.disarm();
        drop(guard);
        assert!(woken(&state).await);
        // A close asked for always wakes it.
        supervise(&state);
        state.request_close(Close::Evicted);
        assert!(woken(&state).await);
    }

    #[test]
    fn cancelled_streams_past_the_bound_and_half_close_the_connection() {
        let state = Arc::new(ConnState::new(3, HEAD, IDLE));
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
        let state = Arc::new(ConnState::new(1, HEAD, IDLE));
        for _ in 0..5 {
            drop(state.begin_request(false));
        }
        assert_eq!(state.close_requested(), None);
    }

    #[test]
    fn an_eviction_is_withdrawn_but_not_another_close() {
        let state = ConnState::new(1, HEAD, IDLE);
        state.request_close(Close::Evicted);
        state.withdraw_eviction();
        assert_eq!(state.close_requested(), None);
        state.request_close(Close::BodyTimeout);
        state.withdraw_eviction();
        assert_eq!(state.close_requested(), Some(Close::BodyTimeout));
        // A close asked for while an eviction is pending is kept: the
        // eviction's withdrawal must not take it away.
        let state = ConnState::new(1, HEAD, IDLE);
        state.request_close(Close::Evicted);
        state.request_close(Close::Resets);
        state.withdraw_eviction();
        assert_eq!(state.close_requested(), Some(Close::Resets));
        state.request_close(Close::Evicted);
        assert_eq!(state.close_requested(), Some(Close::Resets));
    }
}
