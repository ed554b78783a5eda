//! `safe_log_message`: text that cannot forge log lines or drive a terminal
//! (CWE-117).

use std::borrow::Cow;

use crate::chars::is_invisible_format;

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
///   two-character `ESC x`) are removed, so nothing reaches a terminal;
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
    let clean = input.bytes().all(|b| (0x20..0x7f).contains(&b))
        || input
            .chars()
            .all(|c| !c.is_control() && !is_invisible_format(c));
    if clean && input.len() <= limit {
        return Cow::Borrowed(input);
    }

    let mut out = String::with_capacity(input.len().min(limit) + 16);
    // Stop building once past the limit: the rest would be cut anyway.
    let budget = limit.saturating_add(LOG_TRUNCATION_MARKER.len());
    let mut chars = input.chars().peekable();
    while let Some(c) = chars.next() {
        if out.len() > budget {
            break;
        }
        match c {
            '\u{1b}' => skip_escape_sequence(&mut chars),
            '\u{9b}' => skip_csi(&mut chars),
            '\u{9d}' | '\u{90}' | '\u{98}' | '\u{9e}' | '\u{9f}' => skip_string(&mut chars),
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

type Chars<'a> = std::iter::Peekable<std::str::Chars<'a>>;

/// After `ESC`: a CSI or string sequence, or `ESC` plus one character.
fn skip_escape_sequence(chars: &mut Chars<'_>) {
    match chars.peek() {
        Some('[') => {
            chars.next();
            skip_csi(chars);
        }
        Some(']' | 'P' | 'X' | '^' | '_') => {
            chars.next();
            skip_string(chars);
        }
        // Two-character sequences (`ESC 7`, `ESC c`, `ESC (B` starts one):
        // drop the one character after ESC when it is printable ASCII.
        Some(c) if (' '..='~').contains(c) => {
            chars.next();
        }
        _ => {}
    }
}

/// CSI body: parameter bytes, intermediate bytes, then one final byte.
fn skip_csi(chars: &mut Chars<'_>) {
    while let Some(&c) = chars.peek() {
        if ('\u{30}'..='\u{3f}').contains(&c) || ('\u{20}'..='\u{2f}').contains(&c) {
            chars.next();
        } else {
            if ('\u{40}'..='\u{7e}').contains(&c) {
                chars.next();
            }
            return;
        }
    }
}

/// OSC/DCS/SOS/PM/APC body: up to BEL, ST (`ESC \` or U+009C), or the end.
fn skip_string(chars: &mut Chars<'_>) {
    while let Some(c) = chars.next() {
        match c {
            '\u{7}' | '\u{9c}' => return,
            '\u{1b}' => {
                if chars.peek() == Some(&'\\') {
                    chars.next();
                }
                return;
            }
            _ => {}
        }
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
            ("unterminated \x1b]0;title", "unterminated "),
            ("lone esc at end\x1b", "lone esc at end"),
            ("back\\slash \\n kept", "back\\slash \\n kept"),
            ("héllo wörld ✓", "héllo wörld ✓"),
        ] {
            assert_eq!(safe_log_message(input), expected, "{input:?}");
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
