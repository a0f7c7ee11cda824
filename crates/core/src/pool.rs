//! The worker pool the asynchronous bindings (Python's `AsyncClient`, Node's promises) run
//! calls on: one per client, elastic, bounded.
//!
//! A call in flight has a thread (an idle one is reused, else one is started) up to
//! `http.max_threads`; beyond that calls wait in a queue of at most `http.max_queued`; a
//! call that finds the queue full is refused at once with [`Error::Busy`] — never a hang,
//! never a panic, and nothing sent. Threads have small stacks and exit after a minute
//! idle. A job that panics is caught: the thread lives on (the job's own completion must
//! settle its caller: see [`WorkerPool::submit`]).

use std::collections::VecDeque;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Condvar, Mutex};
use std::thread;
use std::time::Duration;

use crate::error::{Error, Result};

/// A unit of work.
pub type Job = Box<dyn FnOnce() + Send + 'static>;

/// How long an idle worker waits for work before it exits.
const IDLE: Duration = Duration::from_secs(60);
/// Stack of a worker (8 MiB is the default). Deepest call measured (docs/limits.md): a TLS
/// handshake with an RSA-4096 chain, 56 KiB in a release build, 232 KiB unoptimised. Only
/// the pages a call touches are resident, so a larger reserve costs address space, not RSS.
const STACK: usize = if cfg!(debug_assertions) {
    1024 * 1024
} else {
    256 * 1024
};

/// The bounds of a pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolLimits {
    /// Most threads at once (`http.max_threads`).
    pub max_threads: usize,
    /// Most calls waiting for a thread (`http.max_queued`).
    pub max_queued: usize,
}

/// An elastic, bounded pool of worker threads.
pub struct WorkerPool {
    limits: PoolLimits,
    state: Mutex<State>,
    work: Condvar,
}

#[derive(Default)]
struct State {
    /// The fork generation the threads below belong to (a child of `fork()` has none).
    generation: u64,
    queue: VecDeque<Job>,
    idle: usize,
    threads: usize,
    /// Threads started whose first job is still in the queue.
    starting: usize,
    peak_threads: usize,
}

impl std::fmt::Debug for WorkerPool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WorkerPool")
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}

impl WorkerPool {
    /// A pool with these bounds (at least one thread).
    pub fn new(limits: PoolLimits) -> Arc<WorkerPool> {
        Arc::new(WorkerPool {
            limits: PoolLimits {
                max_threads: limits.max_threads.max(1),
                max_queued: limits.max_queued,
            },
            state: Mutex::new(State {
                generation: crate::fork::generation(),
                ..State::default()
            }),
            work: Condvar::new(),
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Runs `job` on a worker. `Err(Busy)` when every thread is taken and the queue is
    /// full, or when no thread exists and none can be started: the job was dropped
    /// unstarted, so the caller settles its own promise or future with that error.
    pub fn submit(self: &Arc<Self>, job: Job) -> Result<()> {
        let mut state = self.lock();
        let generation = crate::fork::generation();
        if state.generation != generation {
            // A child of fork(): the parent's threads did not come along, and the jobs
            // queued for them are the parent's to run, not the child's.
            crate::fork::set_aside(std::mem::take(&mut state.queue));
            *state = State {
                generation,
                ..State::default()
            };
        }
        if state.idle > state.queue.len() {
            state.queue.push_back(job);
            self.work.notify_one();
            return Ok(());
        }
        if state.threads < self.limits.max_threads {
            let pool = Arc::clone(self);
            let started = thread::Builder::new()
                .name("tuma-worker".into())
                .stack_size(STACK)
                .spawn(move || pool.work_loop());
            if started.is_ok() {
                state.threads += 1;
                state.starting += 1;
                state.peak_threads = state.peak_threads.max(state.threads);
                state.queue.push_back(job);
                return Ok(());
            }
            if state.threads == 0 {
                return Err(Error::Busy {
                    message: "no worker thread could be started (a thread or pids limit)".into(),
                });
            }
            log::warn!("tuma: could not start a worker thread; the call waits for a free one");
        }
        // A job bound for a thread still starting is not waiting for a free one.
        if state.queue.len() < self.limits.max_queued + state.starting {
            state.queue.push_back(job);
            return Ok(());
        }
        Err(Error::Busy {
            message: format!(
                "{} calls in flight and {} waiting (http.max_threads, http.max_queued)",
                state.threads,
                state.queue.len()
            ),
        })
    }

    fn work_loop(&self) {
        let mut state = self.lock();
        state.starting -= 1;
        loop {
            if let Some(job) = state.queue.pop_front() {
                drop(state);
                if catch_unwind(AssertUnwindSafe(job)).is_err() {
                    log::error!("tuma: a worker job panicked; the worker carries on");
                }
                state = self.lock();
                continue;
            }
            state.idle += 1;
            let (next, waited) = self
                .work
                .wait_timeout(state, IDLE)
                .unwrap_or_else(|p| p.into_inner());
            state = next;
            state.idle -= 1;
            if waited.timed_out() && state.queue.is_empty() {
                state.threads -= 1;
                return;
            }
        }
    }

    /// Threads alive now, and the most there ever were.
    pub fn threads(&self) -> (usize, usize) {
        let state = self.lock();
        (state.threads, state.peak_threads)
    }

    /// The pool's bounds.
    pub fn limits(&self) -> PoolLimits {
        self.limits
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc::channel;

    #[test]
    fn a_full_pool_refuses_at_once_and_recovers() {
        let pool = WorkerPool::new(PoolLimits {
            max_threads: 2,
            max_queued: 1,
        });
        let (release_tx, release_rx) = channel::<()>();
        let release_rx = Arc::new(Mutex::new(release_rx));
        let (done_tx, done_rx) = channel::<u32>();
        let blocker = |n: u32| -> Job {
            let rx = Arc::clone(&release_rx);
            let done = done_tx.clone();
            Box::new(move || {
                let _ = rx.lock().unwrap().recv();
                let _ = done.send(n);
            })
        };
        pool.submit(blocker(1)).unwrap();
        pool.submit(blocker(2)).unwrap();
        pool.submit(blocker(3)).unwrap(); // queued
        let err = pool.submit(blocker(4)).unwrap_err();
        assert_eq!((err.kind(), err.fate()), ("busy", crate::Fate::NotSent));
        assert_eq!(pool.threads(), (2, 2));
        for _ in 0..3 {
            release_tx.send(()).unwrap();
        }
        let mut done: Vec<u32> = (0..3).map(|_| done_rx.recv().unwrap()).collect();
        done.sort();
        assert_eq!(done, vec![1, 2, 3]);
        pool.submit(blocker(5)).unwrap();
        release_tx.send(()).unwrap();
        assert_eq!(done_rx.recv().unwrap(), 5);
    }

    #[test]
    fn a_forked_child_starts_its_own_threads() {
        let pool = WorkerPool::new(PoolLimits {
            max_threads: 2,
            max_queued: 10,
        });
        let (tx, rx) = channel();
        let tx2 = tx.clone();
        pool.submit(Box::new(move || tx2.send(1).unwrap())).unwrap();
        assert_eq!(rx.recv_timeout(Duration::from_secs(5)).unwrap(), 1);
        // As a child of fork() sees the pool: counts for threads it does not have.
        pool.lock().generation = u64::MAX;
        pool.submit(Box::new(move || tx.send(2).unwrap())).unwrap();
        assert_eq!(rx.recv_timeout(Duration::from_secs(5)).unwrap(), 2);
        assert_eq!(pool.lock().generation, crate::fork::generation());
    }

    #[test]
    fn a_panicking_job_leaves_the_worker_alive() {
        let pool = WorkerPool::new(PoolLimits {
            max_threads: 1,
            max_queued: 10,
        });
        pool.submit(Box::new(|| panic!("boom"))).unwrap();
        let (tx, rx) = channel();
        pool.submit(Box::new(move || tx.send(42).unwrap())).unwrap();
        assert_eq!(rx.recv_timeout(Duration::from_secs(5)).unwrap(), 42);
        assert_eq!(pool.threads().0, 1);
    }
}
