//! HTML read as a browser shows it: `ig&shy;nore` and `ign&oacute;re`
//! read as the words a reader sees ([`decode_references`]), and so does
//! `assi<b></b>stant` ([`rendered`]).

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::LazyLock;

use foldhash::fast::FixedState;

use super::entities::{CP1252, NAMED};
use crate::chars::is_invisible_format;
use crate::embed::entity::decode_numeric;

/// The longest tag read as one: a `<` with no `>` this close is text.
const MAX_TAG: usize = 1024;

/// The longest comment read as one: an unclosed one is text.
const MAX_COMMENT: usize = 4096;

/// Whether `name` (in any case) is that of an element shown inside a
/// line, whose tags vanish. Any other tag separates what is on either
/// side, as a line break would.
///
/// The name is lower-cased into a buffer as long as the longest and
/// matched whole: a tag every few words, and a list searched entry by
/// entry for each was a tenth of the reading of a page.
fn is_inline(name: &[u8]) -> bool {
    const LONGEST: usize = 6;
    if name.len() > LONGEST {
        return false;
    }
    let mut lower = [0u8; LONGEST];
    for (l, c) in lower.iter_mut().zip(name) {
        *l = c.to_ascii_lowercase();
    }
    matches!(
        &lower[..name.len()],
        b"a" | b"abbr"
            | b"b"
            | b"bdi"
            | b"bdo"
            | b"big"
            | b"cite"
            | b"code"
            | b"data"
            | b"del"
            | b"dfn"
            | b"em"
            | b"font"
            | b"i"
            | b"ins"
            | b"kbd"
            | b"mark"
            | b"nobr"
            | b"q"
            | b"s"
            | b"samp"
            | b"small"
            | b"span"
            | b"strike"
            | b"strong"
            | b"sub"
            | b"sup"
            | b"time"
            | b"tt"
            | b"u"
            | b"var"
            | b"wbr"
    )
}

/// `text` with the character references that stand for letters, digits,
/// spaces or invisible characters decoded, as a browser shows them:
/// numeric ones (any number of leading zeros; 128 to 159 read as
/// Windows-1252, as browsers read them) and the named ones of the WHATWG
/// list that stand for such a character (`&eacute;`, `&image;`,
/// `&iukcy;`, `&nbsp;`, `&shy;`; `entities.rs`), with their `;`, or
/// without it where the list has the legacy form (`&eacute`). An invisible
/// character decodes to nothing: `&shy;` is a hyphenation hint in many a
/// page, and no hidden text. Those of markup and punctuation (`&lt;`,
/// `&amp;`, `&sdot;`) are left as written: they split no word, and a page
/// that shows `<|im_start|>` escaped is about chat templates, not one.
///
/// Each decoded reference stands for one word's letter or the space between
/// two: there is one reading, and the detection view reads it.
pub(super) fn decode_references(text: &str) -> Cow<'_, str> {
    let b = text.as_bytes();
    let Some(mut at) = memchr::memchr(b'&', b) else {
        return Cow::Borrowed(text);
    };
    let mut out = String::new();
    // One reference's reading, before it is known to be one: the text
    // before it is copied only then (copying it for every `&` and taking
    // it back was quadratic).
    let mut reading = String::new();
    // Where the text not yet copied to `out` starts.
    let mut copied = 0;
    let mut changed = false;
    loop {
        reading.clear();
        let consumed = match push_reference(&b[at..], &mut reading) {
            Some(len) => {
                out.push_str(&text[copied..at]);
                out.push_str(&reading);
                copied = at + len;
                changed = true;
                len
            }
            None => 1,
        };
        match memchr::memchr(b'&', &b[at + consumed..]) {
            Some(n) => at += consumed + n,
            None => break,
        }
    }
    if !changed {
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
///
/// Read as HTML5 reads them: a comment ends at `-->` or `--!>` (or at once,
/// `<!-->`, `<!--->`); `<!…>` and `<?…>` (a doctype, `<![CDATA[…]]>`, a
/// processing instruction) are comments up to the first `>`; a tag's
/// quoted attribute values may hold `<` and `>`, and any white space
/// (form feed too) may follow its name.
fn markup(b: &[u8]) -> Option<(usize, bool)> {
    let rest = b.strip_prefix(b"<")?;
    if let Some(body) = rest.strip_prefix(b"!--") {
        let shut = if body.starts_with(b">") {
            Some((0, 1))
        } else if body.starts_with(b"->") {
            Some((0, 2))
        } else {
            // The first `-->` or `--!>`, found by its dashes (a substring
            // search set up for each comment cost more than the comment).
            let body = &body[..body.len().min(MAX_COMMENT)];
            memchr::memchr_iter(b'-', body).find_map(|at| {
                let rest = &body[at..];
                if rest.starts_with(b"-->") {
                    Some((at, 3))
                } else {
                    rest.starts_with(b"--!>").then_some((at, 4))
                }
            })
        };
        let (at, close) = shut?;
        return Some((4 + at + close, true));
    }
    if matches!(rest.first(), Some(b'!' | b'?')) {
        let limit = rest.len().min(MAX_TAG);
        let close = memchr::memchr(b'>', &rest[1..limit])?;
        return Some((1 + 1 + close + 1, true));
    }
    let skip = usize::from(rest.first() == Some(&b'/'));
    let name_len = rest[skip..]
        .iter()
        .take_while(|c| c.is_ascii_alphanumeric() || **c == b'-')
        .count();
    if name_len == 0 || !rest[skip].is_ascii_alphabetic() {
        return None;
    }
    let name = &rest[skip..skip + name_len];
    let after = skip + name_len;
    // After the name, white space, `/` or `>`: `<b>`, `<b class=x>`, `<br/>`.
    if !matches!(
        rest.get(after)?,
        b'>' | b'/' | b' ' | b'\t' | b'\n' | b'\r' | b'\x0c'
    ) {
        return None;
    }
    // Up to the `>` outside quotes; a `<` outside them means this was text.
    let limit = rest.len().min(MAX_TAG);
    let mut quote = None;
    let mut close = None;
    for (i, &c) in rest[after..limit].iter().enumerate() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, b'"' | b'\'') => quote = Some(c),
            (None, b'>') => {
                close = Some(after + i);
                break;
            }
            (None, b'<') => return None,
            (None, _) => {}
        }
    }
    let inline = is_inline(name);
    Some((1 + close? + 1, inline))
}

/// Decodes the character reference at the start of `b` (which starts with
/// `&`) onto `out`, if it stands for a letter, a digit, a space or an
/// invisible character; returns its length, or `None` (and pushes
/// nothing).
fn push_reference(b: &[u8], out: &mut String) -> Option<usize> {
    let rest = b.strip_prefix(b"&")?;
    if let Some(num) = rest.strip_prefix(b"#") {
        let (c, len) = decode_numeric(num)?;
        let c = match u32::from(c) {
            n @ 0x80..=0x9f => CP1252.chars().nth((n - 0x80) as usize).unwrap_or(c),
            _ => c,
        };
        if c.is_alphanumeric() {
            out.push(c);
        } else if c.is_whitespace() {
            out.push(' ');
        } else if !is_invisible_format(c) {
            return None;
        }
        return Some(len);
    }
    // The longest name of the WHATWG list has 31 characters (of those
    // kept in `NAMED`, 22).
    let name_len = rest
        .iter()
        .take(32)
        .take_while(|c| c.is_ascii_alphanumeric())
        .count();
    let semicolon = usize::from(rest.get(name_len) == Some(&b';'));
    let name = &rest[..name_len + semicolon];
    out.push_str(NAMED_BY_NAME.get(name)?);
    Some(1 + name.len())
}

/// [`NAMED`] by name: a web page has a reference every few words, and a
/// binary search of the list took eleven comparisons for each.
static NAMED_BY_NAME: LazyLock<HashMap<&[u8], &str, FixedState>> = LazyLock::new(|| {
    NAMED
        .iter()
        .map(|&(name, text)| (name.as_bytes(), text))
        .collect()
});

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
            (
                "ign&oacute;re &Eacute;t&eacute; &szlig;",
                "ign\u{f3}re \u{c9}t\u{e9} \u{df}",
            ),
            ("&Iopf;gnore &image;", "\u{1d540}gnore \u{2111}"),
            ("&omicron;&Alpha;", "\u{3bf}\u{391}"),
            ("one&nbsp;two&#9;three&#x200B;four", "one two threefour"),
            (
                "x&lt;y&gt;z &amp; &#60;b&#62; &sdot;",
                "x&lt;y&gt;z &amp; &#60;b&#62; &sdot;",
            ),
            ("&eacute &it; ?a=1&it=2 &nu", "\u{e9}  ?a=1&it=2 &nu"),
            ("&#154;ystem &#x80;", "\u{161}ystem &#x80;"),
        ] {
            assert_eq!(decode_references(text), shown, "{text:?}");
        }
        for text in [
            "plain",
            "AT&T and R&D",
            "&unknownname; & &; &# &#x; &Eacutex",
        ] {
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
            (
                "ig<!-->nore ig<!--->nore ig<!-- x --!>nore",
                "ignore ignore ignore",
            ),
            ("ig<?x?>nore ig<![CDATA[x]]>nore", "ignore ignore"),
            (
                "ig<span title=\"<\">nore ig<span\x0cclass=x>nore",
                "ignore ignore",
            ),
        ] {
            assert_eq!(rendered(html).as_deref(), Some(shown), "{html:?}");
        }
    }

    #[test]
    fn inline_elements_vanish_and_others_separate_in_any_case() {
        let inline = [
            "a", "abbr", "b", "bdi", "bdo", "big", "cite", "code", "data", "del", "dfn", "em",
            "font", "i", "ins", "kbd", "mark", "nobr", "q", "s", "samp", "small", "span", "strike",
            "strong", "sub", "sup", "time", "tt", "u", "var", "wbr",
        ];
        for name in inline {
            for name in [name.to_owned(), name.to_ascii_uppercase()] {
                assert_eq!(
                    rendered(&format!("x<{name}>y</{name}>z")).as_deref(),
                    Some("xyz")
                );
            }
        }
        // Block elements, and names a letter away from an inline one.
        for name in [
            "p", "div", "br", "li", "abbrx", "strongs", "spa", "aa", "bb", "em2", "stron",
            "section",
        ] {
            assert_eq!(
                rendered(&format!("x<{name}>y")).as_deref(),
                Some("x y"),
                "{name}"
            );
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
