//! Splitting a whole number's pen strokes into its digits, left to right: the first step of
//! reading a number (issue #21). Strokes belong to one digit when they touch, or overlap
//! horizontally by a good share of the narrower one, so that two-stroke digits (a 4, a 5 with
//! its flag, a crossed 7, a 1 with a separate foot, an 8 drawn as two circles) stay whole
//! however long the pause between their strokes; digits written side by side neither touch nor
//! overlap much. Digits that touch stay together, and a stroke running through two digits
//! (joined writing) is not split here but in `joined`, which reads the parts.

use crate::preprocess::{Strokes, bounds};

/// Share of the narrower of two strokes (or groups) that must lie over the other for them to
/// be one digit.
const OVERLAP: f32 = 0.4;
/// Narrower than this share of the writing's height counts as this wide: a 1's stem has no
/// width of its own, and must still join a flag or foot it crosses.
const MIN_WIDTH: f32 = 0.15;
/// A group shorter than this share of the writing's height is part of a digit, not one.
const SHORT: f32 = 0.4;
/// ... and joins a full-height group at most this far away (a share of the height).
const NEAR: f32 = 0.6;
/// Strokes whose pen marks come this close (a share of the writing's height, beyond the pen's
/// own width) touch.
const TOUCH: f32 = 0.02;

/// The strokes of each digit, left to right, each with the drawing's brush; empty when nothing
/// is drawn.
pub fn segment(strokes: &Strokes) -> Vec<Strokes> {
    let spans: Vec<[f32; 4]> = strokes.iter().filter_map(bounds).collect();
    let kept: Vec<&[f32]> = strokes.iter().filter(|s| bounds(s).is_some()).collect();
    if spans.is_empty() {
        return Vec::new();
    }
    let top = spans.iter().map(|b| b[1]).fold(f32::MAX, f32::min);
    let bottom = spans.iter().map(|b| b[3]).fold(f32::MIN, f32::max);
    let height = (bottom - top).max(f32::EPSILON);
    let floor = MIN_WIDTH * height;
    let reach = strokes.brush.max(0.0) + TOUCH * height;

    // Union-find over strokes: first the strokes that touch, then groups that overlap enough.
    let mut group: Vec<usize> = (0..spans.len()).collect();
    for a in 0..spans.len() {
        for b in a + 1..spans.len() {
            if touch(kept[a], spans[a], kept[b], spans[b], reach) {
                let (ga, gb) = (group[a], group[b]);
                relabel(&mut group, gb, ga);
            }
        }
    }
    let mut span: Vec<[f32; 2]> = vec![[f32::MAX, f32::MIN]; spans.len()];
    for (i, b) in spans.iter().enumerate() {
        let s = &mut span[group[i]];
        *s = [s[0].min(b[0]), s[1].max(b[2])];
    }
    loop {
        let mut joined = false;
        let roots: Vec<usize> = (0..spans.len()).filter(|&i| group[i] == i).collect();
        'pairs: for (k, &a) in roots.iter().enumerate() {
            for &b in &roots[k + 1..] {
                if overlaps(span[a], span[b], floor) {
                    relabel(&mut group, b, a);
                    span[a] = [span[a][0].min(span[b][0]), span[a][1].max(span[b][1])];
                    joined = true;
                    break 'pairs;
                }
            }
        }
        if !joined {
            break;
        }
    }

    // A group much shorter than the writing is part of a digit, not one: a 5's flag drawn
    // apart, a speck beside a scanned digit. It joins the nearest full-height group.
    let roots: Vec<usize> = (0..spans.len()).filter(|&i| group[i] == i).collect();
    let mut vertical = vec![[f32::MAX, f32::MIN]; spans.len()];
    for (i, b) in spans.iter().enumerate() {
        let v = &mut vertical[group[i]];
        *v = [v[0].min(b[1]), v[1].max(b[3])];
    }
    let tall = |r: usize| vertical[r][1] - vertical[r][0] >= SHORT * height;
    let gap = |a: [f32; 2], b: [f32; 2]| (a[0].max(b[0]) - a[1].min(b[1])).max(0.0);
    for &r in roots.iter().filter(|&&r| !tall(r)) {
        let nearest = roots
            .iter()
            .copied()
            .filter(|&t| t != r && tall(t))
            .min_by(|&a, &b| gap(span[r], span[a]).total_cmp(&gap(span[r], span[b])));
        if let Some(t) = nearest.filter(|&t| gap(span[r], span[t]) <= NEAR * height) {
            relabel(&mut group, r, t);
            span[t] = [span[t][0].min(span[r][0]), span[t][1].max(span[r][1])];
        }
    }

    let mut roots: Vec<usize> = (0..spans.len()).filter(|&i| group[i] == i).collect();
    roots.sort_by(|&a, &b| span[a][0].total_cmp(&span[b][0]));
    roots
        .into_iter()
        .map(|root| {
            let mut out = Strokes {
                brush: strokes.brush,
                ..Default::default()
            };
            for (stroke, _) in kept.iter().zip(&group).filter(|(_, g)| **g == root) {
                out.xy.extend_from_slice(stroke);
                out.ends.push((out.xy.len() / 2) as u32);
            }
            out
        })
        .collect()
}

/// Joins group `from` into group `to`: every stroke labelled `from` is labelled `to`.
fn relabel(group: &mut [usize], from: usize, to: usize) {
    for g in group.iter_mut().filter(|g| **g == from) {
        *g = to;
    }
}

/// Whether two strokes come within `reach` of each other somewhere (their points, which the
/// pad and the tracer both sample a few pixels apart).
fn touch(a: &[f32], ba: [f32; 4], b: &[f32], bb: [f32; 4], reach: f32) -> bool {
    let apart = ba[0] - reach > bb[2]
        || bb[0] - reach > ba[2]
        || ba[1] - reach > bb[3]
        || bb[1] - reach > ba[3];
    if apart {
        return false;
    }
    let r2 = reach * reach;
    a.chunks_exact(2).any(|p| {
        b.chunks_exact(2)
            .any(|q| (p[0] - q[0]).powi(2) + (p[1] - q[1]).powi(2) <= r2)
    })
}

/// Whether two horizontal spans overlap by [`OVERLAP`] of the narrower one, each at least
/// `floor` wide (widened about its middle).
fn overlaps(a: [f32; 2], b: [f32; 2], floor: f32) -> bool {
    let widen = |[x0, x1]: [f32; 2]| {
        let pad = ((floor - (x1 - x0)) / 2.0).max(0.0);
        [x0 - pad, x1 + pad]
    };
    let (a, b) = (widen(a), widen(b));
    let shared = a[1].min(b[1]) - a[0].max(b[0]);
    shared >= OVERLAP * (a[1] - a[0]).min(b[1] - b[0])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::preprocess::Point;

    /// Strokes in a unit box, placed at `x` (left edge) with height 100 on a canvas.
    fn at(x: f32, strokes: &[&[Point]]) -> Vec<Vec<Point>> {
        strokes
            .iter()
            .map(|s| {
                s.iter()
                    .map(|&[u, v]| [x + u * 60.0, 20.0 + v * 100.0])
                    .collect()
            })
            .collect()
    }

    const FOUR: &[&[Point]] = &[
        &[[0.6, 0.0], [0.0, 0.65], [0.9, 0.65]],
        &[[0.65, 0.2], [0.65, 1.0]],
    ];
    const SEVEN_CROSSED: &[&[Point]] = &[
        &[[0.0, 0.0], [1.0, 0.0], [0.4, 1.0]],
        &[[0.3, 0.5], [0.9, 0.5]],
    ];
    const ONE_WITH_FOOT: &[&[Point]] = &[
        &[[0.3, 0.2], [0.5, 0.0], [0.5, 1.0]],
        &[[0.2, 1.0], [0.8, 1.0]],
    ];
    const FIVE: &[&[Point]] = &[
        &[
            [0.2, 0.0],
            [0.1, 0.45],
            [0.6, 0.4],
            [0.8, 0.7],
            [0.5, 1.0],
            [0.0, 0.9],
        ],
        &[[0.2, 0.0], [0.9, 0.0]],
    ];
    const TWO: &[&[Point]] = &[&[[0.0, 0.2], [0.5, 0.0], [0.9, 0.25], [0.0, 1.0], [1.0, 1.0]]];
    const ONE: &[&[Point]] = &[&[[0.5, 0.0], [0.5, 1.0]]];
    /// An 8 as two circles, one above the other.
    fn eight() -> Vec<&'static [Point]> {
        vec![
            &[[0.5, 0.0], [0.9, 0.25], [0.5, 0.5], [0.1, 0.25], [0.5, 0.0]],
            &[[0.5, 0.5], [1.0, 0.75], [0.5, 1.0], [0.0, 0.75], [0.5, 0.5]],
        ]
    }

    fn strokes(parts: Vec<Vec<Vec<Point>>>) -> Strokes {
        Strokes::from_points(&parts.concat(), 15.0)
    }

    #[test]
    fn two_stroke_digits_stay_whole() {
        let eight = eight();
        for (name, digit) in [
            ("4", FOUR),
            ("crossed 7", SEVEN_CROSSED),
            ("1 with a foot", ONE_WITH_FOOT),
            ("5", FIVE),
            ("8 as two circles", &eight[..]),
        ] {
            let parts = segment(&strokes(vec![at(100.0, digit)]));
            assert_eq!(parts.len(), 1, "{name}");
            assert_eq!(parts[0].ends.len(), digit.len(), "{name}");
        }
    }

    #[test]
    fn a_number_splits_into_its_digits_left_to_right() {
        // 4 7 2 written with gaps of a fifth of a digit, the 7 drawn last.
        let drawing = strokes(vec![
            at(10.0, FOUR),
            at(150.0, TWO),
            at(80.0, SEVEN_CROSSED),
        ]);
        let parts = segment(&drawing);
        assert_eq!(parts.len(), 3);
        let firsts: Vec<f32> = parts.iter().map(|p| p.xy[0]).collect();
        assert!(
            firsts.windows(2).all(|w| w[0] < w[1]),
            "left to right: {firsts:?}"
        );
        assert_eq!(
            parts.iter().map(|p| p.ends.len()).collect::<Vec<_>>(),
            [2, 2, 1]
        );
        assert!(
            parts
                .iter()
                .all(|p| p.brush == 15.0 && p.validate().is_ok())
        );
    }

    #[test]
    fn ones_side_by_side_are_two_digits() {
        let parts = segment(&strokes(vec![at(10.0, ONE), at(50.0, ONE)]));
        assert_eq!(parts.len(), 2);
    }

    #[test]
    fn nothing_drawn_gives_nothing() {
        assert!(segment(&Strokes::default()).is_empty());
        let only_empty = Strokes {
            xy: vec![],
            ends: vec![0, 0],
            brush: 10.0,
        };
        assert!(segment(&only_empty).is_empty());
    }
}
