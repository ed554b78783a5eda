//! `safe_embed_text` and `safe_log_message` on any text: no panic, no `@`,
//! no control characters, limits kept, idempotent.
#![no_main]

use alphaguard_sanitize::{safe_embed_text, safe_log_message_with_limit};
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
});
