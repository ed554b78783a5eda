//! The text log line, `2026-12-03T07:15:06.123456Z  INFO target: message
//! key=value`: what `tracing-subscriber`'s full format writes without
//! colours, byte for byte (a test holds the two side by side), without its
//! per-line overhead (colour styles painted as empty strings, the level and
//! separators through `fmt::Display`). With the access log on, that
//! overhead was a fifth of the line's cost.

use std::fmt;

use tracing::{Event, Level, Subscriber};
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::time::FormatTime;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields, FormattedFields};
use tracing_subscriber::registry::LookupSpan;

use crate::log_time::UtcMicros;

/// The gateway's text lines (`LOG_FORMAT=text`), timed by `T`.
#[derive(Debug, Clone, Copy)]
pub struct TextLine<T = UtcMicros> {
    timer: T,
}

impl Default for TextLine {
    /// Lines timed by [`UtcMicros`], as the service writes them.
    fn default() -> Self {
        Self { timer: UtcMicros }
    }
}

impl<T> TextLine<T> {
    /// Lines timed by `timer`.
    pub fn with_timer(timer: T) -> Self {
        Self { timer }
    }
}

/// The level as the full format pads it, with the spaces around it.
fn level(level: &Level) -> &'static str {
    match *level {
        Level::TRACE => " TRACE ",
        Level::DEBUG => " DEBUG ",
        Level::INFO => "  INFO ",
        Level::WARN => "  WARN ",
        Level::ERROR => " ERROR ",
    }
}

impl<S, N, T> FormatEvent<S, N> for TextLine<T>
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
    T: FormatTime,
{
    fn format_event(
        &self,
        ctx: &FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        let meta = event.metadata();
        if self.timer.format_time(&mut writer).is_err() {
            writer.write_str("<unknown time>")?;
        }
        writer.write_str(level(meta.level()))?;
        // The spans the event is in, outermost first: `name{fields}:`.
        if let Some(scope) = ctx.event_scope() {
            let mut any = false;
            for span in scope.from_root() {
                any = true;
                writer.write_str(span.metadata().name())?;
                let extensions = span.extensions();
                if let Some(fields) = extensions.get::<FormattedFields<N>>()
                    && !fields.is_empty()
                {
                    write!(writer, "{{{fields}}}")?;
                }
                writer.write_char(':')?;
            }
            if any {
                writer.write_char(' ')?;
            }
        }
        writer.write_str(meta.target())?;
        writer.write_str(": ")?;
        ctx.format_fields(writer.by_ref(), event)?;
        writer.write_char('\n')
    }
}

#[cfg(test)]
mod tests {
    use std::io;
    use std::sync::{Arc, Mutex};

    use alphaguard_sanitize::SafeFields;
    use tracing_subscriber::fmt::MakeWriter;

    use super::*;

    /// A clock stopped at one instant, so two formats can be compared.
    #[derive(Clone, Copy)]
    struct Stopped;

    impl FormatTime for Stopped {
        fn format_time(&self, w: &mut Writer<'_>) -> fmt::Result {
            w.write_str("2026-12-03T07:15:06.123456Z")
        }
    }

    #[derive(Clone, Default)]
    struct Lines(Arc<Mutex<Vec<u8>>>);

    impl io::Write for Lines {
        fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
            self.0.lock().expect("lines").extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    impl<'a> MakeWriter<'a> for Lines {
        type Writer = Self;
        fn make_writer(&'a self) -> Self {
            self.clone()
        }
    }

    fn events() {
        tracing::info!(target: "alphaguard::access", request_id = "r1", status = 200u16, "access");
        tracing::trace!(a = 1, "trace");
        tracing::debug!(user = "bob client=10.0.0.1", "debug");
        tracing::warn!(error = %"x\ny", "warn");
        tracing::error!("error");
        let outer = tracing::info_span!("conn", peer = "1.2.3.4:5");
        let _outer = outer.enter();
        let inner = tracing::debug_span!("stream");
        let _inner = inner.enter();
        tracing::info!(n = 3u64, "inside spans");
    }

    #[test]
    fn lines_are_the_stock_full_format_without_colours() {
        let ours = Lines::default();
        let stock = Lines::default();
        let subscriber = tracing_subscriber::fmt()
            .fmt_fields(SafeFields::default())
            .event_format(TextLine::with_timer(Stopped))
            .with_max_level(Level::TRACE)
            .with_writer(ours.clone())
            .finish();
        tracing::subscriber::with_default(subscriber, events);
        let subscriber = tracing_subscriber::fmt()
            .fmt_fields(SafeFields::default())
            .with_timer(Stopped)
            .with_ansi(false)
            .with_max_level(Level::TRACE)
            .with_writer(stock.clone())
            .finish();
        tracing::subscriber::with_default(subscriber, events);
        let ours = String::from_utf8(ours.0.lock().expect("lines").clone()).expect("utf-8");
        let stock = String::from_utf8(stock.0.lock().expect("lines").clone()).expect("utf-8");
        assert_eq!(ours.lines().count(), 6, "{ours}");
        assert_eq!(ours, stock);
        assert!(
            ours.contains("  INFO conn{peer=1.2.3.4:5}:stream: "),
            "{ours}"
        );
    }
}
