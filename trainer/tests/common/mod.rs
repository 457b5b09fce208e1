//! Paths and data shared by the trainer's tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use trainer::sets::mnist::{self, Dataset};

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_owned()
}

/// The committed 1,000 test-split images.
pub fn fixture() -> Dataset {
    let dir = repo_root().join("tests/fixtures");
    Dataset::load_pair(
        &dir.join("mnist-test-split-1000-images-idx3-ubyte.gz"),
        &dir.join("mnist-test-split-1000-labels-idx1-ubyte.gz"),
    )
    .expect("committed fixture loads")
}

/// The full data set's folder, when this machine has it ($MNIST_DIR, then data/mnist).
pub fn full_data_dir() -> Option<PathBuf> {
    let root = repo_root();
    let mut candidates: Vec<PathBuf> = std::env::var_os("MNIST_DIR")
        .map(PathBuf::from)
        .into_iter()
        .collect();
    candidates.push(root.join("data/mnist"));
    candidates
        .into_iter()
        .find(|d| mnist::locate(d, &mnist::TRAIN_IMAGES).is_some())
}

/// The full data set's folder, for the tests that need it. They are `#[ignore]`d: cargo reports
/// them as ignored where the data is missing, and `scripts/test.sh` runs them
/// (`--include-ignored`) where it is there.
pub fn full_data() -> PathBuf {
    full_data_dir().unwrap_or_else(|| {
        panic!("the full MNIST is not in $MNIST_DIR or data/mnist: `trainer fetch-data` gets it")
    })
}

/// Pixels scaled to [0, 1], as the model takes them.
pub fn pixels_f32(set: &Dataset) -> Vec<f32> {
    set.images
        .pixels
        .iter()
        .map(|&p| digits::pixels::unit(p))
        .collect()
}
