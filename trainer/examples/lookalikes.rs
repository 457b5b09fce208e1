//! Letters shaped like digits (#20): what a model with "not a digit" answers for them. They are
//! in no set of negatives (a person may mean a digit by them); this measures whether the model
//! takes them as digits anyway. Each letter of each of the three Latin Hershey fonts the
//! negatives use is drawn 50 times, placed, sized, turned and slanted as a negative is, and
//! read at the card's threshold.
//!
//!   cargo run --profile fast -p trainer --example lookalikes [MODEL_DIR] [NAME]
//!
//! Defaults: the workspace's model/, web.

use anyhow::Context;
use burn::prelude::*;
use digits::classifier::{Classifier, top};
use digits::preprocess::to_mnist;
use trainer::draw::negatives::{Glyphs, Negatives};
use trainer::sets::hershey;
use trainer::store::export::Stored;

/// The letters that look like digits: O o I l S s Z z B b g q G T.
const LOOKALIKES: &str = "OoIlSsZzBbgqGT";
/// Drawings of each letter in each font.
const COPIES: usize = 50;

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let (stored, _) = Stored::from_args(&mut args)?;
    #[allow(deprecated)] // burn-ndarray is the CPU backend this product names.
    let device = Device::ndarray();
    let threshold = stored.card.not_a_digit_threshold()?;
    let classifier = Classifier::new(&stored.bytes, &stored.card.config(), device)?;
    let mut negatives = Negatives::new(99, Glyphs::load()?);
    println!(
        "letter: share answered \"not a digit\" (above p = {threshold:.2}), else the digit read most"
    );
    for font in ["futural", "scripts", "cursive"] {
        println!("{font}:");
        let glyphs = hershey::font(font)?;
        for letter in LOOKALIKES.chars() {
            let glyph = hershey::ascii(&glyphs, &letter.to_string())
                .pop()
                .with_context(|| format!("{font} has no {letter}"))?;
            let mut pixels = Vec::with_capacity(COPIES * digits::model::INPUT_SIZE);
            for _ in 0..COPIES {
                let strokes = negatives.draw_template(glyph.clone());
                pixels.extend(to_mnist(&strokes)?.context("a letter with no ink")?);
            }
            let answers = classifier.probabilities_blocking(&pixels)?;
            let mut read = [0usize; 10];
            let mut turned_away = 0;
            for a in &answers {
                if a.not_a_digit > threshold {
                    turned_away += 1;
                } else {
                    read[top(&a.digits).0] += 1;
                }
            }
            let most = (0..10).max_by_key(|&d| read[d]).unwrap_or(0);
            println!(
                "  {letter}: {:>3.0}% not a digit; read as {most} {} of {COPIES}",
                100.0 * turned_away as f64 / COPIES as f64,
                read[most]
            );
        }
    }
    Ok(())
}
