//! Writing what a training run produced: weights, model card and pictures, each atomically so an
//! interrupted run leaves the previous files intact.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::Context;
use digits::model::NUM_CLASSES;
use serde::{Deserialize, Serialize};

/// Everything a reader needs to judge and reproduce a model.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ModelCard {
    pub preset: String,
    pub architecture: String,
    pub hidden: Vec<usize>,
    pub dropout: f64,
    pub parameters: usize,
    pub loss: String,
    pub optimizer: String,
    pub lr: f64,
    pub adam_beta1: f32,
    pub adam_beta2: f32,
    pub adam_epsilon: f32,
    pub batch_size: usize,
    pub epochs: usize,
    pub seed: u64,
    pub split: String,
    pub data_sha256: Vec<(String, String)>,
    pub burn_version: String,
    pub backend: String,
    pub test_correct: usize,
    pub test_total: usize,
    pub test_accuracy: f64,
    pub per_class_accuracy: [f64; NUM_CLASSES],
    /// `confusion[label][prediction]` on the test split.
    pub confusion: [[u32; NUM_CLASSES]; NUM_CLASSES],
    pub train_seconds: f64,
    pub samples_per_sec: f64,
    pub history: Vec<crate::train::EpochStats>,
    /// Correct answers on the committed test-split fixture, so tests can check the weights
    /// without the full data set.
    pub fixture_correct: Option<usize>,
    pub fixture_total: Option<usize>,
    /// Whether inputs go through the page's 20x20-fit + centre-of-mass normalisation in
    /// training and testing.
    #[serde(default)]
    pub normalized_input: bool,
    #[serde(default)]
    pub augmentation: Option<String>,
    #[serde(default)]
    pub lr_final: Option<f64>,
    /// Test-split digits redrawn as pen strokes through the page's preprocessing.
    #[serde(default)]
    pub drawn_correct: Option<usize>,
    #[serde(default)]
    pub drawn_accuracy: Option<f64>,
    #[serde(default)]
    pub drawn_per_class_accuracy: Option<[f64; NUM_CLASSES]>,
    #[serde(default)]
    pub drawn_confusion: Option<[[u32; NUM_CLASSES]; NUM_CLASSES]>,
    /// The held-out digit styles (`trainer::styles`): each style's score and what it was read
    /// as, and all of them together.
    #[serde(default)]
    pub style_correct: Option<usize>,
    #[serde(default)]
    pub style_total: Option<usize>,
    #[serde(default)]
    pub styles: Option<Vec<crate::styles::StyleScore>>,
    /// Below this top probability the page shows the two likeliest digits ("4 or 9?"); chosen
    /// by `trainer::unsure` on the drawn test digits, with the share of right answers it hedges
    /// on and of wrong ones it flags there.
    #[serde(default)]
    pub unsure_below: Option<f64>,
    #[serde(default)]
    pub unsure_hedged_right: Option<f64>,
    #[serde(default)]
    pub unsure_flagged_wrong: Option<f64>,
    /// Digits by real writers outside MNIST (`trainer::optdigits`, the validation set runs are
    /// chosen on): correct of total, per digit, and `confusion[label][answer]`.
    #[serde(default)]
    pub writers_correct: Option<usize>,
    #[serde(default)]
    pub writers_total: Option<usize>,
    #[serde(default)]
    pub writers_per_class_accuracy: Option<[f64; NUM_CLASSES]>,
    #[serde(default)]
    pub writers_confusion: Option<[[u32; NUM_CLASSES]; NUM_CLASSES]>,
    pub weights_file: String,
    /// "int8", "f16" or "f32": how the weights are stored (see `digits::weights::Precision`).
    /// Every accuracy above is the stored weights'.
    #[serde(default = "f32_name")]
    pub weights_precision: String,
    /// Test-split score of the f32 weights before they were rounded for storage.
    #[serde(default)]
    pub unrounded_test_correct: Option<usize>,
    pub weights_bytes: usize,
    pub weights_sha256: String,
}

fn f32_name() -> String {
    "f32".into()
}

impl ModelCard {
    pub fn load(path: &Path) -> anyhow::Result<Self> {
        let text = fs::read_to_string(path)
            .with_context(|| format!("{}: cannot read the model card", path.display()))?;
        serde_json::from_str(&text)
            .with_context(|| format!("{}: not a valid model card", path.display()))
    }
}

/// The files a preset's export consists of.
pub struct Paths {
    pub weights: PathBuf,
    pub card: PathBuf,
    pub curves: PathBuf,
    pub confusion: PathBuf,
}

impl Paths {
    pub fn new(dir: &Path, preset: &str) -> Self {
        Self {
            weights: dir.join(format!("{preset}.bpk")),
            card: dir.join(format!("{preset}.json")),
            curves: dir.join(format!("{preset}-curves.svg")),
            confusion: dir.join(format!("{preset}-confusion.svg")),
        }
    }
}
