//! Learning one person's handwriting on their device: a shipped model fine-tuned on the digits
//! they corrected, each seen through the trainer's distortions (`distort`). Every batch also
//! replays MNIST training digits (`replay`), with the shipped model's own answers for them as
//! the targets (distillation, as in Li and Hoiem's "Learning without Forgetting"), so that their
//! style is learned without unlearning everyone else's; a model with "not a digit" also
//! replays drawings that are not digits, with its own answers for them, so that it keeps
//! turning them away. Runs on any autodiff device; the page
//! runs it on burn-ndarray in a worker, one step at a time so that it can show progress.

use burn::module::Module;
use burn::optim::{AdamConfig, GradientsParams, ModuleOptimizer};
use burn::prelude::*;
use burn::tensor::activation::{log_softmax, softmax};

use crate::distort::{DistortConfig, Distorter};
use crate::model::{Architecture, INPUT_SIZE, Mlp, MlpConfig, NOT_A_DIGIT, NUM_CLASSES};
use crate::pixels::unit;
use crate::replay::{Digit, ReplaySet};
use crate::weights::{self, Precision, WeightsError};

pub use crate::limits::MAX_EXAMPLES;

/// The most accuracy points on MNIST's held-out digits a fine-tune may lose and still be used:
/// one person's handwriting is learned, not everyone else's forgotten. The same bound holds for
/// the share of them a model with "not a digit" turns away.
pub const MAX_MNIST_DROP: f64 = 1.0;

/// How a fine-tune runs.
#[derive(Debug, Clone, PartialEq)]
pub struct TuneConfig {
    pub steps: usize,
    pub batch_size: usize,
    /// How many of each batch are the person's own examples; the rest are replayed MNIST digits.
    pub own_per_batch: usize,
    pub lr: f64,
    pub seed: u32,
}

impl Default for TuneConfig {
    fn default() -> Self {
        Self {
            steps: 40,
            batch_size: 32,
            own_per_batch: 4,
            lr: 1e-3,
            seed: 20_261_129,
        }
    }
}

impl TuneConfig {
    /// The page's fine-tune of `arch`: its own Adam step (`Architecture::fine_tune`).
    pub fn for_model(arch: &Architecture) -> Self {
        Self {
            steps: arch.fine_tune.steps,
            lr: arch.fine_tune.lr,
            ..Self::default()
        }
    }
}

/// Why a fine-tune could not run.
#[derive(Debug, Clone, PartialEq)]
pub enum LearnError {
    NoExamples,
    Label(u8),
    Weights(WeightsError),
    NoReplay,
    Diverged { step: usize },
}

impl std::fmt::Display for LearnError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NoExamples => write!(f, "there are no examples to learn from"),
            Self::Label(l) => write!(f, "an example is labelled {l}, not a digit 0-9"),
            Self::Weights(e) => write!(f, "the model to fine-tune: {e}"),
            Self::NoReplay => write!(f, "the replay set has no training digits"),
            Self::Diverged { step } => write!(f, "the fine-tune diverged at step {step}"),
        }
    }
}

impl std::error::Error for LearnError {}

/// Digits read right, before and after a fine-tune.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Score {
    pub before: usize,
    pub after: usize,
    pub total: usize,
}

impl Score {
    /// Accuracy points lost (negative: gained); NaN when there was nothing to score.
    pub fn drop_points(&self) -> f64 {
        if self.total == 0 {
            return f64::NAN;
        }
        100.0 * (self.before as f64 - self.after as f64) / self.total as f64
    }
}

/// A finished fine-tune: the new weights (int8, as the shipped ones) and what they score, as
/// stored, on MNIST's held-out digits and on the person's own examples.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub weights: Vec<u8>,
    pub holdout: Score,
    pub own: Score,
    /// MNIST's held-out digits whose "not a digit" output is the largest, before and after (0
    /// for a model without one).
    pub holdout_turned_away: Score,
}

impl Outcome {
    /// Why the fine-tune must not be used, in words for the person; `None` when it may. A
    /// fine-tune that could not be checked (no held-out digits) is refused too.
    pub fn refusal(&self) -> Option<String> {
        let drop = self.holdout.drop_points();
        if drop.is_nan() {
            Some("This fine-tune could not be checked on MNIST digits, so it is not used.".into())
        } else if drop > MAX_MNIST_DROP {
            Some(format!(
                "This fine-tune would have lost {drop:.1} points on MNIST digits, so it is not used."
            ))
        } else if -self.holdout_turned_away.drop_points() > MAX_MNIST_DROP {
            Some(format!(
                "This fine-tune would have answered \"Not a digit\" for {:.1} points more MNIST digits, so it is not used.",
                -self.holdout_turned_away.drop_points()
            ))
        } else {
            None
        }
    }
}

/// A fine-tune in progress.
pub struct FineTune {
    /// Taken out and put back by each optimiser step.
    model: Option<Mlp>,
    /// The shipped model, whose answers on the replayed digits are their targets.
    base: Mlp,
    optim: ModuleOptimizer,
    config: MlpConfig,
    tune: TuneConfig,
    own: Vec<Digit>,
    replay: ReplaySet,
    distorter: Distorter,
    device: Device,
    step: usize,
    holdout_before: Reading,
    own_before: usize,
}

impl FineTune {
    /// Starts from `base` (a weights file for `config`) on `device`, which must have autodiff.
    pub fn new(
        base: &[u8],
        config: &MlpConfig,
        mut own: Vec<Digit>,
        replay: ReplaySet,
        tune: TuneConfig,
        device: &Device,
    ) -> Result<Self, LearnError> {
        if own.is_empty() {
            return Err(LearnError::NoExamples);
        }
        if let Some(d) = own.iter().find(|d| usize::from(d.label) >= NUM_CLASSES) {
            return Err(LearnError::Label(d.label));
        }
        // Drawings that are not digits are replayed only to a model that can say so.
        let mut replay = replay;
        if config.outputs <= usize::from(NOT_A_DIGIT) {
            replay.train.retain(|d| d.label < NOT_A_DIGIT);
        }
        if replay.train.is_empty() {
            return Err(LearnError::NoReplay);
        }
        if own.len() > MAX_EXAMPLES {
            own.drain(..own.len() - MAX_EXAMPLES);
        }
        // No dropout: a few examples are better learned from whole, and the run then draws on
        // no global generator, so the same examples give the same model.
        let plain = device.clone().without_autodiff();
        let before = weights::load(base, &config.clone().with_dropout(0.0), &plain)
            .map_err(LearnError::Weights)?;
        let holdout_before = read(&before, &replay.holdout, &plain);
        let own_before = correct(&before, &own, &plain);
        // The same weights, decoded once, to train on `device`.
        let model = before.clone().train().fork(device);
        let optim = AdamConfig::new().init();
        Ok(Self {
            model: Some(model),
            base: before,
            optim,
            config: config.clone(),
            distorter: Distorter::new(tune.seed, DistortConfig::default()),
            tune,
            own,
            replay,
            device: device.clone(),
            step: 0,
            holdout_before,
            own_before,
        })
    }

    /// Steps taken and steps in all.
    pub fn progress(&self) -> (usize, usize) {
        (self.step, self.tune.steps)
    }

    pub fn is_done(&self) -> bool {
        self.step >= self.tune.steps
    }

    /// One optimisation step on a fresh batch; returns its loss.
    pub fn step(&mut self) -> Result<f32, LearnError> {
        let n = self.tune.batch_size;
        let own_n = self.tune.own_per_batch.min(n);
        // Ten digits, or eleven outputs with "not a digit": the person's drawings are digits
        // (one-hot), the replayed ones keep the shipped model's whole answer, its eleventh
        // output included.
        let width = self.config.outputs;
        let mut pixels = Vec::with_capacity(n * INPUT_SIZE);
        let mut targets = vec![0.0f32; n * width];
        for i in 0..n {
            let (set, keep_one_in) = if i < own_n {
                (&self.own, 4)
            } else {
                (&self.replay.train, 2)
            };
            let d = &set[self.distorter.next_u32() as usize % set.len()];
            // Most copies distorted (all the variety a few examples can give), some as they are.
            let img = if self.distorter.next_u32().is_multiple_of(keep_one_in) {
                d.pixels
            } else {
                self.distorter.distorted(&d.pixels)
            };
            pixels.extend(img.iter().map(|&p| unit(p)));
            targets[i * width + usize::from(d.label)] = 1.0;
        }
        // What the network reads of them, made once on the host for both models.
        let input = self.base.input();
        let reads = input.read(&pixels);
        // The replayed digits' targets: what the shipped model says of them.
        let replayed = reads[own_n * input.width()..].to_vec();
        if !replayed.is_empty() {
            let plain = self.device.clone().without_autodiff();
            let shape = [n - own_n, input.width()];
            let x = Tensor::<2>::from_data(TensorData::new(replayed, shape), &plain);
            let probs = softmax(self.base.forward_read(x), 1).into_data();
            for (t, p) in targets[own_n * width..].iter_mut().zip(probs.iter::<f32>()) {
                *t = p;
            }
        }
        let x = Tensor::<2>::from_data(TensorData::new(reads, [n, input.width()]), &self.device);
        let targets = Tensor::<2>::from_data(TensorData::new(targets, [n, width]), &self.device);
        let model = self.model.take().expect("a model between steps");
        // Cross-entropy against the targets (one-hot for the person's digits).
        let loss = (targets * log_softmax(model.forward_read(x), 1))
            .sum_dim(1)
            .mean()
            .neg();
        let grads = GradientsParams::from_grads(loss.backward(), &model);
        self.model = Some(self.optim.step(self.tune.lr, model, grads));
        self.step += 1;
        let value = loss.into_scalar::<f32>();
        if !value.is_finite() {
            return Err(LearnError::Diverged { step: self.step });
        }
        Ok(value)
    }

    /// Runs the remaining steps.
    pub fn run(mut self) -> Result<Outcome, LearnError> {
        while !self.is_done() {
            self.step()?;
        }
        self.finish()
    }

    /// Stores the model as int8 and measures what was stored.
    pub fn finish(self) -> Result<Outcome, LearnError> {
        let model = self.model.expect("a model between steps").valid();
        let weights = weights::to_bytes(model, Precision::Int8).map_err(LearnError::Weights)?;
        let plain = self.device.clone().without_autodiff();
        let after = weights::load(&weights, &self.config, &plain).map_err(LearnError::Weights)?;
        let holdout_after = read(&after, &self.replay.holdout, &plain);
        Ok(Outcome {
            holdout: Score {
                before: self.holdout_before.correct,
                after: holdout_after.correct,
                total: self.replay.holdout.len(),
            },
            own: Score {
                before: self.own_before,
                after: correct(&after, &self.own, &plain),
                total: self.own.len(),
            },
            holdout_turned_away: Score {
                before: self.holdout_before.turned_away,
                after: holdout_after.turned_away,
                total: self.replay.holdout.len(),
            },
            weights,
        })
    }
}

/// How a model reads a set of digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reading {
    /// Read right: the top of the ten digits' outputs is the label, as the page reads a digit.
    pub correct: usize,
    /// Answered "not a digit" above all else (the eleventh output the largest); 0 for a model
    /// of ten outputs.
    pub turned_away: usize,
}

/// How `model` reads `digits`, in one forward pass.
pub fn read(model: &Mlp, digits: &[Digit], device: &Device) -> Reading {
    let Some(logits) = logits(model, digits, device) else {
        return Reading {
            correct: 0,
            turned_away: 0,
        };
    };
    let width = logits.dims()[1].min(NUM_CLASSES);
    let top_digit = logits.clone().narrow(1, 0, width).argmax(1).into_data();
    let correct = top_digit
        .iter::<i64>()
        .zip(digits)
        .filter(|(p, d)| *p == i64::from(d.label))
        .count();
    let turned_away = if logits.dims()[1] > usize::from(NOT_A_DIGIT) {
        let top = logits.argmax(1).into_data();
        top.iter::<i64>()
            .filter(|&p| p == i64::from(NOT_A_DIGIT))
            .count()
    } else {
        0
    };
    Reading {
        correct,
        turned_away,
    }
}

/// How many of `digits` `model` reads right ([`Reading::correct`]).
pub fn correct(model: &Mlp, digits: &[Digit], device: &Device) -> usize {
    read(model, digits, device).correct
}

fn logits(model: &Mlp, digits: &[Digit], device: &Device) -> Option<Tensor<2>> {
    if digits.is_empty() {
        return None;
    }
    let pixels: Vec<f32> = digits.iter().flat_map(|d| d.pixels.map(unit)).collect();
    let input = model.input();
    let shape = [digits.len(), input.width()];
    let x = Tensor::<2>::from_data(TensorData::new(input.read(&pixels), shape), device);
    Some(model.forward_read(x))
}
