//! The canonical path: decoded once, at the edge, before anything reads it.
//!
//! Everything after this module — the route table, the limiter's tier, the
//! metrics class, the upstream URL — reads the [`CanonicalPath`], never the
//! raw request target, so no two steps can disagree about where a request
//! goes.

use std::fmt;

/// A request path every later step can trust:
///
/// - it starts with `/`;
/// - percent-encoded unreserved characters (`A-Z a-z 0-9 - . _ ~`) are
///   decoded, once; every other escape is kept, with upper-case hex;
/// - it has no `.` or `..` segment, literal or encoded, in any case, nor
///   one that servers such as Tomcat read as a dot segment (`..;x`);
/// - it has no empty segment except a trailing one (`/a//b` is refused: some
///   upstreams merge slashes, and then route elsewhere than we did);
/// - it has no backslash, encoded `/` or `\`, NUL or other control byte,
///   and no second layer of encoding that would decode to one of these or
///   to a dot;
/// - it has no encoded `?` or `#`, at any layer or folded (`%3F`, `%253F`,
///   fullwidth `？`): a server that decodes the path and then splits off
///   a query or fragment would cut it there (`/api/admin%3F/x` is
///   `/api/admin` to it, `/api/..%3F/x` is `/`);
/// - its escapes decode to UTF-8 (an overlong `%C0%AE` is a dot to some
///   decoders), and no segment is a dot segment or holds a separator once
///   compatibility forms are folded (NFKC: `%EF%BC%8E` is `．`, which
///   such a server reads as `.`; `／` as `/`);
/// - a second or third layer of encoding is held to the same rules, as a
///   server that decodes again reads it (`%25C0%25AE`, `%25EF%25BC%258E`,
///   IIS's `%25u002e`), and so are escapes that folding makes (`％２ｅ`)
///   and segments read without their invisible code points (`.\u{200B}.`,
///   a dot segment where those are deleted) or the white space around
///   them (`lenient`);
/// - every byte is one RFC 3986 allows in a path.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct CanonicalPath(String);

/// What reads as a path separator once a segment is decoded and folded:
/// the two separators, and the slashes Windows' best-fit conversion to a
/// code page turns into them (division slash, fraction slash, set minus,
/// the reverse solidus operator, big solidus and big reverse solidus).
const SEPARATORS: [char; 8] = [
    '/', '\\', '\u{2215}', '\u{2044}', '\u{2216}', '\u{29f5}', '\u{29f8}', '\u{29f9}',
];

/// Why a path was refused (for the log; the client gets a generic 400).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathError {
    /// Not starting with `/` (`*`, an absolute URL's leftovers).
    NotAbsolute,
    /// A `%` not followed by two hex digits.
    BadEscape,
    /// An encoded `/` or `\`.
    EncodedSeparator,
    /// A control byte, literal or encoded.
    ControlByte,
    /// A `\`.
    Backslash,
    /// A `.` or `..` segment.
    DotSegment,
    /// `//` inside the path.
    EmptySegment,
    /// `%25` followed by an escape of a separator, a dot, a control byte,
    /// `?`, `#` or another `%`.
    DoubleEncoding,
    /// An encoded `?` or `#`, which a server that decodes first reads as
    /// the end of the path.
    EncodedDelimiter,
    /// A byte RFC 3986 does not allow in a path.
    BadByte,
    /// Escapes that do not decode to UTF-8 (overlong forms among them).
    BadUtf8,
}

impl PathError {
    /// A short label for logs.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NotAbsolute => "not_absolute",
            Self::BadEscape => "bad_escape",
            Self::EncodedSeparator => "encoded_separator",
            Self::ControlByte => "control_byte",
            Self::Backslash => "backslash",
            Self::DotSegment => "dot_segment",
            Self::EmptySegment => "empty_segment",
            Self::DoubleEncoding => "double_encoding",
            Self::EncodedDelimiter => "encoded_delimiter",
            Self::BadByte => "bad_byte",
            Self::BadUtf8 => "bad_utf8",
        }
    }
}

impl fmt::Display for PathError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')
}

/// RFC 3986's sub-delimiters.
fn is_sub_delim(b: u8) -> bool {
    matches!(
        b,
        b'!' | b'$' | b'&' | b'\'' | b'(' | b')' | b'*' | b'+' | b',' | b';' | b'='
    )
}

/// `pchar` without `%` (RFC 3986 §3.3), plus `/`.
fn is_path_byte(b: u8) -> bool {
    is_unreserved(b) || is_sub_delim(b) || matches!(b, b':' | b'@' | b'/')
}

/// A registered name or IPv4 address (RFC 3986 §3.2.2: unreserved
/// characters, escapes and sub-delimiters): a `Host` without its port.
pub(crate) fn is_reg_name(bytes: &[u8]) -> bool {
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if escape_at(bytes, i).is_some() => i += 3,
            b if is_unreserved(b) || is_sub_delim(b) => i += 1,
            _ => return false,
        }
    }
    true
}

/// What an escape decoding to `b` means one layer down: refused when a
/// second decode would yield a separator, a dot, a query or fragment
/// delimiter, a control byte or yet another escape.
fn dangerous_when_decoded(b: u8) -> bool {
    matches!(b, b'/' | b'\\' | b'.' | b'%' | b'?' | b'#') || b < 0x20 || b == 0x7f
}

fn escape_at(bytes: &[u8], i: usize) -> Option<u8> {
    let hi = hex_value(*bytes.get(i + 1)?)?;
    let lo = hex_value(*bytes.get(i + 2)?)?;
    Some(hi << 4 | lo)
}

/// A segment of a canonical path as servers that strip path parameters
/// read it: up to the first `;`, or `%3B` for those that decode first
/// (`..;x` and `..%3Bx` are `..`, `admin;x` is `admin`).
pub(crate) fn bare_segment(segment: &str) -> &str {
    let head = segment.split(';').next().unwrap_or("");
    // Canonical escapes are upper-case: `%3B` is the one spelling.
    match head.as_bytes().windows(3).position(|w| w == b"%3B") {
        Some(at) => &head[..at],
        None => head,
    }
}

/// Every escape in `bytes` decoded, once, as a server's decoder does:
/// `%HH`, and IIS's `%uHHHH` (a code point, written as UTF-8; a surrogate
/// becomes a byte that is no UTF-8). The canonical path itself never holds
/// `%u` (refused as a bad escape), so it can only come from a layer below.
pub(crate) fn decode_escapes(bytes: &[u8]) -> Vec<u8> {
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            if let Some(b) = escape_at(bytes, i) {
                decoded.push(b);
                i += 3;
                continue;
            }
            if let Some(c) = wide_escape_at(bytes, i) {
                match char::from_u32(c) {
                    Some(c) => decoded.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes()),
                    None => decoded.push(0xff),
                }
                i += 6;
                continue;
            }
        }
        decoded.push(bytes[i]);
        i += 1;
    }
    decoded
}

/// The code point of a `%uHHHH` escape at `i` (IIS, classic ASP, some Java
/// and PHP decoders).
fn wide_escape_at(bytes: &[u8], i: usize) -> Option<u32> {
    let digits = bytes.get(i + 2..i + 6)?;
    if !matches!(bytes.get(i + 1), Some(b'u' | b'U')) {
        return None;
    }
    digits
        .iter()
        .try_fold(0u32, |n, &d| Some(n << 4 | u32::from(hex_value(d)?)))
}

/// Whether `bytes` hold an escape a decoder would decode.
fn has_escape(bytes: &[u8]) -> bool {
    (0..bytes.len()).any(|i| {
        bytes[i] == b'%' && (escape_at(bytes, i).is_some() || wide_escape_at(bytes, i).is_some())
    })
}

/// The most layers of encoding a lenient reading undoes.
const LAYERS: usize = 3;

/// A canonical segment as the most lenient server behind us may read it:
/// its escapes decoded, compatibility forms folded (NFKD: fullwidth
/// `ａｄｍｉｎ` is `admin`, `．` is `.`, `／` is `/`), invisible code
/// points deleted (default ignorables, as NFKC_Casefold and IDNA delete
/// them) and combining marks too (`àdmin` is `admin`, `.\u{338}.` is `..`
/// to a server that strips diacritics), again while that leaves an escape: `%2561dmin` is `admin` to a
/// server that decodes twice, and `％２ｅ` folds into `%2e`, a dot to one
/// that folds before it decodes. Borrowed when it has no escape (a
/// canonical segment's literal bytes are ASCII). Fails when a layer is not
/// UTF-8, or when escapes are left after [`LAYERS`] layers.
pub(crate) fn lenient(segment: &str) -> Result<std::borrow::Cow<'_, str>, PathError> {
    use unicode_normalization::UnicodeNormalization as _;
    use unicode_normalization::char::is_combining_mark;
    if !segment.contains('%') {
        return Ok(std::borrow::Cow::Borrowed(segment));
    }
    let mut text = segment.to_owned();
    for _ in 0..LAYERS {
        if !has_escape(text.as_bytes()) {
            break;
        }
        text =
            String::from_utf8(decode_escapes(text.as_bytes())).map_err(|_| PathError::BadUtf8)?;
        if !text.is_ascii() {
            text = text
                .nfkd()
                .filter(|&c| !is_default_ignorable(c) && !is_combining_mark(c))
                .collect();
        }
    }
    if has_escape(text.as_bytes()) {
        return Err(PathError::DoubleEncoding);
    }
    Ok(std::borrow::Cow::Owned(text))
}

/// Unicode's default ignorable code points (`DerivedCoreProperties.txt`,
/// `Default_Ignorable_Code_Point`): invisible, and deleted by the
/// NFKC_Casefold and IDNA mappings some servers apply to what they match.
const DEFAULT_IGNORABLE: &[(char, char)] = &[
    ('\u{00AD}', '\u{00AD}'),
    ('\u{034F}', '\u{034F}'),
    ('\u{061C}', '\u{061C}'),
    ('\u{115F}', '\u{1160}'),
    ('\u{17B4}', '\u{17B5}'),
    ('\u{180B}', '\u{180F}'),
    ('\u{200B}', '\u{200F}'),
    ('\u{202A}', '\u{202E}'),
    ('\u{2060}', '\u{206F}'),
    ('\u{3164}', '\u{3164}'),
    ('\u{FE00}', '\u{FE0F}'),
    ('\u{FEFF}', '\u{FEFF}'),
    ('\u{FFA0}', '\u{FFA0}'),
    ('\u{FFF0}', '\u{FFF8}'),
    ('\u{1BCA0}', '\u{1BCA3}'),
    ('\u{1D173}', '\u{1D17A}'),
    ('\u{E0000}', '\u{E0FFF}'),
];

fn is_default_ignorable(c: char) -> bool {
    DEFAULT_IGNORABLE
        .iter()
        .any(|&(first, last)| (first..=last).contains(&c))
}

/// Whether `c` is the ASCII letter `lower` to a server that compares in
/// any case by Unicode's rules: its lower case, or the lower case of its
/// upper case (Java's `equalsIgnoreCase`: dotless `ı` is `I`, so `i`; long
/// `ſ` is `S`), a combining dot above left out (`İ` lower-cases to `i̇`).
fn is_letter_in_any_case(c: char, lower: char) -> bool {
    fn one(mut chars: impl Iterator<Item = char>) -> Option<char> {
        let first = chars.find(|&l| l != '\u{0307}')?;
        chars.all(|l| l == '\u{0307}').then_some(first)
    }
    c.eq_ignore_ascii_case(&lower)
        || one(c.to_lowercase()) == Some(lower)
        || one(c.to_uppercase().flat_map(char::to_lowercase)) == Some(lower)
}

/// Whether a lenient server may read `segment` as the path segment `name`
/// (ASCII, lower case): read [`lenient`]ly, in any case (Unicode's too:
/// `admın`), cut at path parameters (`;`) and at a suffix (`.json`:
/// Spring's suffix patterns), without white space around it (`admin%20`:
/// Windows and IIS drop it; `trim()`).
pub(crate) fn reads_as(segment: &str, name: &str) -> bool {
    let Ok(text) = lenient(segment) else {
        return false;
    };
    let bare = text.split([';', '.']).next().unwrap_or("").trim();
    if bare.is_ascii() {
        return bare.eq_ignore_ascii_case(name);
    }
    let mut letters = bare.chars();
    let mut wanted = name.chars();
    loop {
        match (letters.next(), wanted.next()) {
            (None, None) => return true,
            (Some(c), Some(lower)) if is_letter_in_any_case(c, lower) => {}
            _ => return false,
        }
    }
}

impl CanonicalPath {
    /// Canonicalises the path of a request target (without its query).
    pub fn parse(raw: &str) -> Result<Self, PathError> {
        let bytes = raw.as_bytes();
        if bytes.first() != Some(&b'/') {
            return Err(PathError::NotAbsolute);
        }
        let mut out = String::with_capacity(raw.len());
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            match b {
                b'%' => {
                    let decoded = escape_at(bytes, i).ok_or(PathError::BadEscape)?;
                    match decoded {
                        b'/' | b'\\' => return Err(PathError::EncodedSeparator),
                        b'?' | b'#' => return Err(PathError::EncodedDelimiter),
                        d if d < 0x20 || d == 0x7f => return Err(PathError::ControlByte),
                        d if is_unreserved(d) => out.push(char::from(d)),
                        b'%' => out.push_str("%25"),
                        d => {
                            const HEX: &[u8; 16] = b"0123456789ABCDEF";
                            out.push('%');
                            out.push(char::from(HEX[usize::from(d >> 4)]));
                            out.push(char::from(HEX[usize::from(d & 15)]));
                        }
                    }
                    i += 3;
                }
                b'\\' => return Err(PathError::Backslash),
                b if b < 0x20 || b == 0x7f => return Err(PathError::ControlByte),
                b if is_path_byte(b) => {
                    out.push(char::from(b));
                    i += 1;
                }
                _ => return Err(PathError::BadByte),
            }
        }
        // `%25` then something that decodes again, looked for in what we
        // forward, after this layer's decoding: `%25%32%65` became `%252E`
        // above, which the next decoder reads as `%2E`.
        let canonical = out.as_bytes();
        if canonical.contains(&b'%') {
            for at in (0..canonical.len()).filter(|&i| canonical[i..].starts_with(b"%25")) {
                if escape_at(canonical, at + 2).is_some_and(dangerous_when_decoded) {
                    return Err(PathError::DoubleEncoding);
                }
            }
        }
        let mut segments = out[1..].split('/').peekable();
        while let Some(segment) = segments.next() {
            if segment.is_empty() && segments.peek().is_some() {
                return Err(PathError::EmptySegment);
            }
            // `..;jsessionid=x` is `..` to servers that strip path
            // parameters; `.%2e` was decoded above.
            let bare = bare_segment(segment);
            if bare == "." || bare == ".." {
                return Err(PathError::DotSegment);
            }
            if segment.contains('%') {
                // What the most lenient server reads: no dot segment, no
                // separator, no control character, and no segment that
                // only invisible code points kept from being empty.
                let text = lenient(segment)?;
                let bare = text.split(';').next().unwrap_or("").trim();
                if bare == "." || bare == ".." {
                    return Err(PathError::DotSegment);
                }
                if text.is_empty() {
                    return Err(PathError::EmptySegment);
                }
                if text.contains(SEPARATORS) {
                    return Err(PathError::EncodedSeparator);
                }
                if text.contains(['?', '#']) {
                    return Err(PathError::EncodedDelimiter);
                }
                if text.chars().any(char::is_control) {
                    return Err(PathError::ControlByte);
                }
            }
        }
        Ok(Self(out))
    }

    /// The canonical path.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for CanonicalPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CanonicalPath({:?})", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traversal_attempts_are_refused() {
        for (path, why) in [
            ("/api/../webhooks/gdpr-erasure", PathError::DotSegment),
            ("/api/%2e%2e/internal/x", PathError::DotSegment),
            ("/api/%2E%2E/internal/x", PathError::DotSegment),
            ("/api/.%2e/x", PathError::DotSegment),
            ("/api/./x", PathError::DotSegment),
            ("/api/x/..", PathError::DotSegment),
            ("/api/x/../../x", PathError::DotSegment),
            ("/api/..;/admin", PathError::DotSegment),
            ("/api/..\\x", PathError::Backslash),
            ("/api/..%2fadmin", PathError::EncodedSeparator),
            ("/api/..%2Fadmin", PathError::EncodedSeparator),
            ("/api/..%5cadmin", PathError::EncodedSeparator),
            ("/api/%252e%252e/x", PathError::DoubleEncoding),
            ("/api/%252f", PathError::DoubleEncoding),
            ("/api/%25252e", PathError::DoubleEncoding),
            ("/api/100%2525", PathError::DoubleEncoding),
            // The second layer's escape spelled with escapes of its digits:
            // decoded here, it would be forwarded as `%252e`.
            ("/api/x/%25%32%65%25%32%65/admin", PathError::DoubleEncoding),
            ("/api/admin%25%32%66webhooks", PathError::DoubleEncoding),
            ("/api/x/%25%35%63", PathError::DoubleEncoding),
            ("/api/x/%25%30%30", PathError::DoubleEncoding),
            ("/api/x/%25%32%35%32%65", PathError::DoubleEncoding),
            ("/api/x/..%3B/admin", PathError::DotSegment),
            ("/api/x/%2e%2e%3bx/admin", PathError::DotSegment),
            ("/api/%00", PathError::ControlByte),
            ("/api/%0a", PathError::ControlByte),
            ("/api/x\u{1}", PathError::ControlByte),
            ("/api/%zz", PathError::BadEscape),
            ("/api/%2", PathError::BadEscape),
            ("/api//admin", PathError::EmptySegment),
            ("//evil.example/x", PathError::EmptySegment),
            ("*", PathError::NotAbsolute),
            ("api/x", PathError::NotAbsolute),
            ("/api/x y", PathError::BadByte),
            ("/api/<x>", PathError::BadByte),
            // Overlong UTF-8 (a dot, then an `a`), and bytes that are no
            // UTF-8 at all.
            ("/api/%C0%AE%C0%AE/admin", PathError::BadUtf8),
            ("/api/%C1%A1dmin", PathError::BadUtf8),
            ("/api/%FF", PathError::BadUtf8),
            // Fullwidth dots and solidus, read as `..` and `/` by servers
            // that fold compatibility forms (NFKC).
            ("/api/%EF%BC%8E%EF%BC%8E/admin", PathError::DotSegment),
            ("/api/x/%EF%BC%8E", PathError::DotSegment),
            ("/api/x%EF%BC%8Fadmin", PathError::EncodedSeparator),
            ("/api/x%EF%BC%BCadmin", PathError::EncodedSeparator),
            // Windows' best-fit mapping reads these as `/` and `\`.
            ("/api/x%E2%88%95admin", PathError::EncodedSeparator),
            ("/api/x%E2%81%84admin", PathError::EncodedSeparator),
            ("/api/x%E2%88%96admin", PathError::EncodedSeparator),
            ("/api/x%E2%A7%B5admin", PathError::EncodedSeparator),
            ("/api/x%E2%A7%B8admin", PathError::EncodedSeparator),
            ("/api/x%E2%A7%B9admin", PathError::EncodedSeparator),
            // Found by a fourth outside review: `?` and `#` encoded, one
            // layer down, or fullwidth, end the path for a server that
            // decodes before it splits off the query.
            (
                "/api/admin%3F/secrets/clear-cache",
                PathError::EncodedDelimiter,
            ),
            ("/api/admin%3f/x", PathError::EncodedDelimiter),
            ("/api/admin%23/x", PathError::EncodedDelimiter),
            (
                "/api/..%3F/webhooks/gdpr-erasure",
                PathError::EncodedDelimiter,
            ),
            ("/api/admin%253F/y", PathError::DoubleEncoding),
            ("/api/admin%2523/y", PathError::DoubleEncoding),
            ("/api/admin%EF%BC%9F/y", PathError::EncodedDelimiter),
            ("/api/admin%EF%BC%83/y", PathError::EncodedDelimiter),
            ("/api/admin%25EF%25BC%259F/y", PathError::EncodedDelimiter),
            // Found by an outside review: the same, one layer down, read
            // by a server that decodes twice.
            ("/api/%25C0%25AE%25C0%25AE/x", PathError::BadUtf8),
            (
                "/api/%25EF%25BC%258E%25EF%25BC%258E/admin",
                PathError::DotSegment,
            ),
            ("/api/x%25EF%25BC%258Fadmin", PathError::EncodedSeparator),
            ("/api/x%25EF%25BC%25BCadmin", PathError::EncodedSeparator),
            // A first layer that is not UTF-8 (`C3 '%' 'A' '9'`), even if
            // the second completes it.
            ("/api/%C3%25A9", PathError::BadUtf8),
            // Found by a third outside review: escapes that folding makes
            // (fullwidth and small percent signs, fullwidth hex digits),
            // dot segments behind invisible code points or white space,
            // IIS's `%u` one layer down.
            (
                "/api/%EF%BC%85%EF%BC%92%EF%BD%85%EF%BC%85%EF%BC%92%EF%BD%85/x",
                PathError::DotSegment,
            ),
            (
                "/api/%EF%BC%852e%EF%BC%852e/webhooks/gdpr-erasure",
                PathError::DotSegment,
            ),
            ("/api/%EF%B9%AA2e%EF%B9%AA2e/x", PathError::DotSegment),
            (
                "/api/x%EF%BC%852Fadmin/webhooks/inbox",
                PathError::EncodedSeparator,
            ),
            (
                "/api/%25%EF%BC%92%EF%BD%85%25%EF%BC%92%EF%BD%85/x",
                PathError::DotSegment,
            ),
            (
                "/api/%252%EF%BD%85%252%EF%BD%85/webhooks/gdpr-erasure",
                PathError::DotSegment,
            ),
            (
                "/api/.%E2%80%8B./webhooks/gdpr-erasure",
                PathError::DotSegment,
            ),
            ("/api/..%C2%AD/x", PathError::DotSegment),
            ("/api/%E2%80%8B../x", PathError::DotSegment),
            ("/api/.%EF%BB%BF/x", PathError::DotSegment),
            (
                "/api/x/.%E2%80%8B./admin/webhooks/inbox",
                PathError::DotSegment,
            ),
            (
                "/api/.%25E2%2580%258B./webhooks/gdpr-erasure",
                PathError::DotSegment,
            ),
            ("/api/%E2%80%8B%E2%80%8B/x", PathError::EmptySegment),
            ("/api/%20../x", PathError::DotSegment),
            ("/api/%E3%80%80../x", PathError::DotSegment),
            (
                "/api/%25u002e%25u002e/webhooks/gdpr-erasure",
                PathError::DotSegment,
            ),
            ("/api/%25U002E%25U002E/x", PathError::DotSegment),
            (
                "/api/x%25u002fadmin/webhooks/inbox",
                PathError::EncodedSeparator,
            ),
            ("/api/%25uD800", PathError::BadUtf8),
            ("/api/.%CC%B8./x", PathError::DotSegment),
        ] {
            assert_eq!(CanonicalPath::parse(path), Err(why), "{path:?}");
        }
    }

    #[test]
    fn unreserved_escapes_are_decoded_once_and_others_kept() {
        for (raw, canonical) in [
            ("/api/me", "/api/me"),
            ("/api/%6De", "/api/me"),
            ("/api/a%2Db_c~d", "/api/a-b_c~d"),
            ("/api/caf%c3%a9", "/api/caf%C3%A9"),
            ("/api/a%20b", "/api/a%20b"),
            ("/api/100%25", "/api/100%25"),
            ("/api/x/", "/api/x/"),
            ("/", "/"),
            ("/api/...", "/api/..."),
            ("/api/.well-known", "/api/.well-known"),
            ("/api/a;b=c", "/api/a;b=c"),
        ] {
            assert_eq!(
                CanonicalPath::parse(raw).map(|p| p.as_str().to_owned()),
                Ok(canonical.to_owned()),
                "{raw:?}"
            );
        }
    }

    #[test]
    fn canonical_paths_are_fixed_points() {
        for raw in ["/api/%6De", "/api/caf%c3%a9", "/api/100%25", "/webhooks/x"] {
            let once = CanonicalPath::parse(raw).unwrap();
            let twice = CanonicalPath::parse(once.as_str()).unwrap();
            assert_eq!(once, twice);
        }
    }

    /// Every escape decoded once, as an upstream's decoder would.
    fn decode_once(path: &str) -> Vec<u8> {
        decode_escapes(path.as_bytes())
    }

    proptest::proptest! {
        /// Whatever the spelling, what we accept is a fixed point, and one
        /// more decoding (an upstream's) yields no separator, dot segment
        /// or control byte we did not route on.
        #[test]
        fn one_more_decoding_changes_nothing_that_matters(
            parts in proptest::collection::vec(
                proptest::sample::select(vec![
                    "/", "a", ".", "%", "2", "5", "e", "E", "f", "F", "3", "0", "c", "C", "%25",
                    "%32", "%35", "%65", "%2e", "%66", "%63", ";",
                ]),
                1..24,
            )
        ) {
            let raw = format!("/{}", parts.concat());
            if let Ok(path) = CanonicalPath::parse(&raw) {
                let again = CanonicalPath::parse(path.as_str());
                proptest::prop_assert_eq!(again.as_ref(), Ok(&path));
                let decoded = decode_once(path.as_str());
                proptest::prop_assert!(
                    !decoded.iter().any(|&b| b == b'\\' || b < 0x20 || b == 0x7f),
                    "{raw} -> {path:?}"
                );
                // Nor an escape that a third decoding would turn into one.
                let escapes = decoded.iter().enumerate().filter(|&(_, &b)| b == b'%');
                for (at, _) in escapes {
                    proptest::prop_assert!(
                        !escape_at(&decoded, at).is_some_and(dangerous_when_decoded),
                        "{raw} -> {path:?}"
                    );
                }
                let text = String::from_utf8_lossy(&decoded);
                for segment in text.split('/') {
                    let bare = segment.split(';').next().unwrap_or("");
                    proptest::prop_assert!(bare != "." && bare != "..", "{raw} -> {path:?}");
                }
                // The separators are the ones we routed on.
                proptest::prop_assert_eq!(
                    decoded.iter().filter(|&&b| b == b'/').count(),
                    path.as_str().matches('/').count(),
                    "{} -> {:?}", raw, path
                );
            }
        }

        /// What we accept, decoded and folded as the most lenient server
        /// would (NFKC), has the same separators and no dot segment.
        #[test]
        fn folding_compatibility_forms_changes_nothing_that_matters(
            parts in proptest::collection::vec(
                proptest::sample::select(vec![
                    "/", "a", ".", ";", "%2e", "%EF", "%BC", "%BD", "%8E", "%8F", "%BC%8E",
                    "%EF%BC%8E", "%EF%BC%8F", "%EF%BC%BC", "%C0", "%AE", "%C3%A9", "%E2%80%A4",
                    "%EF%B9%92", "%20",
                ]),
                1..16,
            )
        ) {
            use unicode_normalization::UnicodeNormalization as _;
            let raw = format!("/{}", parts.concat());
            if let Ok(path) = CanonicalPath::parse(&raw) {
                let decoded = decode_once(path.as_str());
                let text = String::from_utf8(decoded);
                proptest::prop_assert!(text.is_ok(), "{raw} -> {path:?}");
                let folded: String = text.unwrap_or_default().nfkc().collect();
                proptest::prop_assert_eq!(
                    folded.matches(['/', '\\']).count(),
                    path.as_str().matches('/').count(),
                    "{} -> {:?}", raw, path
                );
                for segment in folded.split('/') {
                    let bare = segment.split(';').next().unwrap_or("").trim_end();
                    proptest::prop_assert!(bare != "." && bare != "..", "{raw} -> {path:?}");
                }
            }
        }

        /// What we accept, read by a server that folds (NFKC, invisible
        /// code points deleted) before it decodes (`%HH` and `%uHHHH`),
        /// as often as that changes anything: the separators we routed
        /// on, no dot segment, nothing left to decode.
        #[test]
        fn folding_before_decoding_changes_nothing_that_matters(
            parts in proptest::collection::vec(
                proptest::sample::select(vec![
                    "/", "a", ".", ";", "2", "e", "f", "%25", "%2e", "%EF%BC%85", "%EF%B9%AA",
                    "%EF%BC%92", "%EF%BD%85", "%EF%BC%8E", "%E2%80%8B", "%C2%AD", "%20", "u002e",
                    "%25u", "00", "%252e", "%EF%BC%A6",
                ]),
                1..16,
            )
        ) {
            use unicode_normalization::UnicodeNormalization as _;
            let raw = format!("/{}", parts.concat());
            if let Ok(path) = CanonicalPath::parse(&raw) {
                let mut text = String::from_utf8(decode_once(path.as_str()));
                for _ in 0..4 {
                    let Ok(now) = &text else { break };
                    let folded: String = now
                        .nfkc()
                        .filter(|&c| !is_default_ignorable(c))
                        .collect();
                    text = String::from_utf8(decode_escapes(folded.as_bytes()));
                }
                proptest::prop_assert!(text.is_ok(), "{raw} -> {path:?}");
                let text = text.unwrap_or_default();
                proptest::prop_assert!(!has_escape(text.as_bytes()), "{raw} -> {path:?}: {text:?}");
                proptest::prop_assert_eq!(
                    text.matches(['/', '\\']).count(),
                    path.as_str().matches('/').count(),
                    "{} -> {:?}: {:?}", raw, path, text
                );
                for segment in text.split('/') {
                    let bare = segment.split(';').next().unwrap_or("").trim();
                    proptest::prop_assert!(bare != "." && bare != "..", "{raw} -> {path:?}: {text:?}");
                }
            }
        }

        /// The same for a server that decodes twice (where the first
        /// decoding left an escape) before folding: valid UTF-8 at each
        /// layer, the separators we routed on, no dot segment.
        #[test]
        fn decoding_twice_and_folding_changes_nothing_that_matters(
            parts in proptest::collection::vec(
                proptest::sample::select(vec![
                    "/", "a", ".", ";", "%25", "%2e", "%252e", "EF", "BC", "8E", "8F", "BC",
                    "%25EF", "%25BC", "%258E", "%258F", "%25C0", "%25AE", "%C3", "%A9", "%25A9",
                    "%25C3", "%EF%BC%8E", "%2520", "%253B", "41",
                ]),
                1..16,
            )
        ) {
            use unicode_normalization::UnicodeNormalization as _;
            let raw = format!("/{}", parts.concat());
            if let Ok(path) = CanonicalPath::parse(&raw) {
                let once = decode_once(path.as_str());
                proptest::prop_assert!(std::str::from_utf8(&once).is_ok(), "{raw} -> {path:?}");
                let twice = decode_escapes(&once);
                let text = String::from_utf8(twice);
                proptest::prop_assert!(text.is_ok(), "{raw} -> {path:?}");
                let folded: String = text.unwrap_or_default().nfkc().collect();
                proptest::prop_assert_eq!(
                    folded.matches(['/', '\\']).count(),
                    path.as_str().matches('/').count(),
                    "{} -> {:?}", raw, path
                );
                proptest::prop_assert!(!folded.chars().any(char::is_control), "{raw} -> {path:?}");
                for segment in folded.split('/') {
                    let bare = segment.split(';').next().unwrap_or("").trim_end();
                    proptest::prop_assert!(bare != "." && bare != "..", "{raw} -> {path:?}");
                }
            }
        }
    }
}
