//! Training and measuring a model's "not a digit" gate (`digits::gate`): its own training
//! digits, distorted and redrawn as the model's are, against drawings of the trained negative
//! kinds (`negatives`); then measured on digits it never saw (the test split, drawn and
//! scanned, the held-out styles, the real writers) and on negatives of every kind, the held-out
//! kinds included.

use burn::prelude::*;
use digits::gate::{self, NOT_DIGIT, THRESHOLD};
use digits::model::{INPUT_SIZE, Mlp};
use digits::pixels::{byte, image_unit};
use digits::preprocess::to_mnist;

use crate::augment::{AugmentConfig, Augmenter};
use crate::export::GateCard;
use crate::mnist::Dataset;
use crate::negatives::{Glyphs, Kind, Negatives};
use crate::train::Hyper;

/// Seeds: training negatives, and the fixed measuring set (never trained on).
pub const TRAIN_SEED: u32 = 20_261_201;
pub const MEASURE_SEED: u32 = 11_041_995;
/// Negatives of each kind in the measuring set.
pub const PER_KIND: usize = 500;

/// The gate's recipe: a small MLP, two outputs, Adam with a decaying rate.
pub fn hyper(epochs: usize) -> Hyper {
    let config = gate::config();
    Hyper {
        hidden: config.hidden.clone(),
        dropout: config.dropout,
        lr: 1e-3,
        batch_size: 64,
        epochs,
        seed: 1,
        adam_beta1: 0.9,
        adam_beta2: 0.999,
        adam_epsilon: 1e-8,
        lr_final: Some(1e-4),
        augment: false,
        normalize: false,
        coarse_rate: 0.0,
        outputs: config.outputs,
        negatives: 0.0,
        ..Hyper::default()
    }
}

/// Trains the gate of the saved model `stored`, measures it as stored (int8), and writes it
/// beside the model with its figures in the model's card.
pub fn run(
    stored: &mut crate::export::Stored,
    data: Option<&std::path::Path>,
    per_side: usize,
    epochs: usize,
    on_epoch: impl FnMut(&crate::train::EpochStats),
) -> anyhow::Result<GateCard> {
    let (all, split, _) = crate::run::load_split(data)?;
    let test = all.select(&split.test);
    let drawn = crate::evaluate::drawn_dataset(&test);
    let first: Vec<u32> = (0..1000).collect();
    let monitor = labelled(&drawn.select(&first), &measuring_set(Kind::Letter)?);
    let device = crate::backend::Backend::Ndarray.device()?;
    let digit_model = stored.model(&device)?;
    let coarse = stored.card.hyper.coarse_rate;
    let train = all.select(&split.train);
    let model = train_gate(
        &train,
        per_side,
        coarse,
        &digit_model,
        epochs,
        &monitor,
        on_epoch,
    )?;
    let bytes = digits::weights::to_bytes(model, digits::weights::Precision::Int8)?;
    let model = digits::weights::load(&bytes, &gate::config(), &device)?;
    let test = test.prepared(stored.card.normalized_input());
    let mut card = measure(&model, &drawn, &test, &device)?;
    card.weights_file = crate::export::Paths::file_name(&stored.paths.gate);
    card.weights_bytes = bytes.len();
    stored.card.gate = Some(card.clone());
    crate::files::write_atomic(&stored.paths.gate, &bytes)?;
    stored.write()?;
    Ok(card)
}

/// Trains a gate for a digit model trained on `train` with `coarse_rate` coarse redraws: `n`
/// digits against `n` negatives, `epochs` passes. `monitor` (digits and negatives it never
/// trains on) is only printed each epoch.
pub fn train_gate(
    train: &Dataset,
    n: usize,
    coarse_rate: f32,
    digit_model: &Mlp,
    epochs: usize,
    monitor: &Dataset,
    on_epoch: impl FnMut(&crate::train::EpochStats),
) -> anyhow::Result<Mlp> {
    let set = training_set(train, n, coarse_rate, digit_model)?;
    let device = crate::backend::Backend::Ndarray.device()?;
    let options = crate::train::RunOptions::default();
    let (model, _) = crate::train::train(
        &hyper(epochs),
        &set,
        monitor,
        &device.autodiff(),
        &options,
        on_epoch,
    )?;
    Ok(model)
}

/// Digits labelled "digit" then negatives labelled "not a digit", as one set.
pub fn labelled(digits: &Dataset, negatives: &Dataset) -> Dataset {
    let mut pixels = digits.images.pixels.clone();
    pixels.extend_from_slice(&negatives.images.pixels);
    let mut labels = vec![gate::DIGIT; digits.len()];
    labels.resize(digits.len() + negatives.len(), NOT_DIGIT);
    Dataset::from_pixels(pixels, labels)
}

/// `n` digits of `train` (cycling through it), each distorted and redrawn as the digit model's
/// training digits are, labelled "digit"; then `n` negatives of the trained kinds, labelled
/// "not a digit" (see [`trained_negatives`]).
pub fn training_set(
    train: &Dataset,
    n: usize,
    coarse_rate: f32,
    digit_model: &Mlp,
) -> anyhow::Result<Dataset> {
    let digits = augmented_digits(train, n, coarse_rate, TRAIN_SEED);
    let negatives = trained_negatives(n, TRAIN_SEED, Some(digit_model))?;
    Ok(labelled(&digits, &negatives))
}

/// `n` digits of `train` (cycling through it) with their labels, each distorted and redrawn as
/// the digit model's training digits are, with `coarse_rate` of them from an 8x8 coarsening.
/// Two threads, seeded from `seed`.
pub fn augmented_digits(train: &Dataset, n: usize, coarse_rate: f32, seed: u32) -> Dataset {
    let mut pixels = vec![0u8; n * INPUT_SIZE];
    let half = n.div_ceil(2).max(1);
    std::thread::scope(|s| {
        for (k, part) in pixels.chunks_mut(half * INPUT_SIZE).enumerate() {
            s.spawn(move || {
                let config = AugmentConfig {
                    coarse_rate,
                    ..Default::default()
                };
                let mut aug = Augmenter::new(seed + k as u32, config);
                for (j, out) in part.chunks_mut(INPUT_SIZE).enumerate() {
                    let i = (k * half + j) % train.len();
                    out.copy_from_slice(&aug.augment(train.images.image(i), train.labels[i]));
                }
            });
        }
    });
    let labels = (0..n).map(|i| train.labels[i % train.len()]).collect();
    Dataset::from_pixels(pixels, labels)
}

/// `n` negatives of the trained kinds, in turn, labelled "not a digit"; two threads, seeded
/// from `seed`. With `digit_model`, a random doodle it reads as a digit with
/// [`DOODLE_DIGIT_P`] or more is drawn again: some random strokes do make a 7.
pub fn trained_negatives(
    n: usize,
    seed: u32,
    digit_model: Option<&Mlp>,
) -> anyhow::Result<Dataset> {
    let mut pixels = vec![0u8; n * INPUT_SIZE];
    let half = n.div_ceil(2).max(1);
    let glyphs = [Glyphs::load()?, Glyphs::load()?];
    std::thread::scope(|s| {
        for ((k, part), glyphs) in pixels.chunks_mut(half * INPUT_SIZE).enumerate().zip(glyphs) {
            let digit_model = digit_model.cloned();
            s.spawn(move || {
                let mut neg = Negatives::new(seed ^ (0x9e37 + k as u32), glyphs);
                for (j, out) in part.chunks_mut(INPUT_SIZE).enumerate() {
                    let kind = Kind::TRAINED[(k * half + j) % Kind::TRAINED.len()];
                    for _ in 0..20 {
                        fill(out, &neg.draw(kind));
                        let reads_as_digit =
                            |m: &Mlp| top_p(m, out, &m.devices()[0]) >= DOODLE_DIGIT_P;
                        if kind != Kind::Doodle || !digit_model.as_ref().is_some_and(reads_as_digit)
                        {
                            break;
                        }
                    }
                }
            });
        }
    });
    Ok(Dataset::from_pixels(pixels, vec![NOT_DIGIT; n]))
}

/// Above this top probability of the digit model, a random doodle counts as a digit.
pub const DOODLE_DIGIT_P: f32 = 0.9;

/// The digit model's top probability for one image (bytes).
fn top_p(model: &Mlp, pixels: &[u8], device: &Device) -> f32 {
    let x = Tensor::<2>::from_data(
        TensorData::new(image_unit(pixels).to_vec(), [1, INPUT_SIZE]),
        device,
    );
    model
        .probabilities(x)
        .into_data()
        .iter::<f32>()
        .fold(0.0, f32::max)
}

/// The image of `strokes` as bytes into `out` (black when there is no ink).
fn fill(out: &mut [u8], strokes: &digits::preprocess::Strokes) {
    let img = to_mnist(strokes)
        .ok()
        .flatten()
        .unwrap_or([0.0; INPUT_SIZE]);
    for (o, v) in out.iter_mut().zip(img) {
        *o = byte(v);
    }
}

/// [`PER_KIND`] drawings of `kind` from the fixed measuring seed.
pub fn measuring_set(kind: Kind) -> anyhow::Result<Dataset> {
    let mut neg = Negatives::new(MEASURE_SEED ^ kind as u32, Glyphs::load()?);
    let mut pixels = vec![0u8; PER_KIND * INPUT_SIZE];
    for out in pixels.chunks_mut(INPUT_SIZE) {
        fill(out, &neg.draw(kind));
    }
    Ok(Dataset::from_pixels(pixels, vec![NOT_DIGIT; PER_KIND]))
}

/// The share of `set`'s images the gate calls "not a digit".
pub fn rejected(gate: &Mlp, set: &Dataset, device: &Device) -> f64 {
    if set.is_empty() {
        return 0.0;
    }
    // The page's own gate code: the same softmax of two and the same threshold.
    let gate = digits::gate::Gate::from_model(gate.clone(), device.clone());
    let mut count = 0;
    for chunk in (0..set.len()).collect::<Vec<_>>().chunks(1000) {
        let pixels: Vec<f32> = chunk
            .iter()
            .flat_map(|&i| image_unit(set.images.image(i)))
            .collect();
        let p = gate
            .not_digit_blocking(&pixels)
            .expect("whole 28x28 images");
        count += p.iter().filter(|&&q| q > THRESHOLD).count();
    }
    count as f64 / set.len() as f64
}

/// Measures `gate` on every set a card records.
pub fn measure(
    gate: &Mlp,
    drawn_test: &Dataset,
    test: &Dataset,
    device: &Device,
) -> anyhow::Result<GateCard> {
    let mut negatives = Vec::new();
    let mut held_out = 0.0;
    for kind in Kind::TRAINED.into_iter().chain(Kind::HELD_OUT) {
        let share = rejected(gate, &measuring_set(kind)?, device);
        let is_held_out = Kind::HELD_OUT.contains(&kind);
        if is_held_out {
            held_out += share / Kind::HELD_OUT.len() as f64;
        }
        negatives.push((kind.name().to_owned(), is_held_out, share));
    }
    Ok(GateCard {
        architecture: digits::weights::describe(&gate::config()),
        threshold: THRESHOLD,
        drawn_rejected: rejected(gate, drawn_test, device),
        test_rejected: rejected(gate, test, device),
        styles_rejected: rejected(gate, &crate::styles::dataset(), device),
        writers_rejected: rejected(gate, &crate::report::writers_set(), device),
        negatives,
        held_out_rejected: held_out,
        ..GateCard::default()
    })
}

/// Prints a gate's card.
pub fn print(card: &GateCard) {
    let pct = |x: f64| format!("{:.2}%", x * 100.0);
    println!(
        "answered \"not a digit\" (threshold p > {}):",
        card.threshold
    );
    println!(
        "  digits: drawn test {}, test split {}, held-out styles {}, real writers {}",
        pct(card.drawn_rejected),
        pct(card.test_rejected),
        pct(card.styles_rejected),
        pct(card.writers_rejected)
    );
    for (name, _, share) in &card.negatives {
        println!("  {:<34} {}", name, pct(*share));
    }
    println!("  held-out kinds together: {}", pct(card.held_out_rejected));
}
