//! Run with `cargo run -p example-webhook-sign -- <secret> <body> [url]`.
//!
//! Signs `<body>` with `<secret>` (any form `Secret::parse` takes, e.g.
//! `v1,whsec_...` or a raw string) in both schemes, and prints the headers
//! and a `curl` line that sends it. The secret is read from the
//! `WEBHOOK_SECRET` variable instead when the first argument is `-`, so it
//! need not appear in shell history.
//!
//! ```text
//! $ cargo run -p example-webhook-sign -- 'v1,whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD' '{"a":1}'
//! ```

use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use alphaguard_webhook_hmac::{Secret, plain, standard};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(secret_arg), Some(body)) = (args.first(), args.get(1)) else {
        eprintln!("usage: example-webhook-sign <secret|-> <body> [url]");
        return ExitCode::from(2);
    };
    let url = args
        .get(2)
        .map_or("http://127.0.0.1:8080/webhooks/founder", String::as_str);
    let secret_text = if secret_arg == "-" {
        std::env::var("WEBHOOK_SECRET").unwrap_or_default()
    } else {
        secret_arg.clone()
    };
    let secret = match Secret::parse(&secret_text) {
        Ok(secret) => secret,
        Err(e) => {
            eprintln!("secret refused: {e}");
            return ExitCode::from(2);
        }
    };
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let id = format!("msg_{now:x}");
    let (Some(std_headers), Some(plain_headers)) = (
        standard::sign_headers(&secret, &id, now, body.as_bytes()),
        plain::sign_headers(&secret, body.as_bytes()),
    ) else {
        eprintln!("the secret holds no HMAC key (only public keys): nothing to sign with");
        return ExitCode::from(2);
    };

    println!("# Standard Webhooks");
    let mut curl = format!("curl -sS -X POST '{url}'");
    for (name, value) in &std_headers {
        let value = value.to_str().unwrap_or_default();
        println!("{name}: {value}");
        curl.push_str(&format!(" -H '{name}: {value}'"));
    }
    curl.push_str(&format!(" --data-binary '{}'", body.replace('\'', r"'\''")));
    println!("\n{curl}\n");

    println!("# Plain (X-Signature-256)");
    for (name, value) in &plain_headers {
        println!("{name}: {}", value.to_str().unwrap_or_default());
    }
    ExitCode::SUCCESS
}
