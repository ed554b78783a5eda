//! The inbox's owner-only routes (rows in `route.rs` with `Auth::Owner`):
//!
//! | route | what |
//! | --- | --- |
//! | `GET /api/admin/webhooks/inbox` | the summary: pending, dead letters, retrying, most attempts, oldest pending age, pending by webhook |
//! | `GET /api/admin/webhooks/dead-letters` | the dead letters, oldest first (at most 1,000; never a body) |
//! | `POST /api/admin/webhooks/dead-letters/redeliver` | `{"webhook": "...", "id": "..."}`: that one back in the queue |
//! | `POST /api/admin/webhooks/dead-letters/redeliver-all` | every dead letter back in the queue |
//!
//! Each call writes one audit line (target `alphaguard::audit`, message
//! `AUDIT`) with the owner's Discord id, the action (the route's label),
//! the outcome and which delivery (or how many).

use alphaguard_auth::Identity;
use bytes::Bytes;
use http::{Request, Response, StatusCode};
use http_body_util::{BodyExt as _, Limited};

use crate::app::{App, Ctx};
use crate::respond::{self, Body, BoxError};

/// The largest body of a redeliver request.
pub const REDELIVER_BODY_LIMIT: usize = 4096;

/// Most dead letters listed at once.
pub const DEAD_LETTER_LIST_LIMIT: usize = 1000;

/// Which inbox operation a route runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InboxOp {
    /// `GET /api/admin/webhooks/inbox`.
    Summary,
    /// `GET /api/admin/webhooks/dead-letters`.
    DeadLetters,
    /// `POST /api/admin/webhooks/dead-letters/redeliver`.
    Redeliver,
    /// `POST /api/admin/webhooks/dead-letters/redeliver-all`.
    RedeliverAll,
}

impl InboxOp {
    /// The access log's label.
    pub fn label(self) -> &'static str {
        match self {
            Self::Summary => "admin_webhook_inbox",
            Self::DeadLetters => "admin_webhook_dead_letters",
            Self::Redeliver => "admin_webhook_redeliver",
            Self::RedeliverAll => "admin_webhook_redeliver_all",
        }
    }
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RedeliverOne {
    webhook: String,
    id: String,
}

/// The audit line of an inbox action, with the fields of
/// [`crate::audit::owner_action`] plus which delivery or how many (`detail`
/// is dynamic here: the webhook and id redelivered, or a count).
fn audit(ctx: &Ctx, who: Option<&Identity>, op: InboxOp, outcome: &str, detail: &str) {
    tracing::warn!(
        target: crate::audit::TARGET,
        request_id = ctx.id(),
        client = %ctx.client,
        user = who.and_then(|w| w.subject.as_deref()),
        discord_id = who.and_then(|w| w.discord_id),
        method = who.map(|w| w.method.as_str()),
        action = op.label(),
        outcome,
        detail,
        "AUDIT"
    );
}

impl App {
    /// Runs an owner's inbox operation (the route already checked the
    /// caller is an owner).
    pub(crate) async fn inbox_admin<B>(
        &self,
        op: InboxOp,
        request: Request<B>,
        who: Option<&Identity>,
        ctx: &Ctx,
    ) -> Response<Body>
    where
        B: http_body::Body<Data = Bytes> + Send + Sync + 'static,
        B::Error: Into<BoxError>,
    {
        let id = ctx.id();
        let unavailable = |what: &str, e: &dyn std::fmt::Display| {
            tracing::error!(request_id = id, error = %e, "webhook inbox: {what} failed");
            audit(ctx, who, op, "failed", what);
            respond::error(StatusCode::SERVICE_UNAVAILABLE, "service unavailable", id)
        };
        match op {
            InboxOp::Summary => match self.inbox.summary().await {
                Ok(summary) => {
                    audit(ctx, who, op, "read", "");
                    let body = serde_json::json!({
                        "store": self.inbox.kind(),
                        "pending": summary.pending,
                        "dead_letters": summary.dead_letters,
                        "retrying": summary.retrying,
                        "max_attempts": summary.max_attempts,
                        "oldest_pending_age_seconds": summary.oldest_pending_age_secs,
                        "pending_by_webhook": summary.pending_by_webhook,
                    });
                    respond::json(StatusCode::OK, body.to_string())
                }
                Err(e) => unavailable("summary", &e),
            },
            InboxOp::DeadLetters => match self.inbox.dead_letters(DEAD_LETTER_LIST_LIMIT).await {
                Ok(letters) => {
                    audit(ctx, who, op, "read", &letters.len().to_string());
                    let body = serde_json::json!({ "dead_letters": letters });
                    respond::json(StatusCode::OK, body.to_string())
                }
                Err(e) => unavailable("list dead letters", &e),
            },
            InboxOp::Redeliver => {
                let body = match Limited::new(request.into_body(), ctx.route.body_limit)
                    .collect()
                    .await
                {
                    Ok(c) => c.to_bytes(),
                    Err(_) => {
                        audit(ctx, who, op, "bad_request", "unreadable body");
                        return respond::error(StatusCode::BAD_REQUEST, "bad request", id);
                    }
                };
                let Ok(one) = serde_json::from_slice::<RedeliverOne>(&body) else {
                    audit(ctx, who, op, "bad_request", "not {webhook, id}");
                    return respond::error(StatusCode::BAD_REQUEST, "bad request", id);
                };
                let target = format!("{}/{}", one.webhook, one.id);
                match self.inbox.redeliver(&one.webhook, &one.id).await {
                    Ok(true) => {
                        audit(ctx, who, op, "requeued", &target);
                        respond::json(StatusCode::OK, &br#"{"status":"requeued","count":1}"#[..])
                    }
                    Ok(false) => {
                        audit(ctx, who, op, "not_found", &target);
                        respond::error(StatusCode::NOT_FOUND, "not found", id)
                    }
                    Err(e) => unavailable("redeliver", &e),
                }
            }
            InboxOp::RedeliverAll => match self.inbox.redeliver_all().await {
                Ok(n) => {
                    audit(ctx, who, op, "requeued", &n.to_string());
                    respond::json(
                        StatusCode::OK,
                        format!(r#"{{"status":"requeued","count":{n}}}"#),
                    )
                }
                Err(e) => unavailable("redeliver all", &e),
            },
        }
    }
}
