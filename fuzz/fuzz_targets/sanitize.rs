//! The three guards on any text: no panic; embed output has no `@` and no
//! control characters, no dangerous scheme spelled with zero-padded
//! character references or `file:\\`, log output keeps its limit and lets
//! no escape sequence swallow a value after it, both are idempotent;
//! prompt output ends with its one closing tag, on every channel.
#![no_main]

use alphaguard_sanitize::{
    Channel, PromptGuard, UNTRUSTED_TAG, safe_embed_text, safe_log_message_with_limit, safe_prompt,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let embed = safe_embed_text(&text);
    assert!(!embed.contains('@'));
    assert!(!embed.chars().any(|c| c.is_control() && c != '\n'));
    assert_eq!(safe_embed_text(&embed), embed);
    // The text put before a colon spelled with any number of leading zeros,
    // and before `file:\\`: the colon is defanged whatever came before.
    for tail in [
        "javascript&#0000000058;x",
        "javascript&#x000000003a;x",
        "file:\\\\h\\s",
        "file&colon;&bsol;&bsol;h",
    ] {
        let alone = safe_embed_text(tail);
        assert!(alone.contains("\\[:\\]"), "{alone:?}");
        let linked = safe_embed_text(&format!("{text}\n{tail}"));
        assert!(linked.ends_with(&alone), "{linked:?}");
    }

    let limit = data.first().map_or(64, |&b| usize::from(b) * 4);
    let log = safe_log_message_with_limit(&text, limit);
    assert!(log.len() <= limit);
    assert!(!log.chars().any(char::is_control));
    assert_eq!(safe_log_message_with_limit(&log, limit), log);
    // No escape sequence, cut off or long, reaches past a line break.
    let valued = format!("{text}\nvalue=canary");
    assert!(safe_log_message_with_limit(&valued, usize::MAX).ends_with("\\nvalue=canary"));

    let report = safe_prompt(&text);
    let closing = format!("</{UNTRUSTED_TAG} nonce=");
    assert_eq!(report.text.matches(&closing).count(), 1);
    assert!((0.0..=1.0).contains(&report.score));
    static GUARD: std::sync::LazyLock<PromptGuard> = std::sync::LazyLock::new(PromptGuard::new);
    for channel in [Channel::User, Channel::Document, Channel::ToolOutput] {
        let report = GUARD.check_as(&text, channel);
        assert_eq!(report.text.matches(&closing).count(), 1);
        assert!((0.0..=1.0).contains(&report.score));
    }
});
