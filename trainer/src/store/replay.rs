//! The page's replay set (`digits::replay`) from MNIST: the first few digits of each class in
//! the article's training split, to replay while learning a person's style, and in its test
//! split, to measure what that learning costs. Both as the page's normalisation leaves them.
//! Beside the training digits, drawings of the trained negative kinds (`negatives`), so that a
//! model with "not a digit" keeps it while it learns.

use digits::model::{INPUT_SIZE, NOT_A_DIGIT, NUM_CLASSES};
use digits::pixels::normalize_bytes;
use digits::replay::{Digit, ReplaySet};

use crate::sets::mnist::Dataset;
use crate::sets::split::Split;

/// Where the page's build finds the replay set, relative to the workspace root.
pub const REPLAY_FILE: &str = "model/replay.bin";

/// Seeds the replayed negatives: other drawings than the training and measuring sets'.
pub const NEGATIVES_SEED: u32 = 4_711;

/// `per_class` training digits and `holdout_per_class` test digits of each class, in split
/// order, classes interleaved (0, 1, ..., 9, 0, 1, ...); then `negatives` drawings of the
/// trained kinds among the training part, labelled "not a digit".
pub fn build(
    all: &Dataset,
    split: &Split,
    per_class: usize,
    holdout_per_class: usize,
    negatives: usize,
) -> anyhow::Result<ReplaySet> {
    let mut train = balanced(all, &split.train, per_class);
    if negatives > 0 {
        let drawn = crate::draw::negatives::trained_negatives(negatives, NEGATIVES_SEED)?;
        train.extend(drawn.images.pixels.chunks_exact(INPUT_SIZE).map(|p| Digit {
            label: NOT_A_DIGIT,
            pixels: p.try_into().expect("28x28"),
        }));
    }
    Ok(ReplaySet {
        train,
        holdout: balanced(all, &split.test, holdout_per_class),
    })
}

fn balanced(all: &Dataset, order: &[u32], per_class: usize) -> Vec<Digit> {
    let mut by_class: Vec<Vec<Digit>> = vec![Vec::new(); NUM_CLASSES];
    for &i in order {
        let label = all.labels[i as usize];
        let class = &mut by_class[usize::from(label)];
        if class.len() < per_class {
            class.push(Digit {
                label,
                pixels: normalize_bytes(all.images.image(i as usize)),
            });
        }
        if by_class.iter().all(|c| c.len() == per_class) {
            break;
        }
    }
    (0..per_class)
        .flat_map(|k| by_class.iter().filter_map(move |c| c.get(k).cloned()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_are_balanced_interleaved_and_in_split_order() {
        // Twelve images labelled 0..=3 in turn, pixel 0 holding the image's index.
        let labels: Vec<u8> = (0..12).map(|i| i % 4).collect();
        let mut pixels = vec![0u8; 12 * 784];
        for i in 0..12 {
            pixels[i * 784 + 300] = i as u8 + 1; // some ink, so normalisation keeps it
        }
        let all = Dataset::from_pixels(pixels, labels);
        let order: Vec<u32> = (0..12).rev().collect();
        let digits = balanced(&all, &order, 2);
        // Classes 4-9 have no images: only 0-3 appear, two each.
        let got: Vec<u8> = digits.iter().map(|d| d.label).collect();
        assert_eq!(got, vec![0, 1, 2, 3, 0, 1, 2, 3]);
        // Image 8 (label 0) comes before image 4 (label 0) in this order.
        let ink = |d: &Digit| d.pixels.iter().copied().max().unwrap();
        assert_eq!(ink(&digits[0]), 9);
        assert_eq!(ink(&digits[4]), 5);
    }
}
