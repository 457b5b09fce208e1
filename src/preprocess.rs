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

    // First place the box in the middle, then move it so the centre of mass lands on CENTRE.
    let mid = SIDE as f32 / 2.0;
    let first = rasterise(strokes, centre, scale, [mid, mid], width);
    let Some([cx, cy]) = centre_of_mass(&first) else {
        return Ok(None);
    };
    let offset = [mid + (CENTRE - cx), mid + (CENTRE - cy)];
    Ok(Some(rasterise(strokes, centre, scale, offset, width)))
}

/// Draws the strokes mapped by `(p - centre) * scale + offset` as round-capped lines of `width`
/// output pixels, with coverage-based anti-aliasing.
fn rasterise(
    strokes: &Strokes,
    centre: Point,
    scale: f32,
    offset: Point,
    width: f32,
) -> [f32; INPUT_SIZE] {
    const N: usize = SIDE * SUPERSAMPLE;
    let ss = SUPERSAMPLE as f32;
    let mut hits = [0u8; INPUT_SIZE];
    let mut mask = vec![false; N * N];
    let r = width / 2.0;
    let to_sub = |p: &[f32]| {
        [
            ((p[0] - centre[0]) * scale + offset[0]) * ss,
            ((p[1] - centre[1]) * scale + offset[1]) * ss,
        ]
    };
    let rs = r * ss;
    for stroke in strokes.iter() {
        let mut prev: Option<Point> = None;
        for p in stroke.chunks_exact(2) {
            let b = to_sub(p);
            let a = prev.unwrap_or(b);
            capsule(&mut mask, N, a, b, rs);
            prev = Some(b);
        }
    }
    for (i, &on) in mask.iter().enumerate() {
        if on {
            let (sx, sy) = (i % N, i / N);
            hits[(sy / SUPERSAMPLE) * SIDE + sx / SUPERSAMPLE] += 1;
        }
    }
    let full = (SUPERSAMPLE * SUPERSAMPLE) as f32;
    let mut out = [0.0f32; INPUT_SIZE];
    for (o, &h) in out.iter_mut().zip(&hits) {
        *o = h as f32 / full;
    }
    out
}

/// Marks the sub-samples (centres at `i + 0.5`) within `r` of the segment `a`-`b`.
fn capsule(mask: &mut [bool], n: usize, a: Point, b: Point, r: f32) {
    let lo = |v: f32| ((v - r - 0.5).floor().max(0.0) as usize).min(n);
    let hi = |v: f32| ((v + r + 0.5).ceil().max(0.0) as usize).min(n);
    let (xs, xe) = (lo(a[0].min(b[0])), hi(a[0].max(b[0])));
    let (ys, ye) = (lo(a[1].min(b[1])), hi(a[1].max(b[1])));
    let d = [b[0] - a[0], b[1] - a[1]];
    let len2 = d[0] * d[0] + d[1] * d[1];
    let r2 = r * r;
    for y in ys..ye {
        let py = y as f32 + 0.5;
        for x in xs..xe {
            let px = x as f32 + 0.5;
            let t = if len2 > 0.0 {
                (((px - a[0]) * d[0] + (py - a[1]) * d[1]) / len2).clamp(0.0, 1.0)
            } else {
                0.0
            };
            let (qx, qy) = (a[0] + t * d[0] - px, a[1] + t * d[1] - py);
            if qx * qx + qy * qy <= r2 {
                mask[y * n + x] = true;
            }
        }
    }
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
}
