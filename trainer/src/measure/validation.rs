//! A validation set of digit styles, to tune the training's style edits (`restyle`) against,
//! so that the held-out styles (`styles`) never have to be looked at to choose.
//!
//! Its generator is a third one: each drawing is built from random structural proportions
//! (how long and how low a 1's flag is, whether it has a foot, how small an 8's top loop is,
//! whether a 7 is crossed), not from templates (`styles`) or traced MNIST digits (training).
//! It has styles that the held-out set has and plain ones it has not (a plain 1, a plain 7,
//! a 0), so that teaching one style cannot quietly cost its neighbour.

use std::f32::consts::{FRAC_PI_2, PI, TAU};

use digits::preprocess::{Point, Strokes};
use rand_mt::Mt;

use crate::draw::trace::{BRUSH, CANVAS};
use crate::measure::styles::{Drawing, StyleScore, arc, images, scores};

/// Its own seed, not the held-out set's.
pub const SEED: u32 = 7_070_707;
/// Drawings per style.
pub const PER_STYLE: usize = 200;

/// A style's label, name, and builder of one drawing in a unit box (x right, y down) from
/// random draws.
type Builder = fn(&mut Rng) -> Vec<Vec<Point>>;

pub const STYLES: &[(u8, &str, Builder)] = &[
    (
        1,
        "1 with a flag, short to long, and maybe a foot",
        one_flagged,
    ),
    (1, "1 as a plain stroke", one_plain),
    (7, "7, plain or crossed", seven),
    (8, "8 with a smaller top loop", eight_small_top),
    (8, "8 as a 6 and a stroke", eight_six_and_stroke),
    (0, "0 as an oval", zero),
    (9, "9 with a straight or hooked tail", nine),
];

pub struct Rng(Mt);

impl Rng {
    fn u(&mut self, lo: f32, hi: f32) -> f32 {
        lo + (hi - lo) * (self.0.next_u32() as f32 / 4_294_967_296.0)
    }

    fn chance(&mut self, p: f32) -> bool {
        self.u(0.0, 1.0) < p
    }
}

fn one_flagged(r: &mut Rng) -> Vec<Vec<Point>> {
    // The stem from (0, 0) to (0, 1); the flag rises to its top from the lower left.
    let (len, angle) = (r.u(0.15, 0.7), r.u(15.0, 60.0).to_radians());
    let mut strokes = vec![vec![
        [-len * angle.cos(), len * angle.sin()],
        [0.0, 0.0],
        [0.0, 1.0],
    ]];
    if r.chance(0.5) {
        let (left, right) = (r.u(0.1, 0.3), r.u(0.1, 0.3));
        strokes.push(vec![[-left, 1.0], [right, 1.0]]);
    }
    strokes
}

fn one_plain(r: &mut Rng) -> Vec<Vec<Point>> {
    let lean = r.u(-0.05, 0.05);
    vec![vec![[lean, 0.0], [-lean, 1.0]]]
}

fn seven(r: &mut Rng) -> Vec<Vec<Point>> {
    let (bar, foot) = (r.u(0.45, 0.8), r.u(-0.05, 0.25));
    let corner = [bar, 0.0];
    let end = [foot, 1.0];
    let mut strokes = vec![vec![[0.0, r.u(-0.03, 0.08)], corner, end]];
    if r.chance(0.5) {
        // A crossbar through the stem, about halfway down.
        let t = r.u(0.4, 0.6);
        let x = corner[0] + (end[0] - corner[0]) * t;
        let half = r.u(0.12, 0.25);
        strokes.push(vec![[x - half, t], [x + half, t]]);
    }
    strokes
}

fn eight_small_top(r: &mut Rng) -> Vec<Vec<Point>> {
    // Two loops touching at the waist; the top one 35-80% of the bottom one's size.
    let waist = r.u(0.3, 0.45);
    let bottom_r = [r.u(0.25, 0.4), (1.0 - waist) / 2.0];
    let top_r = [bottom_r[0] * r.u(0.35, 0.8), waist / 2.0];
    let top_c = [r.u(-0.05, 0.05), waist / 2.0];
    let bottom_c = [0.0, waist + bottom_r[1]];
    // One stroke: around the top loop, then around the bottom one, as many write it.
    let top = arc(top_c, top_r, FRAC_PI_2, FRAC_PI_2 + TAU);
    let bottom = arc(bottom_c, bottom_r, -FRAC_PI_2, -FRAC_PI_2 - TAU);
    vec![top.into_iter().chain(bottom).collect()]
}

fn eight_six_and_stroke(r: &mut Rng) -> Vec<Vec<Point>> {
    // A 6 (down the left into a bottom loop), then a stroke from the loop's top back up to
    // where the 6 began, closing a top loop.
    let waist = r.u(0.35, 0.5);
    let loop_r = [r.u(0.22, 0.35), (1.0 - waist) / 2.0];
    let c = [0.0, waist + loop_r[1]];
    let start = [r.u(0.05, 0.25), 0.0];
    let mut six = vec![start, [-loop_r[0] * r.u(0.6, 1.0), waist * 0.5]];
    six.extend(arc(c, loop_r, PI, -PI));
    let bulge = r.u(0.1, 0.3);
    let stroke = vec![[0.0, waist], [start[0] + bulge, waist * 0.5], start];
    vec![six, stroke]
}

fn zero(r: &mut Rng) -> Vec<Vec<Point>> {
    let start = r.u(-FRAC_PI_2 - 0.3, -FRAC_PI_2 + 0.3);
    vec![arc(
        [0.0, 0.5],
        [r.u(0.25, 0.42), 0.5],
        start,
        start - TAU - r.u(0.0, 0.3),
    )]
}

fn nine(r: &mut Rng) -> Vec<Vec<Point>> {
    let head_r = [r.u(0.2, 0.35), r.u(0.17, 0.25)];
    let head_c = [0.0, head_r[1]];
    let mut stroke = arc(head_c, head_r, 0.0, -TAU);
    let top_of_tail = [head_c[0] + head_r[0], head_c[1]];
    let lean = r.u(-0.2, 0.05);
    let end = [top_of_tail[0] + lean, 1.0];
    stroke.push(end);
    if r.chance(0.5) {
        // A hook back to the left under the tail.
        let rad = r.u(0.08, 0.16);
        stroke.extend(
            arc(
                [end[0] - rad, end[1] - rad * 0.3],
                [rad, rad],
                0.3,
                PI + 0.5,
            )
            .into_iter()
            .skip(1),
        );
    }
    vec![stroke]
}

/// Every drawing of the set, always the same ones: each style's shape scaled to a random
/// height, slanted, rotated a little and placed whole on the pad.
pub fn drawings() -> Vec<Drawing> {
    let mut r = Rng(Mt::new(SEED));
    let mut out = Vec::with_capacity(STYLES.len() * PER_STYLE);
    for (s, &(label, _, build)) in STYLES.iter().enumerate() {
        for _ in 0..PER_STYLE {
            let shape = build(&mut r);
            let (slant, angle) = (r.u(-0.25, 0.25), r.u(-6.0f32, 6.0).to_radians());
            let (sin, cos) = angle.sin_cos();
            let moved: Vec<Vec<Point>> = shape
                .iter()
                .map(|st| {
                    st.iter()
                        .map(|&[x, y]| {
                            let x = x + slant * (0.5 - y);
                            [cos * x - sin * y, sin * x + cos * y]
                        })
                        .collect()
                })
                .collect();
            let pts = moved.iter().flatten();
            let (x0, x1) = pts
                .clone()
                .fold((f32::MAX, f32::MIN), |(a, b), p| (a.min(p[0]), b.max(p[0])));
            let (y0, y1) = pts.fold((f32::MAX, f32::MIN), |(a, b), p| (a.min(p[1]), b.max(p[1])));
            let margin = 0.08 * CANVAS;
            let room = CANVAS - 2.0 * margin;
            let scale = (r.u(0.4, 0.85) * CANVAS / (y1 - y0)).min(room / (x1 - x0).max(1e-3));
            let (w, h) = ((x1 - x0) * scale, (y1 - y0) * scale);
            let (ox, oy) = (
                r.u(margin, CANVAS - margin - w),
                r.u(margin, CANVAS - margin - h),
            );
            let strokes: Vec<Vec<Point>> = moved
                .iter()
                .map(|st| {
                    st.iter()
                        .map(|&[x, y]| [ox + (x - x0) * scale, oy + (y - y0) * scale])
                        .collect()
                })
                .collect();
            out.push(Drawing {
                style: s,
                label,
                strokes: Strokes::from_points(&strokes, BRUSH),
            });
        }
    }
    out
}

/// Per-style scores of `model` on the validation set.
pub fn evaluate(model: &digits::model::Mlp, device: &burn::prelude::Device) -> Vec<StyleScore> {
    let set = images(&drawings());
    let eval = crate::learn::evaluate::evaluate(model, &set, device);
    scores(
        STYLES.iter().map(|&(label, name, _)| (label, name)),
        PER_STYLE,
        &eval,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_set_is_fixed_and_every_drawing_is_whole_on_the_pad() {
        let (a, b) = (drawings(), drawings());
        assert_eq!(a.len(), STYLES.len() * PER_STYLE);
        assert!(a.iter().zip(&b).all(|(x, y)| x.strokes == y.strokes));
        for d in &a {
            assert!(
                d.strokes.xy.iter().all(|v| (0.0..=CANVAS).contains(v)),
                "{:?}",
                d.style
            );
        }
    }
}
