//! What a cloud transcriber sends: one channel's speech cut into uploads no larger than the
//! server accepts, each cut at a silence, encoded as 16-bit mono WAV in a multipart form.

use super::activity::SpeechRegion;
use super::splice::GAP_MS;

/// Length of the WAV header `wav` writes.
const WAV_HEADER_BYTES: usize = 44;
/// 16-bit PCM.
const BYTES_PER_SAMPLE: usize = 2;
/// Resolution of the search for a quiet moment inside a long stretch of sound.
const QUIET_FRAME_MS: u64 = 20;

/// The regions of one channel that go into each upload, in order. Regions are joined with
/// `GAP_MS` of silence (as `Spliced::join` does) and each upload's WAV stays within
/// `max_bytes`; a region too long for one upload is first cut at its quietest moments, so no
/// cut falls inside a word. With `one_region_each` every region goes alone (a server that
/// answers with plain text gives no times inside an upload).
pub fn plan_uploads(
    channel: &[f32],
    regions: &[SpeechRegion],
    sample_rate_hz: u32,
    max_bytes: usize,
    one_region_each: bool,
) -> Vec<Vec<SpeechRegion>> {
    let max_samples = (max_bytes.saturating_sub(WAV_HEADER_BYTES) / BYTES_PER_SAMPLE).max(1);
    let gap = (u64::from(sample_rate_hz) * GAP_MS / 1000) as usize;
    let frame = (u64::from(sample_rate_hz) * QUIET_FRAME_MS / 1000).max(1) as usize;
    let mut uploads: Vec<Vec<SpeechRegion>> = Vec::new();
    let mut samples_in_last = 0usize;
    for piece in regions.iter().flat_map(|r| cut_at_quiet_moments(channel, *r, max_samples, frame)) {
        let len = piece.end - piece.start;
        match uploads.last_mut() {
            Some(last) if !one_region_each && samples_in_last + gap + len <= max_samples => {
                last.push(piece);
                samples_in_last += gap + len;
            }
            _ => {
                uploads.push(vec![piece]);
                samples_in_last = len;
            }
        }
    }
    uploads
}

/// `region` as pieces of at most `max_samples`, each cut at the quietest `frame` of the last
/// quarter before the limit (the pause between two words, in speech).
fn cut_at_quiet_moments(channel: &[f32], region: SpeechRegion, max_samples: usize, frame: usize) -> Vec<SpeechRegion> {
    let mut pieces = Vec::new();
    let mut start = region.start;
    let end = region.end.min(channel.len());
    while end - start > max_samples {
        let search_from = start + max_samples * 3 / 4;
        let search_to = start + max_samples - frame.min(max_samples / 4);
        let cut = (search_from..search_to.max(search_from + 1))
            .step_by(frame)
            .min_by(|&a, &b| energy(channel, a, frame).total_cmp(&energy(channel, b, frame)))
            .map_or(start + max_samples, |quietest| quietest + frame / 2)
            .clamp(start + 1, start + max_samples);
        pieces.push(SpeechRegion { start, end: cut });
        start = cut;
    }
    if end > start {
        pieces.push(SpeechRegion { start, end });
    }
    pieces
}

fn energy(channel: &[f32], at: usize, frame: usize) -> f32 {
    channel[at.min(channel.len())..(at + frame).min(channel.len())].iter().map(|x| x * x).sum()
}

/// `samples` (mono, −1…1) as a 16-bit PCM WAV file.
pub fn wav(samples: &[f32], sample_rate_hz: u32) -> Vec<u8> {
    let data_bytes = (samples.len() * BYTES_PER_SAMPLE) as u32;
    let mut out = Vec::with_capacity(WAV_HEADER_BYTES + data_bytes as usize);
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&(36 + data_bytes).to_le_bytes());
    out.extend_from_slice(b"WAVEfmt ");
    out.extend_from_slice(&16u32.to_le_bytes());
    out.extend_from_slice(&1u16.to_le_bytes()); // PCM
    out.extend_from_slice(&1u16.to_le_bytes()); // mono
    out.extend_from_slice(&sample_rate_hz.to_le_bytes());
    out.extend_from_slice(&(sample_rate_hz * BYTES_PER_SAMPLE as u32).to_le_bytes());
    out.extend_from_slice(&(BYTES_PER_SAMPLE as u16).to_le_bytes());
    out.extend_from_slice(&16u16.to_le_bytes());
    out.extend_from_slice(b"data");
    out.extend_from_slice(&data_bytes.to_le_bytes());
    for s in samples {
        out.extend_from_slice(&((s.clamp(-1.0, 1.0) * f32::from(i16::MAX)) as i16).to_le_bytes());
    }
    out
}

/// A `multipart/form-data` body: text fields, then one file. Built as bytes (not a streaming
/// form) so a retry sends exactly the same upload.
pub struct Multipart {
    boundary: String,
    body: Vec<u8>,
}

impl Multipart {
    /// An empty form with a boundary no WAV or field text will contain by chance.
    pub fn new() -> Multipart {
        Multipart { boundary: format!("callscope-{:016x}{:016x}", fastrand::u64(..), fastrand::u64(..)), body: Vec::new() }
    }

    /// Add a text field.
    pub fn text(mut self, name: &str, value: &str) -> Multipart {
        self.open_part(&format!("Content-Disposition: form-data; name=\"{name}\"\r\n"));
        self.body.extend_from_slice(value.as_bytes());
        self.body.extend_from_slice(b"\r\n");
        self
    }

    /// Add a file field.
    pub fn file(mut self, name: &str, file_name: &str, content_type: &str, bytes: &[u8]) -> Multipart {
        self.open_part(&format!(
            "Content-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\nContent-Type: {content_type}\r\n"
        ));
        self.body.extend_from_slice(bytes);
        self.body.extend_from_slice(b"\r\n");
        self
    }

    /// The request's `Content-Type` and body.
    pub fn finish(mut self) -> (String, Vec<u8>) {
        self.body.extend_from_slice(format!("--{}--\r\n", self.boundary).as_bytes());
        (format!("multipart/form-data; boundary={}", self.boundary), self.body)
    }

    fn open_part(&mut self, headers: &str) {
        self.body.extend_from_slice(format!("--{}\r\n{headers}\r\n", self.boundary).as_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn region(start: usize, end: usize) -> SpeechRegion {
        SpeechRegion { start, end }
    }

    #[test]
    fn regions_are_grouped_until_the_next_would_not_fit() {
        let channel = vec![0.2f32; 16_000 * 20];
        let regions = [region(0, 16_000), region(32_000, 48_000), region(64_000, 80_000)];
        // Room for two seconds and a gap, not three.
        let max_bytes = WAV_HEADER_BYTES + 2 * (32_000 + 4_800);
        let uploads = plan_uploads(&channel, &regions, 16_000, max_bytes, false);
        assert_eq!(uploads, vec![vec![regions[0], regions[1]], vec![regions[2]]]);
        assert_eq!(plan_uploads(&channel, &regions, 16_000, usize::MAX, true).len(), 3);
    }

    #[test]
    fn a_region_longer_than_an_upload_is_cut_in_its_pause() {
        let sr = 16_000;
        // 10 s of sound with a 100 ms pause at 8.5 s.
        let mut channel = vec![0.3f32; sr * 10];
        channel[sr * 85 / 10..sr * 86 / 10].fill(0.0);
        let max_bytes = WAV_HEADER_BYTES + 2 * sr * 9;
        let uploads = plan_uploads(&channel, &[region(0, sr * 10)], 16_000, max_bytes, false);
        assert_eq!(uploads.len(), 2);
        let cut = uploads[0][0].end;
        assert!((sr * 85 / 10..sr * 86 / 10).contains(&cut), "cut at {cut}");
        assert_eq!(uploads[1][0], region(cut, sr * 10));
    }

    #[test]
    fn a_wav_has_a_riff_header_and_two_bytes_a_sample() {
        let bytes = wav(&[0.0, 1.0, -1.0], 16_000);
        assert_eq!(&bytes[..4], b"RIFF");
        assert_eq!(bytes.len(), WAV_HEADER_BYTES + 6);
        assert_eq!(i16::from_le_bytes([bytes[46], bytes[47]]), i16::MAX);
    }
}
