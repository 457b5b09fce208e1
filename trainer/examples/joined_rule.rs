//! The joined-writing rule (`digits::joined`: when a wide part is cut in two) measured on
//! numbers made of training-split digits, so that its numbers are chosen away from the held-out
//! ones `trainer evaluate` reports. Edit `UNSURE`, `MARGIN`, `WIDE` or `CUTS` there and run
//! again:
//!
//!     cargo run --profile fast -p trainer --example joined_rule
//!
//! Prints, for the first 6,000 training digits: how many traced single digits are read as more
//! than one, and per length (2-4) of the numbers written apart and with two neighbours joined,
//! read exactly / split wrong / a digit turned away.

use burn::prelude::*;
use trainer::measure::numbers::{
    LengthScore, evaluate_numbers, joined_numbers, numbers, singles_split,
};
use trainer::store::export::Stored;

fn main() -> anyhow::Result<()> {
    #[allow(deprecated)] // burn-ndarray is the CPU backend this product names.
    let device = Device::ndarray();
    let stored = Stored::load(&trainer::workspace_root().join("model"), "web")?;
    let model = stored.model(&device)?;
    let not_digit_above = Some(stored.card.not_a_digit_threshold()?);
    let (all, split, _) = trainer::run::load_split(None)?;
    let train = all.select(&split.train[..6000]);

    let traced: Vec<_> = (0..train.len())
        .map(|i| trainer::draw::trace::strokes_of(train.images.image(i)))
        .collect();
    let singles = singles_split(&model, &traced.iter().collect::<Vec<_>>(), &device);
    let show = |scores: &[LengthScore]| {
        scores
            .iter()
            .take(3)
            .map(|s| format!("{}/{}/{}", s.exact, s.missplit, s.turned_away))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let apart = evaluate_numbers(&model, &numbers(&train, &[]), not_digit_above, &device);
    let joined = evaluate_numbers(
        &model,
        &joined_numbers(&train, &[]),
        not_digit_above,
        &device,
    );
    println!(
        "single digits read as more: {singles}/{}; apart {}; joined {}",
        traced.len(),
        show(&apart),
        show(&joined)
    );
    Ok(())
}
