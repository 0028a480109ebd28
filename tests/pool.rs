//! The analysis pool of the real binary (Linux): one worker per CPU the process may use, each
//! pinned to a CPU of its own, unless `SIDECAR_LSP_PIN_THREADS=0` leaves them to the kernel.

#![cfg(target_os = "linux")]

#[path = "support/lsp_client.rs"]
mod lsp_client;

use std::collections::BTreeSet;
use std::path::Path;

use lsp_client::LspClient;
use serde_json::json;

/// The CPUs (ranges expanded) in a `Cpus_allowed_list` line of `/proc/…/status`.
fn cpu_list(list: &str) -> BTreeSet<usize> {
    let mut cpus = BTreeSet::new();
    for part in list.trim().split(',').filter(|p| !p.is_empty()) {
        match part.split_once('-') {
            Some((a, b)) => cpus.extend(a.parse::<usize>().unwrap()..=b.parse().unwrap()),
            None => {
                cpus.insert(part.parse().unwrap());
            }
        }
    }
    cpus
}

/// The allowed CPUs of one task's `status` file.
fn allowed(status: &str) -> BTreeSet<usize> {
    let line = status
        .lines()
        .find_map(|l| l.strip_prefix("Cpus_allowed_list:"))
        .expect("a Cpus_allowed_list line");
    cpu_list(line)
}

/// The allowed CPUs of every pool worker of process `pid`.
fn pool_workers(pid: u32) -> Vec<BTreeSet<usize>> {
    let mut workers = Vec::new();
    for task in std::fs::read_dir(format!("/proc/{pid}/task")).unwrap() {
        let dir = task.unwrap().path();
        let name = std::fs::read_to_string(dir.join("comm")).unwrap_or_default();
        if name.trim().starts_with("sidecar-pool-") {
            workers.push(allowed(
                &std::fs::read_to_string(dir.join("status")).unwrap(),
            ));
        }
    }
    workers
}

/// Start the server with `env`, initialise it, and list its pool workers' CPUs.
fn workers_with(env: &[(&str, &Path)]) -> (Vec<BTreeSet<usize>>, BTreeSet<usize>) {
    let binary = Path::new(env!("CARGO_BIN_EXE_sidecar-lsp"));
    let mut client = LspClient::spawn_with_env(binary, &[], env);
    client.initialize(json!({}));
    let mine = allowed(&std::fs::read_to_string(format!("/proc/{}/status", client.pid())).unwrap());
    let workers = pool_workers(client.pid());
    assert_eq!(client.shutdown(), Some(0));
    (workers, mine)
}

#[test]
fn each_worker_has_a_cpu_of_its_own() {
    let (workers, cpus) = workers_with(&[]);
    assert_eq!(workers.len(), cpus.len(), "one worker per CPU: {workers:?}");
    if cpus.len() < 2 {
        return;
    }
    let pinned: BTreeSet<usize> = workers
        .iter()
        .map(|w| {
            assert_eq!(w.len(), 1, "a worker pinned to one CPU: {workers:?}");
            *w.first().unwrap()
        })
        .collect();
    assert_eq!(pinned, cpus, "every allowed CPU has its worker");
}

#[test]
fn pinning_can_be_turned_off() {
    let (workers, cpus) = workers_with(&[("SIDECAR_LSP_PIN_THREADS", Path::new("0"))]);
    assert_eq!(workers.len(), cpus.len());
    assert!(workers.iter().all(|w| *w == cpus), "{workers:?}");
}

#[test]
fn fewer_workers_than_cpus_are_left_free() {
    // Several such processes would otherwise all crowd onto the first CPUs.
    let (workers, cpus) = workers_with(&[("RAYON_NUM_THREADS", Path::new("1"))]);
    assert_eq!(workers.len(), 1);
    assert_eq!(workers[0], cpus);
}
