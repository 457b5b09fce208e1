//! Digits by real writers outside MNIST, as the pad would give them: UCI's optdigits as
//! scikit-learn ships them (`load_digits()`: 1,797 digits as 8x8 images, each pixel the count of
//! inked cells, 0-16, in a 4x4 block of a 32x32 bitmap), upsampled, thresholded, thinned to a
//! skeleton, traced into pen strokes and drawn with the page's brush through the page's
//! preprocessing.
//!
//! The set is for choosing what to change and which run ships; it is never trained on. The
//! 300 digits the team keeps for its own measurement are left out when the set is built, and
//! the file records which digits it holds, so that can be checked.

use std::collections::BTreeSet;
use std::path::Path;

use anyhow::Context;
use burn::prelude::*;
use digits::model::{INPUT_SIZE, Mlp, NUM_CLASSES};
use digits::pixels::byte;
use digits::preprocess::{Point, SIDE, Strokes, to_mnist};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::evaluate::{Evaluation, evaluate as evaluate_set};
use crate::mnist::Dataset;
use crate::trace::{BRUSH, CANVAS, thin, trace};

/// The committed set, relative to the workspace root (`scripts/optdigits.sh` rebuilds it).
pub const FILE: &str = "trainer/data/optdigits-validation.json";
/// SHA-256 of `sklearn/datasets/data/digits.csv.gz` as decompressed, in scikit-learn 1.9.1.
pub const CSV_SHA256: &str = "6ebb3d2fee246a4e99363262ddf8a00a3c41bee6014c373ed9d9216ba7f651b8";
/// Cells per side of an optdigits image.
const CELLS: usize = 8;
/// Output pixels per cell: the 8x8 grid becomes 24x24 inside the 28x28 frame the tracer works in.
const ZOOM: f32 = 3.0;
/// Coverage (of 16) above which an upsampled pixel is ink.
const THRESHOLD: f32 = 6.0;
/// Coverage of the strokes' core: background enclosed by it is a loop's inside, kept open.
const CORE: f32 = 11.5;
/// Skeleton branches this short (in pixels) that end in the open are thinning artefacts.
const SPUR: usize = 2;

/// Why a source file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum OptdigitsError {
    #[error("line {line}: {reason}")]
    Csv { line: usize, reason: String },
    #[error("{path}: {reason}")]
    File { path: String, reason: String },
    #[error("held-out list, line {line}: {text:?} is not a digit index")]
    Heldout { line: usize, text: String },
}

/// One digit of the source: 64 pixels (0-16), row-major, and its label.
#[derive(Debug, Clone, PartialEq)]
pub struct Source {
    pub pixels: [u8; CELLS * CELLS],
    pub label: u8,
}

/// Reads scikit-learn's `digits.csv`: 65 integers a line, 64 pixels (0-16) then the label.
pub fn parse_csv(text: &str) -> Result<Vec<Source>, OptdigitsError> {
    let mut out = Vec::new();
    for (n, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let err = |reason: String| OptdigitsError::Csv {
            line: n + 1,
            reason,
        };
        let values = line
            .split(',')
            .map(|v| v.trim().parse::<u8>())
            .collect::<Result<Vec<u8>, _>>()
            .map_err(|e| err(format!("not a small integer ({e})")))?;
        if values.len() != CELLS * CELLS + 1 {
            return Err(err(format!("{} values, expected 65", values.len())));
        }
        if let Some(v) = values[..64].iter().find(|&&v| v > 16) {
            return Err(err(format!("pixel value {v} is over 16")));
        }
        let label = values[64];
        if label > 9 {
            return Err(err(format!("label {label} is not a digit")));
        }
        out.push(Source {
            pixels: values[..64].try_into().expect("64 values"),
            label,
        });
    }
    Ok(out)
}

/// Reads the team's held-out list: one index a line; `#` starts a comment.
pub fn parse_heldout(text: &str) -> Result<BTreeSet<usize>, OptdigitsError> {
    let mut out = BTreeSet::new();
    for (n, line) in text.lines().enumerate() {
        let t = line.split('#').next().unwrap_or("").trim();
        if t.is_empty() {
            continue;
        }
        let i = t.parse().map_err(|_| OptdigitsError::Heldout {
            line: n + 1,
            text: t.into(),
        })?;
        out.insert(i);
    }
    Ok(out)
}

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
    let skeleton = thin(&upsample(pixels));
    let paths = trace(&skeleton);
    // A pixel's number of skeleton neighbours tells ends (1) from junctions (3+).
    let degree = |i: usize| {
        let (x, y) = ((i % SIDE) as i32, (i / SIDE) as i32);
        let mut n = 0;
        for dy in -1..=1 {
            for dx in -1..=1 {
                let (nx, ny) = (x + dx, y + dy);
                if (dx, dy) != (0, 0)
                    && (0..SIDE as i32).contains(&nx)
                    && (0..SIDE as i32).contains(&ny)
                    && skeleton[ny as usize * SIDE + nx as usize]
                {
                    n += 1;
                }
            }
        }
        n
    };
    let is_spur = |p: &Vec<usize>| {
        let (a, b) = (degree(p[0]), degree(p[p.len() - 1]));
        paths.len() > 1 && p.len() <= SPUR + 1 && (a == 1) != (b == 1)
    };
    let k = CANVAS / SIDE as f32;
    paths
        .iter()
        .filter(|p| !is_spur(p))
        .map(|p| {
            let pts: Vec<Point> = p
                .iter()
                .map(|&i| [((i % SIDE) as f32 + 0.5) * k, ((i / SIDE) as f32 + 0.5) * k])
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

/// One digit of the set: its index in `load_digits()`, its label and its strokes (canvas
/// units, `x, y` pairs per stroke).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Digit {
    pub index: usize,
    pub label: u8,
    pub strokes: Vec<Vec<f32>>,
}

/// The validation set as the trainer keeps it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ValidationSet {
    /// Where the digits come from and how they were made.
    pub source: String,
    /// SHA-256 of the decompressed `digits.csv` they were made from.
    pub csv_sha256: String,
    /// How many digits of the source were left out (the team's held-out list).
    pub left_out: usize,
    pub digits: Vec<Digit>,
}

impl ValidationSet {
    /// The set from scikit-learn's `digits.csv` (decompressed), leaving out `heldout`.
    pub fn build(csv: &[u8], heldout: &BTreeSet<usize>) -> Result<Self, OptdigitsError> {
        let text = std::str::from_utf8(csv).map_err(|e| OptdigitsError::Csv {
            line: 0,
            reason: format!("not UTF-8 text ({e})"),
        })?;
        let sources = parse_csv(text)?;
        let digits = sources
            .iter()
            .enumerate()
            .filter(|(i, _)| !heldout.contains(i))
            .map(|(index, s)| Digit {
                index,
                label: s.label,
                strokes: strokes_of(&s.pixels)
                    .into_iter()
                    .map(|p| p.iter().flat_map(|&[x, y]| [round(x), round(y)]).collect())
                    .collect(),
            })
            .collect();
        Ok(Self {
            source: format!(
                "scikit-learn load_digits() (UCI optdigits, 8x8), upsampled x{ZOOM} (bicubic), thresholded at \
                 {THRESHOLD}/16 (loops enclosed at {CORE}/16 kept open), thinned (Zhang-Suen), traced, spurs <= {SPUR} px removed, smoothed"
            ),
            csv_sha256: crate::mnist::hex(&Sha256::digest(csv)),
            left_out: heldout.iter().filter(|&&i| i < sources.len()).count(),
            digits,
        })
    }

    /// The set from scikit-learn's data file (gzipped or not), checked against the release it
    /// is pinned to, leaving out the indices listed in `heldout` (one a line).
    pub fn from_files(csv: &Path, heldout: &Path) -> anyhow::Result<Self> {
        let csv = crate::idx::read_maybe_gzipped(csv)?;
        let digest = crate::mnist::hex(&Sha256::digest(&csv));
        anyhow::ensure!(
            digest == CSV_SHA256,
            "the digits file's SHA-256 is {digest}, not scikit-learn 1.9.1's {CSV_SHA256}: \
             use scripts/optdigits.sh, which fetches that release"
        );
        let text = std::fs::read_to_string(heldout)
            .with_context(|| format!("{}: cannot read the held-out list", heldout.display()))?;
        Ok(Self::build(&csv, &parse_heldout(&text)?)?)
    }

    /// Reads the committed set (or another file of the same format).
    pub fn load(path: &Path) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| OptdigitsError::File {
            path: path.display().to_string(),
            reason: format!("{e}; rebuild it with scripts/optdigits.sh"),
        })?;
        let set: Self = serde_json::from_str(&text).map_err(|e| OptdigitsError::File {
            path: path.display().to_string(),
            reason: format!("not a validation set ({e})"),
        })?;
        if let Some(d) = set.digits.iter().find(|d| d.label > 9) {
            anyhow::bail!(
                "{}: digit #{} has label {}",
                path.display(),
                d.index,
                d.label
            );
        }
        Ok(set)
    }

    /// The committed set.
    pub fn committed() -> anyhow::Result<Self> {
        Self::load(&crate::in_workspace(FILE))
    }

    /// Each digit as the pad records it.
    pub fn strokes(&self) -> impl Iterator<Item = Strokes> + '_ {
        self.digits.iter().map(|d| Strokes {
            ends: d
                .strokes
                .iter()
                .scan(0u32, |n, s| {
                    *n += (s.len() / 2) as u32;
                    Some(*n)
                })
                .collect(),
            xy: d.strokes.concat(),
            brush: BRUSH,
        })
    }

    /// The 28x28 images (bytes) the page's preprocessing makes of the set, and their labels.
    pub fn dataset(&self) -> Dataset {
        let mut pixels = Vec::with_capacity(self.digits.len() * INPUT_SIZE);
        for s in self.strokes() {
            let img = to_mnist(&s).ok().flatten().unwrap_or([0.0; INPUT_SIZE]);
            pixels.extend(img.iter().map(|&v| byte(v)));
        }
        Dataset::from_pixels(pixels, self.digits.iter().map(|d| d.label).collect())
    }

    /// Accuracy and confusion of `model` on the set.
    pub fn evaluate(&self, model: &Mlp, device: &Device) -> Evaluation {
        evaluate_set(model, &self.dataset(), device)
    }

    /// The set as a picture (binary PGM), 50 digits a row, as the model sees them.
    pub fn contact_sheet(&self) -> Vec<u8> {
        let set = self.dataset();
        let cols = 50;
        let rows: Vec<Vec<usize>> = (0..set.len())
            .collect::<Vec<_>>()
            .chunks(cols)
            .map(<[usize]>::to_vec)
            .collect();
        sheet(&set, &rows, cols)
    }

    /// The digits `evaluation` misread, as a picture (binary PGM): one row per true digit,
    /// ordered by what each was read as, and a line per row saying so.
    pub fn misses_sheet(&self, evaluation: &Evaluation) -> (Vec<u8>, String) {
        let set = self.dataset();
        let mut rows = vec![Vec::new(); NUM_CLASSES];
        for (i, (&label, &pred)) in set.labels.iter().zip(&evaluation.predictions).enumerate() {
            if label != pred {
                rows[label as usize].push((pred, i));
            }
        }
        let mut legend = String::new();
        let rows: Vec<Vec<usize>> = rows
            .into_iter()
            .enumerate()
            .map(|(digit, mut row)| {
                row.sort();
                let read: String = row.iter().map(|&(p, _)| char::from(b'0' + p)).collect();
                legend += &format!("{digit} read as: {read}\n");
                row.into_iter().map(|(_, i)| i).collect()
            })
            .collect();
        let cols = rows.iter().map(Vec::len).max().unwrap_or(0).max(1);
        (sheet(&set, &rows, cols), legend)
    }
}

/// `set`'s images `rows` as a binary PGM `cols` images wide.
fn sheet(set: &Dataset, rows: &[Vec<usize>], cols: usize) -> Vec<u8> {
    let (w, h) = (cols * SIDE, rows.len() * SIDE);
    let mut img = vec![0u8; w * h];
    for (r, row) in rows.iter().enumerate() {
        for (c, &i) in row.iter().enumerate() {
            let src = set.images.image(i);
            for y in 0..SIDE {
                let at = (r * SIDE + y) * w + c * SIDE;
                img[at..at + SIDE].copy_from_slice(&src[y * SIDE..(y + 1) * SIDE]);
            }
        }
    }
    let mut out = format!("P5\n{w} {h}\n255\n").into_bytes();
    out.extend(img);
    out
}

fn round(v: f32) -> f32 {
    (v * 10.0).round() / 10.0
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 0 as optdigits writes it (the first digit of `load_digits()`).
    const ZERO: &str = "0,0,5,13,9,1,0,0,0,0,13,15,10,15,5,0,0,3,15,2,0,11,8,0,0,4,12,0,0,8,8,0,0,5,8,0,0,9,8,0,\
         0,4,11,0,1,12,7,0,0,2,14,5,10,12,0,0,0,0,6,13,10,0,0,0,0";
    /// A 1: a plain bar.
    const ONE: &str = "0,0,0,12,13,5,0,0,0,0,0,11,16,9,0,0,0,0,3,15,16,6,0,0,0,7,15,16,16,2,0,0,0,0,1,16,16,3,\
         0,0,0,0,1,16,16,6,0,0,0,0,1,16,16,6,0,0,0,0,0,11,16,10,0,0,1";

    #[test]
    fn csv_lines_parse_and_bad_ones_say_where() {
        let set = parse_csv(&format!("{ZERO}\n{ONE}\n")).unwrap();
        assert_eq!(set.len(), 2);
        assert_eq!((set[0].label, set[1].label), (0, 1));
        assert_eq!(set[0].pixels[2], 5);
        let err = parse_csv(&format!("{ZERO}\n1,2,3\n")).unwrap_err();
        assert!(err.to_string().starts_with("line 2: 3 values"), "{err}");
        let err = parse_csv(&ZERO.replace("13,9", "17,9")).unwrap_err();
        assert!(err.to_string().contains("over 16"), "{err}");
        assert!(parse_csv("a,b").is_err());
    }

    #[test]
    fn heldout_list_skips_comments_and_refuses_junk() {
        let h = parse_heldout("# indices\n4\n5 # two\n\n4\n").unwrap();
        assert_eq!(h.into_iter().collect::<Vec<_>>(), vec![4, 5]);
        assert!(parse_heldout("4\nfive\n").is_err());
    }

    #[test]
    fn a_zero_draws_as_a_ring() {
        let src = &parse_csv(ZERO).unwrap()[0];
        let strokes = strokes_of(&src.pixels);
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

    #[test]
    fn held_out_digits_are_left_out_and_counted() {
        let csv = format!("{ZERO}\n{ONE}\n{ZERO}\n");
        let set = ValidationSet::build(csv.as_bytes(), &[1, 7].into()).unwrap();
        assert_eq!(
            set.digits.iter().map(|d| d.index).collect::<Vec<_>>(),
            vec![0, 2]
        );
        assert_eq!(set.left_out, 1);
        let data = set.dataset();
        assert_eq!(data.len(), 2);
        assert!(data.images.image(0).iter().any(|&p| p > 200));
    }
}
