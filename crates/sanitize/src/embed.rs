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
    // Steps 3 and 4 in one pass: the colons to defang are found first, and
    // the escaping writes their `[:]` as it goes.
    let defang = defang_spans(&visible);
    escape_markdown_with(&visible, &defang)
}

/// Step 1: remove what Discord would not show but might act on.
fn strip_invisible(input: &str) -> Cow<'_, str> {
    // Nothing is copied until the first character that must go: clean text
    // comes back borrowed after one pass.
    let mut out: Option<String> = None;
    // Where the input not yet copied to `out` starts.
    let mut copied = 0;
    // Whether the last kept character is an `@` (or `@` plus dropped marks).
    let mut after_at = false;
    let bytes = input.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        // Printable ASCII and LF are kept as they are: runs of them are
        // passed over in a tight loop.
        let plain = bytes[i..]
            .iter()
            .take_while(|&&b| (0x20..0x7f).contains(&b) || b == b'\n')
            .count();
        if plain > 0 {
            i += plain;
            after_at = bytes[i - 1] == b'@';
            continue;
        }
        let b = bytes[i];
        let (len, replacement): (usize, Option<&str>) = if b.is_ascii() {
            // CR LF and lone CR become LF; other controls go.
            if b == b'\r' {
                after_at = false;
                (
                    1,
                    Some(if bytes.get(i + 1) == Some(&b'\n') {
                        ""
                    } else {
                        "\n"
                    }),
                )
            } else {
                (1, Some(""))
            }
        } else {
            let Some(c) = input[i..].chars().next() else {
                break;
            };
            let replacement = if c.is_control() {
                Some("")
            } else {
                match invisible_class(c) {
                    Invisible::Format => Some(""),
                    Invisible::Combining if after_at => Some(""),
                    _ => {
                        after_at = false;
                        None
                    }
                }
            };
            (c.len_utf8(), replacement)
        };
        if let Some(with) = replacement {
            let out = out.get_or_insert_with(|| String::with_capacity(input.len()));
            out.push_str(&input[copied..i]);
            out.push_str(with);
            copied = i + len;
        }
        i += len;
    }
    match out {
        None => Cow::Borrowed(input),
        Some(mut out) => {
            out.push_str(&input[copied..]);
            Cow::Owned(out)
        }
    }
}

/// One character of the normalised view the scheme check reads (HTML
/// entities decoded; white space, controls and format characters dropped;
/// ASCII lower-cased), with where in the input it starts.
struct Normalised {
    c: char,
    start: usize,
}

/// Whether the normalised characters `view` end with `word` (ASCII).
fn view_ends_with(view: &[Normalised], word: &str) -> bool {
    view.len() >= word.len()
        && view[view.len() - word.len()..]
            .iter()
            .zip(word.bytes())
            .all(|(n, b)| n.c == char::from(b))
}

/// Whether `c` may stand between a colon and the start of the scheme in
/// front of it, in the input as written: a scheme character, something the
/// normalised view drops (white space, controls, format characters), or
/// part of an HTML character reference. A character outside this set ends
/// the scheme whatever follows, so the view needs nothing before it.
fn may_be_in_scheme(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
            || matches!(c, '.' | '-' | '+' | '&' | '#' | ';')
            || c.is_ascii_whitespace()
            || c.is_ascii_control()
    } else {
        c.is_whitespace() || c.is_control() || is_invisible_format(c)
    }
}

/// Step 3 of the docs: where dangerous schemes, however they are spelled,
/// end with a colon (byte spans of `input`, in order).
///
/// Only the text around each colon (a `:` or a reference that decodes to
/// one) is normalised: back to the first character that cannot be part of
/// its scheme, and on for the few characters the checks read after it.
/// Nothing outside that window can change what the window normalises to (a
/// window never starts inside a character reference, whose characters are
/// all in [`may_be_in_scheme`]).
fn defang_spans(input: &str) -> Vec<(usize, usize)> {
    let bytes = input.as_bytes();
    if memchr::memchr2(b':', b'&', bytes).is_none() {
        return Vec::new();
    }
    // Byte spans of colons to defang.
    let mut spans: Vec<(usize, usize)> = Vec::new();
    // The normalised window, reused from colon to colon.
    let mut view = Vec::new();
    let mut at = 0;
    while let Some(off) = memchr::memchr2(b':', b'&', &bytes[at..]) {
        at += off;
        let colon_len = if bytes[at] == b':' {
            1
        } else {
            match decode_entity(&input[at..]) {
                Some((':', len)) => len,
                // Another reference, or a lone `&`: not a colon.
                Some((_, len)) => {
                    at += len;
                    continue;
                }
                None => {
                    at += 1;
                    continue;
                }
            }
        };
        let colon_end = at + colon_len;
        if is_dangerous_colon(input, at, colon_end, &mut view) {
            spans.push((at, colon_end));
        }
        at = colon_end;
    }
    spans
}

/// Step 3 on its own: `input` with its dangerous colons defanged to `[:]`.
#[cfg(test)]
fn defang_schemes(input: &str) -> Cow<'_, str> {
    let spans = defang_spans(input);
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

/// Whether the colon at `input[at..colon_end]` ends a dangerous scheme
/// (`view` is scratch space for the normalised window).
fn is_dangerous_colon(
    input: &str,
    at: usize,
    colon_end: usize,
    view: &mut Vec<Normalised>,
) -> bool {
    let before = &input[..at];
    let bytes = input.as_bytes();
    let mut window_start = at;
    while window_start > 0 {
        let b = bytes[window_start - 1];
        // ASCII byte by byte; another character decoded whole.
        let (c, len) = if b.is_ascii() {
            (char::from(b), 1)
        } else {
            match before[..window_start].chars().next_back() {
                Some(c) => (c, c.len_utf8()),
                None => break,
            }
        };
        if !may_be_in_scheme(c) {
            break;
        }
        window_start -= len;
    }
    // After the colon: what the view drops or a reference may spell, then
    // one character (`,`, `/` or whatever ends a MIME type name), and after
    // a `/` the same again for the second one.
    let after = &input[colon_end..];
    let skip = |text: &str| -> usize {
        let ascii = text
            .bytes()
            .take_while(|&b| b.is_ascii() && may_be_in_scheme(char::from(b)))
            .count();
        ascii
            + text[ascii..]
                .chars()
                .take_while(|&c| may_be_in_scheme(c))
                .map(char::len_utf8)
                .sum::<usize>()
    };
    let mut window_end = colon_end + skip(after);
    if let Some(c) = input[window_end..].chars().next() {
        window_end += c.len_utf8();
        if c == '/' {
            window_end += skip(&input[window_end..]);
            window_end += input[window_end..].chars().next().map_or(0, char::len_utf8);
        }
    }
    view.clear();
    normalise_into(&input[window_start..window_end], window_start, view);
    let view = &view[..];
    let Some(i) = view.iter().position(|n| n.start == at) else {
        return false;
    };
    // The letters before the colon, back to the first that cannot be in a
    // scheme.
    let mut start = i;
    while start > 0 && is_scheme_char(view[start - 1].c) {
        start -= 1;
    }
    let scheme = &view[start..i];
    let followed_by_slashes =
        view.get(i + 1).is_some_and(|n| n.c == '/') && view.get(i + 2).is_some_and(|n| n.c == '/');
    // The scheme as written, right before the colon: in the normalised
    // view spaces are gone, so "see https" reads "seehttps".
    // Scheme characters are ASCII, so counting characters counts bytes.
    let written_len = before
        .bytes()
        .rev()
        .take_while(|&b| is_scheme_char(char::from(b)))
        .count();
    let written = &before[before.len() - written_len..];
    let web = written.eq_ignore_ascii_case("http") || written.eq_ignore_ascii_case("https");
    let next = view.get(i + 1).map(|n| n.c);
    view_ends_with(scheme, "javascript")
        || view_ends_with(scheme, "vbscript")
        // `data:` and `file:` are common words before a colon; they are
        // links only as `data:<mime type>/…`, `data:,…` and `file:/…`.
        || (view_ends_with(scheme, "data")
            && (next == Some(',') || mime_follows(&view[i + 1..])))
        || (view_ends_with(scheme, "file") && next == Some('/'))
        // Other `scheme://` links, judged on the scheme as written (the
        // normalised one would change when a first pass escapes an
        // entity, and a second pass must agree with the first).
        || (followed_by_slashes && !written.is_empty() && !web)
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

/// Appends the normalised view of `input`, which starts at byte `offset` of
/// the text the spans refer to, to `view`.
fn normalise_into(input: &str, offset: usize, view: &mut Vec<Normalised>) {
    let mut i = 0;
    let bytes = input.as_bytes();
    while i < bytes.len() {
        let b = bytes[i];
        // ASCII other than `&`: one byte, one character, no table lookups.
        if b.is_ascii() && b != b'&' {
            if !(b.is_ascii_whitespace() || b.is_ascii_control()) {
                view.push(Normalised {
                    c: char::from(b.to_ascii_lowercase()),
                    start: offset + i,
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
                    start: offset + i,
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
                start: offset + i,
            });
        }
        i += len;
    }
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

/// What markdown escaping does with a byte, looked up in [`BYTE_CLASS`].
const PLAIN: u8 = 0;
/// Plain mid-line, but meaningful at the start of a line or after its
/// leading digits: space, digits, `.`.
const LINE_START: u8 = 1;
/// Needs work wherever it is: the escaped set, `@`, LF.
const SPECIAL: u8 = 2;

/// Every byte's class. Bytes of non-ASCII characters are plain: every
/// character markdown gives a meaning to is ASCII.
const BYTE_CLASS: [u8; 256] = {
    let mut class = [PLAIN; 256];
    let mut i = 0;
    while i < ESCAPED.len() {
        class[ESCAPED[i] as usize] = SPECIAL;
        i += 1;
    }
    class[b'@' as usize] = SPECIAL;
    class[b'\n' as usize] = SPECIAL;
    class[b' ' as usize] = LINE_START;
    class[b'.' as usize] = LINE_START;
    let mut d = b'0';
    while d <= b'9' {
        class[d as usize] = LINE_START;
        d += 1;
    }
    class
};

/// Bytes that need no escape. At the start of a line (or after its
/// leading digits) spaces, digits and `.` matter; mid-line they do not.
fn is_plain(b: u8, mid_line: bool) -> bool {
    match BYTE_CLASS[usize::from(b)] {
        PLAIN => true,
        LINE_START => mid_line,
        _ => false,
    }
}

/// Step 4: backslash-escape markdown, make `@` inert. Works on bytes: every
/// character it acts on is ASCII, so the bytes between two of them, copied
/// whole, always start and end on a character boundary.
#[cfg(test)]
fn escape_markdown(input: &str) -> String {
    escape_markdown_with(input, &[])
}

/// Markdown escaping (step 4) of `input` with each of the `defang` spans (in
/// order, never overlapping) replaced by `[:]`, in one pass.
fn escape_markdown_with(input: &str, defang: &[(usize, usize)]) -> String {
    let mut defang = defang.iter().copied();
    let mut next_span = defang.next();
    let bytes = input.as_bytes();
    // Hostile text grows by about half (escapes, `[:]`): room for that, so
    // the buffer is not moved halfway.
    let mut out = String::with_capacity(input.len() + input.len() / 2 + 16);
    let mut line_start = true;
    // Digits seen since the start of the line (for `1.` lists).
    let mut leading_digits = false;
    // The byte before, when it matters (`&` before `#`).
    let mut prev = 0u8;
    // Where the bytes not yet copied start.
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        if let Some((start, end)) = next_span
            && i == start
        {
            // What escaping `[:]` writes, and the state after it. (No
            // backslash comes right before a defanged colon: the letters of
            // its scheme, or what the scheme check drops, do.)
            out.push_str(&input[copied..i]);
            out.push_str("\\[:\\]");
            i = end;
            copied = end;
            prev = b']';
            line_start = false;
            leading_digits = false;
            next_span = defang.next();
            continue;
        }
        // Runs of bytes that need nothing are passed over in a tight loop
        // (up to the next defanged colon) and copied whole.
        let limit = next_span.map_or(bytes.len(), |(start, _)| start);
        let mid_line = !line_start && !leading_digits;
        let plain = bytes[i..limit]
            .iter()
            .take_while(|&&b| is_plain(b, mid_line))
            .count();
        if plain > 0 {
            i += plain;
            prev = bytes[i - 1];
            line_start = false;
            leading_digits = false;
            continue;
        }
        let c = bytes[i];
        // What goes out for `c`: only an escape or a replacement needs the
        // run before it written first; an escaped byte itself, and a byte
        // kept as it is, go out with the next run.
        match c {
            b'\\'
                if bytes
                    .get(i + 1)
                    .is_some_and(|&n| pairs_with_backslash(char::from(n))) =>
            {
                // An escape pair already: keep it, so a second pass is a no-op.
                i += 2;
                line_start = false;
                leading_digits = false;
                prev = 0;
                continue;
            }
            b'@' => {
                out.push_str(&input[copied..i]);
                out.push(SAFE_AT);
                copied = i + 1;
            }
            b'.' if leading_digits => {
                out.push_str(&input[copied..i]);
                out.push('\\');
                copied = i;
            }
            // `&#` starts a character reference, never a header: left as it
            // is, a second pass decodes the same reference the first did.
            b'#' if prev == b'&' => {}
            c if BYTE_CLASS[usize::from(c)] == SPECIAL && c != b'\n' => {
                out.push_str(&input[copied..i]);
                out.push('\\');
                copied = i;
            }
            _ => {}
        }
        i += 1;
        prev = c;
        if c == b'\n' {
            line_start = true;
            leading_digits = false;
        } else {
            leading_digits = c.is_ascii_digit() && (line_start || leading_digits);
            line_start = line_start && c == b' ';
        }
    }
    out.push_str(&input[copied..]);
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

    /// The previous implementation, which normalised the whole text: the
    /// model the windowed one must agree with.
    mod whole_text {
        use std::borrow::Cow;

        use super::super::{ESCAPED, SAFE_AT, decode_entity, is_scheme_char, pairs_with_backslash};
        use crate::chars::{Invisible, invisible_class, is_invisible_format};

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
                let web =
                    written.eq_ignore_ascii_case("http") || written.eq_ignore_ascii_case("https");
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
    }
}
