//! Character classes shared by the guards.

use std::sync::LazyLock;

use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};

/// Invisible characters that change how text is shown or parsed: Unicode
/// format characters (`Cf`: bidi controls, zero-width characters, the soft
/// hyphen, Unicode tag characters used for ASCII smuggling, ...) and the
/// line and paragraph separators (`Zl`, `Zp`).
pub(crate) fn is_invisible_format(c: char) -> bool {
    invisible_class(c) == Invisible::Format
}

/// Combining marks (`Mn`, `Me`): they attach to the character before them.
pub(crate) fn is_combining(c: char) -> bool {
    invisible_class(c) == Invisible::Combining
}

/// What [`strip`](crate::embed) does with a non-ASCII character: one table
/// lookup answers both questions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub(crate) enum Invisible {
    /// Neither format nor combining.
    No = 0,
    /// [`is_invisible_format`].
    Format = 1,
    /// [`is_combining`].
    Combining = 2,
}

/// The classes of the characters outside the Basic Multilingual Plane that
/// text uses most, answered without the Unicode table (whose binary search
/// is most of the cost of a lookup); `None` for the rest. Exact:
/// `tests::the_shortcut_agrees_with_the_table` checks every character.
fn known_astral_class(u: u32) -> Option<Invisible> {
    Some(match u {
        // Emoji and pictographs; the ideographs of the other planes.
        0x1_f000..=0x1_faff | 0x2_0000..=0x3_ffff => Invisible::No,
        // Tag characters (ASCII smuggling) and variation selectors.
        0xe_0001 | 0xe_0020..=0xe_007f => Invisible::Format,
        0xe_0100..=0xe_01ef => Invisible::Combining,
        _ => return None,
    })
}

/// [`is_invisible_format`] and [`is_combining`] in one lookup.
#[inline]
pub(crate) fn invisible_class(c: char) -> Invisible {
    // ASCII never reaches the table (nor builds it on first use).
    if c.is_ascii() {
        return Invisible::No;
    }
    Classes::get().of(c)
}

/// [`invisible_class`] for a loop over many characters: the table is
/// reached (and its first use waited for) once, not at every character,
/// whatever the compiler makes of the loop.
#[derive(Clone, Copy)]
pub(crate) struct Classes(&'static [u8; 0x1_0000 / 4]);

impl Classes {
    pub(crate) fn get() -> Self {
        Self(&BMP_CLASSES)
    }

    /// The class of `c`.
    #[inline]
    pub(crate) fn of(self, c: char) -> Invisible {
        let u = u32::from(c);
        if u < 0x80 {
            return Invisible::No;
        }
        if u < 0x1_0000 {
            let bits = self.0[(u / 4) as usize] >> (2 * (u % 4)) & 0b11;
            return CLASS_OF_BITS[usize::from(bits)];
        }
        known_astral_class(u).unwrap_or_else(|| by_category(c))
    }
}

/// What the two bits of [`BMP_CLASSES`] stand for (the discriminants).
const CLASS_OF_BITS: [Invisible; 4] = [
    Invisible::No,
    Invisible::Format,
    Invisible::Combining,
    Invisible::No,
];

/// The class of every character of the Basic Multilingual Plane, two bits
/// each (an [`Invisible`]'s discriminant), read off the Unicode table once:
/// scripts other than Latin would otherwise search the table for every
/// character.
static BMP_CLASSES: LazyLock<Box<[u8; 0x1_0000 / 4]>> = LazyLock::new(|| {
    let mut table = Box::new([0u8; 0x1_0000 / 4]);
    for (u, c) in (0..0x1_0000u32).filter_map(|u| Some((u, char::from_u32(u)?))) {
        table[(u / 4) as usize] |= (by_category(c) as u8) << (2 * (u % 4));
    }
    table
});

/// The class by the Unicode table's general category.
fn by_category(c: char) -> Invisible {
    match c.general_category() {
        GeneralCategory::Format
        | GeneralCategory::LineSeparator
        | GeneralCategory::ParagraphSeparator => Invisible::Format,
        GeneralCategory::NonspacingMark | GeneralCategory::EnclosingMark => Invisible::Combining,
        _ => Invisible::No,
    }
}

/// The most parameter and intermediate bytes a CSI sequence removed whole
/// may have (real ones have a few; xterm reads at most 30 parameters).
pub(crate) const MAX_CSI_BODY: usize = 64;

/// The most bytes the body of an OSC, DCS, SOS, PM or APC string removed
/// whole may have (a window title, a hyperlink's URL).
pub(crate) const MAX_STRING_BODY: usize = 512;

/// The length in bytes of the escape sequence at the start of `text` (which
/// starts with ESC or a C1 introducer), if it is whole and short enough to
/// remove: `None` leaves its introducer to be shown as an escape.
///
/// - CSI (`ESC [` or U+009B): parameter bytes, then intermediate bytes, then
///   one final byte, at most [`MAX_CSI_BODY`] bytes before the final one.
/// - OSC, DCS, SOS, PM, APC (`ESC ]`, `ESC P`, `ESC X`, `ESC ^`, `ESC _`,
///   or their C1 forms): printable text up to BEL or ST (`ESC \` or
///   U+009C), at most [`MAX_STRING_BODY`] bytes; a control character
///   inside, or no terminator, and it is not removed.
/// - `ESC`, intermediate bytes (`0x20..=0x2F`, at most
///   [`MAX_CSI_BODY`]) and a final byte (`0x30..=0x7E`): a character set
///   chosen (`ESC ( B`, `ESC % G`, `ESC SP F`). Without its final byte,
///   `ESC` and the first one.
/// - `ESC` and one other printable ASCII character (`ESC 7`, `ESC c`).
pub(crate) fn escape_sequence_len(text: &str) -> Option<usize> {
    escape_sequence_len_within(text, MAX_CSI_BODY)
}

/// [`escape_sequence_len`], a CSI sequence or an `ESC` with intermediate
/// bytes removed whole up to `max_body` bytes before its final one.
pub(crate) fn escape_sequence_len_within(text: &str, max_body: usize) -> Option<usize> {
    let mut chars = text.chars();
    let intro = chars.next()?;
    let intro_len = intro.len_utf8();
    let (kind, body_start) = match intro {
        '\u{1b}' => match chars.next()? {
            '[' => (Sequence::Csi, 2),
            ']' | 'P' | 'X' | '^' | '_' => (Sequence::String, 2),
            ' '..='/' => {
                let body = &text.as_bytes()[1..];
                let inter = body
                    .iter()
                    .take_while(|b| (0x20..=0x2f).contains(*b))
                    .count();
                let whole =
                    body.get(inter).is_some_and(|b| (0x30..=0x7e).contains(b)) && inter <= max_body;
                return Some(if whole { 1 + inter + 1 } else { 2 });
            }
            c if (' '..='~').contains(&c) => return Some(2),
            _ => return None,
        },
        '\u{9b}' => (Sequence::Csi, intro_len),
        _ => (Sequence::String, intro_len),
    };
    let body = &text.as_bytes()[body_start..];
    match kind {
        Sequence::Csi => {
            let params = body
                .iter()
                .take_while(|b| (0x30..=0x3f).contains(*b))
                .count();
            let inter = body[params..]
                .iter()
                .take_while(|b| (0x20..=0x2f).contains(*b))
                .count();
            let final_byte = *body.get(params + inter)?;
            ((0x40..=0x7e).contains(&final_byte) && params + inter <= max_body)
                .then_some(body_start + params + inter + 1)
        }
        Sequence::String => {
            for (at, c) in text[body_start..].char_indices() {
                if at > MAX_STRING_BODY {
                    return None;
                }
                match c {
                    '\u{7}' | '\u{9c}' => return Some(body_start + at + c.len_utf8()),
                    '\u{1b}' => {
                        return (text.as_bytes().get(body_start + at + 1) == Some(&b'\\'))
                            .then_some(body_start + at + 2);
                    }
                    c if c.is_control() => return None,
                    _ => {}
                }
            }
            None
        }
    }
}

enum Sequence {
    Csi,
    String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shortcut_agrees_with_the_table() {
        for c in (0..=0x10ffff).filter_map(char::from_u32) {
            assert_eq!(invisible_class(c), by_category(c), "U+{:04X}", u32::from(c));
        }
    }
}
