use std::collections::{BTreeMap, HashMap};
use std::convert::Infallible;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;

use base64::Engine as _;
use bytes::Bytes;
use http::{Method, Request, Response, StatusCode};
use http_body_util::{BodyExt as _, Full};
use hyper::body::{Frame, Incoming};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::{Value, json};
use tokio::net::TcpListener;

use crate::supabase::{RSA_TEST_KEY, pem_body};
use crate::unix_now;

/// The test key's public half, as a verifier wants it.
fn rsa_test_decoding_key() -> Option<DecodingKey> {
    let private = jsonwebtoken::EncodingKey::from_rsa_der(&pem_body(RSA_TEST_KEY));
    let jwk = jsonwebtoken::jwk::Jwk::from_encoding_key(&private, Algorithm::RS256).ok()?;
    DecodingKey::from_jwk(&jwk).ok()
}

/// What the fake answers instead of the real thing, for the next requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GoogleFault {
    /// 429 with Google's `RESOURCE_EXHAUSTED` / `rateLimitExceeded` body.
    TooManyRequests,
    /// 503 with `UNAVAILABLE` / `backendError`.
    Unavailable,
    /// 403 `userRateLimitExceeded` (Drive's retryable 403).
    UserRateLimit,
    /// 403 `dailyLimitExceeded` (quota gone: not retryable).
    DailyLimit,
    /// Accept the request and never answer.
    Hang,
}

/// The content of a fake Drive file: bytes, or a generated pattern of any
/// length streamed in chunks (so a 200 MiB file costs no memory).
#[derive(Debug, Clone)]
pub enum FileContent {
    /// These bytes.
    Bytes(Bytes),
    /// `len` bytes of a pattern derived from `seed`.
    Pattern {
        /// Length in bytes.
        len: u64,
        /// Pattern seed.
        seed: u8,
    },
}

const CHUNK: usize = 64 * 1024;

fn pattern_chunk(seed: u8, offset: u64, len: usize) -> Vec<u8> {
    (0..len)
        .map(|i| {
            let pos = offset + i as u64;
            (pos as u8).wrapping_mul(31).wrapping_add(seed) ^ ((pos >> 12) as u8)
        })
        .collect()
}

impl FileContent {
    fn len(&self) -> u64 {
        match self {
            Self::Bytes(b) => b.len() as u64,
            Self::Pattern { len, .. } => *len,
        }
    }

    fn md5_hex(&self) -> String {
        use md5::Digest as _;
        let mut hasher = md5::Md5::new();
        match self {
            Self::Bytes(b) => hasher.update(b),
            Self::Pattern { len, seed } => {
                let mut offset = 0;
                while offset < *len {
                    let n = (*len - offset).min(CHUNK as u64) as usize;
                    hasher.update(pattern_chunk(*seed, offset, n));
                    offset += n as u64;
                }
            }
        }
        hex::encode(hasher.finalize())
    }
}

/// A response body streaming a [`FileContent`] in 64 KiB chunks.
struct ContentBody {
    content: FileContent,
    offset: u64,
    corrupt: bool,
}

impl http_body::Body for ContentBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        let len = self.content.len();
        if self.offset >= len {
            return Poll::Ready(None);
        }
        let n = (len - self.offset).min(CHUNK as u64) as usize;
        let offset = self.offset;
        let mut chunk = match &self.content {
            FileContent::Bytes(b) => b.slice(offset as usize..offset as usize + n).to_vec(),
            FileContent::Pattern { seed, .. } => pattern_chunk(*seed, offset, n),
        };
        if self.corrupt && offset == 0 {
            chunk[0] ^= 0xff;
        }
        self.offset += n as u64;
        Poll::Ready(Some(Ok(Frame::data(Bytes::from(chunk)))))
    }

    fn size_hint(&self) -> http_body::SizeHint {
        http_body::SizeHint::with_exact(self.content.len() - self.offset)
    }
}

#[derive(Debug, Clone)]
struct DriveFile {
    name: String,
    mime: String,
    parents: Vec<String>,
    content: FileContent,
    md5: String,
    trashed: bool,
    modified: u64,
}

#[derive(Debug, Clone)]
struct Change {
    file_id: String,
    removed: bool,
}

/// A secret version's data and, to fake corruption, a CRC32C to claim.
type SecretVersion = (Vec<u8>, Option<String>);

#[derive(Debug, Default)]
struct State {
    tokens: Vec<String>,
    scopes: Vec<String>,
    secrets: HashMap<(String, String), Vec<SecretVersion>>,
    denied: Vec<(String, String)>,
    files: BTreeMap<String, DriveFile>,
    changes: Vec<Change>,
    faults: Vec<GoogleFault>,
    corrupt: Vec<String>,
    listed_sizes: HashMap<String, u64>,
    keys: HashMap<(String, String), ServiceAccountKeyRecord>,
    keys_denied: bool,
    next_id: usize,
}

/// A service-account key as the IAM API records it.
#[derive(Debug, Clone)]
struct ServiceAccountKeyRecord {
    valid_after: u64,
    valid_before: u64,
    disabled: bool,
}

type GoogleBody = http_body_util::combinators::UnsyncBoxBody<Bytes, Infallible>;

/// A loopback Google: the OAuth token endpoint (JWT-bearer grant, the RS256
/// assertion verified against the test key, the requested scope recorded),
/// the GCE metadata token endpoint, Secret Manager `versions/…:access`,
/// IAM `projects/{p}/serviceAccounts/{email}/keys/{id}`, and Drive v3
/// `files.list`, `files/{id}?alt=media`, `changes/startPageToken` and
/// `changes` — Google's paths, JSON shapes (sizes as strings, RFC 3339
/// times) and error bodies. It can answer 429/503/403, hang, hold its
/// answers until released, list a size that is not the content's, or
/// serve content whose md5 does not match.
#[derive(Clone)]
pub struct FakeGoogle {
    addr: SocketAddr,
    state: Arc<Mutex<State>>,
    hits: Arc<Mutex<HashMap<&'static str, usize>>>,
    requests: Arc<AtomicUsize>,
    hold: Arc<tokio::sync::watch::Sender<bool>>,
    held: Arc<AtomicUsize>,
}

impl std::fmt::Debug for FakeGoogle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeGoogle")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

/// The service account the fake knows (its key is the test RSA key).
pub const FAKE_SERVICE_ACCOUNT: &str = "alphaguard-test@fake-project.iam.gserviceaccount.com";

fn rfc3339(secs: u64) -> String {
    // Civil date from days since the epoch (Howard Hinnant's algorithm).
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.000Z",
        rem / 3600,
        rem / 60 % 60,
        rem % 60
    )
}

/// RFC 3339 with whole seconds, as IAM writes `validAfterTime`.
fn rfc3339_seconds(secs: u64) -> String {
    rfc3339(secs).replace(".000Z", "Z")
}

fn google_error(
    status: StatusCode,
    code_name: &str,
    message: &str,
    reason: &str,
) -> (StatusCode, Value) {
    (
        status,
        json!({"error": {
            "code": status.as_u16(),
            "message": message,
            "errors": [{"message": message, "domain": "usageLimits", "reason": reason}],
            "status": code_name,
        }}),
    )
}

fn query_params(query: &str) -> HashMap<String, String> {
    url_decode_pairs(query)
}

fn url_decode_pairs(text: &str) -> HashMap<String, String> {
    text.split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect()
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match u8::from_str_radix(&text[i + 1..i + 3], 16) {
                Ok(b) => {
                    out.push(b);
                    i += 2;
                }
                Err(_) => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

impl FakeGoogle {
    /// Starts on a free loopback port.
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let fake = Self {
            addr: listener.local_addr().expect("local addr"),
            state: Arc::default(),
            hits: Arc::default(),
            requests: Arc::default(),
            hold: Arc::new(tokio::sync::watch::channel(false).0),
            held: Arc::default(),
        };
        crate::serve_http1(listener, fake.clone(), |server, request| async move {
            server.answer(request).await
        });
        fake
    }

    /// `http://127.0.0.1:{port}`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The OAuth token endpoint, for a key's `token_uri`.
    pub fn token_uri(&self) -> String {
        format!("{}/token", self.url())
    }

    /// A service-account key JSON whose `token_uri` is this fake.
    pub fn service_account_json(&self) -> String {
        json!({
            "type": "service_account",
            "project_id": "fake-project",
            "private_key_id": "0123456789abcdef0123456789abcdef01234567",
            "private_key": RSA_TEST_KEY,
            "client_email": FAKE_SERVICE_ACCOUNT,
            "client_id": "100000000000000000001",
            "auth_uri": "https://accounts.google.com/o/oauth2/auth",
            "token_uri": self.token_uri(),
            "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
            "client_x509_cert_url": "https://www.googleapis.com/robot/v1/metadata/x509/alphaguard-test%40fake-project.iam.gserviceaccount.com",
        })
        .to_string()
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The scopes every token request asked for, in order.
    pub fn token_scopes(&self) -> Vec<String> {
        self.lock().scopes.clone()
    }

    /// How many requests reached `route` (`token`, `metadata`, `access`,
    /// `iam.keys.get`, `files.list`, `files.get`, `startPageToken`,
    /// `changes`).
    pub fn hits(&self, route: &str) -> usize {
        self.hits
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(route)
            .copied()
            .unwrap_or(0)
    }

    /// Adds a version of secret `secret` in `project` (versions count from
    /// 1; `latest` is the newest).
    pub fn add_secret_version(&self, project: &str, secret: &str, data: &[u8]) {
        self.lock()
            .secrets
            .entry((project.to_owned(), secret.to_owned()))
            .or_default()
            .push((data.to_vec(), None));
    }

    /// Adds a version whose `dataCrc32c` is `crc` whatever the data.
    pub fn add_corrupt_secret_version(&self, project: &str, secret: &str, data: &[u8], crc: &str) {
        self.lock()
            .secrets
            .entry((project.to_owned(), secret.to_owned()))
            .or_default()
            .push((data.to_vec(), Some(crc.to_owned())));
    }

    /// Refuses access to `secret` with 403 `PERMISSION_DENIED`.
    pub fn deny_secret(&self, project: &str, secret: &str) {
        self.lock()
            .denied
            .push((project.to_owned(), secret.to_owned()));
    }

    /// Answers the next requests (any route but the token endpoint) with
    /// these faults, one each, in order.
    pub fn fail_next(&self, faults: &[GoogleFault]) {
        self.lock().faults.extend_from_slice(faults);
    }

    /// Adds a file to the fake Drive; returns its id.
    pub fn add_file(&self, parent: &str, name: &str, mime: &str, content: FileContent) -> String {
        let md5 = content.md5_hex();
        let mut state = self.lock();
        state.next_id += 1;
        let id = format!("1FakeDriveFile{:06}", state.next_id);
        state.files.insert(
            id.clone(),
            DriveFile {
                name: name.to_owned(),
                mime: mime.to_owned(),
                parents: vec![parent.to_owned()],
                content,
                md5,
                trashed: false,
                modified: unix_now(),
            },
        );
        state.changes.push(Change {
            file_id: id.clone(),
            removed: false,
        });
        id
    }

    /// Replaces a file's content (a new md5 and modified time).
    pub fn update_file(&self, id: &str, content: FileContent) {
        let md5 = content.md5_hex();
        let mut state = self.lock();
        if let Some(file) = state.files.get_mut(id) {
            file.content = content;
            file.md5 = md5;
            file.modified = unix_now();
        }
        state.changes.push(Change {
            file_id: id.to_owned(),
            removed: false,
        });
    }

    /// Moves a file to the trash.
    pub fn trash_file(&self, id: &str) {
        let mut state = self.lock();
        if let Some(file) = state.files.get_mut(id) {
            file.trashed = true;
        }
        state.changes.push(Change {
            file_id: id.to_owned(),
            removed: false,
        });
    }

    /// Deletes a file for good.
    pub fn delete_file(&self, id: &str) {
        let mut state = self.lock();
        state.files.remove(id);
        state.changes.push(Change {
            file_id: id.to_owned(),
            removed: true,
        });
    }

    /// Serves content whose md5 does not match `md5Checksum` for `id`.
    pub fn corrupt_downloads(&self, id: &str) {
        self.lock().corrupt.push(id.to_owned());
    }

    /// Lists `id` with `size` bytes while serving its real content (a file
    /// that grew between listing and download, or a lying server).
    pub fn list_size(&self, id: &str, size: u64) {
        self.lock().listed_sizes.insert(id.to_owned(), size);
    }

    /// Adds a key of service account `email` (`name@project.iam.gserviceaccount.com`)
    /// to IAM, created at `valid_after` (Unix seconds) and valid for ten
    /// years, as Google makes user-managed keys.
    pub fn add_service_account_key(&self, email: &str, key_id: &str, valid_after: u64) {
        self.lock().keys.insert(
            (email.to_owned(), key_id.to_owned()),
            ServiceAccountKeyRecord {
                valid_after,
                valid_before: valid_after + 10 * 365 * 86_400,
                disabled: false,
            },
        );
    }

    /// Marks a key disabled (IAM then sends `"disabled": true`).
    pub fn disable_service_account_key(&self, email: &str, key_id: &str) {
        if let Some(key) = self
            .lock()
            .keys
            .get_mut(&(email.to_owned(), key_id.to_owned()))
        {
            key.disabled = true;
        }
    }

    /// Refuses every IAM key read with 403 `PERMISSION_DENIED`, as for an
    /// identity without `iam.serviceAccountKeys.get`.
    pub fn deny_key_reads(&self) {
        self.lock().keys_denied = true;
    }

    /// From now on, every answer but the token endpoints' is computed and
    /// then held back until [`release_answers`](Self::release_answers): a
    /// response in flight, for races with what happens meanwhile.
    pub fn hold_answers(&self) {
        self.hold.send_replace(true);
    }

    /// Sends the held answers, and answers at once again.
    pub fn release_answers(&self) {
        self.hold.send_replace(false);
    }

    /// How many answers are being held now.
    pub fn held_answers(&self) -> usize {
        self.held.load(Ordering::SeqCst)
    }

    /// Serves `id` faithfully again.
    pub fn repair_downloads(&self, id: &str) {
        self.lock().corrupt.retain(|c| c != id);
    }

    fn hit(&self, route: &'static str) {
        *self
            .hits
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entry(route)
            .or_default() += 1;
    }

    fn json(status: StatusCode, value: &Value) -> Response<GoogleBody> {
        let mut response = Response::new(Full::new(Bytes::from(value.to_string())).boxed_unsync());
        *response.status_mut() = status;
        response.headers_mut().insert(
            http::header::CONTENT_TYPE,
            http::HeaderValue::from_static("application/json; charset=UTF-8"),
        );
        response
    }

    fn bearer_ok(&self, request: &Request<Incoming>) -> bool {
        let state = self.lock();
        request
            .headers()
            .get(http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .is_some_and(|t| state.tokens.iter().any(|k| k == t))
    }

    async fn answer(&self, request: Request<Incoming>) -> Response<GoogleBody> {
        let path = request.uri().path();
        let token_route = path == "/token"
            || path == "/computeMetadata/v1/instance/service-accounts/default/token";
        let response = self.route(request).await;
        if !token_route {
            let mut hold = self.hold.subscribe();
            if *hold.borrow_and_update() {
                self.held.fetch_add(1, Ordering::SeqCst);
                let _ = hold.wait_for(|held| !*held).await;
                self.held.fetch_sub(1, Ordering::SeqCst);
            }
        }
        response
    }

    async fn route(&self, request: Request<Incoming>) -> Response<GoogleBody> {
        self.requests.fetch_add(1, Ordering::SeqCst);
        let path = request.uri().path().to_owned();
        let query = query_params(request.uri().query().unwrap_or(""));
        let method = request.method().clone();

        if method == Method::POST && path == "/token" {
            self.hit("token");
            let form = request
                .into_body()
                .collect()
                .await
                .map(|c| c.to_bytes())
                .unwrap_or_default();
            let (status, body) = self.token(&String::from_utf8_lossy(&form));
            return Self::json(status, &body);
        }
        let fault = {
            let mut state = self.lock();
            if state.faults.is_empty() {
                None
            } else {
                Some(state.faults.remove(0))
            }
        };
        if let Some(fault) = fault {
            let (status, body) = match fault {
                GoogleFault::Hang => {
                    tokio::time::sleep(Duration::from_secs(3600)).await;
                    return Self::json(StatusCode::GATEWAY_TIMEOUT, &json!({}));
                }
                GoogleFault::TooManyRequests => google_error(
                    StatusCode::TOO_MANY_REQUESTS,
                    "RESOURCE_EXHAUSTED",
                    "Quota exceeded for quota metric 'Access requests'.",
                    "rateLimitExceeded",
                ),
                GoogleFault::Unavailable => google_error(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "UNAVAILABLE",
                    "The service is currently unavailable.",
                    "backendError",
                ),
                GoogleFault::UserRateLimit => google_error(
                    StatusCode::FORBIDDEN,
                    "PERMISSION_DENIED",
                    "User rate limit exceeded.",
                    "userRateLimitExceeded",
                ),
                GoogleFault::DailyLimit => google_error(
                    StatusCode::FORBIDDEN,
                    "PERMISSION_DENIED",
                    "Daily Limit Exceeded.",
                    "dailyLimitExceeded",
                ),
            };
            return Self::json(status, &body);
        }

        if path == "/computeMetadata/v1/instance/service-accounts/default/token" {
            self.hit("metadata");
            if request
                .headers()
                .get("metadata-flavor")
                .map(|v| v.as_bytes())
                != Some(b"Google")
            {
                return Self::json(
                    StatusCode::FORBIDDEN,
                    &json!({"error": "Missing Metadata-Flavor:Google header."}),
                );
            }
            let token = self.issue(query.get("scopes").cloned().unwrap_or_default());
            return Self::json(
                StatusCode::OK,
                &json!({"access_token": token, "expires_in": 3599, "token_type": "Bearer"}),
            );
        }
        if !self.bearer_ok(&request) {
            let (status, body) = google_error(
                StatusCode::UNAUTHORIZED,
                "UNAUTHENTICATED",
                "Request had invalid authentication credentials.",
                "authError",
            );
            return Self::json(status, &body);
        }
        if let Some(rest) = path.strip_prefix("/v1/projects/")
            && rest.contains("/serviceAccounts/")
        {
            self.hit("iam.keys.get");
            return self.key_get(rest);
        }
        if let Some(rest) = path.strip_prefix("/v1/projects/") {
            self.hit("access");
            return self.access(rest);
        }
        match path.as_str() {
            "/drive/v3/files" => {
                self.hit("files.list");
                self.files_list(&query)
            }
            "/drive/v3/changes/startPageToken" => {
                self.hit("startPageToken");
                let token = self.lock().changes.len() + 1;
                Self::json(
                    StatusCode::OK,
                    &json!({"kind": "drive#startPageToken", "startPageToken": token.to_string()}),
                )
            }
            "/drive/v3/changes" => {
                self.hit("changes");
                self.changes_list(&query)
            }
            p if p.starts_with("/drive/v3/files/") => {
                self.hit("files.get");
                let id = &p["/drive/v3/files/".len()..];
                self.file_get(id, &query)
            }
            _ => Self::json(
                StatusCode::NOT_FOUND,
                &json!({"error": {"code": 404, "message": "Not Found", "status": "NOT_FOUND"}}),
            ),
        }
    }

    fn issue(&self, scope: String) -> String {
        let mut state = self.lock();
        let token = format!("ya29.fake-{}", state.tokens.len() + 1);
        state.tokens.push(token.clone());
        state.scopes.push(scope);
        token
    }

    fn token(&self, form: &str) -> (StatusCode, Value) {
        let params = url_decode_pairs(form);
        let invalid = |desc: &str| {
            (
                StatusCode::BAD_REQUEST,
                json!({"error": "invalid_grant", "error_description": desc}),
            )
        };
        if params.get("grant_type").map(String::as_str)
            != Some("urn:ietf:params:oauth:grant-type:jwt-bearer")
        {
            return invalid("Invalid grant_type");
        }
        let Some(assertion) = params.get("assertion") else {
            return invalid("Missing assertion");
        };
        // yup-oauth2 pads its base64: strip it, JWS wants none.
        let assertion: String = assertion
            .split('.')
            .map(|p| p.trim_end_matches('='))
            .collect::<Vec<_>>()
            .join(".");
        let Some(key) = rsa_test_decoding_key() else {
            return invalid("test key");
        };
        let mut validation = Validation::new(Algorithm::RS256);
        validation.set_audience(&[self.token_uri()]);
        validation.set_issuer(&[FAKE_SERVICE_ACCOUNT]);
        validation.set_required_spec_claims(&["exp", "iss", "aud"]);
        match jsonwebtoken::decode::<Value>(&assertion, &key, &validation) {
            Ok(data) => {
                let scope = data
                    .claims
                    .get("scope")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_owned();
                if data
                    .claims
                    .get("iat")
                    .and_then(Value::as_u64)
                    .is_none_or(|iat| iat > unix_now() + 60)
                {
                    return invalid("Invalid JWT: iat");
                }
                let token = self.issue(scope);
                (
                    StatusCode::OK,
                    json!({"access_token": token, "expires_in": 3599, "token_type": "Bearer"}),
                )
            }
            Err(_) => invalid("Invalid JWT Signature."),
        }
    }

    fn access(&self, rest: &str) -> Response<GoogleBody> {
        // {project}/secrets/{secret}/versions/{version}:access
        let parts: Vec<&str> = rest.split('/').collect();
        let parsed = match parts.as_slice() {
            [project, "secrets", secret, "versions", version] => version
                .strip_suffix(":access")
                .map(|v| ((*project).to_owned(), (*secret).to_owned(), v.to_owned())),
            _ => None,
        };
        let Some((project, secret, version)) = parsed else {
            return Self::json(
                StatusCode::NOT_FOUND,
                &json!({"error": {"code": 404, "message": "Not Found", "status": "NOT_FOUND"}}),
            );
        };
        let state = self.lock();
        if state.denied.contains(&(project.clone(), secret.clone())) {
            let message = format!(
                "Permission 'secretmanager.versions.access' denied for resource 'projects/{project}/secrets/{secret}/versions/{version}' (or it may not exist)."
            );
            let body =
                json!({"error": {"code": 403, "message": message, "status": "PERMISSION_DENIED"}});
            return Self::json(StatusCode::FORBIDDEN, &body);
        }
        let versions = state.secrets.get(&(project.clone(), secret.clone()));
        let index = match (versions, version.as_str()) {
            (Some(v), "latest") if !v.is_empty() => Some(v.len()),
            (Some(v), n) => n.parse::<usize>().ok().filter(|n| *n >= 1 && *n <= v.len()),
            _ => None,
        };
        let (Some(versions), Some(index)) = (versions, index) else {
            let message = format!(
                "Secret [projects/123456789012/secrets/{secret}] not found or has no versions."
            );
            let body = json!({"error": {"code": 404, "message": message, "status": "NOT_FOUND"}});
            return Self::json(StatusCode::NOT_FOUND, &body);
        };
        let (data, crc_override) = &versions[index - 1];
        let crc = crc_override
            .clone()
            .unwrap_or_else(|| crc32c::crc32c(data).to_string());
        Self::json(
            StatusCode::OK,
            &json!({
                "name": format!("projects/123456789012/secrets/{secret}/versions/{index}"),
                "payload": {
                    "data": base64::engine::general_purpose::STANDARD.encode(data),
                    "dataCrc32c": crc,
                }
            }),
        )
    }

    /// IAM `projects.serviceAccounts.keys.get`:
    /// `{project}/serviceAccounts/{email}/keys/{key}`, where the project is
    /// `-` or the account's own.
    fn key_get(&self, rest: &str) -> Response<GoogleBody> {
        let parts: Vec<&str> = rest.split('/').collect();
        let not_found = |message: String| {
            Self::json(
                StatusCode::NOT_FOUND,
                &json!({"error": {"code": 404, "message": message, "status": "NOT_FOUND"}}),
            )
        };
        let [project, "serviceAccounts", email, "keys", key_id] = parts.as_slice() else {
            return not_found("Requested entity was not found.".to_owned());
        };
        let state = self.lock();
        if state.keys_denied {
            let body = json!({"error": {"code": 403,
                "message": "Permission 'iam.serviceAccountKeys.get' denied on resource (or it may not exist).",
                "status": "PERMISSION_DENIED",
                "details": [{"@type": "type.googleapis.com/google.rpc.ErrorInfo",
                    "reason": "IAM_PERMISSION_DENIED", "domain": "iam.googleapis.com",
                    "metadata": {"permission": "iam.serviceAccountKeys.get"}}]}});
            return Self::json(StatusCode::FORBIDDEN, &body);
        }
        let account_project = email
            .split_once('@')
            .and_then(|(_, domain)| domain.strip_suffix(".iam.gserviceaccount.com"));
        if *project != "-" && Some(*project) != account_project {
            return not_found(format!(
                "Service account projects/{project}/serviceAccounts/{email} does not exist."
            ));
        }
        let Some(key) = state.keys.get(&((*email).to_owned(), (*key_id).to_owned())) else {
            return not_found(format!(
                "Service account key projects/{project}/serviceAccounts/{email}/keys/{key_id} does not exist."
            ));
        };
        let owner = account_project.unwrap_or("-");
        let mut body = json!({
            "name": format!("projects/{owner}/serviceAccounts/{email}/keys/{key_id}"),
            "validAfterTime": rfc3339_seconds(key.valid_after),
            "validBeforeTime": rfc3339_seconds(key.valid_before),
            "keyAlgorithm": "KEY_ALG_RSA_2048",
            "keyOrigin": "GOOGLE_PROVIDED",
            "keyType": "USER_MANAGED",
        });
        if key.disabled {
            body["disabled"] = json!(true);
        }
        Self::json(StatusCode::OK, &body)
    }

    fn file_json(id: &str, file: &DriveFile, listed_size: Option<u64>) -> Value {
        json!({
            "kind": "drive#file",
            "id": id,
            "name": file.name,
            "mimeType": file.mime,
            "parents": file.parents,
            "md5Checksum": file.md5,
            "size": listed_size.unwrap_or(file.content.len()).to_string(),
            "modifiedTime": rfc3339(file.modified),
            "trashed": file.trashed,
        })
    }

    /// Understands the one query shape a folder mirror sends:
    /// `'F' in parents and mimeType='M' and trashed=false`.
    fn files_list(&self, query: &HashMap<String, String>) -> Response<GoogleBody> {
        let q = query.get("q").cloned().unwrap_or_default();
        let parent = q
            .split('\'')
            .nth(1)
            .filter(|_| q.contains("' in parents"))
            .map(str::to_owned);
        let mime = q
            .split("mimeType='")
            .nth(1)
            .and_then(|r| r.split('\'').next())
            .map(str::to_owned);
        let only_live = q.contains("trashed=false") || q.contains("trashed = false");
        let page_size = query
            .get("pageSize")
            .and_then(|s| s.parse::<usize>().ok())
            .unwrap_or(100)
            .clamp(1, 1000);
        let start = query
            .get("pageToken")
            .and_then(|t| t.strip_prefix("page-"))
            .and_then(|n| n.parse::<usize>().ok())
            .unwrap_or(0);
        let state = self.lock();
        let matching: Vec<Value> = state
            .files
            .iter()
            .filter(|(_, f)| parent.as_ref().is_none_or(|p| f.parents.contains(p)))
            .filter(|(_, f)| mime.as_ref().is_none_or(|m| &f.mime == m))
            .filter(|(_, f)| !only_live || !f.trashed)
            .map(|(id, f)| Self::file_json(id, f, state.listed_sizes.get(id).copied()))
            .collect();
        let end = (start + page_size).min(matching.len());
        let mut body = json!({
            "kind": "drive#fileList",
            "incompleteSearch": false,
            "files": matching.get(start..end).unwrap_or(&[]),
        });
        if end < matching.len() {
            body["nextPageToken"] = json!(format!("page-{end}"));
        }
        Self::json(StatusCode::OK, &body)
    }

    fn changes_list(&self, query: &HashMap<String, String>) -> Response<GoogleBody> {
        let state = self.lock();
        let Some(start) = query
            .get("pageToken")
            .and_then(|t| t.parse::<usize>().ok())
            .filter(|t| *t >= 1 && *t <= state.changes.len() + 1)
        else {
            let (status, body) = google_error(
                StatusCode::BAD_REQUEST,
                "INVALID_ARGUMENT",
                "Invalid Value",
                "invalid",
            );
            return Self::json(status, &body);
        };
        let page_size = query
            .get("pageSize")
            .and_then(|s| s.parse::<usize>().ok())
            .unwrap_or(100)
            .clamp(1, 1000);
        let from = start - 1;
        let to = (from + page_size).min(state.changes.len());
        let now = rfc3339(unix_now());
        let changes: Vec<Value> = state.changes[from..to]
            .iter()
            .map(|c| {
                let mut change = json!({
                    "kind": "drive#change",
                    "changeType": "file",
                    "fileId": c.file_id,
                    "removed": c.removed,
                    "time": now,
                });
                if !c.removed
                    && let Some(file) = state.files.get(&c.file_id)
                {
                    change["file"] = Self::file_json(
                        &c.file_id,
                        file,
                        state.listed_sizes.get(&c.file_id).copied(),
                    );
                }
                change
            })
            .collect();
        let mut body = json!({"kind": "drive#changeList", "changes": changes});
        if to < state.changes.len() {
            body["nextPageToken"] = json!((to + 1).to_string());
        } else {
            body["newStartPageToken"] = json!((state.changes.len() + 1).to_string());
        }
        Self::json(StatusCode::OK, &body)
    }

    fn file_get(&self, id: &str, query: &HashMap<String, String>) -> Response<GoogleBody> {
        let state = self.lock();
        let Some(file) = state.files.get(id) else {
            let body = json!({"error": {"code": 404, "message": format!("File not found: {id}."),
                "errors": [{"message": format!("File not found: {id}."), "domain": "global",
                            "reason": "notFound", "location": "fileId", "locationType": "parameter"}]}});
            return Self::json(StatusCode::NOT_FOUND, &body);
        };
        if query.get("alt").map(String::as_str) != Some("media") {
            return Self::json(
                StatusCode::OK,
                &Self::file_json(id, file, state.listed_sizes.get(id).copied()),
            );
        }
        let body = ContentBody {
            content: file.content.clone(),
            offset: 0,
            corrupt: state.corrupt.iter().any(|c| c == id),
        };
        let mut response = Response::new(body.boxed_unsync());
        response.headers_mut().insert(
            http::header::CONTENT_TYPE,
            http::HeaderValue::from_str(&file.mime)
                .unwrap_or(http::HeaderValue::from_static("application/octet-stream")),
        );
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_dates() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(rfc3339(1_764_374_400), "2025-11-29T00:00:00.000Z");
        assert_eq!(rfc3339(951_782_400 + 3661), "2000-02-29T01:01:01.000Z");
        assert_eq!(rfc3339_seconds(0), "1970-01-01T00:00:00Z");
    }

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decode("a%20b+c%27"), "a b c'");
        assert_eq!(percent_decode("100%"), "100%");
    }
}
