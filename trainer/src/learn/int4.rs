//! Training through int4 rounding: the last epochs of a run see each weight matrix as the int4
//! file will hold it (`digits::weights::quantize_int4`: its scales, its 15 levels), and learn
//! past the rounding. The gradient skips the rounding itself (a straight-through estimate), so
//! the f32 weights keep moving while the loss is that of the rounded network.

use burn::prelude::*;
use digits::model::Mlp;
use digits::weights::{int4_groups, int4_scales};

/// Training steps between two recomputations of the scales: they follow the largest weights of
/// a band, which move slowly, and finding them costs a pass over every weight on the host.
pub const RESCALE_STEPS: usize = 200;

/// Each layer's int4 scales as a full `[inputs, outputs]` matrix, as the file will store them
/// for the model's weights now (a zero scale, a band of zero weights, as 1: it rounds to zero
/// either way).
pub fn scales(model: &Mlp, device: &Device) -> Vec<Tensor<2>> {
    model
        .weight_matrices()
        .into_iter()
        .map(|(rows, cols, values)| {
            let groups = int4_groups(rows);
            let band = rows.div_ceil(groups);
            let per_band = int4_scales(&values, rows, cols, groups);
            let full: Vec<f32> = (0..rows * cols)
                .map(|i| per_band[(i / cols / band) * cols + i % cols])
                .map(|s| if s > 0.0 { s } else { 1.0 })
                .collect();
            Tensor::from_data(TensorData::new(full, [rows, cols]), device)
        })
        .collect()
}

/// `weight` as its int4 rounding with `scale`, with the gradient of `weight` itself.
pub fn round(weight: Tensor<2>, scale: &Tensor<2>) -> Tensor<2> {
    let rounded = (weight.clone() / scale.clone()).round().clamp(-7.0, 7.0) * scale.clone();
    weight.clone() + (rounded - weight).detach()
}

#[cfg(test)]
mod tests {
    use super::*;
    use digits::model::MlpConfig;
    use digits::weights::{Precision, load, to_bytes};

    #[allow(deprecated)]
    fn cpu() -> Device {
        Device::ndarray()
    }

    /// The network through `round` answers as the int4 file loaded back does.
    #[test]
    fn rounding_matches_the_stored_int4_file() {
        let config = MlpConfig::new(vec![24, 12]);
        let device = cpu();
        let model = config.init(&device);
        let scales = scales(&model, &device);
        let x = Tensor::<2>::random([5, 784], burn::tensor::Distribution::Default, &device);
        let rounded = model.forward_through(x.clone(), |i, w| round(w, &scales[i]));
        let bytes = to_bytes(model.clone(), Precision::Int4).unwrap();
        let stored = load(&bytes, &config, &device).unwrap().forward(x.clone());
        let plain = model.forward(x);
        let gap =
            |a: &Tensor<2>, b: &Tensor<2>| (a.clone() - b.clone()).abs().max().into_scalar::<f32>();
        // f16 scales and summation order apart, the same network; not the f32 one.
        assert!(gap(&rounded, &stored) < 1e-3, "{}", gap(&rounded, &stored));
        assert!(gap(&plain, &stored) > 1e-3, "{}", gap(&plain, &stored));
    }

    /// The gradient passes the rounding as if it were not there.
    #[test]
    #[allow(deprecated)]
    fn gradients_pass_straight_through() {
        let device = cpu().autodiff();
        let w = Tensor::<2>::from_data(
            TensorData::new(vec![0.3f32, -0.7, 0.06, 1.0], [2, 2]),
            &device,
        )
        .require_grad();
        let scale = Tensor::<2>::from_data(TensorData::new(vec![0.1f32; 4], [2, 2]), &device);
        let r = round(w.clone(), &scale);
        let values = r
            .clone()
            .into_data()
            .convert::<f32>()
            .into_vec::<f32>()
            .unwrap();
        assert_eq!(values, vec![0.3, -0.7, 0.1, 0.7]);
        let grads = (r * Tensor::from_data(
            TensorData::new(vec![1.0f32, 2.0, 3.0, 4.0], [2, 2]),
            &device,
        ))
        .sum()
        .backward();
        let g = w
            .grad(&grads)
            .unwrap()
            .into_data()
            .convert::<f32>()
            .into_vec::<f32>()
            .unwrap();
        assert_eq!(g, vec![1.0, 2.0, 3.0, 4.0]);
    }
}
