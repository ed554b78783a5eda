//! Where log lines go: standard output, a write per batch of lines instead
//! of a write per line on the request path.
//!
//! A serving runtime's worker keeps the lines it logs in a buffer of its
//! own and writes them in one `write` when it runs out of work (tokio's
//! `on_thread_park`), when they pass [`BATCH_BYTES`], or at once for a
//! warning or an error (with the lines before it, in order). Idle, a
//! request's access line is out microseconds after its response; under
//! `wrk`, within milliseconds; a worker that stays busy without running
//! out of work holds its info lines until it does or 64 KiB accumulate. Every other thread (the main thread,
//! blocking tasks, the `doctor` and `drive-sync` runtimes) writes each
//! line as it comes.
//!
//! What this costs: lines a worker has batched are lost if the process is
//! killed outright (`kill -9`, the OOM killer) before it writes them; at
//! most [`BATCH_BYTES`] per worker, info lines only (the audit trail is at
//! warn and is never batched). A clean stop writes everything
//! ([`on_stop`] runs as each worker stops). A batch is one `write` larger
//! than a pipe's atomic size: another writer on the same pipe (stderr
//! merged into it) may land inside it; a failed write drops the batch, as
//! it dropped the one line before.

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
        // (`try_with`: on a thread being torn down, straight out.)
        let batched = BATCHING.try_with(Cell::get).unwrap_or(false)
            && PENDING
                .try_with(|pending| {
                    pending
                        .try_borrow_mut()
                        .map(|mut pending| pending.extend_from_slice(bytes))
                        .is_ok()
                })
                .unwrap_or(false);
        if !batched {
            io::stdout().lock().write_all(bytes)?;
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Drop for Line {
    fn drop(&mut self) {
        let pending = PENDING
            .try_with(|pending| pending.try_borrow().map_or(0, |p| p.len()))
            .unwrap_or(0);
        if pending > 0 && due(self.urgent, pending) {
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
    let _ = PENDING.try_with(|pending| {
        let Ok(mut pending) = pending.try_borrow_mut() else {
            return;
        };
        if !pending.is_empty() {
            let _ = io::stdout().lock().write_all(&pending);
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
    let _ = BATCHING.try_with(|batching| batching.set(true));
    flush();
}

/// For the serving runtime's `on_thread_stop`: writes what this thread has,
/// and anything it logs after (thread-local destructors) goes straight out.
pub fn on_stop() {
    flush();
    let _ = BATCHING.try_with(|batching| batching.set(false));
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
                // Stopped: nothing is held any more.
                tracing::info!("six");
                on_stop();
                assert_eq!(pending(), 0);
                tracing::info!("seven");
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
