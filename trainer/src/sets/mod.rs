//! Where digits and non-digits come from: MNIST (its IDX files, the article's split, the
//! download and the committed fixture), the Hershey glyphs the negatives are drawn from, and
//! real writers' pen strokes (pendigits, UNIPEN).
//!
//! MNIST's images come as a [`mnist::Dataset`]; every pen source gives the same shape, a list
//! of [`Glyph`]s, so that a new source is one file here and the drawing and training stages
//! need not know where a glyph came from. Nothing here depends on a later stage.

pub mod fetch;
pub mod fixture;
pub mod hershey;
pub mod idx;
pub mod mnist;
pub mod pendigits;
pub mod real_writers;
pub mod split;
pub mod typefaces;
pub mod unipen;

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::sets::idx::DataError;
use crate::sets::mnist::hex;

/// One character written with a pen: its pen-down strokes in writing order, as points with y
/// growing downward (screen order), in any unit.
#[derive(Debug, Clone, PartialEq)]
pub struct Glyph {
    pub label: char,
    /// Who wrote it (the source's own writer id); sets are split by writer or site, never by glyph.
    pub writer: String,
    /// The contributing site, for corpora gathered at several.
    pub source: String,
    pub strokes: Vec<Vec<[f32; 2]>>,
}

impl Glyph {
    /// The digit this glyph shows, when its label is one.
    pub fn digit(&self) -> Option<u8> {
        self.label.to_digit(10).map(|d| d as u8)
    }
}

/// A data set's folder: `explicit` (a flag), then the environment variable `env`, then
/// `shared/data/<name>` beside the checkout (where the team keeps its verified copies).
pub fn resolve_dir(explicit: Option<&Path>, env: &str, name: &str) -> PathBuf {
    if let Some(dir) = explicit {
        return dir.to_owned();
    }
    if let Some(dir) = std::env::var_os(env) {
        return PathBuf::from(dir);
    }
    let root = crate::workspace_root();
    root.parent()
        .unwrap_or(&root)
        .join("shared/data")
        .join(name)
}

/// The bytes of `dir/file` (decompressed when gzipped), checked against their published
/// SHA-256; `hint` says where to get the file when it is not there.
pub fn read_verified(
    dir: &Path,
    file: &str,
    sha256: &str,
    hint: &str,
) -> Result<Vec<u8>, DataError> {
    let path = dir.join(file);
    if !path.is_file() {
        return Err(DataError::Missing {
            path,
            hint: hint.to_owned(),
        });
    }
    let bytes = crate::sets::idx::read_maybe_gzipped(&path)?;
    let actual = hex(&Sha256::digest(&bytes));
    if actual != sha256 {
        return Err(DataError::Damaged {
            path,
            expected: sha256.to_owned(),
            actual,
            hint: hint.to_owned(),
        });
    }
    Ok(bytes)
}

/// A glyph file that does not read as its format says: the file, the line and what is wrong.
pub fn malformed(path: &Path, line: usize, what: impl std::fmt::Display) -> DataError {
    DataError::Format {
        path: path.to_owned(),
        message: format!("line {line}: {what}"),
    }
}
