//! A model on real writers' pen strokes, drawn plainly on the pad (`draw::pen::plain`): the
//! pendigits validation writers (the set the `web` recipe is chosen on), and UNIPEN's held-out
//! sites' digits and letters. A digit counts as read right, as on the page, when its top digit
//! is right and the "not a digit" output does not turn it away.

use burn::prelude::*;
use digits::model::{INPUT_SIZE, Mlp, NOT_A_DIGIT};
use digits::preprocess::Strokes;
use serde::{Deserialize, Serialize};

use crate::draw::pen::{plain, plain_paths};
use crate::draw::trace::BRUSH;
use crate::learn::evaluate::{Evaluation, evaluate};
use crate::measure::numbers::{
    self, LengthScore, Number, evaluate_numbers, singles_split, writer_numbers,
};
use crate::measure::rejection::turned_away;
use crate::sets::mnist::Dataset;
use crate::sets::{Glyph, pendigits, real_writers, unipen};

/// The glyphs a model is measured on, drawn once.
pub struct PenSets {
    pub validation: Dataset,
    /// Each validation digit's writer, in `validation`'s order.
    pub validation_writers: Vec<String>,
    pub site_digits: Dataset,
    pub site_letters: Dataset,
    /// Each site letter's label, in `site_letters`' order.
    pub letter_labels: Vec<char>,
    /// Whole numbers, each by one writer with their own digits: the validation writers',
    /// the held-out sites'.
    pub validation_numbers: Vec<Number>,
    pub site_numbers: Vec<Number>,
    /// Every digit of both sets as the pad records it, to count those read as a number.
    pub singles: Vec<Strokes>,
}

impl PenSets {
    /// The sets from their usual folders (`$PENDIGITS_DIR`, `$UNIPEN_DIR`, `shared/data`).
    pub fn load() -> anyhow::Result<Self> {
        let validation = real_writers::validation(&pendigits::resolve_dir(None))?;
        let (digits, letters) = real_writers::held_out_sites(&unipen::resolve_dir(None))?;
        Ok(Self {
            validation: drawn(&validation, |g| g.digit().unwrap_or(0)),
            site_digits: drawn(&digits, |g| g.digit().unwrap_or(0)),
            letter_labels: letters.iter().map(|g| g.label).collect(),
            site_letters: drawn(&letters, |_| NOT_A_DIGIT),
            validation_writers: validation.iter().map(|g| g.writer.clone()).collect(),
            validation_numbers: writer_numbers(&validation),
            site_numbers: writer_numbers(&digits),
            singles: validation
                .iter()
                .chain(&digits)
                .map(|g| Strokes::from_points(&plain_paths(g), BRUSH))
                .collect(),
        })
    }
}

/// `glyphs` drawn plainly (two threads), labelled by `label`; a glyph without ink stays blank.
pub fn drawn(glyphs: &[Glyph], label: impl Fn(&Glyph) -> u8) -> Dataset {
    let mut pixels = vec![0u8; glyphs.len() * INPUT_SIZE];
    let half = glyphs.len().div_ceil(2).max(1);
    std::thread::scope(|s| {
        for (part, chunk) in pixels.chunks_mut(half * INPUT_SIZE).enumerate() {
            s.spawn(move || {
                for (j, out) in chunk.chunks_mut(INPUT_SIZE).enumerate() {
                    if let Some(img) = plain(&glyphs[part * half + j]) {
                        out.copy_from_slice(&img);
                    }
                }
            });
        }
    });
    Dataset::from_pixels(pixels, glyphs.iter().map(label).collect())
}

/// A digit set's scores.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DigitScores {
    /// Top digit right, and not turned away.
    pub read_right: usize,
    pub total: usize,
    pub turned_away: usize,
    /// Top digit right, whatever the eleventh output says.
    pub top_right: usize,
    pub per_class_read_right: [f64; 10],
    /// `confusion[label][answer]`, answer 10 for "not a digit".
    pub confusion: Vec<Vec<u32>>,
}

impl DigitScores {
    pub fn accuracy(&self) -> f64 {
        self.read_right as f64 / self.total.max(1) as f64
    }
}

/// What a model does with real writers' pen strokes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PenScores {
    /// pendigits' validation writers.
    pub validation: DigitScores,
    /// UNIPEN's held-out sites.
    pub site_digits: DigitScores,
    pub site_letters_turned_away: usize,
    pub site_letters_total: usize,
    /// Per letter: (letter, turned away, total), worst first; printed, not kept in a card.
    #[serde(skip)]
    pub letters: Vec<(char, usize, usize)>,
    /// Whole numbers by the validation writers and by the held-out sites' writers, per
    /// length; printed, not kept in a card.
    #[serde(skip)]
    pub numbers: [Vec<LengthScore>; 2],
    /// Per validation writer: (writer, read right, total), worst first; printed only.
    #[serde(skip)]
    pub writers: Vec<(String, usize, usize)>,
    /// Single digits (of both sets) the page would read as a number of two or more.
    #[serde(skip)]
    pub singles_split: usize,
    #[serde(skip)]
    pub singles_total: usize,
}

/// Measures `model` on `sets`; `threshold` is the page's "not a digit" threshold (none for a
/// model without the eleventh output).
pub fn measure(model: &Mlp, sets: &PenSets, threshold: Option<f32>, device: &Device) -> PenScores {
    let away = |set: &Dataset| turned_away(model, set, threshold, device);
    let digits = |set: &Dataset| scores(&evaluate(model, set, device), &set.labels, &away(set));
    let validation_away = away(&sets.validation);
    let validation_eval = evaluate(model, &sets.validation, device);
    let writers = worst_first(sets.validation_writers.iter().enumerate().map(|(i, w)| {
        let right =
            validation_eval.predictions[i] == sets.validation.labels[i] && !validation_away[i];
        (w.clone(), right)
    }));
    let letters_away = away(&sets.site_letters);
    let letters = worst_first(
        sets.letter_labels
            .iter()
            .copied()
            .zip(letters_away.iter().copied()),
    );
    PenScores {
        validation: scores(&validation_eval, &sets.validation.labels, &validation_away),
        site_digits: digits(&sets.site_digits),
        site_letters_turned_away: letters_away.iter().filter(|&&a| a).count(),
        site_letters_total: letters_away.len(),
        letters,
        writers,
        numbers: [&sets.validation_numbers, &sets.site_numbers]
            .map(|n| evaluate_numbers(model, n, threshold, device)),
        singles_split: singles_split(model, &sets.singles.iter().collect::<Vec<_>>(), device),
        singles_total: sets.singles.len(),
    }
}

/// `(key, hit)` pairs tallied per key as (key, hits, total), the lowest share of hits first.
pub(crate) fn worst_first<K: Ord>(
    pairs: impl Iterator<Item = (K, bool)>,
) -> Vec<(K, usize, usize)> {
    let mut by: std::collections::BTreeMap<K, (usize, usize)> = Default::default();
    for (k, hit) in pairs {
        let e = by.entry(k).or_default();
        e.0 += usize::from(hit);
        e.1 += 1;
    }
    let mut rows: Vec<(K, usize, usize)> = by.into_iter().map(|(k, (h, n))| (k, h, n)).collect();
    rows.sort_by(|x, y| (x.1 * y.2).cmp(&(y.1 * x.2)));
    rows
}

pub(crate) fn scores(e: &Evaluation, labels: &[u8], away: &[bool]) -> DigitScores {
    let mut confusion = vec![vec![0u32; 11]; 10];
    for ((&l, &p), &a) in labels.iter().zip(&e.predictions).zip(away) {
        let answer = if a { 10 } else { usize::from(p) };
        confusion[usize::from(l)][answer] += 1;
    }
    let read_right = (0..10).map(|d| confusion[d][d] as usize).sum();
    DigitScores {
        read_right,
        total: labels.len(),
        turned_away: away.iter().filter(|&&a| a).count(),
        top_right: e.correct,
        per_class_read_right: std::array::from_fn(|d| {
            let n: u32 = confusion[d].iter().sum();
            f64::from(confusion[d][d]) / f64::from(n.max(1))
        }),
        confusion,
    }
}

/// Prints the scores as `train` and `evaluate` show them.
pub fn print(s: &PenScores) {
    let pct = |a: usize, n: usize| a as f64 * 100.0 / n.max(1) as f64;
    for (title, d) in [
        (
            "real writers' pen digits, pendigits validation writers",
            &s.validation,
        ),
        (
            "real writers' pen digits, UNIPEN held-out sites",
            &s.site_digits,
        ),
    ] {
        println!(
            "{title}: {}/{} = {:.2}% read right (top digit right {:.2}%, turned away {:.2}%)",
            d.read_right,
            d.total,
            pct(d.read_right, d.total),
            pct(d.top_right, d.total),
            pct(d.turned_away, d.total)
        );
        println!(
            "  per digit: {}",
            (0..10)
                .map(|k| format!("{k}: {:.1}%", d.per_class_read_right[k] * 100.0))
                .collect::<Vec<_>>()
                .join("  ")
        );
    }
    println!("  pendigits validation confusion (row: label, column: answer, X: not a digit):");
    println!(
        "       {}   X",
        (0..10).map(|d| format!("{d:>4}")).collect::<String>()
    );
    for (d, row) in s.validation.confusion.iter().enumerate() {
        println!(
            "    {d}: {}",
            row.iter().map(|n| format!("{n:>4}")).collect::<String>()
        );
    }
    if !s.writers.is_empty() {
        println!(
            "  per validation writer, worst first: {}",
            s.writers
                .iter()
                .map(|(w, r, n)| format!(
                    "{} {:.1}%",
                    w.rsplit('/').next().unwrap_or(w),
                    pct(*r, *n)
                ))
                .collect::<Vec<_>>()
                .join("  ")
        );
    }
    println!(
        "real writers' letters (not digit-shaped), UNIPEN held-out sites: {}/{} = {:.1}% answered \"not a digit\"",
        s.site_letters_turned_away,
        s.site_letters_total,
        pct(s.site_letters_turned_away, s.site_letters_total)
    );
    println!(
        "  per letter, worst first: {}",
        s.letters
            .iter()
            .take(12)
            .map(|(c, a, n)| format!("{c} {:.0}%", pct(*a, *n)))
            .collect::<Vec<_>>()
            .join("  ")
    );
    if s.singles_total > 0 {
        println!(
            "real writers' single digits read as a number of two or more: {}/{} = {:.2}%",
            s.singles_split,
            s.singles_total,
            pct(s.singles_split, s.singles_total)
        );
    }
    for (title, scores) in [
        "whole numbers by pendigits' validation writers (one writer a number, their own digits)",
        "whole numbers by UNIPEN's held-out sites' writers (one writer a number, their own digits)",
    ]
    .iter()
    .zip(&s.numbers)
    {
        if !scores.is_empty() {
            numbers::print(title, scores);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tallies_come_lowest_share_first() {
        let pairs = [
            ("a", true),
            ("b", false),
            ("a", false),
            ("c", true),
            ("b", true),
        ];
        assert_eq!(
            worst_first(pairs.into_iter()),
            vec![("a", 1, 2), ("b", 1, 2), ("c", 1, 1)]
        );
        let none: [(char, bool); 0] = [];
        assert!(worst_first(none.into_iter()).is_empty());
    }
}
