//! The incremental WAV writer of one live call.

use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::{FinishedRecording, RecorderError, RecordingInfo, IN_PROGRESS_DIR};
use crate::audio::WHISPER_SAMPLE_RATE_HZ;

/// How often written audio is pushed to the disk, header included.
const FLUSH_EVERY: Duration = Duration::from_secs(1);

/// Writes one live call to disk as it happens; see the module documentation.
pub struct Recorder {
    writer: Option<hound::WavWriter<BufWriter<File>>>,
    /// The same file, to ask the OS to put flushed data on the disk.
    file: File,
    path: PathBuf,
    note: PathBuf,
    recordings: PathBuf,
    info: RecordingInfo,
    frames: u64,
    flushed: u64,
    last_flush: Instant,
    failure: Option<String>,
}

impl Recorder {
    /// Start a recording in `recordings` (created if needed), named after its start time.
    pub fn create(recordings: &Path, info: RecordingInfo) -> Result<Recorder, RecorderError> {
        let dir = recordings.join(IN_PROGRESS_DIR);
        std::fs::create_dir_all(&dir).map_err(|source| RecorderError::CreateDir {
            path: dir.clone(),
            source,
        })?;
        let stem = format!(
            "live-{}-{:04x}",
            file_stamp(&info.started_at),
            fastrand::u16(..)
        );
        let path = dir.join(format!("{stem}.wav"));
        let note = dir.join(format!("{stem}.json"));
        // The note goes first: a WAV in `in-progress/` without one is still recovered, but with
        // its devices and start time unknown.
        let json = serde_json::to_vec_pretty(&info).map_err(|e| RecorderError::Write {
            path: note.clone(),
            source: e.into(),
        })?;
        std::fs::write(&note, json).map_err(|e| RecorderError::io(&note, e))?;
        let file = File::create(&path).map_err(|e| RecorderError::io(&path, e))?;
        // Held while recording, so a recovery in another process (the app and the command line
        // share the folder) leaves this file alone; the OS releases it if this process dies.
        if let Err(e) = file.try_lock() {
            tracing::warn!(path = %path.display(), error = %e, "the recording could not be locked; another Callscope could take it for unfinished");
        }
        let sync_handle = file.try_clone().map_err(|e| RecorderError::io(&path, e))?;
        let spec = hound::WavSpec {
            channels: 2,
            sample_rate: WHISPER_SAMPLE_RATE_HZ,
            bits_per_sample: 16,
            sample_format: hound::SampleFormat::Int,
        };
        let mut writer = hound::WavWriter::new(BufWriter::new(file), spec)
            .map_err(|e| RecorderError::wav(&path, e))?;
        // The header goes to disk now, so even a crash in the first second leaves a WAV to repair.
        writer.flush().map_err(|e| RecorderError::wav(&path, e))?;
        tracing::info!(path = %path.display(), "recording started");
        Ok(Recorder {
            writer: Some(writer),
            file: sync_handle,
            path,
            note,
            recordings: recordings.to_path_buf(),
            info,
            frames: 0,
            flushed: 0,
            last_flush: Instant::now(),
            failure: None,
        })
    }

    /// The file being written (in `in-progress/` until `finish`).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Frames (one sample per channel) written so far.
    pub fn frames(&self) -> u64 {
        self.frames
    }

    /// Whether writing has stopped after an error (the disk filled up).
    pub fn failed(&self) -> bool {
        self.failure.is_some()
    }

    /// Append frames (`agent[i]`, `customer[i]`; equal lengths) and flush when a second has
    /// passed since the last flush. After an error nothing more is written: the error is
    /// returned once, and `finish` keeps what was written before it.
    pub fn write(&mut self, agent: &[f32], customer: &[f32]) -> Result<(), RecorderError> {
        let Some(writer) = self.writer.as_mut() else {
            return Ok(());
        };
        let mut result = Ok(());
        for (&a, &c) in agent.iter().zip(customer) {
            result = writer
                .write_sample(to_i16(a))
                .and_then(|()| writer.write_sample(to_i16(c)));
            if result.is_err() {
                break;
            }
            self.frames += 1;
        }
        if let Err(e) = result {
            return Err(self.stop(RecorderError::wav(&self.path, e)));
        }
        if self.last_flush.elapsed() >= FLUSH_EVERY {
            self.flush()?;
        }
        Ok(())
    }

    /// Push everything written so far to the disk, with a header that covers it.
    pub fn flush(&mut self) -> Result<(), RecorderError> {
        let Some(writer) = self.writer.as_mut() else {
            return Ok(());
        };
        self.last_flush = Instant::now();
        let flushed = writer
            .flush()
            .map_err(|e| RecorderError::wav(&self.path, e));
        let synced = flushed.and_then(|()| {
            self.file
                .sync_data()
                .map_err(|e| RecorderError::io(&self.path, e))
        });
        match synced {
            Ok(()) => {
                self.flushed = self.frames;
                Ok(())
            }
            Err(e) => Err(self.stop(e)),
        }
    }

    /// Frames known to be on the disk (as of the last flush): what a crash would keep.
    pub fn flushed_frames(&self) -> u64 {
        self.flushed
    }

    /// Stop writing after `error`, keeping the file as it is on disk.
    fn stop(&mut self, error: RecorderError) -> RecorderError {
        tracing::error!(path = %self.path.display(), %error, "recording stopped");
        self.failure = Some(error.to_string());
        // Dropping the writer tries to write its buffer and header once more; on a full disk
        // that fails quietly, and `finish` repairs the header from what is on disk.
        self.writer = None;
        error
    }

    /// Close the recording and move it out of `in-progress/`.
    pub fn finish(mut self) -> Result<FinishedRecording, RecorderError> {
        match self.writer.take() {
            Some(writer) => writer
                .finalize()
                .map_err(|e| RecorderError::wav(&self.path, e))?,
            None => {
                super::repair_wav_header(&self.path)?;
            }
        }
        let frames = super::repair::wav_frames(&self.path)?;
        let target = self
            .recordings
            .join(self.path.file_name().unwrap_or_default());
        std::fs::rename(&self.path, &target).map_err(|e| RecorderError::io(&target, e))?;
        if let Err(e) = std::fs::remove_file(&self.note) {
            tracing::warn!(path = %self.note.display(), error = %e, "the note of a finished recording was not removed");
        }
        tracing::info!(path = %target.display(), frames, "recording finished");
        Ok(FinishedRecording {
            path: target,
            info: self.info.clone(),
            duration_ms: frames * 1000 / u64::from(WHISPER_SAMPLE_RATE_HZ),
            recovered: false,
            cut_short: self.failure.take(),
        })
    }
}

/// A sample in −1…1 as 16-bit PCM, clipping what is louder.
fn to_i16(x: f32) -> i16 {
    (x.clamp(-1.0, 1.0) * f32::from(i16::MAX)).round() as i16
}

/// `2026-12-07T14:05:09Z` as `20261207-140509`, for file names.
fn file_stamp(rfc3339: &str) -> String {
    rfc3339
        .chars()
        .filter(char::is_ascii_digit)
        .take(14)
        .enumerate()
        .fold(String::new(), |mut s, (i, c)| {
            if i == 8 {
                s.push('-');
            }
            s.push(c);
            s
        })
}
