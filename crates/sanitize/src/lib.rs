#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod chars;
mod embed;
#[cfg(feature = "tracing")]
mod fields;
mod log;
mod prompt;

pub use embed::{
    EMBED_TOTAL_LIMIT, EMBED_TRUNCATION_MARKER, EmbedBudget, EmbedField, SAFE_AT, embed_len,
    safe_embed_text, truncate_chars,
};
#[cfg(feature = "tracing")]
pub use fields::SafeFields;
pub use log::{
    DEFAULT_LOG_LIMIT, LOG_TRUNCATION_MARKER, safe_log_message, safe_log_message_with_limit,
};
pub use prompt::{
    Channel, Finding, FindingKind, LearnedEvidence, PatternError, PromptGuard, PromptReport,
    UNTRUSTED_TAG, Verdict, safe_prompt,
};
