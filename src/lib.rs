//! A handwritten-digit recognizer: an MNIST MLP that runs in the browser with burn, on WebGPU
//! when the browser offers it and on the CPU otherwise.
//!
//! - [`model`]: the network, shared with the trainer.
//! - [`preprocess`]: pen strokes to the 28x28 image MNIST's models expect; [`segment`]: a
//!   whole number's strokes split into its digits; [`joined`]: two digits written in one go
//!   cut apart where the classifier is surest of both.
//! - [`classifier`]: a model on a burn device, giving probabilities ([`sparse`]: as the CPU
//!   runs it, leaving out zero inputs); [`weights`]: its weights file, stored in one of the
//!   [`precision`]s.
//! - [`limits`]: the numbers the page shares with the Rust side.
//! - [`pixels`], [`distort`], [`replay`]: digits as bytes, their random distortions, and the
//!   MNIST digits that on-device learning replays; `learn` (with the `learn` feature) is that
//!   learning.
//! - `web` (wasm32 only): the thin wasm-bindgen layer the page talks to; `webgpu` (wasm32 with
//!   the `webgpu` feature) adds burn-wgpu for the page's second module, `web_learn` (wasm32 with
//!   `learn`) the fine-tuning of the third.

pub mod classifier;
pub mod directions;
pub mod distort;
pub mod joined;
#[cfg(feature = "learn")]
pub mod learn;
pub mod limits;
pub mod model;
pub mod pixels;
pub mod precision;
pub mod preprocess;
#[cfg(feature = "embed")]
pub mod presets;
pub mod replay;
pub mod segment;
pub mod sparse;
pub mod webgpu_error;
pub mod weights;

#[cfg(all(target_arch = "wasm32", feature = "embed"))]
pub mod web;
#[cfg(all(target_arch = "wasm32", feature = "embed", feature = "learn"))]
mod web_learn;
#[cfg(all(target_arch = "wasm32", feature = "embed", feature = "webgpu"))]
mod webgpu;
