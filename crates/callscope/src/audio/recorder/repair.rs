//! Repairing a WAV whose writer never finished (killed, power lost) and finding such files.

use std::fs::OpenOptions;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use super::{FinishedRecording, RecorderError, RecordingInfo, IN_PROGRESS_DIR};

/// How far into a file the `data` chunk is looked for.
const HEADER_SEARCH_BYTES: usize = 4096;

/// Make the header of the WAV at `path` describe the audio actually on disk: the RIFF and
/// `data` sizes are set from the file's length, and a trailing partial frame is cut off.
/// Returns the number of whole frames kept.
pub fn repair_wav_header(path: &Path) -> Result<u64, RecorderError> {
    let fail = |detail: String| RecorderError::Repair {
        path: path.to_path_buf(),
        detail,
    };
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .open(path)
        .map_err(|e| fail(format!("it cannot be opened: {e}")))?;
    let file_len = file.metadata().map_err(|e| fail(e.to_string()))?.len();
    let mut head = vec![
        0u8;
        HEADER_SEARCH_BYTES
            .min(usize::try_from(file_len).unwrap_or(HEADER_SEARCH_BYTES))
    ];
    file.read_exact(&mut head)
        .map_err(|e| fail(format!("its header cannot be read: {e}")))?;
    if head.len() < 12 || &head[0..4] != b"RIFF" || &head[8..12] != b"WAVE" {
        return Err(fail(
            "it has no RIFF/WAVE header (nothing was recorded before the crash)".into(),
        ));
    }
    let mut block_align = None;
    let mut offset = 12usize;
    let data_start = loop {
        let Some(chunk) = head.get(offset..offset + 8) else {
            return Err(fail("no data chunk was found in its header".into()));
        };
        let size = u32::from_le_bytes([chunk[4], chunk[5], chunk[6], chunk[7]]) as usize;
        match &chunk[0..4] {
            b"fmt " => {
                block_align = head
                    .get(offset + 20..offset + 22)
                    .map(|b| u64::from(u16::from_le_bytes([b[0], b[1]])));
            }
            b"data" => break offset + 8,
            _ => {}
        }
        offset += 8 + size + size % 2;
    };
    let block_align = block_align
        .filter(|&b| b > 0)
        .ok_or_else(|| fail("its format chunk is missing or says 0 bytes per frame".into()))?;
    let data_start = data_start as u64;
    let frames = file_len.saturating_sub(data_start) / block_align;
    let data_len = frames * block_align;
    let data_size = u32::try_from(data_len)
        .map_err(|_| fail("it is longer than a WAV can describe (4 GB)".into()))?;
    let riff_size = u32::try_from(data_start + data_len - 8)
        .map_err(|_| fail("it is longer than a WAV can describe (4 GB)".into()))?;
    let write = |file: &mut std::fs::File, at: u64, value: u32| -> std::io::Result<()> {
        file.seek(SeekFrom::Start(at))?;
        file.write_all(&value.to_le_bytes())
    };
    write(&mut file, 4, riff_size)
        .and_then(|()| write(&mut file, data_start - 4, data_size))
        .and_then(|()| file.set_len(data_start + data_len))
        .and_then(|()| file.sync_all())
        .map_err(|e| RecorderError::io(path, e))?;
    Ok(frames)
}

/// Whole frames in the (valid) WAV at `path`.
pub(crate) fn wav_frames(path: &Path) -> Result<u64, RecorderError> {
    hound::WavReader::open(path)
        .map(|r| u64::from(r.duration()))
        .map_err(|e| RecorderError::Repair {
            path: path.to_path_buf(),
            detail: format!("it does not read as WAV: {e}"),
        })
}

/// Find the recordings a crash left unfinished in `recordings`' `in-progress/` folder, repair
/// them and move them next to the finished ones. Each comes back marked `recovered`, or as the
/// error that kept it where it was. A recording with no audio at all is removed.
pub fn recover_unfinished(recordings: &Path) -> Vec<Result<FinishedRecording, RecorderError>> {
    let dir = recordings.join(IN_PROGRESS_DIR);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut wavs: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "wav"))
        .collect();
    wavs.sort();
    wavs.into_iter()
        .filter_map(|wav| recover_one(recordings, &wav).transpose())
        .collect()
}

fn recover_one(recordings: &Path, wav: &Path) -> Result<Option<FinishedRecording>, RecorderError> {
    if in_use(wav) {
        tracing::info!(path = %wav.display(), "a recording in progress belongs to a running Callscope; left alone");
        return Ok(None);
    }
    let note = wav.with_extension("json");
    let info = read_note(&note, wav);
    let frames = repair_wav_header(wav)?;
    if frames == 0 {
        tracing::info!(path = %wav.display(), "an unfinished recording held no audio; removed");
        let _ = std::fs::remove_file(wav);
        let _ = std::fs::remove_file(&note);
        return Ok(None);
    }
    let target = recordings.join(wav.file_name().unwrap_or_default());
    std::fs::rename(wav, &target).map_err(|e| RecorderError::io(&target, e))?;
    let _ = std::fs::remove_file(&note);
    let duration_ms = wav_frames(&target)? * 1000 / u64::from(crate::audio::WHISPER_SAMPLE_RATE_HZ);
    tracing::warn!(path = %target.display(), duration_ms, "recovered a recording cut short by a crash");
    Ok(Some(FinishedRecording {
        path: target,
        info,
        duration_ms,
        recovered: true,
        cut_short: None,
    }))
}

/// Whether a live recorder (in this or another process) still holds `wav`'s lock.
fn in_use(wav: &Path) -> bool {
    match std::fs::File::open(wav).map(|f| f.try_lock_shared()) {
        Ok(Err(std::fs::TryLockError::WouldBlock)) => true,
        Ok(_) | Err(_) => false,
    }
}

/// The note beside an unfinished recording; without one, the file's modification time stands
/// in for the start.
fn read_note(note: &Path, wav: &Path) -> RecordingInfo {
    if let Some(info) = std::fs::read(note)
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
    {
        return info;
    }
    tracing::warn!(path = %note.display(), "an unfinished recording has no readable note; its start time is taken from the file");
    let modified = std::fs::metadata(wav)
        .and_then(|m| m.modified())
        .map(time::OffsetDateTime::from)
        .unwrap_or_else(|_| time::OffsetDateTime::now_utc());
    let started_at = modified
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default();
    RecordingInfo {
        started_at,
        agent_device: None,
        customer_device: None,
    }
}
