//! Run with `cargo run -p example-auth-check -- [--bearer TOKEN] [--api-key KEY]`.
//!
//! Reads the authentication variables (`API_KEY`, `SUPABASE_URL`,
//! `SUPABASE_ANON_KEY`, `SUPABASE_JWT_MODE`, `SUPABASE_JWT_SECRET`, ...)
//! from the environment, builds the `Authenticator` the gateway uses, and
//! says who the given credentials belong to, or why not. With no variables
//! set it is in development mode and says so:
//!
//! ```text
//! $ API_KEY=my-service-key-0123456789 cargo run -p example-auth-check -- --api-key my-service-key-0123456789
//! posture: Normal
//! authenticated: method=api_key subject=None role=Some("service") discord_id=None api_key_id=Some(ApiKeyId(666dd2ae))
//! ```

use std::process::ExitCode;

use alphaguard_auth::{Authenticator, Config, Posture};
use http::{HeaderMap, HeaderValue};

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(errors) => {
            eprintln!("{errors}");
            return ExitCode::from(2);
        }
    };
    let posture = config.posture();
    println!("posture: {posture:?}");
    if posture == Posture::Unauthenticated {
        println!("WARNING: no API_KEY or SUPABASE_URL: every request is let through");
    }
    let missing = config.missing_critical();
    if !missing.is_empty() {
        eprintln!("strict mode: missing {}", missing.join(", "));
        return ExitCode::from(2);
    }
    let authenticator = match Authenticator::from_config(&config) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };

    let mut headers = HeaderMap::new();
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let (name, value) = match (flag.as_str(), args.next()) {
            ("--bearer", Some(token)) => ("authorization", format!("Bearer {token}")),
            ("--api-key", Some(key)) => ("x-api-key", key),
            _ => {
                eprintln!("usage: example-auth-check [--bearer TOKEN] [--api-key KEY]");
                return ExitCode::from(2);
            }
        };
        match HeaderValue::from_str(&value) {
            Ok(v) => {
                headers.insert(name, v);
            }
            Err(_) => {
                eprintln!("{name}: not a valid header value");
                return ExitCode::from(2);
            }
        }
    }

    match authenticator.authenticate(&headers).await {
        Ok(who) => {
            println!(
                "authenticated: method={} subject={:?} role={:?} discord_id={:?} api_key_id={:?}",
                who.method.as_str(),
                who.subject,
                who.role,
                who.discord_id,
                who.api_key_id
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            println!("refused: {e}");
            ExitCode::FAILURE
        }
    }
}
