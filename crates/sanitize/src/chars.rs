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
