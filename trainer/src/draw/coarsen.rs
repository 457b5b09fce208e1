//! How optdigits scanned a digit, both ways: an MNIST digit coarsened into an 8x8 count of
//! inked cells as the forms were (`coarsen`, for training), and an 8x8 digit traced back into
//! pen strokes (`strokes_of`, which makes the optdigits validation set).

use digits::preprocess::{Point, SIDE};

use crate::draw::trace::{CANVAS, skeleton_strokes};

/// Cells per side of an optdigits image.
pub const CELLS: usize = 8;
/// Output pixels per cell: the 8x8 grid becomes 24x24 inside the 28x28 frame the tracer works in.
pub const ZOOM: f32 = 3.0;
/// Coverage (of 16) above which an upsampled pixel is ink.
pub const THRESHOLD: f32 = 6.0;
/// Coverage of the strokes' core: background enclosed by it is a loop's inside, kept open.
pub const CORE: f32 = 11.5;
/// Skeleton branches this short (in pixels) that end in the open are thinning artefacts.
pub const SPUR: usize = 2;

/// The 8x8 digit upsampled (Catmull-Rom bicubic, cell centres on a 3-pixel grid) into the 28x28
/// frame and thresholded. Bicubic rather than bilinear keeps the gap inside a small loop (the top
/// of a 2, an 8's loops) open, so that the skeleton follows the stroke instead of filling it.
fn upsample(pixels: &[u8; CELLS * CELLS]) -> Vec<bool> {
    let cell = |x: i32, y: i32| {
        if x < 0 || y < 0 || x >= CELLS as i32 || y >= CELLS as i32 {
            0.0
        } else {
            pixels[y as usize * CELLS + x as usize] as f32
        }
    };
    // Catmull-Rom weights of the four neighbours at fraction `t`.
    let weights = |t: f32| {
        let (t2, t3) = (t * t, t * t * t);
        [
            (-t3 + 2.0 * t2 - t) / 2.0,
            (3.0 * t3 - 5.0 * t2 + 2.0) / 2.0,
            (-3.0 * t3 + 4.0 * t2 + t) / 2.0,
            (t3 - t2) / 2.0,
        ]
    };
    let margin = (SIDE as f32 - CELLS as f32 * ZOOM) / 2.0;
    let values: Vec<f32> = (0..SIDE * SIDE)
        .map(|i| {
            // This pixel's centre in cell coordinates (cell k's centre at k).
            let u = ((i % SIDE) as f32 + 0.5 - margin) / ZOOM - 0.5;
            let v = ((i / SIDE) as f32 + 0.5 - margin) / ZOOM - 0.5;
            let (x, y) = (u.floor(), v.floor());
            let (wx, wy) = (weights(u - x), weights(v - y));
            let (x, y) = (x as i32, y as i32);
            let mut value = 0.0;
            for (j, wy) in wy.iter().enumerate() {
                for (k, wx) in wx.iter().enumerate() {
                    value += wy * wx * cell(x - 1 + k as i32, y - 1 + j as i32);
                }
            }
            value
        })
        .collect();
    // At 8x8 the inside of a small loop (a 4's triangle, a 6's bowl) is often inked at the
    // ink threshold: it is kept open wherever the brighter core of the strokes encloses it.
    let core: Vec<bool> = values.iter().map(|&v| v > CORE).collect();
    let outside = reachable_background(&core);
    values
        .iter()
        .enumerate()
        .map(|(i, &v)| v > THRESHOLD && (core[i] || outside[i]))
        .collect()
}

/// The pixels of `ink`'s background that connect to the frame's edge (4-neighbours): what is
/// not reached is enclosed by ink.
fn reachable_background(ink: &[bool]) -> Vec<bool> {
    let mut seen = vec![false; ink.len()];
    let mut stack: Vec<usize> = (0..ink.len())
        .filter(|&i| {
            let (x, y) = (i % SIDE, i / SIDE);
            x == 0 || y == 0 || x == SIDE - 1 || y == SIDE - 1
        })
        .filter(|&i| !ink[i])
        .collect();
    while let Some(i) = stack.pop() {
        if seen[i] {
            continue;
        }
        seen[i] = true;
        let (x, y) = (i % SIDE, i / SIDE);
        let mut visit = |n: usize| {
            if !ink[n] && !seen[n] {
                stack.push(n);
            }
        };
        if x > 0 {
            visit(i - 1);
        }
        if x + 1 < SIDE {
            visit(i + 1);
        }
        if y > 0 {
            visit(i - SIDE);
        }
        if y + 1 < SIDE {
            visit(i + SIDE);
        }
    }
    seen
}

/// A 28x28 digit (bytes) as optdigits would have scanned it: its ink fitted into a 32x32
/// bitmap (keeping the aspect ratio, centred), thresholded, and counted in 4x4 blocks. The
/// training augmentation uses it to show the model digits as coarse as the validation set's.
pub fn coarsen(pixels: &[u8]) -> Option<[u8; CELLS * CELLS]> {
    let unit: Vec<f32> = pixels.iter().map(|&p| p as f32 / 255.0).collect();
    let (x0, y0, x1, y1) = digits::preprocess::ink_bounds(&unit, 0.3)?;
    let (w, h) = ((x1 - x0 + 1) as f32, (y1 - y0 + 1) as f32);
    let scale = 32.0 / w.max(h);
    let (cx, cy) = ((x0 + x1 + 1) as f32 / 2.0, (y0 + y1 + 1) as f32 / 2.0);
    let mut out = [0u8; CELLS * CELLS];
    for by in 0..32 {
        for bx in 0..32 {
            let sx = (bx as f32 + 0.5 - 16.0) / scale + cx - 0.5;
            let sy = (by as f32 + 0.5 - 16.0) / scale + cy - 0.5;
            if digits::preprocess::sample(&unit, sx, sy) > 0.5 {
                out[(by / 4) * CELLS + bx / 4] += 1;
            }
        }
    }
    Some(out)
}

/// Pen strokes (canvas units) tracing the digit's skeleton, short spurs removed and each path
/// smoothed once, as a pen would have drawn it rather than along pixel steps.
pub fn strokes_of(pixels: &[u8; CELLS * CELLS]) -> Vec<Vec<Point>> {
    skeleton_strokes(&upsample(pixels), SIDE, SPUR, CANVAS / SIDE as f32)
}

/// How `strokes_of` turns a scan into strokes, in words, for the set's file.
pub fn recipe() -> String {
    format!(
        "upsampled x{ZOOM} (bicubic), thresholded at {THRESHOLD}/16 (loops enclosed at {CORE}/16 \
         kept open), thinned (Zhang-Suen), traced, spurs <= {SPUR} px removed, smoothed"
    )
}

#[cfg(test)]
mod tests {
    use digits::model::INPUT_SIZE;
    use digits::preprocess::{Strokes, to_mnist};

    use super::*;
    use crate::draw::trace::BRUSH;

    /// A 0 as optdigits writes it (the first digit of `load_digits()`).
    const ZERO: [u8; CELLS * CELLS] = [
        0, 0, 5, 13, 9, 1, 0, 0, 0, 0, 13, 15, 10, 15, 5, 0, 0, 3, 15, 2, 0, 11, 8, 0, 0, 4, 12, 0,
        0, 8, 8, 0, 0, 5, 8, 0, 0, 9, 8, 0, 0, 4, 11, 0, 1, 12, 7, 0, 0, 2, 14, 5, 10, 12, 0, 0, 0,
        0, 6, 13, 10, 0, 0, 0,
    ];

    #[test]
    fn a_zero_draws_as_a_ring() {
        let strokes = strokes_of(&ZERO);
        assert!(!strokes.is_empty() && strokes.len() <= 2, "{strokes:?}");
        let img = to_mnist(&Strokes::from_points(&strokes, BRUSH))
            .unwrap()
            .unwrap();
        // Ink on both sides of the middle, which is empty.
        let at = |x: usize, y: usize| img[y * SIDE + x];
        assert!(at(14, 14) < 0.1);
        let ink = |xs: std::ops::Range<usize>| xs.map(|x| at(x, 14)).fold(0.0, f32::max);
        assert!(ink(0..14) > 0.5 && ink(14..SIDE) > 0.5);
    }

    #[test]
    fn an_mnist_bar_coarsens_to_a_full_height_column() {
        let mut bar = [0u8; INPUT_SIZE];
        for y in 4..24 {
            for x in 12..16 {
                bar[y * SIDE + x] = 255;
            }
        }
        let cells = coarsen(&bar).unwrap();
        // The ink fills the 32 rows, so every row of cells has some; the edges none.
        for row in cells.chunks(CELLS) {
            assert!(row.iter().any(|&c| c >= 8), "{cells:?}");
            assert_eq!((row[0], row[7]), (0, 0), "{cells:?}");
        }
        assert!(coarsen(&[0u8; INPUT_SIZE]).is_none());
        // And it traces back into one stroke.
        assert_eq!(strokes_of(&cells).len(), 1);
    }
}
