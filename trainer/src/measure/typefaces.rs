//! A model on the held-out handwriting typefaces (`sets::typefaces`, every third font): their
//! digits drawn plainly on the pad, their letters that are not written like digits (which the
//! page should turn away), and whole numbers each in one font. Read as the page reads.

use std::path::Path;

use burn::prelude::*;
use digits::model::{Mlp, NOT_A_DIGIT};

use crate::draw::typeface;
use crate::learn::evaluate::evaluate;
use crate::measure::numbers::{self, LengthScore, Number, evaluate_numbers, writer_numbers};
use crate::measure::pen::{DigitScores, drawn, scores, worst_first};
use crate::measure::rejection::turned_away;
use crate::sets::Glyph;
use crate::sets::mnist::Dataset;
use crate::sets::typefaces::Role;

/// The held-out fonts' characters, drawn once.
pub struct TypefaceSets {
    pub digits: Dataset,
    /// Each digit's font, in `digits`' order.
    pub digit_fonts: Vec<String>,
    pub letters: Dataset,
    pub letter_labels: Vec<char>,
    pub numbers: Vec<Number>,
}

impl TypefaceSets {
    /// The held-out fonts from `dir`.
    pub fn load(dir: &Path) -> anyhow::Result<Self> {
        let all = typeface::fonts(dir, Role::HeldOut)?
            .into_iter()
            .flat_map(|(_, glyphs)| glyphs);
        let (digits, letters): (Vec<Glyph>, Vec<Glyph>) = all.partition(|g| g.digit().is_some());
        Ok(Self {
            digits: drawn(&digits, |g| g.digit().unwrap_or(0)),
            digit_fonts: digits.iter().map(|g| g.writer.clone()).collect(),
            letters: drawn(&letters, |_| NOT_A_DIGIT),
            letter_labels: letters.iter().map(|g| g.label).collect(),
            numbers: writer_numbers(&digits),
        })
    }
}

/// What a model does with the held-out fonts.
#[derive(Debug, Clone, PartialEq)]
pub struct TypefaceScores {
    pub digits: DigitScores,
    /// Per font: (font, digits read right, digits), worst first.
    pub fonts: Vec<(String, usize, usize)>,
    pub letters_turned_away: usize,
    pub letters_total: usize,
    /// Per letter: (letter, turned away, total), worst first.
    pub letters: Vec<(char, usize, usize)>,
    pub numbers: Vec<LengthScore>,
}

/// Measures `model` on `sets`, with the page's "not a digit" `threshold` where it has one.
pub fn measure(
    model: &Mlp,
    sets: &TypefaceSets,
    threshold: Option<f32>,
    device: &Device,
) -> TypefaceScores {
    let away = |set: &Dataset| turned_away(model, set, threshold, device);
    let digits_away = away(&sets.digits);
    let eval = evaluate(model, &sets.digits, device);
    let fonts = worst_first(sets.digit_fonts.iter().enumerate().map(|(i, f)| {
        let right = eval.predictions[i] == sets.digits.labels[i] && !digits_away[i];
        (f.clone(), right)
    }));
    let letters_away = away(&sets.letters);
    TypefaceScores {
        digits: scores(&eval, &sets.digits.labels, &digits_away),
        fonts,
        letters_turned_away: letters_away.iter().filter(|&&a| a).count(),
        letters_total: letters_away.len(),
        letters: worst_first(
            sets.letter_labels
                .iter()
                .copied()
                .zip(letters_away.iter().copied()),
        ),
        numbers: evaluate_numbers(model, &sets.numbers, threshold, device),
    }
}

/// Prints the scores as `evaluate` shows them.
pub fn print(s: &TypefaceScores) {
    let pct = |a: usize, n: usize| a as f64 * 100.0 / n.max(1) as f64;
    let d = &s.digits;
    println!(
        "handwriting typefaces, {} held-out fonts: digits {}/{} = {:.1}% read right (turned away {})",
        s.fonts.len(),
        d.read_right,
        d.total,
        pct(d.read_right, d.total),
        d.turned_away
    );
    println!(
        "  per digit: {}",
        (0..10)
            .map(|k| format!("{k}: {:.0}%", d.per_class_read_right[k] * 100.0))
            .collect::<Vec<_>>()
            .join("  ")
    );
    let misses: Vec<String> = d
        .confusion
        .iter()
        .enumerate()
        .flat_map(|(l, row)| {
            row.iter()
                .enumerate()
                .filter(move |&(a, &n)| a != l && n > 0)
                .map(move |(a, &n)| {
                    let answer = if a == 10 {
                        "X".to_owned()
                    } else {
                        a.to_string()
                    };
                    format!("{l}>{answer} x{n}")
                })
        })
        .collect();
    println!(
        "  misses (label>answer, X: not a digit): {}",
        misses.join("  ")
    );
    println!(
        "  per font, worst first: {}",
        s.fonts
            .iter()
            .take(8)
            .map(|(f, r, n)| format!("{f} {r}/{n}"))
            .collect::<Vec<_>>()
            .join("  ")
    );
    println!(
        "typeface letters (not digit-shaped), held-out fonts: {}/{} = {:.1}% answered \"not a digit\"",
        s.letters_turned_away,
        s.letters_total,
        pct(s.letters_turned_away, s.letters_total)
    );
    println!(
        "  per letter, worst first: {}",
        s.letters
            .iter()
            .take(12)
            .map(|(c, a, n)| format!("{c} {a}/{n}"))
            .collect::<Vec<_>>()
            .join("  ")
    );
    numbers::print(
        "whole numbers in the held-out typefaces (one font a number)",
        &s.numbers,
    );
}
