//! The audio track's edit list in an MP4/M4A file: which decoded samples are real audio.
//!
//! AAC encoders prepend priming samples (1024 for most) and pad the end; the file's edit list
//! says where the real audio starts and how long it is. The decoder does not apply it, so
//! without this every M4A would start 64 ms late at 16 kHz and run long.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

/// Samples (at the track's own rate) to drop at the start and, if known, to keep after that.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EditWindow {
    pub skip_frames: u64,
    pub keep_frames: Option<u64>,
}

/// Boxes nest at most this deep in the path we follow; guards against malicious files.
const MAX_DEPTH: usize = 6;

/// The first audio track's edit window, or `None` if the file is not MP4 or has no usable edit.
pub fn audio_edit_window(path: &Path) -> Option<EditWindow> {
    let mut file = File::open(path).ok()?;
    let len = file.metadata().ok()?.len();
    let mut head = [0u8; 8];
    file.read_exact(&mut head).ok()?;
    if &head[4..8] != b"ftyp" {
        return None;
    }
    let moov = find_child(&mut file, 0, len, b"moov")?;
    let movie_timescale = find_child(&mut file, moov.0, moov.1, b"mvhd").and_then(|b| timescale(&mut file, b, 12, 20))?;
    let mut pos = moov.0;
    while let Some((start, end)) = find_child(&mut file, pos, moov.1, b"trak") {
        pos = end;
        let Some(mdia) = find_child(&mut file, start, end, b"mdia") else { continue };
        let is_audio = find_child(&mut file, mdia.0, mdia.1, b"hdlr")
            .and_then(|h| read_at(&mut file, h.0 + 8, 4))
            .is_some_and(|t| t == b"soun");
        if !is_audio {
            continue;
        }
        let media_timescale = find_child(&mut file, mdia.0, mdia.1, b"mdhd").and_then(|b| timescale(&mut file, b, 12, 20))?;
        let edts = find_child(&mut file, start, end, b"edts")?;
        let elst = find_child(&mut file, edts.0, edts.1, b"elst")?;
        return read_elst(&mut file, elst, movie_timescale, media_timescale);
    }
    None
}

/// Payload range `[start, end)` of the first child box `kind` inside `[from, to)`.
fn find_child(file: &mut File, from: u64, to: u64, kind: &[u8; 4]) -> Option<(u64, u64)> {
    find_child_depth(file, from, to, kind, 0)
}

fn find_child_depth(file: &mut File, from: u64, to: u64, kind: &[u8; 4], depth: usize) -> Option<(u64, u64)> {
    if depth > MAX_DEPTH {
        return None;
    }
    let mut pos = from;
    while pos + 8 <= to {
        let header = read_at(file, pos, 8)?;
        let mut size = u64::from(u32::from_be_bytes([header[0], header[1], header[2], header[3]]));
        let mut header_len = 8;
        if size == 1 {
            let large = read_at(file, pos + 8, 8)?;
            size = u64::from_be_bytes(large.try_into().ok()?);
            header_len = 16;
        } else if size == 0 {
            size = to - pos;
        }
        if size < header_len || pos + size > to {
            return None;
        }
        if &header[4..8] == kind {
            return Some((pos + header_len, pos + size));
        }
        pos += size;
    }
    None
}

fn read_at(file: &mut File, pos: u64, n: usize) -> Option<Vec<u8>> {
    file.seek(SeekFrom::Start(pos)).ok()?;
    let mut buf = vec![0u8; n];
    file.read_exact(&mut buf).ok()?;
    Some(buf)
}

/// The timescale field of an `mvhd`/`mdhd` box: at `v0` bytes in for version 0, `v1` for 1.
fn timescale(file: &mut File, payload: (u64, u64), v0: u64, v1: u64) -> Option<u64> {
    let version = read_at(file, payload.0, 1)?[0];
    let at = payload.0 + if version == 1 { v1 } else { v0 };
    let b = read_at(file, at, 4)?;
    let ts = u64::from(u32::from_be_bytes(b.try_into().ok()?));
    (ts > 0).then_some(ts)
}

fn read_elst(file: &mut File, payload: (u64, u64), movie_ts: u64, media_ts: u64) -> Option<EditWindow> {
    let head = read_at(file, payload.0, 8)?;
    let version = head[0];
    let count = u32::from_be_bytes(head[4..8].try_into().ok()?);
    let entry_len = if version == 1 { 20 } else { 12 };
    let mut pos = payload.0 + 8;
    for _ in 0..count.min(16) {
        let e = read_at(file, pos, entry_len)?;
        pos += entry_len as u64;
        let (duration, media_time) = if version == 1 {
            (u64::from_be_bytes(e[0..8].try_into().ok()?), i64::from_be_bytes(e[8..16].try_into().ok()?))
        } else {
            (u64::from(u32::from_be_bytes(e[0..4].try_into().ok()?)), i64::from(i32::from_be_bytes(e[4..8].try_into().ok()?)))
        };
        // media_time −1 is an empty edit (a gap before the track starts); the real one follows.
        if media_time < 0 {
            continue;
        }
        let keep = (duration > 0).then(|| duration.saturating_mul(media_ts) / movie_ts);
        return Some(EditWindow { skip_frames: media_time as u64, keep_frames: keep });
    }
    None
}
