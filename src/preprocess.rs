//! Turning pen strokes into the 28x28 image the model expects, the way MNIST itself was made:
//! anti-aliased ink, the ink's bounding box fitted into 20x20 keeping its aspect ratio, then
//! placed in 28x28 so that its centre of mass sits at the centre.
//!
//! It works from the strokes (positions and brush width), not from canvas pixels, because some
//! browsers add noise to `getImageData` and because vectors can be re-rasterised at the exact
//! sub-pixel offset the centring asks for.

use crate::model::INPUT_SIZE;

/// Side of the model's input image.
pub const SIDE: usize = 28;
/// Side of the box the ink is fitted into.
pub const FIT: f32 = 20.0;
/// Where MNIST's centres of mass lie, in pixel-index coordinates (measured on the 60,000
/// training images: 14.01, 14.00).
pub const CENTRE: f32 = 14.0;
/// Sub-samples per pixel side for anti-aliasing.
const SUPERSAMPLE: usize = 4;
/// Stroke widths in output pixels that look like MNIST's pen (its digits carry about 100
/// pixels' worth of ink).
const MIN_WIDTH: f32 = 2.2;
const MAX_WIDTH: f32 = 3.2;

/// A point in canvas coordinates.
pub type Point = [f32; 2];

/// Pen strokes in canvas coordinates, stored flat so that the browser can hand them over
/// without a copy per point.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Strokes {
    /// `x, y` pairs of every point of every stroke, in drawing order.
    pub xy: Vec<f32>,
    /// Index (in points) one past the last point of each stroke.
    pub ends: Vec<u32>,
    /// Brush diameter, in canvas units.
    pub brush: f32,
}

/// Why strokes could not be turned into an image.
#[derive(Debug, Clone, PartialEq)]
pub enum StrokeError {
    /// Odd number of coordinates, stroke ends out of order or out of range.
    Malformed(String),
    /// NaN or infinite coordinates or brush.
    NotFinite,
}

impl std::fmt::Display for StrokeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Malformed(m) => write!(f, "malformed strokes: {m}"),
            Self::NotFinite => write!(f, "strokes hold a non-finite coordinate or brush width"),
        }
    }
}

impl std::error::Error for StrokeError {}

impl Strokes {
    /// Strokes from lists of points.
    pub fn from_points(strokes: &[Vec<Point>], brush: f32) -> Self {
        let mut s = Strokes {
            brush,
            ..Default::default()
        };
        for stroke in strokes {
            for p in stroke {
                s.xy.extend_from_slice(p);
            }
            s.ends.push((s.xy.len() / 2) as u32);
        }
        s
    }

    /// Checks the flat layout before it is trusted.
    pub fn validate(&self) -> Result<(), StrokeError> {
        if !self.xy.len().is_multiple_of(2) {
            return Err(StrokeError::Malformed("odd number of coordinates".into()));
        }
        let n = (self.xy.len() / 2) as u32;
        let mut prev = 0;
        for &e in &self.ends {
            if e < prev || e > n {
                return Err(StrokeError::Malformed(format!(
                    "stroke end {e} out of order or past the {n} points"
                )));
            }
            prev = e;
        }
        if !self.brush.is_finite() || self.xy.iter().any(|v| !v.is_finite()) {
            return Err(StrokeError::NotFinite);
        }
        Ok(())
    }

    /// Each stroke's points.
    pub fn iter(&self) -> impl Iterator<Item = &[f32]> {
        let mut start = 0usize;
        self.ends.iter().map(move |&e| {
            let s = &self.xy[start * 2..e as usize * 2];
            start = e as usize;
            s
        })
    }

    /// True when nothing has been drawn.
    pub fn is_empty(&self) -> bool {
        self.xy.is_empty() || self.ends.is_empty()
    }
}

/// `[x0, y0, x1, y1]` of `x, y` pairs (one stroke's, or a whole drawing's); `None` without any.
pub fn bounds(xy: &[f32]) -> Option<[f32; 4]> {
    let mut pairs = xy.chunks_exact(2);
    let first = pairs.next()?;
    Some(
        pairs.fold([first[0], first[1], first[0], first[1]], |b, p| {
            [
                b[0].min(p[0]),
                b[1].min(p[1]),
                b[2].max(p[0]),
                b[3].max(p[1]),
            ]
        }),
    )
}

/// The 28x28 image (row-major, ink = 1.0) for `strokes`, or `None` when there is no ink.
pub fn to_mnist(strokes: &Strokes) -> Result<Option<[f32; INPUT_SIZE]>, StrokeError> {
    strokes.validate()?;
    if strokes.is_empty() {
        return Ok(None);
    }
    // Bounding box of the pen's path.
    let Some([x0, y0, x1, y1]) = bounds(&strokes.xy) else {
        return Ok(None);
    };
    let brush = strokes.brush.max(0.0);
    let extent = (x1 - x0).max(y1 - y0);
    // The pen's width in output pixels, from its share of the drawing, kept within MNIST's.
    let width = (brush * FIT / (extent + brush).max(f32::EPSILON)).clamp(MIN_WIDTH, MAX_WIDTH);
    // Path plus pen fills 20 pixels along its longer side; a dot stays a dot.
    let scale = if extent > 0.0 {
        (FIT - width) / extent
    } else {
        1.0
    };
    let centre = [(x0 + x1) / 2.0, (y0 + y1) / 2.0];

    // Draw the box in the middle, then move the ink so that its centre of mass lands on
    // CENTRE: by whole sub-samples, blending the two nearest shifts on each axis for the rest.
    // Drawing it again at the exact offset cost as much again; rounding to the nearest
    // sub-sample made the image jump a quarter pixel when a stroke moved a hair.
    let mid = SIDE as f32 / 2.0;
    let mask = cover(strokes, centre, scale, [mid, mid], width);
    let Some([cx, cy]) = centre_of_mass(&downsample(&mask, [0.0, 0.0])) else {
        return Ok(None);
    };
    let ss = SUPERSAMPLE as f32;
    Ok(Some(downsample(
        &mask,
        [(CENTRE - cx) * ss, (CENTRE - cy) * ss],
    )))
}

/// Sub-samples per side of the image.
const N: usize = SIDE * SUPERSAMPLE;

/// Which sub-samples the ink covers: a row of bits (bit `x` = column `x`) per sub-sample row.
type Mask = [u128; N];
const _: () = assert!(N <= 128, "a sub-sample row must fit a u128");

/// The sub-samples covered by the strokes mapped by `(p - centre) * scale + offset` (in output
/// pixels) as round-capped lines of `width` output pixels.
fn cover(strokes: &Strokes, centre: Point, scale: f32, offset: Point, width: f32) -> Mask {
    let ss = SUPERSAMPLE as f32;
    let mut mask = [0u128; N];
    let to_sub = |p: &[f32]| {
        [
            ((p[0] - centre[0]) * scale + offset[0]) * ss,
            ((p[1] - centre[1]) * scale + offset[1]) * ss,
        ]
    };
    for stroke in strokes.iter() {
        draw_stroke(
            &mut mask,
            stroke.chunks_exact(2).map(to_sub),
            width / 2.0 * ss,
        );
    }
    mask
}

/// Each pixel's share of covered sub-samples (coverage-based anti-aliasing), with the mask
/// moved by `shift` sub-samples: by whole ones, blending the two nearest on each axis for a
/// fraction, so that the image moves smoothly with the ink. What moves out of the image is lost.
fn downsample(mask: &Mask, shift: [f32; 2]) -> [f32; INPUT_SIZE] {
    let full = (SUPERSAMPLE * SUPERSAMPLE) as f32;
    let inside = u128::MAX >> (128 - N);
    let moved = |row: u128, by: isize| match by {
        by if by.unsigned_abs() >= N => 0,
        by if by >= 0 => (row << by) & inside,
        by => row >> -by,
    };
    let whole = |s: f32| (s.floor() as isize, s - s.floor());
    let ((kx, fx), (ky, fy)) = (whole(shift[0]), whole(shift[1]));
    let mut out = [0.0f32; INPUT_SIZE];
    for (y, &row) in mask.iter().enumerate() {
        if row == 0 {
            continue;
        }
        // This sub-sample row's cover of each pixel, across the two horizontal shifts.
        let mut line = [0.0f32; SIDE];
        for (by, w) in [(kx, 1.0 - fx), (kx + 1, fx)] {
            let bits = moved(row, by);
            if w == 0.0 || bits == 0 {
                continue;
            }
            for (x, l) in line.iter_mut().enumerate() {
                let cells = (bits >> (x * SUPERSAMPLE)) & ((1 << SUPERSAMPLE) - 1);
                *l += w * cells.count_ones() as f32;
            }
        }
        for (by, w) in [(ky, 1.0 - fy), (ky + 1, fy)] {
            let ty = y as isize + by;
            if w == 0.0 || !(0..N as isize).contains(&ty) {
                continue;
            }
            let pixels = &mut out[(ty as usize / SUPERSAMPLE) * SIDE..][..SIDE];
            for (o, l) in pixels.iter_mut().zip(&line) {
                *o += w * l / full;
            }
        }
    }
    out
}

/// Marks the sub-samples (centres at `i + 0.5`) within `r` of a polyline: the discs at its
/// points and the bands between them. Each of those is convex, so it covers one run of each row,
/// found from where the row crosses it rather than by measuring every sub-sample of its box
/// (which made preprocessing most of a drawing's latency, five times over for a 5-digit number).
fn draw_stroke(mask: &mut Mask, mut points: impl Iterator<Item = Point>, r: f32) {
    let Some(mut a) = points.next() else {
        return;
    };
    disc(mask, a, r);
    for b in points {
        band(mask, a, b, r);
        disc(mask, b, r);
        a = b;
    }
}

/// An empty run: its start is past its end.
const NO_RUN: [f32; 2] = [f32::INFINITY, f32::NEG_INFINITY];

fn disc(mask: &mut Mask, c: Point, r: f32) {
    fill_rows(mask, [c[1] - r, c[1] + r], |py| {
        let h2 = r * r - (py - c[1]) * (py - c[1]);
        if h2 < 0.0 {
            return NO_RUN;
        }
        let h = h2.sqrt();
        [c[0] - h, c[0] + h]
    });
}

/// The points within `r` of the segment `a`-`b` whose nearest point on it is not an end.
fn band(mask: &mut Mask, a: Point, b: Point, r: f32) {
    let d = [b[0] - a[0], b[1] - a[1]];
    let len2 = d[0] * d[0] + d[1] * d[1];
    if len2 == 0.0 {
        return;
    }
    let reach = r * len2.sqrt();
    // Multiplied by rather than divided by, row after row.
    let per = [1.0 / d[0], 1.0 / d[1]];
    let rows = [a[1].min(b[1]) - r, a[1].max(b[1]) + r];
    fill_rows(mask, rows, |py| {
        // Along the row, x = a.x + u: the projection (u, v).d within [0, len2] and the
        // distance from the line, |(u, v) x d| / |d|, within r.
        let v = py - a[1];
        let mut run = [f32::NEG_INFINITY, f32::INFINITY];
        narrow(&mut run, d[0], per[0], v * d[1], [0.0, len2]);
        narrow(&mut run, d[1], per[1], -v * d[0], [-reach, reach]);
        [a[0] + run[0], a[0] + run[1]]
    });
}

/// Marks, in each row whose centre `y + 0.5` lies within `rows`, the sub-samples whose centre
/// `x + 0.5` lies within the run `run_at(y + 0.5)`.
fn fill_rows(mask: &mut Mask, rows: [f32; 2], run_at: impl Fn(f32) -> [f32; 2]) {
    // The first centre at or past `lo`, and one past the last at or before `hi`, within 0..=N
    // (rounded by hand: `ceil` and `floor` are calls, not instructions, on baseline x86-64).
    let first = |lo: f32| {
        let v = (lo - 0.5).clamp(0.0, N as f32);
        let t = v as usize;
        t + usize::from((t as f32) < v)
    };
    let end = |hi: f32| (hi + 0.5).clamp(0.0, N as f32) as usize;
    let (y0, y1) = (first(rows[0]), end(rows[1]));
    for (y, row) in mask.iter_mut().enumerate().take(y1).skip(y0) {
        let [x0, x1] = run_at(y as f32 + 0.5);
        let (xs, xe) = (first(x0), end(x1));
        if xs < xe {
            *row |= (u128::MAX >> (128 - (xe - xs))) << xs;
        }
    }
}

/// Narrows `run` to the `u` with `k * u + c` within `limits`; `per_k` is `1 / k`.
fn narrow(run: &mut [f32; 2], k: f32, per_k: f32, c: f32, limits: [f32; 2]) {
    if k == 0.0 {
        if c < limits[0] || c > limits[1] {
            *run = NO_RUN;
        }
        return;
    }
    let (p, q) = ((limits[0] - c) * per_k, (limits[1] - c) * per_k);
    let (p, q) = if k > 0.0 { (p, q) } else { (q, p) };
    *run = [run[0].max(p), run[1].min(q)];
}

/// The same normalisation for an image that is already a raster (an MNIST digit, possibly
/// distorted by augmentation): the ink's bounding box scaled to fit 20x20 keeping its aspect
/// ratio, centred by centre of mass with bilinear sampling. `None` for a blank image.
pub fn normalize_raster(image: &[f32; INPUT_SIZE]) -> Option<[f32; INPUT_SIZE]> {
    let (x0, y0, x1, y1) = ink_bounds(image, 0.05)?;
    let (w, h) = ((x1 - x0 + 1) as f32, (y1 - y0 + 1) as f32);
    let scale = FIT / w.max(h);
    // Maps an output pixel centre back into the source, box centred on `at`.
    let box_centre = [
        (x0 as f32 + x1 as f32 + 1.0) / 2.0,
        (y0 as f32 + y1 as f32 + 1.0) / 2.0,
    ];
    let render = |at: [f32; 2]| {
        let mut out = [0.0f32; INPUT_SIZE];
        for (i, o) in out.iter_mut().enumerate() {
            let (x, y) = ((i % SIDE) as f32 + 0.5, (i / SIDE) as f32 + 0.5);
            let sx = (x - at[0]) / scale + box_centre[0];
            let sy = (y - at[1]) / scale + box_centre[1];
            *o = sample(image, sx - 0.5, sy - 0.5);
        }
        out
    };
    let mid = SIDE as f32 / 2.0;
    let first = render([mid, mid]);
    let [cx, cy] = centre_of_mass(&first)?;
    Some(render([mid + CENTRE - cx, mid + CENTRE - cy]))
}

/// Bilinear sample at pixel-index coordinates; zero outside the image.
pub fn sample(image: &[f32], x: f32, y: f32) -> f32 {
    let (fx, fy) = (x.floor(), y.floor());
    let (tx, ty) = (x - fx, y - fy);
    let at = |xi: i32, yi: i32| {
        if xi < 0 || yi < 0 || xi >= SIDE as i32 || yi >= SIDE as i32 {
            0.0
        } else {
            image[yi as usize * SIDE + xi as usize]
        }
    };
    let (xi, yi) = (fx as i32, fy as i32);
    let top = at(xi, yi) * (1.0 - tx) + at(xi + 1, yi) * tx;
    let bottom = at(xi, yi + 1) * (1.0 - tx) + at(xi + 1, yi + 1) * tx;
    top * (1.0 - ty) + bottom * ty
}

/// Intensity-weighted mean position in pixel-index coordinates, `None` for a blank image.
pub fn centre_of_mass(image: &[f32]) -> Option<[f32; 2]> {
    let (mut m, mut sx, mut sy) = (0.0f64, 0.0f64, 0.0f64);
    for (i, &v) in image.iter().enumerate() {
        let v = v as f64;
        m += v;
        sx += v * (i % SIDE) as f64;
        sy += v * (i / SIDE) as f64;
    }
    (m > 0.0).then(|| [(sx / m) as f32, (sy / m) as f32])
}

/// Bounding box of the pixels above `threshold`: `(x0, y0, x1, y1)` inclusive.
pub fn ink_bounds(image: &[f32], threshold: f32) -> Option<(usize, usize, usize, usize)> {
    let mut b: Option<(usize, usize, usize, usize)> = None;
    for (i, &v) in image.iter().enumerate() {
        if v > threshold {
            let (x, y) = (i % SIDE, i / SIDE);
            b = Some(match b {
                None => (x, y, x, y),
                Some((x0, y0, x1, y1)) => (x0.min(x), y0.min(y), x1.max(x), y1.max(y)),
            });
        }
    }
    b
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A "7" drawn at `origin` with size `size` on a canvas.
    fn seven(origin: Point, size: f32) -> Vec<Vec<Point>> {
        let p = |x: f32, y: f32| [origin[0] + x * size, origin[1] + y * size];
        vec![vec![p(0.1, 0.05), p(0.9, 0.05), p(0.7, 0.4), p(0.45, 1.0)]]
    }

    fn image(strokes: Vec<Vec<Point>>, brush: f32) -> [f32; INPUT_SIZE] {
        to_mnist(&Strokes::from_points(&strokes, brush))
            .unwrap()
            .unwrap()
    }

    #[test]
    fn empty_canvas_gives_no_image() {
        assert_eq!(to_mnist(&Strokes::default()), Ok(None));
        let s = Strokes {
            brush: 10.0,
            ..Default::default()
        };
        assert_eq!(to_mnist(&s), Ok(None));
    }

    #[test]
    fn malformed_input_is_an_error_not_a_panic() {
        let odd = Strokes {
            xy: vec![1.0, 2.0, 3.0],
            ends: vec![1],
            brush: 5.0,
        };
        assert!(matches!(to_mnist(&odd), Err(StrokeError::Malformed(_))));
        let past = Strokes {
            xy: vec![1.0, 2.0],
            ends: vec![3],
            brush: 5.0,
        };
        assert!(matches!(to_mnist(&past), Err(StrokeError::Malformed(_))));
        let nan = Strokes {
            xy: vec![f32::NAN, 2.0],
            ends: vec![1],
            brush: 5.0,
        };
        assert_eq!(to_mnist(&nan), Err(StrokeError::NotFinite));
    }

    #[test]
    fn small_in_a_corner_and_large_in_the_middle_look_the_same() {
        let small = image(seven([10.0, 12.0], 60.0), 6.0);
        let large = image(seven([60.0, 40.0], 220.0), 22.0);
        let diff: f32 = small.iter().zip(&large).map(|(a, b)| (a - b).abs()).sum();
        let ink: f32 = large.iter().sum();
        assert!(diff / ink < 0.05, "relative difference {}", diff / ink);
    }

    #[test]
    fn ink_fits_twenty_pixels_and_is_centred_by_mass() {
        let img = image(seven([0.0, 0.0], 100.0), 10.0);
        let (x0, y0, x1, y1) = ink_bounds(&img, 0.0).unwrap();
        let (w, h) = (x1 - x0 + 1, y1 - y0 + 1);
        assert!((19..=21).contains(&h), "height {h}");
        assert!(w <= 21, "width {w}");
        let [cx, cy] = centre_of_mass(&img).unwrap();
        assert!(
            (cx - CENTRE).abs() < 0.05 && (cy - CENTRE).abs() < 0.05,
            "{cx} {cy}"
        );
    }

    #[test]
    fn a_thin_one_is_not_stretched_into_a_square() {
        let one = vec![vec![[100.0, 20.0], [103.0, 200.0]]];
        let img = image(one, 12.0);
        let (x0, y0, x1, y1) = ink_bounds(&img, 0.2).unwrap();
        let (w, h) = (x1 - x0 + 1, y1 - y0 + 1);
        assert!(h >= 18, "height {h}");
        assert!(w <= 4, "a 1 should stay narrow, got width {w}");
    }

    #[test]
    fn anti_aliasing_gives_grey_edges_and_solid_cores() {
        let img = image(seven([0.0, 0.0], 100.0), 10.0);
        assert!(img.iter().any(|&v| v > 0.0 && v < 1.0));
        assert!(img.contains(&1.0));
        assert!(img.iter().all(|&v| (0.0..=1.0).contains(&v)));
    }

    #[test]
    fn a_single_tap_is_a_centred_dot() {
        let img = image(vec![vec![[50.0, 50.0]]], 10.0);
        let [cx, cy] = centre_of_mass(&img).unwrap();
        assert!((cx - CENTRE).abs() < 0.1 && (cy - CENTRE).abs() < 0.1);
    }

    #[test]
    fn ink_amount_is_mnist_like() {
        // MNIST digits carry about 100 pixels' worth of ink (median over the training set).
        let ink: f32 = image(seven([0.0, 0.0], 300.0), 24.0).iter().sum();
        assert!((40.0..140.0).contains(&ink), "ink {ink}");
    }
    #[test]
    fn raster_normalisation_fits_and_centres() {
        // A 6x10 block in a corner becomes a 12x20 block centred by mass.
        let mut img = [0.0f32; INPUT_SIZE];
        for y in 1..11 {
            for x in 2..8 {
                img[y * SIDE + x] = 1.0;
            }
        }
        let out = normalize_raster(&img).unwrap();
        let (x0, y0, x1, y1) = ink_bounds(&out, 0.5).unwrap();
        assert!((19..=21).contains(&(y1 - y0 + 1)), "height {}", y1 - y0 + 1);
        assert!((11..=13).contains(&(x1 - x0 + 1)), "width {}", x1 - x0 + 1);
        let [cx, cy] = centre_of_mass(&out).unwrap();
        assert!(
            (cx - CENTRE).abs() < 0.1 && (cy - CENTRE).abs() < 0.1,
            "{cx} {cy}"
        );
        assert!(normalize_raster(&[0.0; INPUT_SIZE]).is_none());
    }

    #[test]
    fn raster_and_stroke_paths_agree() {
        let strokes = Strokes::from_points(&seven([0.0, 0.0], 100.0), 10.0);
        let drawn = to_mnist(&strokes).unwrap().unwrap();
        let again = normalize_raster(&drawn).unwrap();
        let diff: f32 = drawn.iter().zip(&again).map(|(a, b)| (a - b).abs()).sum();
        let ink: f32 = drawn.iter().sum();
        assert!(diff / ink < 0.25, "relative difference {}", diff / ink);
    }

    #[test]
    fn a_stroke_covers_exactly_the_sub_samples_within_its_reach() {
        // Every sub-sample measured against every segment: the definition that the runs of
        // `draw_stroke` must agree with, but for centres within float rounding of the edge.
        let n = SIDE * SUPERSAMPLE;
        let mut rng = rand_mt::Mt::new(7);
        let mut coord = |lo: f32, hi: f32| lo + (hi - lo) * (rng.next_u32() as f32 / 4.3e9);
        for k in 0..1500 {
            let mut points = vec![[coord(-8.0, n as f32 + 8.0), coord(-8.0, n as f32 + 8.0)]];
            for _ in 0..k % 6 {
                let [x, y] = points[points.len() - 1];
                // Short steps as the pad gives, long lines, exact horizontals, verticals, taps.
                let (step, far) = ([coord(-3.0, 3.0), coord(-3.0, 3.0)], coord(-60.0, 60.0));
                points.push(match (k / 6) % 5 {
                    0 => [x, y],
                    1 => [x + far, y],
                    2 => [x, y + far],
                    3 => [x + far, y + coord(-60.0, 60.0)],
                    _ => [x + step[0], y + step[1]],
                });
            }
            let r = coord(2.0, 8.0);
            let mut mask = [0u128; N];
            draw_stroke(&mut mask, points.iter().copied(), r);
            let to_segment = |p: Point, a: Point, b: Point| {
                let d = [b[0] - a[0], b[1] - a[1]];
                let len2 = d[0] * d[0] + d[1] * d[1];
                let t = if len2 > 0.0 {
                    (((p[0] - a[0]) * d[0] + (p[1] - a[1]) * d[1]) / len2).clamp(0.0, 1.0)
                } else {
                    0.0
                };
                (a[0] + t * d[0] - p[0]).hypot(a[1] + t * d[1] - p[1])
            };
            for i in 0..n * n {
                let on = (mask[i / n] >> (i % n)) & 1 == 1;
                let p = [(i % n) as f32 + 0.5, (i / n) as f32 + 0.5];
                let last = points.len() - 1;
                let dist = (0..=last)
                    .map(|j| to_segment(p, points[j], points[(j + 1).min(last)]))
                    .fold(f32::MAX, f32::min);
                if (dist - r).abs() > 1e-3 {
                    assert_eq!(on, dist < r, "{points:?} r {r}: sub-sample {p:?} at {dist}");
                }
            }
        }
    }

    #[test]
    fn a_stroke_moved_a_hair_moves_the_image_a_hair() {
        // One corner of a 7 slid a pixel or so in small steps: every step's image is close to
        // the last one's (no jump where the centring's shift crosses a sub-sample).
        let mut last: Option<[f32; INPUT_SIZE]> = None;
        for k in 0..400 {
            let corner = [70.0 + k as f32 * 0.05, 40.0];
            let drawn = image(
                vec![vec![[10.0, 5.0], [90.0, 5.0], corner, [45.0, 100.0]]],
                10.0,
            );
            if let Some(prev) = last {
                let jump: f32 = drawn.iter().zip(&prev).map(|(a, b)| (a - b).abs()).sum();
                // A few sub-samples flipping at the edges: under 2; the whole digit moved a
                // quarter pixel: about 12.
                assert!(jump < 4.0, "step {k}: the pixels changed by {jump} in all");
            }
            last = Some(drawn);
        }
    }
}
