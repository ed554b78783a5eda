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

use std::cell::RefCell;
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
    fn format_fields<R: RecordFields>(
        &self,
        mut writer: Writer<'writer>,
        fields: R,
    ) -> fmt::Result {
        // The fields are put together in a reused buffer and handed to the
        // writer in one piece: a `Writer` write is a dynamic call, and a
        // line of ten fields made about forty of them.
        let mut visitor = SafeVisitor {
            out: take(&LINE),
            limit: self.limit,
            first: true,
        };
        fields.record(&mut visitor);
        let result = writer.write_str(&visitor.out);
        give_back(&LINE, visitor.out);
        result
    }
}

struct SafeVisitor {
    /// What the fields come to so far.
    out: String,
    limit: usize,
    first: bool,
}

thread_local! {
    /// Where a record's fields are put together: one per thread, reused,
    /// so a record costs no allocation.
    static LINE: RefCell<String> = const { RefCell::new(String::new()) };
    /// Where `Debug` and `Display` values are formatted before the guard
    /// reads them, likewise.
    static FORMATTED: RefCell<String> = const { RefCell::new(String::new()) };
}

/// The most a reused buffer keeps between records.
const KEPT_CAPACITY: usize = 4096;

/// The thread's buffer, emptied, or a new one if it is in use: a `Debug`
/// value may log, and so record again on this thread while its own record
/// is being made. (`try_with`: a thread being torn down gets a new one.)
fn take(kept: &'static std::thread::LocalKey<RefCell<String>>) -> String {
    let mut buffer = kept
        .try_with(|kept| {
            kept.try_borrow_mut()
                .map(|mut kept| std::mem::take(&mut *kept))
                .unwrap_or_default()
        })
        .unwrap_or_default();
    buffer.clear();
    buffer
}

/// Puts a buffer from [`take`] back, unless it grew past
/// [`KEPT_CAPACITY`].
fn give_back(kept: &'static std::thread::LocalKey<RefCell<String>>, buffer: String) {
    if buffer.capacity() <= KEPT_CAPACITY {
        let _ = kept.try_with(|kept| {
            if let Ok(mut kept) = kept.try_borrow_mut() {
                *kept = buffer;
            }
        });
    }
}

impl SafeVisitor {
    fn write(&mut self, name: &str, value: &str) {
        let value = safe_log_message_with_limit(value, self.limit);
        let message = self.start(name);
        if !message && needs_quotes(&value) {
            write_quoted(&mut self.out, &value);
        } else {
            self.out.push_str(&value);
        }
    }

    /// Writes the separator and, for a field, `name=`; `true` for the
    /// message (written bare).
    fn start(&mut self, name: &str) -> bool {
        if !std::mem::replace(&mut self.first, false) {
            self.out.push(' ');
        }
        if name == "message" {
            return true;
        }
        // Field names come from the program, not from users; they are
        // passed through the guard all the same, unless they are plain
        // identifiers within the limit, which it would leave as they are.
        if name.len() <= self.limit && is_plain_name(name) {
            self.out.push_str(name);
        } else {
            self.out
                .push_str(&safe_log_message_with_limit(name, self.limit));
        }
        self.out.push('=');
        false
    }
}

/// `[A-Za-z0-9_.]+`, at most 64 bytes: a name as Rust and `tracing` spell
/// them, which the guard passes unchanged.
fn is_plain_name(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.')
}

/// Whether a field value must be quoted to read as one value: empty, or
/// holding white space (`user=bob client=10.0.0.1` would be two fields), an
/// `=` or a quote. A backslash alone needs none (logfmt reads it only
/// inside quotes).
/// A value that is one quoted string already (as `Debug` writes a `str`:
/// `"` and `\` inside escaped) is left as it is.
fn needs_quotes(value: &str) -> bool {
    if value.starts_with('"') && is_one_quoted_string(value) {
        return false;
    }
    if value.is_ascii() {
        // The same test, a byte at a time (it vectorises).
        return value.is_empty()
            || value
                .bytes()
                .any(|b| b.is_ascii_whitespace() || b == b'\x0b' || b == b'=' || b == b'"');
    }
    value
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
fn write_quoted(out: &mut String, value: &str) {
    out.push('"');
    let mut last = 0;
    for (at, c) in value.match_indices(['"', '\\']) {
        out.push_str(&value[last..at]);
        out.push('\\');
        out.push_str(c);
        last = at + c.len();
    }
    out.push_str(&value[last..]);
    out.push('"');
}

impl SafeVisitor {
    /// An integer or a boolean: digits, a sign or a word, which need
    /// neither the guard nor quotes (and no `Debug` round trip).
    fn write_plain(&mut self, name: &str, value: &str) {
        self.start(name);
        self.out.push_str(value);
    }
}

impl Visit for SafeVisitor {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.write(field.name(), value);
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        self.write_plain(field.name(), itoa::Buffer::new().format(value));
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        self.write_plain(field.name(), itoa::Buffer::new().format(value));
    }

    fn record_bool(&mut self, field: &Field, value: bool) {
        self.write_plain(field.name(), if value { "true" } else { "false" });
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        // Taken out while `Debug` runs (which may log, and record again on
        // this thread: that record gets a fresh buffer), put back after.
        let mut buffer = take(&FORMATTED);
        // Formatting into a String cannot fail unless `Debug` itself does.
        let _ = write!(buffer, "{value:?}");
        self.write(field.name(), &buffer);
        give_back(&FORMATTED, buffer);
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
        for (name, plain) in [
            ("status", true),
            ("latency_us", true),
            ("http.method", true),
            ("r#type", false),
            ("a b", false),
            ("a=b", false),
            ("é", false),
            ("", false),
            (
                "a_very_long_field_name_that_goes_on_and_on_and_on_past_sixty_four_bytes",
                false,
            ),
        ] {
            assert_eq!(is_plain_name(name), plain, "{name:?}");
            // What the one-piece write skips: the guard leaves a plain name
            // as it is.
            if plain {
                assert_eq!(safe_log_message_with_limit(name, DEFAULT_LOG_LIMIT), name);
            }
        }
    }

    #[test]
    fn the_ascii_test_agrees_with_the_unicode_one() {
        for c in (0u8..0x80).map(char::from) {
            let value = format!("a{c}b");
            let expected = c.is_whitespace() || c == '=' || c == '"';
            assert_eq!(needs_quotes(&value), expected, "{c:?}");
            // The same character in a value that is not all ASCII.
            assert_eq!(needs_quotes(&format!("é{value}")), expected, "{c:?}");
        }
    }
}
