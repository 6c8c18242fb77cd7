//! Bounded memory, proven: a real `needsmap serve` process on 127.0.0.1 (the release binary of this
//! checkout, Gloucestershire) receives 20,000 tile requests, each with a different long `?where=`
//! filter, half for a tile inside the county and half for tiles outside it (empty, 204). Its resident
//! memory (VmRSS from /proc/PID/status) may grow by less than 30 MB: the filtered-tile cache counts
//! the filter text in each entry's weight and has its own small budget.
//!
//! Before the fix (weight = tile bytes + 64, keys not counted, one 256 MB cache) the same traffic
//! grew the county server from 512 MB to 568 MB.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Server {
    child: Child,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start() -> Server {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_needsmap"))
        .current_dir(root)
        .args(["serve", "--no-warm", "--addr", &format!("127.0.0.1:{port}")])
        .env("NEEDSMAP_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start needsmap serve");
    // The server prints one line once it listens.
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert!(line.contains("serving"), "unexpected first line: {line:?}");
    Server {
        child,
        base: format!("http://127.0.0.1:{port}"),
    }
}

fn rss_kib(pid: u32) -> u64 {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = s
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .expect("VmRSS in /proc/PID/status");
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

/// A distinct, valid filter of about 1,500 characters; matches nothing unusual, but its text (the
/// cache key) is what an attacker controls.
fn filter(k: usize) -> String {
    let pad = format!("{k:08}").repeat(180);
    format!("imd_decile <= 10 and name != \"{pad}\"")
}

fn send(base: &str, client: &reqwest::blocking::Client, k: usize) -> u16 {
    // In the county (Gloucester, z10) or far outside it (z10 tiles in the Atlantic).
    let tile = if k.is_multiple_of(2) {
        "10/505/338".to_string()
    } else {
        format!("10/{}/300", k % 400)
    };
    let f = filter(k);
    let q = percent_encoding::utf8_percent_encode(&f, percent_encoding::NON_ALPHANUMERIC);
    let r = client
        .get(format!(
            "{base}/tiles/areas/{tile}.mvt?layers=imd_decile&where={q}"
        ))
        .send()
        .unwrap();
    let s = r.status().as_u16();
    let _ = r.bytes();
    s
}

#[test]
fn twenty_thousand_distinct_filters_grow_rss_by_less_than_30_mb() {
    let server = start();
    let pid = server.child.id();
    let clients = 4;
    let per = 5_000;
    let run = |offset: usize, per: usize| {
        std::thread::scope(|s| {
            for c in 0..clients {
                let base = server.base.clone();
                s.spawn(move || {
                    let client = reqwest::blocking::Client::builder()
                        .timeout(Duration::from_secs(60))
                        .build()
                        .unwrap();
                    for i in 0..per {
                        let st = send(&base, &client, offset + c * per + i);
                        assert!(st == 200 || st == 204, "status {st}");
                    }
                });
            }
        })
    };
    // Warm up: every worker thread and code path has run once.
    run(10_000_000, 100);
    let before = rss_kib(pid);
    let t = Instant::now();
    run(0, per);
    let after = rss_kib(pid);
    let growth_mib = (after as f64 - before as f64) / 1024.0;
    eprintln!(
        "{} distinct filters in {:.1} s: VmRSS {:.1} MiB -> {:.1} MiB (growth {growth_mib:.1} MiB)",
        clients * per,
        t.elapsed().as_secs_f64(),
        before as f64 / 1024.0,
        after as f64 / 1024.0
    );
    assert!(growth_mib < 30.0, "RSS grew by {growth_mib:.1} MiB");
    // The server still answers, and the same filter twice is a cache hit with the same ETag.
    let client = reqwest::blocking::Client::new();
    let q = percent_encoding::utf8_percent_encode(&filter(7), percent_encoding::NON_ALPHANUMERIC)
        .to_string();
    let url = format!(
        "{}/tiles/areas/10/505/338.mvt?layers=imd_decile&where={q}",
        server.base
    );
    let a = client.get(&url).send().unwrap();
    let b = client.get(&url).send().unwrap();
    assert_eq!(a.status(), 200);
    assert_eq!(a.headers()["etag"], b.headers()["etag"]);
}
