//! Known tricks against embed and log sanitisers, each a test.

use alphaguard_sanitize::{safe_embed_text, safe_log_message};

/// Characters Discord drops before it parses mentions and links.
fn as_discord_parses(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_control() || *c == '\n')
        .filter(|c| !matches!(*c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}' | '\u{feff}'))
        .filter(|c| !matches!(*c, '\u{300}'..='\u{36f}'))
        .collect()
}

#[test]
fn mentions_cannot_ping() {
    for input in [
        "@everyone",
        "@here",
        "@EVERYONE",
        "@\u{202e}everyone",
        "@\u{200b}everyone",
        "@\u{301}\u{302}everyone",
        "@\u{2066}here\u{2069}",
        "<@123456789012345678>",
        "<@!123456789012345678>",
        "<@&123456789012345678>",
        "<#123456789012345678>",
        "</ban:123456789012345678>",
        "</admin ban user:123456789012345678>",
        "<t:1700000000:R>",
        "<a:party:123456789012345678>",
        "\\@everyone",
        "\\\\@everyone",
        "&#64;everyone",
        "@\r\neveryone",
    ] {
        let out = safe_embed_text(input);
        let parsed = as_discord_parses(&out);
        assert!(!parsed.contains('@'), "{input:?} -> {out:?}");
        // Every `<` is escaped (an odd run of backslashes before it).
        let bytes = parsed.as_bytes();
        for (i, b) in bytes.iter().enumerate() {
            if *b == b'<' {
                let run = bytes[..i].iter().rev().take_while(|&&c| c == b'\\').count();
                assert!(run % 2 == 1, "{input:?} -> {out:?}");
            }
        }
    }
}

#[test]
fn dangerous_links_are_defanged_in_every_spelling() {
    for input in [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "java\tscript:alert(1)",
        "java\u{0}script:alert(1)",
        "java\nscript:alert(1)",
        " \u{1}\u{2}javascript:alert(1)",
        "javascript&colon;alert(1)",
        "javascript&COLON alert(1)",
        "&#106;avascript:alert(1)",
        "&#106avascript:alert(1)",
        "&#x6A;avascript&#58;alert(1)",
        "&#x6a&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3a;alert(1)",
        "jav&#x09;ascript:alert(1)",
        "jav&Tab;ascript:alert(1)",
        "vbscript:msgbox(1)",
        "data:text/html;base64,PHNjcmlwdD4=",
        "DATA:text/html,<script>",
        "data:,alert(1)",
        "file:///etc/passwd",
        "file:/etc/passwd",
        "javascript&#0000000058;alert(1)",
        "javascript&#x000000000000003A;alert(1)",
        "&#00000000000106;avascript:alert(1)",
        "javascript&#0000000058alert(1)",
        "file:\\\\host\\share",
        "FILE:\\\\host\\share",
        "file&colon;\\\\host\\share",
        "file:&bsol;&bsol;host&bsol;share",
        "file:&#92;&#92;host",
        "[click](javascript:alert(1))",
        "steam://run/1",
        "ftp://example.com/x",
    ] {
        let out = safe_embed_text(input);
        let squashed: String = out
            .to_lowercase()
            .chars()
            .filter(|c| !c.is_whitespace() && !c.is_control())
            .collect();
        assert!(out.contains("[:"), "{input:?} -> {out:?}");
        for scheme in [
            "javascript:",
            "vbscript:",
            "data:text",
            "data:,",
            "file:/",
            "file:\\",
            "steam:",
            "ftp:",
        ] {
            assert!(!squashed.contains(scheme), "{input:?} -> {out:?}");
        }
    }
}

#[test]
fn web_links_and_plain_words_survive() {
    for (input, expected) in [
        (
            "https://example.com/path?q=1",
            "https://example.com/path?q=1",
        ),
        ("see http://example.com", "see http://example.com"),
        ("the data: 42", "the data: 42"),
        ("file: report.pdf", "file: report.pdf"),
        ("time 10:30", "time 10:30"),
    ] {
        assert_eq!(safe_embed_text(input), expected, "{input:?}");
    }
}

#[test]
fn markdown_renders_literally() {
    for (input, expected) in [
        ("**bold**", "\\*\\*bold\\*\\*"),
        ("*it* _it_", "\\*it\\* \\_it\\_"),
        ("__under__", "\\_\\_under\\_\\_"),
        ("~~strike~~", "\\~\\~strike\\~\\~"),
        ("||spoiler||", "\\|\\|spoiler\\|\\|"),
        ("`code`", "\\`code\\`"),
        (
            "```rust\nfn x(){}\n```",
            "\\`\\`\\`rust\nfn x(){}\n\\`\\`\\`",
        ),
        ("> quote", "\\> quote"),
        (">>> all quoted", "\\>\\>\\> all quoted"),
        ("# H1\n## H2\n### H3", "\\# H1\n\\#\\# H2\n\\#\\#\\# H3"),
        ("-# subtext", "\\-\\# subtext"),
        ("- item\n* item\n1. item", "\\- item\n\\* item\n1\\. item"),
        (
            "[text](https://evil.example)",
            "\\[text\\](https://evil.example)",
        ),
        ("back\\slash", "back\\\\slash"),
        ("\\*already escaped\\*", "\\*already escaped\\*"),
    ] {
        assert_eq!(safe_embed_text(input), expected, "{input:?}");
    }
}

#[test]
fn log_injection_tricks() {
    for (input, expected) in [
        ("user\r\nERROR forged", "user\\r\\nERROR forged"),
        (
            "\x1b[1A\x1b[2Koverwrite previous line",
            "overwrite previous line",
        ),
        ("\x1b]52;c;ZXZpbA==\x07clipboard", "clipboard"),
        ("\u{9b}2J", ""),
        ("admin\u{202e}nimda", "admin\\u{202e}nimda"),
        ("a\u{2028}b\u{2029}c", "a\\u{2028}b\\u{2029}c"),
        ("nul\0byte", "nul\\x00byte"),
        // Cut off or too long: shown, and the rest of the value kept.
        (
            "bob\x1b]0;x logged in from 10.0.0.1",
            "bob\\x1b]0;x logged in from 10.0.0.1",
        ),
        ("bob\x1bPq from 10.0.0.1", "bob\\x1bPq from 10.0.0.1"),
    ] {
        assert_eq!(safe_log_message(input), expected, "{input:?}");
    }
    let long_csi = format!("\x1b[{}m user=bob", "0".repeat(100));
    let out = safe_log_message(&long_csi);
    assert!(
        out.starts_with("\\x1b[000") && out.ends_with("m user=bob"),
        "{out:?}"
    );
}
