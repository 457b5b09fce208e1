//! Knowledge distillation (Hinton, Vinyals and Dean, 2015): a student learns from trained
//! teachers' softened answers as well as from the labels. Their answers say which digits a
//! drawing is close to (a 4 that is nearly a 9), which a one-hot label cannot; averaged over
//! teachers trained with other seeds, they carry less of any one run's seed noise.

use burn::prelude::*;
use burn::tensor::activation::{log_softmax, softmax};
use digits::model::Mlp;
use serde::{Deserialize, Serialize};

/// How a run learns from its teachers; a card records it whole.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Distill {
    /// The teachers' weights files, as given, with their SHA-256: which models taught the run,
    /// whatever the files hold now.
    pub teachers: Vec<TeacherFile>,
    /// Share of the loss taken from the teachers' answers; the rest is from the labels.
    pub weight: f32,
    /// Temperature every network's answers are softened by in that share.
    pub temperature: f32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TeacherFile {
    pub file: String,
    pub sha256: String,
}

/// Teachers read from disk: their networks and what a card records of them.
pub struct Teachers {
    models: Vec<Mlp>,
    pub distill: Distill,
}

impl Teachers {
    /// `models`, each with the file it came from, to teach with `weight` of the loss at
    /// `temperature`.
    pub fn new(
        models: Vec<(Mlp, TeacherFile)>,
        weight: f32,
        temperature: f32,
    ) -> anyhow::Result<Self> {
        anyhow::ensure!(!models.is_empty(), "--distill-from needs a weights file");
        anyhow::ensure!(
            (0.0..=1.0).contains(&weight),
            "--distill-weight must be between 0 and 1, got {weight}"
        );
        anyhow::ensure!(
            temperature.is_finite() && temperature > 0.0,
            "--distill-temperature must be above 0, got {temperature}"
        );
        let (models, teachers) = models.into_iter().unzip();
        Ok(Self {
            models,
            distill: Distill {
                teachers,
                weight,
                temperature,
            },
        })
    }

    /// The teachers' answers to `x` (without autodiff) softened by `temperature`, averaged.
    pub fn soft_answers(&self, x: Tensor<2>, temperature: f32) -> Tensor<2> {
        let n = self.models.len() as f32;
        self.models
            .iter()
            .map(|m| softmax(m.forward(x.clone()).div_scalar(temperature), 1))
            .reduce(|a, b| a + b)
            .expect("at least one teacher")
            .div_scalar(n)
    }
}

/// The run's loss: `1 - weight` of the labels' cross-entropy `ce` plus `weight` of the
/// Kullback-Leibler divergence from the teachers' softened answers `teacher` (which carry no
/// autodiff: teachers are not trained) to the student's, scaled by the temperature squared so
/// that its gradients keep their size whatever the temperature.
pub fn loss(ce: Tensor<1>, logits: Tensor<2>, teacher: Tensor<2>, d: &Distill) -> Tensor<1> {
    let t = d.temperature;
    let log_q = log_softmax(logits.div_scalar(t), 1);
    // An answer that underflowed to 0 adds nothing to the divergence (0 log 0 = 0).
    let log_p = teacher.clone().clamp_min(1e-30).log();
    let kl = (teacher * (log_p - log_q))
        .sum_dim(1)
        .mean()
        .mul_scalar(t * t);
    ce.mul_scalar(1.0 - d.weight) + kl.mul_scalar(d.weight)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn distill(weight: f32, temperature: f32) -> Distill {
        Distill {
            teachers: Vec::new(),
            weight,
            temperature,
        }
    }

    fn tensor(rows: &[[f32; 3]], device: &Device) -> Tensor<2> {
        let flat: Vec<f32> = rows.iter().flatten().copied().collect();
        Tensor::from_data(TensorData::new(flat, [rows.len(), 3]), device)
    }

    #[allow(deprecated)] // burn-ndarray is the CPU backend this product names.
    fn device() -> Device {
        Device::ndarray()
    }

    #[test]
    fn agreeing_with_the_teacher_costs_nothing_beyond_the_labels() {
        let device = device();
        let logits = tensor(&[[2.0, 0.5, -1.0], [0.0, 3.0, 1.0]], &device);
        let ce = Tensor::<1>::from_data(TensorData::new(vec![0.7f32], [1]), &device);
        let teacher = softmax(logits.clone().div_scalar(2.0), 1);
        let total = loss(ce, logits, teacher, &distill(0.5, 2.0));
        let value = total.into_scalar::<f32>();
        assert!((value - 0.35).abs() < 1e-5, "{value}");
    }

    #[test]
    fn disagreeing_costs_more_and_the_weight_shares_the_loss() {
        let device = device();
        let student = tensor(&[[3.0, 0.0, 0.0]], &device);
        let teacher = softmax(tensor(&[[0.0, 3.0, 0.0]], &device), 1);
        let ce = || Tensor::<1>::from_data(TensorData::new(vec![1.0f32], [1]), &device);
        let at =
            |w| loss(ce(), student.clone(), teacher.clone(), &distill(w, 1.0)).into_scalar::<f32>();
        assert!((at(0.0) - 1.0).abs() < 1e-6, "labels only");
        // KL(p || q) for these two softmaxes, worked by hand: p = softmax(0, 3, 0), q =
        // softmax(3, 0, 0); sum p (log p - log q) = 3 (p1 - p0) with p0 = p2.
        let p1 = 3f32.exp() / (3f32.exp() + 2.0);
        let p0 = 1.0 / (3f32.exp() + 2.0);
        let kl = 3.0 * (p1 - p0);
        assert!((at(1.0) - kl).abs() < 1e-4, "{} vs {kl}", at(1.0));
        assert!((at(0.5) - (0.5 + 0.5 * kl)).abs() < 1e-4);
    }

    #[test]
    fn two_teachers_answer_their_average() {
        let device = device();
        let config = digits::model::MlpConfig::new(vec![8]).with_outputs(3);
        device.seed(1);
        let a = config.init(&device);
        let b = config.init(&device);
        let x = Tensor::<2>::from_data(
            TensorData::new(
                vec![0.5f32; 2 * digits::model::INPUT_SIZE],
                [2, digits::model::INPUT_SIZE],
            ),
            &device,
        );
        let teachers = |models: Vec<Mlp>| Teachers {
            models,
            distill: distill(0.5, 2.0),
        };
        let one = |m: &Mlp| teachers(vec![m.clone()]).soft_answers(x.clone(), 2.0);
        let both = teachers(vec![a.clone(), b.clone()]).soft_answers(x.clone(), 2.0);
        let mean = (one(&a) + one(&b)).div_scalar(2.0);
        let diff = (both.clone() - mean).abs().max().into_scalar::<f32>();
        assert!(diff < 1e-6, "{diff}");
        let sums: Vec<f32> = both.sum_dim(1).into_data().try_to_vec().unwrap();
        assert!(sums.iter().all(|s| (s - 1.0).abs() < 1e-5), "{sums:?}");
    }

    #[test]
    fn settings_out_of_range_are_refused_clearly() {
        let device = device();
        let model = || {
            let m = digits::model::MlpConfig::new(vec![4]).init(&device);
            let file = TeacherFile {
                file: "t.bpk".into(),
                sha256: String::new(),
            };
            vec![(m, file)]
        };
        let err = |models, w, t| {
            Teachers::new(models, w, t)
                .err()
                .expect("refused")
                .to_string()
        };
        assert!(err(model(), 1.5, 2.0).contains("--distill-weight"));
        assert!(err(model(), 0.5, 0.0).contains("--distill-temperature"));
        assert!(err(Vec::new(), 0.5, 2.0).contains("--distill-from"));
        assert!(Teachers::new(model(), 0.5, 2.0).is_ok());
    }
}
