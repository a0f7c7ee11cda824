//! CPU pinning for the sequential tables. On a 2-core machine the scheduler sometimes runs the
//! client and the responder on one core and sometimes on two, and moves them around: that
//! alone swings a sequential rate by ±30%. Pinning the client to the first CPU and the
//! responder to the last takes that noise out, and treats every contender alike. Linux only;
//! elsewhere (or with one CPU) nothing is pinned.

/// Pins the calling thread to `cpu`, or lets it run anywhere again with `None`.
#[cfg(target_os = "linux")]
pub fn current_thread(cpu: Option<usize>) -> bool {
    // SAFETY: cpu_set_t is plain data; CPU_ZERO/CPU_SET only write inside `set`, and
    // sched_setaffinity(0, ...) applies to the calling thread.
    unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        libc::CPU_ZERO(&mut set);
        match cpu {
            Some(c) => libc::CPU_SET(c, &mut set),
            None => (0..cpus()).for_each(|c| libc::CPU_SET(c, &mut set)),
        }
        libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &set) == 0
    }
}

#[cfg(not(target_os = "linux"))]
pub fn current_thread(_cpu: Option<usize>) -> bool {
    false
}

/// CPUs this process may use.
pub fn cpus() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// While alive, the calling thread (and every process it spawns) runs on the first CPU; the
/// responder should be given [`ClientPin::server_cpu`].
pub struct ClientPin {
    server_cpu: Option<usize>,
}

impl ClientPin {
    pub fn new() -> ClientPin {
        let server_cpu = (cpus() >= 2 && current_thread(Some(0))).then(|| cpus() - 1);
        ClientPin { server_cpu }
    }

    /// The CPU for the responder's threads, when the client could be pinned.
    pub fn server_cpu(&self) -> Option<usize> {
        self.server_cpu
    }

    /// How the pinning reads in a report.
    pub fn describe(&self) -> String {
        match self.server_cpu {
            Some(s) => format!("client pinned to CPU 0, responder to CPU {s}"),
            None => "nothing pinned (one CPU, or not Linux)".into(),
        }
    }
}

impl Drop for ClientPin {
    fn drop(&mut self) {
        if self.server_cpu.is_some() {
            current_thread(None);
        }
    }
}
