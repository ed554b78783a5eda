//! A `tracing-subscriber` field formatter that sanitises everything it
//! writes (feature `tracing`).
//!
//! The stock formatter escapes `?Debug` fields only as far as `Debug` does,
//! and passes `%Display` fields and the message through as they are: a user
//! name with a line break in it starts a forged log line, an escape sequence
//! reaches the operator's terminal. [`SafeFields`] runs every message and
//! field value through [`safe_log_message`](crate::safe_log_message).
//!
//! ```
//! use alphaguard_sanitize::SafeFields;
//!
//! let subscriber = tracing_subscriber::fmt()
//!     .fmt_fields(SafeFields::default())
//!     .with_ansi(false)
//!     .finish();
//! tracing::subscriber::with_default(subscriber, || {
//!     let user = "mallory\nINFO admin logged in";
//!     tracing::info!(%user, "login failed");
//!     // Logged as: ... login failed user=mallory\nINFO admin logged in
//! });
//! ```

use std::fmt::{self, Write as _};

use tracing_core::field::{Field, Visit};
use tracing_subscriber::field::RecordFields;
use tracing_subscriber::fmt::FormatFields;
use tracing_subscriber::fmt::format::Writer;

use crate::{DEFAULT_LOG_LIMIT, safe_log_message_with_limit};

/// Formats fields as `message key=value key=value`, each value passed
/// through [`safe_log_message_with_limit`] with the configured byte limit
/// (default [`DEFAULT_LOG_LIMIT`]).
#[derive(Debug, Clone, Copy)]
pub struct SafeFields {
    limit: usize,
}

impl Default for SafeFields {
    fn default() -> Self {
        Self {
            limit: DEFAULT_LOG_LIMIT,
        }
    }
}

impl SafeFields {
    /// A formatter cutting each value to `limit` bytes.
    pub fn with_limit(limit: usize) -> Self {
        Self { limit }
    }
}

impl<'writer> FormatFields<'writer> for SafeFields {
    fn format_fields<R: RecordFields>(&self, writer: Writer<'writer>, fields: R) -> fmt::Result {
        let mut visitor = SafeVisitor {
            writer,
            limit: self.limit,
            first: true,
            result: Ok(()),
            buffer: String::new(),
        };
        fields.record(&mut visitor);
        visitor.result
    }
}

struct SafeVisitor<'writer> {
    writer: Writer<'writer>,
    limit: usize,
    first: bool,
    result: fmt::Result,
    /// Reused for `Debug` output, so a record costs one allocation at most.
    buffer: String,
}

impl SafeVisitor<'_> {
    fn write(&mut self, name: &str, value: &str) {
        if self.result.is_err() {
            return;
        }
        let value = safe_log_message_with_limit(value, self.limit);
        let separator = if self.first { "" } else { " " };
        self.first = false;
        self.result = if name == "message" {
            write!(self.writer, "{separator}{value}")
        } else {
            // Field names come from the program, not from users; they are
            // passed through the guard all the same.
            let name = safe_log_message_with_limit(name, self.limit);
            write!(self.writer, "{separator}{name}={value}")
        };
    }
}

impl Visit for SafeVisitor<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.write(field.name(), value);
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        let mut buffer = std::mem::take(&mut self.buffer);
        buffer.clear();
        // Formatting into a String cannot fail unless `Debug` itself does.
        let _ = write!(buffer, "{value:?}");
        self.write(field.name(), &buffer);
        self.buffer = buffer;
    }
}
