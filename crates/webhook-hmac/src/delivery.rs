//! The checks every webhook delivery goes through, without `tower`: for
//! services that compose their own request path (the `alphaguard` gateway)
//! and for the `layer` module (feature `tower`).

use std::error::Error as StdError;

use alphaguard_config::refusal;
use bytes::Bytes;
use http::{HeaderMap, StatusCode, header};
use http_body::Body;
use http_body_util::{BodyExt as _, LengthLimitError, Limited};

use crate::replay::{Delivery, ReplayError, ReplayGuard, replay_key};
use crate::{Error, Outcome, Verified, Webhook};

/// The default body limit: 1 MiB.
pub const DEFAULT_BODY_LIMIT: usize = 1024 * 1024;

/// Why [`accept`] refused a delivery before it reached the application.
/// Its [`refusal::Refusal`] implementation says what each means on the
/// wire, once, for the layer and the gateway alike.
#[derive(Debug)]
#[non_exhaustive]
pub enum Refusal {
    /// No webhook of that name: 404.
    UnknownWebhook,
    /// The body is over the limit: 413 (declared, or found while reading).
    TooLarge,
    /// The body could not be read: 400.
    BadBody(String),
    /// The signature did not verify: 401.
    BadSignature(Error),
    /// A `webhook-id` already seen: acknowledge (200) without processing.
    Duplicate,
    /// The replay guard could not answer: 503.
    GuardFailed(ReplayError),
}

/// A delivery that passed [`accept`].
#[derive(Debug)]
#[non_exhaustive]
pub struct Accepted {
    /// The raw body, as verified.
    pub body: Bytes,
    /// The verification; `None` when the webhook has no secret configured
    /// (development only).
    pub verified: Option<Verified>,
    /// The replay-guard key recorded for this delivery: [`ReplayGuard::forget`]
    /// it if processing fails, so the sender's retry is processed.
    pub recorded: Option<String>,
}

/// The checks every webhook delivery goes through, for the layer and for
/// services that answer in their own format:
///
/// 1. a body over `limit` is refused: from `Content-Length` before reading
///    anything, and while streaming when the length is not declared;
/// 2. the signature is verified over the raw bytes;
/// 3. with a guard, a repeated `webhook-id` is refused as
///    [`Refusal::Duplicate`], and a first one is recorded for the
///    tolerance window.
pub async fn accept<B>(
    hook: &Webhook,
    headers: &HeaderMap,
    body: B,
    limit: usize,
    guard: Option<&dyn ReplayGuard>,
) -> Result<Accepted, Refusal>
where
    B: Body,
    B::Error: Into<Box<dyn StdError + Send + Sync>>,
{
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|len| len > limit as u64) {
        return Err(Refusal::TooLarge);
    }
    let bytes = match Limited::new(body, limit).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(e) if e.downcast_ref::<LengthLimitError>().is_some() => {
            return Err(Refusal::TooLarge);
        }
        Err(e) => return Err(Refusal::BadBody(e.to_string())),
    };
    let verified = match hook.verify(headers, &bytes) {
        Ok(Outcome::Verified(v)) => Some(v),
        Ok(_) => None,
        Err(e) => return Err(Refusal::BadSignature(e)),
    };
    let mut recorded = None;
    if let (Some(guard), Some(v)) = (guard, &verified)
        && let Some(id) = &v.webhook_id
    {
        let key = replay_key(hook.name(), id);
        let ttl = hook
            .verifier()
            .map_or(crate::standard::DEFAULT_TOLERANCE, |v| v.tolerance_window());
        match guard.check_and_record(&key, ttl).await {
            Ok(Delivery::First) => recorded = Some(key),
            Ok(Delivery::Repeat) => return Err(Refusal::Duplicate),
            Err(e) => return Err(Refusal::GuardFailed(e)),
        }
    }
    Ok(Accepted {
        body: bytes,
        verified,
        recorded,
    })
}

impl refusal::Refusal for Refusal {
    fn status(&self) -> StatusCode {
        match self {
            Self::UnknownWebhook => StatusCode::NOT_FOUND,
            Self::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::BadBody(_) => StatusCode::BAD_REQUEST,
            Self::BadSignature(_) => StatusCode::UNAUTHORIZED,
            // Acknowledged: the sender must not retry what was processed.
            Self::Duplicate => StatusCode::OK,
            Self::GuardFailed(_) => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    fn public_message(&self) -> &'static str {
        match self {
            Self::UnknownWebhook => "not found",
            Self::TooLarge => "payload too large",
            Self::BadBody(_) => "bad request",
            Self::BadSignature(_) => "invalid signature",
            Self::Duplicate => "duplicate",
            Self::GuardFailed(_) => "service unavailable",
        }
    }

    fn label(&self) -> &'static str {
        match self {
            Self::UnknownWebhook => "unknown",
            Self::TooLarge => "too_large",
            Self::BadBody(_) => "bad_body",
            Self::BadSignature(_) => "rejected",
            Self::Duplicate => "duplicate",
            Self::GuardFailed(_) => "guard_failed",
        }
    }
}
