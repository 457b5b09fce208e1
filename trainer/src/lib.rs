//! The trainer's library, one folder per stage of the pipeline, each reading only the ones
//! before it: `sets` (where drawings come from) -> `draw` (how they become training images) ->
//! `learn` (the training loop) -> `measure` (what a model does on what it never saw) ->
//! `store` (weights, card, pictures) -> `run` (one run end to end) -> the command line
//! (`cli`, `main.rs`). `files` and `terminal` are small helpers any stage may use.

pub mod cli;
pub mod draw;
pub mod files;
pub mod learn;
pub mod measure;
pub mod run;
pub mod sets;
pub mod store;
pub mod terminal;

/// The burn release the weights are made with (pinned exactly in Cargo.toml).
pub const BURN_VERSION: &str = "0.22.1";

pub use files::{in_workspace, workspace_root};
