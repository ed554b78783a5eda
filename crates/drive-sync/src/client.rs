//! The Drive client: google-drive3 over yup-oauth2, drive.readonly only,
//! every call paced.

use std::fmt;
use std::future::Future;
use std::sync::atomic::{AtomicU32, Ordering};

use backon::Retryable as _;

use google_drive3::DriveHub;
use google_drive3::api::File;
use google_drive3::hyper_rustls::HttpsConnector;
use google_drive3::hyper_util::client::legacy::Client;
use google_drive3::hyper_util::client::legacy::connect::HttpConnector;
use google_drive3::hyper_util::rt::TokioExecutor;
use google_drive3::yup_oauth2::{ServiceAccountAuthenticator, ServiceAccountKey};
use http_body_util::BodyExt as _;
use md5::Digest as _;
use tokio::io::AsyncWriteExt as _;

use crate::SyncError;
use crate::pacer::{Pacer, Verdict, classify};

/// The one scope every call asks for.
pub const DRIVE_READONLY_SCOPE: &str = "https://www.googleapis.com/auth/drive.readonly";

/// What every Drive call asks for: [`DRIVE_READONLY_SCOPE`] and nothing
/// else.
const SCOPES: [&str; 1] = [DRIVE_READONLY_SCOPE];

/// The fields asked for on every file.
const FILE_FIELDS: &str = "id,name,mimeType,md5Checksum,size,modifiedTime,trashed,parents";

/// A Drive file, as the mirror needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteFile {
    /// The file id.
    pub id: String,
    /// Its (untrusted) name.
    pub name: String,
    /// Its MIME type.
    pub mime_type: String,
    /// `md5Checksum`, lower-case hex (binary files only).
    pub md5: Option<String>,
    /// `size` in bytes.
    pub size: Option<u64>,
    /// In the trash.
    pub trashed: bool,
    /// Parent folder ids.
    pub parents: Vec<String>,
}

impl RemoteFile {
    fn from_api(file: File) -> Option<Self> {
        Some(Self {
            id: file.id?,
            name: file.name.unwrap_or_default(),
            mime_type: file.mime_type.unwrap_or_default(),
            md5: file.md5_checksum.map(|m| m.to_ascii_lowercase()),
            size: file.size.and_then(|s| u64::try_from(s).ok()),
            trashed: file.trashed.unwrap_or(false),
            parents: file.parents.unwrap_or_default(),
        })
    }
}

/// One entry of the changes feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteChange {
    /// The file id.
    pub file_id: String,
    /// The file, unless it was removed for good (or is no longer visible).
    pub file: Option<RemoteFile>,
}

type Connector = HttpsConnector<HttpConnector>;

/// A read-only Drive client. Every call asks for exactly
/// `https://www.googleapis.com/auth/drive.readonly` (google-drive3 would
/// otherwise ask for `drive.meet.readonly` on `files.list` and
/// `files.get`), is bounded by a timeout, and is retried by the [`Pacer`]
/// on rate limits, 429, 5xx and network errors; exhausted quotas and other
/// refusals stop at once. google-drive3 itself never retries.
pub struct DriveClient {
    hub: DriveHub<Connector>,
    pacer: Pacer,
    /// Set when [`DriveClient::with_root_url`] was given a root that fails
    /// the https-or-loopback rule: every call then fails with this.
    refused_root: Option<String>,
}

impl fmt::Debug for DriveClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DriveClient")
            .field("pacer", &self.pacer)
            .field("refused_root", &self.refused_root.is_some())
            .finish_non_exhaustive()
    }
}

/// Whether `root` may receive Drive calls (and so bearer tokens):
/// `https://`, or `http://` to a loopback address only — the rule
/// `SECRET_MANAGER_ENDPOINT` follows ([`alphaguard_config::is_https_or_loopback_http`]).
pub fn is_allowed_api_root(root: &str) -> bool {
    alphaguard_config::is_https_or_loopback_http(root.trim_end_matches('/'))
}

/// Why a root is refused (names the variable, never the value).
const REFUSED_ROOT: &str = "DRIVE_API_ROOT_URL must be https:// (http:// only to loopback): bearer tokens are never sent in clear";

/// The HTTPS connector every Google client here uses: rustls with the
/// aws-lc-rs provider (the only one compiled in) and the system's roots;
/// plain HTTP only for loopback tests.
fn connector() -> Result<Connector, SyncError> {
    Ok(google_drive3::hyper_rustls::HttpsConnectorBuilder::new()
        .with_native_roots()
        .map_err(|e| SyncError::Config(format!("TLS roots: {e}")))?
        .https_or_http()
        .enable_http1()
        .enable_http2()
        .build())
}

impl DriveClient {
    /// A client acting as the service account `key`, against Google.
    pub async fn new(key: ServiceAccountKey, pacer: Pacer) -> Result<Self, SyncError> {
        let auth = ServiceAccountAuthenticator::builder(key)
            .with_timeout(pacer.call_timeout)
            .build()
            .await
            .map_err(|e| SyncError::Auth(e.to_string()))?;
        let client = Client::builder(TokioExecutor::new()).build(connector()?);
        Ok(Self {
            hub: DriveHub::new(client, auth),
            pacer,
            refused_root: None,
        })
    }

    /// A client acting as the service account whose key `credentials`
    /// hold (Secret Manager or `GOOGLE_CREDENTIALS_JSON`).
    pub async fn from_credentials(
        credentials: &alphaguard_gcp_secrets::GoogleCredentials,
        pacer: Pacer,
    ) -> Result<Self, SyncError> {
        let key = credentials
            .service_account_key()
            .await
            .map_err(|e| SyncError::Auth(e.to_string()))?;
        Self::new(key, pacer).await
    }

    /// Sends every call to `root` (`https://www.googleapis.com/` by
    /// default) instead: `{root}drive/v3/...`.
    ///
    /// Fails closed: a root that is neither `https://` nor `http://` to a
    /// loopback address ([`is_allowed_api_root`]) is not used, and every
    /// call then fails with [`SyncError::Config`] before a token is asked
    /// for or sent. [`try_with_root_url`](Self::try_with_root_url) says so
    /// at once.
    #[must_use]
    pub fn with_root_url(mut self, root: &str) -> Self {
        if !is_allowed_api_root(root) {
            self.refused_root = Some(REFUSED_ROOT.to_owned());
            return self;
        }
        let root = format!("{}/", root.trim_end_matches('/'));
        self.hub.base_url(format!("{root}drive/v3/"));
        self.hub.root_url(root);
        self.refused_root = None;
        self
    }

    /// As [`with_root_url`](Self::with_root_url), refusing a root that
    /// fails the https-or-loopback rule with [`SyncError::Config`].
    pub fn try_with_root_url(self, root: &str) -> Result<Self, SyncError> {
        if is_allowed_api_root(root) {
            Ok(self.with_root_url(root))
        } else {
            Err(SyncError::Config(REFUSED_ROOT.to_owned()))
        }
    }

    /// The OAuth scopes every call asks for: exactly
    /// `["https://www.googleapis.com/auth/drive.readonly"]` (for
    /// `alphaguard doctor`; the calls use this same list).
    pub fn scopes() -> &'static [&'static str] {
        &SCOPES
    }

    /// The pacer.
    pub fn pacer(&self) -> &Pacer {
        &self.pacer
    }

    /// Runs `call` until it succeeds, stops, or the retries run out
    /// (backon, with the pacer's schedule).
    async fn paced<T, F, Fut>(&self, what: &str, call: F) -> Result<T, SyncError>
    where
        F: Fn() -> Fut,
        Fut: Future<Output = google_drive3::Result<T>>,
    {
        if let Some(why) = &self.refused_root {
            return Err(SyncError::Config(why.clone()));
        }
        let attempts = AtomicU32::new(0);
        (|| async {
            attempts.fetch_add(1, Ordering::Relaxed);
            match tokio::time::timeout(self.pacer.call_timeout, call()).await {
                Ok(Ok(value)) => Ok(value),
                Ok(Err(e)) => Err(verdict(&e)),
                Err(_) => Err(Verdict::Retry("timeout".to_owned())),
            }
        })
        .retry(self.pacer.delays())
        .when(|v| matches!(v, Verdict::Retry(_)))
        .notify(|v, delay| {
            if let Verdict::Retry(why) = v {
                tracing::warn!(call = what, attempt = attempts.load(Ordering::Relaxed), delay_ms = delay.as_millis() as u64, reason = %why, "Drive call retried");
            }
        })
        .await
        .map_err(|v| match v {
            Verdict::Stop(why) => SyncError::Api(format!("{what}: {why}")),
            Verdict::Retry(why) => SyncError::RetriesExhausted(format!(
                "{what}: {why} ({} attempts)",
                attempts.load(Ordering::Relaxed)
            )),
        })
    }

    /// Every live PDF directly in `folder`, `page_size` per page (at most
    /// 1000); returns the files and how many pages it took.
    pub async fn list_pdfs(
        &self,
        folder: &str,
        page_size: i32,
    ) -> Result<(Vec<RemoteFile>, usize), SyncError> {
        let query = format!(
            "'{}' in parents and mimeType='application/pdf' and trashed=false",
            folder.replace('\\', "\\\\").replace('\'', "\\'")
        );
        let fields = format!("nextPageToken,incompleteSearch,files({FILE_FIELDS})");
        let mut files = Vec::new();
        let mut token: Option<String> = None;
        let mut pages = 0;
        loop {
            let page = self
                .paced("files.list", || {
                    let mut call = self
                        .hub
                        .files()
                        .list()
                        .q(&query)
                        .page_size(page_size)
                        .supports_all_drives(true)
                        .include_items_from_all_drives(true)
                        .param("fields", &fields)
                        .add_scopes(SCOPES);
                    if let Some(t) = &token {
                        call = call.page_token(t);
                    }
                    call.doit()
                })
                .await?
                .1;
            pages += 1;
            files.extend(
                page.files
                    .unwrap_or_default()
                    .into_iter()
                    .filter_map(RemoteFile::from_api),
            );
            match page.next_page_token {
                Some(next) => token = Some(next),
                None => return Ok((files, pages)),
            }
        }
    }

    /// The changes feed's current position.
    pub async fn start_page_token(&self) -> Result<String, SyncError> {
        let answer = self
            .paced("changes.getStartPageToken", || {
                self.hub
                    .changes()
                    .get_start_page_token()
                    .supports_all_drives(true)
                    .add_scopes(SCOPES)
                    .doit()
            })
            .await?
            .1;
        answer
            .start_page_token
            .ok_or_else(|| SyncError::Api("changes.getStartPageToken: no token".to_owned()))
    }

    /// Every change since `token`; returns them, the token to continue
    /// from next time, and how many pages it took.
    pub async fn changes_since(
        &self,
        token: &str,
        page_size: i32,
    ) -> Result<(Vec<RemoteChange>, String, usize), SyncError> {
        let fields =
            format!("nextPageToken,newStartPageToken,changes(fileId,removed,file({FILE_FIELDS}))");
        let mut token = token.to_owned();
        let mut changes = Vec::new();
        let mut pages = 0;
        loop {
            let page = self
                .paced("changes.list", || {
                    self.hub
                        .changes()
                        .list(&token)
                        .page_size(page_size)
                        .supports_all_drives(true)
                        .include_items_from_all_drives(true)
                        .include_removed(true)
                        .param("fields", &fields)
                        .add_scopes(SCOPES)
                        .doit()
                })
                .await?
                .1;
            pages += 1;
            for change in page.changes.unwrap_or_default() {
                let Some(file_id) = change.file_id else {
                    continue;
                };
                let file = if change.removed.unwrap_or(false) {
                    None
                } else {
                    change.file.and_then(RemoteFile::from_api)
                };
                changes.push(RemoteChange { file_id, file });
            }
            match (page.next_page_token, page.new_start_page_token) {
                (Some(next), _) => token = next,
                (None, Some(new_start)) => return Ok((changes, new_start, pages)),
                (None, None) => {
                    return Err(SyncError::Api(
                        "changes.list: no continuation token".to_owned(),
                    ));
                }
            }
        }
    }

    /// Streams file `id`'s content into `out`, hashing as it goes; returns
    /// the byte count and the md5 (lower-case hex). Each chunk must arrive
    /// within the call timeout. `on_bytes` sees every chunk's length.
    /// More than `limit` bytes stops the transfer with
    /// [`SyncError::TooLarge`] before the excess is written.
    pub async fn download(
        &self,
        id: &str,
        out: &mut tokio::fs::File,
        limit: u64,
        on_bytes: &(dyn Fn(u64) + Send + Sync),
    ) -> Result<(u64, String), SyncError> {
        let (response, _) = self
            .paced("files.get", || {
                self.hub
                    .files()
                    .get(id)
                    .param("alt", "media")
                    .supports_all_drives(true)
                    .add_scopes(SCOPES)
                    .doit()
            })
            .await?;
        let mut body = response.into_body();
        let mut hasher = md5::Md5::new();
        let mut total = 0u64;
        loop {
            let frame = match tokio::time::timeout(self.pacer.call_timeout, body.frame()).await {
                Err(_) => return Err(SyncError::Transient("download stalled".to_owned())),
                Ok(None) => break,
                Ok(Some(Err(e))) => return Err(SyncError::Transient(format!("download: {e}"))),
                Ok(Some(Ok(frame))) => frame,
            };
            if let Ok(data) = frame.into_data() {
                if total.saturating_add(data.len() as u64) > limit {
                    return Err(SyncError::TooLarge(format!(
                        "more than {limit} bytes arrived"
                    )));
                }
                hasher.update(&data);
                out.write_all(&data).await.map_err(SyncError::Io)?;
                total += data.len() as u64;
                on_bytes(data.len() as u64);
            }
        }
        out.flush().await.map_err(SyncError::Io)?;
        Ok((total, hex::encode(hasher.finalize())))
    }
}

/// What to do about a google-drive3 error.
fn verdict(error: &google_drive3::Error) -> Verdict {
    use google_drive3::Error as E;
    match error {
        E::BadRequest(body) => {
            let status = body
                .pointer("/error/code")
                .and_then(serde_json::Value::as_u64)
                .and_then(|c| u16::try_from(c).ok())
                .unwrap_or(400);
            classify(status, Some(body))
        }
        E::Failure(response) => classify(response.status().as_u16(), None),
        E::HttpError(_) | E::Io(_) => Verdict::Retry("network error".to_owned()),
        E::MissingToken(e) => Verdict::Stop(format!("no access token: {e}")),
        other => Verdict::Stop(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scope_is_drive_readonly_only() {
        use google_drive3::api::Scope;
        assert_eq!(DriveClient::scopes(), [DRIVE_READONLY_SCOPE]);
        assert_eq!(Scope::Readonly.as_ref(), DRIVE_READONLY_SCOPE);
    }

    #[test]
    fn api_roots() {
        for (root, ok) in [
            ("https://www.googleapis.com/", true),
            ("https://proxy.example/google", true),
            ("http://127.0.0.1:8080/", true),
            ("http://localhost:8080", true),
            ("http://[::1]:8080", true),
            ("http://www.googleapis.com/", false),
            ("http://10.0.0.5:8080", false),
            ("http://127.0.0.1.evil.example/", false),
            ("ftp://127.0.0.1/", false),
            ("www.googleapis.com", false),
        ] {
            assert_eq!(is_allowed_api_root(root), ok, "{root}");
        }
    }
}
