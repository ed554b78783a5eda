//! The embed guard against its whole-text model, and its bounds.
use super::*;

#[test]
fn entities_decode_with_and_without_semicolon() {
    assert_eq!(decode_entity(b"&#106;x"), Some(('j', 6)));
    assert_eq!(decode_entity(b"&#106x"), Some(('j', 5)));
    assert_eq!(decode_entity(b"&#x6A;"), Some(('j', 6)));
    assert_eq!(decode_entity(b"&#X6a"), Some(('j', 5)));
    assert_eq!(decode_entity(b"&colon;"), Some((':', 7)));
    assert_eq!(decode_entity(b"&COLON"), Some((':', 6)));
    assert_eq!(decode_entity(b"&amp;"), None);
    assert_eq!(decode_entity(b"&#;"), None);
    assert_eq!(decode_entity(b"&#99999999999;"), None);
}

thread_local! {
    /// Bytes the scheme check has read on this thread.
    static WINDOW_BYTES: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

pub(super) fn count_window_bytes(n: usize) {
    WINDOW_BYTES.with(|c| c.set(c.get() + n));
}

/// Texts made of nothing but colons and what may stand in a scheme: a
/// check that read back to the start of the run for every colon (as one
/// did) would read each of them about 10⁷ times over.
#[test]
fn the_scheme_check_reads_each_byte_a_bounded_number_of_times() {
    for piece in [
        "a&#58;",
        "&colon;",
        "&#x3A",
        "javascript:",
        "java&#x09;script&colon;",
        "data:",
        "file:a",
        "a:",
        "x\t",
        "&",
        "\u{200b}:",
        "ab&tab;",
        "1&#58;/",
    ] {
        let text: String = piece.chars().cycle().take(16 * 1024).collect();
        for text in [text.clone(), text + ":"] {
            WINDOW_BYTES.with(|c| c.set(0));
            let spans = defang_spans(&text);
            let read = WINDOW_BYTES.with(std::cell::Cell::get);
            assert!(
                read <= 4 * text.len(),
                "{piece:?}: {read} bytes read for {} ({} spans)",
                text.len(),
                spans.len()
            );
        }
    }
}

#[test]
fn one_byte_that_is_not_printable_is_found_in_any_place() {
    for place in 0..8 {
        for b in 0..=u8::MAX {
            let mut word = *b"~ aZ09}!";
            word[place] = b;
            assert_eq!(
                all_printable_ascii(&word),
                (0x20..0x7f).contains(&b),
                "byte {b:#x} at {place}"
            );
        }
    }
    assert!(!all_printable_ascii(b"short"));
}

#[test]
fn ordered_lists_only_at_line_start() {
    assert_eq!(
        escape_markdown("1. one\n  22. two\nv1.2"),
        "1\\. one\n  22\\. two\nv1.2"
    );
}

/// The previous implementation, which normalised the whole text: the
/// model the windowed one must agree with.
mod whole_text {
    use std::borrow::Cow;

    use super::super::{ESCAPED, SAFE_AT};

    /// Characters that may follow a backslash as an escape pair already.
    fn pairs_with_backslash(c: char) -> bool {
        ESCAPED.contains(&c) || c == '.'
    }
    use crate::chars::{Invisible, invisible_class, is_invisible_format};

    fn is_scheme_char(c: char) -> bool {
        c.is_ascii_alphanumeric() || matches!(c, '+' | '.' | '-')
    }

    /// An HTML character reference at the start of `text` (the first
    /// implementation, on `str`).
    pub(super) fn decode_entity(text: &str) -> Option<(char, usize)> {
        let rest = text.strip_prefix('&')?;
        if let Some(num) = rest.strip_prefix('#') {
            let (digits, radix, skip) = match num.strip_prefix(['x', 'X']) {
                Some(hex) => (hex, 16, 2),
                None => (num, 10, 1),
            };
            let zeros = digits.bytes().take_while(|&b| b == b'0').count();
            let len = zeros
                + digits[zeros..]
                    .bytes()
                    .take(8)
                    .take_while(|&b| char::from(b).is_digit(radix))
                    .count();
            if len == 0 {
                return None;
            }
            let value = if len == zeros {
                0
            } else {
                u32::from_str_radix(&digits[zeros..len], radix).ok()?
            };
            let c = char::from_u32(value)?;
            let semicolon = usize::from(digits[len..].starts_with(';'));
            return Some((c, 1 + skip + len + semicolon));
        }
        for (name, c) in [
            ("bsol", '\\'),
            ("colon", ':'),
            ("tab", '\t'),
            ("newline", '\n'),
            ("sol", '/'),
        ] {
            let matches = rest
                .as_bytes()
                .get(..name.len())
                .is_some_and(|b| b.eq_ignore_ascii_case(name.as_bytes()));
            if matches {
                let semicolon = usize::from(rest[name.len()..].starts_with(';'));
                return Some((c, 1 + name.len() + semicolon));
            }
        }
        None
    }

    struct Normalised {
        c: char,
        /// Bytes of input it stands for.
        len: usize,
        start: usize,
    }

    impl Normalised {
        fn end(&self) -> usize {
            self.start + self.len
        }
    }

    /// Whether the normalised characters `view` end with `word` (ASCII).
    fn view_ends_with(view: &[Normalised], word: &str) -> bool {
        view.len() >= word.len()
            && view[view.len() - word.len()..]
                .iter()
                .zip(word.bytes())
                .all(|(n, b)| n.c == char::from(b))
    }

    /// Step 3 of the docs: defang dangerous schemes, however they are spelled.
    pub(super) fn defang_schemes(input: &str) -> Cow<'_, str> {
        if !input.contains(':') && !input.contains('&') {
            return Cow::Borrowed(input);
        }
        let view = normalise(input);
        // Byte spans of colons to defang.
        let mut spans: Vec<(usize, usize)> = Vec::new();
        for (i, n) in view.iter().enumerate() {
            if n.c != ':' {
                continue;
            }
            // The letters before the colon, back to the first that cannot be in
            // a scheme.
            let mut start = i;
            while start > 0 && is_scheme_char(view[start - 1].c) {
                start -= 1;
            }
            let scheme = &view[start..i];
            let followed_by_slashes = view.get(i + 1).is_some_and(|n| n.c == '/')
                && view.get(i + 2).is_some_and(|n| n.c == '/');
            // The scheme as written, right before the colon: in the normalised
            // view spaces are gone, so "see https" reads "seehttps".
            let before = &input[..n.start];
            // Scheme characters are ASCII, so counting characters counts bytes.
            let written_len = before
                .chars()
                .rev()
                .take_while(|&c| is_scheme_char(c))
                .count();
            let written = &before[before.len() - written_len..];
            let web = written.eq_ignore_ascii_case("http") || written.eq_ignore_ascii_case("https");
            let next = view.get(i + 1).map(|n| n.c);
            let dangerous = view_ends_with(scheme, "javascript")
                || view_ends_with(scheme, "vbscript")
                // `data:` and `file:` are common words before a colon; they are
                // links only as `data:<mime type>/…`, `data:,…` and `file:/…`.
                || (view_ends_with(scheme, "data")
                    && (next == Some(',') || mime_follows(&view[i + 1..])))
                || (view_ends_with(scheme, "file") && matches!(next, Some('/' | '\\')))
                // Other `scheme://` links, judged on the scheme as written (the
                // normalised one would change when a first pass escapes an
                // entity, and a second pass must agree with the first).
                || (followed_by_slashes && !written.is_empty() && !web);
            if dangerous {
                spans.push((n.start, n.end()));
            }
        }
        super::super::with_colons_defanged(input, &spans)
    }

    fn normalise(input: &str) -> Vec<Normalised> {
        let mut view = Vec::with_capacity(input.len());
        let mut i = 0;
        let bytes = input.as_bytes();
        while i < bytes.len() {
            let b = bytes[i];
            // ASCII other than `&`: one byte, one character, no table lookups.
            if b.is_ascii() && b != b'&' {
                if !(b.is_ascii_whitespace() || b.is_ascii_control()) {
                    view.push(Normalised {
                        c: char::from(b.to_ascii_lowercase()),
                        len: 1,
                        start: i,
                    });
                }
                i += 1;
                continue;
            }
            if b == b'&'
                && let Some((c, len)) = decode_entity(&input[i..])
            {
                if !(c.is_whitespace() || c.is_control()) {
                    view.push(Normalised {
                        c: c.to_ascii_lowercase(),
                        len,
                        start: i,
                    });
                }
                i += len;
                continue;
            }
            let c = input[i..].chars().next().unwrap_or('\0');
            let len = c.len_utf8();
            if !(c.is_whitespace() || c.is_control() || is_invisible_format(c)) {
                view.push(Normalised {
                    c: c.to_ascii_lowercase(),
                    len,
                    start: i,
                });
            }
            i += len;
        }
        view
    }

    /// `type/` at the start of `view`, as in `data:text/html,…`.
    fn mime_follows(view: &[Normalised]) -> bool {
        let name = view
            .iter()
            .take_while(|n| n.c.is_ascii_alphanumeric() || matches!(n.c, '.' | '+' | '-'))
            .count();
        name > 0 && view.get(name).is_some_and(|n| n.c == '/')
    }

    /// ASCII that needs no escape. At the start of a line (or after its
    /// leading digits) spaces, digits and `.` matter; mid-line they do not.
    fn is_plain(b: u8, mid_line: bool) -> bool {
        if !b.is_ascii() || b == b'@' || b == b'\n' || ESCAPED.contains(&char::from(b)) {
            return false;
        }
        mid_line || !(b.is_ascii_digit() || b == b'.' || b == b' ')
    }

    /// Step 4: backslash-escape markdown, make `@` inert.
    pub(super) fn escape_markdown(input: &str) -> String {
        let mut out = String::with_capacity(input.len() + input.len() / 8);
        let mut chars = input.chars().peekable();
        let mut line_start = true;
        // Digits seen since the start of the line (for `1.` lists).
        let mut leading_digits = false;
        let mut prev: Option<char> = None;
        let mut rest = input;
        loop {
            // Runs of characters that need nothing are copied whole: most text
            // is made of them.
            let mid_line = !line_start && !leading_digits;
            let plain = rest.bytes().take_while(|&b| is_plain(b, mid_line)).count();
            if plain > 0 {
                out.push_str(&rest[..plain]);
                prev = rest[..plain].chars().next_back();
                line_start = false;
                leading_digits = false;
                rest = &rest[plain..];
                chars = rest.chars().peekable();
            }
            let Some(c) = chars.next() else { break };
            rest = &rest[c.len_utf8()..];
            match c {
                '\\' if chars.peek().is_some_and(|&n| pairs_with_backslash(n)) => {
                    // An escape pair already: keep it, so a second pass is a no-op.
                    out.push('\\');
                    if let Some(n) = chars.next() {
                        out.push(n);
                        rest = &rest[n.len_utf8()..];
                    }
                    line_start = false;
                    leading_digits = false;
                    prev = None;
                    continue;
                }
                '@' => out.push(SAFE_AT),
                // `&#` starts a character reference, never a header: left as it
                // is, a second pass decodes the same reference the first did.
                '#' if prev == Some('&') => out.push('#'),
                '.' if leading_digits => out.push_str("\\."),
                c if ESCAPED.contains(&c) => {
                    out.push('\\');
                    out.push(c);
                }
                c => out.push(c),
            }
            prev = Some(c);
            if c == '\n' {
                line_start = true;
                leading_digits = false;
            } else {
                leading_digits = c.is_ascii_digit() && (line_start || leading_digits);
                line_start = line_start && c == ' ';
            }
        }
        out
    }
    /// Step 1: remove what Discord would not show but might act on.
    pub(super) fn strip_invisible(input: &str) -> Cow<'_, str> {
        // ASCII other than CR and controls (LF kept) needs nothing.
        let ascii_plain = |b: u8| b.is_ascii() && (b == b'\n' || !b.is_ascii_control());
        let needs_work = input.char_indices().any(|(_, c)| {
            if c.is_ascii() {
                !ascii_plain(c as u8)
            } else {
                c.is_control() || invisible_class(c) != Invisible::No
            }
        });
        if !needs_work {
            return Cow::Borrowed(input);
        }
        let mut out = String::with_capacity(input.len());
        let mut rest = input;
        // Whether the last kept character is an `@` (or `@` plus dropped marks).
        let mut after_at = false;
        while !rest.is_empty() {
            // Runs that need nothing are copied whole.
            let plain = rest.bytes().take_while(|&b| ascii_plain(b)).count();
            if plain > 0 {
                out.push_str(&rest[..plain]);
                after_at = rest.as_bytes()[plain - 1] == b'@';
                rest = &rest[plain..];
                continue;
            }
            let Some(c) = rest.chars().next() else { break };
            rest = &rest[c.len_utf8()..];
            match c {
                '\r' => {
                    if !rest.starts_with('\n') {
                        out.push('\n');
                    }
                    after_at = false;
                }
                c if c.is_control() => {}
                c => match invisible_class(c) {
                    Invisible::Format => {}
                    Invisible::Combining if after_at => {}
                    _ => {
                        out.push(c);
                        after_at = false;
                    }
                },
            }
        }
        Cow::Owned(out)
    }
}

proptest::proptest! {
    #[test]
    fn the_pipeline_agrees_with_the_whole_text_model(text in "(\\PC|[\\\\*_~|`>#\\-\\[\\]<.@&:/0-9 \n\r\t\u{1b}\u{200b}\u{202e}\u{301}]|java|script|&#x09;|&colon;|data|file){0,40}") {
        let model = whole_text::escape_markdown(&whole_text::defang_schemes(&whole_text::strip_invisible(&text)));
        proptest::prop_assert_eq!(safe_embed_text(&text), model);
    }

    /// Long enough for the escaping buffer to fill many times over, at
    /// every offset.
    #[test]
    fn the_pipeline_agrees_with_the_whole_text_model_on_long_texts(text in "([\\\\*_~|`>#\\-\\[\\]<.@&:/0-9 \n\r\u{200b}é]|java&#x09;script|&colon;|data|x|abcdefgh){1,30}", times in 20usize..200) {
        let text = text.repeat(times);
        let model = whole_text::escape_markdown(&whole_text::defang_schemes(&whole_text::strip_invisible(&text)));
        proptest::prop_assert_eq!(safe_embed_text(&text), model);
    }

    /// Two-byte characters of every kind (controls, format characters,
    /// combining marks, after an `@` or not) next to the others.
    #[test]
    fn two_byte_stripping_agrees_with_the_whole_text_model(text in r"([\x{80}-\x{7ff}]|[\x{80}-\x{9f}]|\x{ad}|[\x{300}-\x{36f}]|[\x{483}-\x{489}]|[\x{600}-\x{605}]|@|\\|[a-z \n\r\t&#:;]|\x{1b}|\x{200b}|\x{202e}|\x{e0041}|\PC){0,60}") {
        proptest::prop_assert_eq!(strip_invisible(&text), whole_text::strip_invisible(&text));
        let model = whole_text::escape_markdown(&whole_text::defang_schemes(&whole_text::strip_invisible(&text)));
        proptest::prop_assert_eq!(safe_embed_text(&text), model);
    }

    #[test]
    fn byte_escaping_agrees_with_the_char_model(text in "(\\PC|[\\\\*_~|`>#\\-\\[\\]<.@&0-9 \n]){0,60}") {
        proptest::prop_assert_eq!(escape_markdown(&text), whole_text::escape_markdown(&text));
    }

    #[test]
    fn windowed_defanging_agrees_with_the_whole_text_model(pieces in proptest::collection::vec(
        proptest::prop_oneof![
            proptest::strategy::Just("javascript"), proptest::strategy::Just("java"),
            proptest::strategy::Just("script"), proptest::strategy::Just("data"),
            proptest::strategy::Just("file"), proptest::strategy::Just("http"),
            proptest::strategy::Just("text/html"), proptest::strategy::Just(":"),
            proptest::strategy::Just("&colon;"), proptest::strategy::Just("&#58"),
            proptest::strategy::Just("&#x3A;"), proptest::strategy::Just("&#x09;"),
            proptest::strategy::Just("&tab"), proptest::strategy::Just("&"),
            proptest::strategy::Just("#"), proptest::strategy::Just(";"),
            proptest::strategy::Just("/"), proptest::strategy::Just("&sol;"),
            proptest::strategy::Just(","), proptest::strategy::Just(" "),
            proptest::strategy::Just("\t"), proptest::strategy::Just("\u{200b}"),
            proptest::strategy::Just("\u{3000}"), proptest::strategy::Just("é"),
            proptest::strategy::Just("("), proptest::strategy::Just("x"),
            proptest::strategy::Just("-"), proptest::strategy::Just("."),
            proptest::strategy::Just("\\"), proptest::strategy::Just("JaVa"),
        ], 0..16)) {
        let text: String = pieces.concat();
        proptest::prop_assert_eq!(defang_schemes(&text), whole_text::defang_schemes(&text));
    }

    #[test]
    fn windowed_defanging_agrees_on_any_text(text in "\\PC{0,40}") {
        proptest::prop_assert_eq!(defang_schemes(&text), whole_text::defang_schemes(&text));
    }

    #[test]
    fn stripping_agrees_with_the_whole_text_model(text in "(\\PC|[@ \n\r\t\u{0}\u{1b}\u{7f}\u{85}\u{ad}\u{200b}\u{202e}\u{2028}\u{feff}\u{e0041}\u{301}\u{20dd}\u{5c4}]|@everyone|abcdefgh|        ){0,40}") {
        proptest::prop_assert_eq!(strip_invisible(&text), whole_text::strip_invisible(&text));
    }

    #[test]
    fn eight_bytes_are_printable_when_each_is(word in proptest::array::uniform8(proptest::prop_oneof![0x1eu8..0x22u8, 0x7du8..0x82u8, proptest::num::u8::ANY])) {
        let each = word.iter().all(|b| (0x20..0x7f).contains(b));
        proptest::prop_assert_eq!(all_printable_ascii(&word), each);
    }

    #[test]
    fn references_decode_as_the_first_implementation_did(text in "&(#[xX]?)?([0-9a-fA-F]{0,10}|colon|COLON|tab|Tab|newline|sol|col|amp|\\PC{0,3});?\\PC{0,2}") {
        proptest::prop_assert_eq!(decode_entity(text.as_bytes()), whole_text::decode_entity(&text));
    }
}
