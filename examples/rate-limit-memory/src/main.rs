//! Run with `cargo run --release -p example-rate-limit-memory -- [alphaguard|governor] [clients] [v4|v6]`.
//!
//! Tracks `clients` distinct IPv4 clients (default one million; with `v6`,
//! clients in distinct IPv6 /64 networks) in one tier
//! of alphaguard's in-memory limiter, or in governor's keyed limiter
//! (`DefaultKeyedStateStore<IpAddr>`), and prints how much the resident set
//! grew per client. Run each in its own process: the allocator keeps what
//! one measurement freed.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::num::NonZeroU32;
use std::process::ExitCode;

use alphaguard_rate_limit::{
    ClientKey, MemoryStore, MonotonicClock, Quota, RateLimiter, StateStore, Tiers,
};

/// Resident set size in bytes, from `/proc/self/statm` (Linux).
fn rss() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}

fn ip(n: u32, v6: bool) -> IpAddr {
    if v6 {
        // 2001:db8:<n>::1, one client per /64.
        IpAddr::V6(Ipv6Addr::from(
            (0x2001_0db8_0000_0000_u128 + u128::from(n)) << 64 | 1,
        ))
    } else {
        IpAddr::V4(Ipv4Addr::from(0x0a00_0000_u32.wrapping_add(n)))
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let which = args.first().map_or("alphaguard", String::as_str);
    let clients: u32 = args
        .get(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(1_000_000);
    let v6 = args.get(2).is_some_and(|form| form == "v6");
    let Some(before) = rss() else {
        eprintln!("needs /proc/self/statm (Linux)");
        return ExitCode::FAILURE;
    };
    let after = match which {
        "alphaguard" => {
            // One tier, 30 per minute, as governor's quota below.
            let mut tiers = Tiers::new();
            let read = match Quota::per_minute(NonZeroU32::new(30).unwrap_or(NonZeroU32::MIN))
                .map_err(|e| e.to_string())
                .and_then(|quota| tiers.add("read", quota).map_err(|e| e.to_string()))
            {
                Ok(read) => read,
                Err(e) => {
                    eprintln!("cannot build the tier: {e}");
                    return ExitCode::FAILURE;
                }
            };
            let limiter = RateLimiter::with_store_and_clock(
                tiers,
                // Room for every client (shards fill unevenly), so none is evicted.
                MemoryStore::new(clients as usize / 4 * 5),
                MonotonicClock::new(),
            );
            for n in 0..clients {
                limiter.check(read, &ClientKey::from_ip(ip(n, v6), 64));
            }
            let after = rss();
            let store = limiter.store();
            eprintln!(
                "tracked {} states, {} evictions",
                store.len(),
                store.evictions()
            );
            after
        }
        "governor" => {
            let limiter = governor::RateLimiter::keyed(governor::Quota::per_minute(
                NonZeroU32::new(30).unwrap_or(NonZeroU32::MIN),
            ));
            for n in 0..clients {
                let _ = limiter.check_key(&ip(n, v6));
            }
            let after = rss();
            eprintln!("tracked {} states", limiter.len());
            after
        }
        other => {
            eprintln!("unknown limiter {other:?}: alphaguard or governor");
            return ExitCode::from(2);
        }
    };
    let grown = after.unwrap_or(before).saturating_sub(before);
    println!(
        "{which}: {clients} {} clients, RSS grew {:.1} MiB, {:.1} bytes per client",
        if v6 { "IPv6 /64" } else { "IPv4" },
        grown as f64 / (1024.0 * 1024.0),
        grown as f64 / f64::from(clients)
    );
    ExitCode::SUCCESS
}
