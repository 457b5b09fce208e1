//! Style edits on a traced training digit: the ways people outside MNIST's writers draw some
//! digits, added to MNIST's own strokes. A 1 gets a flag (and maybe a foot or a nub halfway
//! down), a 7 a crossbar, a 9 a tail that hooks back to the left or sweeps into a flat base (a
//! "g"), a 4 a closed top, an 8 a smaller top loop.
//!
//! These edit traced MNIST digits; the held-out styles (`styles`) are drawn from templates by
//! another generator, so that set can still tell whether the edits teach the styles themselves.

use std::f32::consts::PI;

use digits::preprocess::{Point, Strokes};

/// Bounding box of every point: `[x0, y0, x1, y1]`.
fn bounds(paths: &[Vec<Point>]) -> Option<[f32; 4]> {
    let mut it = paths.iter().flatten();
    let first = *it.next()?;
    Some(it.fold(
        [first[0], first[1], first[0], first[1]],
        |[x0, y0, x1, y1], &[x, y]| [x0.min(x), y0.min(y), x1.max(x), y1.max(y)],
    ))
}

/// The stroke end nearest the top (`top = true`) or the bottom of the drawing.
fn extreme_end(paths: &[Vec<Point>], top: bool) -> Option<Point> {
    let ends = paths
        .iter()
        .filter_map(|p| Some([*p.first()?, *p.last()?]))
        .flatten();
    if top {
        ends.min_by(|a, b| a[1].total_cmp(&b[1]))
    } else {
        ends.max_by(|a, b| a[1].total_cmp(&b[1]))
    }
}

/// `strokes` of a digit labelled `label` redrawn in one of the styles above, or `None` when the
/// digit has none (other digits, or nothing to edit). `u(lo, hi)` draws uniform numbers.
pub fn restyle(
    strokes: &Strokes,
    label: u8,
    u: &mut dyn FnMut(f32, f32) -> f32,
) -> Option<Strokes> {
    let mut paths: Vec<Vec<Point>> = strokes
        .iter()
        .map(|s| s.chunks_exact(2).map(|p| [p[0], p[1]]).collect())
        .filter(|p: &Vec<Point>| p.len() >= 2)
        .collect();
    let [x0, y0, x1, y1] = bounds(&paths)?;
    let h = (y1 - y0).max(1.0);
    match label {
        1 => {
            // A flag down-left from the top, from short and steep to as long as half the stem
            // and fairly flat (the validation set's flagged 1s were read as 7s from about
            // there); half get a foot.
            let top = extreme_end(&paths, true)?;
            let (len, angle) = (u(0.2, 0.5) * h, u(0.35, 1.0));
            paths.push(vec![
                [top[0] - len * angle.cos(), top[1] + len * angle.sin()],
                top,
            ]);
            if u(0.0, 1.0) < 0.5 {
                let bottom = extreme_end(&paths, false)?;
                let (l, r) = (u(0.15, 0.35) * h, u(0.15, 0.35) * h);
                paths.push(vec![[bottom[0] - l, bottom[1]], [bottom[0] + r, bottom[1]]]);
            }
            if u(0.0, 1.0) < 0.25 {
                // A short bar or nub across the stem about halfway down (real writers' flagged
                // 1s that were read as 4).
                let y = y0 + u(0.4, 0.6) * h;
                let x = (x0 + x1) / 2.0 + u(-0.05, 0.05) * h;
                let (l, r) = (u(0.04, 0.12) * h, u(0.04, 0.12) * h);
                paths.push(vec![[x - l, y], [x + r, y + u(-0.03, 0.03) * h]]);
            }
        }
        7 => {
            // A crossbar through the stem, a little below the middle.
            let y = y0 + u(0.45, 0.62) * h;
            // Where the strokes cross that height: the stem, for a 7.
            let crossings: Vec<f32> = paths
                .iter()
                .flat_map(|p| p.windows(2))
                .filter(|w| (w[0][1] - y) * (w[1][1] - y) <= 0.0 && w[0][1] != w[1][1])
                .map(|w| w[0][0] + (y - w[0][1]) * (w[1][0] - w[0][0]) / (w[1][1] - w[0][1]))
                .collect();
            if crossings.is_empty() {
                return None;
            }
            let x = crossings.iter().sum::<f32>() / crossings.len() as f32;
            let (l, r) = (u(0.12, 0.3) * h, u(0.12, 0.3) * h);
            paths.push(vec![[x - l, y + u(-0.03, 0.03) * h], [x + r, y]]);
        }
        9 => {
            let end = extreme_end(&paths, false)?;
            if u(0.0, 1.0) < 0.5 {
                // The tail's end curls under and back up to the left.
                let r = u(0.1, 0.2) * h;
                let (cx, cy) = (end[0] - r, end[1] - u(0.0, 0.3) * r);
                let (a0, a1) = ((end[1] - cy).atan2(end[0] - cx), PI + u(0.2, 0.8));
                let hook: Vec<Point> = (0..=8)
                    .map(|k| {
                        let a = a0 + (a1 - a0) * k as f32 / 8.0;
                        [cx + r * a.cos(), cy + r * a.sin()]
                    })
                    .collect();
                paths.push(hook);
            } else {
                // A "g": the tail bends and sweeps far to the left into a flat base (real
                // writers' 9s that were read as 3).
                let (dx, dy) = (u(0.35, 0.75) * h, u(0.05, 0.15) * h);
                let rise = u(0.0, 0.15) * h;
                let bend = u(0.1, 0.3);
                let sweep = vec![
                    end,
                    [end[0] - bend * dx, end[1] + dy],
                    [end[0] - 0.6 * dx, end[1] + dy],
                    [end[0] - dx, end[1] + dy - rise],
                ];
                paths.push(sweep);
            }
        }
        4 => {
            // A closed top: the left arm's top joined to the stem's top, as one-stroke 4s are
            // often written; sometimes the stem's foot curls to the left.
            let top = extreme_end(&paths, true)?;
            // The leftmost point in the upper two thirds: where the arm turns.
            let arm = paths
                .iter()
                .flatten()
                .filter(|p| p[1] < y0 + 0.67 * h)
                .min_by(|a, b| a[0].total_cmp(&b[0]))
                .copied()?;
            let apex = [top[0] - u(0.0, 0.2) * (top[0] - arm[0]), top[1]];
            paths.push(vec![
                [arm[0] + u(0.0, 0.1) * h, y0 + u(0.0, 0.25) * h],
                apex,
            ]);
            if u(0.0, 1.0) < 0.3 {
                let bottom = extreme_end(&paths, false)?;
                let r = u(0.08, 0.15) * h;
                paths.push(vec![
                    bottom,
                    [bottom[0] - r, bottom[1] + 0.3 * r],
                    [bottom[0] - 1.8 * r, bottom[1] - 0.2 * r],
                ]);
            }
        }
        8 => {
            // The waist moves up, and the top loop narrows: on half as many 8s as the other
            // edits, since it also pulls 8s towards 9s and 5s (the drawn test digits showed it).
            if u(0.0, 1.0) < 0.5 {
                return None;
            }
            let (waist, new_waist) = (y0 + 0.5 * h, y0 + u(0.34, 0.45) * h);
            let (cx, narrow) = ((x0 + x1) / 2.0, u(0.7, 0.95));
            for p in paths.iter_mut().flatten() {
                if p[1] < waist {
                    p[1] = y0 + (p[1] - y0) * (new_waist - y0) / (waist - y0);
                    p[0] = cx + (p[0] - cx) * narrow;
                } else {
                    p[1] = new_waist + (p[1] - waist) * (y1 - new_waist) / (y1 - waist).max(1.0);
                }
            }
        }
        _ => return None,
    }
    Some(Strokes::from_points(&paths, strokes.brush))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mid(_: f32, _: f32) -> f32 {
        0.0
    }

    fn stem() -> Strokes {
        Strokes::from_points(&[vec![[140.0, 40.0], [140.0, 240.0]]], 15.0)
    }

    #[test]
    fn a_one_gets_a_flag_from_its_top() {
        let mut u = |lo: f32, hi: f32| (lo + hi) / 2.0;
        let s = restyle(&stem(), 1, &mut u).expect("a 1 can be restyled");
        let paths: Vec<&[f32]> = s.iter().collect();
        assert!(paths.len() >= 2);
        // The flag ends at the stem's top and starts lower and to the left.
        let flag = paths[1];
        assert_eq!(&flag[2..4], &[140.0, 40.0]);
        assert!(flag[0] < 140.0 && flag[1] > 40.0, "{flag:?}");
    }

    #[test]
    fn a_seven_gets_a_crossbar_through_its_stem() {
        let mut u = |lo: f32, hi: f32| (lo + hi) / 2.0;
        let s = restyle(&stem(), 7, &mut u).unwrap();
        let bar: Vec<f32> = s.iter().nth(1).unwrap().to_vec();
        assert!(bar[0] < 140.0 && bar[2] > 140.0, "{bar:?}");
    }

    #[test]
    fn a_nine_gets_a_tail_that_ends_to_the_left_of_its_end() {
        for pick in [0.25, 0.75] {
            // The first draw picks the hook (< 0.5) or the sweep into a flat base.
            let mut first = true;
            let mut u = |lo: f32, hi: f32| {
                if std::mem::take(&mut first) {
                    pick
                } else {
                    (lo + hi) / 2.0
                }
            };
            let s = restyle(&stem(), 9, &mut u).unwrap();
            let tail = s.iter().nth(1).unwrap();
            let last = &tail[tail.len() - 2..];
            assert!(last[0] < 140.0 - 10.0, "pick {pick}: {tail:?}");
        }
    }

    #[test]
    fn a_four_gets_a_stroke_closing_its_top() {
        // An open 4: the arm down to the bar, and the stem.
        let four = Strokes::from_points(
            &[
                vec![[100.0, 40.0], [60.0, 160.0], [200.0, 160.0]],
                vec![[160.0, 40.0], [160.0, 240.0]],
            ],
            15.0,
        );
        let mut u = |lo: f32, hi: f32| (lo + hi) / 2.0;
        let s = restyle(&four, 4, &mut u).unwrap();
        assert!(s.iter().count() >= 3);
        let top = s.iter().nth(2).unwrap();
        // It runs from the arm rightwards, up to the top.
        assert!(top[2] > top[0] && top[3] <= 40.0 + 1.0, "{top:?}");
    }

    #[test]
    fn other_digits_and_empty_drawings_are_left_alone() {
        let mut u = mid;
        assert!(restyle(&stem(), 3, &mut u).is_none());
        assert!(restyle(&Strokes::default(), 1, &mut u).is_none());
    }
}
