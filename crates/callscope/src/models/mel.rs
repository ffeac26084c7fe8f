//! Whisper's mel filterbank: Slaney mel scale with Slaney area normalisation, as librosa's
//! `filters.mel(sr=16000, n_fft=400, n_mels=N)` computes it, stored in every ggml model file.

/// Whisper's audio sample rate.
const SAMPLE_RATE_HZ: f64 = 16_000.0;
/// Whisper's FFT window length in samples.
const N_FFT: usize = 400;
/// Frequency bins of one real FFT of `N_FFT` samples.
pub(crate) const N_FFT_BINS: usize = N_FFT / 2 + 1;

/// Hz per mel below 1 kHz on the Slaney scale.
const F_SP: f64 = 200.0 / 3.0;
const MIN_LOG_HZ: f64 = 1000.0;
const MIN_LOG_MEL: f64 = MIN_LOG_HZ / F_SP;

fn log_step() -> f64 {
    6.4f64.ln() / 27.0
}

fn hz_to_mel(hz: f64) -> f64 {
    if hz >= MIN_LOG_HZ {
        MIN_LOG_MEL + (hz / MIN_LOG_HZ).ln() / log_step()
    } else {
        hz / F_SP
    }
}

fn mel_to_hz(mel: f64) -> f64 {
    if mel >= MIN_LOG_MEL {
        MIN_LOG_HZ * (log_step() * (mel - MIN_LOG_MEL)).exp()
    } else {
        F_SP * mel
    }
}

/// The filterbank as `n_mels` rows of `N_FFT_BINS` weights, row-major.
///
/// Arithmetic follows librosa step by step (f64, each stage stored as f32) so the values match
/// the filters whisper.cpp's own converter writes.
pub(crate) fn mel_filters(n_mels: usize) -> Vec<f32> {
    let nyquist = SAMPLE_RATE_HZ / 2.0;
    let bin_step = nyquist / (N_FFT_BINS - 1) as f64;
    let fft_hz: Vec<f64> = (0..N_FFT_BINS).map(|j| j as f64 * bin_step).collect();

    // n_mels + 2 band edges equally spaced in mel, like numpy.linspace (last point exact).
    let (low, high) = (hz_to_mel(0.0), hz_to_mel(nyquist));
    let mel_step = (high - low) / (n_mels + 1) as f64;
    let edges_hz: Vec<f64> = (0..n_mels + 2)
        .map(|i| if i == n_mels + 1 { high } else { low + i as f64 * mel_step })
        .map(mel_to_hz)
        .collect();

    let mut weights = Vec::with_capacity(n_mels * N_FFT_BINS);
    for band in 0..n_mels {
        let (left, centre, right) = (edges_hz[band], edges_hz[band + 1], edges_hz[band + 2]);
        let area_norm = 2.0 / (right - left);
        for &hz in &fft_hz {
            let rising = (hz - left) / (centre - left);
            let falling = (right - hz) / (right - centre);
            let triangle = rising.min(falling).max(0.0) as f32;
            weights.push((f64::from(triangle) * area_norm) as f32);
        }
    }
    weights
}

#[cfg(test)]
mod tests {
    use super::*;

    // Reference values computed independently with librosa's formulas in plain Python.

    fn row(filters: &[f32], band: usize) -> &[f32] {
        &filters[band * N_FFT_BINS..(band + 1) * N_FFT_BINS]
    }

    fn peak(values: &[f32]) -> usize {
        values
            .iter()
            .enumerate()
            .fold((0, f32::MIN), |best, (i, &v)| if v > best.1 { (i, v) } else { best })
            .0
    }

    #[test]
    fn eighty_band_filterbank_matches_librosa_slaney_values() {
        let filters = mel_filters(80);
        assert_eq!(filters.len(), 80 * 201);
        assert_eq!(row(&filters, 0)[1], 0.024_862_595);
        assert_eq!(peak(row(&filters, 40)), 43);
        assert!((row(&filters, 40)[43] - 0.014_735_566).abs() < 1e-8);
        assert!((row(&filters, 79)[199] - 0.000_448_76).abs() < 1e-8);
        assert_eq!(peak(row(&filters, 79)), 192);
        assert_eq!(row(&filters, 79)[200], 0.0);
    }

    #[test]
    fn each_band_covers_only_its_neighbouring_bins() {
        let filters = mel_filters(80);
        let nonzero = |band: usize| {
            let r = row(&filters, band);
            let first = r.iter().position(|&w| w > 0.0);
            let last = r.iter().rposition(|&w| w > 0.0);
            (first, last)
        };
        assert_eq!(nonzero(0), (Some(1), Some(1)));
        assert_eq!(nonzero(40), (Some(42), Some(44)));
        assert_eq!(nonzero(79), (Some(186), Some(199)));
        let sum40: f32 = row(&filters, 40).iter().sum();
        assert!((sum40 - 0.026_664_86).abs() < 1e-7);
    }

    #[test]
    fn large_v3_filterbank_has_128_bands() {
        let filters = mel_filters(128);
        assert_eq!(filters.len(), 128 * 201);
        assert_eq!(peak(row(&filters, 127)), 195);
        assert!((row(&filters, 0)[1] - 0.012_373_987).abs() < 1e-8);
    }
}
