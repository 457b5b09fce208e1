//! Whole numbers as a person writes them on the pad (issue #21), to measure reading a number
//! from its strokes: digits placed left to right with random gaps, sizes, baselines and slants,
//! then read the page's way (`digits::segment::digit_images`, one batch through the model).
//!
//! Every digit is one the models never trained on: a test-split MNIST digit traced into pen
//! strokes (`trace.rs`, as the drawn-digit figure uses them) or, for one in [`STYLED`], a
//! drawing of the held-out style set (two-stroke 4s, crossed 7s, 1s with a foot, ...). A number
//! counts as read only when it splits into exactly its digits and each is read right.

use std::ops::RangeInclusive;

use burn::prelude::*;
use digits::model::{INPUT_SIZE, Mlp};
use digits::pixels::byte;
use digits::preprocess::{Point, Strokes, bounds};
use digits::segment::digit_images;
use rand_mt::Mt;

use crate::evaluate::evaluate;
use crate::mnist::Dataset;
use crate::styles::Drawing;
use crate::trace::{BRUSH, CANVAS, strokes_of};

/// The set's seed: fixed, so that every model is read on the same numbers.
pub const SEED: u32 = 20_261_201;
/// Numbers of each length.
pub const PER_LENGTH: usize = 1000;
/// How many digits a number has.
pub const LENGTHS: RangeInclusive<usize> = 2..=6;
/// One digit in this many is a held-out style drawing rather than a traced test digit.
pub const STYLED: u32 = 5;

/// The space between two digits' ink, as shares of the writing's height: from barely apart to
/// wide.
pub const GAP: (f32, f32) = (0.04, 0.4);

/// A number as the pad would record it, and its digits.
pub struct Number {
    pub digits: Vec<u8>,
    pub strokes: Strokes,
}

/// How well the numbers of one length are read.
#[derive(Debug, Clone, PartialEq)]
pub struct LengthScore {
    pub length: usize,
    pub total: usize,
    /// Read exactly: every digit found and right, and none answered "not a digit".
    pub exact: usize,
    /// Split into more or fewer parts than it has digits.
    pub missplit: usize,
    /// Split right, with a digit the page would show as "not a digit".
    pub turned_away: usize,
}

/// [`PER_LENGTH`] numbers of each of [`LENGTHS`], made from `test` (MNIST test-split digits,
/// as scanned) and `styled` (the held-out style drawings); always the same ones for the same
/// inputs.
pub fn numbers(test: &Dataset, styled: &[Drawing]) -> Vec<Number> {
    let mut rng = Mt::new(SEED);
    let mut out = Vec::with_capacity(PER_LENGTH * LENGTHS.count());
    for length in LENGTHS {
        for _ in 0..PER_LENGTH {
            // One writer for the whole number: a height and a slant.
            let height = uniform(&mut rng, 0.3, 0.6) * CANVAS;
            let slant = uniform(&mut rng, -0.25, 0.2);
            let mut x = 0.0f32;
            let mut digits = Vec::with_capacity(length);
            let mut paths: Vec<Vec<Point>> = Vec::new();
            for _ in 0..length {
                let (label, strokes) =
                    if rng.next_u32().is_multiple_of(STYLED) && !styled.is_empty() {
                        let d = &styled[rng.next_u32() as usize % styled.len()];
                        (d.label, d.strokes.clone())
                    } else if !test.is_empty() {
                        let i = rng.next_u32() as usize % test.len();
                        (test.labels[i], strokes_of(test.images.image(i)))
                    } else {
                        continue;
                    };
                let Some(b) = bounds(&strokes.xy) else {
                    continue;
                };
                // Each digit a little larger or smaller, higher or lower, more or less slanted
                // than its neighbours.
                let k = height * uniform(&mut rng, 0.85, 1.15) / (b[3] - b[1]).max(1.0);
                let lean = slant + uniform(&mut rng, -0.05, 0.05);
                let base = uniform(&mut rng, -0.08, 0.08) * height;
                let placed: Vec<Vec<Point>> = strokes
                    .iter()
                    .map(|s| {
                        s.chunks_exact(2)
                            .map(|p| {
                                let (u, v) = ((p[0] - b[0]) * k, (p[1] - b[3]) * k);
                                [u - lean * v, v + base]
                            })
                            .collect()
                    })
                    .collect();
                let left = placed
                    .iter()
                    .flatten()
                    .map(|p| p[0])
                    .fold(f32::MAX, f32::min);
                let right = placed
                    .iter()
                    .flatten()
                    .map(|p| p[0])
                    .fold(f32::MIN, f32::max);
                // Between the ink of two digits: from a hair to 40% of the writing's height.
                let gap = if digits.is_empty() {
                    0.0
                } else {
                    BRUSH + uniform(&mut rng, GAP.0, GAP.1) * height
                };
                paths.extend(placed.into_iter().map(|s| {
                    s.into_iter()
                        .map(|[u, v]| [x + gap + u - left, v + CANVAS])
                        .collect()
                }));
                x += gap + right - left;
                digits.push(label);
            }
            out.push(Number {
                digits,
                strokes: Strokes::from_points(&paths, BRUSH),
            });
        }
    }
    out
}

/// Every number split as the page splits it: each part's 28x28 image, one after the other, and
/// how many parts each number gave.
fn split(numbers: &[Number]) -> (Dataset, Vec<usize>) {
    let mut pixels = Vec::new();
    let mut parts = Vec::with_capacity(numbers.len());
    for n in numbers {
        let images = digit_images(&n.strokes).unwrap_or_default();
        parts.push(images.len());
        pixels.extend(images.iter().flatten().map(|&v| byte(v)));
    }
    let found = pixels.len() / INPUT_SIZE;
    (Dataset::from_pixels(pixels, vec![0; found]), parts)
}

/// Reads every number as the page does and scores each length; with `not_digit_above` (the
/// card's threshold, of a model with an eleventh output), a digit above it is turned away as
/// the page would show it.
pub fn evaluate_numbers(
    model: &Mlp,
    numbers: &[Number],
    not_digit_above: Option<f32>,
    device: &Device,
) -> Vec<LengthScore> {
    let (parts_set, parts) = split(numbers);
    let found = parts_set.len();
    let read = evaluate(model, &parts_set, device).predictions;
    let turned: Vec<bool> = match not_digit_above {
        Some(t) => crate::rejection::not_digit_probabilities(model, &parts_set, device)
            .map_or(vec![false; found], |p| p.iter().map(|&p| p > t).collect()),
        None => vec![false; found],
    };
    let mut scores: Vec<LengthScore> = LENGTHS
        .map(|length| LengthScore {
            length,
            total: 0,
            exact: 0,
            missplit: 0,
            turned_away: 0,
        })
        .collect();
    let mut at = 0;
    for (n, &count) in numbers.iter().zip(&parts) {
        let answer = &read[at..at + count];
        let any_turned = turned[at..at + count].iter().any(|&t| t);
        at += count;
        let Some(score) = scores.iter_mut().find(|s| s.length == n.digits.len()) else {
            continue;
        };
        score.total += 1;
        if count != n.digits.len() {
            score.missplit += 1;
        } else if any_turned {
            score.turned_away += 1;
        } else if answer == n.digits.as_slice() {
            score.exact += 1;
        }
    }
    scores
}

/// A number in `[lo, hi)`.
fn uniform(rng: &mut Mt, lo: f32, hi: f32) -> f32 {
    lo + (hi - lo) * (rng.next_u32() as f32 / 4_294_967_296.0)
}
