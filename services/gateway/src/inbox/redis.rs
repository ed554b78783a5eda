//! The shared store: a Redis Stream with a consumer group.
//!
//! - Each delivery is a hash (`{p}d:{webhook}:{id}`), which is also its
//!   duplicate marker; persisting checks it, writes it and `XADD`s a
//!   reference to the stream in one Lua script (atomic: an id is never
//!   marked without its delivery being queued).
//! - A verified Standard Webhooks id also has a marker per replay scope
//!   (`{p}scope:{scope}:{id}`, the secret's variable), written by the same
//!   script and expiring with the duplicate window, so the webhooks that
//!   share a secret share their duplicates.
//! - Replicas read the stream through one consumer group (`XREADGROUP`), so
//!   each entry is worked by one replica at a time; an entry a replica
//!   holds longer than the visibility timeout without touching it (it
//!   died) is taken over by another with `XAUTOCLAIM`.
//! - A failed attempt leaves the stream for a sorted set scored by when it
//!   is due, and goes back to the stream then; dead letters are another
//!   sorted set. Delivered hashes lose their body and expire when their
//!   duplicate marker does.
//!
//! A server that lost its data (restarted without persistence,
//! `FLUSHALL`, a failover to an empty replica) loses what it held, but
//! not what comes after: persisting makes the stream again with the
//! consumer group, and a call that finds the group gone (`NOGROUP`) has
//! the next call make it again, so workers read on without a restart.
//! When only the stream was lost (its key deleted, a partial restore),
//! the records of the deliveries it held remain: the first claim after
//! the stream is made anew puts every record still pending that no queue
//! holds back on the stream.
//!
//! Every key shares one hash tag, so the scripts also run on a cluster.
//! Durability is the server's: run it with `appendonly yes` and
//! `appendfsync always` for a 2xx to survive a Redis crash.
//!
//! A server that may evict keys (a `maxmemory` limit with any
//! `maxmemory-policy` but `noeviction`) is refused: it could drop an
//! acknowledged delivery (`allkeys-*`) or the duplicate markers that make
//! replays fail (`volatile-*`, which evicts keys with a time to live). The
//! store then fails every call, so webhooks get 503 and `/ready` waits,
//! until the server is set to `noeviction` (looked at again on each call
//! until then, from `INFO memory`). A policy changed after that is not
//! seen.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use ::redis::aio::{ConnectionManager, ConnectionManagerConfig};
use ::redis::streams::{StreamAutoClaimReply, StreamId, StreamRangeReply, StreamReadReply};
use ::redis::{AsyncCommands as _, Script, Value};

use super::store::{BoxFuture, DeadLetter, Delivery, Store, StoreError, Summary};
use super::{NewDelivery, Persisted, now_ms};

/// The consumer group every replica reads through.
pub const GROUP: &str = "alphaguard";

/// The default key prefix (one hash tag for every key).
pub const DEFAULT_PREFIX: &str = "{alphaguard-inbox}:";

/// How the Redis store behaves.
#[derive(Debug, Clone)]
pub struct RedisOptions {
    /// Key prefix.
    pub prefix: String,
    /// An entry held this long without a touch is taken over by another
    /// replica. Must exceed the upstream timeout (the worker touches what
    /// it holds every third of it).
    pub visibility: Duration,
    /// This replica's consumer name (default: host, pid and a random part).
    pub consumer: Option<String>,
}

impl Default for RedisOptions {
    fn default() -> Self {
        Self {
            prefix: DEFAULT_PREFIX.to_owned(),
            visibility: Duration::from_secs(60),
            consumer: None,
        }
    }
}

// KEYS: record, stream, retry, pending-by-webhook, scope marker.
// ARGV: max pending, ref, webhook, until, group, deadline, the record's
// fields...
// Past the deadline (the server's clock, in ms; 0 for none) it stores
// nothing and answers -2: the gateway has stopped waiting for the answer
// and told the sender 503, which must stay true (see `PERSIST_WITHIN`).
// A stream that is gone (the server lost its data) is made again with the
// consumer group, so what is acknowledged is read by the workers.
const PERSIST: &str = r"
local deadline = tonumber(ARGV[6])
if deadline > 0 then
  local t = redis.call('TIME')
  if tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) > deadline then return -2 end
end
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
if KEYS[5] ~= KEYS[1] and redis.call('EXISTS', KEYS[5]) == 1 then return 0 end
if redis.call('XLEN', KEYS[2]) + redis.call('ZCARD', KEYS[3]) >= tonumber(ARGV[1]) then return -1 end
redis.call('HSET', KEYS[1], unpack(ARGV, 7))
if KEYS[5] ~= KEYS[1] then
  redis.call('SET', KEYS[5], ARGV[2])
  redis.call('PEXPIREAT', KEYS[5], ARGV[4])
end
local made = 0
if redis.call('EXISTS', KEYS[2]) == 0 then
  redis.call('XGROUP', 'CREATE', KEYS[2], ARGV[5], '0', 'MKSTREAM')
  made = 1
end
redis.call('XADD', KEYS[2], '*', 'r', ARGV[2])
redis.call('HINCRBY', KEYS[4], ARGV[3], 1)
return 1 + made
";

// KEYS: record, stream, retry, dead. ARGV: ref.
// A record still pending that no queue holds goes back on the stream.
const REQUEUE: &str = r"
if redis.call('HGET', KEYS[1], 'state') ~= 'pending' then return 0 end
if redis.call('ZSCORE', KEYS[3], ARGV[1]) or redis.call('ZSCORE', KEYS[4], ARGV[1]) then return 0 end
redis.call('XADD', KEYS[2], '*', 'r', ARGV[1])
return 1
";

const MOVE_DUE: &str = r"
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
for _, r in ipairs(due) do
  redis.call('XADD', KEYS[2], '*', 'r', r)
  redis.call('ZREM', KEYS[1], r)
end
return #due
";

// KEYS: stream, record, pending-by-webhook. ARGV: group, entry, until, now, webhook
const DELIVERED: &str = r"
redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
redis.call('XDEL', KEYS[1], ARGV[2])
if redis.call('HGET', KEYS[2], 'state') ~= 'pending' then return 0 end
redis.call('HSET', KEYS[2], 'state', 'delivered')
redis.call('HDEL', KEYS[2], 'body')
redis.call('HINCRBY', KEYS[2], 'attempts', 1)
redis.call('HINCRBY', KEYS[3], ARGV[5], -1)
if tonumber(ARGV[3]) > tonumber(ARGV[4]) then
  redis.call('PEXPIREAT', KEYS[2], ARGV[3])
else
  redis.call('DEL', KEYS[2])
end
return 1
";

// KEYS: stream, record, retry. ARGV: group, entry, at, error, ref
const RETRY: &str = r"
redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
redis.call('XDEL', KEYS[1], ARGV[2])
if redis.call('HGET', KEYS[2], 'state') ~= 'pending' then return 0 end
redis.call('HINCRBY', KEYS[2], 'attempts', 1)
redis.call('HSET', KEYS[2], 'err', ARGV[4])
redis.call('ZADD', KEYS[3], ARGV[3], ARGV[5])
return 1
";

// KEYS: stream, record, dead, pending-by-webhook. ARGV: group, entry, error, ref, received, webhook
const DEAD: &str = r"
redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
redis.call('XDEL', KEYS[1], ARGV[2])
if redis.call('HGET', KEYS[2], 'state') ~= 'pending' then return 0 end
redis.call('HINCRBY', KEYS[2], 'attempts', 1)
redis.call('HSET', KEYS[2], 'state', 'dead', 'err', ARGV[3])
redis.call('ZADD', KEYS[3], ARGV[5], ARGV[4])
redis.call('HINCRBY', KEYS[4], ARGV[6], -1)
return 1
";

// KEYS: stream, record. ARGV: group, entry, ref
const RELEASE: &str = r"
redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
local n = redis.call('XDEL', KEYS[1], ARGV[2])
if n == 1 and redis.call('HGET', KEYS[2], 'state') == 'pending' then
  redis.call('XADD', KEYS[1], '*', 'r', ARGV[3])
end
return n
";

// KEYS: dead, stream, record, pending-by-webhook. ARGV: ref, webhook
const REDELIVER: &str = r"
if redis.call('ZREM', KEYS[1], ARGV[1]) == 0 then return 0 end
if redis.call('EXISTS', KEYS[3]) == 0 then return 0 end
redis.call('HSET', KEYS[3], 'state', 'pending', 'attempts', 0)
redis.call('XADD', KEYS[2], '*', 'r', ARGV[1])
redis.call('HINCRBY', KEYS[4], ARGV[2], 1)
return 1
";

/// The Redis store.
#[derive(Clone)]
pub struct RedisStore {
    conn: ConnectionManager,
    prefix: String,
    consumer: String,
    visibility: Duration,
    max_pending: u64,
    scripts: Scripts,
    /// Set once the consumer group exists (made on first contact: the
    /// store is built without waiting for Redis), cleared when a call finds
    /// it gone (`NOGROUP`: the server lost its data), so the next call
    /// makes it again.
    group: Arc<std::sync::atomic::AtomicBool>,
    /// Set when the stream was made anew while records may remain (see
    /// [`RedisStore::requeue_orphans`]); the next claim looks for them.
    orphans: Arc<std::sync::atomic::AtomicBool>,
    /// Whether the refusal of an evicting server was logged (once).
    eviction_logged: Arc<std::sync::atomic::AtomicBool>,
    /// The server's clock, for the deadline of each persist.
    server_clock: Arc<ServerClock>,
}

/// How long a request may wait for Redis's answer.
const RESPONSE_TIMEOUT: Duration = Duration::from_secs(2);

/// A persist must run within this long of being sent (by the server's
/// clock), or store nothing: well inside [`RESPONSE_TIMEOUT`], so an
/// answer that comes at all comes before the gateway stops waiting and
/// answers 503. Without it a persist that Redis ran late (held by another
/// client's long script, paused, stopped) stored a webhook whose sender
/// had been told 503, and it was delivered (an outside review's finding).
/// Left: an answer delayed more than the 500 ms between the two after
/// the script ran.
const PERSIST_WITHIN: Duration = Duration::from_millis(1500);

/// The server's clock read again after this long.
const CLOCK_REFRESH: Duration = Duration::from_secs(30);

/// A `TIME` that takes longer than this does not set the clock.
const CLOCK_MAX_ROUND_TRIP: Duration = Duration::from_millis(200);

/// The Redis server's clock as seen from here: its offset from the local
/// wall clock, read with `TIME` (half the round trip is the error).
#[derive(Debug, Default)]
struct ServerClock {
    offset_ms: std::sync::atomic::AtomicI64,
    /// When it was read, local ms since the epoch; 0: never.
    read_at_ms: std::sync::atomic::AtomicU64,
}

#[derive(Clone)]
struct Scripts {
    persist: Script,
    move_due: Script,
    delivered: Script,
    retry: Script,
    dead: Script,
    release: Script,
    redeliver: Script,
    requeue: Script,
}

impl fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisStore")
            .field("prefix", &self.prefix)
            .field("consumer", &self.consumer)
            .field("visibility", &self.visibility)
            .finish_non_exhaustive()
    }
}

fn failed(what: &str, e: &::redis::RedisError) -> StoreError {
    // The kind, never the text (which can echo the URL).
    StoreError::Failed(format!("redis {what}: {:?}", e.kind()))
}

/// Warns when the server would answer before its append-only file is
/// on disk (an acknowledged webhook could be lost in a Redis crash).
async fn warn_unless_fsync(conn: &mut ConnectionManager) {
    let fsync: Result<Vec<String>, _> = ::redis::cmd("CONFIG")
        .arg("GET")
        .arg("appendfsync")
        .query_async(conn)
        .await;
    let aof: Result<Vec<String>, _> = ::redis::cmd("CONFIG")
        .arg("GET")
        .arg("appendonly")
        .query_async(conn)
        .await;
    match (aof.as_deref(), fsync.as_deref()) {
        (Ok([_, a]), Ok([_, f])) if a == "yes" && f == "always" => {}
        (Ok([_, a]), Ok([_, f])) => tracing::warn!(
            appendonly = %a,
            appendfsync = %f,
            "webhook inbox on Redis without appendonly yes / appendfsync always: a Redis crash can lose acknowledged deliveries"
        ),
        _ => tracing::info!(
            "webhook inbox on Redis: CONFIG GET refused; make sure the server runs with appendfsync always"
        ),
    }
}

/// The eviction policy that makes `INFO memory`'s server unfit for the
/// inbox (`Ok(Some(policy))`): a `maxmemory` limit, and a policy other than
/// `noeviction`. `Err` when the answer cannot be read.
async fn evicting_policy(conn: &mut ConnectionManager) -> Result<Option<String>, StoreError> {
    let info: String = ::redis::cmd("INFO")
        .arg("memory")
        .query_async(conn)
        .await
        .map_err(|e| failed("INFO memory", &e))?;
    Ok(evicting_policy_in(&info))
}

/// [`evicting_policy`] of an `INFO memory` answer.
pub(super) fn evicting_policy_in(info: &str) -> Option<String> {
    let field = |name: &str| {
        info.lines()
            .find_map(|line| line.strip_prefix(name)?.strip_prefix(':'))
            .map(str::trim)
    };
    let limited = field("maxmemory").is_some_and(|m| m != "0");
    match field("maxmemory_policy") {
        Some(policy) if limited && policy != "noeviction" => Some(policy.to_owned()),
        _ => None,
    }
}

/// The error of a server that may evict the inbox's keys.
fn evicts(policy: &str) -> StoreError {
    StoreError::Failed(format!(
        "redis maxmemory-policy {policy} with a maxmemory limit may evict acknowledged deliveries and duplicate markers; set maxmemory-policy noeviction"
    ))
}

/// For `doctor`: whether the Redis at `url` may evict the inbox's keys
/// (`Ok(Some(policy))`), within `timeout`.
pub async fn eviction_policy(url: &str, timeout: Duration) -> Result<Option<String>, String> {
    let client = ::redis::Client::open(url).map_err(|_| "invalid Redis URL".to_owned())?;
    let config = ConnectionManagerConfig::new()
        .set_connection_timeout(Some(timeout))
        .set_response_timeout(Some(timeout))
        .set_number_of_retries(0);
    let check = async {
        let mut conn = ConnectionManager::new_with_config(client, config)
            .await
            .map_err(|e| format!("connect: {:?}", e.kind()))?;
        evicting_policy(&mut conn).await.map_err(|e| e.to_string())
    };
    tokio::time::timeout(timeout, check)
        .await
        .map_err(|_| "no answer in time".to_owned())?
}

fn random_suffix() -> String {
    use ring::rand::SecureRandom as _;
    let mut bytes = [0u8; 4];
    let _ = ring::rand::SystemRandom::new().fill(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl RedisStore {
    /// Connects to `url`, creates the stream and the consumer group if
    /// needed, and warns when the server would not fsync before answering.
    pub async fn connect(
        url: &str,
        options: RedisOptions,
        max_pending: u64,
    ) -> Result<Self, StoreError> {
        let store = Self::connect_lazy(url, options, max_pending)?;
        store.ensure_group().await?;
        Ok(store)
    }

    /// As [`connect`](Self::connect), without waiting for Redis: the
    /// connection is made on first use (and again after each failure), and
    /// the consumer group on the first call that reaches the server. Until
    /// then every call fails, so webhooks get 503 and `/ready` waits.
    /// Errors only for a malformed URL. Needs a tokio runtime.
    pub fn connect_lazy(
        url: &str,
        options: RedisOptions,
        max_pending: u64,
    ) -> Result<Self, StoreError> {
        let client = ::redis::Client::open(url)
            .map_err(|_| StoreError::Failed("invalid Redis URL".to_owned()))?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(Duration::from_secs(2)))
            .set_response_timeout(Some(RESPONSE_TIMEOUT))
            .set_number_of_retries(1);
        let conn = ConnectionManager::new_lazy_with_config(client, config)
            .map_err(|e| failed("connect", &e))?;
        let consumer = options.consumer.clone().unwrap_or_else(|| {
            let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "gateway".to_owned());
            format!("{host}-{}-{}", std::process::id(), random_suffix())
        });
        Ok(Self {
            group: Arc::default(),
            orphans: Arc::default(),
            eviction_logged: Arc::default(),
            server_clock: Arc::default(),
            conn,
            prefix: options.prefix,
            consumer,
            visibility: options.visibility,
            max_pending,
            scripts: Scripts {
                persist: Script::new(PERSIST),
                move_due: Script::new(MOVE_DUE),
                delivered: Script::new(DELIVERED),
                retry: Script::new(RETRY),
                dead: Script::new(DEAD),
                release: Script::new(RELEASE),
                redeliver: Script::new(REDELIVER),
                requeue: Script::new(REQUEUE),
            },
        })
    }

    /// The server's clock now, in ms since the epoch: the local clock and
    /// the offset read with `TIME` (again after [`CLOCK_REFRESH`]). A slow
    /// `TIME` keeps the last offset; with none yet, it is an error.
    async fn server_now_ms(&self) -> Result<u64, StoreError> {
        use std::sync::atomic::Ordering;
        let clock = &self.server_clock;
        let local = now_ms();
        let read_at = clock.read_at_ms.load(Ordering::Acquire);
        let refresh = u64::try_from(CLOCK_REFRESH.as_millis()).unwrap_or(u64::MAX);
        if read_at == 0 || local.saturating_sub(read_at) > refresh {
            let mut conn = self.conn.clone();
            let sent = std::time::Instant::now();
            let sent_ms = now_ms();
            let (secs, micros): (u64, u64) = ::redis::cmd("TIME")
                .query_async(&mut conn)
                .await
                .map_err(|e| failed("TIME", &e))?;
            let round_trip = sent.elapsed();
            if round_trip <= CLOCK_MAX_ROUND_TRIP {
                let half = u64::try_from(round_trip.as_millis() / 2).unwrap_or(0);
                let server = secs.saturating_mul(1000).saturating_add(micros / 1000);
                let offset = i128::from(server) - i128::from(sent_ms + half);
                clock
                    .offset_ms
                    .store(i64::try_from(offset).unwrap_or(0), Ordering::Relaxed);
                clock.read_at_ms.store(local.max(1), Ordering::Release);
            } else if read_at == 0 {
                return Err(StoreError::Failed(
                    "redis TIME too slow to read the server's clock".to_owned(),
                ));
            }
        }
        let offset = clock.offset_ms.load(Ordering::Relaxed);
        Ok(u64::try_from(i128::from(now_ms()) + i128::from(offset)).unwrap_or(0))
    }

    /// Creates the stream and the consumer group once (a no-op after the
    /// first success), and warns when the server would not fsync before
    /// answering. Fails while the server may evict keys (see the module
    /// docs).
    async fn ensure_group(&self) -> Result<(), StoreError> {
        use std::sync::atomic::Ordering;
        if self.group.load(Ordering::Acquire) {
            return Ok(());
        }
        // Callers racing here each send `XGROUP CREATE`: all but one get
        // `BUSYGROUP`, which is success.
        let mut conn = self.conn.clone();
        let created: Result<(), _> = ::redis::cmd("XGROUP")
            .arg("CREATE")
            .arg(self.key("stream"))
            .arg(GROUP)
            .arg("0")
            .arg("MKSTREAM")
            .query_async(&mut conn)
            .await;
        match created {
            // Made now: records of a stream that was lost may remain.
            Ok(()) => self.orphans.store(true, Ordering::Release),
            Err(e) if e.code() == Some("BUSYGROUP") => {}
            Err(e) => return Err(failed("XGROUP CREATE", &e)),
        }
        match evicting_policy(&mut conn).await {
            Ok(Some(policy)) => {
                if !self.eviction_logged.swap(true, Ordering::Relaxed) {
                    tracing::error!(
                        maxmemory_policy = %policy,
                        "webhook inbox refused: this Redis may evict acknowledged deliveries and duplicate markers (set maxmemory-policy noeviction); webhooks get 503 until then"
                    );
                }
                return Err(evicts(&policy));
            }
            Ok(None) => {}
            Err(e) => tracing::warn!(
                error = %e,
                "webhook inbox on Redis: INFO memory refused; make sure the server runs with maxmemory-policy noeviction"
            ),
        }
        warn_unless_fsync(&mut conn).await;
        self.group.store(true, Ordering::Release);
        Ok(())
    }

    /// [`failed`], and when Redis says the consumer group is gone, makes
    /// the next call create it again.
    fn group_failed(&self, what: &str, e: &::redis::RedisError) -> StoreError {
        if e.code() == Some("NOGROUP") {
            self.group
                .store(false, std::sync::atomic::Ordering::Release);
            tracing::warn!(
                "webhook inbox on Redis: the consumer group is gone (the server lost its data?); making it again"
            );
        }
        failed(what, e)
    }

    /// Puts back on the stream the deliveries that a lost stream took with
    /// it while their records survived (the stream key deleted, a partial
    /// restore): a record still pending that neither the stream, the retry
    /// set nor the dead letters hold, and that came more than a second
    /// before this pass (a newer one may be on its way into the stream; it
    /// is looked at by a later claim).
    /// Without this they were never delivered, and their senders' retries
    /// were answered as duplicates. Run by the first claim after the
    /// stream was made anew; a record held by a worker at that moment may
    /// be delivered twice (at least once, as always).
    async fn requeue_orphans(&self, now_ms: u64) -> Result<u64, StoreError> {
        let mut conn = self.conn.clone();
        let stream = self.key("stream");
        let entries: StreamRangeReply = conn
            .xrange_all(&stream)
            .await
            .map_err(|e| failed("XRANGE", &e))?;
        let queued: HashSet<String> = entries
            .ids
            .iter()
            .filter_map(|entry| entry.get::<String>("r"))
            .collect();
        // The prefix as a glob matches itself only: `*?[]\` escaped.
        let mut records = String::with_capacity(self.prefix.len() + 4);
        for c in self.prefix.chars() {
            if matches!(c, '*' | '?' | '[' | ']' | '\\') {
                records.push('\\');
            }
            records.push(c);
        }
        records.push_str("d:*");
        let mut keys: Vec<String> = Vec::new();
        {
            let mut scan: ::redis::AsyncIter<String> = ::redis::cmd("SCAN")
                .cursor_arg(0)
                .arg("MATCH")
                .arg(&records)
                .arg("COUNT")
                .arg(1000)
                .clone()
                .iter_async(&mut conn)
                .await
                .map_err(|e| failed("SCAN", &e))?;
            while let Some(key) = scan.next_item().await {
                keys.push(key.map_err(|e| failed("SCAN", &e))?);
            }
        }
        let record_prefix = self.key("d:");
        let mut requeued = 0;
        for key in keys {
            let Some(reference) = key.strip_prefix(&record_prefix) else {
                continue;
            };
            if queued.contains(reference) {
                continue;
            }
            let received: Option<u64> = conn
                .hget(&key, "recv")
                .await
                .map_err(|e| failed("HGET", &e))?;
            match received {
                None => continue,
                Some(at) if at.saturating_add(1000) > now_ms => {
                    // Looked at again by a later claim.
                    self.orphans
                        .store(true, std::sync::atomic::Ordering::Release);
                    continue;
                }
                Some(_) => {}
            }
            let n: i64 = self
                .scripts
                .requeue
                .key(&key)
                .key(&stream)
                .key(self.key("retry"))
                .key(self.key("dead"))
                .arg(reference)
                .invoke_async(&mut conn)
                .await
                .map_err(|e| failed("requeue", &e))?;
            requeued += u64::try_from(n).unwrap_or(0);
        }
        if requeued > 0 {
            tracing::warn!(
                deliveries = requeued,
                "webhook inbox on Redis: the stream was lost; put back deliveries whose records remained"
            );
        }
        Ok(requeued)
    }

    /// This replica's consumer name.
    pub fn consumer(&self) -> &str {
        &self.consumer
    }

    fn key(&self, name: &str) -> String {
        format!("{}{name}", self.prefix)
    }

    fn record(&self, webhook: &str, id: &str) -> String {
        format!("{}d:{}", self.prefix, reference(webhook, id))
    }

    /// Turns stream entries into deliveries; entries whose record is gone
    /// or finished are acknowledged and dropped.
    async fn load(&self, entries: Vec<StreamId>) -> Result<Vec<Delivery>, StoreError> {
        let mut conn = self.conn.clone();
        let stream = self.key("stream");
        let mut out = Vec::with_capacity(entries.len());
        for entry in entries {
            let reference: Option<String> = entry.get("r");
            let record = reference
                .as_deref()
                .and_then(split_reference)
                .map(|(w, i)| self.record(w, i));
            let fields: HashMap<String, Vec<u8>> = match &record {
                Some(key) => conn.hgetall(key).await.map_err(|e| failed("HGETALL", &e))?,
                None => HashMap::new(),
            };
            match to_delivery(&entry.id, &fields) {
                Some(d) => out.push(d),
                None => {
                    let _: Value = ::redis::pipe()
                        .cmd("XACK")
                        .arg(&stream)
                        .arg(GROUP)
                        .arg(&entry.id)
                        .cmd("XDEL")
                        .arg(&stream)
                        .arg(&entry.id)
                        .query_async(&mut conn)
                        .await
                        .map_err(|e| self.group_failed("XACK", &e))?;
                }
            }
        }
        Ok(out)
    }
}

/// `{webhook}:{id}`: webhook names have no `:`, so the first one splits.
fn reference(webhook: &str, id: &str) -> String {
    format!("{webhook}:{id}")
}

fn split_reference(reference: &str) -> Option<(&str, &str)> {
    reference.split_once(':')
}

fn text(fields: &HashMap<String, Vec<u8>>, name: &str) -> Option<String> {
    fields
        .get(name)
        .and_then(|v| String::from_utf8(v.clone()).ok())
}

fn number(fields: &HashMap<String, Vec<u8>>, name: &str) -> Option<u64> {
    text(fields, name).and_then(|t| t.parse().ok())
}

fn to_delivery(entry: &str, fields: &HashMap<String, Vec<u8>>) -> Option<Delivery> {
    if text(fields, "state").as_deref() != Some("pending") {
        return None;
    }
    Some(Delivery {
        key: entry.to_owned(),
        id: text(fields, "id")?,
        id_verified: number(fields, "iv") == Some(1),
        webhook: text(fields, "webhook")?,
        body: bytes::Bytes::from(fields.get("body")?.clone()),
        content_type: text(fields, "ct").filter(|t| !t.is_empty()),
        request_id: text(fields, "rid").unwrap_or_default(),
        received_at_ms: number(fields, "recv").unwrap_or(0),
        timestamp: number(fields, "ts").filter(|t| *t > 0),
        signed: number(fields, "signed") == Some(1),
        attempts: number(fields, "attempts")
            .and_then(|n| u32::try_from(n).ok())
            .unwrap_or(0),
        dedupe_until_ms: number(fields, "until").unwrap_or(0),
    })
}

impl Store for RedisStore {
    fn persist(
        &self,
        d: NewDelivery,
        _now_ms: u64,
    ) -> BoxFuture<'_, Result<Persisted, StoreError>> {
        Box::pin(async move {
            self.ensure_group().await?;
            let mut conn = self.conn.clone();
            let record = self.record(&d.webhook, &d.id);
            // The id's marker across the webhooks of its scope; without a
            // scope, the record itself.
            let scope_marker = match &d.replay_scope {
                Some(scope) => self.key(&format!("scope:{}", reference(scope, &d.id))),
                None => record.clone(),
            };
            let within = u64::try_from(PERSIST_WITHIN.as_millis()).unwrap_or(u64::MAX);
            let deadline = self.server_now_ms().await?.saturating_add(within);
            let mut invocation = self.scripts.persist.key(record);
            invocation
                .key(self.key("stream"))
                .key(self.key("retry"))
                .key(self.key("pending"))
                .key(scope_marker)
                .arg(self.max_pending)
                .arg(reference(&d.webhook, &d.id))
                .arg(&d.webhook)
                .arg(d.dedupe_until_ms())
                .arg(GROUP)
                .arg(deadline)
                .arg("state")
                .arg("pending")
                .arg("webhook")
                .arg(&d.webhook)
                .arg("id")
                .arg(&d.id)
                .arg("iv")
                .arg(u8::from(d.id_verified))
                .arg("signed")
                .arg(u8::from(d.signed))
                .arg("body")
                .arg(&d.body[..])
                .arg("ct")
                .arg(d.content_type.as_deref().unwrap_or(""))
                .arg("rid")
                .arg(&d.request_id)
                .arg("recv")
                .arg(d.received_at_ms)
                .arg("ts")
                .arg(d.timestamp.unwrap_or(0))
                .arg("until")
                .arg(d.dedupe_until_ms())
                .arg("attempts")
                .arg(0);
            let n: i64 = invocation
                .invoke_async(&mut conn)
                .await
                .map_err(|e| failed("persist", &e))?;
            match n {
                1 => Ok(Persisted::New),
                2 => {
                    // The stream was gone: records may remain without it.
                    self.orphans
                        .store(true, std::sync::atomic::Ordering::Release);
                    Ok(Persisted::New)
                }
                0 => Ok(Persisted::Duplicate),
                -2 => Err(StoreError::Failed(
                    "redis persist: ran after its deadline, stored nothing".to_owned(),
                )),
                _ => Err(StoreError::Full),
            }
        })
    }

    fn claim<'a>(
        &'a self,
        max: usize,
        _busy: &'a HashSet<String>,
        now_ms: u64,
    ) -> BoxFuture<'a, Result<Vec<Delivery>, StoreError>> {
        Box::pin(async move {
            if max == 0 {
                return Ok(Vec::new());
            }
            self.ensure_group().await?;
            if self
                .orphans
                .swap(false, std::sync::atomic::Ordering::AcqRel)
                && let Err(e) = self.requeue_orphans(now_ms).await
            {
                self.orphans
                    .store(true, std::sync::atomic::Ordering::Release);
                return Err(e);
            }
            let mut conn = self.conn.clone();
            let stream = self.key("stream");
            let _: i64 = self
                .scripts
                .move_due
                .key(self.key("retry"))
                .key(&stream)
                .arg(now_ms)
                .arg(256)
                .invoke_async(&mut conn)
                .await
                .map_err(|e| failed("move due", &e))?;
            // What a dead replica held first, then new entries.
            let visibility = u64::try_from(self.visibility.as_millis()).unwrap_or(u64::MAX);
            let reclaimed: StreamAutoClaimReply = ::redis::cmd("XAUTOCLAIM")
                .arg(&stream)
                .arg(GROUP)
                .arg(&self.consumer)
                .arg(visibility)
                .arg("0-0")
                .arg("COUNT")
                .arg(max)
                .query_async(&mut conn)
                .await
                .map_err(|e| self.group_failed("XAUTOCLAIM", &e))?;
            let mut entries = reclaimed.claimed;
            if !entries.is_empty() {
                tracing::warn!(
                    entries = entries.len(),
                    consumer = %self.consumer,
                    "webhook inbox: took over deliveries another replica held past the visibility timeout"
                );
            }
            if entries.len() < max {
                let read: Option<StreamReadReply> = ::redis::cmd("XREADGROUP")
                    .arg("GROUP")
                    .arg(GROUP)
                    .arg(&self.consumer)
                    .arg("COUNT")
                    .arg(max - entries.len())
                    .arg("STREAMS")
                    .arg(&stream)
                    .arg(">")
                    .query_async(&mut conn)
                    .await
                    .map_err(|e| self.group_failed("XREADGROUP", &e))?;
                if let Some(read) = read {
                    for key in read.keys {
                        entries.extend(key.ids);
                    }
                }
            }
            self.load(entries).await
        })
    }

    fn touch<'a>(&'a self, held: &'a [&'a Delivery]) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            if held.is_empty() {
                return Ok(());
            }
            let mut conn = self.conn.clone();
            let mut cmd = ::redis::cmd("XCLAIM");
            cmd.arg(self.key("stream"))
                .arg(GROUP)
                .arg(&self.consumer)
                .arg(0);
            for d in held {
                cmd.arg(&d.key);
            }
            cmd.arg("JUSTID");
            let _: Value = cmd
                .query_async(&mut conn)
                .await
                .map_err(|e| self.group_failed("XCLAIM", &e))?;
            Ok(())
        })
    }

    fn delivered<'a>(
        &'a self,
        d: &'a Delivery,
        now_ms: u64,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            let mut conn = self.conn.clone();
            let _: i64 = self
                .scripts
                .delivered
                .key(self.key("stream"))
                .key(self.record(&d.webhook, &d.id))
                .key(self.key("pending"))
                .arg(GROUP)
                .arg(&d.key)
                .arg(d.dedupe_until_ms)
                .arg(now_ms)
                .arg(&d.webhook)
                .invoke_async(&mut conn)
                .await
                .map_err(|e| self.group_failed("delivered", &e))?;
            Ok(())
        })
    }

    fn retry<'a>(
        &'a self,
        d: &'a Delivery,
        at_ms: u64,
        error: &'a str,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            let mut conn = self.conn.clone();
            let _: i64 = self
                .scripts
                .retry
                .key(self.key("stream"))
                .key(self.record(&d.webhook, &d.id))
                .key(self.key("retry"))
                .arg(GROUP)
                .arg(&d.key)
                .arg(at_ms)
                .arg(error)
                .arg(reference(&d.webhook, &d.id))
                .invoke_async(&mut conn)
                .await
                .map_err(|e| self.group_failed("retry", &e))?;
            Ok(())
        })
    }

    fn dead<'a>(
        &'a self,
        d: &'a Delivery,
        error: &'a str,
        _now_ms: u64,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            let mut conn = self.conn.clone();
            let _: i64 = self
                .scripts
                .dead
                .key(self.key("stream"))
                .key(self.record(&d.webhook, &d.id))
                .key(self.key("dead"))
                .key(self.key("pending"))
                .arg(GROUP)
                .arg(&d.key)
                .arg(error)
                .arg(reference(&d.webhook, &d.id))
                .arg(d.received_at_ms)
                .arg(&d.webhook)
                .invoke_async(&mut conn)
                .await
                .map_err(|e| self.group_failed("dead", &e))?;
            Ok(())
        })
    }

    fn release<'a>(&'a self, d: &'a Delivery) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            let mut conn = self.conn.clone();
            let _: i64 = self
                .scripts
                .release
                .key(self.key("stream"))
                .key(self.record(&d.webhook, &d.id))
                .arg(GROUP)
                .arg(&d.key)
                .arg(reference(&d.webhook, &d.id))
                .invoke_async(&mut conn)
                .await
                .map_err(|e| self.group_failed("release", &e))?;
            Ok(())
        })
    }

    fn dead_letters(&self, limit: usize) -> BoxFuture<'_, Result<Vec<DeadLetter>, StoreError>> {
        Box::pin(async move {
            let mut conn = self.conn.clone();
            let stop = isize::try_from(limit)
                .unwrap_or(isize::MAX)
                .saturating_sub(1);
            if limit == 0 {
                return Ok(Vec::new());
            }
            let refs: Vec<String> = conn
                .zrange(self.key("dead"), 0, stop)
                .await
                .map_err(|e| failed("ZRANGE", &e))?;
            let mut out = Vec::with_capacity(refs.len());
            for r in refs {
                let Some((webhook, id)) = split_reference(&r) else {
                    continue;
                };
                let fields: HashMap<String, Vec<u8>> = conn
                    .hgetall(self.record(webhook, id))
                    .await
                    .map_err(|e| failed("HGETALL", &e))?;
                out.push(DeadLetter {
                    webhook: webhook.to_owned(),
                    id: id.to_owned(),
                    request_id: text(&fields, "rid").unwrap_or_default(),
                    received_at_ms: number(&fields, "recv").unwrap_or(0),
                    attempts: number(&fields, "attempts")
                        .and_then(|n| u32::try_from(n).ok())
                        .unwrap_or(0),
                    last_error: text(&fields, "err").unwrap_or_default(),
                    bytes: fields.get("body").map_or(0, Vec::len),
                });
            }
            Ok(out)
        })
    }

    fn redeliver<'a>(
        &'a self,
        webhook: &'a str,
        id: &'a str,
        _now_ms: u64,
    ) -> BoxFuture<'a, Result<bool, StoreError>> {
        Box::pin(async move {
            let mut conn = self.conn.clone();
            let n: i64 = self
                .scripts
                .redeliver
                .key(self.key("dead"))
                .key(self.key("stream"))
                .key(self.record(webhook, id))
                .key(self.key("pending"))
                .arg(reference(webhook, id))
                .arg(webhook)
                .invoke_async(&mut conn)
                .await
                .map_err(|e| failed("redeliver", &e))?;
            Ok(n == 1)
        })
    }

    fn redeliver_all(&self, now_ms: u64) -> BoxFuture<'_, Result<u64, StoreError>> {
        Box::pin(async move {
            let mut conn = self.conn.clone();
            let mut total = 0;
            loop {
                let refs: Vec<String> = conn
                    .zrange(self.key("dead"), 0, 99)
                    .await
                    .map_err(|e| failed("ZRANGE", &e))?;
                if refs.is_empty() {
                    return Ok(total);
                }
                for r in &refs {
                    match split_reference(r) {
                        Some((webhook, id)) => {
                            if self.redeliver(webhook, id, now_ms).await? {
                                total += 1;
                            }
                        }
                        None => {
                            let _: i64 = conn
                                .zrem(self.key("dead"), r)
                                .await
                                .map_err(|e| failed("ZREM", &e))?;
                        }
                    }
                }
            }
        })
    }

    fn summary(&self, now_ms: u64) -> BoxFuture<'_, Result<Summary, StoreError>> {
        Box::pin(async move {
            self.ensure_group().await?;
            let mut conn = self.conn.clone();
            let stream = self.key("stream");
            let (by_webhook, dead, retrying): (HashMap<String, i64>, u64, u64) = ::redis::pipe()
                .hgetall(self.key("pending"))
                .zcard(self.key("dead"))
                .zcard(self.key("retry"))
                .query_async(&mut conn)
                .await
                .map_err(|e| self.group_failed("summary", &e))?;
            let mut summary = Summary {
                dead_letters: dead,
                retrying,
                ..Summary::default()
            };
            for (name, n) in by_webhook {
                if n > 0 {
                    let n = u64::try_from(n).unwrap_or(0);
                    summary.pending += n;
                    summary.pending_by_webhook.insert(name, n);
                }
            }
            // The oldest pending and the most attempts, from the head of
            // the stream and the earliest retries (a sample, not a scan).
            let head: Vec<(String, Vec<(String, String)>)> = ::redis::cmd("XRANGE")
                .arg(&stream)
                .arg("-")
                .arg("+")
                .arg("COUNT")
                .arg(50)
                .query_async(&mut conn)
                .await
                .map_err(|e| failed("XRANGE", &e))?;
            let mut refs: Vec<String> = head
                .into_iter()
                .filter_map(|(_, fields)| {
                    fields.into_iter().find(|(k, _)| k == "r").map(|(_, v)| v)
                })
                .collect();
            let retries: Vec<String> = conn
                .zrange(self.key("retry"), 0, 49)
                .await
                .map_err(|e| failed("ZRANGE", &e))?;
            refs.extend(retries);
            let mut oldest = None::<u64>;
            for r in refs {
                let Some((webhook, id)) = split_reference(&r) else {
                    continue;
                };
                let (recv, attempts): (Option<u64>, Option<u32>) = ::redis::cmd("HMGET")
                    .arg(self.record(webhook, id))
                    .arg("recv")
                    .arg("attempts")
                    .query_async(&mut conn)
                    .await
                    .map_err(|e| failed("HMGET", &e))?;
                if let Some(recv) = recv {
                    oldest = Some(oldest.map_or(recv, |o| o.min(recv)));
                }
                summary.max_attempts = summary.max_attempts.max(attempts.unwrap_or(0));
            }
            summary.oldest_pending_age_secs =
                oldest.map_or(0.0, |t| now_ms.saturating_sub(t) as f64 / 1000.0);
            Ok(summary)
        })
    }

    fn purge(&self, _now_ms: u64) -> BoxFuture<'_, Result<u64, StoreError>> {
        // Delivered records expire by themselves (PEXPIREAT).
        Box::pin(std::future::ready(Ok(0)))
    }
}

/// The bench's baseline: `XADD` of the same fields, nothing else.
#[doc(hidden)]
pub async fn bare_xadd(
    conn: &mut ConnectionManager,
    stream: &str,
    d: &NewDelivery,
) -> Result<(), StoreError> {
    let _: String = ::redis::cmd("XADD")
        .arg(stream)
        .arg("*")
        .arg("webhook")
        .arg(&d.webhook)
        .arg("id")
        .arg(&d.id)
        .arg("body")
        .arg(&d.body[..])
        .arg("rid")
        .arg(&d.request_id)
        .arg("recv")
        .arg(d.received_at_ms)
        .query_async(conn)
        .await
        .map_err(|e| failed("XADD", &e))?;
    Ok(())
}
