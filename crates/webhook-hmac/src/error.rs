use std::fmt;

/// Why a webhook was refused.
///
/// The variants tell an operator what went wrong; none carries the expected
/// signature, the secret, or any header value, so an error can be logged
/// as it is. A client should be told no more than "invalid signature".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// A header the scheme needs is absent. Holds the header's name.
    MissingHeader(&'static str),
    /// A header is present but not in the scheme's form (or given twice).
    /// Holds the header's name.
    MalformedHeader(&'static str),
    /// The `webhook-timestamp` is further from now than the tolerance, in
    /// either direction.
    TimestampOutOfTolerance,
    /// No signature in the request matches any configured key.
    SignatureMismatch,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MissingHeader(name) => write!(f, "missing header {name}"),
            Self::MalformedHeader(name) => write!(f, "malformed header {name}"),
            Self::TimestampOutOfTolerance => f.write_str("timestamp outside tolerance"),
            Self::SignatureMismatch => f.write_str("signature mismatch"),
        }
    }
}

impl std::error::Error for Error {}

impl Error {
    /// A short, stable label for metrics (`missing_header`,
    /// `malformed_header`, `timestamp`, `mismatch`).
    pub fn kind(&self) -> &'static str {
        match self {
            Self::MissingHeader(_) => "missing_header",
            Self::MalformedHeader(_) => "malformed_header",
            Self::TimestampOutOfTolerance => "timestamp",
            Self::SignatureMismatch => "mismatch",
        }
    }
}
