//! The embedded store: one SQLite file in WAL mode with `synchronous=FULL`.
//!
//! One writer thread owns the connection (off the async runtime). Persists
//! that arrive while it is busy are committed together: one transaction,
//! one fsync of the WAL, and only then is each of them acknowledged (group
//! commit). Worker operations go through the same thread, in order.
//!
//! The file is opened with `locking_mode=EXCLUSIVE`: a second gateway on
//! the same file fails at start instead of delivering the same queue
//! twice. Several replicas share an inbox through Redis instead.

use std::collections::{BTreeSet, HashSet};
use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

use rusqlite::{Connection, OptionalExtension as _, TransactionBehavior, params};
use tokio::sync::oneshot;

use super::store::{BoxFuture, DeadLetter, Delivery, Store, StoreError, Summary};
use super::{NewDelivery, Persisted};

/// Most persists committed in one transaction.
const MAX_BATCH: usize = 1024;

const PENDING: i64 = 0;
const DELIVERED: i64 = 1;
const DEAD: i64 = 2;

/// The table and indexes as the first version made them; [`migrate`] adds
/// what came later.
pub(crate) const SCHEMA_V1: &str = "
CREATE TABLE IF NOT EXISTS deliveries (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    webhook TEXT NOT NULL,
    id TEXT NOT NULL,
    id_verified INTEGER NOT NULL,
    signed INTEGER NOT NULL,
    body BLOB NOT NULL,
    content_type TEXT,
    request_id TEXT NOT NULL,
    received_at_ms INTEGER NOT NULL,
    timestamp INTEGER,
    dedupe_until_ms INTEGER NOT NULL,
    state INTEGER NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_ms INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    finished_at_ms INTEGER,
    UNIQUE (webhook, id)
);
CREATE INDEX IF NOT EXISTS deliveries_queue ON deliveries (state, webhook, seq);
CREATE INDEX IF NOT EXISTS deliveries_expiry ON deliveries (state, dedupe_until_ms);
";

/// Brings a file made by an earlier version up to date: the `scope`
/// column (ids unique across the webhooks sharing a secret) and its index.
fn migrate(conn: &Connection) -> Result<(), StoreError> {
    conn.execute_batch(SCHEMA_V1).map_err(failed)?;
    let has_scope: bool = conn
        .query_row(
            "SELECT COUNT(*) FROM pragma_table_info('deliveries') WHERE name = 'scope'",
            [],
            |r| r.get::<_, i64>(0),
        )
        .map_err(failed)?
        > 0;
    if !has_scope {
        conn.execute_batch("ALTER TABLE deliveries ADD COLUMN scope TEXT")
            .map_err(failed)?;
    }
    conn.execute_batch(
        "CREATE INDEX IF NOT EXISTS deliveries_scope ON deliveries (scope, id) \
         WHERE scope IS NOT NULL",
    )
    .map_err(failed)
}

const COLUMNS: &str = "seq, id, id_verified, webhook, body, content_type, request_id, \
                       received_at_ms, timestamp, signed, attempts, dedupe_until_ms";

type Job = Box<dyn FnOnce(&mut Writer) + Send>;

type Answer = oneshot::Sender<Result<Persisted, StoreError>>;

enum Op {
    Persist(
        NewDelivery,
        u64,
        oneshot::Sender<Result<Persisted, StoreError>>,
    ),
    Run(Job),
}

/// What the writer thread owns.
struct Writer {
    conn: Connection,
    pending: u64,
    max_pending: u64,
    /// Every webhook with a pending delivery (lanes to look at on claim).
    webhooks: BTreeSet<String>,
}

fn failed(e: rusqlite::Error) -> StoreError {
    StoreError::Failed(format!("sqlite: {e}"))
}

fn to_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

fn to_u64(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

/// The SQLite store.
#[derive(Debug)]
pub struct SqliteStore {
    ops: mpsc::Sender<Op>,
    label: String,
}

impl SqliteStore {
    /// Opens (creating) the file at `path`, and its directory.
    pub fn open(path: &Path, max_pending: u64) -> Result<Self, StoreError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| StoreError::Failed(format!("cannot create {}: {e}", dir.display())))?;
        }
        let conn = Connection::open(path).map_err(failed)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            // Webhook bodies may hold personal data.
            let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600));
        }
        conn.busy_timeout(Duration::ZERO).map_err(failed)?;
        conn.pragma_update(None, "locking_mode", "EXCLUSIVE")
            .map_err(failed)?;
        let mode: String = conn
            .pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))
            .map_err(failed)?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(StoreError::Failed(format!(
                "sqlite: journal_mode is {mode}, not wal"
            )));
        }
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(failed)?;
        Self::start(conn, max_pending, format!("sqlite:{}", path.display()))
            .map_err(|e| match e {
                StoreError::Failed(d) if d.contains("locked") => StoreError::Failed(format!(
                    "{d}: is another gateway using {}? SQLite inboxes are one process each; share one through Redis",
                    path.display()
                )),
                other => other,
            })
    }

    /// SQLite in memory: lost on exit (development only).
    pub fn memory(max_pending: u64) -> Result<Self, StoreError> {
        let conn = Connection::open_in_memory().map_err(failed)?;
        Self::start(conn, max_pending, "memory:".to_owned())
    }

    fn start(conn: Connection, max_pending: u64, label: String) -> Result<Self, StoreError> {
        migrate(&conn)?;
        // Takes the exclusive lock now (a write), not at the first webhook.
        conn.execute_batch("BEGIN IMMEDIATE; COMMIT;")
            .map_err(failed)?;
        let pending: i64 = conn
            .query_row(
                "SELECT COUNT(*) FROM deliveries WHERE state = ?1",
                [PENDING],
                |r| r.get(0),
            )
            .map_err(failed)?;
        let webhooks = {
            let mut stmt = conn
                .prepare("SELECT DISTINCT webhook FROM deliveries WHERE state = ?1")
                .map_err(failed)?;
            stmt.query_map([PENDING], |r| r.get::<_, String>(0))
                .map_err(failed)?
                .collect::<Result<BTreeSet<_>, _>>()
                .map_err(failed)?
        };
        let mut writer = Writer {
            conn,
            pending: to_u64(pending),
            max_pending,
            webhooks,
        };
        let (ops, rx) = mpsc::channel::<Op>();
        std::thread::Builder::new()
            .name("inbox-sqlite".to_owned())
            .spawn(move || writer.run(&rx))
            .map_err(|e| StoreError::Failed(format!("writer thread: {e}")))?;
        Ok(Self { ops, label })
    }

    /// Runs `job` on the writer thread.
    fn call<T, F>(&self, job: F) -> BoxFuture<'_, Result<T, StoreError>>
    where
        T: Send + 'static,
        F: FnOnce(&mut Writer) -> Result<T, StoreError> + Send + 'static,
    {
        let (tx, rx) = oneshot::channel();
        let sent = self.ops.send(Op::Run(Box::new(move |w: &mut Writer| {
            let _ = tx.send(job(w));
        })));
        Box::pin(async move {
            if sent.is_err() {
                return Err(StoreError::Closed);
            }
            rx.await.unwrap_or(Err(StoreError::Closed))
        })
    }

    /// Where it is, for logs.
    pub fn label(&self) -> &str {
        &self.label
    }
}

impl Writer {
    fn run(&mut self, rx: &mpsc::Receiver<Op>) {
        let mut batch = Vec::with_capacity(MAX_BATCH);
        let mut later: Option<Job> = None;
        while let Ok(op) = rx.recv() {
            match op {
                Op::Run(job) => {
                    job(self);
                    continue;
                }
                Op::Persist(d, now, tx) => batch.push((d, now, tx)),
            }
            // Everything that queued up while the last commit was syncing
            // shares this one.
            while batch.len() < MAX_BATCH {
                match rx.try_recv() {
                    Ok(Op::Persist(d, now, tx)) => batch.push((d, now, tx)),
                    Ok(Op::Run(job)) => {
                        later = Some(job);
                        break;
                    }
                    Err(_) => break,
                }
            }
            self.commit(&mut batch);
            if let Some(job) = later.take() {
                job(self);
            }
        }
    }

    /// One transaction for the batch; answers only after the commit (and
    /// its fsync) returned.
    fn commit(&mut self, batch: &mut Vec<(NewDelivery, u64, Answer)>) {
        let before = (self.pending, self.webhooks.clone());
        let mut results = Vec::with_capacity(batch.len());
        let outcome = (|| {
            let tx = self
                .conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(failed)?;
            for (d, now, _) in batch.iter() {
                results.push(insert(&tx, d, *now, &mut self.pending, self.max_pending));
            }
            tx.commit().map_err(failed)
        })();
        match outcome {
            Ok(()) => {
                for ((d, _, tx), result) in batch.drain(..).zip(results) {
                    if matches!(result, Ok(Persisted::New)) {
                        self.webhooks.insert(d.webhook.clone());
                    }
                    let _ = tx.send(result);
                }
            }
            Err(e) => {
                (self.pending, self.webhooks) = before;
                let detail = e.to_string();
                for (_, _, tx) in batch.drain(..) {
                    let _ = tx.send(Err(StoreError::Failed(detail.clone())));
                }
            }
        }
    }
}

fn insert(
    conn: &Connection,
    d: &NewDelivery,
    now: u64,
    pending: &mut u64,
    max_pending: u64,
) -> Result<Persisted, StoreError> {
    // The same id at this webhook, or at any webhook of the same scope.
    let existing: Vec<(i64, i64, i64)> = conn
        .prepare_cached(
            "SELECT seq, state, dedupe_until_ms FROM deliveries WHERE webhook = ?1 AND id = ?2 \
             UNION SELECT seq, state, dedupe_until_ms FROM deliveries \
             WHERE scope = ?3 AND id = ?2",
        )
        .and_then(|mut s| {
            s.query_map(params![d.webhook, d.id, d.replay_scope], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })?
            .collect()
        })
        .map_err(failed)?;
    for &(_, state, until) in &existing {
        // A pending or dead delivery is the same delivery whatever its
        // age; a delivered one is until its marker expires.
        if state != DELIVERED || to_u64(until) > now {
            return Ok(Persisted::Duplicate);
        }
    }
    for (seq, _, _) in existing {
        conn.prepare_cached("DELETE FROM deliveries WHERE seq = ?1")
            .and_then(|mut s| s.execute(params![seq]))
            .map_err(failed)?;
    }
    if *pending >= max_pending {
        return Err(StoreError::Full);
    }
    conn.prepare_cached(
        "INSERT INTO deliveries (webhook, id, id_verified, signed, body, content_type, request_id, \
         received_at_ms, timestamp, dedupe_until_ms, state, attempts, next_attempt_ms, scope) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 0, 0, ?12)",
    )
    .and_then(|mut s| {
        s.execute(params![
            d.webhook,
            d.id,
            d.id_verified,
            d.signed,
            &d.body[..],
            d.content_type,
            d.request_id,
            to_i64(d.received_at_ms),
            d.timestamp.map(to_i64),
            to_i64(d.dedupe_until_ms()),
            PENDING,
            d.replay_scope,
        ])
    })
    .map_err(failed)?;
    *pending += 1;
    Ok(Persisted::New)
}

fn row_to_delivery(r: &rusqlite::Row<'_>) -> rusqlite::Result<Delivery> {
    Ok(Delivery {
        key: r.get::<_, i64>(0)?.to_string(),
        id: r.get(1)?,
        id_verified: r.get(2)?,
        webhook: r.get(3)?,
        body: bytes::Bytes::from(r.get::<_, Vec<u8>>(4)?),
        content_type: r.get(5)?,
        request_id: r.get(6)?,
        received_at_ms: to_u64(r.get(7)?),
        timestamp: r.get::<_, Option<i64>>(8)?.map(to_u64),
        signed: r.get(9)?,
        attempts: u32::try_from(r.get::<_, i64>(10)?).unwrap_or(u32::MAX),
        dedupe_until_ms: to_u64(r.get(11)?),
    })
}

fn seq(d: &Delivery) -> Result<i64, StoreError> {
    d.key
        .parse()
        .map_err(|_| StoreError::Failed("not a SQLite delivery".to_owned()))
}

impl Store for SqliteStore {
    fn persist(
        &self,
        delivery: NewDelivery,
        now_ms: u64,
    ) -> BoxFuture<'_, Result<Persisted, StoreError>> {
        let (tx, rx) = oneshot::channel();
        let sent = self.ops.send(Op::Persist(delivery, now_ms, tx));
        Box::pin(async move {
            if sent.is_err() {
                return Err(StoreError::Closed);
            }
            rx.await.unwrap_or(Err(StoreError::Closed))
        })
    }

    fn claim<'a>(
        &'a self,
        max: usize,
        busy: &'a HashSet<String>,
        now_ms: u64,
    ) -> BoxFuture<'a, Result<Vec<Delivery>, StoreError>> {
        let busy = busy.clone();
        self.call(move |w| {
            let mut out = Vec::new();
            let mut empty = Vec::new();
            let sql = format!(
                "SELECT {COLUMNS}, next_attempt_ms FROM deliveries \
                 WHERE state = ?1 AND webhook = ?2 ORDER BY seq LIMIT 1"
            );
            let mut stmt = w.conn.prepare_cached(&sql).map_err(failed)?;
            for webhook in &w.webhooks {
                if out.len() >= max {
                    break;
                }
                if busy.contains(webhook) {
                    continue;
                }
                // The head of the webhook's queue, and only when due: a
                // webhook's deliveries go out in the order received.
                let head = stmt
                    .query_row(params![PENDING, webhook], |r| {
                        Ok((row_to_delivery(r)?, r.get::<_, i64>(12)?))
                    })
                    .optional()
                    .map_err(failed)?;
                match head {
                    Some((d, due)) if to_u64(due) <= now_ms => out.push(d),
                    Some(_) => {}
                    None => empty.push(webhook.clone()),
                }
            }
            drop(stmt);
            for webhook in empty {
                w.webhooks.remove(&webhook);
            }
            Ok(out)
        })
    }

    fn delivered<'a>(
        &'a self,
        delivery: &'a Delivery,
        now_ms: u64,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        let seq = seq(delivery);
        self.call(move |w| {
            let seq = seq?;
            let n = w
                .conn
                .prepare_cached(
                    "UPDATE deliveries SET state = ?1, body = x'', attempts = attempts + 1, \
                     finished_at_ms = ?2, last_error = NULL WHERE seq = ?3 AND state = ?4",
                )
                .and_then(|mut s| s.execute(params![DELIVERED, to_i64(now_ms), seq, PENDING]))
                .map_err(failed)?;
            w.pending = w.pending.saturating_sub(n as u64);
            Ok(())
        })
    }

    fn retry<'a>(
        &'a self,
        delivery: &'a Delivery,
        at_ms: u64,
        error: &'a str,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        let seq = seq(delivery);
        let error = error.to_owned();
        self.call(move |w| {
            let seq = seq?;
            w.conn
                .prepare_cached(
                    "UPDATE deliveries SET attempts = attempts + 1, next_attempt_ms = ?1, \
                     last_error = ?2 WHERE seq = ?3 AND state = ?4",
                )
                .and_then(|mut s| s.execute(params![to_i64(at_ms), error, seq, PENDING]))
                .map_err(failed)?;
            Ok(())
        })
    }

    fn dead<'a>(
        &'a self,
        delivery: &'a Delivery,
        error: &'a str,
        now_ms: u64,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        let seq = seq(delivery);
        let error = error.to_owned();
        self.call(move |w| {
            let seq = seq?;
            let n = w
                .conn
                .prepare_cached(
                    "UPDATE deliveries SET state = ?1, attempts = attempts + 1, last_error = ?2, \
                     finished_at_ms = ?3 WHERE seq = ?4 AND state = ?5",
                )
                .and_then(|mut s| s.execute(params![DEAD, error, to_i64(now_ms), seq, PENDING]))
                .map_err(failed)?;
            w.pending = w.pending.saturating_sub(n as u64);
            Ok(())
        })
    }

    fn release<'a>(&'a self, _delivery: &'a Delivery) -> BoxFuture<'a, Result<(), StoreError>> {
        // Claims are the worker's, in memory: the row is still pending.
        Box::pin(std::future::ready(Ok(())))
    }

    fn dead_letters(&self, limit: usize) -> BoxFuture<'_, Result<Vec<DeadLetter>, StoreError>> {
        self.call(move |w| {
            let mut stmt = w
                .conn
                .prepare_cached(
                    "SELECT webhook, id, request_id, received_at_ms, attempts, \
                     COALESCE(last_error, ''), length(body) FROM deliveries \
                     WHERE state = ?1 ORDER BY seq LIMIT ?2",
                )
                .map_err(failed)?;
            let rows = stmt
                .query_map(params![DEAD, to_i64(limit as u64)], |r| {
                    Ok(DeadLetter {
                        webhook: r.get(0)?,
                        id: r.get(1)?,
                        request_id: r.get(2)?,
                        received_at_ms: to_u64(r.get(3)?),
                        attempts: u32::try_from(r.get::<_, i64>(4)?).unwrap_or(u32::MAX),
                        last_error: r.get(5)?,
                        bytes: usize::try_from(r.get::<_, i64>(6)?).unwrap_or(0),
                    })
                })
                .map_err(failed)?
                .collect::<Result<Vec<_>, _>>()
                .map_err(failed)?;
            Ok(rows)
        })
    }

    fn redeliver<'a>(
        &'a self,
        webhook: &'a str,
        id: &'a str,
        _now_ms: u64,
    ) -> BoxFuture<'a, Result<bool, StoreError>> {
        let (webhook, id) = (webhook.to_owned(), id.to_owned());
        self.call(move |w| {
            let n = w
                .conn
                .prepare_cached(
                    "UPDATE deliveries SET state = ?1, attempts = 0, next_attempt_ms = 0, \
                     finished_at_ms = NULL WHERE webhook = ?2 AND id = ?3 AND state = ?4",
                )
                .and_then(|mut s| s.execute(params![PENDING, webhook, id, DEAD]))
                .map_err(failed)?;
            w.pending += n as u64;
            if n > 0 {
                w.webhooks.insert(webhook);
            }
            Ok(n > 0)
        })
    }

    fn redeliver_all(&self, _now_ms: u64) -> BoxFuture<'_, Result<u64, StoreError>> {
        self.call(move |w| {
            let names = {
                let mut stmt = w
                    .conn
                    .prepare_cached("SELECT DISTINCT webhook FROM deliveries WHERE state = ?1")
                    .map_err(failed)?;
                stmt.query_map([DEAD], |r| r.get::<_, String>(0))
                    .map_err(failed)?
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(failed)?
            };
            let n = w
                .conn
                .execute(
                    "UPDATE deliveries SET state = ?1, attempts = 0, next_attempt_ms = 0, \
                     finished_at_ms = NULL WHERE state = ?2",
                    params![PENDING, DEAD],
                )
                .map_err(failed)?;
            w.pending += n as u64;
            w.webhooks.extend(names);
            Ok(n as u64)
        })
    }

    fn summary(&self, now_ms: u64) -> BoxFuture<'_, Result<Summary, StoreError>> {
        self.call(move |w| {
            let mut summary = Summary::default();
            let (pending, retrying, max_attempts, oldest): (i64, i64, i64, Option<i64>) = w
                .conn
                .query_row(
                    "SELECT COUNT(*), COALESCE(SUM(attempts > 0), 0), COALESCE(MAX(attempts), 0), \
                     MIN(received_at_ms) FROM deliveries WHERE state = ?1",
                    [PENDING],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
                )
                .map_err(failed)?;
            summary.pending = to_u64(pending);
            summary.retrying = to_u64(retrying);
            summary.max_attempts = u32::try_from(max_attempts).unwrap_or(u32::MAX);
            summary.oldest_pending_age_secs =
                oldest.map_or(0.0, |t| now_ms.saturating_sub(to_u64(t)) as f64 / 1000.0);
            summary.dead_letters = to_u64(
                w.conn
                    .query_row(
                        "SELECT COUNT(*) FROM deliveries WHERE state = ?1",
                        [DEAD],
                        |r| r.get::<_, i64>(0),
                    )
                    .map_err(failed)?,
            );
            let mut stmt = w
                .conn
                .prepare_cached(
                    "SELECT webhook, COUNT(*) FROM deliveries WHERE state = ?1 GROUP BY webhook",
                )
                .map_err(failed)?;
            let rows = stmt
                .query_map([PENDING], |r| {
                    Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
                })
                .map_err(failed)?;
            for row in rows {
                let (name, n) = row.map_err(failed)?;
                summary.pending_by_webhook.insert(name, to_u64(n));
            }
            Ok(summary)
        })
    }

    fn purge(&self, now_ms: u64) -> BoxFuture<'_, Result<u64, StoreError>> {
        self.call(move |w| {
            let n = w
                .conn
                .execute(
                    "DELETE FROM deliveries WHERE state = ?1 AND dedupe_until_ms <= ?2",
                    params![DELIVERED, to_i64(now_ms)],
                )
                .map_err(failed)?;
            Ok(n as u64)
        })
    }
}

/// The bench's baseline: the same insert, one transaction (and one fsync)
/// each, on a connection set up like the store's. Not used by the gateway.
#[doc(hidden)]
pub fn bare_connection(path: &Path) -> Result<Connection, StoreError> {
    let conn = Connection::open(path).map_err(failed)?;
    let _: String = conn
        .pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))
        .map_err(failed)?;
    conn.pragma_update(None, "synchronous", "FULL")
        .map_err(failed)?;
    migrate(&conn)?;
    Ok(conn)
}

/// One bare insert in its own transaction (the bench's baseline).
#[doc(hidden)]
pub fn bare_insert(
    conn: &mut Connection,
    d: &NewDelivery,
    now: u64,
) -> Result<Persisted, StoreError> {
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(failed)?;
    let mut pending = 0;
    let result = insert(&tx, d, now, &mut pending, u64::MAX)?;
    tx.commit().map_err(failed)?;
    Ok(result)
}
