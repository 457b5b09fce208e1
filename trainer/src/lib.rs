//! The trainer's library: data loading, the article's split, training, evaluation and export.

pub mod adam;
pub mod augment;
pub mod backend;
pub mod batch;
pub mod cli;
pub mod draw;
pub mod evaluate;
pub mod export;
pub mod fetch;
pub mod files;
pub mod fixture;
pub mod hershey;
pub mod idx;
pub mod measure;
pub mod mnist;
pub mod negatives;
pub mod numbers;
pub mod optdigits;
pub mod plots;
pub mod rejection;
pub mod replay;
pub mod report;
pub mod restyle;
pub mod run;
pub mod sets;
pub mod split;
pub mod styles;
pub mod terminal;
pub mod trace;
pub mod train;
pub mod unsure;
pub mod validation;

/// The burn release the weights are made with (pinned exactly in Cargo.toml).
pub const BURN_VERSION: &str = "0.22.1";

pub use files::{in_workspace, workspace_root};
