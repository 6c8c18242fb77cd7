//! CPU-heavy work off the async workers: bounded, cancellable, and streamed when large.

use super::error::{ApiError, ApiResult};
use super::state::AppState;
use axum::body::{Body, Bytes};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use tokio::sync::{mpsc, Semaphore};

/// Set when the request that wanted a job's answer is gone (timed out, or the client left).
#[derive(Debug, Clone, Default)]
pub struct Cancel(Arc<AtomicBool>);

impl Cancel {
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
    /// `Err(timeout)` once cancelled: `cancel.check()?` between steps of a long job.
    pub fn check(&self) -> ApiResult<()> {
        if self.is_cancelled() {
            Err(ApiError::timeout())
        } else {
            Ok(())
        }
    }
}

/// Cancels its job when dropped, unless the job's answer was received.
struct CancelOnDrop(Option<Cancel>);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        if let Some(c) = self.0.take() {
            c.0.store(true, Ordering::Relaxed);
        }
    }
}

/// Run `job` on the blocking pool, at most [`Limits::cpu_jobs`](super::Limits) at once. If
/// this future is dropped (the request timed out), the job's [`Cancel`] is set, so the job
/// stops at its next check instead of running on for nobody.
pub async fn blocking<T, F>(state: &AppState, job: F) -> ApiResult<T>
where
    T: Send + 'static,
    F: FnOnce(&Cancel) -> ApiResult<T> + Send + 'static,
{
    bounded(&state.cpu, job).await
}

/// [`blocking`] with its semaphore.
async fn bounded<T, F>(permits: &Arc<Semaphore>, job: F) -> ApiResult<T>
where
    T: Send + 'static,
    F: FnOnce(&Cancel) -> ApiResult<T> + Send + 'static,
{
    let cancel = Cancel::default();
    let mut guard = CancelOnDrop(Some(cancel.clone()));
    let permit = permits
        .clone()
        .acquire_owned()
        .await
        .map_err(|_| ApiError::internal("the server is shutting down"))?;
    let answer = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        cancel.check()?;
        job(&cancel)
    })
    .await;
    guard.0 = None;
    answer.map_err(|e| {
        tracing::error!(error = %e, "a blocking job failed");
        ApiError::internal("the answer could not be computed; see the server log")
    })?
}

/// Bytes handed to the client per chunk.
pub const CHUNK_BYTES: usize = 64 * 1024;
/// Chunks waiting for the client; with the one being filled, the most a stream holds.
pub const CHUNKS_QUEUED: usize = 4;

/// Stream an answer as `write` produces it, on the blocking pool: memory stays at a few chunks
/// however large the answer, and when the client goes away the writer gets an error and stops.
pub async fn stream<F>(
    state: &AppState,
    content_type: &'static str,
    write: F,
) -> ApiResult<Response>
where
    F: FnOnce(&mut dyn Write) -> io::Result<()> + Send + 'static,
{
    let permit = state
        .streams
        .clone()
        .acquire_owned()
        .await
        .map_err(|_| ApiError::internal("the server is shutting down"))?;
    let (tx, mut rx) = mpsc::channel::<io::Result<Bytes>>(CHUNKS_QUEUED);
    tokio::task::spawn_blocking(move || {
        let _permit = permit;
        let mut w = ChunkWriter {
            tx: tx.clone(),
            buf: Vec::with_capacity(CHUNK_BYTES),
        };
        let done = write(&mut w).and_then(|_| w.flush());
        if let Err(e) = done {
            if e.kind() != io::ErrorKind::BrokenPipe {
                tracing::error!(error = %e, "writing an answer failed");
                // The status is already sent: an error frame aborts the body, so the client
                // sees a truncated answer fail instead of taking it as complete.
                let _ = tx.blocking_send(Err(e));
            }
        }
    });
    let body = Body::from_stream(futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx)));
    Ok((
        [(header::CONTENT_TYPE, HeaderValue::from_static(content_type))],
        body,
    )
        .into_response())
}

/// Collects writes into chunks and hands each full one to the response body.
struct ChunkWriter {
    tx: mpsc::Sender<io::Result<Bytes>>,
    buf: Vec<u8>,
}

impl ChunkWriter {
    fn send(&mut self) -> io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let chunk = Bytes::from(std::mem::replace(
            &mut self.buf,
            Vec::with_capacity(CHUNK_BYTES),
        ));
        self.tx
            .blocking_send(Ok(chunk))
            .map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "the client went away"))
    }
}

impl Write for ChunkWriter {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.buf.extend_from_slice(data);
        if self.buf.len() >= CHUNK_BYTES {
            self.send()?;
        }
        Ok(data.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        self.send()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    fn state() -> Arc<AtomicBool> {
        Arc::new(AtomicBool::new(false))
    }

    #[test]
    fn a_dropped_job_is_cancelled_and_stops() {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let stopped = state();
        let seen = stopped.clone();
        rt.block_on(async move {
            let sem = Arc::new(Semaphore::new(1));
            let job = bounded(&sem, move |c: &Cancel| {
                let start = Instant::now();
                while !c.is_cancelled() {
                    assert!(start.elapsed() < Duration::from_secs(20), "never cancelled");
                    std::thread::sleep(Duration::from_millis(1));
                }
                seen.store(true, Ordering::SeqCst);
                Ok(())
            });
            assert!(
                tokio::time::timeout(Duration::from_millis(50), job)
                    .await
                    .is_err(),
                "the job never ends by itself"
            );
            // The permit comes back only when the job has stopped.
            let _p = tokio::time::timeout(Duration::from_secs(20), sem.acquire())
                .await
                .expect("job stopped")
                .unwrap();
        });
        assert!(stopped.load(Ordering::SeqCst));
    }

    #[test]
    fn a_writer_holds_at_most_a_few_chunks_and_stops_when_the_reader_goes() {
        let (tx, mut rx) = mpsc::channel(CHUNKS_QUEUED);
        let producer = std::thread::spawn(move || {
            let mut w = ChunkWriter {
                tx,
                buf: Vec::new(),
            };
            let line = [b'x'; 1000];
            let mut written = 0usize;
            // 200 MB if nobody stopped it.
            for _ in 0..200_000 {
                if w.write_all(&line).is_err() {
                    return (written, true);
                }
                written += line.len();
            }
            (written, false)
        });
        let mut received = 0;
        for _ in 0..10 {
            received += rx.blocking_recv().unwrap().unwrap().len();
        }
        std::thread::sleep(Duration::from_millis(50));
        drop(rx);
        let (written, stopped) = producer.join().unwrap();
        assert!(stopped, "the writer noticed the reader was gone");
        assert_eq!(received, 10 * CHUNK_BYTES);
        assert!(
            written <= received + (CHUNKS_QUEUED + 1) * CHUNK_BYTES + 1000,
            "wrote {written} for {received} read"
        );
    }
}
