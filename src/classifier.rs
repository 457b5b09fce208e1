//! A loaded model on one burn device, answering with class probabilities for 28x28 images.

use burn::prelude::*;

use crate::model::{INPUT_SIZE, Mlp, MlpConfig, NUM_CLASSES};
use crate::weights::{self, WeightsError};

/// A model ready to classify on `device`.
pub struct Classifier {
    model: Mlp,
    device: Device,
}

impl Classifier {
    /// Loads `weights` for `config` onto `device`.
    pub fn new(weights: &[u8], config: &MlpConfig, device: Device) -> Result<Self, WeightsError> {
        let model = weights::load(weights, config, &device)?;
        Ok(Self { model, device })
    }

    fn probabilities_tensor(&self, images: &[f32]) -> Tensor<2> {
        let n = images.len() / INPUT_SIZE;
        let x = Tensor::<2>::from_data(
            TensorData::new(images.to_vec(), [n, INPUT_SIZE]),
            &self.device,
        );
        self.model.probabilities(x)
    }

    /// Probabilities for each image in `images` (`n * 784` pixels in [0, 1]), read back without
    /// blocking: the only way allowed on WebGPU in a browser.
    pub async fn probabilities(&self, images: &[f32]) -> Result<Vec<[f32; NUM_CLASSES]>, String> {
        check_len(images)?;
        let data = self
            .probabilities_tensor(images)
            .into_data_async()
            .await
            .map_err(|e| format!("reading the result back failed: {e:?}"))?;
        rows(data)
    }

    /// Blocking read-back, for native code and tests.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn probabilities_blocking(
        &self,
        images: &[f32],
    ) -> Result<Vec<[f32; NUM_CLASSES]>, String> {
        check_len(images)?;
        rows(self.probabilities_tensor(images).into_data())
    }
}

fn check_len(images: &[f32]) -> Result<(), String> {
    if images.is_empty() || !images.len().is_multiple_of(INPUT_SIZE) {
        return Err(format!(
            "expected a multiple of {INPUT_SIZE} pixels (28x28 images), got {}",
            images.len()
        ));
    }
    Ok(())
}

fn rows(data: TensorData) -> Result<Vec<[f32; NUM_CLASSES]>, String> {
    let values: Vec<f32> = data.iter::<f32>().collect();
    Ok(values
        .chunks_exact(NUM_CLASSES)
        .map(|c| std::array::from_fn(|i| c[i]))
        .collect())
}

/// Index and value of the largest probability.
pub fn top(probs: &[f32; NUM_CLASSES]) -> (usize, f32) {
    probs.iter().copied().enumerate().fold(
        (0, f32::MIN),
        |best, (i, p)| if p > best.1 { (i, p) } else { best },
    )
}
