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
//!     // Logged as: ... login failed user="mallory\nINFO admin logged in"
//! });
//! ```

use std::fmt::{self, Write as _};

use tracing_core::field::{Field, Visit};
use tracing_subscriber::field::RecordFields;
use tracing_subscriber::fmt::FormatFields;
use tracing_subscriber::fmt::format::Writer;

use crate::{DEFAULT_LOG_LIMIT, safe_log_message_with_limit};

/// Formats fields as `message key=value key="value with spaces"`, each
/// value passed through [`safe_log_message_with_limit`] with the configured
/// byte limit (default [`DEFAULT_LOG_LIMIT`]), and put in double quotes
/// (with `"` and `\` escaped) when it is empty or holds white space, `=` or
/// `"`: a value cannot pass for another field.
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
            if needs_quotes(&value) {
                write!(self.writer, "{separator}{name}=")
                    .and_then(|()| write_quoted(&mut self.writer, &value))
            } else {
                write!(self.writer, "{separator}{name}={value}")
            }
        };
    }
}

/// Whether a field value must be quoted to read as one value: empty, or
/// holding white space (`user=bob client=10.0.0.1` would be two fields), an
/// `=` or a quote. A backslash alone needs none (logfmt reads it only
/// inside quotes).
/// A value that is one quoted string already (as `Debug` writes a `str`:
/// `"` and `\` inside escaped) is left as it is.
fn needs_quotes(value: &str) -> bool {
    if is_one_quoted_string(value) {
        return false;
    }
    value.is_empty()
        || value
            .chars()
            .any(|c| c.is_whitespace() || c == '=' || c == '"')
}

/// `"…"` with every `"` and `\` inside escaped by a backslash.
fn is_one_quoted_string(value: &str) -> bool {
    let Some(inner) = value.strip_prefix('"').and_then(|v| v.strip_suffix('"')) else {
        return false;
    };
    let mut escaped = false;
    for c in inner.chars() {
        match (escaped, c) {
            (true, _) => escaped = false,
            (false, '\\') => escaped = true,
            (false, '"') => return false,
            _ => {}
        }
    }
    !escaped
}

/// `value` in double quotes, with `"` and `\` escaped by a backslash, so
/// that nothing inside can close the quotes.
fn write_quoted(writer: &mut Writer<'_>, value: &str) -> fmt::Result {
    writer.write_char('"')?;
    let mut last = 0;
    for (at, c) in value.match_indices(['"', '\\']) {
        writer.write_str(&value[last..at])?;
        writer.write_char('\\')?;
        writer.write_str(c)?;
        last = at + c.len();
    }
    writer.write_str(&value[last..])?;
    writer.write_char('"')
}

impl SafeVisitor<'_> {
    /// An integer or a boolean: digits, a sign or a word, which need
    /// neither the guard nor quotes (and no `Debug` round trip).
    fn write_plain(&mut self, name: &str, value: impl fmt::Display) {
        if self.result.is_err() {
            return;
        }
        let separator = if self.first { "" } else { " " };
        self.first = false;
        self.result = if name == "message" {
            write!(self.writer, "{separator}{value}")
        } else {
            let name = safe_log_message_with_limit(name, self.limit);
            write!(self.writer, "{separator}{name}={value}")
        };
    }
}

impl Visit for SafeVisitor<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.write(field.name(), value);
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        self.write_plain(field.name(), value);
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        self.write_plain(field.name(), value);
    }

    fn record_bool(&mut self, field: &Field, value: bool) {
        self.write_plain(field.name(), value);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_one_quoted_string() {
        for (value, one) in [
            ("\"bob\"", true),
            ("\"a \\\" b\"", true),
            ("\"a\\\\\"", true),
            ("\"a\\\"", false),
            ("\"a\" b=\"c\"", false),
            ("\"", false),
            ("bob", false),
        ] {
            assert_eq!(is_one_quoted_string(value), one, "{value:?}");
        }
        assert!(needs_quotes("bob client=10.0.0.1"));
        assert!(needs_quotes("a=b"));
        assert!(needs_quotes(""));
        assert!(needs_quotes("a\u{3000}b"));
        assert!(!needs_quotes("bob"));
        assert!(!needs_quotes("c:\\dir"));
    }
}
