//! Encoded payloads: base64 and hex runs decoded, and rot13 read back,
//! to be checked again.

use std::ops::Range;

use base64::Engine as _;

/// Where `input` may hold an encoded payload: runs of 16 or more base64
/// characters (standard or URL-safe alphabet, with up to two `=`), and
/// inside them runs of an even number (16 or more) of hex digits bounded by
/// non-word characters.
pub(super) fn encoded_spans(input: &str) -> Vec<Range<usize>> {
    const MIN: usize = 16;
    let b = input.as_bytes();
    let is_base64 = |c: u8| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'/' | b'_' | b'-');
    let is_word = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    let mut spans = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if !is_base64(b[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && is_base64(b[i]) {
            i += 1;
        }
        let run_end = i;
        if run_end - start >= MIN {
            let mut end = run_end;
            while end < b.len() && end - run_end < 2 && b[end] == b'=' {
                end += 1;
            }
            spans.push(start..end);
        }
        let mut j = start;
        while j < run_end {
            if !b[j].is_ascii_hexdigit() {
                j += 1;
                continue;
            }
            let hex_start = j;
            while j < run_end && b[j].is_ascii_hexdigit() {
                j += 1;
            }
            let len = j - hex_start;
            let bounded = (hex_start == 0 || !is_word(b[hex_start - 1]))
                && b.get(j).is_none_or(|&c| !is_word(c));
            let whole_run = hex_start == start && j == run_end;
            if bounded && len >= MIN && len % 2 == 0 && !whole_run {
                spans.push(hex_start..j);
            }
        }
    }
    spans
}

/// Decodes base64 (standard or URL-safe, padded or not) or hex into text,
/// if it is mostly printable text.
pub(super) fn decode_payload(encoded: &str) -> Option<String> {
    use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE_NO_PAD};
    let trimmed = encoded.trim_end_matches('=');
    let bytes = hex::decode(encoded)
        .ok()
        .or_else(|| STANDARD_NO_PAD.decode(trimmed).ok())
        .or_else(|| URL_SAFE_NO_PAD.decode(trimmed).ok())?;
    let text = String::from_utf8(bytes).ok()?;
    let printable = text
        .chars()
        .filter(|c| !c.is_control() || c.is_whitespace())
        .count();
    (printable * 10 >= text.chars().count() * 9 && text.chars().any(char::is_alphabetic))
        .then_some(text)
}

/// Keywords of the English patterns, rot13'd: "ignore", "disregard",
/// "forget", "system", "prompt", "instruction", "reveal", "developer",
/// "jailbreak", "previous".
pub(super) const ROT13_HINTS: [&str; 10] = [
    "vtaber",
    "qvfertneq",
    "sbetrg",
    "flfgrz",
    "cebzcg",
    "vafgehpgvba",
    "erirny",
    "qrirybcre",
    "wnvyoernx",
    "cerivbhf",
];

pub(super) fn rot13(c: char) -> char {
    match c {
        'a'..='m' | 'A'..='M' => char::from(c as u8 + 13),
        'n'..='z' | 'N'..='Z' => char::from(c as u8 - 13),
        _ => c,
    }
}
