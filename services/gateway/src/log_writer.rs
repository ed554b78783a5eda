//! Where log lines go: standard output, a write per batch of lines instead
//! of a write per line on the request path.
//!
//! A serving runtime's worker keeps the lines it logs in a buffer of its
//! own and writes them in one `write` when it runs out of work (tokio's
//! `on_thread_park`), when they pass [`BATCH_BYTES`], or at once for a
//! warning or an error (with the lines before it, in order). Under load a
//! request's access line is out within a few milliseconds; idle, within
//! microseconds of its response. Every other thread (the main thread,
//! blocking tasks, the `doctor` and `drive-sync` runtimes) writes each
//! line as it comes.
//!
//! What this costs: lines a worker has batched are lost if the process is
//! killed outright (`kill -9`, the OOM killer) before it writes them; at
//! most [`BATCH_BYTES`] per worker, info lines only (the audit trail is at
//! warn and is never batched). A clean stop writes everything
//! ([`flush`] runs as each worker stops).

use std::cell::{Cell, RefCell};
use std::io::{self, Write as _};

use tracing::{Level, Metadata};
use tracing_subscriber::fmt::MakeWriter;

/// The most a worker holds before it writes.
pub const BATCH_BYTES: usize = 64 * 1024;

thread_local! {
    /// Lines logged on this thread and not written yet.
    static PENDING: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
    /// This thread batches: a serving runtime's worker (it has parked once).
    static BATCHING: Cell<bool> = const { Cell::new(false) };
}

/// The `MakeWriter` of the service's log: standard output, batched on the
/// serving runtime's workers.
#[derive(Debug, Clone, Copy, Default)]
pub struct Stdout;

impl<'a> MakeWriter<'a> for Stdout {
    type Writer = Line;

    fn make_writer(&'a self) -> Line {
        Line { urgent: true }
    }

    fn make_writer_for(&'a self, meta: &Metadata<'_>) -> Line {
        Line {
            urgent: *meta.level() <= Level::WARN,
        }
    }
}

/// One event's output (tracing-subscriber writes a formatted line at once).
#[derive(Debug)]
pub struct Line {
    /// A warning or an error: written now, with what is pending before it.
    urgent: bool,
}

impl io::Write for Line {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        if BATCHING.get() {
            PENDING.with_borrow_mut(|pending| pending.extend_from_slice(bytes));
            Ok(bytes.len())
        } else {
            io::stdout().lock().write_all(bytes)?;
            Ok(bytes.len())
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Drop for Line {
    fn drop(&mut self) {
        if BATCHING.get() && due(self.urgent, PENDING.with_borrow(Vec::len)) {
            flush();
        }
    }
}

/// Whether a worker writes now, rather than at its next park.
fn due(urgent: bool, pending: usize) -> bool {
    urgent || pending >= BATCH_BYTES
}

/// Writes what this thread has pending. A failed write is dropped, as a
/// line written directly would be: logging never stops serving.
pub fn flush() {
    PENDING.with_borrow_mut(|pending| {
        if !pending.is_empty() {
            let _ = io::stdout().lock().write_all(pending);
            pending.clear();
            if pending.capacity() > BATCH_BYTES * 2 {
                pending.shrink_to(BATCH_BYTES);
            }
        }
    });
}

/// For the serving runtime's `on_thread_park`: this thread batches from now
/// on, and writes what it has before it waits.
pub fn on_park() {
    BATCHING.set(true);
    flush();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pending() -> usize {
        PENDING.with_borrow(Vec::len)
    }

    #[test]
    fn a_worker_batches_info_and_writes_at_a_warning_or_a_park() {
        std::thread::spawn(|| {
            let subscriber = tracing_subscriber::fmt()
                .with_writer(Stdout)
                .with_ansi(false)
                .finish();
            tracing::subscriber::with_default(subscriber, || {
                // Not a worker: straight out.
                tracing::info!("one");
                assert_eq!(pending(), 0);
                on_park();
                tracing::info!("two");
                let two = pending();
                assert!(two > 0);
                tracing::info!("three");
                assert!(pending() > two);
                // A warning takes what is pending with it.
                tracing::warn!("four");
                assert_eq!(pending(), 0);
                tracing::info!("five");
                assert!(pending() > 0);
                on_park();
                assert_eq!(pending(), 0);
            });
        })
        .join()
        .unwrap();
    }

    #[test]
    fn a_full_batch_is_written_without_waiting_for_a_park() {
        assert!(!due(false, BATCH_BYTES - 1));
        assert!(due(false, BATCH_BYTES));
        assert!(due(true, 1));
    }
}
