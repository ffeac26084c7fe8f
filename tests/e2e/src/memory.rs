//! Memory of a running app: the proportional set size (PSS) of its process and every process
//! it started (WebKit's web and network processes), so shared libraries are counted once.

use std::path::Path;

/// The process running `binary` (by its command line), if one is running.
pub fn find_process(binary: &Path) -> Option<u32> {
    let wanted = binary.to_string_lossy().into_owned();
    processes().into_iter().find(|&pid| {
        std::fs::read(format!("/proc/{pid}/cmdline"))
            .ok()
            .and_then(|c| c.split(|b| *b == 0).next().map(|first| String::from_utf8_lossy(first).into_owned()))
            .is_some_and(|first| first == wanted)
    })
}

/// PSS in bytes of `pid` and all its descendants.
pub fn tree_pss_bytes(pid: u32) -> u64 {
    tree_pss(pid).iter().map(|(_, _, bytes)| bytes).sum()
}

/// Each process of the tree under `pid` (itself first): its id, command name and PSS in bytes.
pub fn tree_pss(pid: u32) -> Vec<(u32, String, u64)> {
    let all = processes();
    let mut tree = vec![pid];
    let mut i = 0;
    while i < tree.len() {
        let parent = tree[i];
        tree.extend(all.iter().copied().filter(|&p| parent_of(p) == Some(parent)));
        i += 1;
    }
    tree.iter().map(|&p| (p, command_name(p), pss_bytes(p))).collect()
}

fn command_name(pid: u32) -> String {
    std::fs::read_to_string(format!("/proc/{pid}/comm")).map(|s| s.trim().to_string()).unwrap_or_default()
}

fn processes() -> Vec<u32> {
    std::fs::read_dir("/proc")
        .map(|d| d.filter_map(Result::ok).filter_map(|e| e.file_name().to_str().and_then(|n| n.parse().ok())).collect())
        .unwrap_or_default()
}

fn parent_of(pid: u32) -> Option<u32> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name may contain spaces; fields after its closing parenthesis are fixed.
    let rest = &stat[stat.rfind(')')? + 2..];
    rest.split_whitespace().nth(1)?.parse().ok()
}

fn pss_bytes(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Pss:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<u64>().ok())
        })
        .map_or(0, |kb| kb * 1024)
}
