//! An elastic pool of worker threads for network calls: a call in flight always has a
//! thread (an idle one is reused, else one is started), and threads idle for a minute exit.
//! libuv's pool (4 threads by default) would make the 5th concurrent HTTP call wait.

use std::collections::VecDeque;
use std::sync::{Condvar, Mutex, OnceLock};
use std::thread;
use std::time::Duration;

type Job = Box<dyn FnOnce() + Send>;

/// How long an idle worker waits for work before it exits.
const IDLE: Duration = Duration::from_secs(60);

#[derive(Default)]
struct Pool {
    state: Mutex<State>,
    work: Condvar,
}

#[derive(Default)]
struct State {
    queue: VecDeque<Job>,
    idle: usize,
}

fn pool() -> &'static Pool {
    static POOL: OnceLock<Pool> = OnceLock::new();
    POOL.get_or_init(Pool::default)
}

/// Runs `job` on a worker thread.
pub(crate) fn spawn(job: impl FnOnce() + Send + 'static) {
    let pool = pool();
    let mut state = pool.state.lock().unwrap_or_else(|p| p.into_inner());
    state.queue.push_back(Box::new(job));
    if state.idle >= state.queue.len() {
        pool.work.notify_one();
        return;
    }
    drop(state);
    let started = thread::Builder::new()
        .name("tuma-node-worker".into())
        .spawn(move || work(pool));
    if started.is_err() {
        // No thread could be started: an existing worker will take the job when free.
        pool.work.notify_one();
    }
}

fn work(pool: &Pool) {
    let mut state = pool.state.lock().unwrap_or_else(|p| p.into_inner());
    loop {
        if let Some(job) = state.queue.pop_front() {
            drop(state);
            job();
            state = pool.state.lock().unwrap_or_else(|p| p.into_inner());
            continue;
        }
        state.idle += 1;
        let (next, timeout) = pool
            .work
            .wait_timeout(state, IDLE)
            .unwrap_or_else(|p| p.into_inner());
        state = next;
        state.idle -= 1;
        if timeout.timed_out() && state.queue.is_empty() {
            return;
        }
    }
}
