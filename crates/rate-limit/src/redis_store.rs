//! The same windows in Redis, shared by every replica (feature `redis`).

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use tokio::sync::{mpsc, oneshot};

use crate::window::{Decision, Window};
use crate::{ClientKey, Clock, FailurePolicy, SystemClock, Tier, Tiers};

/// The key prefix of every state this store writes.
pub const DEFAULT_PREFIX: &str = "alphaguard:rl:";

/// The most checks one script call decides: a call holds Redis's one
/// thread for about a microsecond a check, so this bounds how long other
/// clients of the server wait behind one.
pub const MAX_BATCH: usize = 64;

/// Checks, each atomically: the algorithm of [`Window::decide`] in Lua,
/// over whole milliseconds, for each key of the call in turn (several
/// callers' checks share one call, see [`RedisLimiter`]; a key that comes
/// twice is checked twice, the second time against what the first wrote).
/// Five arguments a key: `now_ms`, `bucket_ms`, counters, limit and the
/// expiry in milliseconds.
///
/// The state is binary: a version byte (1), then the
/// bucket index and the counters, the current bucket's first, as
/// big-endian doubles (exact to 2^53) packed by Redis's `struct` library,
/// which decodes and encodes it in one call each (parsing and writing it
/// as text was most of the script's time: 16.9 µs per call against 8.3 in
/// `INFO commandstats`). The text state of earlier versions
/// (`"<idx> <c0> <c1> ..."`) is still read, so a window in progress
/// survives the upgrade; anything else counts as none. The state expires
/// on its own once it counts nothing (`PX` = counters × bucket).
///
/// Only an admitted request writes. A new client's state is written
/// without decoding anything; a refused request leaves the state as it
/// was, since what it would write (the same counters, perhaps shifted to
/// a later bucket) decodes to the same window, and its expiry, set at the
/// last admitted request, is when every counted request has left the
/// window. A client flooding past its limit costs Redis one `GET` per
/// request, not a `GET` and a `SET`.
///
/// A stored state is read only if it is whole: integer index and counters,
/// none negative or above the limit, the text form digits and spaces only;
/// anything else at the key, a value of another type included, counts as
/// none (a fresh window), never as room beyond the limit or as a failure.
/// The reply is `{allowed, remaining, frees}` for each key in turn,
/// `frees` the bucket at whose start the oldest counted request leaves the
/// window, so the wait is reckoned from the caller's clock to the
/// nanosecond, as the memory store reckons it.
const SCRIPT: &str = r"
local function check(key, now_ms, bucket_ms, n, limit, px)
  local now_idx = math.floor(now_ms / bucket_ms)
  local idx = now_idx
  -- A value of another type at the key (a hash, say) is an error for GET:
  -- it counts as none, and the SET below replaces it.
  local raw = redis.pcall('GET', key)
  if type(raw) == 'table' then raw = false end
  if not raw and limit > 0 then
    -- One request in the current bucket, every other counter zero (the
    -- double 0 is eight zero bytes).
    local state = struct.pack('>Bdd', 1, idx, 1) .. string.rep('\0', 8 * n - 8)
    redis.call('SET', key, state, 'PX', px)
    return 1, limit - 1, idx + n
  end
  local fmt = '>Bd' .. string.rep('d', n)
  local c = {}
  for i = 1, n do c[i] = 0 end
  -- The stored bucket index, and where its counters are in `v`.
  local stored, v, at = nil, nil, 0
  if raw and #raw == 9 + 8 * n and string.byte(raw, 1) == 1 then
    v = {struct.unpack(fmt, raw)}
    stored, at = v[2], 2
  elseif raw and string.find(raw, '^%d+[ %d]*$') then
    v = {}
    for x in string.gmatch(raw, '%d+') do v[#v + 1] = tonumber(x) end
    if #v == n + 1 then stored, at = v[1], 1 end
  end
  -- Whole numbers only (NaN and the infinities fail `% 1 == 0`), each
  -- counter at most the limit: anything else counts as none.
  if stored and not (stored >= 0 and stored < 2 ^ 53 and stored % 1 == 0) then
    stored = nil
  end
  if stored then
    local diff = idx - stored
    -- A state up to 256 buckets ahead (another replica's clock a little
    -- ahead) counts as current, as `Window` treats it; one further ahead
    -- counts as none, so a clock that jumped forward cannot hold a client
    -- back for longer than that.
    if diff < 0 and diff >= -256 then
      idx = stored
      diff = 0
    end
    -- The counters still in the window, checked as they are copied (those
    -- that left it are not read).
    if diff >= 0 then
      for i = 1, n - diff do
        local x = v[at + i]
        if not (x >= 0 and x <= limit and x % 1 == 0) then
          for j = 1, n do c[j] = 0 end
          idx = now_idx
          break
        end
        c[i + diff] = x
      end
    end
  end
  local sum, oldest = 0, 0
  for i = 1, n do
    local x = c[i]
    sum = sum + x
    if x > 0 then oldest = i - 1 end
  end
  local allowed = 0
  if sum < limit then
    allowed = 1
    c[1] = c[1] + 1
    sum = sum + 1
    redis.call('SET', key, struct.pack(fmt, 1, idx, unpack(c, 1, n)), 'PX', px)
  end
  -- The bucket at whose start the oldest counted request leaves the window
  -- (0: nothing counted); the caller turns it into a wait from its own clock.
  local frees = 0
  if sum > 0 then frees = idx + n - oldest end
  return allowed, limit - sum, frees
end
local out = {}
for k = 1, #KEYS do
  local a = 5 * k - 4
  local allowed, remaining, frees = check(KEYS[k], tonumber(ARGV[a]), tonumber(ARGV[a + 1]),
    tonumber(ARGV[a + 2]), tonumber(ARGV[a + 3]), ARGV[a + 4])
  out[3 * k - 2], out[3 * k - 1], out[3 * k] = allowed, remaining, frees
end
return out
";

/// Why the Redis store could not answer. Never holds the URL (which may
/// carry a password).
#[derive(Debug, Clone)]
pub struct RedisStoreError {
    what: String,
}

impl fmt::Display for RedisStoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "rate-limit store unavailable: {}", self.what)
    }
}

impl std::error::Error for RedisStoreError {}

fn store_error(context: &str, e: &redis::RedisError) -> RedisStoreError {
    RedisStoreError {
        what: format!("{context}: {:?}", e.kind()),
    }
}

/// A rate limiter whose state lives in Redis: one `EVALSHA` per check, or
/// fewer (the script is loaded on first use and again after `NOSCRIPT`),
/// over a multiplexed connection that reconnects by itself, with
/// timeouts. Several replicas pointed at one Redis enforce one budget per
/// client.
///
/// **Checks made at the same time share a script call.** Each check is
/// handed to a task of the limiter's own, which sends whatever checks are
/// waiting (up to [`MAX_BATCH`]) as one `EVALSHA`, and sends the next
/// batch without waiting for the reply to the last. The script decides
/// the checks of a call one after another, each atomically, exactly as
/// separate calls would; what is saved is Redis's cost of a call (about a
/// third of a check's server time), and the round trips' syscalls. A lone
/// check goes out alone, at once. The task is started with the limiter,
/// on the tokio runtime it is made on (the one its connection is made on
/// and driven by; without one, on the runtime of the first check; with
/// none there either, the check fails and the failure policy applies). It
/// ends when the limiter is dropped, or with its runtime, and then the
/// next check starts another on its own runtime. A check whose caller
/// gives up is still counted, as a sent command is.
/// All the keys of a call must be on one server: the store does not
/// support Redis Cluster.
///
/// Time comes from a [`Clock`] (the system clock by default): replicas'
/// clocks must agree to well within a bucket (NTP does).
pub struct RedisLimiter<C = SystemClock> {
    /// What the limiter and its batching task both read.
    store: Arc<Store>,
    policy: FailurePolicy,
    clock: C,
    failures: AtomicU64,
    denied: Box<[AtomicU64]>,
    /// The batching task's queue, made on the first check (and again on
    /// a check after the task's runtime shut down).
    batcher: Mutex<Option<mpsc::UnboundedSender<Pending>>>,
}

/// The script's `{allowed, remaining, frees}` for one check, or why the
/// call failed.
type Reply = Result<(i64, i64, i64), RedisStoreError>;

/// One check waiting for its script call.
struct Pending {
    /// The tier's index among the windows.
    window: usize,
    key: ClientKey,
    now_ms: u64,
    reply: oneshot::Sender<Reply>,
}

/// The connection, the script, the key prefix and the quotas: what the
/// limiter and its batching task both read.
#[derive(Clone)]
struct Store {
    conn: ConnectionManager,
    script: redis::Script,
    prefix: String,
    tiers: Tiers,
    /// One per tier, in the order of the tiers.
    windows: Box<[Window]>,
}

impl RedisLimiter {
    fn client_and_config(
        url: &str,
    ) -> Result<(redis::Client, ConnectionManagerConfig), RedisStoreError> {
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(Duration::from_secs(2)))
            .set_response_timeout(Some(Duration::from_millis(500)))
            .set_number_of_retries(1);
        let client = redis::Client::open(url).map_err(|_| RedisStoreError {
            what: "invalid Redis URL".to_owned(),
        })?;
        Ok((client, config))
    }

    /// Connects to `url` with a 2 s connection and 500 ms response timeout.
    pub async fn connect(
        url: &str,
        tiers: Tiers,
        policy: FailurePolicy,
    ) -> Result<Self, RedisStoreError> {
        let (client, config) = Self::client_and_config(url)?;
        let conn = ConnectionManager::new_with_config(client, config)
            .await
            .map_err(|e| store_error("connect", &e))?;
        Ok(Self::from_connection(conn, tiers, policy, SystemClock))
    }

    /// As [`connect`](Self::connect), without waiting for Redis: the
    /// connection is made on first use, and made again on every use after
    /// a failure, so a service can start while Redis is down. Until it
    /// connects, every check fails and follows the failure policy (and
    /// [`ping`](Self::ping) fails). Errors only for a malformed URL. Needs
    /// a tokio runtime.
    pub fn connect_lazy(
        url: &str,
        tiers: Tiers,
        policy: FailurePolicy,
    ) -> Result<Self, RedisStoreError> {
        let (client, config) = Self::client_and_config(url)?;
        let conn = ConnectionManager::new_lazy_with_config(client, config)
            .map_err(|e| store_error("connect", &e))?;
        Ok(Self::from_connection(conn, tiers, policy, SystemClock))
    }
}

impl<C: Clock> RedisLimiter<C> {
    /// A limiter over an existing connection and a clock.
    pub fn from_connection(
        conn: ConnectionManager,
        tiers: Tiers,
        policy: FailurePolicy,
        clock: C,
    ) -> Self {
        Self {
            denied: tiers.iter().map(|_| AtomicU64::new(0)).collect(),
            store: Arc::new(Store {
                windows: tiers.iter().map(|(_, _, q)| Window::new(q)).collect(),
                tiers,
                conn,
                script: redis::Script::new(SCRIPT),
                prefix: DEFAULT_PREFIX.to_owned(),
            }),
            policy,
            clock,
            failures: AtomicU64::new(0),
            batcher: Mutex::new(None),
        }
        .batching_here()
    }

    /// Starts the batching task on the runtime this is called on, if any:
    /// the one the connection was made on, and is driven by.
    fn batching_here(self) -> Self {
        if let Ok(sender) = self.start_batching() {
            *self.batcher.lock().unwrap_or_else(PoisonError::into_inner) = Some(sender);
        }
        self
    }

    /// Sets the key prefix (default `alphaguard:rl:`).
    pub fn with_prefix(mut self, prefix: impl Into<String>) -> Self {
        // The batching task started already reads the old prefix (its own
        // copy of the store is kept until it ends): another
        // takes its place (the old one ends with its queue).
        Arc::make_mut(&mut self.store).prefix = prefix.into();
        self.batcher = Mutex::new(None);
        self.batching_here()
    }

    /// The Redis key of a client's state in a tier (by the tier's name, so
    /// replicas that list their tiers in another order still agree).
    pub fn state_key(&self, tier: Tier, key: &ClientKey) -> String {
        StateKey {
            prefix: &self.store.prefix,
            tier: self.store.tiers.name(tier).unwrap_or("unknown"),
            key,
        }
        .to_string()
    }

    /// Decides one request, or says why Redis could not.
    ///
    /// One script call in one round trip, shared with the checks made at
    /// the same time (see [`RedisLimiter`]); the command is built in one
    /// buffer, the keys written into it from the stack. `SCRIPT LOAD` and
    /// a second try only after `NOSCRIPT` (a restarted or flushed Redis).
    pub async fn try_check(
        &self,
        tier: Tier,
        key: &ClientKey,
    ) -> Result<Decision, RedisStoreError> {
        let Some(window) = self.store.windows.get(tier.index()) else {
            return Ok(crate::limiter::unknown_tier(tier));
        };
        let now_ns = self.clock.now_nanos();
        let reply = self.submit(tier.index(), key, now_ns / 1_000_000)?;
        let reply = reply.await.map_err(|_| stopped())??;
        Ok(self.decision(tier, window, reply, now_ns))
    }

    /// Queues one check for the batching task (started here if there is
    /// none, or it ended with its runtime); the receiver gets the script's
    /// reply.
    fn submit(
        &self,
        window: usize,
        key: &ClientKey,
        now_ms: u64,
    ) -> Result<oneshot::Receiver<Reply>, RedisStoreError> {
        let (reply, receiver) = oneshot::channel();
        let mut check = Pending {
            window,
            key: *key,
            now_ms,
            reply,
        };
        // The lock holds only the queue's sender, whole at any time: a
        // panic elsewhere cannot leave it half-written.
        let mut queue = self.batcher.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(sender) = queue.as_ref() {
            match sender.send(check) {
                Ok(()) => return Ok(receiver),
                // The task ended with its runtime: start another.
                Err(mpsc::error::SendError(back)) => check = back,
            }
        }
        let sender = self.start_batching()?;
        sender.send(check).map_err(|_| stopped())?;
        *queue = Some(sender);
        Ok(receiver)
    }

    /// Starts a batching task on the caller's runtime; returns its queue.
    fn start_batching(&self) -> Result<mpsc::UnboundedSender<Pending>, RedisStoreError> {
        // Outside a tokio runtime there is nothing to run it on: an error,
        // not a panic (the connection needs tokio too).
        let runtime = tokio::runtime::Handle::try_current().map_err(|_| RedisStoreError {
            what: "no tokio runtime to run the batching task on".to_owned(),
        })?;
        let (sender, queue) = mpsc::unbounded_channel();
        runtime.spawn(batch_loop(Arc::clone(&self.store), queue));
        Ok(sender)
    }

    /// Decides one request from `key` in each of `tiers` (a client limited
    /// per minute and per hour, say), in one round trip: the checks are
    /// queued together, so they go out in one script call (or, should the
    /// batching task take a batch between them, in two pipelined ones),
    /// and each tier counts the request as [`try_check`](Self::try_check)
    /// would. After `NOSCRIPT` the script is loaded and the call sent
    /// again.
    pub async fn try_check_tiers(
        &self,
        tiers: &[Tier],
        key: &ClientKey,
    ) -> Result<Vec<Decision>, RedisStoreError> {
        let now_ns = self.clock.now_nanos();
        let mut replies = Vec::with_capacity(tiers.len());
        for &tier in tiers {
            if self.store.windows.get(tier.index()).is_some() {
                replies.push(self.submit(tier.index(), key, now_ns / 1_000_000)?);
            }
        }
        let mut decisions = Vec::with_capacity(tiers.len());
        let mut replies = replies.into_iter();
        for &tier in tiers {
            // Only a known tier was queued, and took a reply.
            let queued = self
                .store
                .windows
                .get(tier.index())
                .and_then(|window| Some((window, replies.next()?)));
            let decision = match queued {
                Some((window, reply)) => {
                    let reply = reply.await.map_err(|_| stopped())??;
                    self.decision(tier, window, reply, now_ns)
                }
                None => crate::limiter::unknown_tier(tier),
            };
            decisions.push(decision);
        }
        Ok(decisions)
    }

    /// The script's `{allowed, remaining, frees}` as a decision at `now_ns`,
    /// the time its command was built from.
    fn decision(
        &self,
        tier: Tier,
        window: &Window,
        reply: (i64, i64, i64),
        now_ns: u64,
    ) -> Decision {
        let (allowed, remaining, frees) = reply;
        let decision = Decision {
            allowed: allowed == 1,
            limit: window.limit(),
            remaining: u32::try_from(remaining.max(0)).unwrap_or(0),
            reset: window.until_bucket(u64::try_from(frees).unwrap_or(0), now_ns),
        };
        if !decision.allowed {
            self.count_denial(tier);
        }
        decision
    }

    /// Decides one request; when Redis fails, applies the failure policy
    /// (counted by [`Self::store_failures`]) and logs why.
    pub async fn check(&self, tier: Tier, key: &ClientKey) -> Decision {
        match self.try_check(tier, key).await {
            Ok(decision) => decision,
            Err(e) => {
                self.failures.fetch_add(1, Ordering::Relaxed);
                let limit = self
                    .store
                    .windows
                    .get(tier.index())
                    .map_or(0, Window::limit);
                tracing::error!(error = %e, policy = ?self.policy, "rate-limit store failed");
                match self.policy {
                    FailurePolicy::FailClosed => {
                        self.count_denial(tier);
                        Decision {
                            allowed: false,
                            limit,
                            remaining: 0,
                            reset: Duration::from_secs(1),
                        }
                    }
                    FailurePolicy::FailOpen => Decision {
                        allowed: true,
                        limit,
                        remaining: limit.saturating_sub(1),
                        reset: Duration::ZERO,
                    },
                }
            }
        }
    }

    /// How often the failure policy fired.
    pub fn store_failures(&self) -> u64 {
        self.failures.load(Ordering::Relaxed)
    }

    /// The failure policy.
    pub fn failure_policy(&self) -> FailurePolicy {
        self.policy
    }

    fn count_denial(&self, tier: Tier) {
        if let Some(n) = self.denied.get(tier.index()) {
            n.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// How many requests of `tier` were refused (including by policy).
    pub fn denials(&self, tier: Tier) -> u64 {
        self.denied
            .get(tier.index())
            .map_or(0, |n| n.load(Ordering::Relaxed))
    }

    /// The quotas.
    pub fn tiers(&self) -> &Tiers {
        &self.store.tiers
    }

    /// A `PING` on the limiter's own connection: the round trip a check is
    /// measured against.
    pub async fn ping(&self) -> Result<(), RedisStoreError> {
        let mut conn = self.store.conn.clone();
        redis::cmd("PING")
            .query_async::<String>(&mut conn)
            .await
            .map(|_| ())
            .map_err(|e| store_error("PING", &e))
    }
}

/// A client's state key in a tier: `{prefix}{tier name}:{key as 32
/// hexadecimal digits}`, the one spelling [`RedisLimiter::state_key`] and
/// the batched command both write.
struct StateKey<'a> {
    prefix: &'a str,
    tier: &'a str,
    key: &'a ClientKey,
}

impl StateKey<'_> {
    /// Its length in bytes.
    fn len(&self) -> usize {
        self.prefix.len() + self.tier.len() + 1 + 32
    }
}

impl fmt::Display for StateKey<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}{}:{:032x}",
            self.prefix,
            self.tier,
            u128::from_be_bytes(self.key.0)
        )
    }
}

/// The error of a check whose batching task is gone (its runtime shut
/// down).
fn stopped() -> RedisStoreError {
    RedisStoreError {
        what: "the batching task stopped".to_owned(),
    }
}

/// The batching task: takes every check waiting (up to [`MAX_BATCH`]) and
/// sends them as one call, on a task of its own so that the next batch
/// need not wait for this one's reply. Ends when the limiter (the queue's
/// sender) is dropped.
async fn batch_loop(store: Arc<Store>, mut queue: mpsc::UnboundedReceiver<Pending>) {
    let mut batch = Vec::new();
    while queue.recv_many(&mut batch, MAX_BATCH).await > 0 {
        let store = Arc::clone(&store);
        let checks = std::mem::take(&mut batch);
        tokio::spawn(async move { store.send(checks).await });
    }
}

impl Store {
    /// Sends one call for `checks` and hands each its reply (or the
    /// call's error).
    async fn send(&self, checks: Vec<Pending>) {
        let cmd = self.batch_cmd(&checks);
        let result: Result<Vec<i64>, RedisStoreError> = self.query_loading_script(&cmd).await;
        match result {
            Ok(values) if values.len() == 3 * checks.len() => {
                for (check, v) in checks.into_iter().zip(values.chunks_exact(3)) {
                    // A caller that gave up has dropped its receiver.
                    let _ = check.reply.send(Ok((v[0], v[1], v[2])));
                }
            }
            other => {
                let e = other.err().unwrap_or_else(|| RedisStoreError {
                    what: "script: a reply of the wrong length".to_owned(),
                });
                for check in checks {
                    let _ = check.reply.send(Err(e.clone()));
                }
            }
        }
    }

    /// Runs `cmd`; after `NOSCRIPT` (the server lost its script cache: a
    /// restart, `SCRIPT FLUSH`), loads the script and runs it once more.
    async fn query_loading_script(&self, cmd: &redis::Cmd) -> Result<Vec<i64>, RedisStoreError> {
        let mut conn = self.conn.clone();
        match cmd.query_async(&mut conn).await {
            Err(e) if e.kind() == redis::ErrorKind::Server(redis::ServerErrorKind::NoScript) => {
                self.script
                    .load_async(&mut conn)
                    .await
                    .map_err(|e| store_error("script load", &e))?;
                cmd.query_async(&mut conn).await
            }
            other => other,
        }
        .map_err(|e| store_error("script", &e))
    }

    /// `EVALSHA <sha> <k> <key>… (<now_ms> <bucket_ms> <counters> <limit>
    /// <px_ms>)…` for the `k` checks, in one buffer: each key as
    /// [`RedisLimiter::state_key`] spells it, written from the stack when
    /// it fits.
    fn batch_cmd(&self, checks: &[Pending]) -> redis::Cmd {
        let mut cmd = redis::Cmd::with_capacity(3 + 6 * checks.len(), 48 + 160 * checks.len());
        cmd.arg("EVALSHA")
            .arg(self.script.get_hash())
            .arg(checks.len());
        let mut buf = [0u8; 128];
        for check in checks {
            let key = StateKey {
                prefix: &self.prefix,
                tier: self
                    .tiers
                    .name(Tier::from_index(check.window))
                    .unwrap_or("unknown"),
                key: &check.key,
            };
            if key.len() <= buf.len() {
                let mut cursor = std::io::Cursor::new(&mut buf[..]);
                // Cannot fail: the buffer holds the key's bytes.
                let _ = std::io::Write::write_fmt(&mut cursor, format_args!("{key}"));
                cmd.arg(&buf[..key.len()]);
            } else {
                cmd.arg(key.to_string());
            }
        }
        for check in checks {
            // Only a known tier's check is queued; any other is refused.
            let (bucket_ms, counters, limit) =
                self.windows.get(check.window).map_or((1, 1, 0), |w| {
                    (w.bucket().as_millis() as u64, w.counters(), w.limit())
                });
            cmd.arg(check.now_ms)
                .arg(bucket_ms)
                .arg(counters)
                .arg(limit)
                .arg(bucket_ms.saturating_mul(u64::from(counters)));
        }
        cmd
    }
}

impl<C: fmt::Debug> fmt::Debug for RedisLimiter<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisLimiter")
            .field("tiers", &self.store.tiers)
            .field("prefix", &self.store.prefix)
            .field("policy", &self.policy)
            .field("clock", &self.clock)
            .finish_non_exhaustive()
    }
}
