//! Slow readers: a connection whose client stops reading a response is cut once the response
//! has been unable to go out for the write timeout.
//!
//! The server (hyper) asks a response body for its next frame only when it has room to send
//! it: room in the HTTP/1.1 write buffer, or HTTP/2 flow-control window for the stream. So a
//! body that has something to send (it has just handed out a frame, was just woken by its
//! source, or has not been asked at all yet) and is not asked again for the write timeout
//! belongs to a client that is not reading. The body cannot act on that itself (nobody polls
//! it), so each marks when it started waiting, and its connection's watchdog
//! ([`Writes::stalled`]) closes the connection when any mark grows older than the timeout:
//! the streams' subscriptions, queues and response budget go with it. A body waiting on its own
//! source (a stream with no new envelope) is not waiting on the client and is never cut.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError, Weak};
use std::task::{Context, Poll, Wake, Waker};
use std::time::Duration;

use std::time::Instant;

/// "Not waiting to be written" in a [`Mark`].
const PARKED: u64 = 0;

/// When a response started waiting to be written, in milliseconds since its connection's epoch
/// plus one ([`PARKED`] when it is not).
struct Mark(AtomicU64);

/// The write marks of one connection's responses.
pub(crate) struct Writes {
    epoch: Instant,
    marks: Mutex<Vec<Weak<Mark>>>,
    /// Added to the clock by tests.
    #[cfg(test)]
    skew: AtomicU64,
}

impl Writes {
    pub(crate) fn new() -> Arc<Self> {
        Arc::new(Self {
            epoch: Instant::now(),
            marks: Mutex::new(Vec::new()),
            #[cfg(test)]
            skew: AtomicU64::new(0),
        })
    }

    fn now(&self) -> u64 {
        let elapsed = self.epoch.elapsed();
        #[cfg(test)]
        let elapsed = elapsed + Duration::from_millis(self.skew.load(Ordering::Relaxed));
        u64::try_from(elapsed.as_millis())
            .unwrap_or(u64::MAX - 1)
            .saturating_add(1)
    }

    #[cfg(test)]
    fn advance(&self, by: Duration) {
        let ms = u64::try_from(by.as_millis()).unwrap_or(u64::MAX);
        self.skew.fetch_add(ms, Ordering::Relaxed);
    }

    /// Starts watching a response body; `ready` when it has something to send at once.
    pub(crate) fn watch(self: &Arc<Self>, ready: bool) -> WriteWatch {
        let mark = Arc::new(Mark(AtomicU64::new(if ready {
            self.now()
        } else {
            PARKED
        })));
        let mut marks = self.marks.lock().unwrap_or_else(PoisonError::into_inner);
        // Forget the bodies that have finished, now and then, so the list stays as long as the
        // responses in progress.
        if marks.len() >= 16 && marks.len().is_power_of_two() {
            marks.retain(|m| m.strong_count() > 0);
        }
        marks.push(Arc::downgrade(&mark));
        drop(marks);
        WriteWatch {
            nudge: Arc::new(Nudge {
                writes: Arc::clone(self),
                mark,
                waker: Mutex::new(None),
            }),
        }
    }

    /// How long the response that has waited longest to be written has waited.
    fn longest_wait(&self) -> Duration {
        let now = self.now();
        let mut marks = self.marks.lock().unwrap_or_else(PoisonError::into_inner);
        let mut oldest = now;
        marks.retain(|m| match m.upgrade() {
            Some(mark) => {
                let since = mark.0.load(Ordering::Acquire);
                if since != PARKED {
                    oldest = oldest.min(since);
                }
                true
            }
            None => false,
        });
        Duration::from_millis(now - oldest)
    }

    /// Resolves once some response of the connection has waited to be written for `timeout`.
    /// Checked every quarter of the timeout, so a stall is caught within 1.25 times it.
    pub(crate) async fn stalled(&self, timeout: Duration) {
        let period = (timeout / 4).clamp(Duration::from_millis(10), Duration::from_secs(5));
        loop {
            tokio::time::sleep(period).await;
            if self.longest_wait() >= timeout {
                return;
            }
        }
    }
}

/// The waker a watched body hands to its source: a wake means the body has something to send
/// again, so its wait starts now; then the server's own waker is woken.
struct Nudge {
    writes: Arc<Writes>,
    mark: Arc<Mark>,
    waker: Mutex<Option<Waker>>,
}

impl Wake for Nudge {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        let _ = self.mark.0.compare_exchange(
            PARKED,
            self.writes.now(),
            Ordering::AcqRel,
            Ordering::Acquire,
        );
        let waker = self
            .waker
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        if let Some(waker) = waker {
            waker.wake();
        }
    }
}

/// One response body's mark, kept by the body as it is polled.
pub(crate) struct WriteWatch {
    nudge: Arc<Nudge>,
}

impl WriteWatch {
    /// Polls the body through `poll` (which also says whether more is to come after its result)
    /// with the watching waker, and marks the result: a frame handed out with more to come
    /// starts a wait; waiting on the source, or the end, does not.
    pub(crate) fn poll<T>(
        &self,
        cx: &mut Context<'_>,
        poll: impl FnOnce(&mut Context<'_>) -> (Poll<Option<T>>, bool),
    ) -> Poll<Option<T>> {
        {
            let mut waker = self
                .nudge
                .waker
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            if !waker.as_ref().is_some_and(|w| w.will_wake(cx.waker())) {
                *waker = Some(cx.waker().clone());
            }
        }
        // Asked for a frame: not waiting any more. A wake during the poll below marks it again.
        self.nudge.mark.0.store(PARKED, Ordering::Release);
        let waker = Waker::from(Arc::clone(&self.nudge));
        let (result, more_to_come) = poll(&mut Context::from_waker(&waker));
        if matches!(result, Poll::Ready(Some(_))) && more_to_come {
            self.nudge
                .mark
                .0
                .store(self.nudge.writes.now(), Ordering::Release);
        }
        result
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn noop_context() -> Context<'static> {
        Context::from_waker(Waker::noop())
    }

    /// `longest_wait` is about `expected`: the test clock moves in whole seconds, the real one
    /// adds the few milliseconds the test takes.
    fn waited(writes: &Writes, expected: Duration) {
        let wait = writes.longest_wait();
        assert!(
            wait >= expected && wait < expected + Duration::from_millis(900),
            "{wait:?}, expected {expected:?}"
        );
    }

    #[test]
    fn a_body_waits_from_its_frame_until_polled_again_and_not_while_its_source_is_idle() {
        let writes = Writes::new();
        let watch = writes.watch(false);
        assert_eq!(writes.longest_wait(), Duration::ZERO);
        // Waiting on its source: not the client's fault, however long.
        let _ = watch.poll(&mut noop_context(), |_| (Poll::<Option<()>>::Pending, true));
        writes.advance(Duration::from_secs(60));
        assert_eq!(writes.longest_wait(), Duration::ZERO);
        // A frame handed out and not asked for again: the wait grows.
        let _ = watch.poll(&mut noop_context(), |_| (Poll::Ready(Some(())), true));
        writes.advance(Duration::from_secs(3));
        waited(&writes, Duration::from_secs(3));
        // Asked again: over.
        let _ = watch.poll(&mut noop_context(), |_| (Poll::<Option<()>>::Pending, true));
        assert_eq!(writes.longest_wait(), Duration::ZERO);
        // Woken by its source while nobody polls it (the client's window is shut): waiting.
        Waker::from(Arc::clone(&watch.nudge)).wake();
        writes.advance(Duration::from_secs(2));
        waited(&writes, Duration::from_secs(2));
        // The last frame: nothing more to write, no wait.
        let _ = watch.poll(&mut noop_context(), |_| (Poll::Ready(Some(())), false));
        writes.advance(Duration::from_secs(9));
        assert_eq!(writes.longest_wait(), Duration::ZERO);
        // A body with something to send from the start waits from the start; dropped bodies
        // are forgotten.
        let fresh = writes.watch(true);
        writes.advance(Duration::from_secs(1));
        waited(&writes, Duration::from_secs(1));
        drop(fresh);
        drop(watch);
        assert_eq!(writes.longest_wait(), Duration::ZERO);
        assert!(writes.marks.lock().unwrap().is_empty());
    }

    #[tokio::test]
    async fn the_watchdog_fires_once_a_wait_reaches_the_timeout_and_not_before() {
        let writes = Writes::new();
        let _never_asked = writes.watch(true);
        let started = std::time::Instant::now();
        writes.stalled(Duration::from_millis(40)).await;
        assert!(started.elapsed() >= Duration::from_millis(40));
        // Nothing waiting: it does not fire.
        let idle = Writes::new();
        let _parked = idle.watch(false);
        let fired = tokio::time::timeout(
            Duration::from_millis(200),
            idle.stalled(Duration::from_millis(40)),
        )
        .await;
        assert!(fired.is_err());
    }
}
