//! The page's third module (built with the `learn` feature): fine-tuning a shipped model on a
//! person's corrected examples, in the page's learning worker (`www/learn-worker.js`). The page
//! fetches it the first time someone corrects an answer; the replay set travels inside it.

use burn::prelude::*;
use wasm_bindgen::prelude::*;

use crate::learn::{FineTune, Outcome, TuneConfig};
use crate::model::INPUT_SIZE;
use crate::presets;
use crate::replay::{Digit, ReplaySet};

/// Written by `trainer replay`.
const REPLAY: &[u8] = include_bytes!("../model/replay.bin");

/// A fine-tune in progress, run a few steps at a time so that the worker can report progress.
#[wasm_bindgen]
pub struct Learner {
    tune: Option<FineTune>,
}

#[wasm_bindgen]
impl Learner {
    /// Starts fine-tuning the shipped model `model` on `labels.len()` examples: `pixels` holds
    /// their 28x28 images (bytes, 0-255) one after another.
    #[wasm_bindgen(constructor)]
    pub fn new(model: String, pixels: Vec<u8>, labels: Vec<u8>) -> Result<Learner, JsError> {
        let preset = presets::find(&model)
            .ok_or_else(|| JsError::new(&format!("unknown model {model:?}")))?;
        if pixels.len() != labels.len() * INPUT_SIZE {
            return Err(JsError::new(&format!(
                "{} labels need {} pixels, got {}",
                labels.len(),
                labels.len() * INPUT_SIZE,
                pixels.len()
            )));
        }
        let own = pixels
            .chunks_exact(INPUT_SIZE)
            .zip(labels)
            .map(|(p, label)| Digit {
                label,
                pixels: p.try_into().expect("784 pixels"),
            })
            .collect();
        let replay = ReplaySet::parse(REPLAY).map_err(|e| JsError::new(&e.to_string()))?;
        #[allow(deprecated)] // burn-ndarray is the CPU backend this product names.
        let device = Device::ndarray().autodiff();
        let tune = FineTune::new(
            preset.weights,
            &preset.config(),
            own,
            replay,
            TuneConfig::for_model(preset.arch),
            &device,
        )
        .map_err(|e| JsError::new(&e.to_string()))?;
        Ok(Learner { tune: Some(tune) })
    }

    /// Runs up to `steps` more steps; resolves to the share done (1 when finished).
    pub fn run(&mut self, steps: usize) -> Result<f32, JsError> {
        let tune = self.tune.as_mut().ok_or_else(finished)?;
        for _ in 0..steps {
            if tune.is_done() {
                break;
            }
            tune.step().map_err(|e| JsError::new(&e.to_string()))?;
        }
        let (done, all) = tune.progress();
        Ok(done as f32 / all as f32)
    }

    /// The fine-tuned weights and what they score; the remaining steps run first.
    pub fn finish(&mut self) -> Result<Tuned, JsError> {
        let tune = self.tune.take().ok_or_else(finished)?;
        let outcome = tune.run().map_err(|e| JsError::new(&e.to_string()))?;
        Ok(Tuned(outcome))
    }
}

fn finished() -> JsError {
    JsError::new("this fine-tune has already finished")
}

/// A finished fine-tune: int8 weights for `Recognizer.create`, and digits read right before and
/// after on MNIST's held-out slice and on the person's own examples.
#[wasm_bindgen]
pub struct Tuned(Outcome);

#[wasm_bindgen]
impl Tuned {
    #[wasm_bindgen(getter)]
    pub fn weights(&self) -> Vec<u8> {
        self.0.weights.clone()
    }

    /// Why this fine-tune must not be used (it would cost too much on MNIST's digits, or could
    /// not be checked), in words for the person; `undefined` when it may.
    #[wasm_bindgen(getter)]
    pub fn refusal(&self) -> Option<String> {
        self.0.refusal()
    }

    /// `{holdout: {before, after, total}, own: {...}, turnedAway: {...}}` as JSON (`turnedAway`:
    /// MNIST's held-out digits answered "not a digit").
    #[wasm_bindgen(getter)]
    pub fn scores(&self) -> String {
        let score = |s: &crate::learn::Score| {
            format!(
                r#"{{"before":{},"after":{},"total":{}}}"#,
                s.before, s.after, s.total
            )
        };
        format!(
            r#"{{"holdout":{},"own":{},"turnedAway":{}}}"#,
            score(&self.0.holdout),
            score(&self.0.own),
            score(&self.0.holdout_turned_away)
        )
    }
}
