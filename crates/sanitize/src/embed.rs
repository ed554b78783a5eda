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
    let bytes = input.as_bytes();
    let mut i = 0;
    loop {
        // Printable ASCII is kept as it is: eight bytes at a time while
        // they all are, then byte by byte (LF is kept too).
        while let Some(word) = bytes.get(i..i + 8)
            && all_printable_ascii(word)
        {
            i += 8;
        }
        let Some(&b) = bytes.get(i) else {
            break;
        };
        if (0x20..0x7f).contains(&b) || b == b'\n' {
            i += 1;
            continue;
        }
        if b.is_ascii() {
            // CR LF and lone CR become LF; other controls go.
            let lone_cr = b == b'\r' && bytes.get(i + 1) != Some(&b'\n');
            let out = out.get_or_insert_with(|| String::with_capacity(input.len()));
            out.push_str(&input[copied..i]);
            if lone_cr {
                out.push('\n');
            }
            i += 1;
            copied = i;
            continue;
        }
        // Other characters one after another, up to the next ASCII one.
        let run = i;
        i = input.len();
        for (offset, c) in input[run..].char_indices() {
            let at = run + offset;
            if c.is_ascii() {
                i = at;
                break;
            }
            let drop = c.is_control()
                || match invisible_class(c) {
                    Invisible::Format => true,
                    // A combining mark goes when the character kept last
                    // (marks dropped before it aside) is an `@`.
                    Invisible::Combining => {
                        let kept = if copied < at {
                            &input[copied..at]
                        } else {
                            out.as_deref().unwrap_or("")
                        };
                        kept.ends_with('@')
                    }
                    Invisible::No => false,
                };
            if drop {
                out.get_or_insert_with(|| String::with_capacity(input.len()))
                    .push_str(&input[copied..at]);
                copied = at + c.len_utf8();
            }
        }
    }
    match out {
        None => Cow::Borrowed(input),
        Some(mut out) => {
            out.push_str(&input[copied..]);
            Cow::Owned(out)
        }
    }
}

/// Whether every byte of `word` (eight of them) is printable ASCII, space
/// to `~`, tested on all eight at once.
fn all_printable_ascii(word: &[u8]) -> bool {
    const ONES: u64 = u64::from_ne_bytes([1; 8]);
    const HIGH: u64 = ONES * 0x80;
    let Ok(word) = <[u8; 8]>::try_from(word) else {
        return false;
    };
    let w = u64::from_ne_bytes(word);
    // A byte of 0x80 or more; one below 0x20; one equal to 0x7f (the usual
    // tests for a byte below n, and for a zero byte, on every byte at once).
    let high = w & HIGH;
    let below_space = w.wrapping_sub(ONES * 0x20) & !w & HIGH;
    let del = w ^ (ONES * 0x7f);
    let is_del = del.wrapping_sub(ONES) & !del & HIGH;
    high | below_space | is_del == 0
}

/// Step 3 of the docs: where dangerous schemes, however they are spelled,
/// end with a colon (byte spans of `input`, in order).
///
/// The colons are the `:` and the references that decode to one. Each is
/// judged on the text around it, normalised the way a browser reads a
/// scheme (see [`Normalised`]), and that text never reaches past the colon
/// before it or the colon after it: a byte is read for at most two colons,
/// so the cost stays linear however densely the colons are packed.
fn defang_spans(input: &str) -> Vec<(usize, usize)> {
    let bytes = input.as_bytes();
    // Byte spans of colons to defang.
    let mut spans: Vec<(usize, usize)> = Vec::new();
    // Where the text after the previous colon starts.
    let mut floor = 0;
    let mut at = 0;
    while let Some(off) = memchr::memchr2(b':', b'&', &bytes[at..]) {
        at += off;
        let colon_len = if bytes[at] == b':' {
            1
        } else {
            match decode_entity(&bytes[at..]) {
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
        if is_dangerous_colon(input, floor, at, colon_end) {
            spans.push((at, colon_end));
        }
        floor = colon_end;
        at = colon_end;
    }
    spans
}

/// Step 3 on its own: `input` with its dangerous colons defanged to `[:]`.
#[cfg(test)]
fn defang_schemes(input: &str) -> Cow<'_, str> {
    with_colons_defanged(input, &defang_spans(input))
}

/// `input` with each of the byte spans `spans` (in order) replaced by `[:]`.
#[cfg(test)]
fn with_colons_defanged<'a>(input: &'a str, spans: &[(usize, usize)]) -> Cow<'a, str> {
    if spans.is_empty() {
        return Cow::Borrowed(input);
    }
    let mut out = String::with_capacity(input.len() + spans.len() * 2);
    let mut last = 0;
    for &(start, end) in spans {
        out.push_str(&input[last..start]);
        out.push_str("[:]");
        last = end;
    }
    out.push_str(&input[last..]);
    Cow::Owned(out)
}

/// The words of dangerous schemes that the normalised text before a colon
/// can end with.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Scheme {
    /// `javascript` or `vbscript`: dangerous whatever follows.
    Script,
    /// `data`: a link when a MIME type or a `,` follows.
    Data,
    /// `file`: a link when a `/` follows.
    File,
}

/// Whether the colon at `input[at..colon_end]` ends a dangerous scheme.
/// The text before it is read back to `floor` at most (the end of the colon
/// before it).
fn is_dangerous_colon(input: &str, floor: usize, at: usize, colon_end: usize) -> bool {
    let bytes = input.as_bytes();
    let scheme = scheme_before(input, floor, at);
    if scheme == Some(Scheme::Script) {
        return true;
    }
    // Other `scheme://` links are judged on the scheme as written, right
    // before the colon (the normalised one would change when a first pass
    // escapes an entity, and a second pass must agree with the first; and
    // in the normalised view spaces are gone, so "see https" reads
    // "seehttps").
    // Six bytes tell `http`, `https` and the others apart.
    let written_len = bytes[..at]
        .iter()
        .rev()
        .take(6)
        .take_while(|&&b| is_scheme_byte(b))
        .count();
    let written = &bytes[at - written_len..at];
    let other_scheme = !written.is_empty()
        && !written.eq_ignore_ascii_case(b"http")
        && !written.eq_ignore_ascii_case(b"https");
    if scheme.is_none() && !other_scheme {
        return false;
    }
    let mut after = Normalised::new(input, colon_end, input.len());
    let first = after.next();
    if other_scheme && first == Some(b'/') && after.clone().next() == Some(b'/') {
        return true;
    }
    let dangerous = match scheme {
        // A browser reads `file:\\host\share` as `file://host/share`.
        Some(Scheme::File) => matches!(first, Some(b'/' | b'\\')),
        // `data:` and `file:` are common words before a colon; they are
        // links only as `data:<mime type>/…`, `data:,…` and `file:/…`
        // (or `file:\…`).
        Some(Scheme::Data) => {
            first == Some(b',') || {
                // `type/`, as in `data:text/html,…`.
                let mut next = first;
                let mut name = 0;
                while next.is_some_and(is_scheme_byte) {
                    name += 1;
                    next = after.next();
                }
                name > 0 && next == Some(b'/')
            }
        }
        _ => false,
    };
    #[cfg(test)]
    tests::count_window_bytes(written_len + (after.at - colon_end));
    dangerous
}

/// Which dangerous scheme's word the normalised text right before the
/// colon at `at` ends with, reading back to `floor` at most.
///
/// The view is read backwards, one character of the whole text's view at a
/// time, and only as far as the longest word. A byte belongs to a character
/// reference only if the nearest `&` before it starts one that reaches it
/// (a reference holds no `&`), and `at` and `floor` are where characters of
/// the whole text's view start, so each step ends on one too.
fn scheme_before(input: &str, floor: usize, at: usize) -> Option<Scheme> {
    let bytes = input.as_bytes();
    // The scheme characters read, the last first.
    let mut reversed = [0u8; LONGEST_WORD];
    let mut read = 0;
    let mut p = at;
    // The reference started by the nearest `&` before `p`: its end (0 for
    // none) and what it decodes to, looked for again once `p` is past it.
    let mut looked = false;
    let mut reference_end = 0;
    let mut reference = ('\0', 0);
    while p > floor && read < LONGEST_WORD {
        if !looked {
            looked = true;
            reference_end = 0;
            let amp = memchr::memrchr(b'&', &bytes[floor..p]).map(|a| floor + a);
            #[cfg(test)]
            tests::count_window_bytes(p - amp.unwrap_or(floor));
            if let Some(a) = amp
                && let Some((c, len)) = decode_entity(&bytes[a..])
            {
                reference_end = a + len;
                reference = (c, a);
            }
        }
        let b = bytes[p - 1];
        let (c, spelled) = if p == reference_end {
            let (c, start) = reference;
            p = start;
            looked = false;
            (c, true)
        } else if b.is_ascii() {
            p -= 1;
            (char::from(b), false)
        } else {
            let Some(c) = input[floor..p].chars().next_back() else {
                break;
            };
            p -= c.len_utf8();
            (c, false)
        };
        let Some(b) = view_byte(c, spelled) else {
            continue;
        };
        if !is_scheme_byte(b) {
            break;
        }
        reversed[read] = b;
        read += 1;
    }
    #[cfg(test)]
    tests::count_window_bytes(at - p);
    let ends_with =
        |word: &[u8]| read >= word.len() && reversed[..word.len()].iter().eq(word.iter().rev());
    if ends_with(b"javascript") || ends_with(b"vbscript") {
        Some(Scheme::Script)
    } else if ends_with(b"data") {
        Some(Scheme::Data)
    } else if ends_with(b"file") {
        Some(Scheme::File)
    } else {
        None
    }
}

/// The longest word [`scheme_before`] looks for: `javascript`.
const LONGEST_WORD: usize = 10;

/// A letter, digit, `+`, `.` or `-`: what a scheme is made of, and (as the
/// checks here read them) a MIME type's name too.
fn is_scheme_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'+' | b'.' | b'-')
}

/// Stands for every non-ASCII character in the normalised view: none of
/// them is part of a scheme or a MIME type.
const NON_ASCII: u8 = 0x80;

/// The normalised view of `input[at..end]` that the scheme check reads, one
/// byte a character: HTML character references decoded; white space,
/// controls and format characters dropped; ASCII lower-cased; any other
/// character [`NON_ASCII`]. `at` must be where a character of the whole
/// text starts and no reference may straddle it (the view of a part is
/// then the view of the whole text over that part).
#[derive(Clone)]
struct Normalised<'a> {
    input: &'a str,
    at: usize,
    end: usize,
}

impl<'a> Normalised<'a> {
    fn new(input: &'a str, at: usize, end: usize) -> Self {
        Self { input, at, end }
    }
}

impl Iterator for Normalised<'_> {
    type Item = u8;

    #[inline]
    fn next(&mut self) -> Option<u8> {
        let bytes = self.input.as_bytes();
        while self.at < self.end {
            let b = bytes[self.at];
            let (c, spelled) = match decode_entity(&bytes[self.at..]) {
                Some((c, len)) => {
                    self.at += len;
                    (c, true)
                }
                None if b.is_ascii() => {
                    self.at += 1;
                    (char::from(b), false)
                }
                None => {
                    let c = self.input[self.at..].chars().next()?;
                    self.at += c.len_utf8();
                    (c, false)
                }
            };
            if let Some(b) = view_byte(c, spelled) {
                return Some(b);
            }
        }
        None
    }
}

/// What the normalised view makes of `c` (`spelled` as a character
/// reference or written as itself): ASCII lower-cased, any other character
/// [`NON_ASCII`]; `None` for what it drops, white space and controls, and
/// format characters written as themselves.
fn view_byte(c: char, spelled: bool) -> Option<u8> {
    // ASCII first, without the Unicode tables (no format character is
    // ASCII).
    if let Ok(b) = u8::try_from(c)
        && b.is_ascii()
    {
        return (!(b.is_ascii_whitespace() || b.is_ascii_control()))
            .then(|| b.to_ascii_lowercase());
    }
    if c.is_whitespace() || c.is_control() || (!spelled && is_invisible_format(c)) {
        return None;
    }
    Some(u8::try_from(c.to_ascii_lowercase()).unwrap_or(NON_ASCII))
}

/// An HTML character reference at the start of `text`: `&#106;`, `&#x6A;`
/// (the `;` optional, as browsers allow), or one of the named ones used to
/// hide schemes (`&colon;`, `&tab;`, `&newline;`, `&sol;`). Returns the
/// character and the bytes it spans.
fn decode_entity(text: &[u8]) -> Option<(char, usize)> {
    let rest = text.strip_prefix(b"&")?;
    let (name, c) = match rest.first()? {
        b'#' => return decode_numeric(&rest[1..]),
        b'b' | b'B' => ("bsol", '\\'),
        b'c' | b'C' => ("colon", ':'),
        b't' | b'T' => ("tab", '\t'),
        b'n' | b'N' => ("newline", '\n'),
        b's' | b'S' => ("sol", '/'),
        _ => return None,
    };
    if !rest
        .get(..name.len())
        .is_some_and(|b| b.eq_ignore_ascii_case(name.as_bytes()))
    {
        return None;
    }
    let semicolon = usize::from(rest.get(name.len()) == Some(&b';'));
    Some((c, 1 + name.len() + semicolon))
}

/// The rest of a numeric reference, after its `&#`: decimal, or hexadecimal
/// after an `x`; any number of leading zeros (a browser reads
/// `&#0000000058;` as a colon), then at most eight digits.
fn decode_numeric(num: &[u8]) -> Option<(char, usize)> {
    let (digits, radix, skip) = match num.first() {
        Some(b'x' | b'X') => (&num[1..], 16, 2),
        _ => (num, 10, 1),
    };
    let zeros = digits.iter().take_while(|&&b| b == b'0').count();
    let mut value: u32 = 0;
    let mut len = zeros;
    for &b in digits[zeros..].iter().take(8) {
        let Some(d) = char::from(b).to_digit(radix) else {
            break;
        };
        // Eight hexadecimal digits fit a u32.
        value = value * radix + d;
        len += 1;
    }
    if len == 0 {
        return None;
    }
    let c = char::from_u32(value)?;
    let semicolon = usize::from(digits.get(len) == Some(&b';'));
    Some((c, 1 + skip + len + semicolon))
}

/// [`SAFE_AT`] in UTF-8.
const SAFE_AT_UTF8: [u8; 3] = {
    let mut utf8 = [0; 3];
    SAFE_AT.encode_utf8(&mut utf8);
    utf8
};

/// Whether markdown escaping puts a backslash before `b` (in [`ESCAPED`]).
const fn is_escaped(b: u8) -> bool {
    let mut i = 0;
    while i < ESCAPED.len() {
        if ESCAPED[i] as u32 == b as u32 {
            return true;
        }
        i += 1;
    }
    false
}

/// Whether `b` after a backslash makes an escape pair already.
const fn pairs_with_backslash(b: u8) -> bool {
    is_escaped(b) || b == b'.'
}

/// What markdown escaping remembers of the text before a byte: the states
/// of the transducer in [`ESCAPE_TABLE`].
mod state {
    /// Mid-line.
    pub(super) const MID_LINE: usize = 0;
    /// Mid-line, right after an `&` (where `#` starts a character
    /// reference, and is left as it is).
    pub(super) const AFTER_AMPERSAND: usize = 1;
    /// At the start of a line, or after its leading spaces.
    pub(super) const LINE_START: usize = 2;
    /// After the leading digits of a line (a `.` would make a list).
    pub(super) const LEADING_DIGITS: usize = 3;
    /// After a backslash not written yet: whether it is escaped depends on
    /// the byte after it.
    pub(super) const BACKSLASH: usize = 4;
    pub(super) const COUNT: usize = 5;
}

/// One entry of [`ESCAPE_TABLE`]: up to five bytes to write, in the low
/// bytes; how many, in bits 40 to 46; [`LEAVES_MID_LINE`]; the next state
/// times 256, in bits 48 to 63.
const fn entry(out: &[u8], next: usize) -> u64 {
    let mut e = 0u64;
    let mut k = 0;
    while k < out.len() {
        e |= (out[k] as u64) << (8 * k);
        k += 1;
    }
    let leaves = if next == state::MID_LINE {
        0
    } else {
        LEAVES_MID_LINE
    };
    e | (out.len() as u64) << 40 | leaves | ((next * 256) as u64) << 48
}

/// Set in an entry whose next state is not [`state::MID_LINE`]: mid-line,
/// the bytes that change what the next one means (`\\`, `&`, LF).
const LEAVES_MID_LINE: u64 = 1 << 47;

/// The number of bytes an entry writes.
fn written_len(e: u64) -> usize {
    usize::from((e >> 40) as u8 & 0x7f)
}

/// What a byte other than a backslash writes mid-line (the first so many
/// bytes of the array), and the state after it.
const fn mid_line_bytes(b: u8) -> ([u8; 3], usize, usize) {
    let next = match b {
        b'\n' => state::LINE_START,
        b'&' => state::AFTER_AMPERSAND,
        _ => state::MID_LINE,
    };
    if b == b'@' {
        (SAFE_AT_UTF8, 3, next)
    } else if is_escaped(b) {
        ([b'\\', b, 0], 2, next)
    } else {
        ([b, 0, 0], 1, next)
    }
}

/// [`mid_line_bytes`] as an entry.
const fn mid_line_entry(b: u8) -> u64 {
    let (out, len, next) = mid_line_bytes(b);
    entry(out.split_at(len).0, next)
}

/// Markdown escaping as a transducer: for a state (times 256) plus a byte,
/// what to write and the next state. Bytes of non-ASCII characters are
/// copied: every character markdown gives a meaning to is ASCII.
static ESCAPE_TABLE: [u64; state::COUNT * 256] = {
    let mut table = [0u64; state::COUNT * 256];
    let mut b = 0;
    while b < 256 {
        let byte = b as u8;
        let mid_line = if byte == b'\\' {
            entry(&[], state::BACKSLASH)
        } else {
            mid_line_entry(byte)
        };
        table[state::MID_LINE * 256 + b] = mid_line;
        table[state::AFTER_AMPERSAND * 256 + b] = if byte == b'#' {
            entry(b"#", state::MID_LINE)
        } else {
            mid_line
        };
        // At the start of a line spaces, digits and `.` are copied; after
        // leading digits a `.` is escaped.
        table[state::LINE_START * 256 + b] = match byte {
            b' ' => entry(b" ", state::LINE_START),
            b'0'..=b'9' => entry(&[byte], state::LEADING_DIGITS),
            b'.' => entry(b".", state::MID_LINE),
            _ => mid_line,
        };
        table[state::LEADING_DIGITS * 256 + b] = match byte {
            b'0'..=b'9' => entry(&[byte], state::LEADING_DIGITS),
            b'.' => entry(b"\\.", state::MID_LINE),
            _ => mid_line,
        };
        // An escape pair already is kept, so a second pass is a no-op;
        // another backslash is escaped, and the byte after it is read
        // mid-line.
        table[state::BACKSLASH * 256 + b] = if pairs_with_backslash(byte) {
            entry(&[b'\\', byte], state::MID_LINE)
        } else {
            let (then, len, next) = mid_line_bytes(byte);
            let out = [b'\\', b'\\', then[0], then[1], then[2]];
            entry(out.split_at(2 + len).0, next)
        };
        b += 1;
    }
    table
};

/// Step 4: backslash-escape markdown, make `@` inert.
#[cfg(test)]
fn escape_markdown(input: &str) -> String {
    escape_markdown_with(input, &[])
}

/// The escaped text is gathered in a buffer of this many bytes on the stack
/// (whose length the compiler keeps in a register) and moved to the output
/// whenever it is nearly full.
const BUFFER: usize = 512;

/// Markdown escaping (step 4) of `input` with each of the `defang` spans (in
/// order, never overlapping, each starting at a `:` or `&`) replaced by
/// `[:]`, in one pass.
///
/// Works on bytes, one table lookup each ([`ESCAPE_TABLE`]): every byte it
/// escapes or replaces is ASCII, and the bytes of other characters are
/// copied unchanged and in order, so the output is UTF-8 whenever the input
/// is.
fn escape_markdown_with(input: &str, defang: &[(usize, usize)]) -> String {
    let bytes = input.as_bytes();
    let mut defang = defang.iter().copied();
    let mut next_span = defang.next().unwrap_or((usize::MAX, usize::MAX));
    // Hostile text grows by about half (escapes, `[:]`): room for that, so
    // the output is not moved halfway.
    let mut out: Vec<u8> = Vec::with_capacity(input.len() + input.len() / 2 + 16);
    let mut buffer = [0u8; BUFFER];
    // Bytes of `buffer` in use.
    let mut used = 0;
    // The state, times 256.
    let mut state = state::LINE_START * 256;
    let mut i = 0;
    while i < bytes.len() {
        if used > BUFFER - 32 {
            out.extend_from_slice(&buffer[..used]);
            used = 0;
        }
        if state == state::MID_LINE * 256 {
            // Mid-line the state stays as it is until a byte that changes
            // it: up to that byte, or the next defanged colon, or as many
            // bytes as the buffer has room for (three each at most, and the
            // eight an entry's store writes), no byte waits for the one
            // before it.
            let room = (BUFFER - 8 - used) / 3;
            let end = bytes.len().min(next_span.0).min(i + room);
            while i < end {
                let e = ESCAPE_TABLE[usize::from(bytes[i])];
                if e & LEAVES_MID_LINE != 0 {
                    break;
                }
                buffer[used..used + 8].copy_from_slice(&e.to_le_bytes());
                used += written_len(e);
                i += 1;
            }
            // Out of room: moved to the output first.
            if i == end && i < next_span.0 {
                continue;
            }
        }
        if next_span.0 <= i {
            // A backslash waiting is escaped (none comes right before a
            // defanged colon: the letters of its scheme, or what the scheme
            // check drops, do).
            if state == state::BACKSLASH * 256 {
                buffer[used..used + 2].copy_from_slice(b"\\\\");
                used += 2;
            }
            buffer[used..used + 5].copy_from_slice(b"\\[:\\]");
            used += 5;
            i = next_span.1.max(i + 1);
            state = state::MID_LINE * 256;
            next_span = defang.next().unwrap_or((usize::MAX, usize::MAX));
            continue;
        }
        // One byte through the whole transducer.
        let e = ESCAPE_TABLE[state + usize::from(bytes[i])];
        buffer[used..used + 8].copy_from_slice(&e.to_le_bytes());
        used += written_len(e);
        state = (e >> 48) as usize;
        i += 1;
    }
    out.extend_from_slice(&buffer[..used]);
    if state == state::BACKSLASH * 256 {
        out.extend_from_slice(b"\\\\");
    }
    // Never fails (see above); a failure would keep the escaped text with
    // the bad bytes replaced rather than panic.
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
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
                let web =
                    written.eq_ignore_ascii_case("http") || written.eq_ignore_ascii_case("https");
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
}
