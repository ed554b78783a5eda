//! A service's webhooks, their secrets and how each is verified. The
//! service owns the list ([`WebhookSpec`]s); this module builds verifiers
//! for it.

use std::sync::Arc;
use std::time::Duration;

use alphaguard_config::ConfigErrors;
use http::HeaderMap;

use crate::clock::{Clock, SystemClock};
use crate::{Accept, Error, Secret, Verified, Verifier};

/// One webhook: its route name, the variable holding its secret, and which
/// schemes it accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WebhookSpec {
    /// The name in `POST /webhooks/{name}`.
    pub name: &'static str,
    /// The environment variable holding its secret.
    pub env_var: &'static str,
    /// The signature schemes it accepts.
    pub accept: Accept,
}

/// What [`Webhook::verify`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Outcome {
    /// The signature is good.
    Verified(Verified),
    /// The webhook has no secret, so nothing was checked (development only:
    /// strict production mode refuses to start this way).
    Unconfigured,
}

/// A webhook of a [`Registry`], ready to verify requests.
#[derive(Debug)]
pub struct Webhook {
    spec: WebhookSpec,
    verifier: Option<Verifier>,
}

impl Webhook {
    /// Its name.
    pub fn name(&self) -> &'static str {
        self.spec.name
    }

    /// Its spec.
    pub fn spec(&self) -> &WebhookSpec {
        &self.spec
    }

    /// Whether a secret is set.
    pub fn is_configured(&self) -> bool {
        self.verifier.is_some()
    }

    /// The verifier, when a secret is set.
    pub fn verifier(&self) -> Option<&Verifier> {
        self.verifier.as_ref()
    }

    /// Verifies a request, or skips with a debug log when no secret is set.
    pub fn verify(&self, headers: &HeaderMap, body: &[u8]) -> Result<Outcome, Error> {
        match &self.verifier {
            Some(verifier) => verifier.verify(headers, body).map(Outcome::Verified),
            None => {
                tracing::debug!(
                    webhook = self.spec.name,
                    var = self.spec.env_var,
                    "webhook secret not configured; signature not checked"
                );
                Ok(Outcome::Unconfigured)
            }
        }
    }
}

/// The set of webhooks a service accepts.
///
/// ```
/// use alphaguard_webhook_hmac::{Accept, Registry, WebhookSpec};
///
/// const HOOKS: [WebhookSpec; 3] = [
///     WebhookSpec { name: "auth", env_var: "AUTH_WEBHOOK_SECRET", accept: Accept::Standard },
///     WebhookSpec { name: "erasure", env_var: "AUTH_WEBHOOK_SECRET", accept: Accept::Either },
///     WebhookSpec { name: "billing", env_var: "BILLING_WEBHOOK_SECRET", accept: Accept::Either },
/// ];
/// let registry = Registry::from_lookup(&HOOKS, |var| match var {
///     "AUTH_WEBHOOK_SECRET" => Some("v1,whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD".into()),
///     _ => None,
/// })
/// .unwrap();
/// assert!(registry.get("auth").unwrap().is_configured());
/// assert!(!registry.get("billing").unwrap().is_configured());
/// assert!(registry.get("nope").is_none());
/// assert_eq!(registry.missing_secrets(), ["BILLING_WEBHOOK_SECRET"]);
/// assert_eq!(registry.position("billing"), Some(2));
/// ```
#[derive(Debug)]
pub struct Registry {
    hooks: Vec<Webhook>,
}

/// How a [`Registry`] builds its verifiers.
#[derive(Debug, Clone)]
pub struct RegistryOptions {
    /// The Standard Webhooks timestamp tolerance.
    pub tolerance: Duration,
    /// The clock every verifier reads.
    pub clock: Arc<dyn Clock>,
}

impl Default for RegistryOptions {
    fn default() -> Self {
        Self {
            tolerance: crate::standard::DEFAULT_TOLERANCE,
            clock: Arc::new(SystemClock),
        }
    }
}

impl Registry {
    /// `specs` with secrets from the process environment.
    pub fn from_env(specs: &[WebhookSpec]) -> Result<Self, ConfigErrors> {
        Self::from_lookup(specs, |var| std::env::var(var).ok())
    }

    /// `specs` with secrets from `lookup`, default options.
    pub fn from_lookup(
        specs: &[WebhookSpec],
        lookup: impl FnMut(&str) -> Option<String>,
    ) -> Result<Self, ConfigErrors> {
        Self::build(specs, lookup, RegistryOptions::default())
    }

    /// Any set of webhooks, with secrets from `lookup`.
    ///
    /// An unset variable leaves its webhooks unconfigured; a set one that
    /// does not parse is an error. Every error is collected, each variable
    /// once, before returning.
    pub fn build(
        specs: &[WebhookSpec],
        mut lookup: impl FnMut(&str) -> Option<String>,
        options: RegistryOptions,
    ) -> Result<Self, ConfigErrors> {
        let mut errors = ConfigErrors::default();
        let mut hooks = Vec::with_capacity(specs.len());
        for spec in specs {
            let verifier = match lookup(spec.env_var) {
                None => None,
                Some(value) => match Secret::parse(&value) {
                    Ok(secret) => Some(
                        Verifier::new(secret)
                            .accept(spec.accept)
                            .tolerance(options.tolerance)
                            .clock(Arc::clone(&options.clock)),
                    ),
                    Err(e) => {
                        if !errors.mentions(spec.env_var) {
                            errors.push(spec.env_var, e.to_string());
                        }
                        None
                    }
                },
            };
            hooks.push(Webhook {
                spec: *spec,
                verifier,
            });
        }
        errors.into_result(Self { hooks })
    }

    /// The webhook called `name`.
    pub fn get(&self, name: &str) -> Option<&Webhook> {
        self.hooks.iter().find(|h| h.spec.name == name)
    }

    /// The position of the webhook called `name` in the specs given.
    pub fn position(&self, name: &str) -> Option<usize> {
        self.hooks.iter().position(|h| h.spec.name == name)
    }

    /// The webhook at `index` in the specs given.
    pub fn at(&self, index: usize) -> Option<&Webhook> {
        self.hooks.get(index)
    }

    /// How many webhooks there are.
    pub fn len(&self) -> usize {
        self.hooks.len()
    }

    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.hooks.is_empty()
    }

    /// Every webhook, in the order given.
    pub fn iter(&self) -> impl Iterator<Item = &Webhook> {
        self.hooks.iter()
    }

    /// The webhooks without a secret.
    pub fn unconfigured(&self) -> impl Iterator<Item = &WebhookSpec> {
        self.hooks
            .iter()
            .filter(|h| !h.is_configured())
            .map(|h| &h.spec)
    }

    /// The variables that are unset, each once: what strict production mode
    /// reports before refusing to start.
    pub fn missing_secrets(&self) -> Vec<&'static str> {
        let mut vars: Vec<&'static str> = Vec::new();
        for spec in self.unconfigured() {
            if !vars.contains(&spec.env_var) {
                vars.push(spec.env_var);
            }
        }
        vars
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A service's list, as a service writes it.
    const HOOKS: [WebhookSpec; 6] = [
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

    #[test]
    fn reports_every_bad_variable_once_without_its_value() {
        let err = Registry::from_lookup(&HOOKS, |var| match var {
            "SUPABASE_WEBHOOK_SECRET" => Some("whsec_%%%secretvalue%%%".into()),
            "FOUNDER_WEBHOOK_SECRET" => Some("tiny".into()),
            "LEGAL_UPDATE_WEBHOOK_SECRET" => Some(String::new()),
            _ => None,
        })
        .unwrap_err();
        let vars: Vec<_> = err.0.iter().map(|e| e.var).collect();
        assert_eq!(
            vars,
            [
                "SUPABASE_WEBHOOK_SECRET",
                "FOUNDER_WEBHOOK_SECRET",
                "LEGAL_UPDATE_WEBHOOK_SECRET"
            ]
        );
        let text = err.to_string();
        assert!(
            !text.contains("secretvalue") && !text.contains("tiny"),
            "{text}"
        );
        assert!(text.contains("FOUNDER_WEBHOOK_SECRET: secret is shorter than 16 bytes"));
    }

    #[test]
    fn unset_means_unconfigured_and_verify_skips() {
        let registry = Registry::from_lookup(&HOOKS, |_| None).unwrap();
        assert_eq!(registry.unconfigured().count(), 6);
        assert_eq!(registry.missing_secrets().len(), 5);
        let hook = registry.get("founder").unwrap();
        assert_eq!(
            hook.verify(&HeaderMap::new(), b"{}"),
            Ok(Outcome::Unconfigured)
        );
    }

    #[test]
    fn supabase_auth_refuses_the_plain_scheme() {
        let secret = "v1,whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
        let registry = Registry::from_lookup(&HOOKS, |var| {
            (var == "SUPABASE_WEBHOOK_SECRET").then(|| secret.to_owned())
        })
        .unwrap();
        let headers = crate::plain::sign_headers(&Secret::parse(secret).unwrap(), b"{}").unwrap();
        assert_eq!(
            registry
                .get("supabase-auth")
                .unwrap()
                .verify(&headers, b"{}"),
            Err(Error::MissingHeader("webhook-id"))
        );
        assert!(matches!(
            registry
                .get("gdpr-erasure")
                .unwrap()
                .verify(&headers, b"{}"),
            Ok(Outcome::Verified(_))
        ));
    }
}
