//! The committed test-split fixture: the first 1,000 images of the article's test split, so
//! that tests and model cards can check weights on a machine without the full data set.

use std::io::Write;
use std::path::PathBuf;

use crate::files::{in_workspace, write_atomic};
use crate::sets::idx;
use crate::sets::mnist::Dataset;
use crate::sets::split::Split;

/// Where the fixture lives, relative to the workspace root.
pub const IMAGES: &str = "tests/fixtures/mnist-test-split-1000-images-idx3-ubyte.gz";
pub const LABELS: &str = "tests/fixtures/mnist-test-split-1000-labels-idx1-ubyte.gz";

/// The committed fixture.
pub fn load() -> anyhow::Result<Dataset> {
    Ok(Dataset::load_pair(
        &in_workspace(IMAGES),
        &in_workspace(LABELS),
    )?)
}

/// Writes the first `count` test-split images of `all` as the gzipped IDX pair; returns the two
/// paths and how many images went in.
pub fn write(
    all: &Dataset,
    split: &Split,
    count: usize,
) -> anyhow::Result<(PathBuf, PathBuf, usize)> {
    let set = all.select(&split.test[..count.min(split.test.len())]);
    let gz = |bytes: Vec<u8>| -> anyhow::Result<Vec<u8>> {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        enc.write_all(&bytes)?;
        Ok(enc.finish()?)
    };
    let (images, labels) = (in_workspace(IMAGES), in_workspace(LABELS));
    write_atomic(&images, &gz(idx::encode_images(&set.images))?)?;
    write_atomic(&labels, &gz(idx::encode_labels(&set.labels))?)?;
    Ok((images, labels, set.len()))
}
