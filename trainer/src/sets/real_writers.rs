//! The real writers' pen sets in their roles: what the `web` recipe trains on, what chooses it
//! (pendigits' 14 validation writers), and a check on UNIPEN sites it never trains on.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::{Glyph, pendigits, unipen};

/// UNIPEN sites kept out of training, for a check on writers from places the model never saw
/// (91 writers: 800 digits, 4,100 letters). The other sites train.
pub const HELD_OUT_SITES: &[&str] = &["imp", "tos"];

/// Letters written like a digit by many hands (O and 0, l and 1, S and 5, ...): never taught
/// as "not a digit", and not counted when measuring how many letters are turned away. Measured
/// (`--example pen_lookalikes`, README): the letters that a model trained on real writers'
/// digits but no letters reads surely (p >= 0.8) as one and the same digit for at least a
/// quarter of the training sites' writers. The next ones down, Y (20%) and y (12%), are taught.
pub const DIGIT_SHAPED: &[char] = &[
    'O', 'o', 'S', 's', 'l', 'b', 'Z', 'B', 'D', 'z', 'G', 'I', 'g', 'q',
];

/// One file a model learned from, for its card.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SetFile {
    pub file: String,
    pub sha256: String,
    /// Glyphs of it that trained the model.
    pub trained: usize,
}

/// The training letters a trained model accepted as digits at the page's threshold, taught
/// `repeat` more times each (hard-negative mining, `--hard-letters-from`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HardLetters {
    /// The model that chose them, and the SHA-256 of its weights.
    pub miner: String,
    pub sha256: String,
    pub repeat: usize,
    /// How many of the training letters it accepted as digits.
    pub found: usize,
}

/// The real writers' glyphs, by role.
#[derive(Debug, Clone, Default)]
pub struct RealWriters {
    /// pendigits' 30 training writers and UNIPEN's digits from the training sites.
    pub train_digits: Vec<Glyph>,
    /// UNIPEN's letters from the training sites, less the digit-shaped ones.
    pub train_letters: Vec<Glyph>,
    /// The files they came from, with checksums.
    pub files: Vec<SetFile>,
}

/// Is `g` a letter that is not written like a digit?
pub fn is_non_digit_letter(g: &Glyph) -> bool {
    g.label.is_ascii_alphabetic() && !DIGIT_SHAPED.contains(&g.label)
}

fn held_out(g: &Glyph) -> bool {
    HELD_OUT_SITES.contains(&g.source.as_str())
}

impl RealWriters {
    /// Loads and checks every training file; when some are missing, names them all with where
    /// to get them.
    pub fn load(pendigits_dir: &Path, unipen_dir: &Path) -> anyhow::Result<Self> {
        let wanted = [
            (
                pendigits_dir.join(pendigits::Part::Train.file()),
                pendigits::HINT,
            ),
            (
                pendigits_dir.join(pendigits::Part::Validation.file()),
                pendigits::HINT,
            ),
            (unipen_dir.join(unipen::Part::Digits.file()), unipen::HINT),
            (unipen_dir.join(unipen::Part::Letters.file()), unipen::HINT),
        ];
        let missing: Vec<&(std::path::PathBuf, &str)> =
            wanted.iter().filter(|(p, _)| !p.is_file()).collect();
        if !missing.is_empty() {
            let mut hints: Vec<&str> = missing.iter().map(|m| m.1).collect();
            hints.dedup();
            anyhow::bail!(
                "missing: {}. {}",
                missing
                    .iter()
                    .map(|m| m.0.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
                hints.join(". ")
            );
        }
        let pen = pendigits::load(pendigits_dir, pendigits::Part::Train)?;
        let digits: Vec<Glyph> = unipen::load(unipen_dir, unipen::Part::Digits)?
            .into_iter()
            .filter(|g| !held_out(g))
            .collect();
        let letters: Vec<Glyph> = unipen::load(unipen_dir, unipen::Part::Letters)?
            .into_iter()
            .filter(|g| !held_out(g) && is_non_digit_letter(g))
            .collect();
        let files = vec![
            SetFile {
                file: format!("pendigits/{}", pendigits::Part::Train.file()),
                sha256: pendigits::Part::Train.sha256().to_owned(),
                trained: pen.len(),
            },
            SetFile {
                file: format!("unipen/{}", unipen::Part::Digits.file()),
                sha256: unipen::Part::Digits.sha256().to_owned(),
                trained: digits.len(),
            },
            SetFile {
                file: format!("unipen/{}", unipen::Part::Letters.file()),
                sha256: unipen::Part::Letters.sha256().to_owned(),
                trained: letters.len(),
            },
        ];
        let mut train_digits = pen;
        train_digits.extend(digits);
        Ok(Self {
            train_digits,
            train_letters: letters,
            files,
        })
    }
}

/// pendigits' 14 validation writers: the set the recipe is chosen on.
pub fn validation(pendigits_dir: &Path) -> anyhow::Result<Vec<Glyph>> {
    Ok(pendigits::load(pendigits_dir, pendigits::Part::Validation)?)
}

/// UNIPEN's held-out sites: their digits, and their letters that are not written like digits.
pub fn held_out_sites(unipen_dir: &Path) -> anyhow::Result<(Vec<Glyph>, Vec<Glyph>)> {
    let digits = unipen::load(unipen_dir, unipen::Part::Digits)?
        .into_iter()
        .filter(held_out)
        .collect();
    let letters = unipen::load(unipen_dir, unipen::Part::Letters)?
        .into_iter()
        .filter(|g| held_out(g) && is_non_digit_letter(g))
        .collect();
    Ok((digits, letters))
}
