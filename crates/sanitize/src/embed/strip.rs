//! Step 1: what Discord would not show but might act on is removed
//! (controls, format characters, combining marks after an `@`).

use std::borrow::Cow;

use crate::chars::{Invisible, invisible_class};

/// Step 1: remove what Discord would not show but might act on.
pub(super) fn strip_invisible(input: &str) -> Cow<'_, str> {
    // Nothing is copied until the first character that must go: clean text
    // comes back borrowed after one pass.
    let mut out: Option<String> = None;
    // Where the input not yet copied to `out` starts.
    let mut copied = 0;
    let bytes = input.as_bytes();
    let mut i = 0;
    loop {
        // Printable ASCII is kept as it is: eight bytes at a time while
        // they all are, then byte by byte (LF is kept too).
        while let Some(word) = bytes.get(i..i + 8)
            && all_printable_ascii(word)
        {
            i += 8;
        }
        let Some(&b) = bytes.get(i) else {
            break;
        };
        if (0x20..0x7f).contains(&b) || b == b'\n' {
            i += 1;
            continue;
        }
        if b.is_ascii() {
            // CR LF and lone CR become LF; other controls go.
            let lone_cr = b == b'\r' && bytes.get(i + 1) != Some(&b'\n');
            let out = out.get_or_insert_with(|| String::with_capacity(input.len()));
            out.push_str(&input[copied..i]);
            if lone_cr {
                out.push('\n');
            }
            i += 1;
            copied = i;
            continue;
        }
        // Other characters one after another, up to the next ASCII one.
        let run = i;
        i = input.len();
        for (offset, c) in input[run..].char_indices() {
            let at = run + offset;
            if c.is_ascii() {
                i = at;
                break;
            }
            let drop = c.is_control()
                || match invisible_class(c) {
                    Invisible::Format => true,
                    // A combining mark goes when the character kept last
                    // (marks dropped before it aside) is an `@`.
                    Invisible::Combining => {
                        let kept = if copied < at {
                            &input[copied..at]
                        } else {
                            out.as_deref().unwrap_or("")
                        };
                        kept.ends_with('@')
                    }
                    Invisible::No => false,
                };
            if drop {
                out.get_or_insert_with(|| String::with_capacity(input.len()))
                    .push_str(&input[copied..at]);
                copied = at + c.len_utf8();
            }
        }
    }
    match out {
        None => Cow::Borrowed(input),
        Some(mut out) => {
            out.push_str(&input[copied..]);
            Cow::Owned(out)
        }
    }
}

/// Whether every byte of `word` (eight of them) is printable ASCII, space
/// to `~`, tested on all eight at once.
pub(super) fn all_printable_ascii(word: &[u8]) -> bool {
    const ONES: u64 = u64::from_ne_bytes([1; 8]);
    const HIGH: u64 = ONES * 0x80;
    let Ok(word) = <[u8; 8]>::try_from(word) else {
        return false;
    };
    let w = u64::from_ne_bytes(word);
    // A byte of 0x80 or more; one below 0x20; one equal to 0x7f (the usual
    // tests for a byte below n, and for a zero byte, on every byte at once).
    let high = w & HIGH;
    let below_space = w.wrapping_sub(ONES * 0x20) & !w & HIGH;
    let del = w ^ (ONES * 0x7f);
    let is_del = del.wrapping_sub(ONES) & !del & HIGH;
    high | below_space | is_del == 0
}
