//! Adam as PyTorch computes it, fused into one pass over each parameter on the host.
//!
//! burn's `Adam` spends about a dozen tensor ops (each a full pass, most allocating) on every
//! parameter every step, a large share of a step at the article's small batches on the CPU
//! backends (docs/performance.md), where a single loop over host memory does the same update
//! in one pass. On a GPU the host round trip would cost more than it saves, so there the trainer
//! keeps burn's.
//!
//! The state is burn's own [`AdamState`], so the update matches [`burn::optim::Adam`] step for
//! step (see the tests) and either can be swapped in.

use burn::optim::{AdamState, AdaptiveMomentumState, LearningRate, Optimizer};
use burn::prelude::*;

/// The moments of PyTorch's `torch.optim.Adam` (no weight decay, no AMSGrad).
#[derive(Debug, Clone, Copy)]
pub struct HostAdam {
    pub beta_1: f32,
    pub beta_2: f32,
    pub epsilon: f32,
}

impl Optimizer for HostAdam {
    type State<const D: usize> = AdamState<D>;

    fn step<const D: usize>(
        &self,
        lr: LearningRate,
        tensor: Tensor<D>,
        grad: Tensor<D>,
        state: Option<Self::State<D>>,
    ) -> (Tensor<D>, Option<Self::State<D>>) {
        let device = tensor.device();
        let shape = tensor.shape();
        let mut param = host(tensor);
        let grad = host(grad);
        let (time, mut m, mut v) = match state {
            Some(s) => (
                s.momentum.time + 1,
                host(s.momentum.moment_1),
                host(s.momentum.moment_2),
            ),
            None => (1, vec![0.0; param.len()], vec![0.0; param.len()]),
        };
        self.update(lr, time, &mut param, &grad, &mut m, &mut v);
        let tensor =
            |values: Vec<f32>| Tensor::from_data(TensorData::new(values, shape.clone()), &device);
        let momentum = AdaptiveMomentumState::new(time, tensor(m), tensor(v));
        (tensor(param), Some(AdamState::new(momentum)))
    }

    fn to_device<const D: usize>(mut state: Self::State<D>, device: &Device) -> Self::State<D> {
        state.momentum = state.momentum.to_device(device);
        state
    }
}

impl HostAdam {
    /// Step `time` (1-based) of PyTorch's Adam.
    fn update(
        &self,
        lr: LearningRate,
        time: usize,
        param: &mut [f32],
        grad: &[f32],
        m: &mut [f32],
        v: &mut [f32],
    ) {
        let t = time.min(i32::MAX as usize) as i32;
        let step_size = (lr / (1.0 - (self.beta_1 as f64).powi(t))) as f32;
        let inv_bias_correction2_sqrt = (1.0 / (1.0 - (self.beta_2 as f64).powi(t)).sqrt()) as f32;
        let coefficients = [
            self.beta_1,
            self.beta_2,
            self.epsilon,
            step_size,
            inv_bias_correction2_sqrt,
        ];
        update_moments_and_param(coefficients, param, grad, m, v);
    }
}

/// The update's one pass, compiled for AVX2 and FMA too and chosen at run time: its square root
/// and division dominate it, and run twice as wide there as with the baseline x86-64's SSE.
#[multiversion::multiversion(targets("x86_64+avx2+fma", "aarch64+neon"))]
fn update_moments_and_param(
    [b1, b2, eps, step_size, inv_bc2_sqrt]: [f32; 5],
    param: &mut [f32],
    grad: &[f32],
    m: &mut [f32],
    v: &mut [f32],
) {
    for (((p, &g), m), v) in param.iter_mut().zip(grad).zip(m).zip(v) {
        *m = flush(b1 * *m + (1.0 - b1) * g);
        *v = flush(b2 * *v + (1.0 - b2) * g * g);
        *p -= step_size * *m / (v.sqrt() * inv_bc2_sqrt + eps);
    }
}

/// `x`, or 0 when it is subnormal. A weight that never gets a gradient (an input pixel that is
/// always blank, a unit that never fires) has moments that shrink by beta each step until they
/// are subnormal, where every operation on them takes a slow path of the CPU. Flushed, its
/// update stays what it was: a step of at most 1e-30 or so, far below the weight's own
/// precision.
#[inline(always)]
fn flush(x: f32) -> f32 {
    if x.abs() < f32::MIN_POSITIVE { 0.0 } else { x }
}

/// The f32 values of a float tensor, in row-major order.
fn host<const D: usize>(tensor: Tensor<D>) -> Vec<f32> {
    tensor
        .into_data()
        .convert::<f32>()
        .try_into_vec()
        .expect("a float tensor converted to f32 holds f32 values")
}

#[cfg(test)]
mod tests {
    use burn::nn::{Linear, LinearConfig};
    use burn::optim::{AdamConfig, GradientsParams, ModuleOptimizer};

    use super::*;

    fn device() -> Device {
        #[allow(deprecated)]
        Device::ndarray().autodiff()
    }

    /// Takes `steps` steps on a fixed regression problem and returns the weights.
    fn train(mut optim: ModuleOptimizer, steps: usize) -> Vec<f32> {
        let device = device();
        device.seed(7);
        let mut layer: Linear = LinearConfig::new(5, 3).init(&device);
        let x = Tensor::<2>::random([8, 5], burn::tensor::Distribution::Default, &device);
        let y = Tensor::<2>::random([8, 3], burn::tensor::Distribution::Default, &device);
        for _ in 0..steps {
            let loss = (layer.forward(x.clone()) - y.clone()).powi_scalar(2).mean();
            let grads = GradientsParams::from_grads(loss.backward(), &layer);
            layer = optim.step(0.01, layer, grads);
        }
        layer.weight.val().into_data().try_to_vec().unwrap()
    }

    #[test]
    fn matches_burns_adam_step_for_step() {
        let (b1, b2, eps) = (0.9, 0.999, 1e-8);
        let ours = train(
            ModuleOptimizer::from(HostAdam {
                beta_1: b1,
                beta_2: b2,
                epsilon: eps,
            }),
            25,
        );
        let burns = train(
            AdamConfig::new()
                .with_beta_1(b1)
                .with_beta_2(b2)
                .with_epsilon(eps)
                .init(),
            25,
        );
        let start = train(AdamConfig::new().init(), 0);
        for ((a, b), s) in ours.iter().zip(&burns).zip(&start) {
            assert!((a - b).abs() < 1e-5, "host {a} vs burn {b}");
            // 25 steps of lr 0.01 move every weight, so the comparison is not of two no-ops.
            assert!((a - s).abs() > 1e-3, "weight did not move: {s} -> {a}");
        }
    }

    #[test]
    fn first_step_moves_each_weight_by_lr_against_its_gradient() {
        // With zero moments, Adam's first step is -lr * sign(g) (up to epsilon).
        let adam = HostAdam {
            beta_1: 0.9,
            beta_2: 0.999,
            epsilon: 1e-8,
        };
        let mut p = [1.0, 1.0, 1.0];
        let (mut m, mut v) = ([0.0; 3], [0.0; 3]);
        adam.update(0.01, 1, &mut p, &[0.5, -2.0, 1e-3], &mut m, &mut v);
        for (got, want) in p.iter().zip([0.99, 1.01, 0.99]) {
            assert!((got - want).abs() < 1e-5, "{got} vs {want}");
        }
    }
}
