//! Resumable, verified downloads against a loopback HTTP server that misbehaves on purpose.

use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::thread;

use callscope::models::{download_verified, ignore_install_progress, ModelError};
use sha2::{Digest, Sha256};

use super::scratch;

/// How the loopback server misbehaves.
#[derive(Clone, Copy, PartialEq)]
enum Server {
    /// Cuts the first response off halfway, then serves ranges properly.
    DropsFirstResponse,
    /// Always answers 200 with the whole body.
    IgnoresRanges,
}

/// Serves `payload` on 127.0.0.1; returns its URL and the `Range` header of each request.
fn serve(payload: Vec<u8>, behaviour: Server) -> (String, Arc<Mutex<Vec<Option<String>>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/ggml-test.bin", listener.local_addr().unwrap());
    let ranges = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&ranges);
    thread::spawn(move || {
        for stream in listener.incoming() {
            let mut stream = stream.unwrap();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut range = None;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some((name, value)) = line.split_once(':') {
                    if name.eq_ignore_ascii_case("range") {
                        range = Some(value.trim().to_owned());
                    }
                }
            }
            let first = {
                let mut seen = seen.lock().unwrap();
                seen.push(range.clone());
                seen.len() == 1
            };
            let start: usize = match (&range, behaviour) {
                (Some(r), Server::DropsFirstResponse) => r.trim_start_matches("bytes=").trim_end_matches('-').parse().unwrap(),
                _ => 0,
            };
            let body = &payload[start..];
            let head = if start > 0 {
                format!(
                    "HTTP/1.1 206 Partial Content\r\nContent-Length: {}\r\nContent-Range: bytes {start}-{}/{}\r\nConnection: close\r\n\r\n",
                    body.len(),
                    payload.len() - 1,
                    payload.len()
                )
            } else {
                format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len())
            };
            let _ = stream.write_all(head.as_bytes());
            let cut = if first && behaviour == Server::DropsFirstResponse { body.len() / 2 } else { body.len() };
            let _ = stream.write_all(&body[..cut]);
        }
    });
    (url, ranges)
}

fn payload() -> (Vec<u8>, String) {
    let bytes: Vec<u8> = (0..300_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    let sha = hex::encode(Sha256::digest(&bytes));
    (bytes, sha)
}

#[test]
fn interrupted_download_resumes_with_a_range_request() {
    let (bytes, sha) = payload();
    let (url, ranges) = serve(bytes.clone(), Server::DropsFirstResponse);
    let dest = scratch("resume").join("ggml-test.bin");
    let size = download_verified(&url, &dest, &sha, &ignore_install_progress).unwrap();
    assert_eq!(size, 300_000);
    assert_eq!(fs::read(&dest).unwrap(), bytes);
    let ranges = ranges.lock().unwrap().clone();
    assert_eq!(ranges, [None, Some("bytes=150000-".to_owned())]);
    assert!(!dest.with_file_name("ggml-test.bin.part").exists());
}

#[test]
fn server_ignoring_ranges_still_gives_the_right_file() {
    let (bytes, sha) = payload();
    let (url, _) = serve(bytes.clone(), Server::IgnoresRanges);
    let dir = scratch("no-ranges");
    let dest = dir.join("ggml-test.bin");
    fs::write(dir.join("ggml-test.bin.part"), &bytes[..1000]).unwrap();
    download_verified(&url, &dest, &sha, &ignore_install_progress).unwrap();
    assert_eq!(fs::read(&dest).unwrap(), bytes);
}

#[test]
fn download_with_the_wrong_checksum_leaves_no_file_behind() {
    let (bytes, _) = payload();
    let (url, _) = serve(bytes, Server::IgnoresRanges);
    let dir = scratch("bad-sum");
    let dest = dir.join("ggml-test.bin");
    let wrong = "0".repeat(64);
    let err = download_verified(&url, &dest, &wrong, &ignore_install_progress).unwrap_err();
    assert!(matches!(err, ModelError::DownloadChecksum { .. }), "{err}");
    assert!(err.to_string().contains(&wrong), "{err}");
    assert_eq!(fs::read_dir(&dir).unwrap().count(), 0);
}

