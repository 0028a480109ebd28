//! The rayon pool that analyses run on: named threads, each kept on a CPU of its own.
//!
//! Long texts are parsed in parallel pieces, and that only pays when the pool's threads really
//! run at the same time. Left to itself, Linux often wakes an idle worker on the CPU of the thread
//! that woke it (it will not wake a CPU it takes for busy, which a halted virtual CPU can look
//! like), so both workers share one CPU while the other idles. Measured on a 2-vCPU VM, analysing
//! the 6,574-line benchmark stream after 20 ms of quiet: workers stacked on one CPU in every
//! round, 7.7 ms (median) per analysis; pinned one to a CPU, 4.7–6.1 ms (medians of three
//! runs); in the language server, open → diagnostics went from 8.6 to 6.5 ms. So each worker is
//! pinned to its own CPU of the set the process may use, when there is one worker per CPU of
//! that set (so that several processes, such as parallel lint runs, still spread over every
//! CPU).
//!
//! Work stealing bounds the cost when another program keeps a worker's CPU busy: the other
//! workers take its queued pieces, and it finishes only the piece in its hands. Set
//! `SIDECAR_LSP_PIN_THREADS=0` to leave placement to the kernel.

/// The environment variable that turns pinning off when set to `0`.
pub const PIN_THREADS_ENV: &str = "SIDECAR_LSP_PIN_THREADS";

/// Build rayon's global pool: as many workers as rayon would start (`RAYON_NUM_THREADS`, else
/// the CPUs available), named `sidecar-pool-N`, each pinned to its own CPU where possible.
/// Does nothing when the pool is already built (the first caller decides).
pub fn init_pool() {
    let threads = worker_count();
    let cpus = if pinning_wanted() {
        allowed_cpus()
    } else {
        Vec::new()
    };
    let mut builder = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(|i| format!("sidecar-pool-{i}"));
    if threads > 1 && cpus.len() == threads {
        builder = builder.start_handler(move |i| pin_current_thread(cpus[i]));
    }
    if let Err(e) = builder.build_global() {
        tracing::debug!("the analysis pool was already built: {e}");
    }
}

/// What rayon would choose: `RAYON_NUM_THREADS` when it is a positive number, else the CPUs
/// this process may use (affinity and cgroup quota).
fn worker_count() -> usize {
    std::env::var("RAYON_NUM_THREADS")
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok())
        .filter(|&n| n > 0)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

fn pinning_wanted() -> bool {
    std::env::var(PIN_THREADS_ENV).map_or(true, |v| v.trim() != "0")
}

/// The CPUs this process may run on, in ascending order (empty where that cannot be known).
#[cfg(target_os = "linux")]
fn allowed_cpus() -> Vec<usize> {
    // SAFETY: `cpu_set_t` is plain data; `sched_getaffinity` writes at most its size.
    unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        if libc::sched_getaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &mut set) != 0 {
            return Vec::new();
        }
        (0..libc::CPU_SETSIZE as usize)
            .filter(|&cpu| libc::CPU_ISSET(cpu, &set))
            .collect()
    }
}

#[cfg(not(target_os = "linux"))]
fn allowed_cpus() -> Vec<usize> {
    Vec::new()
}

/// Keep the calling thread on `cpu` (a failure only costs speed, so it is logged, not fatal).
#[cfg(target_os = "linux")]
fn pin_current_thread(cpu: usize) {
    // SAFETY: as above; `CPU_SET` stays inside the set for any `cpu < CPU_SETSIZE`, which
    // `allowed_cpus` guarantees.
    let failed = unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        libc::CPU_SET(cpu, &mut set);
        libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &set) != 0
    };
    if failed {
        tracing::debug!(
            "cannot pin an analysis thread to CPU {cpu}: {}",
            std::io::Error::last_os_error()
        );
    }
}

#[cfg(not(target_os = "linux"))]
fn pin_current_thread(_cpu: usize) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg(target_os = "linux")]
    fn the_allowed_cpus_include_the_one_running_this_test() {
        let cpus = allowed_cpus();
        assert!(!cpus.is_empty());
        assert!(cpus.windows(2).all(|w| w[0] < w[1]));
        // SAFETY: no arguments, no memory.
        let here = unsafe { libc::sched_getcpu() };
        assert!(here >= 0 && cpus.contains(&(here as usize)));
    }

    #[test]
    #[cfg(target_os = "linux")]
    fn a_pinned_thread_runs_only_on_its_cpu() {
        let cpu = *allowed_cpus().last().expect("some CPU");
        let seen = std::thread::spawn(move || {
            pin_current_thread(cpu);
            let after = allowed_cpus();
            // SAFETY: as above.
            let running = unsafe { libc::sched_getcpu() } as usize;
            (after, running)
        })
        .join()
        .expect("the thread ran");
        assert_eq!(seen, (vec![cpu], cpu));
    }
}
