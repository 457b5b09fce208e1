//! What a model card says about a stored model, measured on it: the test split, the drawn test
//! digits, the held-out styles, the page's "unsure" threshold and the committed fixture. Both
//! `trainer train` and `trainer store` measure through here, so their cards agree.

use burn::prelude::*;
use digits::model::Mlp;

use crate::learn::evaluate::{Evaluation, drawn_dataset, evaluate};
use crate::measure::styles::{self, StyleScore};
use crate::measure::unsure::{self, Threshold};
use crate::sets::mnist::Dataset;

/// A stored model's scores.
#[derive(Debug, Clone)]
pub struct Measurements {
    pub test: Evaluation,
    pub drawn: Evaluation,
    pub styled: Evaluation,
    pub styles: Vec<StyleScore>,
    pub unsure: Threshold,
    pub fixture: Option<Evaluation>,
    /// Digits by real writers outside MNIST (`optdigits`): the set runs are chosen on.
    pub writers: Evaluation,
    /// What an eleventh "not a digit" output does, for a network that has one.
    pub rejection: Option<crate::measure::rejection::Rejection>,
    /// Real writers' pen strokes (`measure::pen`); `None` where the sets are not at hand.
    pub pen: Option<crate::measure::pen::PenScores>,
    /// The held-out handwriting typefaces (`measure::typefaces`), where they have been
    /// fetched; printed, not kept in a card.
    pub typefaces: Option<crate::measure::typefaces::TypefaceScores>,
}

/// Measures `model` on `raw_test` (MNIST's test images as scanned; normalised here when the
/// model takes normalised inputs), the same digits drawn as pen strokes, the held-out styles
/// and, when given, the fixture.
pub fn measure(
    model: &Mlp,
    raw_test: &Dataset,
    normalized_input: bool,
    fixture: Option<Dataset>,
    device: &Device,
) -> anyhow::Result<Measurements> {
    let test_set = raw_test.clone().prepared(normalized_input);
    let test = evaluate(model, &test_set, device);
    let drawn_set = drawn_dataset(raw_test);
    let drawn = evaluate(model, &drawn_set, device);
    let unsure = unsure::choose(&unsure::top_probabilities(model, &drawn_set, device));
    let (styled, styles) = styles::evaluate(model, device);
    let fixture = fixture.map(|f| evaluate(model, &f.prepared(normalized_input), device));
    let writers_set = writers_set();
    let writers = evaluate(model, &writers_set, device);
    let rejection =
        crate::measure::rejection::measure(model, &drawn_set, &test_set, &writers_set, device)?;
    let pen = match crate::measure::pen::PenSets::load() {
        Ok(sets) => Some(crate::measure::pen::measure(
            model,
            &sets,
            rejection.as_ref().map(|r| r.threshold),
            device,
        )),
        Err(e) => {
            eprintln!("warning: no real writers' pen sets to measure on: {e:#}");
            None
        }
    };
    let typefaces = held_out_typefaces(model, rejection.as_ref().map(|r| r.threshold), device);
    Ok(Measurements {
        test,
        drawn,
        styled,
        styles,
        unsure,
        fixture,
        writers,
        rejection,
        pen,
        typefaces,
    })
}

/// The held-out typefaces' scores, or `None` (said on stderr) where the fonts are not at hand.
fn held_out_typefaces(
    model: &Mlp,
    threshold: Option<f32>,
    device: &Device,
) -> Option<crate::measure::typefaces::TypefaceScores> {
    use crate::measure::typefaces as faces;
    let dir = crate::sets::typefaces::resolve_dir(None);
    if !crate::sets::typefaces::present(&dir) {
        eprintln!(
            "note: no handwriting typefaces in {} to measure on (trainer fetch-data --typefaces)",
            dir.display()
        );
        return None;
    }
    match faces::TypefaceSets::load(&dir) {
        Ok(sets) => Some(faces::measure(model, &sets, threshold, device)),
        Err(e) => {
            eprintln!("warning: the handwriting typefaces could not be read: {e:#}");
            None
        }
    }
}

/// The committed real-writer validation set through the page's preprocessing; empty (and
/// said so on stderr) when its file cannot be read, so that a measurement never fails for it.
pub fn writers_set() -> Dataset {
    match crate::measure::optdigits::ValidationSet::committed() {
        Ok(set) => set.dataset(),
        Err(e) => {
            eprintln!("warning: no real-writer validation set: {e:#}");
            Dataset::from_pixels(Vec::new(), Vec::new())
        }
    }
}

/// Prints the measurements as `train`, `store` and `evaluate` show them.
pub fn print(m: &Measurements) {
    let pct = |e: &Evaluation| e.accuracy() * 100.0;
    println!(
        "test accuracy: {}/{} = {:.2}%",
        m.test.correct,
        m.test.total,
        pct(&m.test)
    );
    println!(
        "drawn-digit accuracy: {}/{} = {:.2}%",
        m.drawn.correct,
        m.drawn.total,
        pct(&m.drawn)
    );
    println!(
        "unsure below p = {:.2}: hedges on {:.1}% of right drawn answers, flags {:.1}% of wrong ones",
        m.unsure.below,
        m.unsure.hedged_right * 100.0,
        m.unsure.flagged_wrong * 100.0
    );
    println!(
        "held-out styles: {}/{} = {:.1}%",
        m.styled.correct,
        m.styled.total,
        pct(&m.styled)
    );
    print_styles(&m.styles);
    print_writers(&m.writers);
    if let Some(r) = &m.rejection {
        crate::measure::rejection::print(r);
    }
    if let Some(p) = &m.pen {
        crate::measure::pen::print(p);
    }
    if let Some(t) = &m.typefaces {
        crate::measure::typefaces::print(t);
    }
}

/// The real-writer validation set: overall, per digit, and its confusion matrix.
pub fn print_writers(e: &Evaluation) {
    println!(
        "digits by writers outside MNIST (validation): {}/{} = {:.2}%",
        e.correct,
        e.total,
        e.accuracy() * 100.0
    );
    let per = e.per_class();
    println!(
        "  per digit: {}",
        (0..10)
            .map(|d| format!("{d}: {:.0}%", per[d] * 100.0))
            .collect::<Vec<_>>()
            .join("  ")
    );
    println!("  confusion (row: label, column: answer):");
    println!(
        "       {}",
        (0..10).map(|d| format!("{d:>4}")).collect::<String>()
    );
    for (d, row) in e.confusion.iter().enumerate() {
        println!(
            "    {d}: {}",
            row.iter().map(|n| format!("{n:>4}")).collect::<String>()
        );
    }
}

/// The validation styles the style edits are tuned on: the total, then one line per style.
pub fn print_validation_styles(styles: &[StyleScore]) {
    let (right, all) = styles
        .iter()
        .fold((0, 0), |(r, a), s| (r + s.correct, a + s.total));
    println!("validation styles (for tuning the style edits): {right}/{all}");
    print_styles(styles);
}

/// One line per style, worst first, with what its misses were read as.
pub fn print_styles(styles: &[StyleScore]) {
    let mut order: Vec<&StyleScore> = styles.iter().collect();
    order.sort_by_key(|s| s.correct * 1000 / s.total.max(1));
    for s in order {
        let misses: Vec<String> = (0..10)
            .filter(|&d| d != s.label as usize && s.answers[d] > 0)
            .map(|d| format!("{d} x{}", s.answers[d]))
            .collect();
        println!(
            "  {:>5.1}%  {:<46} misread as: {}",
            s.correct as f64 * 100.0 / s.total.max(1) as f64,
            s.style,
            if misses.is_empty() {
                "-".to_owned()
            } else {
                misses.join(", ")
            }
        );
    }
}
