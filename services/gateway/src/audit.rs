//! The audit trail: one `AUDIT` line per owner action (who, what, outcome),
//! at warn under the target `alphaguard::audit`, so an operator can route
//! it apart (`RUST_LOG=alphaguard::audit=warn`) and alert on it.

use alphaguard_auth::Identity;

use crate::app::Ctx;

/// The log target of every audit line.
pub const TARGET: &str = "alphaguard::audit";

/// Writes the audit line of an owner action: `action` is the route's label
/// (`admin_clear_cache`, `admin_drive_sync`, ...), `outcome` a short word
/// (`refused`, `cleared`, `started`, `busy`, ...), `detail` a static reason
/// where there is one.
pub(crate) fn owner_action(
    ctx: &Ctx,
    who: Option<&Identity>,
    action: &'static str,
    outcome: &'static str,
    detail: Option<&'static str>,
) {
    ctx.mark_audited();
    tracing::warn!(
        target: TARGET,
        request_id = ctx.id(),
        client = ctx.client_text.as_str(),
        user = who.and_then(|w| w.subject.as_deref()),
        discord_id = who.and_then(|w| w.discord_id),
        method = who.map(|w| w.method.as_str()),
        action,
        outcome,
        detail,
        "AUDIT"
    );
}
