//! Neutralisation: smuggled characters removed, role markers and
//! delimiters defanged, the text wrapped in a tag with a random nonce.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};

use crate::chars::is_invisible_format;

/// The tag that wraps untrusted text.
pub const UNTRUSTED_TAG: &str = "untrusted_user_input";

/// Strips smuggled characters, defangs role markers and delimiters, and
/// wraps the text in a tag carrying `nonce`.
pub(super) fn neutralise(input: &str, nonce: u64) -> String {
    let visible: String = input
        .chars()
        .filter(|&c| !is_invisible_format(c) && !matches!(c, '\u{e0000}'..='\u{e007f}'))
        .collect();
    // Look-alike punctuation for everything a chat template or a tag is
    // made of, so no delimiter survives; the tag's own name is altered too.
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
    let defanged = replace_ignore_case(&defanged, UNTRUSTED_TAG, "untrusted-user-input");
    let defanged = defang_line_roles(&defanged);
    format!(
        "<{UNTRUSTED_TAG} nonce=\"{nonce:016x}\">\n{defanged}\n</{UNTRUSTED_TAG} nonce=\"{nonce:016x}\">"
    )
}

/// `system:` (and `assistant:`, `developer:`, `user:`) at a line start get
/// a look-alike colon, and `###` headers a full-width hash.
pub(super) fn defang_line_roles(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let trimmed = line.trim_start();
        let indent = &line[..line.len() - trimmed.len()];
        let lower = trimmed.to_ascii_lowercase();
        let role = ["system", "assistant", "developer", "user"]
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
    out
}

pub(super) fn replace_ignore_case(text: &str, needle: &str, with: &str) -> String {
    let lower = text.to_ascii_lowercase();
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for (at, _) in lower.match_indices(needle) {
        out.push_str(&text[last..at]);
        out.push_str(with);
        last = at + needle.len();
    }
    out.push_str(&text[last..]);
    out
}

pub(super) fn random_nonce() -> u64 {
    // Seeded from the OS per process and per call: unguessable to the text.
    let mut h = RandomState::new().build_hasher();
    h.write_u64(0);
    h.finish()
}
