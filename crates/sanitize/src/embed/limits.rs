//! Discord's length limits: per field and for a whole embed.

use std::borrow::Cow;

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
