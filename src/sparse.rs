//! The network as the CPU runs it: each layer's product is handed only the inputs that are not
//! zero, its weight matrix kept on the host to pick their rows from.
//!
//! A drawing leaves most of its 784 pixels blank (about 140 are inked in the validation writers'
//! digits) and ReLU zeroes most of each hidden layer (about 80 of `web`'s 512 and 55 of its 256
//! stay), while burn-ndarray's product pads a single row to eight and copies the whole weight
//! matrix on every call. Leaving the zeros out does the same sums less their zero terms, with a
//! sixth of the multiply-adds: one drawing's classification took 2.6x less time in Chromium
//! (docs/performance.md). Not for a GPU: shapes would change with every drawing, and each layer
//! is read back.

use burn::prelude::*;
use burn::tensor::ExecutionError;
use burn::tensor::activation::relu;
use burn::tensor::module::linear;

use crate::directions::Input;
use crate::model::{INPUT_SIZE, Mlp};
use crate::weights::WeightsError;

/// One `Linear`: its weight matrix row after row, one row per input, and its bias on the device.
struct Layer {
    weight: Vec<f32>,
    outputs: usize,
    bias: Option<Tensor<1>>,
}

/// An [`Mlp`] that leaves out zero inputs (see the module's note).
pub struct SparseMlp {
    input: Input,
    layers: Vec<Layer>,
    device: Device,
}

impl SparseMlp {
    /// The same network as `model`, its weight matrices moved to the host: on a device that
    /// reads back at once (the CPU).
    pub fn new(model: Mlp, device: &Device) -> Result<Self, WeightsError> {
        let input = model.input();
        let layers = model
            .into_layers()
            .into_iter()
            .map(|(weight, bias)| {
                let [_, outputs] = weight.dims();
                let weight = weight
                    .try_into_data()
                    .map_err(|e| WeightsError::Decode(format!("reading the weights: {e:?}")))?
                    .try_into_vec::<f32>()
                    .map_err(|e| WeightsError::Decode(format!("weights not f32: {e:?}")))?;
                Ok(Layer {
                    weight,
                    outputs,
                    bias,
                })
            })
            .collect::<Result<_, WeightsError>>()?;
        Ok(Self {
            input,
            layers,
            device: device.clone(),
        })
    }

    /// [`Mlp::forward`]'s logits for the images in `pixels` (784 each, row after row).
    pub async fn logits(&self, pixels: &[f32]) -> Result<Vec<f32>, ExecutionError> {
        let rows = pixels.len() / INPUT_SIZE;
        let mut values = self.input.read(&pixels[..rows * INPUT_SIZE]);
        let mut width = self.input.width();
        for (i, layer) in self.layers.iter().enumerate() {
            let live = live_columns(&values, width);
            let mut x = Vec::with_capacity(rows * live.len());
            for row in values.chunks_exact(width) {
                x.extend(live.iter().map(|&c| row[c]));
            }
            // Row by row, as whole slices: a copy the wasm build's size-first code keeps fast.
            let mut w = Vec::with_capacity(live.len() * layer.outputs);
            for &c in &live {
                w.extend_from_slice(&layer.weight[c * layer.outputs..(c + 1) * layer.outputs]);
            }
            let x = Tensor::<2>::from_data(TensorData::new(x, [rows, live.len()]), &self.device);
            let w = Tensor::<2>::from_data(
                TensorData::new(w, [live.len(), layer.outputs]),
                &self.device,
            );
            let mut y = linear(x, w, layer.bias.clone());
            if i + 1 < self.layers.len() {
                y = relu(y);
            }
            values = y.into_data_async().await?.iter::<f32>().collect();
            width = layer.outputs;
        }
        Ok(values)
    }
}

/// The columns of `values` (rows `width` wide) that are not zero in some row, or the first
/// alone where all are (a product over no inputs is not one every backend takes).
fn live_columns(values: &[f32], width: usize) -> Vec<usize> {
    let mut live = vec![false; width];
    for row in values.chunks_exact(width) {
        for (l, &v) in live.iter_mut().zip(row) {
            *l |= v != 0.0;
        }
    }
    let columns: Vec<usize> = (0..width).filter(|&c| live[c]).collect();
    if columns.is_empty() { vec![0] } else { columns }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Architecture;

    #[test]
    #[allow(deprecated)]
    fn leaving_out_zero_inputs_gives_forwards_logits() {
        for directions in [false, true] {
            let config = Architecture::named("web")
                .config()
                .with_directions(directions);
            forward_and_sparse_agree(config.init(&Device::ndarray()));
        }
    }

    #[allow(deprecated)]
    fn forward_and_sparse_agree(model: Mlp) {
        let device = Device::ndarray();
        let sparse = SparseMlp::new(model.clone(), &device).unwrap();
        // A blank image, a stroke across some rows, and a row with a negative pixel: the
        // columns kept are those of any row.
        let mut pixels = vec![0.0f32; 3 * INPUT_SIZE];
        for c in 300..340 {
            pixels[INPUT_SIZE + c] = 0.25 + (c % 7) as f32 / 10.0;
        }
        pixels[2 * INPUT_SIZE + 5] = -0.5;
        pixels[2 * INPUT_SIZE + 783] = 1.0;
        for rows in [1, 2, 3] {
            let x = &pixels[..rows * INPUT_SIZE];
            let want: Vec<f32> = model
                .forward(Tensor::from_data(
                    TensorData::new(x.to_vec(), [rows, INPUT_SIZE]),
                    &device,
                ))
                .into_data()
                .iter::<f32>()
                .collect();
            let got = burn::tensor::read_sync(sparse.logits(x)).unwrap();
            assert_eq!(got.len(), want.len());
            for (g, w) in got.iter().zip(&want) {
                assert!((g - w).abs() < 1e-5, "{rows} rows: {g} against {w}");
            }
        }
    }

    #[test]
    fn the_columns_kept_are_those_inked_in_any_row() {
        assert_eq!(live_columns(&[0.0, 2.0, 0.0, 0.0, 0.0, 3.0], 3), [1, 2]);
        assert_eq!(live_columns(&[0.0, -1.0, f32::NAN], 3), [1, 2]);
        assert_eq!(live_columns(&[0.0; 6], 3), [0], "a product needs one input");
    }
}
