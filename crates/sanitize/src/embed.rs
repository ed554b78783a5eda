//! `safe_embed_text`: user text for Discord embeds that cannot ping, cannot
//! carry a live dangerous link, and renders literally.

pub(crate) mod entity;
mod escape;
mod limits;
mod scheme;
mod strip;

#[cfg(test)]
use entity::decode_entity;
#[cfg(test)]
use escape::escape_markdown;
use escape::escape_markdown_with;
pub use limits::{
    EMBED_TOTAL_LIMIT, EMBED_TRUNCATION_MARKER, EmbedBudget, EmbedField, embed_len, truncate_chars,
};
use scheme::defang_spans;
#[cfg(test)]
use scheme::{defang_schemes, with_colons_defanged};
#[cfg(test)]
use strip::all_printable_ascii;
use strip::strip_invisible;

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

#[cfg(test)]
mod tests;
