//! A loaded model on one burn device, answering with class probabilities for 28x28 images.

use burn::prelude::*;

use crate::model::{INPUT_SIZE, Mlp, MlpConfig, NUM_CLASSES, WITH_NOT_A_DIGIT};
use crate::sparse::SparseMlp;
use crate::weights::{self, WeightsError};

/// Why a classification could not be made or trusted.
#[derive(Debug, Clone, PartialEq)]
pub enum ClassifyError {
    /// Not whole 28x28 images: the number of pixels given.
    InputSize(usize),
    /// The device could not hand the result back (a lost WebGPU device, a driver error).
    ReadBack(String),
    /// Two answers of different lengths, or one that is not a probability (NaN, infinite).
    NotComparable(String),
}

impl std::fmt::Display for ClassifyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::InputSize(n) => write!(
                f,
                "expected a multiple of {INPUT_SIZE} pixels (28x28 images), got {n}"
            ),
            Self::ReadBack(e) => write!(f, "reading the result back failed: {e}"),
            Self::NotComparable(e) => write!(f, "the answers cannot be compared: {e}"),
        }
    }
}

impl std::error::Error for ClassifyError {}

/// On a [`Classifier::bucketed`] one, batches of more than one image are padded (with blank
/// images) to one of a few sizes, so that they reuse a few compiled shapes instead of stalling on
/// each new count (on SwiftShader's WebGPU the first batch of 3 took 3.3 s): up to
/// `BATCH_BUCKETS[0]` for a number's digits, then multiples of `BATCH_BUCKETS[1]` for the
/// halves of a wide part's cuts (18 images each; `joined`).
pub const BATCH_BUCKETS: [usize; 2] = [8, 32];

/// The rows a bucketed batch of `n` images is padded to.
pub fn bucket(n: usize) -> usize {
    match n {
        0 | 1 => n,
        n if n <= BATCH_BUCKETS[0] => BATCH_BUCKETS[0],
        n => n.next_multiple_of(BATCH_BUCKETS[1]),
    }
}

/// What a model says of one image.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Answer {
    /// The ten digits' probabilities among themselves: what the drawing is, if it is a digit.
    pub digits: [f32; NUM_CLASSES],
    /// The probability that it is not a digit at all (the eleventh output's share of all
    /// eleven); 0 for a network of ten outputs, which cannot say so.
    pub not_a_digit: f32,
}

/// An [`Answer`] as the page receives it: the ten digits, then "not a digit".
pub const ANSWER_LEN: usize = NUM_CLASSES + 1;

impl Answer {
    /// From one row of logits: ten, or eleven with "not a digit" last.
    pub fn from_logits(logits: &[f32]) -> Self {
        let digits = softmax(std::array::from_fn(|i| logits[i]));
        let not_a_digit = match logits.get(NUM_CLASSES) {
            Some(&z) if logits.len() == WITH_NOT_A_DIGIT => {
                // exp(z) over the sum of all eleven, the largest subtracted first.
                let max = logits.iter().copied().fold(f32::NEG_INFINITY, f32::max);
                let sum: f32 = logits.iter().map(|l| (l - max).exp()).sum();
                (z - max).exp() / sum
            }
            _ => 0.0,
        };
        Self {
            digits,
            not_a_digit,
        }
    }

    /// The page's form: the ten digits, then "not a digit".
    pub fn row(&self) -> [f32; ANSWER_LEN] {
        std::array::from_fn(|i| self.digits.get(i).copied().unwrap_or(self.not_a_digit))
    }

    /// Back from the page's form ([`Answer::row`]); missing values read as 0.
    pub fn from_row(row: &[f32]) -> Self {
        let at = |i: usize| row.get(i).copied().unwrap_or(0.0);
        Self {
            digits: std::array::from_fn(at),
            not_a_digit: at(NUM_CLASSES),
        }
    }
}

/// A model ready to classify on `device`.
pub struct Classifier {
    network: Network,
    outputs: usize,
}

/// How the network runs: leaving out zero inputs on the CPU, whole and in padded batches on a
/// GPU.
enum Network {
    Sparse(SparseMlp),
    Bucketed(Mlp, Device),
}

impl Classifier {
    /// Loads `weights` for `config` onto `device`, to run as the CPU does ([`SparseMlp`]).
    pub fn new(weights: &[u8], config: &MlpConfig, device: Device) -> Result<Self, WeightsError> {
        let model = weights::load(weights, config, &device)?;
        Ok(Self {
            network: Network::Sparse(SparseMlp::new(model, &device)?),
            outputs: config.outputs,
        })
    }

    /// Loads `weights` for `config` onto `device`, multiplying every input and padding batches
    /// to a few sizes ([`bucket`]): for devices that compile kernels per shape (WebGPU).
    pub fn bucketed(
        weights: &[u8],
        config: &MlpConfig,
        device: Device,
    ) -> Result<Self, WeightsError> {
        let model = weights::load(weights, config, &device)?;
        Ok(Self {
            network: Network::Bucketed(model, device),
            outputs: config.outputs,
        })
    }

    /// Ten outputs, or eleven with "not a digit".
    pub fn outputs(&self) -> usize {
        self.outputs
    }

    /// The logits only: softmax over ten values is done on the host, not as the handful of
    /// extra kernel launches it would take on a GPU. Rows past the images' own are padding.
    async fn logits(&self, images: &[f32]) -> Result<Vec<f32>, ClassifyError> {
        let read_back = |e| ClassifyError::ReadBack(format!("{e:?}"));
        let (model, device) = match &self.network {
            Network::Sparse(sparse) => return sparse.logits(images).await.map_err(read_back),
            Network::Bucketed(model, device) => (model, device),
        };
        let rows = bucket(images.len() / INPUT_SIZE);
        let input = model.input();
        let mut values = input.read(images);
        values.resize(rows * input.width(), 0.0);
        let x = Tensor::<2>::from_data(TensorData::new(values, [rows, input.width()]), device);
        let data = model.forward_read(x).into_data_async().await;
        Ok(data.map_err(read_back)?.iter::<f32>().collect())
    }

    /// The answer for each image in `images` (`n * 784` pixels in [0, 1]), read back without
    /// blocking: the only way allowed on WebGPU in a browser.
    pub async fn probabilities(&self, images: &[f32]) -> Result<Vec<Answer>, ClassifyError> {
        check_len(images)?;
        let logits = self.logits(images).await?;
        Ok(answers(&logits, self.outputs, images.len() / INPUT_SIZE))
    }

    /// Blocking read-back, for native code and tests.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn probabilities_blocking(&self, images: &[f32]) -> Result<Vec<Answer>, ClassifyError> {
        burn::tensor::read_sync(self.probabilities(images))
    }
}

fn check_len(images: &[f32]) -> Result<(), ClassifyError> {
    if images.is_empty() || !images.len().is_multiple_of(INPUT_SIZE) {
        return Err(ClassifyError::InputSize(images.len()));
    }
    Ok(())
}

/// Answers from the first `n` rows of logits, `outputs` wide (the rest are padding).
fn answers(logits: &[f32], outputs: usize, n: usize) -> Vec<Answer> {
    logits
        .chunks_exact(outputs)
        .take(n)
        .map(Answer::from_logits)
        .collect()
}

/// Softmax of one row of logits, the largest subtracted first so that `exp` cannot overflow.
pub fn softmax(logits: [f32; NUM_CLASSES]) -> [f32; NUM_CLASSES] {
    let max = logits.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let exp = logits.map(|z| (z - max).exp());
    let sum: f32 = exp.iter().sum();
    exp.map(|e| e / sum)
}

/// The largest difference between two answers, or why they cannot be compared: an answer that
/// is not a probability (NaN, infinite) fails outright, since `f32::max` would skip a NaN.
pub fn answers_differ_by(a: &[f32], b: &[f32]) -> Result<f32, ClassifyError> {
    if a.len() != b.len() {
        return Err(ClassifyError::NotComparable(format!(
            "{} probabilities against {}",
            b.len(),
            a.len()
        )));
    }
    if let Some(p) = a.iter().chain(b).find(|p| !p.is_finite()) {
        return Err(ClassifyError::NotComparable(format!(
            "an answer holds {p}, not a probability"
        )));
    }
    Ok(a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f32::max))
}

/// Index and value of the largest probability.
pub fn top(probs: &[f32; NUM_CLASSES]) -> (usize, f32) {
    probs.iter().copied().enumerate().fold(
        (0, f32::MIN),
        |best, (i, p)| if p > best.1 { (i, p) } else { best },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_survives_the_pages_form() {
        let eleven: Vec<f32> = (0..WITH_NOT_A_DIGIT)
            .map(|i| i as f32 * 0.3 - 1.0)
            .collect();
        let a = Answer::from_logits(&eleven);
        assert_eq!(Answer::from_row(&a.row()), a);
        assert_eq!(Answer::from_row(&a.row()[..NUM_CLASSES]).not_a_digit, 0.0);
    }

    #[test]
    fn a_nan_or_infinite_answer_never_matches() {
        let cpu = [0.1f32; NUM_CLASSES];
        let close = cpu.map(|p| p + 1e-6);
        assert!(answers_differ_by(&cpu, &close).unwrap() < 1e-5);
        for bad in [f32::NAN, f32::INFINITY] {
            let mut gpu = cpu;
            gpu[3] = bad;
            let err = answers_differ_by(&cpu, &gpu).unwrap_err();
            assert!(err.to_string().contains("not a probability"), "{err}");
        }
        assert!(answers_differ_by(&cpu, &cpu[..9]).is_err());
    }

    #[test]
    fn batches_are_padded_to_a_few_sizes() {
        let sizes: Vec<usize> = (0..=70).map(bucket).collect();
        assert_eq!(&sizes[..3], [0, 1, 8]);
        assert!(sizes[2..=8].iter().all(|&s| s == 8));
        assert!(
            sizes[9..=32].iter().all(|&s| s == 32),
            "a joined number's 19+ images"
        );
        assert_eq!(sizes[33], 64);
    }

    #[test]
    #[allow(deprecated)]
    fn a_bucketed_batch_gives_the_same_rows() {
        for directions in [false, true] {
            bucketed_and_plain_agree(MlpConfig::new(vec![16]).with_directions(directions));
        }
    }

    #[allow(deprecated)]
    fn bucketed_and_plain_agree(config: MlpConfig) {
        let device = Device::ndarray();
        let bytes = weights::to_bytes(config.init(&device), weights::Precision::F32).unwrap();
        let plain = Classifier::new(&bytes, &config, device.clone()).unwrap();
        let bucketed = Classifier::bucketed(&bytes, &config, device).unwrap();
        let images: Vec<f32> = (0..20 * INPUT_SIZE).map(|i| (i % 7) as f32 / 7.0).collect();
        for n in [1, 3, 20] {
            let a = plain
                .probabilities_blocking(&images[..n * INPUT_SIZE])
                .unwrap();
            let b = bucketed
                .probabilities_blocking(&images[..n * INPUT_SIZE])
                .unwrap();
            assert_eq!(b.len(), n);
            for (x, y) in a.iter().zip(&b) {
                assert!(answers_differ_by(&x.row(), &y.row()).unwrap() < 1e-6);
            }
        }
    }

    #[test]
    fn not_a_digit_is_the_eleventh_outputs_share_of_all_eleven() {
        let ten = [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0];
        let plain = Answer::from_logits(&ten);
        assert_eq!(plain.not_a_digit, 0.0);
        assert_eq!(plain.digits, softmax(ten));
        let mut eleven = ten.to_vec();
        eleven.push(9.0);
        let with = Answer::from_logits(&eleven);
        // The digits among themselves are unchanged by the eleventh output.
        assert_eq!(with.digits, plain.digits);
        let sum: f32 = eleven.iter().map(|z| z.exp()).sum();
        assert!((with.not_a_digit - 9.0f32.exp() / sum).abs() < 1e-6);
        let row = with.row();
        assert_eq!(row[..NUM_CLASSES], with.digits);
        assert_eq!(row[NUM_CLASSES], with.not_a_digit);
        // Far apart logits neither overflow nor lose the answer.
        let mut loud = [-80.0f32; WITH_NOT_A_DIGIT];
        loud[NUM_CLASSES] = 80.0;
        let p = Answer::from_logits(&loud).not_a_digit;
        assert!(p > 0.999_999 && p.is_finite());
    }

    #[test]
    #[allow(deprecated)]
    fn an_eleven_output_classifier_answers_per_image() {
        let config = MlpConfig::new(vec![16]).with_outputs(WITH_NOT_A_DIGIT);
        let device = Device::ndarray();
        let bytes = weights::to_bytes(config.init(&device), weights::Precision::F32).unwrap();
        let classifier = Classifier::new(&bytes, &config, device).unwrap();
        assert_eq!(classifier.outputs(), WITH_NOT_A_DIGIT);
        let images: Vec<f32> = (0..3 * INPUT_SIZE).map(|i| (i % 5) as f32 / 5.0).collect();
        let answers = classifier.probabilities_blocking(&images).unwrap();
        assert_eq!(answers.len(), 3);
        for a in answers {
            assert!((a.digits.iter().sum::<f32>() - 1.0).abs() < 1e-5);
            assert!(a.not_a_digit > 0.0 && a.not_a_digit < 1.0);
        }
    }

    #[test]
    #[allow(deprecated)]
    fn host_softmax_matches_burns() {
        let device = Device::ndarray();
        let logits = [
            [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0],
            [-30.0, 12.5, 0.1, 88.0, -1.0, 3.0, 87.5, 0.0, -88.0, 40.0],
            [1.0; NUM_CLASSES],
        ];
        let flat: Vec<f32> = logits.iter().flatten().copied().collect();
        let tensor = Tensor::<2>::from_data(TensorData::new(flat, [3, NUM_CLASSES]), &device);
        let burns: Vec<f32> = burn::tensor::activation::softmax(tensor, 1)
            .into_data()
            .iter::<f32>()
            .collect();
        for (row, want) in logits.iter().zip(burns.chunks_exact(NUM_CLASSES)) {
            let got = softmax(*row);
            for (g, w) in got.iter().zip(want) {
                assert!((g - w).abs() < 1e-6, "{got:?} vs burn's {want:?}");
            }
            assert!((got.iter().sum::<f32>() - 1.0).abs() < 1e-6);
        }
    }
}
