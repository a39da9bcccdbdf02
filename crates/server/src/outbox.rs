//! Emitting, counted: every server→client event goes through here so `stats` and `/metrics`
//! see events and bytes out (per receiving socket).

use std::io::Write;

use serde::Serialize;
use socketioxide::BroadcastError;
use socketioxide::extract::SocketRef;
use socketioxide::operators::BroadcastOperators;

use crate::metrics::Counters;
use crate::state::App;

/// Counts serialized bytes without allocating.
struct ByteCounter(u64);

impl Write for ByteCounter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len() as u64;
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn size_of<T: Serialize + ?Sized>(data: &T) -> u64 {
    let mut c = ByteCounter(0);
    let _ = serde_json::to_writer(&mut c, data);
    c.0
}

impl App {
    /// The main namespace; `None` once the server is closing (socketioxide panics on
    /// `io.to(..)` after `close()`, and tickers or in-flight handlers may still run then).
    pub fn main_ns(&self) -> Option<BroadcastOperators> {
        self.io().of("/")
    }

    /// Sockets of the main namespace in any of `rooms`.
    pub fn room_size(&self, rooms: Vec<String>) -> usize {
        self.main_ns().map_or(0, |ns| ns.to(rooms).sockets().len())
    }

    /// Every socket of the main namespace.
    pub fn main_sockets(&self) -> Vec<SocketRef> {
        self.main_ns().map(|ns| ns.sockets()).unwrap_or_default()
    }

    /// Rooms in use on the main namespace.
    pub async fn main_rooms(&self) -> Vec<String> {
        match self.main_ns() {
            Some(ns) => ns
                .rooms()
                .await
                .unwrap_or_default()
                .into_iter()
                .map(|r| r.to_string())
                .collect(),
            None => Vec::new(),
        }
    }

    fn count_out<T: Serialize + ?Sized>(&self, recipients: usize, data: &T) {
        if recipients == 0 {
            return;
        }
        let n = recipients as u64;
        Counters::add(&self.counters.events_out, n);
        Counters::add(&self.counters.bytes_out, n * size_of(data));
    }

    /// Emits to one socket. A full send buffer is logged and counted; the engine's
    /// heartbeat closes such a socket (see `Limits::send_buffer_packets`).
    pub fn emit_socket<T: Serialize + ?Sized>(&self, s: &SocketRef, event: &str, data: &T) {
        match s.emit(event, data) {
            Ok(()) => self.count_out(1, data),
            Err(e) => {
                Counters::add(&self.counters.emits_refused, 1);
                tracing::debug!(sid = %s.id, event, error = %e, "emit to socket failed");
            }
        }
    }

    /// Counts the outcome of a broadcast to `n` sockets: what was delivered, and what the
    /// sockets' send queues refused (logged).
    fn count_broadcast<T: Serialize + ?Sized>(
        &self,
        n: usize,
        event: &str,
        data: &T,
        sent: Result<(), BroadcastError>,
    ) {
        let refused = match sent {
            Ok(()) => 0,
            Err(e) => {
                let refused = match &e {
                    BroadcastError::Socket(errors) => errors.len(),
                    _ => 0,
                };
                Counters::add(&self.counters.emits_refused, refused as u64);
                tracing::debug!(event, refused, error = %e, "broadcast partly failed");
                refused
            }
        };
        self.count_out(n.saturating_sub(refused), data);
    }

    /// Emits to every socket in any of `rooms` (each socket once) on the main namespace.
    pub async fn emit_rooms<T: Serialize + ?Sized>(
        &self,
        rooms: Vec<String>,
        event: &str,
        data: &T,
    ) {
        if rooms.is_empty() {
            return;
        }
        let n = self.room_size(rooms.clone());
        // Nobody listens (a position of an unwatched vehicle, 10,000 times a second): skip
        // serialising a packet for no one.
        let Some(ns) = self.main_ns().filter(|_| n > 0) else {
            return;
        };
        let sent = ns.to(rooms).emit(event, data).await;
        self.count_broadcast(n, event, data, sent);
    }

    /// Emits to every socket in any of `to` but in none of `except`; with `from`, not to that
    /// socket either (Socket.IO's `socket.to(room)`). One broadcast, each socket once.
    pub async fn emit_group<T: Serialize + ?Sized>(
        &self,
        from: Option<&SocketRef>,
        to: Vec<String>,
        except: Vec<String>,
        event: &str,
        data: &T,
    ) {
        if to.is_empty() {
            return;
        }
        let ops = || match from {
            Some(s) => Some(s.to(to.clone()).except(except.clone())),
            None => self
                .main_ns()
                .map(|ns| ns.to(to.clone()).except(except.clone())),
        };
        let n = ops().map_or(0, |o| o.sockets().len());
        let Some(ops) = ops().filter(|_| n > 0) else {
            return;
        };
        let sent = ops.emit(event, data).await;
        self.count_broadcast(n, event, data, sent);
    }

    /// Emits to every socket of the main namespace except those in `except` rooms.
    pub async fn emit_all_except<T: Serialize + ?Sized>(
        &self,
        except: Vec<String>,
        event: &str,
        data: &T,
    ) {
        let Some(ns) = self.main_ns() else {
            return;
        };
        // Counting by walking 10,000 sockets cost as much as the broadcast's own walk.
        let n = if except.is_empty() {
            Counters::get(&self.counters.main_sockets) as usize
        } else {
            ns.clone().except(except.clone()).sockets().len()
        };
        let sent = ns.except(except).emit(event, data).await;
        self.count_broadcast(n, event, data, sent);
    }
}
