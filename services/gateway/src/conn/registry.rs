//! The connection budget: a global cap, a per-client cap counted from
//! accept, and idle keep-alive connections closed first when the global
//! cap is near.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use alphaguard_rate_limit::{ClientIpResolver, ClientKey};

use super::state::ConnState;
use super::{CONNECTIONS_OPEN, Close};

/// Why a connection was closed at accept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refused {
    /// `MAX_CONNECTIONS` reached and no idle connection to close instead.
    Global,
    /// `MAX_CONNECTIONS_PER_CLIENT` reached by its client.
    PerClient,
}

impl Refused {
    /// The `reason` label of the refusal metric.
    pub(crate) fn label(self) -> &'static str {
        match self {
            Self::Global => "max_connections",
            Self::PerClient => "max_connections_per_client",
        }
    }
}

#[derive(Debug, Default)]
struct Inner {
    next_id: u64,
    open: HashMap<u64, Arc<ConnState>>,
    per_client: HashMap<ClientKey, usize>,
}

/// Every open connection.
#[derive(Debug)]
pub(crate) struct Registry {
    inner: Mutex<Inner>,
    max: usize,
    /// From here up, each accept closes the longest-idle connection.
    high_water: usize,
    max_per_client: usize,
    resolver: ClientIpResolver,
}

impl Registry {
    pub(crate) fn new(max: usize, max_per_client: usize, resolver: ClientIpResolver) -> Self {
        let max = max.max(1);
        Self {
            inner: Mutex::new(Inner::default()),
            max,
            high_water: max - max / 8,
            max_per_client: max_per_client.max(1),
            resolver,
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Connections open now.
    pub(crate) fn open(&self) -> usize {
        self.lock().open.len()
    }

    /// Admits a connection from `peer`, or says why not. Near the global
    /// cap, the connection idle longest is asked to close; at the cap, a
    /// connection is admitted only in exchange for one.
    pub(crate) fn admit(
        self: &Arc<Self>,
        peer: IpAddr,
        state: &Arc<ConnState>,
    ) -> Result<Slot, Refused> {
        // The clients behind a trusted proxy are only known per request,
        // where the rate limiter keys on them: the proxy itself is exempt.
        let key = (!self.resolver.is_trusted(peer)).then(|| self.resolver.key_of(peer));
        let mut inner = self.lock();
        if let Some(key) = &key
            && inner.per_client.get(key).copied().unwrap_or(0) >= self.max_per_client
        {
            return Err(Refused::PerClient);
        }
        let open = inner.open.len();
        if open >= self.high_water {
            let evicted = evict_idle(&inner);
            if open >= self.max && !evicted {
                return Err(Refused::Global);
            }
        }
        inner.next_id += 1;
        let id = inner.next_id;
        inner.open.insert(id, Arc::clone(state));
        if let Some(key) = key {
            *inner.per_client.entry(key).or_insert(0) += 1;
        }
        metrics::gauge!(CONNECTIONS_OPEN).set(inner.open.len() as f64);
        Ok(Slot {
            registry: Arc::clone(self),
            id,
            key,
        })
    }

    fn release(&self, id: u64, key: Option<ClientKey>) {
        let mut inner = self.lock();
        inner.open.remove(&id);
        if let Some(key) = key
            && let Some(count) = inner.per_client.get_mut(&key)
        {
            *count -= 1;
            if *count == 0 {
                inner.per_client.remove(&key);
            }
        }
        metrics::gauge!(CONNECTIONS_OPEN).set(inner.open.len() as f64);
    }
}

/// Asks the connection idle longest to close; false when none is idle.
fn evict_idle(inner: &Inner) -> bool {
    let oldest = inner
        .open
        .values()
        .filter_map(|state| state.idle_since().map(|since| (since, state)))
        .min_by_key(|(since, _)| *since);
    match oldest {
        Some((_, state)) => {
            state.request_close(Close::Evicted);
            true
        }
        None => false,
    }
}

/// A connection's place in the budget, given back on drop.
#[derive(Debug)]
pub(crate) struct Slot {
    registry: Arc<Registry>,
    id: u64,
    key: Option<ClientKey>,
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.registry.release(self.id, self.key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    fn idle(state: &ConnState) -> bool {
        state.idle_since().is_some_and(|t| t <= Instant::now())
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    fn conn() -> Arc<ConnState> {
        Arc::new(ConnState::new(
            100,
            Duration::from_secs(10),
            Duration::from_secs(75),
        ))
    }

    #[test]
    fn one_client_gets_its_share_and_no_more() {
        let registry = Arc::new(Registry::new(100, 2, ClientIpResolver::default()));
        let a = conn();
        let _one = registry.admit(ip("203.0.113.5"), &a).unwrap();
        let two = registry.admit(ip("203.0.113.5"), &conn()).unwrap();
        assert_eq!(
            registry.admit(ip("203.0.113.5"), &conn()).unwrap_err(),
            Refused::PerClient
        );
        // Another client is not affected; one closing makes room.
        let _other = registry.admit(ip("203.0.113.6"), &conn()).unwrap();
        drop(two);
        let _three = registry.admit(ip("203.0.113.5"), &conn()).unwrap();
        assert_eq!(registry.open(), 3);
    }

    #[test]
    fn ipv6_clients_share_their_prefix_and_proxies_are_exempt() {
        let resolver = ClientIpResolver::new(["10.0.0.0/8".parse().unwrap()]);
        let registry = Arc::new(Registry::new(100, 1, resolver));
        let _a = registry.admit(ip("2001:db8::1"), &conn()).unwrap();
        assert_eq!(
            registry.admit(ip("2001:db8::2"), &conn()).unwrap_err(),
            Refused::PerClient
        );
        let _b = registry.admit(ip("2001:db8:0:1::1"), &conn()).unwrap();
        let _p1 = registry.admit(ip("10.0.0.1"), &conn()).unwrap();
        let _p2 = registry.admit(ip("10.0.0.1"), &conn()).unwrap();
    }

    #[test]
    fn at_the_cap_an_idle_connection_makes_room_and_a_busy_one_does_not() {
        let registry = Arc::new(Registry::new(2, 10, ClientIpResolver::default()));
        let busy = conn();
        let _g = busy.begin_request(false);
        let _s1 = registry.admit(ip("203.0.113.1"), &busy).unwrap();
        let silent = conn();
        let _s2 = registry.admit(ip("203.0.113.2"), &silent).unwrap();
        // Neither is idle: one that never sent a head is not closed early.
        assert_eq!(
            registry.admit(ip("203.0.113.3"), &conn()).unwrap_err(),
            Refused::Global
        );
        // An idle keep-alive connection is asked to close instead.
        let keep_alive = conn();
        keep_alive.begin_request(false).finish();
        assert!(idle(&keep_alive));
        let _s3 = {
            drop(_s2);
            registry.admit(ip("203.0.113.4"), &keep_alive).unwrap()
        };
        let _s4 = registry.admit(ip("203.0.113.5"), &conn()).unwrap();
        assert_eq!(keep_alive.close_requested(), Some(Close::Evicted));
        assert!(busy.close_requested().is_none());
    }
}
