//! Mini-batches: pixels and labels of chosen images as tensors, from reused host buffers.

use burn::prelude::*;
use digits::model::INPUT_SIZE;

use crate::sets::mnist::Dataset;
use digits::pixels::unit;

/// Reusable host buffers for one mini-batch, so batching allocates nothing per sample.
#[derive(Default)]
pub struct Batcher {
    pixels: Vec<f32>,
    labels: Vec<i64>,
}

impl Batcher {
    /// Pixels scaled to [0, 1] and labels of `data[indices]`.
    pub fn batch(
        &mut self,
        data: &Dataset,
        indices: &[usize],
        device: &Device,
    ) -> (Tensor<2>, Tensor<1, Int>) {
        self.pixels.clear();
        self.labels.clear();
        for &i in indices {
            self.pixels
                .extend(data.images.image(i).iter().map(|&p| unit(p)));
            self.labels.push(data.labels[i] as i64);
        }
        let n = indices.len();
        let x = Tensor::<2>::from_data(
            TensorData::new(self.pixels.clone(), [n, INPUT_SIZE]),
            device,
        );
        let y = Tensor::<1, Int>::from_data(TensorData::new(self.labels.clone(), [n]), device);
        (x, y)
    }
}
