//! Joined writing: a part of a number much wider than it is tall may be two digits written in
//! one go ("23" with the 2's base running on into the 3). Such a part is cut along a few
//! vertical lines, and the best cut is taken only when the classifier is unsure of the whole and
//! much surer of both halves, so that a wide digit stays one. A cut can only replace a whole the
//! classifier is unsure of, so the halves are drawn and read only for those: a wide digit read
//! surely (a flat 0 or 2) costs one image, not nineteen.
//!
//! The rule's numbers were chosen on numbers made of training-split digits (`trainer/examples/
//! joined_rule.rs`), not on the held-out ones `trainer evaluate` reports: looser rules read a few
//! more joined pairs but cut single digits and misread numbers written apart.
//!
//! [`plan`] gives each part's image to classify, [`Plan::cut_unsure`] the halves of the cuts
//! worth reading once those are read, [`Plan::choose`] the digits once everything is read.

use crate::classifier::Answer;
use crate::model::INPUT_SIZE;
use crate::preprocess::{Point, StrokeError, Strokes, bounds, to_mnist};
use crate::segment::segment;

/// A part wider than this many times its height is tried as two digits: two digits side by
/// side are at least about as wide as tall, a single one rarely is (a wide 0 or 2, which the
/// classifier then keeps whole).
pub const WIDE: f32 = 1.0;

/// Where a wide part is cut, as shares of its width from the left.
const CUTS: [f32; 9] = [0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7];

/// A cut is considered only for a whole read less surely than this ([`sureness`]) ...
const UNSURE: f32 = 0.3;
/// ... and taken only when both its halves together are surer by this much.
const MARGIN: f32 = 0.3;

/// Whether a cut whose halves together are `halves` sure is taken over a whole `whole` sure.
fn taken(whole: f32, halves: f32) -> bool {
    whole < UNSURE && halves > whole + MARGIN
}

/// A number's images to classify, and which of them are alternatives of which.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Plan {
    images: Vec<[f32; INPUT_SIZE]>,
    parts: Vec<Part>,
}

/// One part of a number (left to right): its image, and for a wide one the two halves' images
/// of each cut tried (indices into [`Plan::images`]).
#[derive(Debug, Clone, PartialEq)]
struct Part {
    whole: usize,
    /// A wide part's strokes, until [`Plan::cut_unsure`] has looked at its whole's answer.
    wide: Option<Strokes>,
    cuts: Vec<[usize; 2]>,
}

/// Splits a drawing into the parts of a number (`segment`), each with its image; an empty plan
/// when nothing is drawn.
pub fn plan(strokes: &Strokes) -> Result<Plan, StrokeError> {
    strokes.validate()?;
    let mut plan = Plan::default();
    for part in segment(strokes) {
        let Some(image) = to_mnist(&part)? else {
            continue;
        };
        let whole = plan.push(image);
        let wide = bounds(&part.xy).is_some_and(|[x0, y0, x1, y1]| x1 - x0 > WIDE * (y1 - y0));
        plan.parts.push(Part {
            whole,
            wide: wide.then_some(part),
            cuts: Vec::new(),
        });
    }
    Ok(plan)
}

impl Plan {
    /// Every image to classify: each part's, then the halves of the cuts added by
    /// [`Plan::cut_unsure`].
    pub fn images(&self) -> &[[f32; INPUT_SIZE]] {
        &self.images
    }

    /// Given the answers for the images so far, cuts each wide part whose whole the classifier
    /// is unsure of (the only wholes a cut may replace) and adds the halves' images after the
    /// others; returns how many it added (0: [`Plan::choose`] can be called on the answers
    /// already there). Each part is cut at most once.
    pub fn cut_unsure(&mut self, answers: &[Answer]) -> Result<usize, StrokeError> {
        // Nothing changes unless every half is drawn.
        let first = self.images.len();
        let mut halves = Vec::new();
        let mut cut_parts = Vec::new();
        for (k, part) in self.parts.iter().enumerate() {
            let Some(strokes) = &part.wide else {
                continue;
            };
            if !answers
                .get(part.whole)
                .is_some_and(|a| sureness(a) < UNSURE)
            {
                continue;
            }
            let Some([x0, _, x1, _]) = bounds(&strokes.xy) else {
                continue;
            };
            let mut cuts = Vec::with_capacity(CUTS.len());
            for share in CUTS {
                let [left, right] = cut(strokes, x0 + share * (x1 - x0));
                if let (Some(l), Some(r)) = (to_mnist(&left)?, to_mnist(&right)?) {
                    let at = first + halves.len();
                    halves.extend([l, r]);
                    cuts.push([at, at + 1]);
                }
            }
            cut_parts.push((k, cuts));
        }
        for (k, cuts) in cut_parts {
            self.parts[k].wide = None;
            self.parts[k].cuts = cuts;
        }
        let added = halves.len();
        self.images.extend(halves);
        Ok(added)
    }

    /// The images that make the number, left to right, given every image's answer (in the
    /// order of [`Plan::images`]): each part whole, or cut in two where the classifier is unsure
    /// of the whole and much surer of both halves.
    pub fn choose(&self, answers: &[Answer]) -> Vec<usize> {
        let sure = |i: usize| answers.get(i).map_or(0.0, sureness);
        let mut chosen = Vec::with_capacity(self.parts.len());
        for part in &self.parts {
            let best = part
                .cuts
                .iter()
                .map(|&[l, r]| ([l, r], sure(l) * sure(r)))
                .max_by(|a, b| a.1.total_cmp(&b.1));
            match best {
                Some((halves, s)) if taken(sure(part.whole), s) => chosen.extend(halves),
                _ => chosen.push(part.whole),
            }
        }
        chosen
    }

    /// How many parts the drawing split into (before any cut).
    pub fn parts(&self) -> usize {
        self.parts.len()
    }

    fn push(&mut self, image: [f32; INPUT_SIZE]) -> usize {
        self.images.push(image);
        self.images.len() - 1
    }
}

/// How sure an answer is of being one digit: its top digit's probability, times the chance that
/// it is a digit at all.
fn sureness(a: &Answer) -> f32 {
    let top = a.digits.iter().copied().fold(0.0, f32::max);
    top * (1.0 - a.not_a_digit)
}

/// The two halves of `part` either side of the vertical line at `x`: each stroke's points go to
/// their side, and a stroke that crosses the line is split where it crosses.
pub fn cut(part: &Strokes, x: f32) -> [Strokes; 2] {
    let mut halves = [Half::default(), Half::default()];
    for stroke in part.iter() {
        let mut prev: Option<Point> = None;
        for p in stroke.chunks_exact(2) {
            let p = [p[0], p[1]];
            let side = usize::from(p[0] > x);
            if let Some(q) = prev
                && usize::from(q[0] > x) != side
            {
                let t = (x - q[0]) / (p[0] - q[0]);
                let on_line = [x, q[1] + t * (p[1] - q[1])];
                halves[1 - side].push(on_line);
                halves[1 - side].end();
                halves[side].push(on_line);
            }
            halves[side].push(p);
            prev = Some(p);
        }
        halves.iter_mut().for_each(Half::end);
    }
    halves.map(|h| Strokes {
        xy: h.xy,
        ends: h.ends,
        brush: part.brush,
    })
}

/// One side's strokes as they are cut.
#[derive(Default)]
struct Half {
    xy: Vec<f32>,
    ends: Vec<u32>,
    open: bool,
}

impl Half {
    fn push(&mut self, p: Point) {
        self.xy.extend_from_slice(&p);
        self.open = true;
    }

    fn end(&mut self) {
        if self.open {
            self.ends.push((self.xy.len() / 2) as u32);
            self.open = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::NUM_CLASSES;

    fn answer(digit: usize, p: f32, not_a_digit: f32) -> Answer {
        let mut digits = [(1.0 - p) / (NUM_CLASSES - 1) as f32; NUM_CLASSES];
        digits[digit] = p;
        Answer {
            digits,
            not_a_digit,
        }
    }

    /// A "2" running on into a "3" in one stroke, 100 high and about 150 wide.
    fn two_three() -> Strokes {
        let two = [
            [0.0, 20.0],
            [30.0, 0.0],
            [60.0, 20.0],
            [0.0, 100.0],
            [65.0, 100.0],
        ];
        let three = [
            [85.0, 10.0],
            [140.0, 10.0],
            [110.0, 45.0],
            [150.0, 75.0],
            [85.0, 100.0],
        ];
        Strokes::from_points(&[[&two[..], &three[..]].concat()], 12.0)
    }

    #[test]
    fn a_cut_splits_a_stroke_where_it_crosses_the_line() {
        let line = Strokes::from_points(&[vec![[0.0, 0.0], [10.0, 10.0], [20.0, 0.0]]], 3.0);
        let [left, right] = cut(&line, 5.0);
        assert_eq!(left.xy, [0.0, 0.0, 5.0, 5.0]);
        assert_eq!(left.ends, [2]);
        assert_eq!(right.xy, [5.0, 5.0, 10.0, 10.0, 20.0, 0.0]);
        assert_eq!(right.ends, [3]);
        assert!(left.brush == 3.0 && left.validate().is_ok() && right.validate().is_ok());
        // Back and forth across the line: a piece each time it is on a side.
        let zigzag = Strokes::from_points(&[vec![[0.0, 0.0], [10.0, 0.0], [0.0, 10.0]]], 3.0);
        let [left, right] = cut(&zigzag, 5.0);
        assert_eq!(left.ends.len(), 2);
        assert_eq!(right.ends.len(), 1);
        // A line wholly on one side leaves the other empty.
        let [left, right] = cut(&line, 30.0);
        assert_eq!(left, Strokes { brush: 3.0, ..line });
        assert!(right.is_empty());
    }

    /// The plan of [`two_three`] with its whole read as `whole` (and cut if that is unsure).
    fn two_three_read_as(whole: Answer) -> Plan {
        let mut joined = plan(&two_three()).unwrap();
        assert_eq!(joined.images().len(), 1);
        joined.cut_unsure(&[whole]).unwrap();
        joined
    }

    #[test]
    fn only_a_wide_part_whose_whole_is_unsure_is_cut() {
        let unsure = answer(8, 0.4, 0.5);
        let mut joined = two_three_read_as(unsure);
        assert_eq!(joined.parts(), 1);
        assert_eq!(joined.images().len(), 1 + 2 * CUTS.len());
        // Each part is cut once: asking again adds nothing.
        assert_eq!(joined.cut_unsure(&vec![unsure; 1 + 2 * CUTS.len()]), Ok(0));
        // A whole read surely enough is never cut: no cut could be taken over it.
        let sure = answer(2, 0.5, 0.1);
        assert!(sureness(&sure) >= UNSURE);
        assert_eq!(two_three_read_as(sure).images().len(), 1);
        // Without an answer for it, a part is not cut either.
        let mut unread = plan(&two_three()).unwrap();
        assert_eq!(unread.cut_unsure(&[]), Ok(0));
        // A narrow part is never cut, however unsure.
        let one_seven = Strokes::from_points(&[vec![[0.0, 0.0], [60.0, 0.0], [20.0, 100.0]]], 12.0);
        let mut single = plan(&one_seven).unwrap();
        assert_eq!(single.cut_unsure(&[unsure]), Ok(0));
        assert_eq!(single.images().len(), 1);
        assert_eq!(single.images()[0], to_mnist(&one_seven).unwrap().unwrap());
        assert_eq!(plan(&Strokes::default()).unwrap(), Plan::default());
    }

    #[test]
    fn a_cut_is_taken_only_over_an_unsure_whole_and_with_much_surer_halves() {
        let joined = two_three_read_as(answer(8, 0.4, 0.5));
        let n = joined.images().len();
        // The whole and most halves are read as unsure 8s, likely not digits at all (0.2 sure).
        let mut answers = vec![answer(8, 0.4, 0.5); n];
        let [l, r] = joined.parts[0].cuts[4];
        answers[l] = answer(2, 0.95, 0.01);
        answers[r] = answer(3, 0.9, 0.02);
        assert_eq!(joined.choose(&answers), vec![l, r]);
        // A whole read fairly surely stays whole, however sure the halves.
        let mut sure_whole = answers.clone();
        sure_whole[0] = answer(0, 0.5, 0.0);
        assert_eq!(joined.choose(&sure_whole), vec![0]);
        // Halves only a little surer than the whole leave it whole.
        let mut little = answers.clone();
        little[l] = answer(2, 0.7, 0.0);
        little[r] = answer(3, 0.7, 0.0);
        assert_eq!(joined.choose(&little), vec![0]);
        // Halves that are not digits are no better.
        let mut not_digits = answers;
        not_digits[l] = answer(2, 0.95, 0.9);
        not_digits[r] = answer(3, 0.95, 0.9);
        assert_eq!(joined.choose(&not_digits), vec![0]);
    }

    #[test]
    fn each_part_is_drawn_as_if_alone() {
        let seven = vec![[0.0, 0.0], [60.0, 0.0], [20.0, 100.0]];
        let one = vec![[110.0, 0.0], [110.0, 100.0]];
        let number = Strokes::from_points(&[seven.clone(), one.clone()], 12.0);
        let images = plan(&number).unwrap().images().to_vec();
        let alone = |s: Vec<Point>| to_mnist(&Strokes::from_points(&[s], 12.0)).unwrap();
        assert_eq!(images, [alone(seven), alone(one)].map(Option::unwrap));
    }

    #[test]
    fn malformed_strokes_are_an_error_not_a_panic() {
        let bad = Strokes {
            xy: vec![1.0, 2.0],
            ends: vec![5],
            brush: 10.0,
        };
        assert!(plan(&bad).is_err());
    }
}
