//! Properties over arbitrary input: no ping, no live dangerous link, no
//! control character, limits kept, idempotent, no panic.

use alphaguard_sanitize::{
    EmbedBudget, EmbedField, embed_len, safe_embed_text, safe_log_message,
    safe_log_message_with_limit,
};
use proptest::prelude::*;

/// Text rich in the characters that matter here.
fn hostile() -> impl Strategy<Value = String> {
    let pieces = prop_oneof![
        Just("@".to_owned()),
        Just("<".to_owned()),
        Just(">".to_owned()),
        Just("\\".to_owned()),
        Just("*_~|`#-[]().:".to_owned()),
        Just("everyone".to_owned()),
        Just("javascript".to_owned()),
        Just("&#106;".to_owned()),
        Just("&colon;".to_owned()),
        Just("\u{1b}[".to_owned()),
        Just("\u{202e}".to_owned()),
        Just("\u{200b}".to_owned()),
        Just("\u{301}".to_owned()),
        Just("\r\n".to_owned()),
        "[a-z0-9 ]{0,6}",
        any::<char>().prop_map(String::from),
    ];
    proptest::collection::vec(pieces, 0..40).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn embed_output_cannot_ping_or_link(input in hostile()) {
        let out = safe_embed_text(&input);
        prop_assert!(!out.contains('@'));
        let squashed: String = out.to_lowercase().chars().filter(|c| !c.is_whitespace() && !c.is_control()).collect();
        prop_assert!(!squashed.contains("javascript:"));
        prop_assert!(!squashed.contains("vbscript:"));
        prop_assert!(!out.chars().any(|c| c.is_control() && c != '\n'));
        prop_assert_eq!(safe_embed_text(&out), out.clone(), "not idempotent");
    }

    #[test]
    fn embed_never_panics(input in any::<String>()) {
        let out = safe_embed_text(&input);
        prop_assert_eq!(safe_embed_text(&out), out);
    }

    #[test]
    fn embed_fields_keep_their_limits(input in any::<String>(), extra in 0usize..3000) {
        let text = format!("{input}{}", "é".repeat(extra));
        for field in [EmbedField::Title, EmbedField::Description, EmbedField::FieldValue, EmbedField::Footer] {
            prop_assert!(embed_len(&field.fit(&text)) <= field.limit());
        }
        let mut budget = EmbedBudget::new();
        let mut total = 0;
        for field in [EmbedField::Description, EmbedField::FieldValue, EmbedField::FieldValue, EmbedField::Footer, EmbedField::Title] {
            total += embed_len(&budget.take(field, &text));
        }
        prop_assert!(total <= alphaguard_sanitize::EMBED_TOTAL_LIMIT);
    }

    #[test]
    fn log_output_is_one_clean_line_within_its_limit(input in hostile(), limit in 0usize..300) {
        let out = safe_log_message_with_limit(&input, limit);
        prop_assert!(out.len() <= limit);
        prop_assert!(!out.chars().any(char::is_control));
        let invisible = out.contains('\u{202e}') || out.contains('\u{200b}');
        prop_assert!(!invisible, "invisible format character kept");
        prop_assert_eq!(safe_log_message_with_limit(&out, limit), out.clone(), "not idempotent");
    }

    #[test]
    fn log_never_panics(input in any::<String>()) {
        let out = safe_log_message(&input);
        prop_assert_eq!(safe_log_message(&out), out.clone());
    }
}
