//! The TCP layer under Socket.IO: a listener whose connections fail when the peer stops
//! reading (PROTOCOL.md §10, bounded send buffer).
//!
//! socketioxide queues at most `max_buffer_size` packets per connection and drops emits past
//! that, but it only closes the connection at the next heartbeat, up to ping interval + ping
//! timeout later (45 s by default), and meanwhile a stalled writer holds the connection open.
//! [`StallGuard`] makes a write that has made no progress for `timeout` fail, and then fails
//! the pending read too, so the engine sees a transport error and closes the socket at once.
//! Memory per stalled client is thus bounded by the packet queue, the websocket write buffer
//! and the kernel socket buffers, for at most `timeout`.

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use axum::extract::connect_info::Connected;
use axum::serve::{IncomingStream, Listener};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::Sleep;

/// An I/O stream whose writes fail after stalling for `timeout`.
#[derive(Debug)]
pub struct StallGuard<S> {
    inner: S,
    timeout: Duration,
    deadline: Option<Pin<Box<Sleep>>>,
    stalled: bool,
    read_waker: Option<Waker>,
}

fn stalled_error() -> io::Error {
    io::Error::new(io::ErrorKind::TimedOut, "peer stopped reading")
}

impl<S> StallGuard<S> {
    /// Wraps `inner`.
    pub fn new(inner: S, timeout: Duration) -> Self {
        Self {
            inner,
            timeout,
            deadline: None,
            stalled: false,
            read_waker: None,
        }
    }

    /// Runs a write-side poll, arming the stall deadline while it is pending.
    fn guard<T>(
        &mut self,
        cx: &mut Context<'_>,
        poll: impl FnOnce(&mut S, &mut Context<'_>) -> Poll<io::Result<T>>,
    ) -> Poll<io::Result<T>> {
        if self.stalled {
            return Poll::Ready(Err(stalled_error()));
        }
        match poll(&mut self.inner, cx) {
            Poll::Ready(r) => {
                self.deadline = None;
                Poll::Ready(r)
            }
            Poll::Pending => {
                let timeout = self.timeout;
                let deadline = self
                    .deadline
                    .get_or_insert_with(|| Box::pin(tokio::time::sleep(timeout)));
                if deadline.as_mut().poll(cx).is_pending() {
                    return Poll::Pending;
                }
                self.stalled = true;
                if let Some(w) = self.read_waker.take() {
                    w.wake();
                }
                Poll::Ready(Err(stalled_error()))
            }
        }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for StallGuard<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if self.stalled {
            return Poll::Ready(Err(stalled_error()));
        }
        let r = Pin::new(&mut self.inner).poll_read(cx, buf);
        if r.is_pending() {
            self.read_waker = Some(cx.waker().clone());
        }
        r
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for StallGuard<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.guard(cx, |s, cx| Pin::new(s).poll_write(cx, buf))
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.guard(cx, |s, cx| Pin::new(s).poll_write_vectored(cx, bufs))
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.guard(cx, |s, cx| Pin::new(s).poll_flush(cx))
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// A TCP listener handing out [`StallGuard`]ed streams, with Nagle off (small real-time
/// frames should not wait for ACKs).
#[derive(Debug)]
pub struct GuardedListener {
    inner: TcpListener,
    stall_timeout: Duration,
}

impl GuardedListener {
    /// Wraps a bound listener.
    pub fn new(inner: TcpListener, stall_timeout: Duration) -> Self {
        Self {
            inner,
            stall_timeout,
        }
    }
}

impl Listener for GuardedListener {
    type Io = StallGuard<TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            match self.inner.accept().await {
                Ok((stream, addr)) => {
                    let _ = stream.set_nodelay(true);
                    return (StallGuard::new(stream, self.stall_timeout), addr);
                }
                Err(e) => {
                    // Usually EMFILE: back off instead of spinning.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            }
        }
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        self.inner.local_addr()
    }
}

/// The peer address of a connection, as a request extension.
#[derive(Debug, Clone, Copy)]
pub struct RemoteAddr(pub SocketAddr);

impl Connected<IncomingStream<'_, GuardedListener>> for RemoteAddr {
    fn connect_info(stream: IncomingStream<'_, GuardedListener>) -> Self {
        Self(*stream.remote_addr())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    #[tokio::test(start_paused = true)]
    async fn a_stalled_write_fails_after_the_timeout_and_so_does_the_read() {
        let (ours, theirs) = tokio::io::duplex(64);
        let guard = StallGuard::new(ours, Duration::from_secs(5));
        let (mut rd, mut wr) = tokio::io::split(guard);
        let reader = tokio::spawn(async move {
            let mut b = [0u8; 8];
            rd.read(&mut b).await
        });
        // Fill the pipe; the peer never reads.
        let t0 = tokio::time::Instant::now();
        let err = wr.write_all(&[0u8; 1024]).await.unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::TimedOut);
        assert!(t0.elapsed() >= Duration::from_secs(5));
        assert_eq!(
            reader.await.unwrap().unwrap_err().kind(),
            io::ErrorKind::TimedOut
        );
        drop(theirs);
    }

    #[tokio::test(start_paused = true)]
    async fn a_slow_reader_that_keeps_up_is_not_cut_off() {
        let (ours, mut theirs) = tokio::io::duplex(64);
        let mut guard = StallGuard::new(ours, Duration::from_secs(5));
        let drain = tokio::spawn(async move {
            let mut total = 0;
            let mut b = [0u8; 64];
            while total < 4096 {
                // Reads every 2 s: slower than the writer, faster than the timeout.
                tokio::time::sleep(Duration::from_secs(2)).await;
                total += theirs.read(&mut b).await.unwrap();
            }
            total
        });
        guard.write_all(&[1u8; 4096]).await.unwrap();
        assert_eq!(drain.await.unwrap(), 4096);
    }
}
