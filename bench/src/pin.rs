//! CPU pinning for the sequential tables (sections 1 and 2). On a 2-core machine the scheduler
//! sometimes runs the client and the responder on one core and sometimes on two, and moves
//! them around: that alone swings a sequential rate by ±30% from one slice to the next.
//! Pinning both to one CPU takes that noise out and treats every contender alike: each call
//! is then the client's work, the responder's work and two context switches, so the
//! client's own CPU cost shows in full. Linux only; elsewhere nothing is pinned.

/// While alive, the calling thread (and every thread or process it starts) runs on one CPU;
/// dropping it restores the mask it found.
pub struct ClientPin {
    #[cfg(target_os = "linux")]
    saved: Option<libc::cpu_set_t>,
    cpu: Option<usize>,
}

#[cfg(target_os = "linux")]
impl ClientPin {
    pub fn new() -> ClientPin {
        let size = std::mem::size_of::<libc::cpu_set_t>();
        // SAFETY: cpu_set_t is plain data; the calls read or write only inside `set`, and
        // pid 0 means the calling thread.
        unsafe {
            let mut saved: libc::cpu_set_t = std::mem::zeroed();
            if libc::sched_getaffinity(0, size, &mut saved) != 0 {
                return ClientPin {
                    saved: None,
                    cpu: None,
                };
            }
            let Some(first) = (0..libc::CPU_SETSIZE as usize).find(|&c| libc::CPU_ISSET(c, &saved))
            else {
                return ClientPin {
                    saved: None,
                    cpu: None,
                };
            };
            let pinned = current_thread(first);
            ClientPin {
                saved: pinned.then_some(saved),
                cpu: pinned.then_some(first),
            }
        }
    }
}

#[cfg(not(target_os = "linux"))]
impl ClientPin {
    pub fn new() -> ClientPin {
        ClientPin { cpu: None }
    }
}

impl ClientPin {
    /// The CPU the client runs on, for the responder's threads.
    pub fn cpu(&self) -> Option<usize> {
        self.cpu
    }

    /// How the pinning reads in a report.
    pub fn describe(&self) -> String {
        match self.cpu {
            Some(c) => format!("client and responder pinned to CPU {c}"),
            None => "nothing pinned (not Linux)".into(),
        }
    }
}

#[cfg(target_os = "linux")]
impl Drop for ClientPin {
    fn drop(&mut self) {
        if let Some(saved) = self.saved {
            // SAFETY: restores a mask read by sched_getaffinity for this thread.
            unsafe {
                libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &saved);
            }
        }
    }
}

/// Pins the calling thread to `cpu`.
#[cfg(target_os = "linux")]
pub fn current_thread(cpu: usize) -> bool {
    // SAFETY: as above.
    unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        libc::CPU_ZERO(&mut set);
        libc::CPU_SET(cpu, &mut set);
        libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &set) == 0
    }
}

#[cfg(not(target_os = "linux"))]
pub fn current_thread(_cpu: usize) -> bool {
    false
}
