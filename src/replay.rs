//! The replay set: a few MNIST training digits that on-device learning mixes with a person's
//! examples, so that learning their style does not unlearn everyone else's (with drawings that
//! are not digits, so that a model with "not a digit" keeps it), and a held-out slice of
//! MNIST's test split to show what a fine-tune cost. The trainer writes it
//! (`trainer replay`); the page's learning module embeds it.
//!
//! Format (all integers little-endian):
//!
//! | bytes | what |
//! |---|---|
//! | 4 | magic `DGRP` |
//! | 4 | version, 2 |
//! | 4 | number of training digits, `t` |
//! | 4 | number of held-out digits, `h` |
//! | (t + h) x 785 | each image: its label (0-9, or 10 for a drawing that is not a digit, in the training part only), then 784 pixels (0-255, row by row), the training part first |

use crate::model::{INPUT_SIZE, NOT_A_DIGIT};

const MAGIC: &[u8; 4] = b"DGRP";
const VERSION: u32 = 2;
const HEADER: usize = 16;
const RECORD: usize = 1 + INPUT_SIZE;

/// One labelled 28x28 digit, as bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Digit {
    pub label: u8,
    pub pixels: [u8; INPUT_SIZE],
}

/// Training digits to replay, and held-out digits to measure on.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ReplaySet {
    pub train: Vec<Digit>,
    pub holdout: Vec<Digit>,
}

/// Why a replay file could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReplayError {
    NotReplay,
    Version(u32),
    Truncated { expected: usize, got: usize },
    Label { index: usize, label: u8 },
}

impl std::fmt::Display for ReplayError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let again = "write it again with `trainer replay`";
        match self {
            Self::NotReplay => write!(f, "not a replay file (no DGRP header); {again}"),
            Self::Version(v) => write!(
                f,
                "replay file version {v}, this build reads {VERSION}; {again}"
            ),
            Self::Truncated { expected, got } => {
                write!(
                    f,
                    "replay file cut short: {got} of {expected} bytes; {again}"
                )
            }
            Self::Label { index, label } => {
                write!(
                    f,
                    "replay image {index} has label {label}, not 0-9 (or 10 among the training images); {again}"
                )
            }
        }
    }
}

impl std::error::Error for ReplayError {}

impl ReplaySet {
    pub fn parse(bytes: &[u8]) -> Result<Self, ReplayError> {
        if bytes.len() < HEADER || &bytes[..4] != MAGIC {
            return Err(ReplayError::NotReplay);
        }
        let word = |i: usize| u32::from_le_bytes(bytes[i..i + 4].try_into().expect("4 bytes"));
        let version = word(4);
        if version != VERSION {
            return Err(ReplayError::Version(version));
        }
        let (train, holdout) = (word(8) as usize, word(12) as usize);
        let expected = train
            .checked_add(holdout)
            .and_then(|n| n.checked_mul(RECORD))
            .and_then(|n| n.checked_add(HEADER))
            .unwrap_or(usize::MAX);
        if bytes.len() != expected {
            return Err(ReplayError::Truncated {
                expected,
                got: bytes.len(),
            });
        }
        let mut digits = bytes[HEADER..]
            .chunks_exact(RECORD)
            .enumerate()
            .map(|(index, r)| {
                let label = r[0];
                // "Not a digit" is replayed, never measured on.
                let most = if index < train { NOT_A_DIGIT } else { 9 };
                if label > most {
                    return Err(ReplayError::Label { index, label });
                }
                let pixels = r[1..].try_into().expect("784 pixels");
                Ok(Digit { label, pixels })
            });
        let train = digits.by_ref().take(train).collect::<Result<_, _>>()?;
        let holdout = digits.collect::<Result<_, _>>()?;
        Ok(Self { train, holdout })
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(HEADER + (self.train.len() + self.holdout.len()) * RECORD);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&VERSION.to_le_bytes());
        out.extend_from_slice(&(self.train.len() as u32).to_le_bytes());
        out.extend_from_slice(&(self.holdout.len() as u32).to_le_bytes());
        for d in self.train.iter().chain(&self.holdout) {
            out.push(d.label);
            out.extend_from_slice(&d.pixels);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn digit(label: u8) -> Digit {
        Digit {
            label,
            pixels: std::array::from_fn(|i| (i % 251) as u8 ^ label),
        }
    }

    fn sample() -> ReplaySet {
        ReplaySet {
            train: (0..10).map(digit).collect(),
            holdout: vec![digit(3), digit(9)],
        }
    }

    #[test]
    fn round_trips() {
        let set = sample();
        let bytes = set.to_bytes();
        assert_eq!(bytes.len(), HEADER + 12 * RECORD);
        assert_eq!(ReplaySet::parse(&bytes), Ok(set));
    }

    #[test]
    fn damaged_files_say_what_is_wrong() {
        let bytes = sample().to_bytes();
        assert_eq!(
            ReplaySet::parse(b"PK\x03\x04 a zip"),
            Err(ReplayError::NotReplay)
        );
        let mut v1 = bytes.clone();
        v1[4] = 1;
        assert_eq!(ReplaySet::parse(&v1), Err(ReplayError::Version(1)));
        let cut = &bytes[..bytes.len() - 100];
        assert_eq!(
            ReplaySet::parse(cut),
            Err(ReplayError::Truncated {
                expected: bytes.len(),
                got: cut.len()
            })
        );
        let mut bad = bytes.clone();
        bad[HEADER + 4 * RECORD] = 12;
        assert_eq!(
            ReplaySet::parse(&bad),
            Err(ReplayError::Label {
                index: 4,
                label: 12
            })
        );
        // "Not a digit" among the training images, and only there.
        let mut negative = bytes.clone();
        negative[HEADER + 4 * RECORD] = NOT_A_DIGIT;
        assert_eq!(
            ReplaySet::parse(&negative).unwrap().train[4].label,
            NOT_A_DIGIT
        );
        let mut measured = bytes.clone();
        measured[HEADER + 10 * RECORD] = NOT_A_DIGIT;
        assert_eq!(
            ReplaySet::parse(&measured),
            Err(ReplayError::Label {
                index: 10,
                label: NOT_A_DIGIT
            })
        );
        // Counts that would overflow are a short file, not a panic.
        let mut huge = bytes;
        huge[8..12].copy_from_slice(&u32::MAX.to_le_bytes());
        huge[12..16].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(matches!(
            ReplaySet::parse(&huge),
            Err(ReplayError::Truncated { .. })
        ));
        assert!(
            ReplaySet::parse(&huge)
                .unwrap_err()
                .to_string()
                .contains("trainer replay")
        );
    }
}
