//! `safe_log_message`: text that cannot forge log lines or drive a terminal
//! (CWE-117).

use std::borrow::Cow;

use crate::chars::{Classes, Invisible, escape_sequence_len, is_invisible_format};

/// The default byte limit of [`safe_log_message`].
pub const DEFAULT_LOG_LIMIT: usize = 2048;

/// Appended where [`safe_log_message`] cut the text (it counts within the
/// limit).
pub const LOG_TRUNCATION_MARKER: &str = "…[truncated]";

/// Makes `input` safe to put in a log line, within [`DEFAULT_LOG_LIMIT`]
/// bytes. See [`safe_log_message_with_limit`].
///
/// ```
/// use alphaguard_sanitize::safe_log_message;
///
/// // A forged second log entry stays on one line, visibly.
/// assert_eq!(
///     safe_log_message("alice\n2026-01-01 INFO admin logged in"),
///     "alice\\n2026-01-01 INFO admin logged in"
/// );
/// // Terminal escape sequences are removed, bidi overrides shown.
/// assert_eq!(safe_log_message("\x1b[2J\x1b]0;pwned\x07ok\u{202e}"), "ok\\u{202e}");
/// // Clean text comes back as it was, without a copy.
/// assert!(matches!(safe_log_message("GET /health 200"), std::borrow::Cow::Borrowed(_)));
/// ```
pub fn safe_log_message(input: &str) -> Cow<'_, str> {
    safe_log_message_with_limit(input, DEFAULT_LOG_LIMIT)
}

/// Makes `input` safe to put in a log line of at most `limit` bytes:
///
/// - control characters, CR and LF included, become visible escapes (`\n`,
///   `\r`, `\t`, `\x1f`, `\u{85}`), so nobody can start a forged entry;
/// - ANSI escape sequences (CSI `ESC [`, OSC `ESC ]` up to BEL or ST, the
///   string sequences DCS/SOS/PM/APC, their one-byte C1 forms, and
///   two-character `ESC x`) are removed when whole and short; one that is
///   cut off, malformed or long (a CSI with more than 64 parameter bytes, a
///   string of more than 512 bytes or with a control character inside)
///   keeps its text and has its introducer shown as an escape (`\x1b`), so
///   nothing reaches a terminal and nothing swallows the rest of a value;
/// - bidi controls and other invisible format characters (zero-width
///   characters, Unicode tags, line and paragraph separators) become
///   `\u{...}` escapes, so what is read is what was logged;
/// - the result is cut on a character boundary to fit `limit` bytes,
///   ending with [`LOG_TRUNCATION_MARKER`] (when `limit` leaves room for it).
///
/// Backslashes are kept as they are, so the function is idempotent.
/// Clean input within the limit is returned borrowed.
pub fn safe_log_message_with_limit(input: &str, limit: usize) -> Cow<'_, str> {
    // Fast path: printable ASCII (vectorises), or clean Unicode.
    let clean = input.bytes().all(|b| (0x20..0x7f).contains(&b)) || {
        // The table is reached at the first character outside ASCII (an
        // ASCII line with a line break never builds it), then kept.
        let mut classes = None;
        input.chars().all(|c| {
            if c.is_ascii() {
                !c.is_ascii_control()
            } else {
                !c.is_control()
                    && classes.get_or_insert_with(Classes::get).of(c) != Invisible::Format
            }
        })
    };
    if clean && input.len() <= limit {
        return Cow::Borrowed(input);
    }

    let mut out = String::with_capacity(input.len().min(limit) + 16);
    // Stop building once past the limit: the rest would be cut anyway.
    let budget = limit.saturating_add(LOG_TRUNCATION_MARKER.len());
    let mut i = 0;
    while let Some(c) = input[i..].chars().next() {
        if out.len() > budget {
            break;
        }
        // A whole, short escape sequence goes; the introducer of one that
        // is cut off, too long or malformed is shown as an escape, and what
        // follows it is kept, so it cannot swallow the rest of the value.
        if matches!(
            c,
            '\u{1b}' | '\u{9b}' | '\u{9d}' | '\u{90}' | '\u{98}' | '\u{9e}' | '\u{9f}'
        ) && let Some(len) = escape_sequence_len(&input[i..])
        {
            i += len;
            continue;
        }
        i += c.len_utf8();
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_ascii_control() => {
                out.push_str("\\x");
                push_hex(&mut out, u32::from(c), 2);
            }
            c if c.is_control() || is_invisible_format(c) => {
                out.push_str("\\u{");
                push_hex(&mut out, u32::from(c), 1);
                out.push('}');
            }
            c => out.push(c),
        }
    }
    truncate(&mut out, limit);
    Cow::Owned(out)
}

/// Appends `value` in lower-case hexadecimal, at least `min_digits` long
/// (as `{:0min_digits$x}` would, without the formatting machinery, which
/// costs more than the rest of the escape).
fn push_hex(out: &mut String, value: u32, min_digits: u32) {
    let digits = (32 - value.leading_zeros()).div_ceil(4).max(min_digits);
    for k in (0..digits).rev() {
        let nibble = (value >> (4 * k)) & 0xf;
        out.push(char::from(b"0123456789abcdef"[nibble as usize]));
    }
}

/// Cuts `out` to `limit` bytes on a character boundary, with the marker
/// when it fits.
fn truncate(out: &mut String, limit: usize) {
    if out.len() <= limit {
        return;
    }
    let (keep, marker) = if limit >= LOG_TRUNCATION_MARKER.len() {
        (limit - LOG_TRUNCATION_MARKER.len(), LOG_TRUNCATION_MARKER)
    } else {
        (limit, "")
    };
    let mut cut = keep;
    while !out.is_char_boundary(cut) {
        cut -= 1;
    }
    out.truncate(cut);
    out.push_str(marker);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chars::{MAX_CSI_BODY, MAX_STRING_BODY};

    proptest::proptest! {
        #[test]
        fn hex_digits_are_those_of_the_formatter(value in proptest::prop_oneof![0u32..0x200, proptest::num::u32::ANY]) {
            for min in 1..4 {
                let mut out = String::new();
                push_hex(&mut out, value, min);
                proptest::prop_assert_eq!(out, format!("{value:0width$x}", width = min as usize));
            }
        }
    }

    #[test]
    fn escapes_and_removals() {
        for (input, expected) in [
            ("a\r\nb", "a\\r\\nb"),
            ("tab\there", "tab\\there"),
            ("bell\x07", "bell\\x07"),
            ("del\x7f", "del\\x7f"),
            ("\x1b[31mred\x1b[0m", "red"),
            ("\x1b[38;5;196mx", "x"),
            ("\x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\", "link"),
            ("\x1b]0;title\x07after", "after"),
            ("\u{9b}31mx", "x"),
            ("\u{85}next", "\\u{85}next"),
            ("a\u{2028}b", "a\\u{2028}b"),
            ("zero\u{200b}width", "zero\\u{200b}width"),
            ("tag\u{e0041}", "tag\\u{e0041}"),
            ("\x1bc reset", " reset"),
            // A character set chosen: removed whole.
            ("\x1b(Bplain\x1b%G", "plain"),
            ("a\x1b Fb", "ab"),
            ("unterminated \x1b]0;title", "unterminated \\x1b]0;title"),
            ("lone esc at end\x1b", "lone esc at end\\x1b"),
            ("back\\slash \\n kept", "back\\slash \\n kept"),
            ("héllo wörld ✓", "héllo wörld ✓"),
        ] {
            assert_eq!(safe_log_message(input), expected, "{input:?}");
        }
    }

    #[test]
    fn a_sequence_cut_off_or_too_long_cannot_swallow_the_rest() {
        for (input, expected) in [
            // An OSC or DCS without its terminator: shown, not removed.
            (
                "bob\x1b]0; logged in from 10.0.0.1",
                "bob\\x1b]0; logged in from 10.0.0.1",
            ),
            ("bob\u{9d}0;x from 10.0.0.1", "bob\\u{9d}0;x from 10.0.0.1"),
            ("bob\x1bP1$r from 10.0.0.1", "bob\\x1bP1$r from 10.0.0.1"),
            // A control character inside ends nothing: shown.
            ("a\x1b]0;t\nb\x07c", "a\\x1b]0;t\\nb\\x07c"),
            // An ESC that is not ST inside a string: shown.
            ("a\x1b]0;t\x1b[1mb", "a\\x1b]0;tb"),
            // Terminated, short: removed.
            ("a\x1b]0;title\x1b\\b", "ab"),
            ("a\u{90}q\u{9c}b", "ab"),
            // CSI: parameters, intermediates, a final byte, in that order.
            ("\x1b[1;31mred", "red"),
            ("\x1b[10.0.0.1 from", "\\x1b[10.0.0.1 from"),
            ("\x1b[", "\\x1b["),
            ("a\u{9b}", "a\\u{9b}"),
        ] {
            assert_eq!(safe_log_message(input), expected, "{input:?}");
        }
        // A long parameter run is shown, whole.
        let long = format!("\x1b[{}m user=bob", "1;".repeat(MAX_CSI_BODY));
        let out = safe_log_message_with_limit(&long, usize::MAX);
        assert!(out.starts_with("\\x1b[1;1;"), "{out:?}");
        assert!(out.ends_with("m user=bob"), "{out:?}");
        // A long string, too, even when terminated.
        let long = format!("\x1b]0;{}\x07 user=bob", "x".repeat(MAX_STRING_BODY + 1));
        let out = safe_log_message_with_limit(&long, usize::MAX);
        assert!(out.starts_with("\\x1b]0;xxx"), "{out:?}");
        assert!(out.ends_with("\\x07 user=bob"), "{out:?}");
        // At the limits, still removed.
        let csi = format!("\x1b[{}m ok", "1".repeat(MAX_CSI_BODY));
        assert_eq!(safe_log_message_with_limit(&csi, usize::MAX), " ok");
    }

    proptest::proptest! {
        /// The fast path lends the text as it is exactly when it holds no
        /// control or invisible format character, in any script.
        #[test]
        fn only_clean_text_is_lent_as_it_is(text in "([ -~]|[\u{0}-\u{1f}\u{7f}-\u{9f}]|[à-ÿ]|[а-я]|[\u{200b}-\u{200f}\u{2028}\u{2060}\u{feff}\u{e0041}]|\\PC){0,40}") {
            let clean = text.chars().all(|c| !c.is_control() && !is_invisible_format(c));
            let out = safe_log_message_with_limit(&text, usize::MAX);
            proptest::prop_assert_eq!(matches!(out, Cow::Borrowed(_)), clean, "{:?}", text);
        }

        /// Whatever comes before it, a value appended after a line break is
        /// kept: no sequence reaches past the end of the text it started in.
        #[test]
        fn nothing_swallows_a_later_value(text in "(\\PC|[\u{1b}\u{7}\u{9b}\u{9c}\u{9d}\u{90}\\\\\\[\\]P0-9;m ]){0,80}") {
            let text = format!("{text}\nvalue=canary");
            let out = safe_log_message_with_limit(&text, usize::MAX);
            proptest::prop_assert!(out.ends_with("\\nvalue=canary"), "{:?}", out);
            proptest::prop_assert_eq!(safe_log_message_with_limit(&out, usize::MAX), out.clone());
        }
    }

    #[test]
    fn truncates_on_a_boundary_with_the_marker() {
        let long = "é".repeat(100);
        let out = safe_log_message_with_limit(&long, 21);
        assert!(out.len() <= 21, "{}", out.len());
        assert!(out.ends_with(LOG_TRUNCATION_MARKER));
        assert_eq!(out, format!("{}{}", "é".repeat(3), LOG_TRUNCATION_MARKER));
        assert_eq!(safe_log_message_with_limit("abcdef", 3), "abc");
        assert_eq!(safe_log_message_with_limit("abc", 3), "abc");
        assert_eq!(safe_log_message_with_limit("", 0), "");
        // Escapes count towards the limit.
        let newlines = "\n".repeat(100);
        let out = safe_log_message_with_limit(&newlines, 30);
        assert!(out.len() <= 30);
    }

    #[test]
    fn hostile_input_is_not_built_past_the_limit() {
        let hostile = "\n".repeat(1 << 20);
        let Cow::Owned(out) = safe_log_message(&hostile) else {
            panic!("hostile input came back borrowed");
        };
        assert!(out.len() <= DEFAULT_LOG_LIMIT);
        assert!(out.capacity() < 64 * 1024);
    }
}
