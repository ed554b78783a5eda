#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

mod chars;
mod embed;
mod log;

pub use embed::{
    EMBED_TOTAL_LIMIT, EMBED_TRUNCATION_MARKER, EmbedBudget, EmbedField, SAFE_AT, embed_len,
    safe_embed_text, truncate_chars,
};
pub use log::{
    DEFAULT_LOG_LIMIT, LOG_TRUNCATION_MARKER, safe_log_message, safe_log_message_with_limit,
};
