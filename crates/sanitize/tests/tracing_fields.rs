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
        tracing::info!(%user, ?agent, count = 3, "login failed\r\n for {}", "x\u{1b}]0;t\u{7}y");
    });
    // One event, one line.
    assert_eq!(text.matches('\n').count(), 1, "{text:?}");
    assert!(text.contains("login failed\\r\\n for xy"), "{text:?}");
    assert!(
        text.contains("user=mallory\\nINFO forged entry"),
        "{text:?}"
    );
    // `?` fields are `Debug`-quoted first, then sanitised.
    assert!(
        text.contains("agent=\"curl\\u{1b}[2J\\u{202e}\""),
        "{text:?}"
    );
    assert!(text.contains("count=3"), "{text:?}");
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
