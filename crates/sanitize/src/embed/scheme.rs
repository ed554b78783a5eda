//! Step 3: dangerous schemes defanged, however they are spelled: the
//! colons to defang, each judged on the text around it read the way a
//! browser reads a scheme.

#[cfg(test)]
use std::borrow::Cow;

use super::entity::decode_entity;
use crate::chars::is_invisible_format;

/// Step 3 of the docs: where dangerous schemes, however they are spelled,
/// end with a colon (byte spans of `input`, in order).
///
/// The colons are the `:` and the references that decode to one. Each is
/// judged on the text around it, normalised the way a browser reads a
/// scheme (see [`Normalised`]), and that text never reaches past the colon
/// before it or the colon after it: a byte is read for at most two colons,
/// so the cost stays linear however densely the colons are packed.
pub(super) fn defang_spans(input: &str) -> Vec<(usize, usize)> {
    let bytes = input.as_bytes();
    // Byte spans of colons to defang.
    let mut spans: Vec<(usize, usize)> = Vec::new();
    // Where the text after the previous colon starts.
    let mut floor = 0;
    let mut at = 0;
    while let Some(off) = next_colon_or_ampersand(&bytes[at..]) {
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

/// Where the first `:` or `&` of `bytes` is: a look at the first bytes
/// before a vector search (where colons are dense, the search's set-up
/// would cost more than the bytes it skips).
fn next_colon_or_ampersand(bytes: &[u8]) -> Option<usize> {
    const NEAR: usize = 4;
    let near = &bytes[..bytes.len().min(NEAR)];
    match near.iter().position(|&b| b == b':' || b == b'&') {
        Some(at) => Some(at),
        None if bytes.len() > NEAR => {
            memchr::memchr2(b':', b'&', &bytes[NEAR..]).map(|at| NEAR + at)
        }
        None => None,
    }
}

/// Step 3 on its own: `input` with its dangerous colons defanged to `[:]`.
#[cfg(test)]
pub(super) fn defang_schemes(input: &str) -> Cow<'_, str> {
    with_colons_defanged(input, &defang_spans(input))
}

/// `input` with each of the byte spans `spans` (in order) replaced by `[:]`.
#[cfg(test)]
pub(super) fn with_colons_defanged<'a>(input: &'a str, spans: &[(usize, usize)]) -> Cow<'a, str> {
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
pub(super) enum Scheme {
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
pub(super) fn is_dangerous_colon(input: &str, floor: usize, at: usize, colon_end: usize) -> bool {
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
    // Another word before the colon and a letter or digit right after it:
    // no `//` follows, and nothing else makes it dangerous.
    if scheme.is_none() && bytes.get(colon_end).is_some_and(u8::is_ascii_alphanumeric) {
        #[cfg(test)]
        super::tests::count_window_bytes(written_len + 1);
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
    super::tests::count_window_bytes(written_len + (after.at - colon_end));
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
pub(super) fn scheme_before(input: &str, floor: usize, at: usize) -> Option<Scheme> {
    // Each character of the view takes a byte at least: fewer bytes than
    // the shortest word cannot spell one.
    if at - floor < SHORTEST_WORD {
        return None;
    }
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
            super::tests::count_window_bytes(p - amp.unwrap_or(floor));
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
    super::tests::count_window_bytes(at - p);
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
pub(super) const LONGEST_WORD: usize = 10;
/// The shortest: `data` and `file`.
pub(super) const SHORTEST_WORD: usize = 4;

/// A letter, digit, `+`, `.` or `-`: what a scheme is made of, and (as the
/// checks here read them) a MIME type's name too.
pub(super) fn is_scheme_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'+' | b'.' | b'-')
}

/// Stands for every non-ASCII character in the normalised view: none of
/// them is part of a scheme or a MIME type.
pub(super) const NON_ASCII: u8 = 0x80;

/// The normalised view of `input[at..end]` that the scheme check reads, one
/// byte a character: HTML character references decoded; white space,
/// controls and format characters dropped; ASCII lower-cased; any other
/// character [`NON_ASCII`]. `at` must be where a character of the whole
/// text starts and no reference may straddle it (the view of a part is
/// then the view of the whole text over that part).
#[derive(Clone)]
pub(super) struct Normalised<'a> {
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
pub(super) fn view_byte(c: char, spelled: bool) -> Option<u8> {
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
