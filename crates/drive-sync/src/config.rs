//! The mirror's own variables: `DRIVE_API_ROOT_URL` and
//! `DRIVE_MAX_FILE_BYTES`.

use alphaguard_config::{ConfigErrors, Vars};

use crate::client::is_allowed_api_root;

/// The largest file mirrored unless `DRIVE_MAX_FILE_BYTES` says otherwise:
/// 1 GiB, room for a scanned book, far from filling a disk by surprise.
pub const DEFAULT_MAX_FILE_BYTES: u64 = 1 << 30;

/// Drive's own limit on one file (5 TiB): the largest value
/// `DRIVE_MAX_FILE_BYTES` takes.
pub const DRIVE_FILE_LIMIT: u64 = 5 << 40;

/// The mirror's settings from the environment.
///
/// | variable | meaning | default |
/// | --- | --- | --- |
/// | `DRIVE_API_ROOT_URL` | another Google API root (tests, proxies): `https://`, or `http://` to loopback only, since it receives bearer tokens | Google |
/// | `DRIVE_MAX_FILE_BYTES` | the largest file mirrored; a larger one (as listed, or as it arrives) fails and leaves nothing behind | 1073741824 (1 GiB) |
///
/// ```
/// use alphaguard_drive_sync::DriveConfig;
///
/// let bad = DriveConfig::from_lookup(|name| match name {
///     "DRIVE_API_ROOT_URL" => Some("http://proxy.example/".to_owned()),
///     "DRIVE_MAX_FILE_BYTES" => Some("0".to_owned()),
///     _ => None,
/// })
/// .unwrap_err();
/// assert!(bad.mentions("DRIVE_API_ROOT_URL") && bad.mentions("DRIVE_MAX_FILE_BYTES"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DriveConfig {
    /// `DRIVE_API_ROOT_URL`.
    pub api_root: Option<String>,
    /// `DRIVE_MAX_FILE_BYTES`.
    pub max_file_bytes: u64,
}

impl Default for DriveConfig {
    fn default() -> Self {
        Self {
            api_root: None,
            max_file_bytes: DEFAULT_MAX_FILE_BYTES,
        }
    }
}

impl DriveConfig {
    /// Reads the process environment.
    pub fn from_env() -> Result<Self, ConfigErrors> {
        Self::from_lookup(|var| std::env::var(var).ok())
    }

    /// Reads through `lookup`, reporting every problem at once.
    pub fn from_lookup(lookup: impl FnMut(&str) -> Option<String>) -> Result<Self, ConfigErrors> {
        let mut vars = Vars::new(lookup);
        let api_root = vars.get("DRIVE_API_ROOT_URL");
        if api_root.as_deref().is_some_and(|r| !is_allowed_api_root(r)) {
            vars.fail(
                "DRIVE_API_ROOT_URL",
                "must be https:// (http:// only to loopback)",
            );
        }
        let max_file_bytes = vars.number(
            "DRIVE_MAX_FILE_BYTES",
            DEFAULT_MAX_FILE_BYTES,
            1..=DRIVE_FILE_LIMIT,
        );
        vars.finish(Self {
            api_root,
            max_file_bytes,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(vars: &[(&str, &str)]) -> Result<DriveConfig, ConfigErrors> {
        DriveConfig::from_lookup(|name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        })
    }

    #[test]
    fn defaults_and_limits() {
        assert_eq!(config(&[]).unwrap(), DriveConfig::default());
        let c = config(&[
            ("DRIVE_API_ROOT_URL", "http://127.0.0.1:9000"),
            ("DRIVE_MAX_FILE_BYTES", "1048576"),
        ])
        .unwrap();
        assert_eq!(c.api_root.as_deref(), Some("http://127.0.0.1:9000"));
        assert_eq!(c.max_file_bytes, 1 << 20);
        for (var, value) in [
            ("DRIVE_API_ROOT_URL", "http://www.googleapis.com/"),
            ("DRIVE_API_ROOT_URL", "http://127.0.0.1@evil.example/"),
            ("DRIVE_MAX_FILE_BYTES", "0"),
            ("DRIVE_MAX_FILE_BYTES", "a lot"),
            ("DRIVE_MAX_FILE_BYTES", "6000000000000"),
        ] {
            let err = config(&[(var, value)]).unwrap_err();
            assert!(err.mentions(var), "{var}={value}: {err}");
            if var == "DRIVE_API_ROOT_URL" {
                assert!(!err.to_string().contains(value), "{err}");
            }
        }
    }
}
