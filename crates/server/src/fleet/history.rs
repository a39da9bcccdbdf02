//! Batched writes of the location history: a report queues its position, a writer task
//! appends whatever has accumulated in one transaction (a write per report would not keep up
//! with 10,000 vehicles at 1 Hz on SQLite).

use tokio::sync::{mpsc, oneshot};

use crate::store::Store;
use crate::store::fleet::HistoryRow;

/// Positions waiting for the writer, at most.
pub const QUEUE_CAPACITY: usize = 200_000;
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
}

impl std::fmt::Debug for Msg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Msg::Row(_) => "Row",
            Msg::Flush(_) => "Flush",
        })
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
        (Self { tx }, tokio::spawn(writer(store, rx)))
    }

    /// Queues a position; refuses rather than blocks when the backlog is full.
    pub fn push(&self, row: HistoryRow) -> Result<(), Backlogged> {
        self.tx.try_send(Msg::Row(row)).map_err(|_| Backlogged)
    }

    /// Waits until everything queued so far is in the database (read-your-writes for
    /// `vehicle:history`).
    pub async fn flush(&self) {
        let (tx, rx) = oneshot::channel();
        if self.tx.send(Msg::Flush(tx)).await.is_ok() {
            let _ = rx.await;
        }
    }
}

/// Waits for a position, takes everything else already queued (up to `BATCH`), writes it in
/// one transaction. Under load the batches grow by themselves while a write is in progress.
async fn writer(store: Store, mut rx: mpsc::Receiver<Msg>) {
    let mut rows: Vec<HistoryRow> = Vec::with_capacity(BATCH);
    let mut waiting: Vec<oneshot::Sender<()>> = Vec::new();
    while let Some(first) = rx.recv().await {
        let mut next = Some(first);
        while let Some(msg) = next.take() {
            match msg {
                Msg::Row(r) => rows.push(r),
                Msg::Flush(done) => waiting.push(done),
            }
            if rows.len() < BATCH {
                next = rx.try_recv().ok();
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
