#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

#[cfg(feature = "cli")]
pub mod cli;
mod client;
mod config;
mod manifest;
mod names;
mod pacer;
mod sync;

use std::fmt;

pub use client::{
    DRIVE_READONLY_SCOPE, DriveClient, RemoteChange, RemoteFile, is_allowed_api_root,
};
pub use config::{DEFAULT_MAX_FILE_BYTES, DRIVE_FILE_LIMIT, DriveConfig};
pub use manifest::{Entry, MANIFEST_NAME, Manifest};
pub use names::{MAX_NAME_BYTES, disambiguated, is_safe_local_name, safe_file_name, valid_file_id};
pub use pacer::{Pacer, Verdict, classify};
pub use sync::{NoProgress, PDF, Progress, SyncOptions, SyncReport, sync};

/// Why a sync stopped (or a file failed).
#[derive(Debug)]
#[non_exhaustive]
pub enum SyncError {
    /// Bad options or an unusable target directory.
    Config(String),
    /// The service account could not get a token.
    Auth(String),
    /// Drive refused in a way retrying cannot fix (quota exhausted, not
    /// found, permission denied).
    Api(String),
    /// Drive kept failing until the pacer's retries ran out.
    RetriesExhausted(String),
    /// A transfer broke off (retried by the caller).
    Transient(String),
    /// A file is larger than its listed `size` or `DRIVE_MAX_FILE_BYTES`
    /// (not retried; nothing is kept).
    TooLarge(String),
    /// The manifest could not be read or written.
    Manifest(String),
    /// A local file operation failed.
    Io(std::io::Error),
}

impl fmt::Display for SyncError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Config(why) => write!(f, "configuration: {why}"),
            Self::Auth(why) => write!(f, "authentication: {why}"),
            Self::Api(why) => write!(f, "Drive: {why}"),
            Self::RetriesExhausted(why) => write!(f, "Drive kept failing: {why}"),
            Self::Transient(why) => write!(f, "transfer: {why}"),
            Self::TooLarge(why) => write!(f, "too large: {why}"),
            Self::Manifest(why) => write!(f, "manifest: {why}"),
            Self::Io(e) => write!(f, "file system: {e}"),
        }
    }
}

impl std::error::Error for SyncError {}
