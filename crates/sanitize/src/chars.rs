//! Character classes shared by the guards.

use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};

/// Invisible characters that change how text is shown or parsed: Unicode
/// format characters (`Cf`: bidi controls, zero-width characters, the soft
/// hyphen, Unicode tag characters used for ASCII smuggling, ...) and the
/// line and paragraph separators (`Zl`, `Zp`).
pub(crate) fn is_invisible_format(c: char) -> bool {
    !c.is_ascii()
        && matches!(
            c.general_category(),
            GeneralCategory::Format
                | GeneralCategory::LineSeparator
                | GeneralCategory::ParagraphSeparator
        )
}

/// Combining marks (`Mn`, `Me`): they attach to the character before them.
pub(crate) fn is_combining(c: char) -> bool {
    !c.is_ascii()
        && matches!(
            c.general_category(),
            GeneralCategory::NonspacingMark | GeneralCategory::EnclosingMark
        )
}

/// What [`strip`](crate::embed) does with a non-ASCII character: one table
/// lookup answers both questions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Invisible {
    /// Neither format nor combining.
    No,
    /// [`is_invisible_format`].
    Format,
    /// [`is_combining`].
    Combining,
}

/// [`is_invisible_format`] and [`is_combining`] in one lookup.
pub(crate) fn invisible_class(c: char) -> Invisible {
    if c.is_ascii() {
        return Invisible::No;
    }
    match c.general_category() {
        GeneralCategory::Format
        | GeneralCategory::LineSeparator
        | GeneralCategory::ParagraphSeparator => Invisible::Format,
        GeneralCategory::NonspacingMark | GeneralCategory::EnclosingMark => Invisible::Combining,
        _ => Invisible::No,
    }
}
