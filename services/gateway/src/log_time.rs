//! The timestamp of every log line, RFC 3339 in UTC with microseconds
//! (`2026-12-03T07:15:06.123456Z`, as `tracing-subscriber`'s own), made
//! cheaply: the date and time of day change once a second, so each thread
//! keeps them formatted and writes only the microseconds per line. With the
//! access log on, the stock timer was a third of the line's cost.

use std::cell::RefCell;
use std::fmt::{self, Write as _};
use std::time::{SystemTime, UNIX_EPOCH};

use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::time::FormatTime;

/// The gateway's log timer (see the module docs).
#[derive(Debug, Clone, Copy, Default)]
pub struct UtcMicros;

thread_local! {
    /// The last second formatted on this thread: `(unix seconds, text)`.
    static SECOND: RefCell<(u64, String)> = const { RefCell::new((u64::MAX, String::new())) };
}

impl FormatTime for UtcMicros {
    fn format_time(&self, w: &mut Writer<'_>) -> fmt::Result {
        let since = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default();
        let secs = since.as_secs();
        let micros = since.subsec_micros();
        SECOND.with(|cell| {
            let mut cached = cell.borrow_mut();
            if cached.0 != secs {
                cached.1.clear();
                write_second(&mut cached.1, secs)?;
                cached.0 = secs;
            }
            write!(w, "{}.{micros:06}Z", cached.1)
        })
    }
}

/// `YYYY-MM-DDTHH:MM:SS` of `secs` after the Unix epoch, in UTC.
fn write_second(out: &mut String, secs: u64) -> fmt::Result {
    let days = i64::try_from(secs / 86_400).unwrap_or(i64::MAX / 2);
    let in_day = secs % 86_400;
    let (year, month, day) = civil_from_days(days);
    write!(
        out,
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}",
        in_day / 3600,
        in_day / 60 % 60,
        in_day % 60
    )
}

/// The proleptic Gregorian date of a day count from 1970-01-01 (Howard
/// Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn second(secs: u64) -> String {
        let mut out = String::new();
        write_second(&mut out, secs).unwrap();
        out
    }

    #[test]
    fn known_instants() {
        for (secs, text) in [
            (0, "1970-01-01T00:00:00"),
            (951_782_400, "2000-02-29T00:00:00"),
            (951_868_799, "2000-02-29T23:59:59"),
            (951_868_800, "2000-03-01T00:00:00"),
            (1_700_000_000, "2023-11-14T22:13:20"),
            (1_709_164_800, "2024-02-29T00:00:00"),
            (4_102_444_799, "2099-12-31T23:59:59"),
            (4_107_542_400, "2100-03-01T00:00:00"),
        ] {
            assert_eq!(second(secs), text, "{secs}");
        }
    }

    #[test]
    fn every_day_for_four_centuries_follows_the_one_before() {
        // Day by day: the day after the last of a month is the first of
        // the next, and February has 29 days exactly in leap years.
        let mut previous = civil_from_days(-1);
        for days in 0..146_097 {
            let (y, m, d) = civil_from_days(days);
            let (py, pm, pd) = previous;
            if d == 1 {
                let leap = (py % 4 == 0 && py % 100 != 0) || py % 400 == 0;
                let last = match pm {
                    2 if leap => 29,
                    2 => 28,
                    4 | 6 | 9 | 11 => 30,
                    _ => 31,
                };
                assert_eq!(pd, last, "{py}-{pm}");
                assert_eq!((y, m), if pm == 12 { (py + 1, 1) } else { (py, pm + 1) });
            } else {
                assert_eq!((y, m, d), (py, pm, pd + 1));
            }
            previous = (y, m, d);
        }
    }

    #[test]
    fn the_line_looks_like_the_stock_timer() {
        let mut line = String::new();
        UtcMicros.format_time(&mut Writer::new(&mut line)).unwrap();
        // 2026-12-03T07:15:06.123456Z
        assert_eq!(line.len(), 27, "{line}");
        assert!(line.ends_with('Z') && line.as_bytes()[19] == b'.', "{line}");
    }
}
