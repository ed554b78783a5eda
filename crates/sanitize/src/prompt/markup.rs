//! HTML read as a browser shows it: `ig&shy;nore` and `ign&oacute;re`
//! read as the words a reader sees ([`decode_references`]), and so does
//! `assi<b></b>stant` ([`rendered`]).

use std::borrow::Cow;

use memchr::memmem;

use crate::chars::is_invisible_format;
use crate::embed::entity::decode_numeric;

/// The longest tag read as one: a `<` with no `>` this close is text.
const MAX_TAG: usize = 256;

/// The longest comment read as one: an unclosed one is text.
const MAX_COMMENT: usize = 4096;

/// Elements shown inside a line: their tags vanish. Any other tag
/// separates what is on either side, as a line break would.
const INLINE: &[&[u8]] = &[
    b"a", b"abbr", b"b", b"bdi", b"bdo", b"big", b"cite", b"code", b"data", b"del", b"dfn", b"em",
    b"font", b"i", b"ins", b"kbd", b"mark", b"nobr", b"q", b"s", b"samp", b"small", b"span",
    b"strike", b"strong", b"sub", b"sup", b"time", b"tt", b"u", b"var", b"wbr",
];

/// Named references to spaces, invisible characters and letters, in
/// lower case (names are matched in any case: the view is lower case).
/// Those of markup and punctuation (`&lt;`, `&amp;`, `&colon;`) are left
/// as written: they split no word, and a page that shows `<|im_start|>`
/// escaped is about chat templates, not one.
const NAMED: &[(&[u8], &str)] = &[
    (b"nbsp", " "),
    (b"ensp", " "),
    (b"emsp", " "),
    (b"thinsp", " "),
    (b"hairsp", " "),
    (b"numsp", " "),
    (b"puncsp", " "),
    (b"mediumspace", " "),
    (b"tab", " "),
    (b"newline", "\n"),
    // Invisible: a soft hyphen, joiners, direction marks, invisible
    // operators.
    (b"shy", ""),
    (b"zwj", ""),
    (b"zwnj", ""),
    (b"lrm", ""),
    (b"rlm", ""),
    (b"zerowidthspace", ""),
    (b"nobreak", ""),
    (b"invisibletimes", ""),
    (b"invisiblecomma", ""),
    (b"applyfunction", ""),
    (b"it", ""),
    (b"ic", ""),
    (b"af", ""),
    (b"szlig", "ss"),
    (b"aelig", "ae"),
    (b"oelig", "oe"),
    (b"eth", "d"),
    (b"thorn", "th"),
    (b"dstrok", "d"),
    (b"hstrok", "h"),
    (b"lstrok", "l"),
    (b"tstrok", "t"),
    (b"inodot", "i"),
    (b"imath", "i"),
    (b"jmath", "j"),
];

/// What follows a letter in the name of an accented letter (`eacute`,
/// `Ouml`, `ccedil`; the view drops the accent) or of a mathematical one
/// (`Iopf` 𝕀, `escr` ℯ, `gfr` 𝔤; NFKC folds it): it reads as the letter.
const LETTER_SUFFIXES: &[&[u8]] = &[
    b"acute", b"grave", b"circ", b"uml", b"tilde", b"ring", b"cedil", b"slash", b"caron", b"macr",
    b"breve", b"ogon", b"dot", b"dblac", b"opf", b"scr", b"fr",
];

/// The Greek letters' names, in the order of their code points from
/// U+03B1 (`sigmaf`, final sigma, is U+03C2, between rho and sigma).
const GREEK: &[&[u8]] = &[
    b"alpha", b"beta", b"gamma", b"delta", b"epsilon", b"zeta", b"eta", b"theta", b"iota",
    b"kappa", b"lambda", b"mu", b"nu", b"xi", b"omicron", b"pi", b"rho", b"sigmaf", b"sigma",
    b"tau", b"upsilon", b"phi", b"chi", b"psi", b"omega",
];

/// `text` with the character references that stand for letters, digits,
/// spaces or invisible characters decoded, as a browser shows them:
/// numeric ones (any number of leading zeros) and the named ones of the
/// spaces, the invisible characters, the accented and mathematical
/// letters (`&eacute;` and `&escr;` read `e`) and the Greek letters (which the view reads as their Latin
/// look-alikes). An invisible character decodes to nothing: `&shy;` is a
/// hyphenation hint in many a page, and no hidden text.
///
/// Each decoded reference stands for one word's letter or the space between
/// two: there is one reading, and the detection view reads it.
pub(super) fn decode_references(text: &str) -> Cow<'_, str> {
    let b = text.as_bytes();
    let Some(mut at) = memchr::memchr(b'&', b) else {
        return Cow::Borrowed(text);
    };
    let mut out = String::new();
    // Where the text not yet copied to `out` starts.
    let mut copied = 0;
    loop {
        let start = out.len();
        out.push_str(&text[copied..at]);
        let consumed = match push_reference(&b[at..], &mut out) {
            Some(len) => {
                copied = at + len;
                len
            }
            None => {
                // Left as written: copied with what follows.
                out.truncate(start);
                1
            }
        };
        match memchr::memchr(b'&', &b[at + consumed..]) {
            Some(n) => at += consumed + n,
            None => break,
        }
    }
    if copied == 0 {
        return Cow::Borrowed(text);
    }
    out.push_str(&text[copied..]);
    Cow::Owned(out)
}

/// The text of `text` as a browser shows it, or `None` when it has no tag
/// or comment: a comment, or a tag of an inline element (`<b>`,
/// `<span …>`, `<wbr>`), vanishes; a run of tags with another element's
/// among them (`<p>`, `<div>`, `<br>`) reads as one space, as the line
/// break it makes.
///
/// This is a second reading, beside the text as written: a comment's
/// instruction is meant for whatever reads the source, and an inline tag
/// between two letters may split a word (`assi<b></b>stant`) or stand
/// between two (`summary<b>ignore …`).
pub(super) fn rendered(text: &str) -> Option<String> {
    let b = text.as_bytes();
    let mut at = memchr::memchr(b'<', b)?;
    let mut out = String::new();
    // Where the text not yet copied to `out` starts.
    let mut copied = 0;
    let mut changed = false;
    loop {
        let mut end = at;
        let mut separates = false;
        while let Some((len, vanishes)) = markup(&b[end..]) {
            end += len;
            separates |= !vanishes;
        }
        if end > at {
            out.push_str(&text[copied..at]);
            if separates {
                out.push(' ');
            }
            copied = end;
            changed = true;
        }
        let consumed = (end - at).max(1);
        match memchr::memchr(b'<', &b[at + consumed..]) {
            Some(n) => at += consumed + n,
            None => break,
        }
    }
    if !changed {
        return None;
    }
    out.push_str(&text[copied..]);
    Some(out)
}

/// A comment or a tag at the start of `b`: its length, and whether it
/// vanishes wherever it stands (a comment, an inline element's tag).
fn markup(b: &[u8]) -> Option<(usize, bool)> {
    if let Some(body) = b.strip_prefix(b"<!--") {
        let limit = body.len().min(MAX_COMMENT);
        let close = memmem::find(&body[..limit], b"-->")?;
        return Some((4 + close + 3, true));
    }
    let rest = b.strip_prefix(b"<")?;
    // `</name`, `<name`, and the declarations `<!doctype`, `<?xml`.
    let skip = usize::from(matches!(rest.first(), Some(b'/' | b'!' | b'?')));
    let name_len = rest[skip..]
        .iter()
        .take_while(|c| c.is_ascii_alphanumeric() || **c == b'-')
        .count();
    if name_len == 0 || !rest[skip].is_ascii_alphabetic() {
        return None;
    }
    let name = &rest[skip..skip + name_len];
    let limit = rest.len().min(MAX_TAG);
    let close = rest[skip + name_len..limit]
        .iter()
        .position(|&c| c == b'>' || c == b'<')
        .map(|n| skip + name_len + n)?;
    if rest[close] != b'>' {
        return None;
    }
    // After the name, a space, `/` or `>`: `<b>`, `<b class=x>`, `<br/>`.
    if !matches!(
        rest[skip + name_len],
        b'>' | b'/' | b' ' | b'\t' | b'\n' | b'\r'
    ) {
        return None;
    }
    let inline = skip < 2
        && rest.first() != Some(&b'!')
        && rest.first() != Some(&b'?')
        && INLINE.iter().any(|i| i.eq_ignore_ascii_case(name));
    Some((1 + close + 1, inline))
}

/// Decodes the character reference at the start of `b` (which starts with
/// `&`) onto `out`; returns its length, or `None` (and pushes nothing)
/// when it is not one this module knows.
fn push_reference(b: &[u8], out: &mut String) -> Option<usize> {
    let rest = b.strip_prefix(b"&")?;
    if let Some(num) = rest.strip_prefix(b"#") {
        let (c, len) = decode_numeric(num)?;
        if c.is_alphanumeric() {
            out.push(c);
        } else if c.is_whitespace() {
            out.push(' ');
        } else if !is_invisible_format(c) {
            return None;
        }
        return Some(len);
    }
    let name_len = rest
        .iter()
        .take(32)
        .take_while(|c| c.is_ascii_alphanumeric())
        .count();
    let name = &rest[..name_len];
    // Browsers decode a few names without their `;`; here every one is
    // read so, as a renderer lenient with it would.
    let len = 1 + name_len + usize::from(rest.get(name_len) == Some(&b';'));
    if let Some((_, text)) = NAMED.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)) {
        out.push_str(text);
        return Some(len);
    }
    if let Some(i) = GREEK.iter().position(|n| n.eq_ignore_ascii_case(name)) {
        // `i` is below 25: the letters fit between U+03B1 and U+03C9.
        let code = 0x3b1 + u32::try_from(i).ok()?;
        out.push(char::from_u32(code)?);
        return Some(len);
    }
    let (&letter, suffix) = name.split_first()?;
    if letter.is_ascii_alphabetic()
        && LETTER_SUFFIXES
            .iter()
            .any(|a| a.eq_ignore_ascii_case(suffix))
    {
        out.push(char::from(letter));
        return Some(len);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_to_letters_spaces_and_invisibles_decode() {
        for (text, shown) in [
            (
                "ig&shy;nore re&#173;veal &#x00041;&#0000105;",
                "ignore reveal Ai",
            ),
            ("ign&oacute;re &Eacute;t&eacute; &szlig;", "ignore Ete ss"),
            ("&Iopf;gnore &rscr;&efr;", "Ignore re"),
            ("&omicron;&Alpha;", "\u{3bf}\u{3b1}"),
            ("one&nbsp;two&#9;three&#x200B;four", "one two threefour"),
            (
                "x&lt;y&gt;z &amp; &#60;b&#62;",
                "x&lt;y&gt;z &amp; &#60;b&#62;",
            ),
        ] {
            assert_eq!(decode_references(text), shown, "{text:?}");
        }
        for text in ["plain", "AT&T and R&D", "&unknownname; & &; &# &#x;"] {
            assert!(
                matches!(decode_references(text), Cow::Borrowed(_)),
                "{text:?}"
            );
        }
    }

    #[test]
    fn markup_renders_as_a_browser_shows_it() {
        for (html, shown) in [
            ("assi<b></b>stant", "assistant"),
            ("assi<div></div>stant", "assi stant"),
            ("ig<!-- x -->nore", "ignore"),
            ("<p>one</p><p>two</p>", " one two "),
            ("a <b>bold</b> word", "a bold word"),
            ("<span class=\"x\">in</span>line", "inline"),
            ("line<br/>break", "line break"),
            ("line <br> break", "line   break"),
            ("<!DOCTYPE html><html>text", " text"),
        ] {
            assert_eq!(rendered(html).as_deref(), Some(shown), "{html:?}");
        }
    }

    #[test]
    fn what_is_not_markup_is_left() {
        for text in [
            "plain text",
            "a < b and c > d",
            "x<3 hearts",
            "<|im_start|>system",
            "unclosed <b class=\"x\"",
            "an unclosed <!-- comment",
            "<",
        ] {
            assert_eq!(rendered(text), None, "{text:?}");
        }
    }
}
