//! Pixels as MNIST stores them (bytes, 0-255) and as the network takes them (f32, 0-1): the
//! trainer's data sets, the replay set and the examples a person teaches the page are all bytes.

use crate::model::INPUT_SIZE;
use crate::preprocess::normalize_raster;

/// A stored pixel as the network reads it. Inlined across crates: the trainer's batching
/// calls it for every pixel of every batch.
#[inline]
pub fn unit(p: u8) -> f32 {
    f32::from(p) / 255.0
}

/// A network pixel as stored, clamped to [0, 1] and rounded.
pub fn byte(v: f32) -> u8 {
    (v.clamp(0.0, 1.0) * 255.0).round() as u8
}

/// A whole image in [0, 1].
pub fn image_unit(pixels: &[u8]) -> [f32; INPUT_SIZE] {
    std::array::from_fn(|i| unit(pixels[i]))
}

/// A whole image as bytes.
pub fn image_bytes(image: &[f32; INPUT_SIZE]) -> [u8; INPUT_SIZE] {
    std::array::from_fn(|i| byte(image[i]))
}

/// MNIST test images go through the page's normalisation too, so a model trained on normalised
/// digits is measured on what it will see.
pub fn normalize_bytes(pixels: &[u8]) -> [u8; INPUT_SIZE] {
    let img = image_unit(pixels);
    match normalize_raster(&img) {
        Some(n) => image_bytes(&n),
        None => std::array::from_fn(|i| pixels[i]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_and_units_round_trip() {
        for p in 0..=255u8 {
            assert_eq!(byte(unit(p)), p);
        }
        assert_eq!(byte(-0.5), 0);
        assert_eq!(byte(1.5), 255);
    }
}
