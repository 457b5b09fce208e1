//! The IDX file format MNIST ships in (gzipped or raw), with errors that name the file and the fix.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use flate2::read::GzDecoder;

/// Magic number of an IDX file of unsigned bytes with three dimensions (images).
pub const IMAGES_MAGIC: u32 = 0x0000_0803;
/// Magic number of an IDX file of unsigned bytes with one dimension (labels).
pub const LABELS_MAGIC: u32 = 0x0000_0801;

/// Everything that can be wrong with a data file. Each message names the file.
#[derive(Debug, thiserror::Error)]
pub enum DataError {
    #[error("{path}: not found. {hint}")]
    Missing { path: PathBuf, hint: String },
    #[error("{path}: cannot read: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: corrupt gzip data ({source}); delete it and fetch the data again")]
    Gzip {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "{path}: not an IDX {kind} file (magic 0x{found:08x}, expected 0x{expected:08x}); \
         is it the right file?"
    )]
    Magic {
        path: PathBuf,
        kind: &'static str,
        found: u32,
        expected: u32,
    },
    #[error(
        "{path}: truncated or padded: {actual} bytes, but its header promises {expected}; \
         fetch the data again"
    )]
    Length {
        path: PathBuf,
        expected: usize,
        actual: usize,
    },
    #[error("{path}: {message}")]
    Format { path: PathBuf, message: String },
    #[error(
        "{path}: checksum mismatch (SHA-256 {actual}, expected {expected}); the file is damaged \
         or not the original MNIST: fetch it again with `trainer fetch-data`"
    )]
    Checksum {
        path: PathBuf,
        expected: String,
        actual: String,
    },
    #[error(
        "{path}: checksum mismatch (SHA-256 {actual}, expected {expected}); the file is damaged \
         or not the published one. {hint}"
    )]
    Damaged {
        path: PathBuf,
        expected: String,
        actual: String,
        hint: String,
    },
}

/// Grayscale images, row-major, one byte per pixel.
#[derive(Debug, Clone, PartialEq)]
pub struct Images {
    pub count: usize,
    pub rows: usize,
    pub cols: usize,
    pub pixels: Vec<u8>,
}

impl Images {
    /// Pixels of image `i`.
    pub fn image(&self, i: usize) -> &[u8] {
        let n = self.rows * self.cols;
        &self.pixels[i * n..(i + 1) * n]
    }
}

/// Reads a file, transparently gunzipping it when it starts with the gzip magic bytes.
pub fn read_maybe_gzipped(path: &Path) -> Result<Vec<u8>, DataError> {
    let raw = fs::read(path).map_err(|source| DataError::Io {
        path: path.to_owned(),
        source,
    })?;
    if raw.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::with_capacity(raw.len() * 4);
        GzDecoder::new(&raw[..])
            .read_to_end(&mut out)
            .map_err(|source| DataError::Gzip {
                path: path.to_owned(),
                source,
            })?;
        Ok(out)
    } else {
        Ok(raw)
    }
}

fn header(
    path: &Path,
    bytes: &[u8],
    magic: u32,
    kind: &'static str,
) -> Result<Vec<usize>, DataError> {
    let ndims = (magic & 0xff) as usize;
    let header_len = 4 + 4 * ndims;
    let short = |expected| DataError::Length {
        path: path.to_owned(),
        expected,
        actual: bytes.len(),
    };
    if bytes.len() < 4 {
        return Err(short(header_len));
    }
    let word = |i: usize| u32::from_be_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]]);
    let found = word(0);
    if found != magic {
        return Err(DataError::Magic {
            path: path.to_owned(),
            kind,
            found,
            expected: magic,
        });
    }
    if bytes.len() < header_len {
        return Err(short(header_len));
    }
    let dims: Vec<usize> = (0..ndims).map(|d| word(4 + 4 * d) as usize).collect();
    let expected = header_len + dims.iter().product::<usize>();
    if bytes.len() != expected {
        return Err(DataError::Length {
            path: path.to_owned(),
            expected,
            actual: bytes.len(),
        });
    }
    Ok(dims)
}

/// Parses an IDX images file already in memory.
pub fn parse_images(path: &Path, bytes: &[u8]) -> Result<Images, DataError> {
    let dims = header(path, bytes, IMAGES_MAGIC, "images")?;
    Ok(Images {
        count: dims[0],
        rows: dims[1],
        cols: dims[2],
        pixels: bytes[16..].to_vec(),
    })
}

/// Parses an IDX labels file already in memory; every label must be a digit.
pub fn parse_labels(path: &Path, bytes: &[u8]) -> Result<Vec<u8>, DataError> {
    header(path, bytes, LABELS_MAGIC, "labels")?;
    let labels = bytes[8..].to_vec();
    if let Some(pos) = labels.iter().position(|&l| l > 9) {
        return Err(DataError::Format {
            path: path.to_owned(),
            message: format!("label #{pos} is {}, not a digit 0-9", labels[pos]),
        });
    }
    Ok(labels)
}

/// Serialises images as an IDX file (used for test fixtures).
pub fn encode_images(images: &Images) -> Vec<u8> {
    let mut out = Vec::with_capacity(16 + images.pixels.len());
    for w in [
        IMAGES_MAGIC,
        images.count as u32,
        images.rows as u32,
        images.cols as u32,
    ] {
        out.extend_from_slice(&w.to_be_bytes());
    }
    out.extend_from_slice(&images.pixels);
    out
}

/// Serialises labels as an IDX file (used for test fixtures).
pub fn encode_labels(labels: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(8 + labels.len());
    out.extend_from_slice(&LABELS_MAGIC.to_be_bytes());
    out.extend_from_slice(&(labels.len() as u32).to_be_bytes());
    out.extend_from_slice(labels);
    out
}
