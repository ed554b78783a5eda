//! `safe_embed_text`: user text for Discord embeds that cannot ping, cannot
//! carry a live dangerous link, and renders literally.

use std::borrow::Cow;

use crate::chars::{Invisible, invisible_class, is_invisible_format};

/// What replaces every `@`: U+FF20 FULLWIDTH COMMERCIAL AT. It reads as an
/// at sign and never starts a mention, whatever invisible characters Discord
/// strips before parsing (the usual `@` + zero-width space trick relies on
/// Discord keeping U+200B, a format character like the U+202E that it does
/// strip).
pub const SAFE_AT: char = '\u{ff20}';

/// Characters that Discord markdown gives a meaning to, escaped with a
/// backslash wherever they appear: emphasis (`*`, `_`), strikethrough
/// (`~`), spoilers (`|`), code (`` ` ``), quotes (`>`), headers and subtext
/// (`#`, `-`), masked links (`[`, `]`), mentions, channels, commands,
/// emoji and timestamps (`<`), and the backslash itself.
const ESCAPED: [char; 12] = ['\\', '*', '_', '~', '|', '`', '>', '#', '-', '[', ']', '<'];

/// Characters that may follow a backslash as an escape pair already (the
/// escaped set plus `.`, escaped after a number at the start of a line).
fn pairs_with_backslash(c: char) -> bool {
    ESCAPED.contains(&c) || c == '.'
}

/// Makes user text safe to place in a Discord embed (title, description,
/// field, footer, author):
///
/// 1. **What Discord parses is what we check.** Control characters other
///    than line breaks, bidi controls, zero-width and other format
///    characters, and combining marks right after an `@` are removed; CR LF
///    and lone CR become LF.
/// 2. **No pings.** Every `@` becomes [`SAFE_AT`], so `@everyone`, `@here`,
///    `<@id>`, `<@!id>` and `<@&id>` are all inert, and `<` is escaped, so
///    `<#channel>`, `</command:id>`, `<t:…>` and custom emoji show as text.
/// 3. **No live dangerous links.** `javascript:`, `vbscript:`, `data:`,
///    `file:` (in any case, spelled with HTML entities with or without `;`,
///    with white space or control characters inside) and any `scheme://`
///    other than `http`/`https` get their colon defanged to `[:]`.
/// 4. **Markdown renders literally.** Emphasis, underline, strikethrough,
///    spoilers, inline and block code, quotes, headers, subtext, lists and
///    masked links are escaped with backslashes; a masked link shows its
///    text and its target. An existing escape pair is kept as it is, so the
///    function is idempotent.
///
/// Only `http` and `https` URLs stay clickable (Discord links them itself).
/// Length limits are separate: see [`EmbedField`].
///
/// ```
/// use alphaguard_sanitize::safe_embed_text;
///
/// assert_eq!(safe_embed_text("hi @everyone"), "hi ＠everyone");
/// assert_eq!(safe_embed_text("<@&123> **free nitro**"), "\\<＠&123\\> \\*\\*free nitro\\*\\*");
/// assert_eq!(safe_embed_text("[docs](javascript:alert(1))"), "\\[docs\\](javascript\\[:\\]alert(1))");
/// assert_eq!(safe_embed_text("see https://example.com/a"), "see https://example.com/a");
/// ```
pub fn safe_embed_text(input: &str) -> String {
    let visible = strip_invisible(input);
    let defanged = defang_schemes(&visible);
    escape_markdown(&defanged)
}

/// Step 1: remove what Discord would not show but might act on.
fn strip_invisible(input: &str) -> Cow<'_, str> {
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

/// One character of the normalised view the scheme check reads: HTML
/// entities decoded, white space, controls and backslashes dropped, ASCII
/// lower-cased;
/// with the byte span of the input it came from.
struct Normalised {
    c: char,
    /// Bytes of input it stands for (at most 12, an entity).
    len: u8,
    start: usize,
}

impl Normalised {
    fn end(&self) -> usize {
        self.start + usize::from(self.len)
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
fn defang_schemes(input: &str) -> Cow<'_, str> {
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
            || (view_ends_with(scheme, "file") && next == Some('/'))
            // Other `scheme://` links, judged on the scheme as written (the
            // normalised one would change when a first pass escapes an
            // entity, and a second pass must agree with the first).
            || (followed_by_slashes && !written.is_empty() && !web);
        if dangerous {
            spans.push((n.start, n.end()));
        }
    }
    if spans.is_empty() {
        return Cow::Borrowed(input);
    }
    let mut out = String::with_capacity(input.len() + spans.len() * 2);
    let mut last = 0;
    for (start, end) in spans {
        out.push_str(&input[last..start]);
        out.push_str("[:]");
        last = end;
    }
    out.push_str(&input[last..]);
    Cow::Owned(out)
}

/// `type/` at the start of `view`, as in `data:text/html,…`.
fn mime_follows(view: &[Normalised]) -> bool {
    let name = view
        .iter()
        .take_while(|n| n.c.is_ascii_alphanumeric() || matches!(n.c, '.' | '+' | '-'))
        .count();
    name > 0 && view.get(name).is_some_and(|n| n.c == '/')
}

fn is_scheme_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '+' | '.' | '-')
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
                    len: u8::try_from(len).unwrap_or(u8::MAX),
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
                len: len as u8,
                start: i,
            });
        }
        i += len;
    }
    view
}

/// An HTML character reference at the start of `text`: `&#106;`, `&#x6A;`
/// (the `;` optional, as browsers allow), or one of the named ones used to
/// hide schemes (`&colon;`, `&tab;`, `&newline;`, `&sol;`). Returns the
/// character and the bytes it spans.
fn decode_entity(text: &str) -> Option<(char, usize)> {
    let rest = text.strip_prefix('&')?;
    if let Some(num) = rest.strip_prefix('#') {
        let (digits, radix, skip) = match num.strip_prefix(['x', 'X']) {
            Some(hex) => (hex, 16, 2),
            None => (num, 10, 1),
        };
        let len = digits
            .bytes()
            .take(8)
            .take_while(|&b| char::from(b).is_digit(radix))
            .count();
        if len == 0 {
            return None;
        }
        let value = u32::from_str_radix(&digits[..len], radix).ok()?;
        let c = char::from_u32(value)?;
        let semicolon = usize::from(digits[len..].starts_with(';'));
        return Some((c, 1 + skip + len + semicolon));
    }
    for (name, c) in [
        ("colon", ':'),
        ("tab", '\t'),
        ("newline", '\n'),
        ("sol", '/'),
    ] {
        // Compared as bytes: `rest` may hold any character at that offset.
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

/// ASCII that needs no escape. At the start of a line (or after its
/// leading digits) spaces, digits and `.` matter; mid-line they do not.
fn is_plain(b: u8, mid_line: bool) -> bool {
    if !b.is_ascii() || b == b'@' || b == b'\n' || ESCAPED.contains(&char::from(b)) {
        return false;
    }
    mid_line || !(b.is_ascii_digit() || b == b'.' || b == b' ')
}

/// Step 4: backslash-escape markdown, make `@` inert.
fn escape_markdown(input: &str) -> String {
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

/// Where a piece of text goes in an embed, and how long it may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum EmbedField {
    /// Embed title: 256.
    Title,
    /// Embed description: 4096.
    Description,
    /// Field name: 256.
    FieldName,
    /// Field value: 1024.
    FieldValue,
    /// Footer text: 2048.
    Footer,
    /// Author name: 256.
    AuthorName,
}

/// All text of one embed together: 6000.
pub const EMBED_TOTAL_LIMIT: usize = 6000;

/// Appended where a field was cut.
pub const EMBED_TRUNCATION_MARKER: char = '…';

impl EmbedField {
    /// Discord's limit for this field, in characters (counted here as
    /// UTF-16 code units, which is never fewer than Discord's count).
    pub fn limit(self) -> usize {
        match self {
            Self::Title | Self::FieldName | Self::AuthorName => 256,
            Self::Description => 4096,
            Self::FieldValue => 1024,
            Self::Footer => 2048,
        }
    }

    /// `text` cut to this field's limit (see [`truncate_chars`]).
    pub fn fit<'a>(self, text: &'a str) -> Cow<'a, str> {
        truncate_chars(text, self.limit())
    }
}

/// The length Discord limits, in UTF-16 code units.
pub fn embed_len(text: &str) -> usize {
    text.chars().map(char::len_utf16).sum()
}

/// Cuts `text` on a character boundary so that it is at most `limit` UTF-16
/// code units long, ending with [`EMBED_TRUNCATION_MARKER`] when it was cut.
///
/// ```
/// use alphaguard_sanitize::{EmbedField, safe_embed_text};
///
/// let title = EmbedField::Title.fit(&safe_embed_text(&"a".repeat(300))).into_owned();
/// assert_eq!(title.chars().count(), 256);
/// assert!(title.ends_with('…'));
/// ```
pub fn truncate_chars(text: &str, limit: usize) -> Cow<'_, str> {
    if embed_len(text) <= limit {
        return Cow::Borrowed(text);
    }
    let keep = limit.saturating_sub(1);
    let mut used = 0;
    let mut cut = 0;
    for (i, c) in text.char_indices() {
        if used + c.len_utf16() > keep {
            cut = i;
            break;
        }
        used += c.len_utf16();
        cut = i + c.len_utf8();
    }
    let mut out = String::with_capacity(cut + 3);
    out.push_str(&text[..cut]);
    if limit > 0 {
        out.push(EMBED_TRUNCATION_MARKER);
    }
    Cow::Owned(out)
}

/// The 6000-character budget of one embed, shared by its fields.
///
/// ```
/// use alphaguard_sanitize::{EmbedBudget, EmbedField};
///
/// let long = "x".repeat(5000);
/// let mut budget = EmbedBudget::new();
/// let description = budget.take(EmbedField::Description, &long);
/// assert_eq!(description.chars().count(), 4096);
/// let value = budget.take(EmbedField::FieldValue, &long);
/// assert_eq!(value.chars().count(), 1024);
/// let footer = budget.take(EmbedField::Footer, &long);
/// assert_eq!(footer.chars().count(), 6000 - 4096 - 1024);
/// assert_eq!(budget.remaining(), 0);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EmbedBudget {
    remaining: usize,
}

impl Default for EmbedBudget {
    fn default() -> Self {
        Self::new()
    }
}

impl EmbedBudget {
    /// A fresh budget of [`EMBED_TOTAL_LIMIT`].
    pub fn new() -> Self {
        Self {
            remaining: EMBED_TOTAL_LIMIT,
        }
    }

    /// What is left.
    pub fn remaining(&self) -> usize {
        self.remaining
    }

    /// `text` cut to the smaller of the field's limit and what is left, and
    /// counted against the budget.
    pub fn take<'a>(&mut self, field: EmbedField, text: &'a str) -> Cow<'a, str> {
        let fitted = truncate_chars(text, field.limit().min(self.remaining));
        self.remaining -= embed_len(&fitted);
        fitted
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entities_decode_with_and_without_semicolon() {
        assert_eq!(decode_entity("&#106;x"), Some(('j', 6)));
        assert_eq!(decode_entity("&#106x"), Some(('j', 5)));
        assert_eq!(decode_entity("&#x6A;"), Some(('j', 6)));
        assert_eq!(decode_entity("&#X6a"), Some(('j', 5)));
        assert_eq!(decode_entity("&colon;"), Some((':', 7)));
        assert_eq!(decode_entity("&COLON"), Some((':', 6)));
        assert_eq!(decode_entity("&amp;"), None);
        assert_eq!(decode_entity("&#;"), None);
        assert_eq!(decode_entity("&#99999999999;"), None);
    }

    #[test]
    fn ordered_lists_only_at_line_start() {
        assert_eq!(
            escape_markdown("1. one\n  22. two\nv1.2"),
            "1\\. one\n  22\\. two\nv1.2"
        );
    }
}
