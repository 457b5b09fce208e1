//! Whole numbers as a person writes them on the pad (issue #21), to measure reading a number
//! from its strokes: digits placed left to right with random gaps, sizes, baselines and slants,
//! then read the page's way (`digits::joined::plan`, one batch through the model, the cuts of
//! the wide parts it is unsure of in a second, then `Plan::choose`).
//!
//! Every digit is one the models never trained on: a test-split MNIST digit traced into pen
//! strokes (`trace.rs`, as the drawn-digit figure uses them) or, for one in [`STYLED`], a
//! drawing of the held-out style set (two-stroke 4s, crossed 7s, 1s with a foot, ...). A number
//! counts as read only when it splits into exactly its digits and each is read right.
//!
//! Joined writing: the same numbers with one pair of neighbours written in one go, the pen
//! running on from the right end of one digit into the left end of the next.

use std::collections::BTreeMap;
use std::ops::RangeInclusive;

use burn::prelude::*;
use digits::classifier::{Answer, top};
use digits::joined::{Plan, plan};
use digits::model::{INPUT_SIZE, Mlp, NUM_CLASSES};
use digits::pixels::byte;
use digits::preprocess::{Point, Strokes, bounds};
use rand_mt::Mt;

use crate::draw::pen::PLAIN_STEP;
use crate::draw::trace::{BRUSH, CANVAS, resample, strokes_of};
use crate::measure::rejection::probabilities;
use crate::measure::styles::Drawing;
use crate::sets::Glyph;
use crate::sets::mnist::Dataset;

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
    make(test, styled, false)
}

/// The same numbers as [`numbers`], with one pair of neighbours (at random) joined by the pen.
pub fn joined_numbers(test: &Dataset, styled: &[Drawing]) -> Vec<Number> {
    make(test, styled, true)
}

fn make(test: &Dataset, styled: &[Drawing], joined: bool) -> Vec<Number> {
    let mut rng = Mt::new(SEED);
    // Its own generator, so that joining changes nothing else of a number.
    let mut joins = Mt::new(SEED + 1);
    let mut out = Vec::with_capacity(PER_LENGTH * LENGTHS.count());
    for length in LENGTHS {
        for _ in 0..PER_LENGTH {
            let number = write(
                &mut rng,
                &mut joins,
                length,
                joined,
                (-0.25, 0.2),
                None,
                |rng| {
                    if rng.next_u32().is_multiple_of(STYLED) && !styled.is_empty() {
                        let d = &styled[rng.next_u32() as usize % styled.len()];
                        Some((d.label, d.strokes.clone()))
                    } else if !test.is_empty() {
                        let i = rng.next_u32() as usize % test.len();
                        Some((test.labels[i], strokes_of(test.images.image(i))))
                    } else {
                        None
                    }
                },
            );
            out.push(number);
        }
    }
    out
}

/// [`PER_LENGTH`] numbers of each of [`LENGTHS`], each written by one real writer of `glyphs`
/// with that writer's own digits, placed as [`numbers`] places them but without a slant of
/// their own (a real writer brings theirs); always the same ones for the same glyphs.
pub fn writer_numbers(glyphs: &[Glyph]) -> Vec<Number> {
    let mut by_writer: BTreeMap<&str, Vec<&Glyph>> = BTreeMap::new();
    for g in glyphs.iter().filter(|g| g.digit().is_some()) {
        by_writer.entry(g.writer.as_str()).or_default().push(g);
    }
    let writers: Vec<Vec<&Glyph>> = by_writer.into_values().collect();
    let mut rng = Mt::new(SEED + 2);
    let mut joins = Mt::new(SEED + 3);
    let mut out = Vec::with_capacity(PER_LENGTH * LENGTHS.count());
    if writers.is_empty() {
        return out;
    }
    for length in LENGTHS {
        for _ in 0..PER_LENGTH {
            let own = &writers[rng.next_u32() as usize % writers.len()];
            let number = write(
                &mut rng,
                &mut joins,
                length,
                false,
                (0.0, 0.0),
                Some(PLAIN_STEP),
                |rng| {
                    let g = own[rng.next_u32() as usize % own.len()];
                    let paths: Vec<Vec<Point>> = g
                        .strokes
                        .iter()
                        .filter(|s| !s.is_empty())
                        .cloned()
                        .collect();
                    Some((g.digit()?, Strokes::from_points(&paths, BRUSH)))
                },
            );
            out.push(number);
        }
    }
    out
}

/// One number of `length` digits from `pick` (a digit and its strokes, in any units), placed
/// left to right as one hand writes: one height and a slant in `slant` for the number, each
/// digit a little larger or smaller, higher or lower, more or less slanted, and a random gap.
fn write(
    rng: &mut Mt,
    joins: &mut Mt,
    length: usize,
    joined: bool,
    slant: (f32, f32),
    step: Option<f32>,
    mut pick: impl FnMut(&mut Mt) -> Option<(u8, Strokes)>,
) -> Number {
    // One writer for the whole number: a height and a slant.
    let height = uniform(rng, 0.3, 0.6) * CANVAS;
    let slant = uniform(rng, slant.0, slant.1);
    let mut x = 0.0f32;
    let mut digits = Vec::with_capacity(length);
    let mut paths: Vec<Vec<Point>> = Vec::new();
    // Which digit the pen runs on into from the one before it.
    let join = 1 + joins.next_u32() as usize % (length - 1);
    for _ in 0..length {
        let Some((label, strokes)) = pick(rng) else {
            continue;
        };
        let Some(b) = bounds(&strokes.xy) else {
            continue;
        };
        // Each digit a little larger or smaller, higher or lower, more or less slanted
        // than its neighbours.
        let k = height * uniform(rng, 0.85, 1.15) / (b[3] - b[1]).max(1.0);
        let lean = slant + uniform(rng, -0.05, 0.05);
        let base = uniform(rng, -0.08, 0.08) * height;
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
            BRUSH + uniform(rng, GAP.0, GAP.1) * height
        };
        let placed: Vec<Vec<Point>> = placed
            .into_iter()
            .map(|s| {
                s.into_iter()
                    .map(|[u, v]| [x + gap + u - left, v + CANVAS])
                    .collect::<Vec<Point>>()
            })
            .map(|s| match step {
                Some(step) => resample(&s, step),
                None => s,
            })
            .collect();
        if joined && digits.len() == join {
            join_on(&mut paths, placed);
        } else {
            paths.extend(placed);
        }
        x += gap + right - left;
        digits.push(label);
    }
    Number {
        digits,
        strokes: Strokes::from_points(&paths, BRUSH),
    }
}

/// Writes `next` on from `written` without lifting the pen: the stroke of `written` that ends
/// furthest right runs on (a straight ligature) into the stroke of `next` that starts furthest
/// left, each turned round where its other end is the one that fits.
fn join_on(written: &mut Vec<Vec<Point>>, mut next: Vec<Vec<Point>>) {
    let ends = |s: &Vec<Point>| [s[0], s[s.len() - 1]];
    let most = |strokes: &[Vec<Point>], key: fn(f32) -> f32| {
        strokes
            .iter()
            .enumerate()
            .filter(|(_, s)| !s.is_empty())
            .flat_map(|(i, s)| ends(s).into_iter().enumerate().map(move |(e, p)| (i, e, p)))
            .max_by(|a, b| key(a.2[0]).total_cmp(&key(b.2[0])))
    };
    let (Some((i, e, _)), Some((j, f, _))) = (most(written, |x| x), most(&next, |x| -x)) else {
        written.extend(next);
        return;
    };
    let mut from = written.remove(i);
    if e == 0 {
        from.reverse();
    }
    let mut into = next.remove(j);
    if f == 1 {
        into.reverse();
    }
    from.extend(
        resample(&[from[from.len() - 1], into[0]], BRUSH / 2.0)
            .into_iter()
            .skip(1),
    );
    from.extend(into.into_iter().skip(1));
    written.push(from);
    written.extend(next);
}

/// The answers for `images`, all in one set, as the page gets them.
fn answers(model: &Mlp, images: &[&[[f32; INPUT_SIZE]]], device: &Device) -> Vec<Answer> {
    let pixels: Vec<u8> = images
        .iter()
        .flat_map(|i| i.iter().flatten())
        .map(|&v| byte(v))
        .collect();
    let found = pixels.len() / INPUT_SIZE;
    let set = Dataset::from_pixels(pixels, vec![0; found]);
    probabilities(model, &set, device)
        .iter()
        .map(|p| answer(p))
        .collect()
}

/// Splits `all` into runs of `lengths`.
fn runs<T>(mut all: &[T], lengths: impl IntoIterator<Item = usize>) -> Vec<&[T]> {
    lengths
        .into_iter()
        .map(|n| {
            let (run, rest) = all.split_at(n);
            all = rest;
            run
        })
        .collect()
}

/// An answer as the page gets it, from a row of softmax probabilities over all outputs.
fn answer(p: &[f32]) -> Answer {
    let sum: f32 = p[..NUM_CLASSES].iter().sum();
    Answer {
        digits: std::array::from_fn(|i| p[i] / sum.max(f32::MIN_POSITIVE)),
        not_a_digit: p.get(NUM_CLASSES).copied().unwrap_or(0.0),
    }
}

/// What the page reads for each drawing: every drawing's parts in one batch, the cuts of the
/// wide parts read unsurely in a second; the chosen images' answers, left to right.
pub fn read_all(model: &Mlp, drawings: &[&Strokes], device: &Device) -> Vec<Vec<Answer>> {
    let mut plans: Vec<Plan> = drawings
        .iter()
        .map(|s| plan(s).unwrap_or_default())
        .collect();
    // Every drawing's parts in one batch, then the cuts of the wide parts read unsurely.
    let parts: Vec<&[[f32; INPUT_SIZE]]> = plans.iter().map(Plan::images).collect();
    let first = answers(model, &parts, device);
    let mut read: Vec<Vec<Answer>> = runs(&first, plans.iter().map(|p| p.images().len()))
        .into_iter()
        .map(<[Answer]>::to_vec)
        .collect();
    let added: Vec<usize> = plans
        .iter_mut()
        .zip(&read)
        .map(|(p, own)| p.cut_unsure(own).unwrap_or(0))
        .collect();
    let halves: Vec<&[[f32; INPUT_SIZE]]> = plans
        .iter()
        .zip(&added)
        .map(|(p, &n)| &p.images()[p.images().len() - n..])
        .collect();
    let second = answers(model, &halves, device);
    for (own, more) in read.iter_mut().zip(runs(&second, added)) {
        own.extend_from_slice(more);
    }
    plans
        .iter()
        .zip(&read)
        .map(|(p, own)| p.choose(own).into_iter().map(|i| own[i]).collect())
        .collect()
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
    let drawings: Vec<&Strokes> = numbers.iter().map(|n| &n.strokes).collect();
    let read = read_all(model, &drawings, device);
    let mut scores: Vec<LengthScore> = LENGTHS
        .map(|length| LengthScore {
            length,
            total: 0,
            exact: 0,
            missplit: 0,
            turned_away: 0,
        })
        .collect();
    for (n, answers) in numbers.iter().zip(&read) {
        let Some(score) = scores.iter_mut().find(|s| s.length == n.digits.len()) else {
            continue;
        };
        score.total += 1;
        let turned = |a: &Answer| not_digit_above.is_some_and(|t| a.not_a_digit > t);
        let digits: Vec<u8> = answers.iter().map(|a| top(&a.digits).0 as u8).collect();
        if answers.len() != n.digits.len() {
            score.missplit += 1;
        } else if answers.iter().any(turned) {
            score.turned_away += 1;
        } else if digits == n.digits {
            score.exact += 1;
        }
    }
    scores
}

/// How many single digits the page would read as more than one: each drawing of `singles`
/// planned and chosen as a number is.
pub fn singles_split(model: &Mlp, singles: &[&Strokes], device: &Device) -> usize {
    read_all(model, singles, device)
        .iter()
        .filter(|answers| answers.len() > 1)
        .count()
}

/// Whole numbers written on the pad : per length, how many were read exactly and
/// how many split into the wrong number of digits.
pub fn print(title: &str, scores: &[LengthScore]) {
    println!("{title}:");
    for s in scores {
        println!(
            "  {} digits: {}/{} = {:.1}%  (split wrong: {}, a digit answered \"not a digit\": {})",
            s.length,
            s.exact,
            s.total,
            s.exact as f64 * 100.0 / s.total.max(1) as f64,
            s.missplit,
            s.turned_away
        );
    }
}

/// A number in `[lo, hi)`.
fn uniform(rng: &mut Mt, lo: f32, hi: f32) -> f32 {
    lo + (hi - lo) * (rng.next_u32() as f32 / 4_294_967_296.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A glyph of `label` by `writer`: a vertical bar with a tail, sparsely sampled.
    fn glyph(label: char, writer: &str) -> Glyph {
        Glyph {
            label,
            writer: writer.into(),
            source: "test".into(),
            strokes: vec![vec![[0.0, 0.0], [0.0, 100.0], [40.0, 100.0]]],
        }
    }

    #[test]
    fn a_real_writers_number_is_written_with_their_own_digits() {
        // Writer a writes only 1s and 2s, writer b only 7s; a letter is never a digit.
        let glyphs = vec![
            glyph('1', "a"),
            glyph('2', "a"),
            glyph('7', "b"),
            glyph('x', "b"),
        ];
        let numbers = writer_numbers(&glyphs);
        assert_eq!(numbers.len(), PER_LENGTH * LENGTHS.count());
        let mut by = [0, 0];
        for n in &numbers {
            let a = n.digits.iter().all(|&d| d == 1 || d == 2);
            let b = n.digits.iter().all(|&d| d == 7);
            assert!(a != b, "{:?} mixes writers", n.digits);
            by[usize::from(b)] += 1;
            // One stroke a digit, points no further apart than the pad's.
            assert_eq!(n.strokes.ends.len(), n.digits.len());
            let xy = &n.strokes.xy;
            for (p, q) in xy.chunks_exact(2).zip(xy.chunks_exact(2).skip(1)) {
                let d = ((p[0] - q[0]).powi(2) + (p[1] - q[1]).powi(2)).sqrt();
                assert!(d <= PLAIN_STEP + 1e-3 || d > 2.0 * BRUSH, "{d}");
            }
        }
        // Both writers write, and the numbers come out the same each time.
        assert!(by[0] > 1000 && by[1] > 1000, "{by:?}");
        assert_eq!(writer_numbers(&glyphs)[17].strokes, numbers[17].strokes);
        assert!(writer_numbers(&[]).is_empty());
    }
}
