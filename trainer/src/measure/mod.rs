//! Measuring a model on real writers' pen strokes.

pub mod pen;
