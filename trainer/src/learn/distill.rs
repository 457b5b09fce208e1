//! Knowledge distillation (Hinton, Vinyals and Dean, 2015): a student learns from trained
//! teachers' softened answers as well as from the labels. Their answers say which digits a
//! drawing is close to (a 4 that is nearly a 9), which a one-hot label cannot; averaged over
//! teachers trained with other seeds, they carry less of any one run's seed noise.

use std::path::{Path, PathBuf};

use anyhow::Context;
use burn::prelude::*;
use burn::tensor::activation::{log_softmax, softmax};
use digits::model::Mlp;
use serde::{Deserialize, Serialize};

use crate::store::export::Stored;

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
    /// The models stored as `files` (each `NAME.bpk`, with `NAME.json` beside it) on `device`,
    /// to teach a network with `outputs` outputs that reads `normalized` inputs as they do.
    pub fn load(
        files: &[PathBuf],
        weight: f32,
        temperature: f32,
        outputs: usize,
        normalized: bool,
        device: &Device,
    ) -> anyhow::Result<Self> {
        anyhow::ensure!(!files.is_empty(), "--distill-from needs a weights file");
        anyhow::ensure!(
            (0.0..=1.0).contains(&weight),
            "--distill-weight must be between 0 and 1, got {weight}"
        );
        anyhow::ensure!(
            temperature.is_finite() && temperature > 0.0,
            "--distill-temperature must be above 0, got {temperature}"
        );
        let mut models = Vec::with_capacity(files.len());
        let mut teachers = Vec::with_capacity(files.len());
        for path in files {
            let (model, sha256) = load_one(path, outputs, normalized, device)?;
            models.push(model);
            teachers.push(TeacherFile {
                file: path.display().to_string(),
                sha256,
            });
        }
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

/// One teacher's network, after checking that it answers what the run learns, and the SHA-256
/// of its weights.
fn load_one(
    path: &Path,
    outputs: usize,
    normalized: bool,
    device: &Device,
) -> anyhow::Result<(Mlp, String)> {
    let (dir, name) = split_path(path)?;
    let stored = Stored::load(&dir, &name)
        .with_context(|| format!("{}: cannot read the teacher", path.display()))?;
    let teacher_outputs = stored.card.config().outputs;
    anyhow::ensure!(
        teacher_outputs == outputs,
        "{}: the teacher has {teacher_outputs} outputs and this run {outputs}; a model with \
         \"not a digit\" learns from one that has it too",
        path.display()
    );
    anyhow::ensure!(
        stored.card.normalized_input() == normalized,
        "{}: the teacher and this run read differently prepared images (normalised input: {} \
         and {normalized})",
        path.display(),
        stored.card.normalized_input()
    );
    let model = stored.model(device)?;
    let sha256 = crate::sets::mnist::hex(&<sha2::Sha256 as sha2::Digest>::digest(&stored.bytes));
    Ok((model, sha256))
}

/// `model/web.bpk` as the folder and name `Stored::load` takes.
fn split_path(weights: &Path) -> anyhow::Result<(PathBuf, String)> {
    anyhow::ensure!(
        weights.extension().is_some_and(|e| e == "bpk"),
        "{}: give the teacher's weights file, NAME.bpk (its card NAME.json beside it)",
        weights.display()
    );
    let name = weights
        .file_stem()
        .and_then(|s| s.to_str())
        .with_context(|| format!("{}: not a file name", weights.display()))?;
    let dir = weights
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    Ok((dir, name.to_string()))
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
    fn a_teacher_that_is_not_a_weights_file_is_refused_clearly() {
        let device = device();
        let dir = std::env::temp_dir().join(format!("distill-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let load = |path: &Path, w, t| {
            Teachers::load(&[path.to_path_buf()], w, t, 11, true, &device).err()
        };
        let err = load(&dir.join("web.json"), 0.5, 2.0)
            .expect("refused")
            .to_string();
        assert!(err.contains("NAME.bpk"), "{err}");
        let err = load(&dir.join("missing.bpk"), 0.5, 2.0).expect("refused");
        assert!(
            format!("{err:#}").contains("cannot read the teacher"),
            "{err:#}"
        );
        let err = load(&dir.join("web.bpk"), 1.5, 2.0)
            .expect("refused")
            .to_string();
        assert!(err.contains("--distill-weight"), "{err}");
        let err = load(&dir.join("web.bpk"), 0.5, 0.0)
            .expect("refused")
            .to_string();
        assert!(err.contains("--distill-temperature"), "{err}");
        let none = Teachers::load(&[], 0.5, 2.0, 11, true, &device).err();
        assert!(
            none.expect("refused")
                .to_string()
                .contains("--distill-from")
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
