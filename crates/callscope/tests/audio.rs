//! Decoding real files: every format variant of a rendered call, a malformed-input corpus (also
//! under a memory limit), and a two-hour recording.

use std::path::{Path, PathBuf};

use callscope::audio::{decode_file, AudioClip, DecodeError, DecodeOptions};
use callscope::progress::{ignore_progress, CancelToken};

fn fixtures() -> PathBuf {
    let dir = std::env::var_os("CALLSCOPE_FIXTURES")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/generated"));
    assert!(
        dir.join("calls").is_dir(),
        "rendered fixtures missing in {}; run `python3 scripts/fixtures/render.py` (make test does)",
        dir.display()
    );
    dir
}

fn decode(path: &Path) -> Result<AudioClip, DecodeError> {
    decode_file(path, &DecodeOptions::default(), &ignore_progress, &CancelToken::new()).map(|d| d.clip)
}

/// Signal-to-noise ratio of `x` against `reference` in dB, after the best alignment within
/// ±`max_lag` samples and the best gain (codecs may delay or scale the signal slightly).
fn aligned_snr_db(reference: &[f32], x: &[f32], max_lag: usize) -> (f32, isize) {
    let n = reference.len().min(x.len());
    let step = 4;
    let mut best = (f32::MIN, 0isize);
    for lag in (-(max_lag as isize)..=max_lag as isize).step_by(step) {
        let dot: f32 = (0..n)
            .step_by(7)
            .filter_map(|i| {
                let j = i as isize + lag;
                (j >= 0 && (j as usize) < x.len()).then(|| reference[i] * x[j as usize])
            })
            .sum();
        if dot > best.0 {
            best = (dot, lag);
        }
    }
    // Refine around the coarse lag.
    let coarse = best.1;
    let mut best_snr = (f32::MIN, coarse);
    for lag in coarse - step as isize..=coarse + step as isize {
        let pairs: Vec<(f32, f32)> = (0..n)
            .filter_map(|i| {
                let j = i as isize + lag;
                (j >= 0 && (j as usize) < x.len()).then(|| (reference[i], x[j as usize]))
            })
            .collect();
        let rx: f32 = pairs.iter().map(|(r, v)| r * v).sum();
        let xx: f32 = pairs.iter().map(|(_, v)| v * v).sum();
        let gain = if xx > 0.0 { rx / xx } else { 0.0 };
        let signal: f32 = pairs.iter().map(|(r, _)| r * r).sum();
        let noise: f32 = pairs.iter().map(|(r, v)| (r - gain * v).powi(2)).sum();
        let snr = 10.0 * (signal / noise.max(1e-12)).log10();
        if snr > best_snr.0 {
            best_snr = (snr, lag);
        }
    }
    best_snr
}

mod variants {
    use super::*;

    fn reference() -> AudioClip {
        decode(&fixtures().join("calls/call_06.wav")).expect("the rendered WAV decodes")
    }

    fn check(variant: &str, mono: bool, min_snr_db: f32) {
        let reference = reference();
        let clip = decode(&fixtures().join(format!("calls/call_06.{variant}"))).expect("variant decodes");
        assert_eq!(clip.sample_rate_hz, 16_000, "{variant} is resampled to 16 kHz");
        assert_eq!(clip.channels.len(), if mono { 1 } else { 2 }, "{variant} keeps its channels");
        let diff_ms = clip.duration_ms() as i64 - reference.duration_ms() as i64;
        assert!(diff_ms.abs() <= 60, "{variant} lasts {diff_ms} ms longer than the WAV");
        let pairs: Vec<(Vec<f32>, Vec<f32>)> = if mono {
            vec![(reference.mixdown(), clip.channels[0].clone())]
        } else {
            reference.channels.iter().cloned().zip(clip.channels.iter().cloned()).collect()
        };
        for (ch, (r, x)) in pairs.iter().enumerate() {
            let (snr, lag) = aligned_snr_db(r, x, 1600);
            println!("{variant} channel {ch}: SNR {snr:.1} dB at lag {lag} samples");
            assert!(lag.abs() <= 800, "{variant} channel {ch} is shifted by {lag} samples");
            assert!(snr >= min_snr_db, "{variant} channel {ch}: SNR {snr:.1} dB < {min_snr_db} dB");
        }
    }

    #[test]
    fn flac_decodes_to_the_same_samples_as_the_wav() {
        check("flac", false, 60.0);
    }

    #[test]
    fn mp3_decodes_close_to_the_wav() {
        check("mp3", false, 10.0);
    }

    #[test]
    fn m4a_aac_decodes_close_to_the_wav() {
        check("m4a", false, 10.0);
    }

    #[test]
    fn ogg_vorbis_decodes_close_to_the_wav() {
        check("ogg", false, 10.0);
    }

    #[test]
    fn mono_mixdown_decodes_to_one_channel_matching_the_mix() {
        check("mono.wav", true, 40.0);
    }

    #[test]
    fn telephone_8khz_is_upsampled_to_16khz_and_matches_the_mix() {
        check("8k.wav", true, 10.0);
    }
}

mod malformed {
    use std::collections::{BTreeMap, HashMap};

    use callscope::audio::HeaderProblem;

    use super::*;

    #[derive(serde::Deserialize)]
    struct Manifest {
        expected_values: BTreeMap<String, String>,
        files: Vec<Case>,
    }

    #[derive(serde::Deserialize)]
    struct Case {
        path: String,
        expected: String,
        description: String,
    }

    fn corpus() -> (PathBuf, Manifest) {
        let dir = fixtures().join("malformed");
        let text = std::fs::read_to_string(dir.join("manifest.json")).expect("manifest");
        (dir, serde_json::from_str(&text).expect("manifest parses"))
    }

    /// What decoding reports for a file: `ok` when it gives audio, else the error's kind.
    fn class_of(result: &Result<AudioClip, DecodeError>) -> &'static str {
        match result {
            Ok(_) => "ok",
            Err(e) => e.kind(),
        }
    }

    /// The class decoding itself must report for a manifest class: files with no speech still
    /// decode; finding nothing in them is for later stages.
    fn decoding_class(expected: &str) -> &str {
        if expected == "no_speech" {
            "ok"
        } else {
            expected
        }
    }

    #[test]
    fn every_malformed_file_gives_its_clear_error_naming_the_file() {
        let (dir, manifest) = corpus();
        assert!(manifest.files.len() >= 40, "the corpus has {} files", manifest.files.len());
        for class in manifest.expected_values.keys() {
            assert!(manifest.files.iter().any(|c| &c.expected == class), "no file in the corpus is expected to be {class}");
        }
        let mut wrong = Vec::new();
        for case in &manifest.files {
            let path = dir.join(&case.path);
            let outcome = std::panic::catch_unwind(|| decode(&path));
            let Ok(result) = outcome else {
                wrong.push(format!("{}: PANICKED", case.path));
                continue;
            };
            match &result {
                Ok(clip) => assert!(clip.frames() > 0, "{}: decoded to no samples", case.path),
                Err(e) => {
                    let message = e.to_string();
                    let name = Path::new(&case.path).file_name().unwrap().to_string_lossy().to_string();
                    assert!(message.contains(&name), "{}: message does not name the file: {message}", case.path);
                }
            }
            let got = class_of(&result);
            println!("{:<40} expected {:<12} got {:<12} {}", case.path, case.expected, got, result.as_ref().err().map(|e| e.to_string()).unwrap_or_default());
            if got != decoding_class(&case.expected) {
                wrong.push(format!("{}: expected {}, got {got} ({})", case.path, case.expected, case.description));
            }
        }
        assert!(wrong.is_empty(), "misclassified:\n{}", wrong.join("\n"));
    }

    #[test]
    fn a_wav_whose_header_says_zero_hertz_is_refused_as_damaged_naming_the_file() {
        let err = decode(&corpus().0.join("sample_rate_0.wav")).expect_err("refused");
        assert!(matches!(err, DecodeError::DamagedHeader { problem: HeaderProblem::SampleRate { hz: 0 }, .. }), "{err:?}");
        let message = err.to_string();
        for part in ["sample_rate_0.wav", "the sample rate is 0 Hz", "damaged", "export the recording again"] {
            assert!(message.contains(part), "{message:?} does not say {part:?}");
        }
    }

    #[test]
    fn each_damaged_header_is_refused_for_the_field_that_is_wrong() {
        let dir = corpus().0;
        let cases = [
            ("sample_rate_4294967295.wav", HeaderProblem::SampleRate { hz: u32::MAX }),
            ("byte_rate_0.wav", HeaderProblem::ZeroByteRate),
            ("block_align_0.wav", HeaderProblem::BlockAlign { bytes: 0, channels: 1, bits_per_sample: 16 }),
            ("channels_0.wav", HeaderProblem::Channels { count: 0 }),
            ("channels_65535.wav", HeaderProblem::Channels { count: 65535 }),
            ("extensible_0_bits.wav", HeaderProblem::SampleWidth { bits: 0, codec: "PCM", allowed: "8, 16, 24 or 32" }),
            // 2^36 − 1 samples at 16 kHz.
            ("absurd_length.flac", HeaderProblem::Length { declared_s: 4_294_967 }),
        ];
        for (file, expected) in cases {
            match decode(&dir.join(file)) {
                Err(DecodeError::DamagedHeader { problem, .. }) => assert_eq!(problem, expected, "{file}"),
                other => panic!("{file}: expected a damaged header, got {:?}", other.map(|c| c.frames())),
            }
        }
    }

    #[test]
    fn a_wav_written_to_a_pipe_with_unknown_length_decodes_to_its_end() {
        let clip = decode(&corpus().0.join("streamed_unknown_length.wav")).expect("decodes");
        assert_eq!(clip.duration_ms(), 4000);
    }

    /// Set in the child process of the memory test, which decodes and reports instead of judging.
    const CHILD_ENV: &str = "CALLSCOPE_DECODE_UNDER_MEMORY_LIMIT";
    const CHILD_LINE: &str = "decoded-under-limit";
    /// 2 GiB of address space: the whole corpus should decode in a small fraction of that.
    const ADDRESS_SPACE_LIMIT_BYTES: u64 = 2 << 30;

    /// Damaged headers used to make decoding allocate by their numbers (a 4294967295 Hz rate asked
    /// for ~24 GB and got the process killed). Decoding the corpus in a process that cannot map more
    /// than 2 GiB proves each file is refused, or decoded, without that.
    #[cfg(target_os = "linux")]
    #[test]
    fn no_malformed_file_needs_more_than_two_gigabytes_to_be_refused() {
        use std::os::unix::process::ExitStatusExt;

        let (dir, manifest) = corpus();
        if std::env::var_os(CHILD_ENV).is_some() {
            for case in &manifest.files {
                println!("{CHILD_LINE}\t{}\t{}", case.path, class_of(&decode(&dir.join(&case.path))));
            }
            return;
        }
        let exe = std::env::current_exe().expect("the test binary's path");
        let output = std::process::Command::new("prlimit")
            .arg(format!("--as={ADDRESS_SPACE_LIMIT_BYTES}"))
            .arg(&exe)
            .args(["--exact", "malformed::no_malformed_file_needs_more_than_two_gigabytes_to_be_refused", "--nocapture"])
            .env(CHILD_ENV, "1")
            .output()
            .expect("prlimit (util-linux) runs the test binary");
        let stdout = String::from_utf8_lossy(&output.stdout);
        let reported: HashMap<&str, &str> = stdout
            .lines()
            .filter_map(|line| {
                let mut fields = line.strip_prefix(CHILD_LINE)?.trim_start_matches('\t').split('\t');
                Some((fields.next()?, fields.next()?))
            })
            .collect();
        let stderr = String::from_utf8_lossy(&output.stderr);
        let tail: String = stderr.lines().rev().take(15).collect::<Vec<_>>().into_iter().rev().collect::<Vec<_>>().join("\n");
        assert!(
            output.status.success(),
            "decoding under a 2 GiB limit ended with exit code {:?}, signal {:?}, after {} of {} files; next was {:?}\n{tail}",
            output.status.code(),
            output.status.signal(),
            reported.len(),
            manifest.files.len(),
            manifest.files.get(reported.len()).map(|c| &c.path),
        );
        for case in &manifest.files {
            let got = reported.get(case.path.as_str()).copied();
            assert_eq!(got, Some(decoding_class(&case.expected)), "{} under a 2 GiB limit", case.path);
        }
    }
}

mod long_recordings {
    use super::*;

    #[test]
    fn a_two_hour_recording_decodes_to_its_full_length() {
        let path = fixtures().join("long/two_hours.flac");
        assert!(path.is_file(), "{} missing; run `python3 scripts/fixtures/render.py --long`", path.display());
        let clip = decode(&path).expect("two hours decode");
        assert_eq!(clip.channels.len(), 1);
        assert_eq!(clip.duration_ms(), 7_200_000);
    }

    #[test]
    fn recordings_longer_than_the_limit_are_refused_with_advice_to_split() {
        let path = fixtures().join("long/two_hours.flac");
        let options = DecodeOptions { max_duration_s: 3600, ..DecodeOptions::default() };
        let err = decode_file(&path, &options, &ignore_progress, &CancelToken::new()).expect_err("over the limit");
        assert_eq!(err.kind(), "too_long");
        assert!(err.to_string().contains("Split it"), "{err}");
    }

    #[test]
    fn a_cancelled_decode_stops_with_a_cancelled_error() {
        let cancel = CancelToken::new();
        cancel.cancel();
        let path = fixtures().join("calls/call_06.wav");
        let err = decode_file(&path, &DecodeOptions::default(), &ignore_progress, &cancel).expect_err("cancelled");
        assert_eq!(err.kind(), "cancelled");
    }
}

/// The day a call was recorded comes from its container's date tag, before the file's
/// modification time.
mod recording_day {
    use callscope::pipeline::recorded_on;

    /// A second of 16 kHz mono silence as WAV, with a `LIST/INFO/ICRD` date chunk when given.
    fn wav(path: &std::path::Path, created: Option<&str>) {
        let data = vec![0u8; 32_000];
        let mut list = Vec::new();
        if let Some(date) = created {
            let mut value = date.as_bytes().to_vec();
            value.push(0);
            if value.len() % 2 == 1 {
                value.push(0);
            }
            list.extend_from_slice(b"INFO");
            list.extend_from_slice(b"ICRD");
            list.extend_from_slice(&(date.len() as u32 + 1).to_le_bytes());
            list.extend_from_slice(&value);
        }
        let mut chunks = Vec::new();
        chunks.extend_from_slice(b"WAVEfmt ");
        chunks.extend_from_slice(&16u32.to_le_bytes());
        chunks.extend_from_slice(&1u16.to_le_bytes()); // PCM
        chunks.extend_from_slice(&1u16.to_le_bytes()); // mono
        chunks.extend_from_slice(&16_000u32.to_le_bytes());
        chunks.extend_from_slice(&32_000u32.to_le_bytes());
        chunks.extend_from_slice(&2u16.to_le_bytes());
        chunks.extend_from_slice(&16u16.to_le_bytes());
        if !list.is_empty() {
            chunks.extend_from_slice(b"LIST");
            chunks.extend_from_slice(&(list.len() as u32).to_le_bytes());
            chunks.extend_from_slice(&list);
        }
        chunks.extend_from_slice(b"data");
        chunks.extend_from_slice(&(data.len() as u32).to_le_bytes());
        chunks.extend_from_slice(&data);
        let mut file = b"RIFF".to_vec();
        file.extend_from_slice(&(chunks.len() as u32).to_le_bytes());
        file.extend_from_slice(&chunks);
        std::fs::write(path, file).expect("write the WAV");
    }

    #[test]
    fn the_date_tag_wins_over_the_modification_time() {
        let dir = tempfile::tempdir().expect("temp dir");
        let tagged = dir.path().join("tagged.wav");
        wav(&tagged, Some("2023-05-14"));
        assert_eq!(recorded_on(&tagged), time::Date::from_calendar_date(2023, time::Month::May, 14).expect("a day"));
        let plain = dir.path().join("plain.wav");
        wav(&plain, None);
        assert_eq!(recorded_on(&plain), time::OffsetDateTime::now_utc().date(), "written today, no tag");
    }
}

#[path = "audio/recorder.rs"]
mod recorder;

#[path = "audio/live.rs"]
mod live;
