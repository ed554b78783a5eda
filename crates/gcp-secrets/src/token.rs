//! Access tokens for Secret Manager: Application Default Credentials.

use std::fmt;
use std::time::Duration;

use yup_oauth2::authenticator::{ApplicationDefaultCredentialsTypes, DefaultAuthenticator};
use yup_oauth2::{
    ApplicationDefaultCredentialsAuthenticator, ApplicationDefaultCredentialsFlowOpts,
    ServiceAccountAuthenticator, ServiceAccountKey,
};

use crate::Error;

/// The scope Secret Manager access needs.
pub const CLOUD_PLATFORM_SCOPE: &str = "https://www.googleapis.com/auth/cloud-platform";

/// Where access tokens come from: a service-account key (from
/// `GOOGLE_APPLICATION_CREDENTIALS`) or the GCE/Cloud Run metadata server,
/// as Google's Application Default Credentials do. Tokens are cached and
/// refreshed by yup-oauth2; clones share them.
#[derive(Clone)]
pub struct TokenSource {
    auth: DefaultAuthenticator,
    method: &'static str,
}

impl fmt::Debug for TokenSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenSource")
            .field("method", &self.method)
            .finish_non_exhaustive()
    }
}

impl TokenSource {
    /// From a service-account key.
    pub async fn service_account(key: ServiceAccountKey, timeout: Duration) -> Result<Self, Error> {
        let auth = ServiceAccountAuthenticator::builder(key)
            .with_timeout(timeout)
            .build()
            .await
            .map_err(|e| Error::Auth(format!("service-account authenticator: {e}")))?;
        Ok(Self {
            auth,
            method: "service-account key",
        })
    }

    /// From a service-account key file.
    pub async fn key_file(path: &str, timeout: Duration) -> Result<Self, Error> {
        let key = yup_oauth2::read_service_account_key(path)
            .await
            .map_err(|e| {
                Error::InvalidCredentials(format!("GOOGLE_APPLICATION_CREDENTIALS: {e}"))
            })?;
        Self::service_account(key, timeout).await
    }

    /// From the metadata server at `host` (`metadata.google.internal`).
    pub async fn metadata_server(host: &str, timeout: Duration) -> Result<Self, Error> {
        let opts = ApplicationDefaultCredentialsFlowOpts {
            metadata_url: Some(format!(
                "http://{host}/computeMetadata/v1/instance/service-accounts/default/token"
            )),
        };
        let auth = match ApplicationDefaultCredentialsAuthenticator::builder(opts).await {
            ApplicationDefaultCredentialsTypes::InstanceMetadata(builder) => {
                builder.with_timeout(timeout).build().await
            }
            ApplicationDefaultCredentialsTypes::ServiceAccount(builder) => {
                builder.with_timeout(timeout).build().await
            }
        }
        .map_err(|e| Error::Auth(format!("metadata-server authenticator: {e}")))?;
        Ok(Self {
            auth,
            method: "metadata server",
        })
    }

    /// How tokens are obtained, for logs.
    pub fn method(&self) -> &'static str {
        self.method
    }

    /// A token for the `cloud-platform` scope.
    pub async fn token(&self) -> Result<String, Error> {
        let token = self
            .auth
            .token(&[CLOUD_PLATFORM_SCOPE])
            .await
            .map_err(|e| Error::Auth(e.to_string()))?;
        token
            .token()
            .map(str::to_owned)
            .ok_or_else(|| Error::Auth("empty token".to_owned()))
    }
}
