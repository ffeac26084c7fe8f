use super::*;

const RATE: u32 = 48_000;
const CHUNK: usize = 480;

/// Feeds chunks of a device whose clock runs `ppm` fast, with timestamps reported up to
/// `late_ms` late; returns the worst misplacement in seconds (after the first `settle_s`).
fn worst_misplacement(
    aligner: &mut Aligner,
    ppm: f64,
    late_ms: f64,
    seconds: f64,
    start_s: f64,
    settle_s: f64,
) -> f64 {
    let mut rng = fastrand::Rng::with_seed(7);
    let device_rate = f64::from(RATE) * (1.0 + ppm / 1e6);
    let mut sample = 0u64;
    let mut worst: f64 = 0.0;
    let chunk = vec![0.1f32; CHUNK];
    loop {
        let true_s = start_s + sample as f64 / device_rate;
        if true_s > start_s + seconds {
            return worst;
        }
        let reported = true_s + rng.f64() * late_ms / 1000.0;
        aligner.observe(reported, CHUNK);
        // Pads are already counted in `placed`; pending drops come off this chunk's start.
        let first_lands = (aligner.placed as f64 - aligner.to_drop as f64) / f64::from(RATE);
        if true_s > settle_s {
            worst = worst.max((first_lands - true_s).abs());
        }
        let _ = aligner.place(&chunk);
        sample += CHUNK as u64;
    }
}

#[test]
fn a_device_200_ppm_fast_stays_within_50_ms_of_the_clock_for_an_hour() {
    let mut a = Aligner::new(RATE);
    let worst = worst_misplacement(&mut a, 200.0, 8.0, 3600.0, 0.0, 1.0);
    assert!(worst < 0.050, "worst misplacement {worst:.3} s");
    assert!(
        (a.drift_ppm() - 200.0).abs() < 20.0,
        "measured drift {:.1} ppm",
        a.drift_ppm()
    );
}

#[test]
fn a_device_300_ppm_slow_stays_within_50_ms_of_the_clock_for_an_hour() {
    let mut a = Aligner::new(RATE);
    let worst = worst_misplacement(&mut a, -300.0, 15.0, 3600.0, 0.0, 1.0);
    assert!(worst < 0.050, "worst misplacement {worst:.3} s");
    assert!(
        (a.drift_ppm() + 300.0).abs() < 20.0,
        "measured drift {:.1} ppm",
        a.drift_ppm()
    );
}

#[test]
fn a_device_that_starts_late_is_preceded_by_silence() {
    let mut a = Aligner::new(RATE);
    assert_eq!(a.observe(1.5, CHUNK), Correction::Pad(72_000));
    let _ = a.place(&[0.0; CHUNK]);
    assert_eq!(
        a.observe(1.5 + CHUNK as f64 / f64::from(RATE), CHUNK),
        Correction::None
    );
}

#[test]
fn a_stall_is_filled_with_silence_so_later_audio_keeps_its_time() {
    let mut a = Aligner::new(RATE);
    let chunk = [0.0f32; CHUNK];
    let step = CHUNK as f64 / f64::from(RATE);
    for i in 0..100 {
        assert_eq!(
            a.observe(i as f64 * step, CHUNK),
            Correction::None,
            "chunk {i}"
        );
        let _ = a.place(&chunk);
    }
    // Three seconds without a callback (loopback capture sends none in silence).
    let resume = 100.0 * step + 3.0;
    assert_eq!(a.observe(resume, CHUNK), Correction::Pad(144_000));
    let _ = a.place(&chunk);
    assert!(
        (a.placed_s() - (resume + step)).abs() < 1e-6,
        "placed {:.3} s",
        a.placed_s()
    );
}

#[test]
fn silence_padded_ahead_of_a_late_device_is_taken_back_by_dropping() {
    let mut a = Aligner::new(RATE);
    let chunk = vec![0.5f32; CHUNK];
    let step = CHUNK as f64 / f64::from(RATE);
    assert_eq!(a.observe(0.0, CHUNK), Correction::None);
    let _ = a.place(&chunk);
    // The caller padded half a second too much while the device was late.
    a.force_pad(24_000);
    let correction = a.observe(step, CHUNK);
    assert_eq!(correction, Correction::Drop(24_000));
    let mut kept = 0;
    for i in 1..60 {
        if i > 1 {
            a.observe(i as f64 * step, CHUNK);
        }
        kept += a.place(&chunk).len();
    }
    assert_eq!(kept, 59 * CHUNK - 24_000);
    assert!(
        (a.placed_s() - 60.0 * step).abs() < 1e-6,
        "placed {:.4} s",
        a.placed_s()
    );
}
