//! Writing what a training run produced: weights, model card and pictures, each atomically so an
//! interrupted run leaves the previous files intact.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::Context;
use sha2::Digest;

use crate::files::write_atomic;
use digits::model::NUM_CLASSES;
use digits::weights::{self, Precision};
use serde::{Deserialize, Serialize};

use crate::learn::backend::Backend;
use crate::learn::train::{EpochStats, Hyper};
use crate::measure::report::Measurements;

/// Everything a reader needs to judge and reproduce a model.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ModelCard {
    pub preset: String,
    pub architecture: String,
    /// The recipe, whole: network widths, dropout, Adam's settings, batches, epochs, seed,
    /// augmentation and input normalisation.
    #[serde(flatten)]
    pub hyper: Hyper,
    pub parameters: usize,
    pub loss: String,
    pub optimizer: String,
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
    pub history: Vec<EpochStats>,
    /// Correct answers on the committed test-split fixture, so tests can check the weights
    /// without the full data set.
    pub fixture_correct: Option<usize>,
    pub fixture_total: Option<usize>,
    #[serde(default)]
    pub augmentation: Option<String>,
    /// Test-split digits redrawn as pen strokes through the page's preprocessing.
    #[serde(default)]
    pub drawn_correct: Option<usize>,
    #[serde(default)]
    pub drawn_accuracy: Option<f64>,
    #[serde(default)]
    pub drawn_per_class_accuracy: Option<[f64; NUM_CLASSES]>,
    #[serde(default)]
    pub drawn_confusion: Option<[[u32; NUM_CLASSES]; NUM_CLASSES]>,
    /// The held-out digit styles (`trainer::measure::styles`): each style's score and what it was read
    /// as, and all of them together.
    #[serde(default)]
    pub style_correct: Option<usize>,
    #[serde(default)]
    pub style_total: Option<usize>,
    #[serde(default)]
    pub styles: Option<Vec<crate::measure::styles::StyleScore>>,
    /// Below this top probability the page shows the two likeliest digits ("4 or 9?"); chosen
    /// by `trainer::measure::unsure` on the drawn test digits, with the share of right answers it hedges
    /// on and of wrong ones it flags there.
    #[serde(default)]
    pub unsure_below: Option<f64>,
    #[serde(default)]
    pub unsure_hedged_right: Option<f64>,
    #[serde(default)]
    pub unsure_flagged_wrong: Option<f64>,
    /// Digits by real writers outside MNIST (`trainer::measure::optdigits`, the validation set runs are
    /// chosen on): correct of total, per digit, and `confusion[label][answer]`.
    #[serde(default)]
    pub writers_correct: Option<usize>,
    #[serde(default)]
    pub writers_total: Option<usize>,
    #[serde(default)]
    pub writers_per_class_accuracy: Option<[f64; NUM_CLASSES]>,
    #[serde(default)]
    pub writers_confusion: Option<[[u32; NUM_CLASSES]; NUM_CLASSES]>,
    /// An eleventh "not a digit" output (`trainer train --negatives`): its threshold and what
    /// it turns away there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_a_digit: Option<crate::measure::rejection::Rejection>,
    /// Real writers' pen strokes: pendigits' validation writers, UNIPEN's held-out sites.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pen: Option<crate::measure::pen::PenScores>,
    /// The real writers' files the model learned from, with their checksums (MNIST's are in
    /// `data`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trained_sets: Option<Vec<crate::sets::real_writers::SetFile>>,
    /// How the pen glyphs were varied each epoch (`draw::pen::PenConfig`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pen_drawing: Option<String>,
    pub weights_file: String,
    /// "int4", "int8", "f16" or "f32": how the weights are stored (see `digits::weights::Precision`).
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

/// What a finished run knows besides its recipe.
pub struct RunFacts {
    pub name: String,
    pub backend: Backend,
    /// Images trained on, and how many the split's training part holds.
    pub trained_on: usize,
    pub train_split: usize,
    /// Drawings that are not digits trained on beside them (`Hyper::negatives`).
    pub negatives: usize,
    pub history: Vec<EpochStats>,
    /// Test-split score of the weights before they were rounded for storage.
    pub unrounded_test_correct: usize,
}

impl ModelCard {
    /// The card of a run of `hyper`, before anything is measured on its stored weights
    /// (`record`, `record_weights`).
    pub fn from_run(hyper: &Hyper, run: RunFacts) -> Self {
        let config = hyper.model_config();
        let train_seconds: f64 = run.history.iter().map(|h| h.seconds).sum();
        Self {
            preset: run.name.clone(),
            architecture: format!(
                "MLP {} (ReLU, dropout {})",
                weights::describe(&config),
                hyper.dropout
            ),
            hyper: hyper.clone(),
            parameters: config.num_params(),
            loss: "cross-entropy".into(),
            optimizer: if run.backend.host_adam() {
                "Adam (PyTorch's update, one host pass per parameter)".into()
            } else {
                "Adam (burn-optim)".into()
            },
            split: format!(
                "train_test_split(test_size=1/4, random_state=0) of MNIST's 70,000 images; \
                 trained on {} of the {} training images{}",
                run.trained_on,
                run.train_split,
                match run.negatives {
                    0 => String::new(),
                    n => format!(" and {n} drawings that are not digits"),
                }
            ),
            data_sha256: crate::sets::mnist::FILES
                .iter()
                .map(|f| (f.name.to_owned(), f.sha256.to_owned()))
                .collect(),
            burn_version: crate::BURN_VERSION.into(),
            backend: run.backend.describe().into(),
            train_seconds,
            samples_per_sec: ((run.trained_on + run.negatives) * hyper.epochs) as f64
                / train_seconds,
            history: run.history,
            augmentation: hyper.augment.then(|| {
                format!(
                    "{:?}, stroke width +-1 px, then 20x20 fit + centre of mass",
                    crate::draw::augment::AugmentConfig {
                        coarse_rate: hyper.coarse_rate,
                        ..Default::default()
                    }
                )
            }),
            weights_file: Paths::weights_name(&run.name),
            unrounded_test_correct: Some(run.unrounded_test_correct),
            ..Self::default()
        }
    }

    /// Points of accuracy this card loses against `was`: on the test split, and on the drawn
    /// digits when both were measured there.
    pub fn points_lost(&self, was: &ModelCard) -> (f64, f64) {
        let drawn = match (self.drawn_accuracy, was.drawn_accuracy) {
            (Some(now), Some(was)) => (was - now) * 100.0,
            _ => 0.0,
        };
        ((was.test_accuracy - self.test_accuracy) * 100.0, drawn)
    }

    /// The network the card describes.
    pub fn config(&self) -> digits::model::MlpConfig {
        self.hyper.model_config()
    }

    /// Whether the model takes the page's fitted, centred input rather than MNIST as scanned.
    pub fn normalized_input(&self) -> bool {
        self.hyper.normalize
    }

    /// The probability of "not a digit" above which the page answers so; an error for a model
    /// without that output.
    pub fn not_a_digit_threshold(&self) -> anyhow::Result<f32> {
        self.not_a_digit
            .as_ref()
            .map(|r| r.threshold)
            .with_context(|| {
                format!(
                    "model {:?} has no \"not a digit\" output (no not_a_digit in its card)",
                    self.preset
                )
            })
    }

    /// The test split's confusion matrix as a picture, titled with the card's score.
    pub fn confusion_svg(&self) -> anyhow::Result<String> {
        crate::store::plots::confusion_svg(
            &format!(
                "{}: test split, {}/{} correct",
                self.preset, self.test_correct, self.test_total
            ),
            &self.confusion,
        )
    }

    /// Records the stored weights the card describes.
    pub fn record_weights(&mut self, bytes: &[u8], precision: Precision) {
        self.weights_precision = precision.to_string();
        self.weights_bytes = bytes.len();
        self.weights_sha256 = crate::sets::mnist::hex(&sha2::Sha256::digest(bytes));
    }

    pub fn load(path: &Path) -> anyhow::Result<Self> {
        let text = fs::read_to_string(path)
            .with_context(|| format!("{}: cannot read the model card", path.display()))?;
        serde_json::from_str(&text)
            .with_context(|| format!("{}: not a valid model card", path.display()))
    }
}

/// The files a preset's export consists of.
#[derive(Debug, Clone)]
pub struct Paths {
    pub weights: PathBuf,
    pub card: PathBuf,
    pub curves: PathBuf,
    pub confusion: PathBuf,
}

impl Paths {
    pub fn new(dir: &Path, preset: &str) -> Self {
        Self {
            weights: dir.join(Self::weights_name(preset)),
            card: dir.join(format!("{preset}.json")),
            curves: dir.join(format!("{preset}-curves.svg")),
            confusion: dir.join(format!("{preset}-confusion.svg")),
        }
    }

    /// The weights' file name, as the card records it.
    pub fn weights_name(preset: &str) -> String {
        format!("{preset}.bpk")
    }
}

/// A saved model: its card, its stored weights and where they are.
pub struct Stored {
    pub card: ModelCard,
    pub bytes: Vec<u8>,
    pub paths: Paths,
}

/// A stored model loaded for measuring on the CPU (`Stored::cpu_model_from_args`).
pub struct CpuModel {
    pub stored: Stored,
    pub name: String,
    pub device: burn::prelude::Device,
    pub model: digits::model::Mlp,
}

impl Stored {
    /// The card and weights of `preset` in `dir`.
    pub fn load(dir: &Path, preset: &str) -> anyhow::Result<Self> {
        let paths = Paths::new(dir, preset);
        let card =
            ModelCard::load(&paths.card).context("train the model first with `trainer train`")?;
        let bytes = fs::read(&paths.weights)
            .with_context(|| format!("{}: cannot read the weights", paths.weights.display()))?;
        Ok(Self { card, bytes, paths })
    }

    /// The model an example names on its command line, `[MODEL_DIR] [NAME]` (the workspace's
    /// `model/` and `web` when left out), taking those two from `args`; with the name.
    pub fn from_args(args: &mut impl Iterator<Item = String>) -> anyhow::Result<(Self, String)> {
        let dir = args
            .next()
            .map_or(crate::workspace_root().join("model"), PathBuf::from);
        let name = args.next().unwrap_or_else(|| "web".into());
        Ok((Self::load(&dir, &name)?, name))
    }

    /// What an example measures: the model named on its command line (as `from_args`) with
    /// its network on burn-ndarray, the CPU backend the page's first module runs.
    pub fn cpu_model_from_args(
        args: &mut impl Iterator<Item = String>,
    ) -> anyhow::Result<CpuModel> {
        let (stored, name) = Self::from_args(args)?;
        #[allow(deprecated)] // burn-ndarray is the CPU backend this product names.
        let device = burn::prelude::Device::ndarray();
        let model = stored.model(&device)?;
        Ok(CpuModel {
            stored,
            name,
            device,
            model,
        })
    }

    /// The network with its stored weights, on `device`.
    pub fn model(&self, device: &burn::prelude::Device) -> anyhow::Result<digits::model::Mlp> {
        weights::load(&self.bytes, &self.card.config(), device)
            .with_context(|| format!("{}", self.paths.weights.display()))
    }

    /// Writes the weights, the card and the confusion picture (a card re-measured by `store`).
    pub fn write(&self) -> anyhow::Result<()> {
        write_atomic(&self.paths.weights, &self.bytes)?;
        write_atomic(
            &self.paths.card,
            serde_json::to_string_pretty(&self.card)?.as_bytes(),
        )?;
        write_atomic(&self.paths.confusion, self.card.confusion_svg()?.as_bytes())
    }
}

impl ModelCard {
    /// Writes `m` into the card's measured fields.
    pub fn record(&mut self, m: &Measurements) {
        self.test_correct = m.test.correct;
        self.test_total = m.test.total;
        self.test_accuracy = m.test.accuracy();
        self.per_class_accuracy = m.test.per_class();
        self.confusion = m.test.confusion;
        self.drawn_correct = Some(m.drawn.correct);
        self.drawn_accuracy = Some(m.drawn.accuracy());
        self.drawn_per_class_accuracy = Some(m.drawn.per_class());
        self.drawn_confusion = Some(m.drawn.confusion);
        self.style_correct = Some(m.styled.correct);
        self.style_total = Some(m.styled.total);
        self.styles = Some(m.styles.clone());
        self.unsure_below = Some(m.unsure.below);
        self.unsure_hedged_right = Some(m.unsure.hedged_right);
        self.unsure_flagged_wrong = Some(m.unsure.flagged_wrong);
        self.fixture_correct = m.fixture.as_ref().map(|f| f.correct);
        self.fixture_total = m.fixture.as_ref().map(|f| f.total);
        self.writers_correct = Some(m.writers.correct);
        self.writers_total = Some(m.writers.total);
        self.writers_per_class_accuracy = Some(m.writers.per_class());
        self.writers_confusion = Some(m.writers.confusion);
        self.not_a_digit = m.rejection.clone();
        // The card keeps the totals; the per-letter, per-writer and whole-number figures are
        // only printed.
        self.pen = m.pen.clone().map(|mut p| {
            p.letters.clear();
            p.writers.clear();
            p.numbers = Default::default();
            (p.singles_split, p.singles_total) = (0, 0);
            p
        });
    }
}
