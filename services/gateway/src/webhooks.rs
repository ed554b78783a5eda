//! The service's webhooks: names, secrets' variables, schemes. Service
//! data, so it lives here and not in `alphaguard-webhook-hmac`; a new
//! webhook is one row.

use alphaguard_webhook_hmac::{Accept, WebhookSpec};

/// The six webhooks of DESIGN.md. `supabase-auth` accepts only Standard
/// Webhooks, which is what Supabase Auth hooks send, so nobody can
/// downgrade it to the replayable plain scheme; the others accept either
/// (Supabase Database Webhooks are signed by the project's trigger into
/// `X-Signature-256`).
pub const WEBHOOKS: [WebhookSpec; 6] = [
    WebhookSpec {
        name: "supabase-auth",
        env_var: "SUPABASE_WEBHOOK_SECRET",
        accept: Accept::Standard,
    },
    WebhookSpec {
        name: "gdpr-erasure",
        env_var: "SUPABASE_WEBHOOK_SECRET",
        accept: Accept::Either,
    },
    WebhookSpec {
        name: "premium-invalidate",
        env_var: "PREMIUM_INVALIDATE_WEBHOOK_SECRET",
        accept: Accept::Either,
    },
    WebhookSpec {
        name: "reflections",
        env_var: "APP_REFLECTIONS_WEBHOOK_SECRET",
        accept: Accept::Either,
    },
    WebhookSpec {
        name: "founder",
        env_var: "FOUNDER_WEBHOOK_SECRET",
        accept: Accept::Either,
    },
    WebhookSpec {
        name: "legal-update",
        env_var: "LEGAL_UPDATE_WEBHOOK_SECRET",
        accept: Accept::Either,
    },
];

/// The position of webhook `name` in [`WEBHOOKS`].
pub fn position(name: &str) -> Option<usize> {
    WEBHOOKS.iter().position(|w| w.name == name)
}
