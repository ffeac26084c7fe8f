//! The local transcriber: whisper.cpp through whisper-rs.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use whisper_rs::{
    DtwMode, DtwModelPreset, DtwParameters, FullParams, SamplingStrategy, WhisperContext, WhisperContextParameters,
};

use super::activity::speech_regions;
use super::assemble::{channel_segments, speaker_channels, RawSegment, Word};
use super::hallucination::{is_hallucination, is_stock_phrase, Heard};
use super::splice::Spliced;
use super::vad::SpeechFilter;
use super::{SttError, TranscribeOptions, Transcriber, Transcript};
use crate::audio::{AudioClip, WHISPER_SAMPLE_RATE_HZ};
use crate::progress::{CancelToken, Progress, ProgressSink, Stage};

/// Whisper ignores input shorter than a second; shorter speech is padded with silence.
pub(super) const MIN_SAMPLES: usize = WHISPER_SAMPLE_RATE_HZ as usize * 11 / 10;

/// A loaded Whisper model, shareable between threads; one per model file per process.
pub struct WhisperTranscriber {
    ctx: WhisperContext,
    model_path: PathBuf,
    threads: i32,
}

static LOADED: OnceLock<Mutex<HashMap<PathBuf, Arc<WhisperTranscriber>>>> = OnceLock::new();

impl WhisperTranscriber {
    /// Load a ggml model file.
    pub fn load(model_path: &Path) -> Result<Self, SttError> {
        if !model_path.is_file() {
            return Err(SttError::ModelMissing { path: model_path.to_path_buf() });
        }
        whisper_rs::install_logging_hooks();
        let path_str = model_path
            .to_str()
            .ok_or_else(|| SttError::ModelLoad { path: model_path.to_path_buf(), detail: "the path is not valid UTF-8".into() })?;
        let mut params = WhisperContextParameters::default();
        // DTW timestamps follow the audio far more closely than whisper.cpp's heuristic token
        // times; they decide which of a speaker's turns a word at a turn's edge belongs to.
        if let Some(preset) = dtw_preset(model_path) {
            params.dtw_parameters(DtwParameters { mode: DtwMode::ModelPreset { model_preset: preset }, ..Default::default() });
        }
        let ctx = WhisperContext::new_with_params(path_str, params).map_err(|e| {
            SttError::ModelLoad { path: model_path.to_path_buf(), detail: e.to_string() }
        })?;
        let threads = std::thread::available_parallelism().map_or(2, |n| n.get()).min(8) as i32;
        Ok(WhisperTranscriber { ctx, model_path: model_path.to_path_buf(), threads })
    }

    /// The process-wide instance for `model_path`, loading it on first use.
    pub fn shared(model_path: &Path) -> Result<Arc<Self>, SttError> {
        let cache = LOADED.get_or_init(|| Mutex::new(HashMap::new()));
        let mut cache = cache.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(t) = cache.get(model_path) {
            return Ok(Arc::clone(t));
        }
        let loaded = Arc::new(Self::load(model_path)?);
        cache.insert(model_path.to_path_buf(), Arc::clone(&loaded));
        Ok(loaded)
    }

    /// The model file this transcriber was loaded from.
    pub fn model_path(&self) -> &Path {
        &self.model_path
    }

    /// The loaded model, for decoders that keep their own state (live captions).
    pub(super) fn context(&self) -> &WhisperContext {
        &self.ctx
    }

    /// Run Whisper once over `samples` (16 kHz mono), reporting 0…1 through `on_progress`.
    fn recognise(
        &self,
        samples: &[f32],
        options: &TranscribeOptions,
        cancel: &CancelToken,
        on_progress: &dyn Fn(f32),
    ) -> Result<Vec<RawSegment>, SttError> {
        let mut padded;
        let samples = if samples.len() < MIN_SAMPLES {
            padded = samples.to_vec();
            padded.resize(MIN_SAMPLES, 0.0);
            &padded[..]
        } else {
            samples
        };
        let mut state = self.ctx.create_state().map_err(|e| SttError::Whisper { detail: e.to_string() })?;
        let strategy = match options.beam_size {
            Some(beam) if beam > 1 => SamplingStrategy::BeamSearch { beam_size: beam as i32, patience: -1.0 },
            _ => SamplingStrategy::Greedy { best_of: 1 },
        };
        let mut params = FullParams::new(strategy);
        params.set_n_threads(self.threads);
        params.set_language(Some(options.language.as_str()));
        params.set_token_timestamps(true);
        params.set_suppress_nst(true);
        params.set_print_progress(false);
        params.set_print_realtime(false);
        params.set_print_special(false);
        params.set_print_timestamps(false);
        let percent = Arc::new(AtomicI32::new(0));
        let percent_in_cb = Arc::clone(&percent);
        params.set_progress_callback_safe(move |p: i32| percent_in_cb.store(p, Ordering::Relaxed));
        // whisper-rs 0.16's `set_abort_callback_safe` hands whisper.cpp a pointer of the wrong
        // type (its trampoline reads a boxed trait object as the closure), so the callback
        // returns garbage and aborts every run. Point whisper.cpp at the cancel flag directly.
        let flag: *const AtomicBool = cancel.flag();
        // SAFETY: the flag lives in `cancel`, which outlives `state.full` below (same scope),
        // and `abort_when_flagged` only reads it atomically.
        unsafe {
            params.set_abort_callback(Some(abort_when_flagged));
            params.set_abort_callback_user_data(flag as *mut std::ffi::c_void);
        }

        let result = std::thread::scope(|scope| {
            let worker = scope.spawn(|| state.full(params, samples));
            let mut last = -1;
            while !worker.is_finished() {
                let p = percent.load(Ordering::Relaxed);
                if p != last {
                    last = p;
                    on_progress(p as f32 / 100.0);
                }
                std::thread::sleep(Duration::from_millis(100));
            }
            worker.join()
        });
        if cancel.is_cancelled() {
            return Err(SttError::Cancelled);
        }
        match result {
            Ok(Ok(())) => {}
            Ok(Err(e)) => return Err(SttError::Whisper { detail: e.to_string() }),
            Err(_) => return Err(SttError::Whisper { detail: "the recogniser thread stopped unexpectedly".into() }),
        }
        on_progress(1.0);
        Ok(read_segments(&self.ctx, &state))
    }
}

/// Context around a segment's words when the speech-activity model checks it.
const CHECK_MARGIN_MS: u64 = 200;

/// The segments, without those that are only stock phrases where the speech-activity model
/// hears no speech (times are the splice's).
pub(super) fn heard_as_speech(raw: Vec<RawSegment>, samples: &[f32], filter: &SpeechFilter) -> Result<Vec<RawSegment>, SttError> {
    let at = |ms: u64| ((ms * u64::from(WHISPER_SAMPLE_RATE_HZ) / 1000) as usize).min(samples.len());
    let mut kept = Vec::with_capacity(raw.len());
    for segment in raw {
        let bytes: Vec<u8> = segment.words.iter().flat_map(|w| w.bytes.iter().copied()).collect();
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let (Some(first), Some(last)) = (segment.words.first(), segment.words.last()) else { continue };
        if is_stock_phrase(&text) {
            let span = at(first.start_ms.saturating_sub(CHECK_MARGIN_MS))..at(last.end_ms + CHECK_MARGIN_MS);
            if !filter.hears_speech(&samples[span])? {
                tracing::debug!(text = %text.trim(), "dropped a stock phrase where the speech-activity model hears no speech");
                continue;
            }
        }
        kept.push(segment);
    }
    Ok(kept)
}

unsafe extern "C" fn abort_when_flagged(data: *mut std::ffi::c_void) -> bool {
    // SAFETY: `data` is the `AtomicBool` of a `CancelToken` kept alive by the caller of `full`.
    let flag = unsafe { &*(data as *const AtomicBool) };
    flag.load(Ordering::Relaxed)
}

pub(super) fn read_segments(ctx: &WhisperContext, state: &whisper_rs::WhisperState) -> Vec<RawSegment> {
    let eot = ctx.token_eot();
    let mut out = Vec::new();
    for segment in state.as_iter() {
        let mut words: Vec<Word> = Vec::new();
        let mut probs: Vec<Vec<f32>> = Vec::new();
        for t in 0..segment.n_tokens() {
            let Some(token) = segment.get_token(t) else { continue };
            let data = token.token_data();
            if data.id >= eot {
                continue;
            }
            let Ok(bytes) = token.to_bytes() else { continue };
            let t0 = if data.t_dtw >= 0 { data.t_dtw } else { data.t0.max(0) } as u64 * 10;
            let t1 = (data.t1.max(0) as u64 * 10).max(t0);
            let starts_word = bytes.first() == Some(&b' ') || words.is_empty();
            if starts_word {
                words.push(Word { bytes: bytes.to_vec(), start_ms: t0, end_ms: t1.max(t0), probability: 0.0 });
                probs.push(vec![data.p]);
            } else if let (Some(w), Some(p)) = (words.last_mut(), probs.last_mut()) {
                w.bytes.extend_from_slice(bytes);
                w.end_ms = w.end_ms.max(t1);
                p.push(data.p);
            }
        }
        for (w, p) in words.iter_mut().zip(&probs) {
            w.probability = p.iter().sum::<f32>() / p.len().max(1) as f32;
        }
        let bytes: Vec<u8> = words.iter().flat_map(|w| w.bytes.iter().copied()).collect();
        let text = String::from_utf8_lossy(&bytes);
        let heard = Heard {
            text: &text,
            no_speech_probability: segment.no_speech_probability(),
            word_probability: words.iter().map(|w| w.probability).sum::<f32>() / words.len().max(1) as f32,
        };
        if is_hallucination(heard) {
            tracing::debug!(text = %heard.text, no_speech = heard.no_speech_probability, words = heard.word_probability, "dropped text written over non-speech");
            continue;
        }
        tracing::trace!(text = %heard.text, no_speech = heard.no_speech_probability, words = heard.word_probability, "segment");
        out.push(RawSegment { words });
    }
    out
}

/// The DTW alignment-head preset of a standard Whisper model, read from its ggml header
/// (decoder depth, encoder depth and vocabulary size tell the models apart).
fn dtw_preset(model_path: &Path) -> Option<DtwModelPreset> {
    use std::io::Read;
    let mut header = [0u8; 40];
    std::fs::File::open(model_path).ok()?.read_exact(&mut header).ok()?;
    let field = |i: usize| i32::from_le_bytes([header[i * 4], header[i * 4 + 1], header[i * 4 + 2], header[i * 4 + 3]]);
    if field(0) != 0x6767_6d6c {
        return None;
    }
    let (n_vocab, n_audio_layer, n_text_layer) = (field(1), field(5), field(9));
    let english_only = n_vocab == 51_864;
    Some(match (n_audio_layer, n_text_layer, english_only) {
        (4, 4, true) => DtwModelPreset::TinyEn,
        (4, 4, false) => DtwModelPreset::Tiny,
        (6, 6, true) => DtwModelPreset::BaseEn,
        (6, 6, false) => DtwModelPreset::Base,
        (12, 12, true) => DtwModelPreset::SmallEn,
        (12, 12, false) => DtwModelPreset::Small,
        (24, 24, true) => DtwModelPreset::MediumEn,
        (24, 24, false) => DtwModelPreset::Medium,
        (32, 4, false) => DtwModelPreset::LargeV3Turbo,
        _ => return None,
    })
}

impl Transcriber for WhisperTranscriber {
    fn name(&self) -> String {
        let file = self.model_path.file_name().map(|f| f.to_string_lossy().into_owned());
        format!("whisper.cpp ({})", file.unwrap_or_default())
    }

    fn transcribe(
        &self,
        clip: &AudioClip,
        options: &TranscribeOptions,
        progress: ProgressSink<'_>,
        cancel: &CancelToken,
    ) -> Result<Transcript, SttError> {
        options.validate()?;
        if clip.sample_rate_hz != WHISPER_SAMPLE_RATE_HZ {
            return Err(SttError::WrongSampleRate { sample_rate_hz: clip.sample_rate_hz });
        }
        let report = |fraction: f32| progress(Progress { stage: Stage::Transcribing, fraction: fraction.clamp(0.0, 1.0) });
        report(0.0);
        let duration_ms = clip.duration_ms();
        let streams = speaker_channels(clip, options.swap_channels);
        let channels: Vec<&[f32]> = streams.iter().map(|(s, _)| s.as_ref()).collect();
        let filter = match &options.vad_model {
            Some(path) => Some(SpeechFilter::load(path)?),
            None => None,
        };
        let mut spliced = Vec::with_capacity(streams.len());
        for ((samples, _), regions) in streams.iter().zip(speech_regions(&channels, clip.sample_rate_hz)) {
            let regions = match &filter {
                Some(f) => f.refine(samples, regions, clip.sample_rate_hz)?,
                None => regions,
            };
            spliced.push(Spliced::join(samples, &regions, clip.sample_rate_hz));
        }
        let total: usize = spliced.iter().map(|s| s.samples.len()).sum::<usize>().max(1);
        let mut done = 0usize;
        let mut segments = Vec::new();
        for (splice, (_, speaker)) in spliced.iter().zip(&streams) {
            if splice.samples.is_empty() {
                continue;
            }
            let share = splice.samples.len() as f32 / total as f32;
            let base = done as f32 / total as f32;
            let mut raw = self.recognise(&splice.samples, options, cancel, &|f| report(base + f * share))?;
            if let Some(filter) = &filter {
                raw = heard_as_speech(raw, &splice.samples, filter)?;
            }
            segments.extend(channel_segments(&raw, splice, *speaker));
            done += splice.samples.len();
        }
        segments.sort_by_key(|s| (s.start_ms, s.end_ms));
        report(1.0);
        Ok(Transcript { segments, duration_ms })
    }
}
