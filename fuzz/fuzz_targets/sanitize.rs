//! The three guards on any text: no panic; embed output has no `@` and no
//! control characters, log output keeps its limit, both are idempotent;
//! prompt output ends with its one closing tag.
#![no_main]

use alphaguard_sanitize::{UNTRUSTED_TAG, safe_embed_text, safe_log_message_with_limit, safe_prompt};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let embed = safe_embed_text(&text);
    assert!(!embed.contains('@'));
    assert!(!embed.chars().any(|c| c.is_control() && c != '\n'));
    assert_eq!(safe_embed_text(&embed), embed);

    let limit = data.first().map_or(64, |&b| usize::from(b) * 4);
    let log = safe_log_message_with_limit(&text, limit);
    assert!(log.len() <= limit);
    assert!(!log.chars().any(char::is_control));
    assert_eq!(safe_log_message_with_limit(&log, limit), log);

    let report = safe_prompt(&text);
    let closing = format!("</{UNTRUSTED_TAG} nonce=");
    assert_eq!(report.text.matches(&closing).count(), 1);
    assert!((0.0..=1.0).contains(&report.score));
});
