//! "Not a digit": a small second network beside a model, trained on the model's own training
//! digits against letters, shapes, scribbles and lines (the trainer's `negatives`), that says
//! how likely a drawing is not a digit at all. The digit model keeps its ten outputs and its
//! recipe; a model without a gate (the article's) never answers "not a digit".

use burn::prelude::*;

use crate::classifier::ClassifyError;
use crate::model::{INPUT_SIZE, Mlp, MlpConfig};
use crate::weights::{self, WeightsError};

/// The gate's network: 784-64-2 (digit, not a digit).
pub fn config() -> MlpConfig {
    MlpConfig::new(vec![64]).with_outputs(2)
}

/// The gate's answer for "digit", and for "not a digit".
pub const DIGIT: u8 = 0;
pub const NOT_DIGIT: u8 = 1;

/// Above this probability of "not a digit" the page says so.
pub const THRESHOLD: f32 = 0.5;

/// A loaded gate on one burn device.
pub struct Gate {
    model: Mlp,
    device: Device,
}

impl Gate {
    /// Loads the gate's stored weights onto `device`.
    pub fn new(weights: &[u8], device: Device) -> Result<Self, WeightsError> {
        let model = weights::load(weights, &config(), &device)?;
        Ok(Self { model, device })
    }

    /// A gate from a network already on `device` (the trainer's, before it is stored).
    pub fn from_model(model: Mlp, device: Device) -> Self {
        Self { model, device }
    }

    fn logits(&self, images: &[f32]) -> Result<Tensor<2>, ClassifyError> {
        if images.is_empty() || !images.len().is_multiple_of(INPUT_SIZE) {
            return Err(ClassifyError::InputSize(images.len()));
        }
        let n = images.len() / INPUT_SIZE;
        let x = Tensor::<2>::from_data(
            TensorData::new(images.to_vec(), [n, INPUT_SIZE]),
            &self.device,
        );
        Ok(self.model.forward(x))
    }

    /// The probability that each image (`n * 784` pixels in [0, 1]) is not a digit.
    pub async fn not_digit(&self, images: &[f32]) -> Result<Vec<f32>, ClassifyError> {
        let data = self
            .logits(images)?
            .into_data_async()
            .await
            .map_err(|e| ClassifyError::ReadBack(format!("{e:?}")))?;
        Ok(not_digit_of(data))
    }

    /// Blocking read-back, for native code and tests.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn not_digit_blocking(&self, images: &[f32]) -> Result<Vec<f32>, ClassifyError> {
        Ok(not_digit_of(self.logits(images)?.into_data()))
    }
}

/// Softmax's "not a digit" share of each row of two logits.
fn not_digit_of(logits: TensorData) -> Vec<f32> {
    let values: Vec<f32> = logits.iter::<f32>().collect();
    values
        .chunks_exact(2)
        .map(|z| 1.0 / (1.0 + (z[0] - z[1]).exp()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_not_digit_share_is_softmax_of_two() {
        let data = TensorData::new(vec![0.0f32, 0.0, 2.0, -1.0, -30.0, 30.0], [3, 2]);
        let p = not_digit_of(data);
        assert!((p[0] - 0.5).abs() < 1e-6);
        let want = (-1.0f32).exp() / ((2.0f32).exp() + (-1.0f32).exp());
        assert!((p[1] - want).abs() < 1e-6);
        assert!(p[2] > 0.999_999 && p[2].is_finite());
    }

    #[test]
    #[allow(deprecated)]
    fn a_gate_for_another_network_is_refused() {
        let device = Device::ndarray();
        let digits = MlpConfig::new(vec![64]).init(&device);
        let bytes = weights::to_bytes(digits, weights::Precision::F32).unwrap();
        assert!(matches!(
            Gate::new(&bytes, device),
            Err(WeightsError::Mismatch { .. })
        ));
    }
}
