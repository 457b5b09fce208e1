//! Held-out digit styles that MNIST lacks or rarely has (a 1 with a flag and a foot, a crossed
//! 7, an open 4, a hooked 9, ...), drawn as pen strokes from hand-made templates and fed through
//! the page's own preprocessing, with the page's brush.
//!
//! This is a different generator from anything used in training (which redraws traced MNIST
//! digits), and its seed is fixed: the set only measures, it is never trained on and never used
//! to pick a model, so its figures stay an honest estimate for writers outside MNIST.

use std::f32::consts::{FRAC_PI_2, PI, TAU};

use digits::model::INPUT_SIZE;
use digits::preprocess::{Point, Strokes, to_mnist};
use rand_mt::Mt;
use serde::{Deserialize, Serialize};

use crate::draw::trace::{BRUSH, CANVAS, resample};
use crate::learn::evaluate::{Evaluation, evaluate as evaluate_set};
use digits::pixels::byte;

/// The set's seed: fixed, so that every model is measured on the same drawings.
pub const SEED: u32 = 20_261_129;
/// Drawings per style.
pub const PER_STYLE: usize = 100;

/// One style: its digit, a name, and strokes in a unit box (x right, y down).
pub struct Style {
    pub label: u8,
    pub name: &'static str,
    /// Variants of the style; each drawing picks one. Points may be nudged by the generator.
    variants: &'static [fn() -> Vec<Vec<Point>>],
}

/// Every held-out style, in the order the cards and the README list them.
pub const STYLES: &[Style] = &[
    Style {
        label: 1,
        name: "1 with a flag and a foot",
        variants: &[one_flag_foot, one_flag_only],
    },
    Style {
        label: 7,
        name: "7 with a crossbar",
        variants: &[seven_crossed, seven_crossed_serif],
    },
    Style {
        label: 4,
        name: "4 drawn open or in one stroke",
        variants: &[four_open, four_one_stroke, four_long_tail],
    },
    Style {
        label: 9,
        name: "9 with a hooked tail",
        variants: &[nine_hooked],
    },
    Style {
        label: 8,
        name: "8 with a small top loop, or a 6 and a stroke",
        variants: &[eight_small_top, eight_six_and_stroke],
    },
    Style {
        label: 2,
        name: "2 with a loop",
        variants: &[two_looped],
    },
    Style {
        label: 6,
        name: "6 drawn open",
        variants: &[six_open],
    },
    Style {
        label: 0,
        name: "0 drawn open",
        variants: &[zero_open],
    },
    Style {
        label: 3,
        name: "3 with a flat top",
        variants: &[three_flat_top],
    },
    Style {
        label: 5,
        name: "5 in one stroke",
        variants: &[five_one_stroke],
    },
];

/// Points on an ellipse from angle `a0` to `a1` (radians, y down: PI/2 points down).
pub(crate) fn arc(c: Point, r: Point, a0: f32, a1: f32) -> Vec<Point> {
    let n = ((a1 - a0).abs() / 0.15).ceil().max(2.0) as usize;
    (0..=n)
        .map(|k| {
            let a = a0 + (a1 - a0) * k as f32 / n as f32;
            [c[0] + r[0] * a.cos(), c[1] + r[1] * a.sin()]
        })
        .collect()
}

fn join(parts: &[Vec<Point>]) -> Vec<Point> {
    parts.iter().flatten().copied().collect()
}

fn one_flag_foot() -> Vec<Vec<Point>> {
    vec![
        vec![[0.25, 0.3], [0.55, 0.02], [0.55, 0.98]],
        vec![[0.25, 0.98], [0.85, 0.98]],
    ]
}

fn one_flag_only() -> Vec<Vec<Point>> {
    vec![vec![[0.2, 0.35], [0.6, 0.02], [0.6, 0.98]]]
}

fn seven_crossed() -> Vec<Vec<Point>> {
    vec![
        vec![[0.1, 0.05], [0.9, 0.05], [0.35, 0.98]],
        vec![[0.3, 0.5], [0.8, 0.5]],
    ]
}

fn seven_crossed_serif() -> Vec<Vec<Point>> {
    vec![
        vec![[0.1, 0.2], [0.12, 0.05], [0.9, 0.05], [0.45, 0.98]],
        vec![[0.35, 0.55], [0.85, 0.5]],
    ]
}

fn four_open() -> Vec<Vec<Point>> {
    vec![
        vec![[0.25, 0.02], [0.18, 0.58], [0.9, 0.58]],
        vec![[0.7, 0.05], [0.7, 0.98]],
    ]
}

fn four_one_stroke() -> Vec<Vec<Point>> {
    vec![vec![
        [0.25, 0.02],
        [0.15, 0.6],
        [0.75, 0.6],
        [0.72, 0.05],
        [0.7, 0.98],
    ]]
}

fn four_long_tail() -> Vec<Vec<Point>> {
    vec![
        vec![[0.6, 0.0], [0.1, 0.5], [0.9, 0.5]],
        vec![[0.62, 0.2], [0.6, 1.0], [0.5, 1.1]],
    ]
}

fn nine_hooked() -> Vec<Vec<Point>> {
    let c = [0.5, 0.27];
    let r = [0.27, 0.24];
    vec![join(&[
        arc(c, r, 0.0, -TAU),
        vec![[0.77, 0.45], [0.72, 0.8], [0.6, 0.97]],
        arc([0.45, 0.85], [0.16, 0.12], FRAC_PI_2 - 0.3, PI + 0.5),
    ])]
}

fn eight_small_top() -> Vec<Vec<Point>> {
    // Down the right of the small top loop, across into the big bottom loop, back up.
    let top = arc([0.5, 0.17], [0.17, 0.15], -FRAC_PI_2, -FRAC_PI_2 - TAU);
    let bottom = arc([0.5, 0.65], [0.33, 0.32], -FRAC_PI_2, -FRAC_PI_2 + TAU);
    vec![join(&[top, bottom])]
}

fn eight_six_and_stroke() -> Vec<Vec<Point>> {
    let six = join(&[
        vec![[0.7, 0.02], [0.35, 0.35]],
        arc([0.5, 0.68], [0.3, 0.3], PI + 0.3, PI + 0.3 + TAU),
    ]);
    vec![
        six,
        vec![[0.35, 0.35], [0.55, 0.05], [0.7, 0.1], [0.62, 0.35]],
    ]
}

fn two_looped() -> Vec<Vec<Point>> {
    vec![join(&[
        arc([0.5, 0.28], [0.3, 0.26], PI + 0.4, TAU + 0.3),
        vec![[0.6, 0.6], [0.25, 0.9]],
        arc([0.3, 0.85], [0.12, 0.1], 0.0, -TAU + 0.6),
        vec![[0.45, 0.95], [0.92, 0.95]],
    ])]
}

fn six_open() -> Vec<Vec<Point>> {
    // Down the left into the loop: bottom, right, and up over it without closing on the stem.
    vec![join(&[
        vec![[0.75, 0.03], [0.3, 0.35]],
        arc([0.5, 0.7], [0.3, 0.27], PI + 0.35, -FRAC_PI_2 + 0.2),
    ])]
}

fn zero_open() -> Vec<Vec<Point>> {
    vec![arc(
        [0.5, 0.5],
        [0.33, 0.48],
        -FRAC_PI_2 + 0.5,
        -FRAC_PI_2 - 1.7 * PI,
    )]
}

fn three_flat_top() -> Vec<Vec<Point>> {
    vec![join(&[
        vec![[0.15, 0.05], [0.85, 0.05], [0.42, 0.42]],
        arc([0.5, 0.68], [0.33, 0.28], -FRAC_PI_2 - 0.2, 0.75 * PI),
    ])]
}

fn five_one_stroke() -> Vec<Vec<Point>> {
    vec![join(&[
        vec![[0.85, 0.04], [0.3, 0.04], [0.25, 0.45]],
        arc([0.5, 0.67], [0.32, 0.28], -0.75 * PI, 0.8 * PI),
    ])]
}

/// One drawing: the set's `index`-th of `style`, as the pad would record it.
pub struct Drawing {
    pub style: usize,
    pub label: u8,
    pub strokes: Strokes,
}

/// A person's hand: size, proportions, slant and position on the pad, wobble, and how far
/// apart the pointer samples land.
struct Hand {
    rng: Mt,
}

impl Hand {
    fn uniform(&mut self, lo: f32, hi: f32) -> f32 {
        lo + (hi - lo) * (self.rng.next_u32() as f32 / 4_294_967_296.0)
    }

    fn draw(&mut self, template: Vec<Vec<Point>>) -> Vec<Vec<Point>> {
        let height = self.uniform(0.35, 0.85) * CANVAS;
        let width = height * self.uniform(0.5, 0.85);
        let slant = self.uniform(-0.35, 0.15); // x moves right as y goes up for positive slant
        let angle = self.uniform(-8f32, 8.0).to_radians();
        let (sin, cos) = angle.sin_cos();
        let margin = 0.1 * CANVAS;
        let ox = self.uniform(margin, (CANVAS - width - margin).max(margin + 1.0));
        let oy = self.uniform(margin, (CANVAS - height - margin).max(margin + 1.0));
        let spacing = self.uniform(2.0, 9.0);
        let wobble = 0.02 * height;
        template
            .into_iter()
            .map(|stroke| {
                // Each corner of the template lands a little off, as no two hands agree.
                let nudged: Vec<Point> = stroke
                    .into_iter()
                    .map(|[x, y]| {
                        [
                            x + self.uniform(-0.035, 0.035),
                            y + self.uniform(-0.035, 0.035),
                        ]
                    })
                    .collect();
                let (f, p) = (self.uniform(2.0, 5.0), self.uniform(0.0, TAU));
                resample(&nudged, spacing / height)
                    .into_iter()
                    .enumerate()
                    .map(|(k, [x, y])| {
                        let w = wobble * (f * k as f32 * spacing / height + p).sin();
                        let (u, v) = ((x - 0.5 + slant * (0.5 - y)) * width, (y - 0.5) * height);
                        [
                            ox + width / 2.0 + cos * u - sin * v + w,
                            oy + height / 2.0 + sin * u + cos * v + w,
                        ]
                    })
                    .collect()
            })
            .collect()
    }
}

/// The whole held-out set: [`PER_STYLE`] drawings of every style, always the same ones.
pub fn drawings() -> Vec<Drawing> {
    let mut hand = Hand { rng: Mt::new(SEED) };
    let mut out = Vec::with_capacity(STYLES.len() * PER_STYLE);
    for (s, style) in STYLES.iter().enumerate() {
        for _ in 0..PER_STYLE {
            let pick = hand.rng.next_u32() as usize % style.variants.len();
            let strokes = hand.draw((style.variants[pick])());
            out.push(Drawing {
                style: s,
                label: style.label,
                strokes: Strokes::from_points(&strokes, BRUSH),
            });
        }
    }
    out
}

/// The 28x28 images (bytes) and labels of the held-out set, through the page's preprocessing.
pub fn dataset() -> crate::sets::mnist::Dataset {
    images(&drawings())
}

/// Drawings as 28x28 images (bytes) and labels, through the page's preprocessing.
pub fn images(drawings: &[Drawing]) -> crate::sets::mnist::Dataset {
    let mut pixels = Vec::with_capacity(drawings.len() * INPUT_SIZE);
    for d in drawings {
        let img = to_mnist(&d.strokes)
            .ok()
            .flatten()
            .unwrap_or([0.0; INPUT_SIZE]);
        pixels.extend(img.iter().map(|&v| byte(v)));
    }
    crate::sets::mnist::Dataset::from_pixels(pixels, drawings.iter().map(|d| d.label).collect())
}

/// Per-style scores from the predictions of a set made of `per_style` drawings of each of
/// `styles` (label, name), in that order.
pub fn scores<'a>(
    styles: impl Iterator<Item = (u8, &'a str)>,
    per_style: usize,
    eval: &Evaluation,
) -> Vec<StyleScore> {
    let mut scores: Vec<StyleScore> = styles
        .map(|(label, name)| StyleScore {
            style: name.to_owned(),
            label,
            correct: 0,
            total: 0,
            answers: [0; 10],
        })
        .collect();
    for (i, &pred) in eval.predictions.iter().enumerate() {
        let score = &mut scores[i / per_style];
        score.total += 1;
        score.answers[pred as usize] += 1;
        if pred == score.label {
            score.correct += 1;
        }
    }
    scores
}

/// A model's score on one style.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StyleScore {
    pub style: String,
    pub label: u8,
    pub correct: usize,
    pub total: usize,
    /// What the misses were read as: `counts[d]` drawings answered `d`.
    pub answers: [u32; 10],
}

/// Per-style scores of `model` on the held-out set.
pub fn evaluate(
    model: &digits::model::Mlp,
    device: &burn::prelude::Device,
) -> (Evaluation, Vec<StyleScore>) {
    let eval = evaluate_set(model, &dataset(), device);
    let scores = scores(STYLES.iter().map(|s| (s.label, s.name)), PER_STYLE, &eval);
    (eval, scores)
}

/// The held-out set as a contact sheet (binary PGM, one row per style), to look at.
pub fn contact_sheet() -> Vec<u8> {
    let set = dataset();
    let (cols, rows) = (PER_STYLE.min(20), STYLES.len());
    let (w, h) = (cols * 28, rows * 28);
    let mut out = format!("P5\n{w} {h}\n255\n").into_bytes();
    let mut img = vec![0u8; w * h];
    for r in 0..rows {
        for c in 0..cols {
            let src = set.images.image(r * PER_STYLE + c);
            for y in 0..28 {
                let row = (r * 28 + y) * w + c * 28;
                img[row..row + 28].copy_from_slice(&src[y * 28..y * 28 + 28]);
            }
        }
    }
    out.extend(img);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_set_is_fixed_and_every_drawing_has_ink() {
        let a = drawings();
        assert_eq!(a.len(), STYLES.len() * PER_STYLE);
        let b = drawings();
        assert!(a.iter().zip(&b).all(|(x, y)| x.strokes == y.strokes));
        let set = dataset();
        for i in 0..set.len() {
            let ink: u32 = set.images.image(i).iter().map(|&p| p as u32).sum();
            assert!(ink > 255 * 20, "drawing {i} is nearly blank");
        }
    }

    #[test]
    fn every_style_fits_the_pad() {
        for d in drawings() {
            for p in d.strokes.xy.chunks_exact(2) {
                assert!(
                    p.iter().all(|v| (-10.0..CANVAS + 10.0).contains(v)),
                    "{p:?}"
                );
            }
        }
    }
}
