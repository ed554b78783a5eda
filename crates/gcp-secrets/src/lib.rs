#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

mod cache;
mod config;
mod credentials;
mod error;
mod iam;
mod manager;
mod token;
mod value;

pub use alphaguard_config::{ConfigError, ConfigErrors};
pub use cache::SecretCache;
pub use config::{Config, DEFAULT_ENDPOINT, DEFAULT_SECRET_NAME};
pub use credentials::{GoogleCredentials, Method};
pub use error::Error;
pub use iam::{DEFAULT_IAM_ENDPOINT, IamClient, ServiceAccountKeyInfo};
pub use manager::{Backoff, Crc32cCheck, KeyIdentity, SecretCheck, SecretManager};
pub use token::{CLOUD_PLATFORM_SCOPE, TokenSource};
pub use value::SecretValue;
pub use yup_oauth2::ServiceAccountKey;
