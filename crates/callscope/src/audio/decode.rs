//! Decoding a file of any supported format to planar PCM at the working sample rate.

use std::fs::File;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use symphonia::core::audio::SampleBuffer;
use symphonia::core::codecs::{DecoderOptions, CODEC_TYPE_NULL};
use symphonia::core::errors::Error as SymphoniaError;
use symphonia::core::formats::{FormatOptions, FormatReader, Track};
use symphonia::core::io::MediaSourceStream;
use symphonia::core::meta::MetadataOptions;
use symphonia::core::probe::Hint;

use super::header::{check_wav_header, DeclaredLength};
use super::limits::{check_declared_length, check_stream};
use super::mp4_edit::{audio_edit_window, EditWindow};
use super::{AudioClip, DecodeError, StreamResampler, WHISPER_SAMPLE_RATE_HZ};
use crate::progress::{CancelToken, Progress, ProgressSink, Stage};

/// Options for `decode_file`.
#[derive(Debug, Clone)]
pub struct DecodeOptions {
    /// Sample rate of the result; `None` keeps the file's own rate.
    pub target_rate_hz: Option<u32>,
    /// Longest recording accepted, in seconds.
    pub max_duration_s: u64,
}

impl Default for DecodeOptions {
    fn default() -> Self {
        DecodeOptions { target_rate_hz: Some(WHISPER_SAMPLE_RATE_HZ), max_duration_s: 8 * 3600 }
    }
}

/// What the file contained before conversion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceInfo {
    pub codec: String,
    pub sample_rate_hz: u32,
    pub channels: usize,
}

/// A decoded file: the PCM and where it came from.
#[derive(Debug, Clone)]
pub struct DecodedFile {
    pub path: PathBuf,
    pub clip: AudioClip,
    pub source: SourceInfo,
}

/// Share of undecodable packets above which a file counts as damaged rather than glitchy.
const MAX_BAD_PACKET_SHARE: f64 = 0.05;
/// Declared length that may be missing at the end before a file counts as truncated.
const TRUNCATION_TOLERANCE_FRAMES_S: f64 = 0.25;

/// Decode `path` (format detected from its content), keeping channels, resampled as asked.
pub fn decode_file(
    path: &Path,
    options: &DecodeOptions,
    progress: ProgressSink<'_>,
    cancel: &CancelToken,
) -> Result<DecodedFile, DecodeError> {
    let mut file = open_checked(path)?;
    let length = check_wav_header(path, &mut file)?;
    let mss = MediaSourceStream::new(Box::new(file), Default::default());
    let format_options = FormatOptions { enable_gapless: true, ..Default::default() };
    let probed = symphonia::default::get_probe()
        .format(&Hint::new(), mss, &format_options, &MetadataOptions::default())
        .map_err(|e| classify_probe_error(path, e))?;
    let mut reader = probed.format;
    let edit = audio_edit_window(path);
    decode_stream(path, reader.as_mut(), FileHeader { edit, length }, options, progress, cancel)
}

fn open_checked(path: &Path) -> Result<File, DecodeError> {
    let meta = std::fs::metadata(path).map_err(|e| match e.kind() {
        ErrorKind::NotFound => DecodeError::NotFound { path: path.to_path_buf() },
        _ => DecodeError::Unreadable { path: path.to_path_buf(), source: e },
    })?;
    if meta.is_dir() {
        return Err(DecodeError::IsDirectory { path: path.to_path_buf() });
    }
    if meta.len() == 0 {
        return Err(DecodeError::Empty { path: path.to_path_buf() });
    }
    File::open(path).map_err(|e| DecodeError::Unreadable { path: path.to_path_buf(), source: e })
}

fn classify_probe_error(path: &Path, e: SymphoniaError) -> DecodeError {
    let path = path.to_path_buf();
    match e {
        // The probe's own "no reader" means the bytes are not a container we know; a reader that
        // recognised the container and refused its contents means an unsupported variant.
        SymphoniaError::Unsupported(what) if what.contains("probe") => DecodeError::NotAudio { path },
        SymphoniaError::Unsupported(what) => {
            DecodeError::Unsupported { path, detail: format!("the encoding inside this file ({what})") }
        }
        SymphoniaError::IoError(io) if io.kind() == ErrorKind::UnexpectedEof => {
            if starts_like_audio(&path) {
                DecodeError::Truncated { path, detail: "the header is incomplete".into() }
            } else {
                DecodeError::NotAudio { path }
            }
        }
        SymphoniaError::IoError(io) => DecodeError::Unreadable { path, source: io },
        // A container that was recognised but whose header is malformed is damaged, not foreign.
        SymphoniaError::DecodeError(detail) => DecodeError::Corrupt { path, detail: detail.to_string() },
        other => DecodeError::Corrupt { path, detail: other.to_string() },
    }
}

/// Whether the file begins with the signature of an audio container we read.
fn starts_like_audio(path: &Path) -> bool {
    let mut head = [0u8; 12];
    let n = File::open(path).and_then(|mut f| std::io::Read::read(&mut f, &mut head)).unwrap_or(0);
    let head = &head[..n];
    head.starts_with(b"RIFF")
        || head.starts_with(b"fLaC")
        || head.starts_with(b"OggS")
        || head.starts_with(b"ID3")
        || head.get(4..8) == Some(b"ftyp")
        || (head.len() >= 2 && head[0] == 0xFF && head[1] & 0xE0 == 0xE0)
}

/// What `decode_file` read from the file's header itself, beside symphonia's reader.
struct FileHeader {
    edit: Option<EditWindow>,
    length: DeclaredLength,
}

fn decode_stream(
    path: &Path,
    reader: &mut dyn FormatReader,
    header: FileHeader,
    options: &DecodeOptions,
    progress: ProgressSink<'_>,
    cancel: &CancelToken,
) -> Result<DecodedFile, DecodeError> {
    let owned = || path.to_path_buf();
    let is_audio = |t: &&Track| t.codec_params.codec != CODEC_TYPE_NULL;
    let tracks = reader.tracks();
    let track = tracks
        .iter()
        .filter(is_audio)
        .find(|t| t.codec_params.sample_rate.is_some())
        .or_else(|| tracks.iter().find(is_audio))
        .cloned()
        .ok_or_else(|| DecodeError::NoAudio { path: owned() })?;
    let params = &track.codec_params;
    // Before anything is built from the header's numbers.
    let source_rate = check_stream(path, params.sample_rate, params.channels.map(|c| c.count()))?;
    let declared_frames = match header.length {
        DeclaredLength::Unknown => None,
        DeclaredLength::Trusted | DeclaredLength::PastEndOfFile => params.n_frames,
    };
    // A file cut short is reported as such once what it holds is decoded, not by what its header
    // claimed.
    if let (Some(frames), DeclaredLength::Trusted) = (declared_frames, header.length) {
        check_declared_length(path, frames, source_rate, options.max_duration_s)?;
    }
    let codec_name = codec_name(params.codec);
    let mut decoder = symphonia::default::get_codecs()
        .make(params, &DecoderOptions::default())
        .map_err(|e| match e {
            SymphoniaError::Unsupported(what) => DecodeError::Unsupported { path: owned(), detail: unsupported_detail(&codec_name, what) },
            other => DecodeError::Corrupt { path: owned(), detail: other.to_string() },
        })?;
    let target_rate = options.target_rate_hz.unwrap_or(source_rate);
    let conversion = |source| DecodeError::Conversion { path: owned(), source };

    let mut resampler: Option<StreamResampler> = None;
    let mut sample_buf: Option<SampleBuffer<f32>> = None;
    let mut decoded_frames: u64 = 0;
    let (mut packets, mut bad_packets) = (0u64, 0u64);
    let mut ended_early: Option<String> = None;
    let mut last_reported = -1.0f32;

    loop {
        if cancel.is_cancelled() {
            return Err(DecodeError::Cancelled { path: owned() });
        }
        let packet = match reader.next_packet() {
            Ok(p) => p,
            Err(SymphoniaError::IoError(e)) if e.kind() == ErrorKind::UnexpectedEof => break,
            Err(SymphoniaError::ResetRequired) => break,
            Err(SymphoniaError::IoError(e)) => {
                ended_early = Some(e.to_string());
                break;
            }
            Err(SymphoniaError::DecodeError(detail)) => {
                ended_early = Some(detail.to_string());
                break;
            }
            Err(other) => return Err(DecodeError::Corrupt { path: owned(), detail: other.to_string() }),
        };
        if packet.track_id() != track.id {
            continue;
        }
        packets += 1;
        let decoded = match decoder.decode(&packet) {
            Ok(d) => d,
            Err(SymphoniaError::DecodeError(detail)) => {
                tracing::debug!(path = %path.display(), detail, "skipping undecodable packet");
                bad_packets += 1;
                continue;
            }
            Err(SymphoniaError::IoError(e)) => {
                ended_early = Some(e.to_string());
                break;
            }
            Err(SymphoniaError::Unsupported(what)) => {
                return Err(DecodeError::Unsupported { path: owned(), detail: unsupported_detail(&codec_name, what) })
            }
            Err(other) => return Err(DecodeError::Corrupt { path: owned(), detail: other.to_string() }),
        };
        let spec = *decoded.spec();
        let channels = spec.channels.count();
        if decoded.frames() == 0 || channels == 0 {
            continue;
        }
        let buf = match sample_buf.as_mut() {
            Some(b) if b.capacity() >= decoded.capacity() * channels => b,
            _ => sample_buf.insert(SampleBuffer::new(decoded.capacity() as u64, spec)),
        };
        buf.copy_planar_ref(decoded);
        let frames = buf.len() / channels;
        let r = match resampler.as_mut() {
            Some(r) if r.channels() == channels => r,
            Some(_) => {
                return Err(DecodeError::Unsupported { path: owned(), detail: "a channel count that changes mid-file".into() })
            }
            None => {
                // The decoder's own format can differ from the container's (HE-AAC doubles the rate).
                let rate = check_stream(path, Some(spec.rate), Some(channels))?;
                resampler.insert(StreamResampler::new(rate, target_rate, channels).map_err(conversion)?)
            }
        };
        let (from, to) = match header.edit {
            Some(w) => edit_range(w, decoded_frames, frames),
            None => (0, frames),
        };
        decoded_frames += frames as u64;
        if from < to {
            let planar: Vec<&[f32]> = buf.samples().chunks(frames).map(|c| &c[from..to]).collect();
            r.push(&planar).map_err(conversion)?;
        }
        if decoded_frames / u64::from(spec.rate.max(1)) > options.max_duration_s {
            return Err(DecodeError::TooLong {
                path: owned(),
                duration_s: decoded_frames / u64::from(spec.rate.max(1)),
                limit_s: options.max_duration_s,
            });
        }
        if let Some(total) = declared_frames.filter(|t| *t > 0) {
            let fraction = (decoded_frames as f32 / total as f32).min(1.0);
            if fraction - last_reported >= 0.01 {
                last_reported = fraction;
                progress(Progress { stage: Stage::Decoding, fraction });
            }
        }
    }

    if packets > 0 && bad_packets == packets {
        return Err(DecodeError::Corrupt { path: owned(), detail: format!("none of its {packets} audio packets could be decoded") });
    }
    if packets > 20 && bad_packets as f64 / packets as f64 > MAX_BAD_PACKET_SHARE {
        return Err(DecodeError::Corrupt { path: owned(), detail: format!("{bad_packets} of {packets} audio packets could not be decoded") });
    }
    if let Some(total) = declared_frames {
        let missing = total.saturating_sub(decoded_frames) as f64 / f64::from(source_rate);
        if missing > TRUNCATION_TOLERANCE_FRAMES_S {
            let have = decoded_frames as f64 / f64::from(source_rate);
            let want = total as f64 / f64::from(source_rate);
            return Err(DecodeError::Truncated { path: owned(), detail: format!("{have:.1} s of the {want:.1} s it declares") });
        }
    }
    if let Some(detail) = ended_early {
        if decoded_frames == 0 {
            return Err(DecodeError::Truncated { path: owned(), detail });
        }
        tracing::warn!(path = %path.display(), detail, "stream ended with a read error after audio was decoded");
    }
    let Some(resampler) = resampler else {
        return Err(DecodeError::NoAudio { path: owned() });
    };
    let source = SourceInfo { codec: codec_name, sample_rate_hz: source_rate, channels: resampler.channels() };
    let channels = resampler.finish().map_err(conversion)?;
    progress(Progress { stage: Stage::Decoding, fraction: 1.0 });
    Ok(DecodedFile { path: owned(), clip: AudioClip { sample_rate_hz: target_rate, channels }, source })
}

/// The part `[from, to)` of a packet of `frames` frames starting at `position` that lies inside
/// the edit window.
fn edit_range(w: EditWindow, position: u64, frames: usize) -> (usize, usize) {
    let end = w.keep_frames.map_or(u64::MAX, |k| w.skip_frames.saturating_add(k));
    let from = w.skip_frames.saturating_sub(position).min(frames as u64) as usize;
    let to = end.saturating_sub(position).min(frames as u64) as usize;
    (from, to.max(from))
}

/// A readable name for a codec, including common ones we cannot decode.
fn codec_name(codec: symphonia::core::codecs::CodecType) -> String {
    use symphonia::core::codecs as c;
    if let Some(d) = symphonia::default::get_codecs().get_codec(codec) {
        return d.long_name.to_string();
    }
    let known = [
        (c::CODEC_TYPE_OPUS, "Opus audio"),
        (c::CODEC_TYPE_ALAC, "Apple Lossless (ALAC) audio"),
        (c::CODEC_TYPE_MP1, "MPEG Layer I audio"),
        (c::CODEC_TYPE_MP2, "MPEG Layer II audio"),
        (c::CODEC_TYPE_SPEEX, "Speex audio"),
        (c::CODEC_TYPE_WMA, "Windows Media Audio"),
        (c::CODEC_TYPE_EAC3, "Dolby Digital Plus audio"),
        (c::CODEC_TYPE_WAVPACK, "WavPack audio"),
        (c::CODEC_TYPE_ADPCM_G722, "G.722 audio"),
        (c::CODEC_TYPE_ADPCM_G726, "G.726 audio"),
    ];
    known
        .iter()
        .find(|(t, _)| *t == codec)
        .map_or_else(|| "this audio codec".to_string(), |(_, name)| (*name).to_string())
}

fn unsupported_detail(codec_name: &str, what: &str) -> String {
    if what.contains("unsupported codec") {
        codec_name.to_string()
    } else {
        format!("{codec_name} ({what})")
    }
}
