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
use digits::model::{INPUT_SIZE, Mlp};
use digits::pixels::byte;
use digits::preprocess::{Strokes, to_mnist};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::draw::coarsen::{self, CELLS, strokes_of};
use crate::draw::trace::BRUSH;
use crate::learn::evaluate::{Evaluation, evaluate as evaluate_set};
use crate::measure::sheet::{misses_sheet, sheet};
use crate::sets::mnist::Dataset;

/// The committed set, relative to the workspace root (`scripts/optdigits.sh` rebuilds it).
pub const FILE: &str = "trainer/data/optdigits-validation.json";
/// SHA-256 of `sklearn/datasets/data/digits.csv.gz` as decompressed, in scikit-learn 1.9.1.
pub const CSV_SHA256: &str = "6ebb3d2fee246a4e99363262ddf8a00a3c41bee6014c373ed9d9216ba7f651b8";

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
                "scikit-learn load_digits() (UCI optdigits, 8x8), {}",
                coarsen::recipe()
            ),
            csv_sha256: crate::sets::mnist::hex(&Sha256::digest(csv)),
            left_out: heldout.iter().filter(|&&i| i < sources.len()).count(),
            digits,
        })
    }

    /// The set from scikit-learn's data file (gzipped or not), checked against the release it
    /// is pinned to, leaving out the indices listed in `heldout` (one a line).
    pub fn from_files(csv: &Path, heldout: &Path) -> anyhow::Result<Self> {
        let csv = crate::sets::idx::read_maybe_gzipped(csv)?;
        let digest = crate::sets::mnist::hex(&Sha256::digest(&csv));
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
        misses_sheet(&self.dataset(), &evaluation.predictions)
    }
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
