#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

pub mod app;
pub mod cli;
pub mod drive;
pub mod observe;
pub mod request_id;
pub mod server;
pub mod settings;

pub use app::{App, Body, SecretsCache};
pub use settings::Settings;
