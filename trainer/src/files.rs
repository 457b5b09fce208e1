//! Where the trainer's files live, and writing them safely.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;

/// The workspace's root (the folder holding `model/`, `tests/fixtures/` and `data/`), found
/// from this crate's source rather than the current directory, so that the trainer writes and
/// reads the same files wherever it is started from.
pub fn workspace_root() -> PathBuf {
    let trainer = Path::new(env!("CARGO_MANIFEST_DIR"));
    trainer.parent().unwrap_or(trainer).to_owned()
}

/// `rel` inside the workspace root.
pub fn in_workspace(rel: &str) -> PathBuf {
    workspace_root().join(rel)
}

/// Replaces `path` with `bytes` in one step: a temporary file beside it, synced, then renamed.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let name = path.file_name().context("output path has no file name")?;
    let tmp = dir.join(format!(
        ".{}.tmp-{}",
        name.to_string_lossy(),
        std::process::id()
    ));
    let result = (|| {
        let mut file = fs::File::create(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        fs::rename(&tmp, path)
    })();
    if let Err(e) = result {
        let _ = fs::remove_file(&tmp);
        return Err(e).with_context(|| format!("cannot write {}", path.display()));
    }
    Ok(())
}
