//! Experiment for "not a digit" (#20): the negatives as an eleventh output of the digit network
//! itself (Bromley and Denker's "rubbish" class), instead of a second network beside it. Trains
//! the web model's network (784-256-128) with 11 outputs on a fixed set of its own augmented
//! training digits plus negatives of the trained kinds, then measures digits (accuracy, and how
//! many are turned away) and every negative kind, held-out kinds included, at a few thresholds
//! on the eleventh output's probability. Prints numbers only; writes nothing.
//!
//!   cargo run --profile fast -p trainer --example rubbish [COPIES] [NEGATIVE_SHARE] [EPOCHS]
//!
//! COPIES augmented copies of each training digit (default 4), negatives as NEGATIVE_SHARE of
//! the digits (default 0.25), EPOCHS passes (default 15). COPIES 0 is the web recipe itself:
//! the training digits and NEGATIVE_SHARE as many negatives, all distorted afresh each epoch
//! by the trainer's own augmentation (a negative gets no style edit), for EPOCHS passes.
//! With RUBBISH_OUT=FILE.bpk set, the trained network's weights (int8) are written there.

use burn::prelude::*;
use digits::model::Mlp;
use trainer::draw::negatives::Kind;
use trainer::learn::train::Hyper;
use trainer::sets::mnist::Dataset;

const THRESHOLDS: [f32; 9] = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];

fn arg<T: std::str::FromStr>(i: usize, default: T) -> T {
    std::env::args()
        .nth(i)
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

fn main() -> anyhow::Result<()> {
    let copies: usize = arg(1, 4);
    let share: f64 = arg(2, 0.25);
    let epochs: usize = arg(3, 15);
    let (all, split, _) = trainer::run::load_split(None)?;
    let train = all.select(&split.train);
    let test_raw = all.select(&split.test);
    let web = Hyper::preset("web").expect("the web preset");

    // The web recipe distorts the raw training digits itself, each epoch.
    let recipe = copies == 0;
    let n_digits = copies.max(1) * train.len();
    let t0 = std::time::Instant::now();
    let digits = match recipe {
        true => train.clone(),
        false => trainer::draw::augment::augmented_digits(&train, n_digits, web.coarse_rate, 77),
    };
    // The negatives `trainer train --negatives` adds: the same drawings.
    let set = trainer::run::with_negatives(digits, share as f32)?;
    let n_neg = set.len() - n_digits;
    eprintln!(
        "{n_digits} digits and {n_neg} negatives made in {:.0} s",
        t0.elapsed().as_secs_f64()
    );

    let hyper = Hyper {
        epochs,
        augment: recipe,
        normalize: false,
        outputs: 11,
        ..web.clone()
    };
    let drawn = trainer::learn::evaluate::drawn_dataset(&test_raw);
    let first: Vec<u32> = (0..1000).collect();
    let monitor = drawn.select(&first);
    let device = trainer::learn::backend::Backend::Ndarray.device()?;
    let model = match std::env::var_os("RUBBISH_IN") {
        // Measure a network saved by an earlier run instead of training one.
        Some(path) => digits::weights::load(&std::fs::read(path)?, &hyper.model_config(), &device)?,
        None => {
            let (model, _) = trainer::learn::train::train(
                &hyper,
                &set,
                &monitor,
                &device.clone().autodiff(),
                &trainer::learn::train::RunOptions::default(),
                |e| {
                    eprintln!(
                        "epoch {:>2}: drawn (first 1000) {:.2}%",
                        e.epoch,
                        e.test_accuracy * 100.0
                    )
                },
            )?;
            model
        }
    };
    let device = device.without_autodiff();
    if let Some(out) = std::env::var_os("RUBBISH_OUT") {
        let bytes = digits::weights::to_bytes(model.clone(), digits::weights::Precision::Int8)?;
        std::fs::write(&out, bytes)?;
        eprintln!("wrote {}", std::path::Path::new(&out).display());
    }

    let test = test_raw.prepared(true);
    let styles = trainer::measure::styles::dataset();
    let writers = trainer::measure::report::writers_set();
    println!("11 outputs, {copies} copies (0: the web recipe), negatives {share}, {epochs} epochs");
    for (name, set) in [
        ("drawn test digits", &drawn),
        ("test split", &test),
        ("held-out styles", &styles),
        ("real writers", &writers),
    ] {
        let (acc, rej, ratio) = digits_read(&model, set, &device);
        println!("  {name:<20} read right {:.2}%", acc * 100.0);
        println!(
            "    turned away, p(not a digit) above {THRESHOLDS:?}: {}",
            percents(&rej, 2)
        );
        println!(
            "    turned away, p(not) / (p(not) + top digit's p) above: {}",
            percents(&ratio, 2)
        );
    }
    let mut held = [0.0f64; THRESHOLDS.len()];
    let mut held_ratio = [0.0f64; THRESHOLDS.len()];
    for kind in Kind::TRAINED.into_iter().chain(Kind::HELD_OUT) {
        let set = trainer::draw::negatives::measuring_set(kind)?;
        let (_, rej, ratio) = digits_read(&model, &set, &device);
        if Kind::HELD_OUT.contains(&kind) {
            for (h, r) in held.iter_mut().zip(&rej) {
                *h += r / Kind::HELD_OUT.len() as f64;
            }
            for (h, r) in held_ratio.iter_mut().zip(&ratio) {
                *h += r / Kind::HELD_OUT.len() as f64;
            }
        }
        println!("  {:<34} caught {}", kind.name(), percents(&rej, 1));
        println!("  {:<34}   (ratio) {}", "", percents(&ratio, 1));
    }
    println!("  held-out kinds together: {}", percents(&held, 1));
    println!(
        "  held-out kinds together (ratio): {}",
        percents(&held_ratio, 1)
    );
    Ok(())
}

fn percents(shares: &[f64], decimals: usize) -> String {
    shares
        .iter()
        .map(|r| format!("{:.*}%", decimals, r * 100.0))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Share of `set` whose top digit (of the ten) is its label, and the shares turned away at each
/// threshold by two scores: the eleventh output's probability, and that probability over itself
/// plus the top digit's (which ignores how the rest is spread over other digits).
fn digits_read(model: &Mlp, set: &Dataset, device: &Device) -> (f64, Vec<f64>, Vec<f64>) {
    let mut right = 0;
    let mut rejected = vec![0usize; THRESHOLDS.len()];
    let mut by_ratio = vec![0usize; THRESHOLDS.len()];
    for (p, &label) in trainer::measure::rejection::probabilities(model, set, device)
        .iter()
        .zip(&set.labels)
    {
        let top = (0..10).max_by(|&a, &b| p[a].total_cmp(&p[b])).unwrap_or(0);
        if top == usize::from(label) {
            right += 1;
        }
        let ratio = p[10] / (p[10] + p[top]);
        for ((r, q), &t) in rejected.iter_mut().zip(&mut by_ratio).zip(&THRESHOLDS) {
            *r += usize::from(p[10] > t);
            *q += usize::from(ratio > t);
        }
    }
    let n = set.len().max(1) as f64;
    let share = |v: Vec<usize>| v.into_iter().map(|r| r as f64 / n).collect();
    (right as f64 / n, share(rejected), share(by_ratio))
}
