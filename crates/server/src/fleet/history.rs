//! Batched writes of the location history: a report queues its position, a writer task
//! appends whatever has accumulated in one transaction (a write per report would not keep up
//! with 10,000 vehicles at 1 Hz on SQLite).

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc::error::TrySendError;
use tokio::sync::{Notify, mpsc, oneshot};

use crate::store::Store;
use crate::store::fleet::HistoryRow;

/// Positions waiting for the writer, at most.
pub const QUEUE_CAPACITY: usize = 200_000;
/// How long a report may wait for room in a full backlog before it is refused: a transient
/// stall of the writer (a checkpoint, a starved CPU) delays acks instead of refusing reports.
pub const BACKLOG_WAIT: Duration = Duration::from_secs(5);
/// Rows per transaction, at most.
const BATCH: usize = 5_000;

enum Msg {
    Row(HistoryRow),
    /// Write everything queued before this message, then answer.
    Flush(oneshot::Sender<()>),
}

/// The sending side: cheap to clone, never blocks.
#[derive(Clone, Debug)]
pub struct HistoryQueue {
    tx: mpsc::Sender<Msg>,
    /// Cuts the writer's linger short (a flush is queued).
    flush_asked: Arc<Notify>,
}

impl std::fmt::Debug for Msg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Msg::Row(_) => "Row",
            Msg::Flush(_) => "Flush",
        })
    }
}

/// Room for one row in the queue, reserved before the fleet state is locked, so that applying
/// a report to the live state and queueing its history row happen together or not at all.
#[derive(Debug)]
pub struct Slot<'a>(mpsc::Permit<'a, Msg>);

impl Slot<'_> {
    /// Queues `row` in the reserved place (never blocks, never fails).
    pub fn push(self, row: HistoryRow) {
        self.0.send(Msg::Row(row));
    }
}

/// The queue is full: the database is not keeping up.
#[derive(Debug, thiserror::Error)]
#[error("location history backlog is full")]
pub struct Backlogged;

impl HistoryQueue {
    /// Starts the writer task over `store`. It ends once every queue handle is dropped, after
    /// writing what is left.
    pub fn start(store: Store) -> (Self, tokio::task::JoinHandle<()>) {
        let (tx, rx) = mpsc::channel(QUEUE_CAPACITY);
        let flush_asked = Arc::new(Notify::new());
        let queue = Self {
            tx,
            flush_asked: flush_asked.clone(),
        };
        (queue, tokio::spawn(writer(store, rx, flush_asked)))
    }

    /// A queue of `capacity` rows with no writer: the caller drains it (tests).
    #[cfg(test)]
    fn detached(capacity: usize) -> (Self, mpsc::Receiver<Msg>) {
        let (tx, rx) = mpsc::channel(capacity);
        let flush_asked = Arc::new(Notify::new());
        (Self { tx, flush_asked }, rx)
    }

    /// Reserves room for one position, waiting up to `wait` when the backlog is full.
    pub async fn reserve(&self, wait: Duration) -> Result<Slot<'_>, Backlogged> {
        match self.tx.try_reserve() {
            Ok(permit) => Ok(Slot(permit)),
            Err(TrySendError::Closed(())) => Err(Backlogged),
            Err(TrySendError::Full(())) => {
                match tokio::time::timeout(wait, self.tx.reserve()).await {
                    Ok(Ok(permit)) => Ok(Slot(permit)),
                    Ok(Err(_)) | Err(_) => Err(Backlogged),
                }
            }
        }
    }

    /// Waits until everything queued so far is in the database (read-your-writes for
    /// `vehicle:history`).
    pub async fn flush(&self) {
        let (tx, rx) = oneshot::channel();
        if self.tx.send(Msg::Flush(tx)).await.is_ok() {
            self.flush_asked.notify_one();
            let _ = rx.await;
        }
    }
}

/// How long the writer lets positions accumulate after the first one before it writes them:
/// at 10,000 reports a second, writing whatever was queued at each wake-up meant thousands
/// of tiny transactions a second, each a round trip to the SQLite thread (a quarter of the
/// server's CPU in `perf`); waiting this long makes them hundreds of rows each. A position
/// reaches the history this much later at most; `flush` does not wait for it.
pub const LINGER: Duration = Duration::from_millis(100);

/// Waits for a position, lets more accumulate for [`LINGER`] (cut short by a flush), takes
/// everything queued (up to `BATCH`), writes it in one transaction. The writer is not woken
/// per row while it lingers.
async fn writer(store: Store, mut rx: mpsc::Receiver<Msg>, flush_asked: Arc<Notify>) {
    let mut rows: Vec<HistoryRow> = Vec::with_capacity(BATCH);
    let mut waiting: Vec<oneshot::Sender<()>> = Vec::new();
    let take = |msg: Msg, rows: &mut Vec<HistoryRow>, waiting: &mut Vec<_>| match msg {
        Msg::Row(r) => rows.push(r),
        Msg::Flush(done) => waiting.push(done),
    };
    while let Some(first) = rx.recv().await {
        take(first, &mut rows, &mut waiting);
        if waiting.is_empty() {
            tokio::select! {
                () = tokio::time::sleep(LINGER) => {}
                () = flush_asked.notified() => {}
            }
        }
        while rows.len() < BATCH {
            match rx.try_recv() {
                Ok(m) => take(m, &mut rows, &mut waiting),
                Err(_) => break,
            }
        }
        write(&store, &mut rows).await;
        for w in waiting.drain(..) {
            let _ = w.send(());
        }
    }
}

async fn write(store: &Store, rows: &mut Vec<HistoryRow>) {
    if rows.is_empty() {
        return;
    }
    let n = rows.len();
    if let Err(e) = store.append_history(rows).await {
        tracing::error!(error = %e, rows = n, "cannot write location history");
    }
    rows.clear();
}

#[cfg(test)]
mod tests {
    use super::*;
    use opsdeck_protocol::fleet::Location;

    fn row(id: &str) -> HistoryRow {
        HistoryRow {
            vehicle_id: id.into(),
            location: Location {
                lat: 24.7,
                lng: 46.6,
                speed: None,
                heading: None,
                accuracy: None,
                ts: chrono::Utc::now(),
            },
        }
    }

    #[tokio::test]
    async fn a_full_backlog_delays_then_refuses() {
        let (q, mut rx) = HistoryQueue::detached(1);
        q.reserve(Duration::ZERO).await.unwrap().push(row("a"));
        // Full, and nobody drains: refused once the wait is over.
        let started = tokio::time::Instant::now();
        assert!(q.reserve(Duration::from_millis(50)).await.is_err());
        assert!(started.elapsed() >= Duration::from_millis(50));
        // Full, but the writer catches up meanwhile: the report waits and gets in.
        let drain = tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(20)).await;
            let first = rx.recv().await;
            (first, rx)
        });
        q.reserve(Duration::from_secs(5))
            .await
            .unwrap()
            .push(row("b"));
        let (first, mut rx) = drain.await.unwrap();
        assert!(matches!(first, Some(Msg::Row(r)) if r.vehicle_id == "a"));
        assert!(matches!(rx.recv().await, Some(Msg::Row(r)) if r.vehicle_id == "b"));
    }

    #[tokio::test]
    async fn an_unused_slot_gives_its_room_back() {
        let (q, _rx) = HistoryQueue::detached(1);
        drop(q.reserve(Duration::ZERO).await.unwrap());
        assert!(q.reserve(Duration::ZERO).await.is_ok());
    }
}
