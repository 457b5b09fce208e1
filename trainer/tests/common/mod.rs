//! Paths and data shared by the trainer's tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use trainer::mnist::{self, Dataset};

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

/// The full data set's folder, when this machine has it ($MNIST_DIR, data/mnist, the team's
/// shared copy).
pub fn full_data_dir() -> Option<PathBuf> {
    let root = repo_root();
    let mut candidates: Vec<PathBuf> = std::env::var_os("MNIST_DIR")
        .map(PathBuf::from)
        .into_iter()
        .collect();
    candidates.push(root.join("data/mnist"));
    candidates.push(root.join("../shared/data/mnist"));
    candidates
        .into_iter()
        .find(|d| mnist::locate(d, &mnist::TRAIN_IMAGES).is_some())
}

/// Pixels scaled to [0, 1], as the model takes them.
pub fn pixels_f32(set: &Dataset) -> Vec<f32> {
    set.images
        .pixels
        .iter()
        .map(|&p| p as f32 / 255.0)
        .collect()
}
