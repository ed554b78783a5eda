//! The Drive client: google-drive3 over yup-oauth2, drive.readonly only,
//! every call paced.

use std::fmt;
use std::future::Future;

use google_drive3::DriveHub;
use google_drive3::api::{File, Scope};
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
}

impl fmt::Debug for DriveClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DriveClient")
            .field("pacer", &self.pacer)
            .finish_non_exhaustive()
    }
}

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
    #[must_use]
    pub fn with_root_url(mut self, root: &str) -> Self {
        let root = format!("{}/", root.trim_end_matches('/'));
        self.hub.base_url(format!("{root}drive/v3/"));
        self.hub.root_url(root);
        self
    }

    /// The pacer.
    pub fn pacer(&self) -> &Pacer {
        &self.pacer
    }

    /// Runs `call` until it succeeds, stops, or the retries run out.
    async fn paced<T, F, Fut>(&self, what: &str, call: F) -> Result<T, SyncError>
    where
        F: Fn() -> Fut,
        Fut: Future<Output = google_drive3::Result<T>>,
    {
        let mut attempt = 0;
        loop {
            let verdict = match tokio::time::timeout(self.pacer.call_timeout, call()).await {
                Ok(Ok(value)) => return Ok(value),
                Ok(Err(e)) => verdict(&e),
                Err(_) => Verdict::Retry("timeout".to_owned()),
            };
            match verdict {
                Verdict::Stop(why) => return Err(SyncError::Api(format!("{what}: {why}"))),
                Verdict::Retry(why) if attempt >= self.pacer.retries => {
                    return Err(SyncError::RetriesExhausted(format!(
                        "{what}: {why} ({} attempts)",
                        attempt + 1
                    )));
                }
                Verdict::Retry(why) => {
                    let delay = self.pacer.delay(attempt);
                    tracing::warn!(call = what, attempt = attempt + 1, delay_ms = delay.as_millis() as u64, reason = %why, "Drive call retried");
                    tokio::time::sleep(delay).await;
                    attempt += 1;
                }
            }
        }
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
                        .add_scope(Scope::Readonly);
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
                    .add_scope(Scope::Readonly)
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
                        .add_scope(Scope::Readonly)
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
    pub async fn download(
        &self,
        id: &str,
        out: &mut tokio::fs::File,
        on_bytes: &(dyn Fn(u64) + Send + Sync),
    ) -> Result<(u64, String), SyncError> {
        let (response, _) = self
            .paced("files.get", || {
                self.hub
                    .files()
                    .get(id)
                    .param("alt", "media")
                    .supports_all_drives(true)
                    .add_scope(Scope::Readonly)
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
