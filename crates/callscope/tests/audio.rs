//! Decoding real files: every format variant of a rendered call, a malformed-input corpus, and
//! a two-hour recording.

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
    use super::*;

    #[derive(serde::Deserialize)]
    struct Manifest {
        files: Vec<Case>,
    }

    #[derive(serde::Deserialize)]
    struct Case {
        path: String,
        expected: String,
        description: String,
    }

    #[test]
    fn every_malformed_file_gives_its_clear_error_naming_the_file() {
        let dir = fixtures().join("malformed");
        let manifest: Manifest =
            serde_json::from_str(&std::fs::read_to_string(dir.join("manifest.json")).expect("manifest")).expect("manifest parses");
        assert!(manifest.files.len() >= 15, "the corpus has {} files", manifest.files.len());
        let mut wrong = Vec::new();
        for case in &manifest.files {
            let path = dir.join(&case.path);
            let outcome = std::panic::catch_unwind(|| decode(&path));
            let Ok(result) = outcome else {
                wrong.push(format!("{}: PANICKED", case.path));
                continue;
            };
            let got = match &result {
                Ok(_) => "ok".to_string(),
                Err(e) => {
                    let message = e.to_string();
                    let name = Path::new(&case.path).file_name().unwrap().to_string_lossy().to_string();
                    assert!(message.contains(&name), "{}: message does not name the file: {message}", case.path);
                    e.kind().to_string()
                }
            };
            println!("{:<40} expected {:<12} got {:<12} {}", case.path, case.expected, got, result.as_ref().err().map(|e| e.to_string()).unwrap_or_default());
            if got != case.expected {
                wrong.push(format!("{}: expected {}, got {got} ({})", case.path, case.expected, case.description));
            }
        }
        assert!(wrong.is_empty(), "misclassified:\n{}", wrong.join("\n"));
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
