//! What the benches share: a criterion measurement of the thread's CPU
//! time, and the settings that keep two runs within a few percent.
//!
//! The benches run on a 2-core machine that other work shares. Wall time
//! then counts the time the bench thread waits for a core, which depends on
//! the other work, not on the code; a single-threaded bench measured in the
//! thread's own CPU time (`CLOCK_THREAD_CPUTIME_ID`, nanoseconds, read
//! through `rustix` without `unsafe`) counts only the time it ran. It still
//! shares caches with whatever else runs, so an idle machine is better; the
//! README says which it was. Benches that wait for I/O or use threads
//! (Redis, the two-thread limiter) are measured in wall time.

#![allow(dead_code)] // Each bench uses the part it needs.

use std::time::Duration;

use criterion::Criterion;
use criterion::Throughput;
use criterion::measurement::{Measurement, ValueFormatter};
use rustix::time::{ClockId, clock_gettime};

/// The calling thread's CPU time, for single-threaded, CPU-bound benches.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct CpuTime;

fn thread_cpu_ns() -> u64 {
    let t = clock_gettime(ClockId::ThreadCPUTime);
    // Non-negative for a CPU-time clock; 0 would only make a sample empty.
    u64::try_from(t.tv_sec).unwrap_or(0) * 1_000_000_000 + u64::try_from(t.tv_nsec).unwrap_or(0)
}

impl Measurement for CpuTime {
    type Intermediate = u64;
    type Value = Duration;

    fn start(&self) -> u64 {
        thread_cpu_ns()
    }
    fn end(&self, start: u64) -> Duration {
        Duration::from_nanos(thread_cpu_ns().saturating_sub(start))
    }
    fn add(&self, a: &Duration, b: &Duration) -> Duration {
        *a + *b
    }
    fn zero(&self) -> Duration {
        Duration::ZERO
    }
    fn to_f64(&self, value: &Duration) -> f64 {
        value.as_nanos() as f64
    }
    fn formatter(&self) -> &dyn ValueFormatter {
        &NanosFormatter
    }
}

/// Formats nanoseconds as criterion's wall-time formatter does, so
/// `scripts/criterion-table.py` reads both alike.
struct NanosFormatter;

impl ValueFormatter for NanosFormatter {
    fn scale_values(&self, ns: f64, values: &mut [f64]) -> &'static str {
        let (factor, unit) = if ns < 1.0 {
            (1e3, "ps")
        } else if ns < 1e3 {
            (1.0, "ns")
        } else if ns < 1e6 {
            (1e-3, "µs")
        } else if ns < 1e9 {
            (1e-6, "ms")
        } else {
            (1e-9, "s")
        };
        for v in values {
            *v *= factor;
        }
        unit
    }

    fn scale_throughputs(
        &self,
        typical: f64,
        throughput: &Throughput,
        values: &mut [f64],
    ) -> &'static str {
        // One unit whatever the magnitude: the tables quote times, and a
        // throughput is there to read alongside them.
        let _ = typical;
        let (per, divisor, unit) = match *throughput {
            Throughput::Bytes(n) | Throughput::BytesDecimal(n) => {
                (n as f64, 1024.0 * 1024.0, "MiB/s")
            }
            Throughput::Bits(n) => (n as f64 / 8.0, 1024.0 * 1024.0, "MiB/s"),
            Throughput::Elements(n) | Throughput::ElementsAndBytes { elements: n, .. } => {
                (n as f64, 1e6, "Melem/s")
            }
        };
        for v in values {
            *v = per * (1e9 / *v) / divisor;
        }
        unit
    }

    fn scale_for_machines(&self, _values: &mut [f64]) -> &'static str {
        "ns"
    }
}

/// The settings of every quoted bench: 150 samples over 6 s after 2 s of
/// warm-up (criterion's default is 100 over 5 s after 3 s).
pub(crate) fn config<M: Measurement>(criterion: Criterion<M>) -> Criterion<M> {
    criterion
        .sample_size(150)
        .measurement_time(Duration::from_secs(6))
        .warm_up_time(Duration::from_secs(2))
}

/// [`config`] with the CPU-time measurement.
pub(crate) fn cpu_time() -> Criterion<CpuTime> {
    config(Criterion::default().with_measurement(CpuTime))
}
