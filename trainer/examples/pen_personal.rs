//! Whether "teach it your handwriting" fixes a real writer's misses (#37): each of pendigits'
//! validation writers writes their digits on the page in the set's order, and corrects every
//! misread one, as a person would. From the third correction on, every correction fine-tunes
//! the shipped model on all of them, exactly as the page does (`digits::learn`, the page's
//! replay set, a fine-tune refused when it costs MNIST digits). Printed per writer: the shipped
//! model's share read right, the corrections made, what the person saw while writing, and the
//! last personal model on the drawings they never taught (against the shipped model on the
//! same), the drawings the shipped model read right that the personal one misreads, and what
//! each refused fine-tune would have cost.
//!
//!   cargo run --profile fast -p trainer --example pen_personal [MODEL_DIR] [NAME] [LR] [OWN] [STEPS]
//!
//! LR, OWN (the person's examples in each batch of 32) and STEPS try other fine-tune settings
//! than the page's for that model (`TuneConfig::for_model`).

use std::collections::BTreeMap;

use digits::learn::{FineTune, TuneConfig};
use digits::model::MlpConfig;
use digits::replay::{Digit, ReplaySet};
use trainer::measure::pen::drawn;
use trainer::measure::rejection::page_answers;
use trainer::sets::{pendigits, real_writers};
use trainer::store::export::Stored;

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let cpu = Stored::cpu_model_from_args(&mut args)?;
    let (shipped, device, name) = (&cpu.model, &cpu.device, &cpu.name);
    let config: MlpConfig = cpu.stored.card.config();
    let threshold = cpu.stored.card.not_a_digit_threshold().ok();
    let arch = digits::model::Architecture::find(&cpu.stored.card.preset)
        .ok_or_else(|| anyhow::anyhow!("{name}: no model called {:?}", cpu.stored.card.preset))?;
    let mut tune = TuneConfig::for_model(arch);
    if let Some(lr) = args.next() {
        tune.lr = lr.parse().map_err(|e| anyhow::anyhow!("LR {lr:?}: {e}"))?;
    }
    if let Some(own) = args.next() {
        tune.own_per_batch = own
            .parse()
            .map_err(|e| anyhow::anyhow!("OWN {own:?}: {e}"))?;
    }
    if let Some(steps) = args.next() {
        tune.steps = steps
            .parse()
            .map_err(|e| anyhow::anyhow!("STEPS {steps:?}: {e}"))?;
    }
    println!(
        "fine-tunes of {} steps, lr {}, {} of each batch of {} the person's",
        tune.steps, tune.lr, tune.own_per_batch, tune.batch_size
    );
    let replay_file = trainer::workspace_root().join("model/replay.bin");
    let replay = ReplaySet::parse(&std::fs::read(&replay_file)?)
        .map_err(|e| anyhow::anyhow!("{}: {e}", replay_file.display()))?;
    let glyphs = real_writers::validation(&pendigits::resolve_dir(None))?;
    let set = drawn(&glyphs, |g| g.digit().unwrap_or(0));
    let mut by_writer: BTreeMap<&str, Vec<u32>> = BTreeMap::new();
    for (i, g) in glyphs.iter().enumerate() {
        by_writer
            .entry(g.writer.as_str())
            .or_default()
            .push(i as u32);
    }
    println!(
        "writer                   shipped          corrections  fine-tunes used/run  \
         seen while writing  untaught: shipped -> personal   (model {name})"
    );
    let (mut sum_shipped, mut sum_seen, mut sum_total) = (0, 0, 0);
    let (mut untaught_before, mut untaught_after, mut untaught_total) = (0, 0, 0);
    let (mut sum_taught_right, mut sum_taught) = (0, 0);
    // Over every fine-tune run: the person's examples it reads right.
    let (mut own_right, mut own_total) = (0, 0);
    for (writer, indices) in by_writer {
        let mine = set.select(&indices);
        let shipped_answers = page_answers(shipped, &mine, threshold, device);
        let right = |a: &[u8]| a.iter().zip(&mine.labels).filter(|(a, l)| a == l).count();
        let mut model = shipped.clone();
        let mut taught: Vec<Digit> = Vec::new();
        let mut taught_at = vec![false; mine.len()];
        let (mut seen, mut used, mut run) = (0, 0, 0);
        // What each refused fine-tune would have cost on MNIST's held-out digits, in points.
        let mut refused: Vec<String> = Vec::new();
        for (i, was_taught) in taught_at.iter_mut().enumerate() {
            let one = mine.select(&[i as u32]);
            let answer = page_answers(&model, &one, threshold, device)[0];
            if answer == mine.labels[i] {
                seen += 1;
                continue;
            }
            *was_taught = true;
            taught.push(Digit {
                label: mine.labels[i],
                pixels: mine.images.image(i).try_into()?,
            });
            if taught.len() < 3 {
                continue;
            }
            let outcome = FineTune::new(
                &cpu.stored.bytes,
                &config,
                taught.clone(),
                replay.clone(),
                tune.clone(),
                &device.clone().autodiff(),
            )
            .and_then(FineTune::run)
            .map_err(|e| anyhow::anyhow!("{writer}: {e}"))?;
            run += 1;
            own_right += outcome.own.after;
            own_total += outcome.own.total;
            if outcome.refusal().is_none() {
                model = digits::weights::load(&outcome.weights, &config, device)?;
                used += 1;
            } else {
                refused.push(format!(
                    "{:.1}/{:.1}",
                    outcome.holdout.drop_points(),
                    -outcome.holdout_turned_away.drop_points()
                ));
            }
        }
        let last = page_answers(&model, &mine, threshold, device);
        let taught_right = (0..mine.len())
            .filter(|&i| taught_at[i] && last[i] == mine.labels[i])
            .count();
        let untaught = |a: &[u8]| {
            (0..mine.len())
                .filter(|&i| !taught_at[i] && a[i] == mine.labels[i])
                .count()
        };
        let n_untaught = taught_at.iter().filter(|t| !**t).count();
        let before = untaught(&shipped_answers);
        let after = untaught(&last);
        // Drawings the shipped model read right and the personal one no longer does.
        let lost: Vec<String> = (0..mine.len())
            .filter(|&i| shipped_answers[i] == mine.labels[i] && last[i] != mine.labels[i])
            .map(|i| {
                let a = char::from_digit(last[i].into(), 10).unwrap_or('X');
                format!("{}>{a}", mine.labels[i])
            })
            .collect();
        println!(
            "{writer:<24} {:>4}/{:<4} {:>6.2}%  {:>11}  {used:>7}/{run:<12} {:>6.2}%  \
             {before:>6} -> {after} of {n_untaught}  taught read right {taught_right}/{}{}{}",
            right(&shipped_answers),
            mine.len(),
            right(&shipped_answers) as f64 * 100.0 / mine.len() as f64,
            taught.len(),
            seen as f64 * 100.0 / mine.len() as f64,
            taught.len(),
            match lost.is_empty() {
                true => String::new(),
                false => format!("  (now misread: {})", lost.join(" ")),
            },
            match refused.is_empty() {
                true => String::new(),
                false => format!(
                    "  (refused, MNIST points lost/turned away: {})",
                    refused.join(" ")
                ),
            }
        );
        sum_shipped += right(&shipped_answers);
        sum_seen += seen;
        sum_total += mine.len();
        untaught_before += before;
        untaught_after += after;
        untaught_total += n_untaught;
        sum_taught_right += taught_right;
        sum_taught += taught.len();
    }
    println!(
        "all: shipped {sum_shipped}/{sum_total}; seen while writing {sum_seen}/{sum_total}; \
         untaught drawings {untaught_before} -> {untaught_after} of {untaught_total}; \
         taught drawings read right at the end {sum_taught_right}/{sum_taught}; \
         each fine-tune reads {own_right} of the {own_total} examples it learned from"
    );
    Ok(())
}
