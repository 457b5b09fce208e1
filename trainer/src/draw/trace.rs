//! A scanned digit as a person would draw it: thinned to its skeleton (Zhang-Suen), traced into
//! pen strokes, and redrawn with the page's brush through the page's own preprocessing. The
//! drawn-digit evaluation and the training augmentation both use it.

use std::collections::HashSet;

use digits::model::INPUT_SIZE;
use digits::preprocess::{Point, SIDE, Strokes, to_mnist};

/// The page's pad in canvas units, and its brush (`limits::BRUSH_SHARE` of the side).
pub const CANVAS: f32 = 280.0;
pub const BRUSH: f32 = CANVAS * digits::limits::BRUSH_SHARE;

/// Pen strokes tracing the digit's skeleton, in canvas units; empty for a blank image.
pub fn strokes_of(pixels: &[u8]) -> Strokes {
    strokes_with_brush(pixels, BRUSH)
}

/// [`strokes_of`] with another pen width.
pub fn strokes_with_brush(pixels: &[u8], brush: f32) -> Strokes {
    let skeleton = thin(&binarize(pixels), SIDE);
    let k = CANVAS / SIDE as f32;
    let paths: Vec<Vec<[f32; 2]>> = trace(&skeleton, SIDE)
        .into_iter()
        .map(|p| {
            p.into_iter()
                .map(|i| [((i % SIDE) as f32 + 0.5) * k, ((i / SIDE) as f32 + 0.5) * k])
                .collect()
        })
        .collect();
    Strokes::from_points(&paths, brush)
}

/// The 28x28 image the page would feed the model for this digit drawn with a pen.
pub fn redraw(pixels: &[u8]) -> Option<[f32; INPUT_SIZE]> {
    to_mnist(&strokes_of(pixels)).ok().flatten()
}

/// Points along a polyline at most `step` apart (in the polyline's units), as pointer events
/// land along a stroke: the generators' drawings are sampled the way the pad samples.
pub fn resample(points: &[Point], step: f32) -> Vec<Point> {
    let Some(&first) = points.first() else {
        return Vec::new();
    };
    let mut out = vec![first];
    for w in points.windows(2) {
        let ([x0, y0], [x1, y1]) = (w[0], w[1]);
        let n = ((x1 - x0).hypot(y1 - y0) / step).ceil().max(1.0) as usize;
        out.extend((1..=n).map(|k| {
            let t = k as f32 / n as f32;
            [x0 + (x1 - x0) * t, y0 + (y1 - y0) * t]
        }));
    }
    out
}

fn binarize(pixels: &[u8]) -> Vec<bool> {
    pixels.iter().map(|&p| p >= 96).collect()
}

/// The strokes of a `side` x `side` binary image's skeleton, in pixel-centre units times
/// `scale`: spurs of at most `spur` pixels (a branch from a junction to a loose end, left by
/// thinning a thick corner) removed, and each path smoothed once, as a pen would have drawn it
/// rather than along pixel steps.
pub fn skeleton_strokes(img: &[bool], side: usize, spur: usize, scale: f32) -> Vec<Vec<Point>> {
    let skeleton = thin(img, side);
    let paths = trace(&skeleton, side);
    // A pixel's number of skeleton neighbours tells ends (1) from junctions (3+).
    let degree = |i: usize| {
        let (x, y) = ((i % side) as i32, (i / side) as i32);
        let mut n = 0;
        for dy in -1..=1 {
            for dx in -1..=1 {
                let (nx, ny) = (x + dx, y + dy);
                if (dx, dy) != (0, 0)
                    && (0..side as i32).contains(&nx)
                    && (0..side as i32).contains(&ny)
                    && skeleton[ny as usize * side + nx as usize]
                {
                    n += 1;
                }
            }
        }
        n
    };
    let is_spur = |p: &Vec<usize>| {
        let (a, b) = (degree(p[0]), degree(p[p.len() - 1]));
        paths.len() > 1 && p.len() <= spur + 1 && (a == 1) != (b == 1)
    };
    paths
        .iter()
        .filter(|p| !is_spur(p))
        .map(|p| {
            let pts: Vec<Point> = p
                .iter()
                .map(|&i| {
                    [
                        ((i % side) as f32 + 0.5) * scale,
                        ((i / side) as f32 + 0.5) * scale,
                    ]
                })
                .collect();
            smooth(&pts)
        })
        .collect()
}

/// One pass of a [1, 2, 1] average over a polyline's inner points (ends and closed loops keep
/// their start).
fn smooth(points: &[Point]) -> Vec<Point> {
    if points.len() < 3 {
        return points.to_vec();
    }
    let mut out = points.to_vec();
    for i in 1..points.len() - 1 {
        for c in 0..2 {
            out[i][c] = (points[i - 1][c] + 2.0 * points[i][c] + points[i + 1][c]) / 4.0;
        }
    }
    out
}

/// Zhang-Suen thinning of a `side` x `side` image to a one-pixel-wide skeleton.
pub fn thin(img: &[bool], side: usize) -> Vec<bool> {
    let mut img = img.to_vec();
    let get = |img: &[bool], x: i32, y: i32| {
        x >= 0
            && y >= 0
            && x < side as i32
            && y < side as i32
            && img[y as usize * side + x as usize]
    };
    loop {
        let mut changed = false;
        for step in 0..2 {
            let mut remove = Vec::new();
            for i in 0..img.len() {
                if !img[i] {
                    continue;
                }
                let (x, y) = ((i % side) as i32, (i / side) as i32);
                let p: Vec<bool> = [
                    (0, -1),
                    (1, -1),
                    (1, 0),
                    (1, 1),
                    (0, 1),
                    (-1, 1),
                    (-1, 0),
                    (-1, -1),
                ]
                .iter()
                .map(|(dx, dy)| get(&img, x + dx, y + dy))
                .collect();
                let b = p.iter().filter(|&&v| v).count();
                let a = (0..8).filter(|&k| !p[k] && p[(k + 1) % 8]).count();
                let (p2, p4, p6, p8) = (p[0], p[2], p[4], p[6]);
                let ok = if step == 0 {
                    !(p4 && p6 && (p2 || p8))
                } else {
                    !(p2 && p8 && (p4 || p6))
                };
                if (2..=6).contains(&b) && a == 1 && ok {
                    remove.push(i);
                }
            }
            changed |= !remove.is_empty();
            for i in remove {
                img[i] = false;
            }
        }
        if !changed {
            return img;
        }
    }
}

/// The skeleton pixels linked to `i`: orthogonal neighbours, and diagonal ones that are not
/// already reached through an orthogonal neighbour (so a staircase is a chain, not a knot of
/// junctions).
fn links(skel: &[bool], side: usize, i: usize) -> Vec<usize> {
    let (x, y) = ((i % side) as i32, (i / side) as i32);
    let on = |dx: i32, dy: i32| {
        let (nx, ny) = (x + dx, y + dy);
        (nx >= 0 && ny >= 0 && nx < side as i32 && ny < side as i32)
            .then(|| ny as usize * side + nx as usize)
            .filter(|&n| skel[n])
    };
    let mut out: Vec<usize> = [(0, -1), (1, 0), (0, 1), (-1, 0)]
        .iter()
        .filter_map(|&(dx, dy)| on(dx, dy))
        .collect();
    for (dx, dy) in [(1, -1), (1, 1), (-1, 1), (-1, -1)] {
        if on(dx, 0).is_none() && on(0, dy).is_none() {
            out.extend(on(dx, dy));
        }
    }
    out
}

/// Splits a `side` x `side` skeleton into polylines of pixel indices: from each end or
/// junction along chains of pixels, then the closed loops that remain (a 0, the bowl of a 6).
pub fn trace(skel: &[bool], side: usize) -> Vec<Vec<usize>> {
    let adj: Vec<Vec<usize>> = (0..skel.len())
        .map(|i| {
            if skel[i] {
                links(skel, side, i)
            } else {
                Vec::new()
            }
        })
        .collect();
    let mut used: HashSet<(usize, usize)> = HashSet::new();
    let key = |a: usize, b: usize| (a.min(b), a.max(b));
    let mut paths = Vec::new();
    let walk = |start: usize, first: usize, used: &mut HashSet<(usize, usize)>| {
        let mut path = vec![start, first];
        used.insert(key(start, first));
        let mut cur = first;
        while adj[cur].len() == 2 {
            let Some(&next) = adj[cur].iter().find(|&&n| !used.contains(&key(cur, n))) else {
                break;
            };
            used.insert(key(cur, next));
            path.push(next);
            cur = next;
        }
        path
    };
    // Ends and junctions first, so strokes run between them; then the loops left over.
    let nodes = (0..skel.len()).filter(|&i| skel[i] && adj[i].len() != 2);
    let rest = (0..skel.len()).filter(|&i| skel[i] && adj[i].len() == 2);
    for s in nodes.chain(rest) {
        if adj[s].is_empty() {
            paths.push(vec![s]);
        }
        for &n in &adj[s] {
            if !used.contains(&key(s, n)) {
                paths.push(walk(s, n, &mut used));
            }
        }
    }
    paths
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ring() -> Vec<u8> {
        (0..INPUT_SIZE)
            .map(|i| {
                let (x, y) = ((i % SIDE) as f32 - 13.5, (i / SIDE) as f32 - 13.5);
                let r = (x * x / 0.5 + y * y).sqrt();
                if (6.0..9.0).contains(&r) { 255 } else { 0 }
            })
            .collect()
    }

    #[test]
    fn a_thick_ring_thins_to_one_closed_stroke() {
        let s = strokes_of(&ring());
        assert!(!s.is_empty());
        assert_eq!(s.ends.len(), 1, "ring traced as {} strokes", s.ends.len());
        assert!(s.ends[0] > 20);
    }

    #[test]
    fn redrawn_digits_have_ink_and_blank_ones_do_not() {
        assert!(redraw(&ring()).is_some());
        assert!(redraw(&[0u8; INPUT_SIZE]).is_none());
    }
}
