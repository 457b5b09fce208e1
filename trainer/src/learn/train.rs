//! The training loop: the article's recipe (Adam, cross-entropy, shuffled mini-batches) on any
//! burn device, with evaluation on the held-out split after every epoch.

use std::time::Instant;

use burn::module::Module;
use burn::nn::loss::CrossEntropyLossConfig;
use burn::optim::{AdamConfig, GradientsParams, ModuleOptimizer};
use burn::prelude::*;
use digits::model::{INPUT_SIZE, Mlp, MlpConfig};
use indicatif::{ProgressBar, ProgressStyle};
use serde::{Deserialize, Serialize};

use crate::draw::pen::{PenConfig, PenDrawer};
use crate::learn::adam::HostAdam;
use crate::learn::batch::Batcher;
use crate::learn::distill::{self, Distill, Teachers};
use crate::learn::evaluate::evaluate;
use crate::learn::int4;
use crate::sets::Glyph;
use crate::sets::mnist::Dataset;
use crate::sets::split::LegacyRandomState;

/// How many parts each augmented epoch is split into, each made on its own thread by its own
/// seeded augmenter.
pub const AUGMENT_SHARDS: usize = 2;

/// Every knob of a training run. A model card embeds it whole, so a card names its recipe in
/// the recipe's own terms.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Hyper {
    pub hidden: Vec<usize>,
    pub dropout: f64,
    pub lr: f64,
    pub batch_size: usize,
    pub epochs: usize,
    pub seed: u64,
    pub adam_beta1: f32,
    pub adam_beta2: f32,
    pub adam_epsilon: f32,
    /// Decay the learning rate exponentially to this value by the last epoch.
    #[serde(default)]
    pub lr_final: Option<f64>,
    /// Distort every training image afresh each epoch (see `augment`).
    #[serde(default)]
    pub augment: bool,
    /// Feed the model images through the page's 20x20-fit + centre-of-mass normalisation.
    #[serde(default, rename = "normalized_input")]
    pub normalize: bool,
    /// Share of the augmented digits redrawn from an 8x8 coarsening (`augment`).
    #[serde(default)]
    pub coarse_rate: f32,
    /// Outputs of the network: the ten digits, or eleven with "not a digit" (`negatives`).
    #[serde(default = "ten", skip_serializing_if = "is_ten")]
    pub outputs: usize,
    /// Drawings that are not digits (the trained kinds of `negatives`), as this share of the
    /// training digits, taught as an eleventh output (`rejection`); 0: none.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub negatives: f32,
    /// Real writers' pen digits, each drawn this many times an epoch (`sets::real_writers`);
    /// 0: none.
    #[serde(default, skip_serializing_if = "is_zero_usize")]
    pub pen_repeat: usize,
    /// Share of the real writers' letters taught as "not a digit".
    #[serde(default, skip_serializing_if = "is_zero")]
    pub pen_letters: f32,
    /// Draw the pen glyphs plainly every epoch, without `draw::pen`'s variations (a lever
    /// measured in docs/training.md; the presets vary them).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub pen_plain: bool,
    /// How far the pen glyphs' rotation, slant, proportions and tremor go, as a factor of
    /// `draw::pen`'s defaults (a lever measured in docs/training.md; the presets use 1).
    #[serde(default = "one", skip_serializing_if = "is_one")]
    pub pen_vary: f32,
    /// Share of the real writers' and typefaces' digits also coarsened to 8x8 and traced back,
    /// as `coarse_rate` does for MNIST's (`draw::pen::PenConfig::coarse`).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub pen_coarse: f32,
    /// Label smoothing of the cross-entropy (0: none; a lever measured in docs/training.md).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub label_smoothing: f32,
    /// Share of the pen 9s whose tail is continued into a curl to the left
    /// (`draw::pen::PenConfig::curl_nines`; a lever measured in docs/training.md, the presets
    /// leave it at 0).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub curl_nines: f32,
    /// How far the pen glyphs are warped, as a share of their size (`draw::pen::PenConfig::warp`).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub pen_warp: f32,
    /// The warp leaves the typefaces' glyphs alone
    /// (`draw::pen::PenConfig::warp_spares_typefaces`; a lever measured in docs/training.md, the
    /// presets leave it off).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub warp_spares_typefaces: bool,
    /// Share of the pen 1s given a long flag (`draw::pen::PenConfig::long_flags`).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub long_flags: f32,
    /// The training handwriting typefaces' characters (`sets::typefaces`, two fonts in three),
    /// each drawn this many times an epoch as a pen glyph: digits as digits, letters as "not a
    /// digit"; 0: none.
    #[serde(default, skip_serializing_if = "is_zero_usize")]
    pub typefaces: usize,
    /// Learn also from trained models' answers (`learn::distill`); `None`: from the labels
    /// alone, as the presets do.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub distill: Option<Distill>,
    /// Letters a trained model misread as digits, taught again (`run::hard_letters`); `None`:
    /// every letter as often, as the presets do.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hard_letters: Option<crate::sets::real_writers::HardLetters>,
    /// The last epochs trained through the int4 rounding of the weights (`learn::int4`), so
    /// that an int4 file keeps the answers; 0: none.
    #[serde(default, skip_serializing_if = "is_zero_usize")]
    pub int4_epochs: usize,
    /// The network reads its input's stroke directions, not its pixels (`digits::directions`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub directions: bool,
}

fn one() -> f32 {
    1.0
}

fn is_one(x: &f32) -> bool {
    *x == 1.0
}

fn is_zero_usize(x: &usize) -> bool {
    *x == 0
}

fn is_zero(x: &f32) -> bool {
    *x == 0.0
}

fn ten() -> usize {
    digits::model::NUM_CLASSES
}

fn is_ten(n: &usize) -> bool {
    *n == digits::model::NUM_CLASSES
}

impl Hyper {
    /// The preset called `name`: its recipe and its network.
    pub fn preset(name: &str) -> Option<Self> {
        let arch = digits::model::Architecture::find(name)?;
        let recipe = &arch.recipe;
        Some(Self {
            hidden: arch.hidden.to_vec(),
            dropout: arch.dropout,
            lr: recipe.lr,
            batch_size: recipe.batch_size,
            epochs: recipe.epochs,
            seed: recipe.seed,
            adam_beta1: 0.9,
            adam_beta2: 0.999,
            adam_epsilon: 1e-8,
            lr_final: recipe.lr_final,
            augment: recipe.augment,
            normalize: arch.normalized_input,
            coarse_rate: recipe.coarse_rate,
            outputs: arch.outputs(),
            negatives: recipe.negatives,
            pen_repeat: recipe.pen_repeat,
            pen_letters: recipe.pen_letters,
            pen_plain: false,
            pen_vary: 1.0,
            pen_coarse: recipe.pen_coarse,
            curl_nines: 0.0,
            pen_warp: recipe.pen_warp,
            warp_spares_typefaces: false,
            long_flags: recipe.long_flags,
            label_smoothing: 0.0,
            typefaces: recipe.typefaces,
            distill: None,
            hard_letters: None,
            int4_epochs: recipe.int4_epochs,
            directions: arch.directions,
        })
    }

    /// The preset called `name`, which the code itself names (so it exists).
    pub fn named(name: &str) -> Self {
        Self::preset(name).unwrap_or_else(|| panic!("no preset called {name:?}"))
    }

    /// How the pen glyphs are varied each epoch.
    pub fn pen_config(&self) -> PenConfig {
        PenConfig {
            coarse: self.pen_coarse,
            curl_nines: self.curl_nines,
            warp: self.pen_warp,
            warp_spares_typefaces: self.warp_spares_typefaces,
            long_flags: self.long_flags,
            ..PenConfig::varied(self.pen_vary)
        }
    }

    /// Learning rate of `epoch` (1-based).
    pub fn lr_at(&self, epoch: usize) -> f64 {
        match self.lr_final {
            Some(end) if self.epochs > 1 => {
                let t = (epoch - 1) as f64 / (self.epochs - 1) as f64;
                self.lr * (end / self.lr).powf(t)
            }
            _ => self.lr,
        }
    }

    pub fn model_config(&self) -> MlpConfig {
        MlpConfig::new(self.hidden.clone())
            .with_dropout(self.dropout)
            .with_outputs(self.outputs)
            .with_directions(self.directions)
    }
}

/// How a run executes, apart from what it learns.
#[derive(Debug, Clone, Copy)]
pub struct RunOptions {
    /// Draw a progress bar on stderr.
    pub show_progress: bool,
    /// Take Adam's steps in one host pass per parameter ([`HostAdam`]) rather than as burn
    /// tensor ops: the same update, and much faster on the CPU backends; not on a GPU.
    pub host_adam: bool,
}

impl Default for RunOptions {
    fn default() -> Self {
        Self {
            show_progress: false,
            host_adam: true,
        }
    }
}

/// What one epoch did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EpochStats {
    pub epoch: usize,
    pub train_loss: f64,
    pub test_accuracy: f64,
    pub seconds: f64,
    pub samples_per_sec: f64,
}

/// Trains a fresh model and reports each epoch to `on_epoch` as it ends.
///
/// `device` must have autodiff enabled. The returned model is in evaluation mode.
pub fn train(
    hyper: &Hyper,
    train_set: &Dataset,
    test_set: &Dataset,
    device: &Device,
    options: &RunOptions,
    on_epoch: impl FnMut(&EpochStats),
) -> anyhow::Result<(Mlp, Vec<EpochStats>)> {
    train_with(
        hyper,
        train_set,
        &[],
        None,
        test_set,
        device,
        options,
        on_epoch,
    )
}

/// [`train`], where the last `pen.len()` images of `train_set` are those pen glyphs drawn
/// plainly: an augmented run draws them afresh from their strokes each epoch (`draw::pen`)
/// instead of distorting the image. With `teachers` (on `device` without autodiff), the loss
/// is `hyper.distill`'s mix of the labels and the teachers' answers.
#[allow(clippy::too_many_arguments)]
pub fn train_with(
    hyper: &Hyper,
    train_set: &Dataset,
    pen: &[Glyph],
    teachers: Option<&Teachers>,
    test_set: &Dataset,
    device: &Device,
    options: &RunOptions,
    mut on_epoch: impl FnMut(&EpochStats),
) -> anyhow::Result<(Mlp, Vec<EpochStats>)> {
    anyhow::ensure!(
        pen.len() <= train_set.len(),
        "more pen glyphs than training images"
    );
    let first_pen = train_set.len() - pen.len();
    let teachers = match (teachers, &hyper.distill) {
        (Some(t), Some(d)) => Some((t, d)),
        (None, None) => None,
        _ => anyhow::bail!("teachers and their distillation settings come together"),
    };
    anyhow::ensure!(hyper.batch_size > 0, "--batch-size must be at least 1");
    anyhow::ensure!(!train_set.is_empty(), "the training set is empty");
    anyhow::ensure!(
        (0.0..1.0).contains(&hyper.dropout),
        "--dropout must be in [0, 1), got {}",
        hyper.dropout
    );
    device.seed(hyper.seed);
    let mut model = hyper.model_config().init(device);
    let mut optim = if options.host_adam {
        ModuleOptimizer::from(HostAdam {
            beta_1: hyper.adam_beta1,
            beta_2: hyper.adam_beta2,
            epsilon: hyper.adam_epsilon,
        })
    } else {
        AdamConfig::new()
            .with_beta_1(hyper.adam_beta1)
            .with_beta_2(hyper.adam_beta2)
            .with_epsilon(hyper.adam_epsilon)
            .init()
    };
    let loss_fn = CrossEntropyLossConfig::new()
        .with_smoothing((hyper.label_smoothing > 0.0).then_some(hyper.label_smoothing))
        .init(device);
    let mut batcher = Batcher::default();
    let mut order: Vec<usize> = (0..train_set.len()).collect();
    // Shuffles draw from their own stream so that the model's initialisation stays put when
    // only the batch size or the epoch count changes.
    let mut shuffler = LegacyRandomState::new(hyper.seed as u32 ^ 0x5eed_5eed);
    let mut history = Vec::with_capacity(hyper.epochs);

    // Augmented runs distort every training image afresh each epoch. A thread of its own
    // makes the next epoch's images while this one trains, split into `AUGMENT_SHARDS` parts
    // with a seeded augmenter each: a fixed count, so that a run gives the same images on any
    // machine.
    std::thread::scope(|scope| {
        let (next_epoch, augmented) = std::sync::mpsc::sync_channel::<Dataset>(1);
        if hyper.augment {
            let config = crate::draw::augment::AugmentConfig {
                coarse_rate: hyper.coarse_rate,
                ..Default::default()
            };
            let mut shards: Vec<_> = (0..AUGMENT_SHARDS as u32)
                .map(|k| {
                    let seed = (hyper.seed as u32).wrapping_add(k.wrapping_mul(0x9e37_79b9));
                    (
                        crate::draw::augment::Augmenter::new(seed, config.clone()),
                        PenDrawer::new(seed ^ 0x7e57_ab1e, hyper.pen_config()),
                    )
                })
                .collect();
            let epochs = hyper.epochs;
            let pen_plain = hyper.pen_plain;
            scope.spawn(move || {
                let per_shard = train_set.len().div_ceil(AUGMENT_SHARDS).max(1);
                for _ in 0..epochs {
                    let mut buffer = train_set.clone();
                    std::thread::scope(|s| {
                        let parts = buffer.images.pixels.chunks_mut(per_shard * INPUT_SIZE);
                        for (k, (part, (aug, drawer))) in parts.zip(&mut shards).enumerate() {
                            s.spawn(move || {
                                for (j, out) in part.chunks_mut(INPUT_SIZE).enumerate() {
                                    let i = k * per_shard + j;
                                    // A glyph that draws no ink keeps its plain image.
                                    if i >= first_pen {
                                        if pen_plain {
                                            continue;
                                        }
                                        if let Some(img) = drawer.draw(&pen[i - first_pen]) {
                                            out.copy_from_slice(&img);
                                        }
                                        continue;
                                    }
                                    let img =
                                        aug.augment(train_set.images.image(i), train_set.labels[i]);
                                    out.copy_from_slice(&img);
                                }
                            });
                        }
                    });
                    // A closed channel means training stopped early: nothing more to make.
                    if next_epoch.send(buffer).is_err() {
                        return;
                    }
                }
            });
        } else {
            drop(next_epoch);
        }
        for epoch in 1..=hyper.epochs {
            shuffler.shuffle(&mut order);
            let buffer = match hyper.augment {
                true => Some(
                    augmented
                        .recv()
                        .map_err(|_| anyhow::anyhow!("the augmentation thread stopped"))?,
                ),
                false => None,
            };
            let data = buffer.as_ref().unwrap_or(train_set);
            let lr = hyper.lr_at(epoch);
            let bar = progress_bar(options.show_progress, train_set.len(), epoch, hyper.epochs);
            let start = Instant::now();
            let mut loss_sum = 0.0f64;
            let mut seen = 0usize;
            let rounding = epoch + hyper.int4_epochs > hyper.epochs;
            let mut scales = Vec::new();
            for (step, chunk) in order.chunks(hyper.batch_size).enumerate() {
                let (x, y) = batcher.batch(data, chunk, device);
                let logits = if rounding {
                    if step % int4::RESCALE_STEPS == 0 {
                        scales = int4::scales(&model, device);
                    }
                    model.forward_through(x.clone(), |i, w| int4::round(w, &scales[i]))
                } else {
                    model.forward(x.clone())
                };
                let ce = loss_fn.forward(logits.clone(), y);
                let loss = match teachers {
                    Some((t, d)) => {
                        let answers = t.soft_answers(x.without_autodiff(), d.temperature);
                        distill::loss(ce, logits, answers, d)
                    }
                    None => ce,
                };
                let grads = GradientsParams::from_grads(loss.backward(), &model);
                model = optim.step(lr, model, grads);
                let batch_loss = loss.into_scalar::<f32>() as f64;
                anyhow::ensure!(
                    batch_loss.is_finite(),
                    "training diverged at epoch {epoch}, step {step} (loss {batch_loss}); try a lower --lr"
                );
                loss_sum += batch_loss * chunk.len() as f64;
                seen += chunk.len();
                if step % 32 == 0 {
                    bar.set_position(seen as u64);
                    bar.set_message(format!("loss {:.4}", loss_sum / seen as f64));
                }
            }
            let seconds = start.elapsed().as_secs_f64();
            bar.finish_and_clear();
            let eval = evaluate(&model.valid(), test_set, &device.clone().without_autodiff());
            let stats = EpochStats {
                epoch,
                train_loss: loss_sum / seen as f64,
                test_accuracy: eval.accuracy(),
                seconds,
                samples_per_sec: seen as f64 / seconds,
            };
            on_epoch(&stats);
            history.push(stats);
        }
        Ok((model.valid(), history))
    })
}

fn progress_bar(show: bool, len: usize, epoch: usize, epochs: usize) -> ProgressBar {
    if !show {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(len as u64);
    bar.set_style(
        ProgressStyle::with_template(
            "{prefix:>11} [{bar:30}] {pos:>6}/{len} {per_sec:>14} {msg} (eta {eta})",
        )
        .expect("valid template")
        .progress_chars("=> "),
    );
    bar.set_prefix(format!("epoch {epoch}/{epochs}"));
    bar
}
