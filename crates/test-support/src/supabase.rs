use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// How the fake answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SupabaseMode {
    /// As Supabase does.
    Normal,
    /// Accepts, reads the request, and never answers.
    Hang,
    /// 500 with Supabase's error body.
    Fail,
    /// As `Normal`, 300 ms later.
    Slow,
}

#[derive(Debug)]
struct State {
    anon_key: String,
    users: HashMap<String, (u16, String)>,
    mode: SupabaseMode,
}

/// A loopback stand-in for Supabase Auth's `GET /auth/v1/user`: the same
/// path, the same `apikey` requirement (401 from its gateway without it),
/// 401 `no_authorization` without a bearer token, 403 `bad_jwt` for an
/// unknown one, and the user JSON (or any status and body set with
/// [`Self::answer`]) for a known one. Runs on the current tokio runtime
/// until dropped with it.
#[derive(Debug, Clone)]
pub struct FakeSupabase {
    addr: SocketAddr,
    state: Arc<Mutex<State>>,
    requests: Arc<AtomicUsize>,
}

const BAD_JWT: &str = r#"{"code":403,"error_code":"bad_jwt","msg":"invalid JWT: unable to parse or verify signature, token is malformed"}"#;
const NO_AUTHORIZATION: &str = r#"{"code":401,"error_code":"no_authorization","msg":"This endpoint requires a valid Bearer token"}"#;
const NO_APIKEY: &str = r#"{"message":"No API key found in request","hint":"No `apikey` request header or url param was found."}"#;
const INTERNAL: &str = r#"{"code":500,"error_code":"unexpected_failure","msg":"Unexpected failure, please check server logs for more information"}"#;

impl FakeSupabase {
    /// Starts on a free loopback port; requests must carry `anon_key` as
    /// their `apikey` header.
    pub async fn start(anon_key: &str) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let addr = listener.local_addr().expect("local addr");
        let fake = Self {
            addr,
            state: Arc::new(Mutex::new(State {
                anon_key: anon_key.to_owned(),
                users: HashMap::new(),
                mode: SupabaseMode::Normal,
            })),
            requests: Arc::new(AtomicUsize::new(0)),
        };
        let server = fake.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let server = server.clone();
                tokio::spawn(async move { server.serve(stream).await });
            }
        });
        fake
    }

    /// `http://127.0.0.1:{port}`, the value for `SUPABASE_URL`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Answers `token` with 200 and this user JSON.
    pub fn add_user(&self, token: &str, user: serde_json::Value) {
        self.answer(token, 200, &user.to_string());
    }

    /// Answers `token` with any status and body (Supabase's 403s:
    /// `session_not_found`, `user_banned`, ...).
    pub fn answer(&self, token: &str, status: u16, body: &str) {
        self.lock()
            .users
            .insert(token.to_owned(), (status, body.to_owned()));
    }

    /// Switches the mode.
    pub fn set_mode(&self, mode: SupabaseMode) {
        self.lock().mode = mode;
    }

    /// How many requests reached `/auth/v1/user`.
    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    async fn serve(&self, mut stream: TcpStream) {
        let mut buf = Vec::new();
        let mut chunk = [0u8; 4096];
        while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
            if buf.len() > 64 * 1024 {
                return;
            }
        }
        let head = String::from_utf8_lossy(&buf).into_owned();
        let mut lines = head.split("\r\n");
        let request_line = lines.next().unwrap_or("");
        let headers: HashMap<String, String> = lines
            .take_while(|l| !l.is_empty())
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
            .collect();
        let (mode, anon_key) = {
            let state = self.lock();
            (state.mode, state.anon_key.clone())
        };
        let (status, body) = if request_line != "GET /auth/v1/user HTTP/1.1" {
            (
                404,
                r#"{"code":404,"error_code":"not_found","msg":"Not found"}"#.to_owned(),
            )
        } else {
            self.requests.fetch_add(1, Ordering::SeqCst);
            match mode {
                SupabaseMode::Hang => {
                    tokio::time::sleep(Duration::from_secs(3600)).await;
                    return;
                }
                SupabaseMode::Fail => (500, INTERNAL.to_owned()),
                SupabaseMode::Normal | SupabaseMode::Slow => {
                    if mode == SupabaseMode::Slow {
                        tokio::time::sleep(Duration::from_millis(300)).await;
                    }
                    if headers.get("apikey") != Some(&anon_key) {
                        (401, NO_APIKEY.to_owned())
                    } else {
                        match headers
                            .get("authorization")
                            .and_then(|v| v.strip_prefix("Bearer "))
                        {
                            None => (401, NO_AUTHORIZATION.to_owned()),
                            Some(token) => self
                                .lock()
                                .users
                                .get(token)
                                .cloned()
                                .unwrap_or((403, BAD_JWT.to_owned())),
                        }
                    }
                }
            }
        };
        let reason = match status {
            200 => "OK",
            401 => "Unauthorized",
            403 => "Forbidden",
            404 => "Not Found",
            _ => "Internal Server Error",
        };
        let response = format!(
            "HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        );
        let _ = stream.write_all(response.as_bytes()).await;
        let _ = stream.shutdown().await;
    }
}
