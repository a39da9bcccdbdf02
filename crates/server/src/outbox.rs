//! Emitting, counted: every server→client event goes through here so `stats` and `/metrics`
//! see events and bytes out (per receiving socket).

use std::io::Write;

use serde::Serialize;
use socketioxide::extract::SocketRef;

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
    fn count_out<T: Serialize + ?Sized>(&self, recipients: usize, data: &T) {
        if recipients == 0 {
            return;
        }
        let n = recipients as u64;
        Counters::add(&self.counters.events_out, n);
        Counters::add(&self.counters.bytes_out, n * size_of(data));
    }

    /// Emits to one socket. A full send buffer is logged; the engine's heartbeat closes
    /// such a socket (see `Limits::send_buffer_packets`).
    pub fn emit_socket<T: Serialize + ?Sized>(&self, s: &SocketRef, event: &str, data: &T) {
        match s.emit(event, data) {
            Ok(()) => self.count_out(1, data),
            Err(e) => tracing::debug!(sid = %s.id, event, error = %e, "emit to socket failed"),
        }
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
        let n = self.io().to(rooms.clone()).sockets().len();
        if let Err(e) = self.io().to(rooms).emit(event, data).await {
            tracing::debug!(event, error = %e, "broadcast partly failed");
        }
        self.count_out(n, data);
    }

    /// Emits to every socket of the main namespace except those in `except` rooms.
    pub async fn emit_all_except<T: Serialize + ?Sized>(
        &self,
        except: Vec<String>,
        event: &str,
        data: &T,
    ) {
        let n = self.io().broadcast().except(except.clone()).sockets().len();
        if let Err(e) = self.io().broadcast().except(except).emit(event, data).await {
            tracing::debug!(event, error = %e, "broadcast partly failed");
        }
        self.count_out(n, data);
    }
}
