//! Where per-client state lives.

use std::fmt;
use std::hash::{BuildHasher, Hasher};
use std::sync::PoisonError;
use std::sync::atomic::{AtomicU64, Ordering};

use crossbeam_utils::sync::ShardedLock;
use hashbrown::HashTable;

use crate::{ClientKey, Tier};

/// Holds one 64-bit state word per (tier, client) and updates it
/// atomically.
///
/// The limiter's algorithm never sees the store: it hands over a closure
/// from the old state (`None` for a new client) to a result and the new
/// state. A store may call it more than once (compare-and-swap retries).
pub trait StateStore: fmt::Debug + Send + Sync {
    /// Makes room for `tiers` tiers (indexes `0..tiers`). A limiter calls
    /// it once, before the first check.
    fn reserve_tiers(&mut self, tiers: usize);

    /// Applies `decide` to the client's state, atomically. `expired` tells
    /// which states count nothing any more, should the store need room.
    /// `None` for a tier the store has no room for: the caller refuses.
    fn measure_and_replace<T, F>(
        &self,
        tier: Tier,
        key: &ClientKey,
        decide: F,
        expired: &dyn Fn(u64) -> bool,
    ) -> Option<T>
    where
        F: FnMut(Option<u64>) -> (T, u64);

    /// Drops every state for which `expired` says so; returns how many.
    fn sweep(&self, expired: &dyn Fn(Tier, u64) -> bool) -> usize;

    /// How many states are held.
    fn len(&self) -> usize;

    /// Whether no state is held.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Shards per tier. A power of two; more shards, shorter lock holds for the
/// sweep and for inserts.
const SHARDS: usize = 64;

/// The default cap on tracked clients per tier.
pub const DEFAULT_MAX_CLIENTS: usize = 1_000_000;

/// A key as a shard stores it.
///
/// Keys made from addresses have eight zero bytes: an IPv4 address (mapped,
/// `::ffff:a.b.c.d`) in its first half, an IPv6 network of /64 or shorter in
/// its second. Those are held in 16-byte entries (the other half and the
/// state); any other key in a 24-byte one. The key is still compared whole:
/// the half that is not stored is known to be zero.
#[derive(Clone, Copy)]
enum Packed {
    /// The first eight bytes are zero; the last eight.
    Low(u64),
    /// The last eight bytes are zero (and the first are not); the first eight.
    High(u64),
    /// Anything else.
    Full,
}

impl Packed {
    fn of(key: &ClientKey) -> Self {
        let bits = u128::from_be_bytes(key.0);
        let (high, low) = ((bits >> 64) as u64, bits as u64);
        if high == 0 {
            Self::Low(low)
        } else if low == 0 {
            Self::High(high)
        } else {
            Self::Full
        }
    }
}

fn from_low(low: u64) -> ClientKey {
    ClientKey(u128::from(low).to_be_bytes())
}

fn from_high(high: u64) -> ClientKey {
    ClientKey((u128::from(high) << 64).to_be_bytes())
}

/// One shard's states, in three tables by the form of their key (see
/// [`Packed`]): a million IPv4 clients take 16 bytes an entry, not 24.
#[derive(Default)]
struct Tables {
    low: HashTable<(u64, AtomicU64)>,
    high: HashTable<(u64, AtomicU64)>,
    full: HashTable<(ClientKey, AtomicU64)>,
}

impl Tables {
    fn find(&self, hash: u64, key: &ClientKey) -> Option<&AtomicU64> {
        match Packed::of(key) {
            Packed::Low(v) => self.low.find(hash, |(k, _)| *k == v).map(|(_, s)| s),
            Packed::High(v) => self.high.find(hash, |(k, _)| *k == v).map(|(_, s)| s),
            Packed::Full => self.full.find(hash, |(k, _)| k == key).map(|(_, s)| s),
        }
    }

    /// Inserts a key that [`Self::find`] did not find; `rehash` hashes a key
    /// again when a table grows.
    fn insert(
        &mut self,
        hash: u64,
        key: &ClientKey,
        state: u64,
        rehash: impl Fn(&ClientKey) -> u64,
    ) {
        let state = AtomicU64::new(state);
        match Packed::of(key) {
            Packed::Low(v) => {
                self.low
                    .insert_unique(hash, (v, state), |(k, _)| rehash(&from_low(*k)));
            }
            Packed::High(v) => {
                self.high
                    .insert_unique(hash, (v, state), |(k, _)| rehash(&from_high(*k)));
            }
            Packed::Full => {
                self.full
                    .insert_unique(hash, (*key, state), |(k, _)| rehash(k));
            }
        }
    }

    fn len(&self) -> usize {
        self.low.len() + self.high.len() + self.full.len()
    }

    /// Drops `count` states (or all, if fewer), each table its share in
    /// proportion to its size, in its (randomly seeded) hash order: which
    /// clients go does not depend on the form of their key. Returns how
    /// many were dropped.
    fn evict(&mut self, count: usize) -> usize {
        let total = self.len();
        if total == 0 {
            return 0;
        }
        let mut left = count.min(total);
        let dropped = left;
        let lens = [self.low.len(), self.high.len(), self.full.len()];
        let mut quota = lens.map(|len| (left * len).div_ceil(total).min(len));
        for q in &mut quota {
            *q = (*q).min(left);
            left -= *q;
        }
        let take = |n: &mut usize| {
            if *n > 0 {
                *n -= 1;
                false
            } else {
                true
            }
        };
        let [mut a, mut b, mut c] = quota;
        self.low.retain(|_| take(&mut a));
        self.high.retain(|_| take(&mut b));
        self.full.retain(|_| take(&mut c));
        dropped - left
    }

    /// Keeps the states for which `keep` says so, table by table, each in
    /// its (randomly seeded) hash order.
    fn retain(&mut self, mut keep: impl FnMut(&AtomicU64) -> bool) {
        self.low.retain(|(_, state)| keep(state));
        self.high.retain(|(_, state)| keep(state));
        self.full.retain(|(_, state)| keep(state));
    }
}

/// One shard, on cache lines of its own: two cores working on two shards
/// must not bounce one line between them (false sharing).
///
/// The lock is a [`ShardedLock`]: a reader locks only the one of its eight
/// reader slots that belongs to its thread, each on a cache line of its
/// own, so two cores reading one shard write to no line in common. (With
/// one `RwLock`, every read lock and unlock is a write to the lock's line,
/// and two cores checking clients of one shard bounce that line on every
/// check.) A writer locks all eight slots, which only new clients, the cap
/// and the sweep need.
#[repr(align(128))]
struct Shard(ShardedLock<Tables>);

/// The in-memory [`StateStore`]: per tier, 64 shards of a `hashbrown` table
/// behind a sharded reader-writer lock. An entry is the 8-byte atomic state
/// and the key: 8 bytes for a key made from an address (an IPv4 address,
/// an IPv6 network of /64 or shorter: the other half of its 16 bytes is
/// zero), 16 for any other.
///
/// Checks of known clients take the shard's read lock (a slot of it that
/// other threads do not write) and update the state with a
/// compare-and-swap, so they never wait for each other and a refusal, which
/// leaves the state as it is, writes to no shared memory at all; only a new
/// client takes the write lock, of one shard. Keys are hashed once, with
/// `foldhash` seeded at random per store, so nobody can aim keys at one
/// shard or one bucket. It is foldhash's `quality` hasher: with the `fast`
/// one, about one seed in a hundred sent twice the average share of a run
/// of consecutive IPv4 addresses to one shard (one in 2,000 five times),
/// and that shard evicted live clients while the others had room.
///
/// # Bounded memory
///
/// At most `max_clients` states per tier (each shard holds a 64th of that).
/// When a new client finds its shard full, the shard first drops the states
/// that count nothing any more; if that frees less than a sixteenth of the
/// shard, it drops more, in its (randomly seeded) hash order, until it has.
/// A dropped client starts a fresh window — under a flood of distinct
/// addresses beyond the cap, some clients may get up to a window's quota
/// again — and every such drop is counted by [`Self::evictions`]. Memory
/// stays bounded whatever the flood (governor's keyed store has no cap:
/// its issue #171).
pub struct MemoryStore {
    tiers: Vec<Box<[Shard]>>,
    hasher: foldhash::quality::RandomState,
    per_shard: usize,
    evictions: AtomicU64,
}

impl MemoryStore {
    /// A store tracking at most `max_clients` clients per tier (the limiter
    /// built over it says how many tiers).
    pub fn new(max_clients: usize) -> Self {
        Self {
            tiers: Vec::new(),
            hasher: foldhash::quality::RandomState::default(),
            per_shard: max_clients.div_ceil(SHARDS).max(1),
            evictions: AtomicU64::new(0),
        }
    }

    /// How many live states were dropped to stay under the cap.
    pub fn evictions(&self) -> u64 {
        self.evictions.load(Ordering::Relaxed)
    }

    /// The cap per tier.
    pub fn max_clients(&self) -> usize {
        self.per_shard * SHARDS
    }

    fn hash(&self, key: &ClientKey) -> u64 {
        let mut h = self.hasher.build_hasher();
        h.write_u128(u128::from_ne_bytes(key.0));
        h.finish()
    }

    fn shard(&self, tier: Tier, hash: u64) -> Option<&ShardedLock<Tables>> {
        // Bits 40..46: hashbrown uses the low bits for the bucket and the
        // top seven for its tag, so these are free.
        let shards = self.tiers.get(tier.index())?;
        Some(&shards[((hash >> 40) as usize) & (SHARDS - 1)].0)
    }

    /// Makes room in a full shard: expired states first, then live ones in
    /// hash order (counted as evictions) until a sixteenth is free.
    fn make_room(&self, table: &mut Tables, expired: &dyn Fn(u64) -> bool) {
        let target = (self.per_shard / 16).max(1);
        let before = table.len();
        table.retain(|state| !expired(state.load(Ordering::Relaxed)));
        let freed = before - table.len();
        if freed < target {
            let dropped = table.evict(target - freed);
            self.evictions.fetch_add(dropped as u64, Ordering::Relaxed);
        }
    }
}

impl Default for MemoryStore {
    fn default() -> Self {
        Self::new(DEFAULT_MAX_CLIENTS)
    }
}

impl fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemoryStore")
            .field("len", &self.len())
            .field("max_clients", &self.max_clients())
            .field("evictions", &self.evictions())
            .finish()
    }
}

fn update<T, F>(state: &AtomicU64, mut decide: F) -> T
where
    F: FnMut(Option<u64>) -> (T, u64),
{
    let mut current = state.load(Ordering::Acquire);
    loop {
        let (result, next) = decide(Some(current));
        if next == current {
            return result;
        }
        match state.compare_exchange_weak(current, next, Ordering::AcqRel, Ordering::Acquire) {
            Ok(_) => return result,
            Err(actual) => current = actual,
        }
    }
}

impl StateStore for MemoryStore {
    fn reserve_tiers(&mut self, tiers: usize) {
        while self.tiers.len() < tiers {
            self.tiers.push(
                (0..SHARDS)
                    .map(|_| Shard(ShardedLock::new(Tables::default())))
                    .collect(),
            );
        }
    }

    fn measure_and_replace<T, F>(
        &self,
        tier: Tier,
        key: &ClientKey,
        mut decide: F,
        expired: &dyn Fn(u64) -> bool,
    ) -> Option<T>
    where
        F: FnMut(Option<u64>) -> (T, u64),
    {
        let hash = self.hash(key);
        let shard = self.shard(tier, hash)?;
        {
            let table = shard.read().unwrap_or_else(PoisonError::into_inner);
            if let Some(state) = table.find(hash, key) {
                return Some(update(state, decide));
            }
        }
        let mut table = shard.write().unwrap_or_else(PoisonError::into_inner);
        if let Some(state) = table.find(hash, key) {
            // Another thread inserted it meanwhile.
            return Some(update(state, decide));
        }
        if table.len() >= self.per_shard {
            self.make_room(&mut table, expired);
        }
        let (result, state) = decide(None);
        table.insert(hash, key, state, |k| self.hash(k));
        Some(result)
    }

    fn sweep(&self, expired: &dyn Fn(Tier, u64) -> bool) -> usize {
        let mut dropped = 0;
        for (index, shards) in self.tiers.iter().enumerate() {
            let tier = Tier::from_index(index);
            // One shard at a time: checks on the other shards go on.
            for Shard(shard) in shards.iter() {
                let mut table = shard.write().unwrap_or_else(PoisonError::into_inner);
                let before = table.len();
                table.retain(|state| !expired(tier, state.load(Ordering::Relaxed)));
                dropped += before - table.len();
            }
        }
        dropped
    }

    fn len(&self) -> usize {
        self.tiers
            .iter()
            .flat_map(|shards| shards.iter())
            .map(|Shard(s)| s.read().unwrap_or_else(PoisonError::into_inner).len())
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(store: &MemoryStore, tier: Tier, key: &ClientKey) -> u64 {
        store
            .measure_and_replace(tier, key, |s| (s.unwrap_or(0), s.unwrap_or(0) + 1), &|_| {
                false
            })
            .unwrap()
    }

    /// Consecutive addresses, the common case (clients behind one
    /// provider's range), spread over the shards for every seed: with
    /// foldhash's `fast` hasher about one store in a hundred put more than
    /// 100 of 3,200 (twice the mean) into one shard, and one in 2,000 put
    /// more than 250 there.
    #[test]
    fn consecutive_addresses_spread_over_the_shards() {
        let mut worst = 0;
        for _ in 0..500 {
            let store = MemoryStore::new(6400);
            let mut counts = [0u32; SHARDS];
            for n in 10_000u32..13_200 {
                let key = ClientKey::from_ip(std::net::Ipv4Addr::from(n).into(), 64);
                counts[((store.hash(&key) >> 40) as usize) & (SHARDS - 1)] += 1;
            }
            worst = worst.max(counts.into_iter().max().unwrap_or(0));
        }
        // Binomial(3200, 1/64): mean 50, the largest of 64 shards about
        // 67, and 100 is seven standard deviations out.
        assert!(worst <= 100, "one shard got {worst} of 3200 keys");
    }

    #[test]
    fn keys_of_every_form_are_told_apart() {
        let mut store = MemoryStore::new(1024);
        store.reserve_tiers(1);
        let tier = Tier::from_index(0);
        let v = 0x0123_4567_89ab_cdef_u128;
        // Same eight non-zero bytes, in either half; both halves; neither.
        let keys = [
            ClientKey(v.to_be_bytes()),
            ClientKey((v << 64).to_be_bytes()),
            ClientKey((v << 64 | v).to_be_bytes()),
            ClientKey(0u128.to_be_bytes()),
            ClientKey::from_ip("203.0.113.9".parse().unwrap(), 64),
            ClientKey::from_ip("2001:db8::1".parse().unwrap(), 64),
            ClientKey::from_ip("2001:db8::1".parse().unwrap(), 128),
        ];
        for (round, _) in (0..3).enumerate() {
            for key in &keys {
                assert_eq!(count(&store, tier, key), round as u64, "{key:?}");
            }
        }
        assert_eq!(store.len(), keys.len());
    }

    #[test]
    fn eviction_takes_from_every_form_in_proportion() {
        let mut tables = Tables::default();
        let rehash = |k: &ClientKey| u64::from(k.0[15]) ^ u64::from(k.0[0]) << 8;
        for n in 1..=30u8 {
            let low = ClientKey(u128::from(n).to_be_bytes());
            let high = ClientKey((u128::from(n) << 120).to_be_bytes());
            tables.insert(rehash(&low), &low, 0, rehash);
            if n <= 10 {
                tables.insert(rehash(&high), &high, 0, rehash);
                let full = ClientKey((u128::from(n) << 120 | 1).to_be_bytes());
                tables.insert(rehash(&full), &full, 0, rehash);
            }
        }
        assert_eq!(tables.len(), 50);
        assert_eq!(tables.evict(10), 10);
        assert_eq!(
            (tables.low.len(), tables.high.len(), tables.full.len()),
            (24, 8, 8)
        );
        assert_eq!(tables.evict(100), 40);
        assert_eq!(tables.len(), 0);
        assert_eq!(tables.evict(1), 0);
    }
}
