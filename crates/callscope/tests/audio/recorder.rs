//! Live recordings on disk: header repair after a crash, recovery at the next start, a full disk.

use std::io::{Seek, SeekFrom, Write};
use std::path::Path;

use callscope::audio::recorder::{recover_unfinished, repair_wav_header, Recorder, RecorderError, RecordingInfo, IN_PROGRESS_DIR};

fn info() -> RecordingInfo {
    RecordingInfo {
        started_at: "2026-12-07T14:05:09Z".into(),
        agent_device: Some("Headset Microphone".into()),
        customer_device: Some("Monitor of Speakers".into()),
    }
}

/// A stereo 16 kHz WAV of `frames` frames as a crashed writer leaves it: the header still says
/// 0 bytes of data (as before its first flush), and half a frame trails the data.
fn crashed_wav(path: &Path, frames: u32) {
    let spec = hound::WavSpec { channels: 2, sample_rate: 16_000, bits_per_sample: 16, sample_format: hound::SampleFormat::Int };
    let mut w = hound::WavWriter::create(path, spec).expect("create");
    for i in 0..frames {
        let s = ((i as f32 * 0.05).sin() * 8000.0) as i16;
        w.write_sample(s).expect("left");
        w.write_sample(-s).expect("right");
    }
    w.finalize().expect("finalize");
    let mut f = std::fs::OpenOptions::new().write(true).open(path).expect("reopen");
    f.seek(SeekFrom::Start(4)).expect("seek");
    f.write_all(&36u32.to_le_bytes()).expect("riff size");
    f.seek(SeekFrom::Start(40)).expect("seek");
    f.write_all(&0u32.to_le_bytes()).expect("data size");
    f.seek(SeekFrom::End(0)).expect("seek");
    f.write_all(&[1, 2]).expect("partial frame");
}

#[test]
fn a_header_left_at_zero_by_a_crash_is_repaired_to_the_audio_on_disk() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("crashed.wav");
    crashed_wav(&path, 40_000);
    assert_eq!(hound::WavReader::open(&path).expect("reads").duration(), 0, "the header hides the audio before repair");
    assert_eq!(repair_wav_header(&path).expect("repaired"), 40_000);
    let mut reader = hound::WavReader::open(&path).expect("reads after repair");
    assert_eq!(reader.duration(), 40_000);
    let samples: Vec<i16> = reader.samples::<i16>().map(|s| s.expect("sample")).collect();
    assert_eq!(samples.len(), 80_000, "the trailing half frame is cut off");
    assert_eq!(samples[2 * 39_999], ((39_999f32 * 0.05).sin() * 8000.0) as i16, "the last frame is the one written");
}

#[test]
fn a_file_without_a_wav_header_is_refused_with_its_name() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("noise.wav");
    std::fs::write(&path, b"not a wav at all").expect("write");
    let err = repair_wav_header(&path).expect_err("no header");
    assert!(matches!(err, RecorderError::Repair { .. }), "{err}");
    assert!(err.to_string().contains("noise.wav"), "{err}");
}

#[test]
fn an_unfinished_recording_is_recovered_with_its_note_and_moved_out_of_in_progress() {
    let dir = tempfile::tempdir().expect("temp dir");
    let in_progress = dir.path().join(IN_PROGRESS_DIR);
    std::fs::create_dir_all(&in_progress).expect("mkdir");
    crashed_wav(&in_progress.join("live-20261207-140509-abcd.wav"), 48_000);
    std::fs::write(in_progress.join("live-20261207-140509-abcd.json"), serde_json::to_vec(&info()).expect("json")).expect("note");
    let recovered: Vec<_> = recover_unfinished(dir.path()).into_iter().map(|r| r.expect("recovered")).collect();
    assert_eq!(recovered.len(), 1);
    let r = &recovered[0];
    assert!(r.recovered);
    assert_eq!(r.duration_ms, 3_000);
    assert_eq!(r.info, info());
    assert_eq!(r.path, dir.path().join("live-20261207-140509-abcd.wav"));
    assert!(r.path.is_file());
    assert_eq!(std::fs::read_dir(&in_progress).expect("list").count(), 0, "nothing is left to recover twice");
    assert!(recover_unfinished(dir.path()).is_empty());
}

#[test]
fn a_recording_still_being_written_is_not_taken_for_unfinished() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut recorder = Recorder::create(dir.path(), info()).expect("create");
    recorder.write(&[0.1; 16_000], &[0.2; 16_000]).expect("write");
    recorder.flush().expect("flush");
    assert_eq!(recorder.flushed_frames(), 16_000);
    let on_disk = hound::WavReader::open(recorder.path()).expect("readable while recording").duration();
    assert_eq!(on_disk, 16_000, "a flushed recording is a valid WAV up to the flush");
    assert!(recover_unfinished(dir.path()).is_empty(), "the live recorder holds its file");
    let finished = recorder.finish().expect("finish");
    assert_eq!(finished.duration_ms, 1_000);
    assert!(!finished.recovered && finished.cut_short.is_none());
    assert_eq!(finished.info, info());
    let reader = hound::WavReader::open(&finished.path).expect("a finished WAV");
    assert_eq!((reader.spec().channels, reader.spec().sample_rate, reader.duration()), (2, 16_000, 16_000));
}

/// A tmpfs of `kib` KiB mounted in a new temp dir, unmounted on drop; `None` where mounting
/// is not allowed (not root, or a container without the capability).
struct SmallDisk(tempfile::TempDir);

impl SmallDisk {
    fn mount(kib: u32) -> Option<SmallDisk> {
        let dir = tempfile::tempdir().expect("temp dir");
        let ok = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={kib}k"), "tmpfs"])
            .arg(dir.path())
            .status()
            .is_ok_and(|s| s.success());
        ok.then_some(SmallDisk(dir))
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg(self.0.path()).status();
    }
}

#[test]
fn a_full_disk_stops_the_recording_cleanly_and_keeps_what_was_written() {
    let Some(disk) = SmallDisk::mount(256) else {
        eprintln!("SKIPPED: a small tmpfs cannot be mounted here (needs root and mount rights)");
        return;
    };
    let mut recorder = Recorder::create(disk.0.path(), info()).expect("create");
    let second = vec![0.25f32; 16_000];
    let mut error = None;
    for _ in 0..10 {
        if let Err(e) = recorder.write(&second, &second) {
            error = Some(e);
            break;
        }
    }
    let error = error.expect("256 KiB holds less than 10 s of 16 kHz stereo");
    assert!(matches!(error, RecorderError::DiskFull { .. }), "{error}");
    assert!(error.to_string().contains("full"), "{error}");
    assert!(recorder.failed());
    recorder.write(&second, &second).expect("after the error, writing is a quiet no-op");
    let finished = recorder.finish().expect("finishing keeps what was written");
    assert!(finished.cut_short.is_some());
    assert!((2_000..=8_000).contains(&finished.duration_ms), "{} ms kept", finished.duration_ms);
    let mut reader = hound::WavReader::open(&finished.path).expect("a valid WAV");
    let frames = reader.duration();
    assert_eq!(u64::from(frames) * 1000 / 16_000, finished.duration_ms);
    let samples: Vec<i16> = reader.samples::<i16>().map(|s| s.expect("sample")).collect();
    assert_eq!(samples.len(), 2 * frames as usize);
    assert!(samples.iter().all(|&s| s == 8192), "only the audio written, no garbage");
}
