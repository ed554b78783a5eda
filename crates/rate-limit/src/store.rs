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

type Entry = (ClientKey, AtomicU64);

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
struct Shard(ShardedLock<HashTable<Entry>>);

/// The in-memory [`StateStore`]: per tier, 64 shards of a `hashbrown` table
/// behind a sharded reader-writer lock, each entry 24 bytes (16-byte key,
/// 8-byte atomic state).
///
/// Checks of known clients take the shard's read lock (a slot of it that
/// other threads do not write) and update the state with a
/// compare-and-swap, so they never wait for each other and a refusal, which
/// leaves the state as it is, writes to no shared memory at all; only a new
/// client takes the write lock, of one shard. Keys are hashed once, with
/// `foldhash` seeded at random per store, so nobody can aim keys at one
/// shard or one bucket.
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
    hasher: foldhash::fast::RandomState,
    per_shard: usize,
    evictions: AtomicU64,
}

impl MemoryStore {
    /// A store tracking at most `max_clients` clients per tier (the limiter
    /// built over it says how many tiers).
    pub fn new(max_clients: usize) -> Self {
        Self {
            tiers: Vec::new(),
            hasher: foldhash::fast::RandomState::default(),
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

    fn shard(&self, tier: Tier, hash: u64) -> Option<&ShardedLock<HashTable<Entry>>> {
        // Bits 40..46: hashbrown uses the low bits for the bucket and the
        // top seven for its tag, so these are free.
        let shards = self.tiers.get(tier.index())?;
        Some(&shards[((hash >> 40) as usize) & (SHARDS - 1)].0)
    }

    /// Makes room in a full shard: expired states first, then live ones in
    /// hash order (counted as evictions) until a sixteenth is free.
    fn make_room(&self, table: &mut HashTable<Entry>, expired: &dyn Fn(u64) -> bool) {
        let target = (self.per_shard / 16).max(1);
        let before = table.len();
        table.retain(|(_, state)| !expired(state.load(Ordering::Relaxed)));
        let freed = before - table.len();
        if freed < target {
            let mut more = target - freed;
            table.retain(|_| {
                if more > 0 {
                    more -= 1;
                    false
                } else {
                    true
                }
            });
            let dropped = (target - freed) - more;
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
                    .map(|_| Shard(ShardedLock::new(HashTable::new())))
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
            if let Some((_, state)) = table.find(hash, |(k, _)| k == key) {
                return Some(update(state, decide));
            }
        }
        let mut table = shard.write().unwrap_or_else(PoisonError::into_inner);
        if let Some((_, state)) = table.find(hash, |(k, _)| k == key) {
            // Another thread inserted it meanwhile.
            return Some(update(state, decide));
        }
        if table.len() >= self.per_shard {
            self.make_room(&mut table, expired);
        }
        let (result, state) = decide(None);
        table.insert_unique(hash, (*key, AtomicU64::new(state)), |(k, _)| self.hash(k));
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
                table.retain(|(_, state)| !expired(tier, state.load(Ordering::Relaxed)));
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
