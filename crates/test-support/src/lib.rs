//! Real parts for alphaguard's tests, never mocks of our own code.
//!
//! - [`RedisServer`]: a real `redis-server` on a free loopback port, started
//!   and stopped by the test. Where the binary is missing, tests skip with a
//!   loud message, unless `ALPHAGUARD_REQUIRE_REDIS=1` (CI sets it) makes
//!   that a failure.

#![forbid(unsafe_code)]

mod redis;

pub use redis::RedisServer;
