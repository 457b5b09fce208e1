//! Where one training step of the article's recipe goes, by burn's own timing: each phase of
//! the trainer's loop timed on its own over many steps, at batch 32 and 128, on burn-ndarray
//! and burn-flex. burn's CPU backends run eagerly, so a phase's time is its work.
//!
//!   cargo run --profile fast -p trainer --example step_profile [STEPS]
//!
//! Phases: batching (bytes to a tensor), forward (the MLP with dropout, and the loss: autodiff
//! records its graph here), backward, collecting the gradients, the Adam step (the trainer's host
//! Adam), reading the loss back. "dropout" is forward with dropout minus forward without it; the
//! bare matmuls are the three layers' forward products alone, for scale. Prints numbers only.

use std::time::Instant;

use burn::nn::loss::CrossEntropyLossConfig;
use burn::optim::{GradientsParams, ModuleOptimizer};
use burn::prelude::*;
use trainer::learn::adam::HostAdam;
use trainer::learn::backend::Backend;
use trainer::learn::batch::Batcher;
use trainer::learn::train::Hyper;
use trainer::run::load_split;

fn main() -> anyhow::Result<()> {
    let steps: usize = std::env::args()
        .nth(1)
        .map(|s| s.parse())
        .transpose()?
        .unwrap_or(1500);
    let (all, split, _) = load_split(None)?;
    let train = all.select(&split.train);
    println!("{steps} steps per row, after 200 warm-up steps; microseconds per step");
    println!(
        "{:<14} {:>5} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8} | {:>8} {:>8}",
        "backend",
        "batch",
        "batching",
        "forward",
        "backward",
        "grads",
        "adam",
        "sync",
        "total",
        "dropout",
        "matmuls"
    );
    for backend in [Backend::Ndarray, Backend::Flex] {
        for batch in [32, 128] {
            let with = profile(backend, batch, steps, 0.1, &train)?;
            let without = profile(backend, batch, steps, 0.0, &train)?;
            let matmuls = bare_matmuls(backend, batch, steps)?;
            let total: f64 = with.iter().sum();
            println!(
                "{:<14} {:>5} {:>8.1} {:>8.1} {:>8.1} {:>8.1} {:>8.1} {:>8.1} {:>8.1} | {:>8.1} {:>8.1}",
                backend.describe(),
                batch,
                with[0],
                with[1],
                with[2],
                with[3],
                with[4],
                with[5],
                total,
                with[1] - without[1],
                matmuls
            );
        }
    }
    Ok(())
}

/// Mean microseconds per step of each phase: batching, forward + loss, backward, gradients,
/// Adam, loss read-back.
fn profile(
    backend: Backend,
    batch: usize,
    steps: usize,
    dropout: f64,
    train: &trainer::sets::mnist::Dataset,
) -> anyhow::Result<[f64; 6]> {
    let device = backend.device()?.autodiff();
    device.seed(1);
    let hyper = Hyper {
        dropout,
        ..Hyper::named("seed")
    };
    let mut model = hyper.model_config().init(&device);
    let mut optim = ModuleOptimizer::from(HostAdam {
        beta_1: 0.9,
        beta_2: 0.999,
        epsilon: 1e-8,
    });
    let loss_fn = CrossEntropyLossConfig::new().init(&device);
    let mut batcher = Batcher::default();
    let mut phases = [0.0f64; 6];
    let order: Vec<usize> = (0..train.len()).collect();
    for step in 0..steps + 200 {
        let start = (step * batch) % (train.len() - batch);
        let chunk = &order[start..start + batch];
        let t0 = Instant::now();
        let (x, y) = batcher.batch(train, chunk, &device);
        let t1 = Instant::now();
        let loss = loss_fn.forward(model.forward(x), y);
        let t2 = Instant::now();
        let grads = loss.backward();
        let t3 = Instant::now();
        let grads = GradientsParams::from_grads(grads, &model);
        let t4 = Instant::now();
        model = optim.step(1e-2, model, grads);
        let t5 = Instant::now();
        let _ = loss.into_scalar::<f32>();
        let t6 = Instant::now();
        if step >= 200 {
            for (p, (a, b)) in
                phases
                    .iter_mut()
                    .zip([(t0, t1), (t1, t2), (t2, t3), (t3, t4), (t4, t5), (t5, t6)])
            {
                *p += (b - a).as_secs_f64() * 1e6;
            }
        }
    }
    Ok(phases.map(|p| p / steps as f64))
}

/// Mean microseconds of the three forward matrix products alone, with no autodiff.
fn bare_matmuls(backend: Backend, batch: usize, steps: usize) -> anyhow::Result<f64> {
    let device = backend.device()?;
    let x = Tensor::<2>::ones([batch, 784], &device);
    let w1 = Tensor::<2>::ones([784, 100], &device);
    let w2 = Tensor::<2>::ones([100, 100], &device);
    let w3 = Tensor::<2>::ones([100, 10], &device);
    let start = Instant::now();
    for _ in 0..steps {
        let h = x.clone().matmul(w1.clone());
        let h = h.matmul(w2.clone());
        let _ = h.matmul(w3.clone()).into_data();
    }
    Ok(start.elapsed().as_secs_f64() * 1e6 / steps as f64)
}
