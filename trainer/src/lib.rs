//! The trainer's library: data loading, the article's split, training, evaluation and export.

pub mod adam;
pub mod augment;
pub mod drawn;
pub mod export;
pub mod fetch;
pub mod idx;
pub mod mnist;
pub mod plots;
pub mod split;
pub mod terminal;
pub mod train;

/// The burn release the weights are made with (pinned exactly in Cargo.toml).
pub const BURN_VERSION: &str = "0.22.1";
