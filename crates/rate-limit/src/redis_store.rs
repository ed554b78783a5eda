//! The same windows in Redis, shared by every replica (feature `redis`).

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};

use crate::window::{Decision, Window};
use crate::{ClientKey, Clock, FailurePolicy, SystemClock, Tier, Tiers};

/// The key prefix of every state this store writes.
pub const DEFAULT_PREFIX: &str = "alphaguard:rl:";

/// One check, atomically: the algorithm of [`Window::decide`] in Lua, over
/// whole milliseconds. The state is binary: a version byte (1), then the
/// bucket index and the counters, the current bucket's first, as
/// big-endian doubles (exact to 2^53) packed by Redis's `struct` library,
/// which decodes and encodes it in one call each (parsing and writing it
/// as text was most of the script's time: 16.9 µs per call against 8.3 in
/// `INFO commandstats`). The text state of earlier versions
/// (`"<idx> <c0> <c1> ..."`) is still read, so a window in progress
/// survives the upgrade; anything else counts as none. The state expires
/// on its own once it counts nothing (`PX` = counters × bucket,
/// `ARGV[5]`).
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
/// The reply is `{allowed, remaining, frees}`, `frees` the bucket at whose
/// start the oldest counted request leaves the window, so the wait is
/// reckoned from the caller's clock to the nanosecond, as the memory store
/// reckons it.
const SCRIPT: &str = r"
local now_ms = tonumber(ARGV[1])
local bucket_ms = tonumber(ARGV[2])
local n = tonumber(ARGV[3])
local limit = tonumber(ARGV[4])
local now_idx = math.floor(now_ms / bucket_ms)
local idx = now_idx
-- A value of another type at the key (a hash, say) is an error for GET:
-- it counts as none, and the SET below replaces it.
local raw = redis.pcall('GET', KEYS[1])
if type(raw) == 'table' then raw = false end
if not raw and limit > 0 then
  -- One request in the current bucket, every other counter zero (the
  -- double 0 is eight zero bytes).
  local state = struct.pack('>Bdd', 1, idx, 1) .. string.rep('\0', 8 * n - 8)
  redis.call('SET', KEYS[1], state, 'PX', ARGV[5])
  return {1, limit - 1, idx + n}
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
  redis.call('SET', KEYS[1], struct.pack(fmt, 1, idx, unpack(c, 1, n)), 'PX', ARGV[5])
end
-- The bucket at whose start the oldest counted request leaves the window
-- (0: nothing counted); the caller turns it into a wait from its own clock.
local frees = 0
if sum > 0 then frees = idx + n - oldest end
return {allowed, limit - sum, frees}
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

/// A rate limiter whose state lives in Redis: one `EVALSHA` per check (the
/// script is loaded on first use and again after `NOSCRIPT`), over a
/// multiplexed connection that reconnects by itself, with timeouts. Several
/// replicas pointed at one Redis enforce one budget per client.
///
/// Time comes from a [`Clock`] (the system clock by default): replicas'
/// clocks must agree to well within a bucket (NTP does).
pub struct RedisLimiter<C = SystemClock> {
    tiers: Tiers,
    windows: Box<[Window]>,
    conn: ConnectionManager,
    script: redis::Script,
    prefix: String,
    policy: FailurePolicy,
    clock: C,
    failures: AtomicU64,
    denied: Box<[AtomicU64]>,
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
            windows: tiers.iter().map(|(_, _, q)| Window::new(q)).collect(),
            denied: tiers.iter().map(|_| AtomicU64::new(0)).collect(),
            tiers,
            conn,
            script: redis::Script::new(SCRIPT),
            prefix: DEFAULT_PREFIX.to_owned(),
            policy,
            clock,
            failures: AtomicU64::new(0),
        }
    }

    /// Sets the key prefix (default `alphaguard:rl:`).
    pub fn with_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        self
    }

    /// The Redis key of a client's state in a tier (by the tier's name, so
    /// replicas that list their tiers in another order still agree).
    pub fn state_key(&self, tier: Tier, key: &ClientKey) -> String {
        format!(
            "{}{}:{:032x}",
            self.prefix,
            self.tiers.name(tier).unwrap_or("unknown"),
            u128::from_be_bytes(key.0)
        )
    }

    /// Decides one request, or says why Redis could not.
    ///
    /// One `EVALSHA` in one round trip: the command is built in one buffer
    /// (the key written into it from the stack, the numbers as digits), so
    /// the only allocations are the command's own. `SCRIPT LOAD` and a
    /// second try only after `NOSCRIPT` (a restarted or flushed Redis).
    pub async fn try_check(
        &self,
        tier: Tier,
        key: &ClientKey,
    ) -> Result<Decision, RedisStoreError> {
        let Some(window) = self.windows.get(tier.index()) else {
            return Ok(crate::limiter::unknown_tier(tier));
        };
        let now_ns = self.clock.now_nanos();
        let cmd = &self.check_cmd(tier, window, key, now_ns / 1_000_000);
        let reply = self
            .query_loading_script(move |mut conn| async move { cmd.query_async(&mut conn).await })
            .await?;
        Ok(self.decision(tier, window, reply, now_ns))
    }

    /// Runs `query` on the connection; after `NOSCRIPT` (the server lost
    /// its script cache: a restart, `SCRIPT FLUSH`), loads the script and
    /// runs it once more.
    async fn query_loading_script<T, Fut>(
        &self,
        query: impl Fn(ConnectionManager) -> Fut,
    ) -> Result<T, RedisStoreError>
    where
        Fut: std::future::Future<Output = redis::RedisResult<T>>,
    {
        match query(self.conn.clone()).await {
            Err(e) if e.kind() == redis::ErrorKind::Server(redis::ServerErrorKind::NoScript) => {
                let mut conn = self.conn.clone();
                self.script
                    .load_async(&mut conn)
                    .await
                    .map_err(|e| store_error("script load", &e))?;
                query(conn).await
            }
            other => other,
        }
        .map_err(|e| store_error("script", &e))
    }

    /// Decides one request from `key` in each of `tiers` (a client limited
    /// per minute and per hour, say), in one round trip: the `EVALSHA`s go
    /// out as one pipeline, and each tier counts the request as
    /// [`try_check`](Self::try_check) would. After `NOSCRIPT` the script is
    /// loaded and the whole pipeline sent again; a tier whose first try did
    /// run then counts the request twice, which can only refuse early.
    pub async fn try_check_tiers(
        &self,
        tiers: &[Tier],
        key: &ClientKey,
    ) -> Result<Vec<Decision>, RedisStoreError> {
        let now_ns = self.clock.now_nanos();
        let mut pipe = redis::pipe();
        for &tier in tiers {
            if let Some(window) = self.windows.get(tier.index()) {
                pipe.add_command(self.check_cmd(tier, window, key, now_ns / 1_000_000));
            }
        }
        let replies: Vec<(i64, i64, i64)> = if pipe.is_empty() {
            Vec::new()
        } else {
            let pipe = &pipe;
            self.query_loading_script(
                move |mut conn| async move { pipe.query_async(&mut conn).await },
            )
            .await?
        };
        let mut replies = replies.into_iter();
        Ok(tiers
            .iter()
            .map(|&tier| match self.windows.get(tier.index()) {
                Some(window) => match replies.next() {
                    Some(reply) => self.decision(tier, window, reply, now_ns),
                    None => crate::limiter::unknown_tier(tier),
                },
                None => crate::limiter::unknown_tier(tier),
            })
            .collect())
    }

    /// `EVALSHA <sha> 1 <key> <now_ms> <bucket_ms> <counters> <limit> <px_ms>`.
    fn check_cmd(&self, tier: Tier, window: &Window, key: &ClientKey, now_ms: u64) -> redis::Cmd {
        let name = self.tiers.name(tier).unwrap_or("unknown");
        // The key as `state_key` spells it, on the stack when it fits.
        let hex = format_args!("{:032x}", u128::from_be_bytes(key.0));
        let mut buf = [0u8; 128];
        let key_len = self.prefix.len() + name.len() + 1 + 32;
        let mut cmd = redis::Cmd::with_capacity(10, 40 + 48 + key_len + 60);
        cmd.arg("EVALSHA").arg(self.script.get_hash()).arg(1);
        if key_len <= buf.len() {
            let mut cursor = std::io::Cursor::new(&mut buf[..]);
            // Cannot fail: the buffer holds `key_len` bytes.
            let _ = std::io::Write::write_fmt(
                &mut cursor,
                format_args!("{}{}:{}", self.prefix, name, hex),
            );
            cmd.arg(&buf[..key_len]);
        } else {
            cmd.arg(self.state_key(tier, key));
        }
        let bucket_ms = window.bucket().as_millis() as u64;
        cmd.arg(now_ms)
            .arg(bucket_ms)
            .arg(window.counters())
            .arg(window.limit())
            .arg(bucket_ms.saturating_mul(u64::from(window.counters())));
        cmd
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
                let limit = self.windows.get(tier.index()).map_or(0, Window::limit);
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
        &self.tiers
    }

    /// A `PING` on the limiter's own connection: the round trip a check is
    /// measured against.
    pub async fn ping(&self) -> Result<(), RedisStoreError> {
        let mut conn = self.conn.clone();
        redis::cmd("PING")
            .query_async::<String>(&mut conn)
            .await
            .map(|_| ())
            .map_err(|e| store_error("PING", &e))
    }
}

impl<C: fmt::Debug> fmt::Debug for RedisLimiter<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisLimiter")
            .field("tiers", &self.tiers)
            .field("prefix", &self.prefix)
            .field("policy", &self.policy)
            .field("clock", &self.clock)
            .finish_non_exhaustive()
    }
}
