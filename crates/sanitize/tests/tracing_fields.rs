//! `SafeFields` in a real `tracing-subscriber` pipeline: every message and
//! field, `%Display` ones included, arrives sanitised.

use std::io;
use std::sync::{Arc, Mutex};

use alphaguard_sanitize::SafeFields;
use tracing_subscriber::fmt::MakeWriter;

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0
            .lock()
            .map_err(|_| io::Error::other("poisoned"))?
            .extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

fn capture(limit: Option<usize>, log: impl FnOnce()) -> String {
    let out = Captured::default();
    let fields = limit.map_or_else(SafeFields::default, SafeFields::with_limit);
    let subscriber = tracing_subscriber::fmt()
        .fmt_fields(fields)
        .with_ansi(false)
        .without_time()
        .with_target(false)
        .with_writer(out.clone())
        .finish();
    tracing::subscriber::with_default(subscriber, log);
    let bytes = out.0.lock().expect("not poisoned").clone();
    String::from_utf8(bytes).expect("UTF-8 log")
}

#[test]
fn display_debug_and_message_fields_are_all_sanitised() {
    let user = "mallory\nINFO forged entry";
    let agent = "curl\u{1b}[2J\u{202e}";
    let text = capture(None, || {
        tracing::info!(%user, ?agent, count = 3, delta = -2i64, big = u64::MAX, ok = true, "login failed\r\n for {}", "x\u{1b}]0;t\u{7}y");
    });
    // One event, one line.
    assert_eq!(text.matches('\n').count(), 1, "{text:?}");
    assert!(text.contains("login failed\\r\\n for xy"), "{text:?}");
    assert!(
        // Quoted (it holds spaces), its backslash escaped inside the quotes.
        text.contains("user=\"mallory\\\\nINFO forged entry\""),
        "{text:?}"
    );
    // `?` fields are `Debug`-quoted first, then sanitised.
    assert!(
        text.contains("agent=\"curl\\u{1b}[2J\\u{202e}\""),
        "{text:?}"
    );
    // Numbers and booleans are written as they are.
    for field in ["count=3", "delta=-2", "big=18446744073709551615", "ok=true"] {
        assert!(text.contains(field), "{field} not in {text:?}");
    }
    assert!(
        !text.contains('\u{1b}') && !text.contains('\u{202e}'),
        "{text:?}"
    );
}

#[test]
fn span_fields_and_limits() {
    let text = capture(Some(16), || {
        let span = tracing::info_span!("request", path = %"/a\n/b");
        let _guard = span.enter();
        tracing::warn!(body = %"x".repeat(100), "ok");
    });
    assert_eq!(text.matches('\n').count(), 1, "{text:?}");
    assert!(text.contains("path=/a\\n/b"), "{text:?}");
    // 16 bytes: two of the value, then the 14-byte marker.
    assert!(text.contains("body=xx…[truncated]\n"), "{text:?}");
}

/// Reads `key=value` and `key="quoted value"` pairs the way a logfmt
/// parser does: the fields a reader of the line would see.
fn logfmt_fields(line: &str) -> Vec<(String, String)> {
    let mut fields = Vec::new();
    let mut chars = line.trim_end_matches('\n').chars().peekable();
    while chars.peek().is_some() {
        while chars.peek() == Some(&' ') {
            chars.next();
        }
        let mut token = String::new();
        let mut key = None;
        let mut quoted = false;
        while let Some(&c) = chars.peek() {
            if c == ' ' && !quoted {
                break;
            }
            chars.next();
            match c {
                '=' if key.is_none() && !quoted => key = Some(std::mem::take(&mut token)),
                '"' if key.is_some() => quoted = !quoted,
                '\\' if quoted => token.extend(chars.next()),
                c => token.push(c),
            }
        }
        if let Some(key) = key {
            fields.push((key, token));
        }
    }
    fields
}

#[test]
fn a_value_cannot_pass_for_another_field() {
    for (user, debugged) in [
        ("bob client=10.0.0.1", "x\" client=\"10.0.0.1"),
        ("bob\" client=\"10.0.0.1", "x\\\" client=10.0.0.1"),
        ("bob\\\" client=10.0.0.1", "\""),
        ("", "a\u{3000}client=1"),
    ] {
        struct Raw<'a>(&'a str);
        impl std::fmt::Debug for Raw<'_> {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.0)
            }
        }
        let text = capture(None, || {
            tracing::info!(user = %user, raw = ?Raw(debugged), "login");
        });
        let fields = logfmt_fields(&text);
        let names: Vec<&str> = fields.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(names, ["user", "raw"], "{text:?}");
        assert_eq!(fields[0].1, user, "{text:?}");
        assert_eq!(fields[1].1, debugged, "{text:?}");
    }
}

#[test]
fn a_value_whose_debug_logs_is_written_whole() {
    // (tracing drops the nested event: a subscriber is not re-entered on
    // its own thread; what matters is that the outer line is intact.)
    struct Noisy;
    impl std::fmt::Debug for Noisy {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            tracing::info!(inner = ?"from inside", "nested");
            f.write_str("noisy value")
        }
    }
    let text = capture(None, || {
        tracing::info!(first = ?"before", value = ?Noisy, last = %"after", "outer");
    });
    let outer = text
        .lines()
        .find(|l| l.contains("outer"))
        .expect("outer line");
    let fields = logfmt_fields(outer);
    let values: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(
        values,
        [
            ("first", "before"),
            ("value", "noisy value"),
            ("last", "after")
        ],
        "{text:?}"
    );
}
