//! Real parts for alphaguard's tests, never mocks of our own code.
//!
//! - [`RedisServer`]: a real `redis-server` on a free loopback port, started
//!   and stopped by the test. Where the binary is missing, tests skip with a
//!   loud message, unless `ALPHAGUARD_REQUIRE_REDIS=1` (CI sets it) makes
//!   that a failure.
//! - [`FakeSupabase`]: a loopback HTTP server answering `GET /auth/v1/user`
//!   as Supabase Auth does (status codes, error bodies, the `apikey` check
//!   of its gateway), its JWKS, and real tokens; it can be told to hang or
//!   fail.
//! - [`FakeGoogle`]: OAuth tokens, the metadata server, Secret Manager and
//!   Drive v3 on loopback, with Google's paths, JSON and error bodies.
//! - [`RecordingUpstream`]: the API behind the gateway, recording every
//!   request byte for byte.

#![forbid(unsafe_code)]

mod google;
mod redis;
mod supabase;
mod upstream;

pub use google::{FAKE_SERVICE_ACCOUNT, FakeGoogle, FileContent, GoogleFault};
pub use redis::RedisServer;
pub use supabase::{FakeSupabase, FakeUser, RSA_TEST_PUBLIC_KEY_PEM, SupabaseMode, unix_now};
pub use upstream::{Received, RecordingUpstream};
