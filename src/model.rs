//! The one MLP definition, shared by the trainer and the browser classifier so the weights the
//! trainer exports always match the network the page builds.

use burn::nn::{Dropout, DropoutConfig, Linear, LinearConfig, Relu};
use burn::prelude::*;

/// Pixels in one MNIST image (28 x 28), the network's input width.
pub const INPUT_SIZE: usize = 28 * 28;
/// Digits 0-9.
pub const NUM_CLASSES: usize = 10;

/// Shape of the network: `Linear-ReLU-Dropout` per hidden layer, then a linear classifier.
#[derive(Config, Debug, PartialEq)]
pub struct MlpConfig {
    /// Widths of the hidden layers, in order.
    pub hidden: Vec<usize>,
    /// Dropout probability after each hidden activation (training only).
    #[config(default = 0.1)]
    pub dropout: f64,
}

impl MlpConfig {
    /// The article's network: 784-100-100-10 with dropout 0.1.
    pub fn seed() -> Self {
        Self::new(vec![100, 100])
    }

    /// The page's default network: 784-256-128-10 with dropout 0.1 (about 0.94 MB of f32).
    pub fn web() -> Self {
        Self::new(vec![256, 128]).with_dropout(0.1)
    }

    /// Builds the network with freshly initialised weights (PyTorch's default bounds).
    pub fn init(&self, device: &Device) -> Mlp {
        let mut widths = Vec::with_capacity(self.hidden.len() + 2);
        widths.push(INPUT_SIZE);
        widths.extend(&self.hidden);
        widths.push(NUM_CLASSES);
        let layers = widths
            .windows(2)
            .map(|w| LinearConfig::new(w[0], w[1]).init(device))
            .collect();
        Mlp {
            layers,
            activation: Relu::new(),
            dropout: DropoutConfig::new(self.dropout).init(),
        }
    }

    /// Number of trainable parameters (weights and biases).
    pub fn num_params(&self) -> usize {
        let mut total = 0;
        let mut prev = INPUT_SIZE;
        for &w in self.hidden.iter().chain(std::iter::once(&NUM_CLASSES)) {
            total += prev * w + w;
            prev = w;
        }
        total
    }
}

/// A multilayer perceptron over flattened 28x28 images in [0, 1].
#[derive(Module, Debug)]
pub struct Mlp {
    layers: Vec<Linear>,
    activation: Relu,
    dropout: Dropout,
}

impl Mlp {
    /// Maps `[batch, 784]` pixels to `[batch, 10]` logits.
    pub fn forward(&self, input: Tensor<2>) -> Tensor<2> {
        let last = self.layers.len() - 1;
        let mut x = input;
        for (i, layer) in self.layers.iter().enumerate() {
            x = layer.forward(x);
            if i < last {
                x = self.dropout.forward(self.activation.forward(x));
            }
        }
        x
    }

    /// Class probabilities for `[batch, 784]` pixels.
    pub fn probabilities(&self, input: Tensor<2>) -> Tensor<2> {
        burn::tensor::activation::softmax(self.forward(input), 1)
    }

    /// Widths of the hidden layers, read back from the weights.
    pub fn hidden_widths(&self) -> Vec<usize> {
        let n = self.layers.len();
        self.layers[..n - 1]
            .iter()
            .map(|l| l.weight.dims()[1])
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_network_has_the_articles_parameter_count() {
        // 784*100+100 + 100*100+100 + 100*10+10
        assert_eq!(MlpConfig::seed().num_params(), 89_610);
    }

    #[test]
    #[allow(deprecated)]
    fn forward_gives_one_logit_row_per_image() {
        let device = Device::ndarray();
        let model = MlpConfig::seed().init(&device);
        assert_eq!(model.hidden_widths(), vec![100, 100]);
        let x = Tensor::<2>::zeros([3, INPUT_SIZE], &device);
        let p = model.probabilities(x);
        assert_eq!(p.dims(), [3, NUM_CLASSES]);
        let sums: Vec<f32> = p.sum_dim(1).into_data().to_vec().unwrap();
        for s in sums {
            assert!((s - 1.0).abs() < 1e-5);
        }
    }
}
