//! Augmentation that makes MNIST scans look like digits drawn on a canvas: the shared raster
//! distortions (`digits::distort`: stroke width, affine, elastic), then, two times in three, the
//! digit redrawn as pen strokes (sometimes with a style edit), and the page's own 20x20-fit +
//! centre-of-mass normalisation.

use digits::distort::{DistortConfig, Distorter};
use digits::model::INPUT_SIZE;
use digits::pixels::image_bytes;
use digits::preprocess::normalize_raster;

/// How strong each distortion is.
#[derive(Debug, Clone)]
pub struct AugmentConfig {
    /// The raster distortions, shared with the page's on-device learning.
    pub distort: DistortConfig,
    /// Share of the digits redrawn as strokes that also get a style edit (`restyle`): a flag
    /// on a 1, a crossbar on a 7, a hook or a "g" tail on a 9, a closed top on a 4, a small
    /// top loop on an 8.
    pub style_edit_rate: f32,
    /// Share of the digits redrawn as strokes that are first coarsened to 8x8 and traced as the
    /// real-writer validation set is (`coarsen::coarsen`), so that coarse drawings are seen.
    pub coarse_rate: f32,
}

impl Default for AugmentConfig {
    fn default() -> Self {
        Self {
            distort: DistortConfig::default(),
            style_edit_rate: 0.3,
            coarse_rate: 0.0,
        }
    }
}

/// A seeded source of distorted digits.
pub struct Augmenter {
    distorter: Distorter,
    style_edit_rate: f32,
    coarse_rate: f32,
}

impl Augmenter {
    pub fn new(seed: u32, config: AugmentConfig) -> Self {
        Self {
            distorter: Distorter::new(seed, config.distort),
            style_edit_rate: config.style_edit_rate,
            coarse_rate: config.coarse_rate,
        }
    }

    /// A distorted, normalised copy of a 28x28 digit (bytes 0-255) labelled `label`, as bytes
    /// again.
    pub fn augment(&mut self, pixels: &[u8], label: u8) -> [u8; INPUT_SIZE] {
        let d = &mut self.distorter;
        let out = d.distort(pixels);
        let bytes = image_bytes(&out);
        // Two times in three, redraw the distorted digit as pen strokes of a random width
        // through the page's own preprocessing: exactly what a drawing on the pad becomes.
        if !d.next_u32().is_multiple_of(3) {
            let brush = d.uniform(8.0, 40.0);
            let coarse = (self.coarse_rate > 0.0 && d.uniform(0.0, 1.0) < self.coarse_rate)
                .then(|| crate::draw::coarsen::coarsen(&bytes))
                .flatten();
            let mut strokes = match coarse {
                Some(cells) => digits::preprocess::Strokes::from_points(
                    &crate::draw::coarsen::strokes_of(&cells),
                    brush,
                ),
                None => crate::draw::trace::strokes_with_brush(&bytes, brush),
            };
            if d.uniform(0.0, 1.0) < self.style_edit_rate {
                let mut u = |lo, hi| d.uniform(lo, hi);
                if let Some(edited) = crate::draw::restyle::restyle(&strokes, label, &mut u) {
                    strokes = edited;
                }
            }
            if let Ok(Some(img)) = digits::preprocess::to_mnist(&strokes) {
                return image_bytes(&img);
            }
        }
        let out = normalize_raster(&out).unwrap_or(out);
        image_bytes(&out)
    }
}

/// `n` digits of `train` (cycling through it) with their labels, each distorted and redrawn as
/// the digit model's training digits are, with `coarse_rate` of them from an 8x8 coarsening.
/// Two threads, seeded from `seed`.
pub fn augmented_digits(
    train: &crate::sets::mnist::Dataset,
    n: usize,
    coarse_rate: f32,
    seed: u32,
) -> crate::sets::mnist::Dataset {
    let mut pixels = vec![0u8; n * INPUT_SIZE];
    let half = n.div_ceil(2).max(1);
    std::thread::scope(|s| {
        for (k, part) in pixels.chunks_mut(half * INPUT_SIZE).enumerate() {
            s.spawn(move || {
                let config = AugmentConfig {
                    coarse_rate,
                    ..Default::default()
                };
                let mut aug = Augmenter::new(seed + k as u32, config);
                for (j, out) in part.chunks_mut(INPUT_SIZE).enumerate() {
                    let i = (k * half + j) % train.len();
                    out.copy_from_slice(&aug.augment(train.images.image(i), train.labels[i]));
                }
            });
        }
    });
    let labels = (0..n).map(|i| train.labels[i % train.len()]).collect();
    crate::sets::mnist::Dataset::from_pixels(pixels, labels)
}

#[cfg(test)]
mod tests {
    use super::*;
    use digits::pixels::{image_bytes, image_unit};
    use digits::preprocess::{Strokes, to_mnist};

    /// A plain 1, drawn as the pad would give it.
    fn bar() -> Vec<u8> {
        let stroke = vec![vec![[140.0, 40.0], [140.0, 240.0]]];
        let img = to_mnist(&Strokes::from_points(&stroke, 15.0))
            .unwrap()
            .unwrap();
        image_bytes(&img).to_vec()
    }

    #[test]
    fn augmented_digits_differ_but_keep_their_ink_centred() {
        let mut a = Augmenter::new(1, AugmentConfig::default());
        let x = a.augment(&bar(), 1);
        let y = a.augment(&bar(), 1);
        assert_ne!(x, y);
        let f = image_unit(&x);
        let [cx, cy] = digits::preprocess::centre_of_mass(&f).unwrap();
        assert!(
            (cx - 14.0).abs() < 0.6 && (cy - 14.0).abs() < 0.6,
            "{cx} {cy}"
        );
    }

    #[test]
    fn same_seed_same_distortions() {
        let a = Augmenter::new(7, AugmentConfig::default()).augment(&bar(), 1);
        let b = Augmenter::new(7, AugmentConfig::default()).augment(&bar(), 1);
        assert_eq!(a, b);
    }
}
