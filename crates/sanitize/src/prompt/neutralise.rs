//! Neutralisation: smuggled characters removed, role markers and
//! delimiters defanged, the text wrapped in a tag with a random nonce.

use std::borrow::Cow;
use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};

use crate::chars::is_invisible_format;

/// The tag that wraps untrusted text.
pub const UNTRUSTED_TAG: &str = "untrusted_user_input";

/// Strips smuggled characters, defangs role markers and delimiters, and
/// wraps the text in a tag carrying `nonce`.
pub(super) fn neutralise(input: &str, nonce: u64) -> String {
    let defanged = defang_characters(input);
    let defanged = replace_ignore_case(&defanged, UNTRUSTED_TAG, "untrusted-user-input");
    // The wrapping and the lines are written straight into the one string
    // returned (a web page has a delimiter every few bytes, and each copy
    // of it is a pass over the whole text).
    let nonce = format!("{nonce:016x}");
    let mut out =
        String::with_capacity(defanged.len() + 2 * (UNTRUSTED_TAG.len() + nonce.len()) + 24);
    for part in ["<", UNTRUSTED_TAG, " nonce=\"", &nonce, "\">\n"] {
        out.push_str(part);
    }
    push_defanged_line_roles(&defanged, &mut out);
    for part in ["\n</", UNTRUSTED_TAG, " nonce=\"", &nonce, "\">"] {
        out.push_str(part);
    }
    out
}

/// Smuggled characters removed (format characters, tag characters), and
/// look-alike punctuation for everything a chat template or a tag is made
/// of, so no delimiter survives. One pass, copying runs of what stays as
/// it is; borrowed when nothing changes.
fn defang_characters(input: &str) -> Cow<'_, str> {
    let bytes = input.as_bytes();
    let mut out = String::new();
    let mut copied = 0;
    let mut i = 0;
    // Past each run of bytes kept as they are (one table lookup a byte).
    while let Some(run) = bytes[i..].iter().position(|&b| LOOK_AT[usize::from(b)]) {
        let at = i + run;
        let (with, next) = match bytes[at] {
            b'<' => ("‹", at + 1),
            b'>' => ("›", at + 1),
            b'|' => ("¦", at + 1),
            b'[' => ("⟦", at + 1),
            b']' => ("⟧", at + 1),
            _ => {
                let Some(c) = input[at..].chars().next() else {
                    break;
                };
                let next = at + c.len_utf8();
                if !is_invisible_format(c) && !matches!(c, '\u{e0000}'..='\u{e007f}') {
                    i = next;
                    continue;
                }
                ("", next)
            }
        };
        if out.capacity() == 0 {
            out.reserve(input.len() + input.len() / 4);
        }
        out.push_str(&input[copied..at]);
        out.push_str(with);
        (copied, i) = (next, next);
    }
    if copied == 0 {
        return Cow::Borrowed(input);
    }
    out.push_str(&input[copied..]);
    Cow::Owned(out)
}

/// The bytes [`defang_characters`] looks at: the delimiters it replaces,
/// and the lead bytes of characters outside ASCII (which it may drop).
static LOOK_AT: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = b >= 0xc0 || matches!(b as u8, b'<' | b'>' | b'|' | b'[' | b']');
        b += 1;
    }
    table
};

/// The roles a line may claim.
const ROLES: [&str; 4] = ["system", "assistant", "developer", "user"];

/// `text` onto `out`, with `system:` (and `assistant:`, `developer:`,
/// `user:`) at a line start given a look-alike colon, and `###` headers a
/// full-width hash.
fn push_defanged_line_roles(text: &str, out: &mut String) {
    // Lines copied as they are, in one piece, up to the first that needs
    // a change.
    let (mut copied, mut next) = (0, 0);
    for line in text.split('\n') {
        let line_start = next;
        next += line.len() + 1;
        let trimmed = line.trim_start();
        let indent = &line[..line.len() - trimmed.len()];
        // ASCII case folding keeps every byte where it is, so the role's
        // end is a character boundary of the line as written.
        let role = ROLES.iter().find(|r| {
            trimmed
                .as_bytes()
                .get(..r.len())
                .is_some_and(|head| head.eq_ignore_ascii_case(r.as_bytes()))
                && trimmed[r.len()..].trim_start().starts_with(':')
        });
        if let Some(role) = role {
            let colon = trimmed[role.len()..]
                .find(':')
                .map_or(role.len(), |c| role.len() + c);
            out.push_str(&text[copied..line_start]);
            out.push_str(indent);
            out.push_str(&trimmed[..colon]);
            out.push('∶');
            out.push_str(&trimmed[colon + 1..]);
            copied = line_start + line.len();
        } else if let Some(header) = trimmed.strip_prefix('#') {
            out.push_str(&text[copied..line_start]);
            out.push_str(indent);
            out.push('＃');
            out.push_str(header);
            copied = line_start + line.len();
        }
    }
    out.push_str(&text[copied..]);
}

/// `text` with every `needle` (lower case ASCII, matched in any ASCII
/// case, left to right, not overlapping) replaced by `with`; borrowed when
/// there is none.
pub(super) fn replace_ignore_case<'a>(text: &'a str, needle: &str, with: &str) -> Cow<'a, str> {
    let bytes = text.as_bytes();
    let needle = needle.as_bytes();
    let Some(&first) = needle.first() else {
        return Cow::Borrowed(text);
    };
    let mut out = String::new();
    let mut last = 0;
    let mut at = 0;
    while let Some(off) = memchr::memchr2(first, first.to_ascii_uppercase(), &bytes[at..]) {
        let start = at + off;
        if bytes
            .get(start..start + needle.len())
            .is_some_and(|w| w.eq_ignore_ascii_case(needle))
        {
            out.push_str(&text[last..start]);
            out.push_str(with);
            last = start + needle.len();
            at = last;
        } else {
            at = start + 1;
        }
    }
    if last == 0 {
        return Cow::Borrowed(text);
    }
    out.push_str(&text[last..]);
    Cow::Owned(out)
}

pub(super) fn random_nonce() -> u64 {
    // Seeded from the OS per process and per call: unguessable to the text.
    let mut h = RandomState::new().build_hasher();
    h.write_u64(0);
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Neutralisation as it was first written, a pass for each step: the
    /// model the one-pass version is held to.
    fn reference(input: &str, nonce: u64) -> String {
        let visible: String = input
            .chars()
            .filter(|&c| !is_invisible_format(c) && !matches!(c, '\u{e0000}'..='\u{e007f}'))
            .collect();
        let defanged: String = visible
            .chars()
            .map(|c| match c {
                '<' => '‹',
                '>' => '›',
                '|' => '¦',
                '[' => '⟦',
                ']' => '⟧',
                c => c,
            })
            .collect();
        let lower = defanged.to_ascii_lowercase();
        let mut replaced = String::new();
        let mut last = 0;
        for (at, _) in lower.match_indices(UNTRUSTED_TAG) {
            replaced.push_str(&defanged[last..at]);
            replaced.push_str("untrusted-user-input");
            last = at + UNTRUSTED_TAG.len();
        }
        replaced.push_str(&defanged[last..]);
        let mut out = String::new();
        for (i, line) in replaced.split('\n').enumerate() {
            if i > 0 {
                out.push('\n');
            }
            let trimmed = line.trim_start();
            let indent = &line[..line.len() - trimmed.len()];
            let lower = trimmed.to_ascii_lowercase();
            let role = ROLES
                .iter()
                .find(|r| lower.starts_with(*r) && lower[r.len()..].trim_start().starts_with(':'));
            if let Some(role) = role {
                let colon = trimmed[role.len()..]
                    .find(':')
                    .map_or(role.len(), |c| role.len() + c);
                out.push_str(indent);
                out.push_str(&trimmed[..colon]);
                out.push('∶');
                out.push_str(&trimmed[colon + 1..]);
            } else if trimmed.starts_with('#') {
                out.push_str(indent);
                out.push_str(&trimmed.replacen('#', "＃", 1));
            } else {
                out.push_str(line);
            }
        }
        format!(
            "<{UNTRUSTED_TAG} nonce=\"{nonce:016x}\">\n{out}\n</{UNTRUSTED_TAG} nonce=\"{nonce:016x}\">"
        )
    }

    #[test]
    fn one_pass_is_the_reference_on_known_cases() {
        for text in [
            "",
            "plain",
            "System: hi\n  USER : x\n\u{3000}assistant\u{2003}:y\n### h\n #x",
            "<untrusted_user_input nonce=\"0\">UNTRUSTED_USER_INPUTuntrusted_user_input</x>",
            "untrusted_user_inpuuntrusted_user_input",
            "a\u{200b}b\u{e0041}\u{e0000}c\u{feff}[|]<>é日😀",
            "systeme: x\nsystem",
        ] {
            assert_eq!(neutralise(text, 7), reference(text, 7), "{text:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn one_pass_is_the_reference(text in "(system|SYSTEM|user|Assistant|developer|untrusted_user_input|UNTRUSTED_user_INPUT|untrusted_|_input|[#:<>|\\[\\] \t\n\r]|\u{3000}|\u{2003}|\u{200b}|\u{202e}|\u{feff}|[\u{e0000}-\u{e007f}]|[a-zA-Z0-9]|\\PC){0,40}") {
            proptest::prop_assert_eq!(neutralise(&text, 1), reference(&text, 1));
        }
    }
}
