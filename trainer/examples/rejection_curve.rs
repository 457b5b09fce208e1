//! What the "not a digit" threshold trades (#37): at each threshold on a grid, the share of
//! each digit set read right as the page answers (top digit right and not turned away) and the
//! share of letters turned away. The page's threshold is chosen on the drawn MNIST test digits
//! alone (`rejection::choose`: at most 1% of them turned away); this shows what another bar
//! would give and cost on real writers.
//!
//!   cargo run --profile fast -p trainer --example rejection_curve [MODEL_DIR] [NAME]
//!
//! MODEL_DIR may name several folders, comma separated: their models' answers are averaged,
//! as `trainer train --distill-from` averages its teachers', to show what those runs read
//! together (what distilling from them could reach at best).

use burn::prelude::*;
use std::path::PathBuf;

use digits::model::{Mlp, NOT_A_DIGIT, NUM_CLASSES};
use trainer::learn::evaluate::drawn_dataset;
use trainer::measure::optdigits::ValidationSet;
use trainer::measure::pen::PenSets;
use trainer::measure::rejection::{choose, probabilities};
use trainer::measure::typefaces::TypefaceSets;
use trainer::run::load_split;
use trainer::sets::mnist::Dataset;
use trainer::sets::typefaces;
use trainer::store::export::Stored;

/// One set's rows of probabilities with their labels (`NOT_A_DIGIT` for letters).
struct Measured {
    name: &'static str,
    probs: Vec<Vec<f32>>,
    labels: Vec<u8>,
}

impl Measured {
    fn new(name: &'static str, models: &[Mlp], set: &Dataset, device: &Device) -> Self {
        let mut probs = probabilities(&models[0], set, device);
        for model in &models[1..] {
            for (sum, p) in probs.iter_mut().zip(probabilities(model, set, device)) {
                sum.iter_mut().zip(p).for_each(|(s, p)| *s += p);
            }
        }
        let n = models.len() as f32;
        probs.iter_mut().flatten().for_each(|p| *p /= n);
        Self {
            name,
            probs,
            labels: set.labels.clone(),
        }
    }

    /// Share answered right at `threshold`: a digit's top digit and not turned away, a
    /// letter turned away.
    fn right(&self, threshold: f32) -> f64 {
        let x = usize::from(NOT_A_DIGIT);
        let right = self
            .probs
            .iter()
            .zip(&self.labels)
            .filter(|&(p, &label)| {
                let away = p[x] > threshold;
                if label == NOT_A_DIGIT {
                    return away;
                }
                let top = (0..NUM_CLASSES)
                    .max_by(|&a, &b| p[a].total_cmp(&p[b]))
                    .unwrap_or(0);
                !away && top == usize::from(label)
            })
            .count();
        right as f64 * 100.0 / self.labels.len().max(1) as f64
    }
}

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let dirs = args.next();
    let name = args.next().unwrap_or_else(|| "web".into());
    let dirs: Vec<PathBuf> = match &dirs {
        Some(list) => list.split(',').map(PathBuf::from).collect(),
        None => vec![trainer::workspace_root().join("model")],
    };
    #[allow(deprecated)] // burn-ndarray is the CPU backend this product names.
    let device = &Device::ndarray();
    let models = dirs
        .iter()
        .map(|dir| Stored::load(dir, &name)?.model(device))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let model = &models[..];
    let name = format!("{name} of {}", dirs.len());
    let (all, split, _) = load_split(None)?;
    let drawn = drawn_dataset(&all.select(&split.test));
    let pen = PenSets::load()?;
    let mut sets = vec![
        Measured::new("MNIST drawn", model, &drawn, device),
        Measured::new("pendigits val", model, &pen.validation, device),
        Measured::new("site digits", model, &pen.site_digits, device),
        Measured::new(
            "optdigits",
            model,
            &ValidationSet::committed()?.dataset(),
            device,
        ),
        Measured::new("site letters", model, &pen.site_letters, device),
    ];
    if let Ok(fonts) = TypefaceSets::load(&typefaces::resolve_dir(None)) {
        sets.push(Measured::new("font digits", model, &fonts.digits, device));
        sets.push(Measured::new("font letters", model, &fonts.letters, device));
    }
    let x = usize::from(NOT_A_DIGIT);
    let chosen = choose(&sets[0].probs.iter().map(|p| p[x]).collect::<Vec<_>>());
    println!("model {name}; the page's threshold (1% of drawn MNIST turned away): {chosen:.2}");
    print!("threshold");
    for s in &sets {
        print!("  {:>13}", s.name);
    }
    println!();
    let page = (chosen * 100.0).round() as usize;
    let mut grid: Vec<usize> = (50..100).step_by(3).chain([page]).collect();
    grid.sort_unstable();
    grid.dedup();
    for k in grid {
        print!("{:>9.2}", k as f32 / 100.0);
        for s in &sets {
            print!("  {:>12.2}%", s.right(k as f32 / 100.0));
        }
        println!("{}", if k == page { "  <- page" } else { "" });
    }
    Ok(())
}
