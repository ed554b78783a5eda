#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

pub mod addr_text;
pub mod app;
pub mod audit;
pub mod cli;
pub mod conn;
pub mod doctor;
pub mod drive;
pub mod forward;
mod handlers;
pub mod inbox;
pub mod log_line;
pub mod log_time;
pub mod log_writer;
pub mod observe;
pub mod path;
pub mod ready;
pub mod request_id;
pub mod respond;
pub mod route;
pub mod server;
pub mod settings;
pub mod webhooks;

pub use app::{App, SecretsCache};
pub use respond::Body;
pub use settings::Settings;
