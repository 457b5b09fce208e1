//! The trainer's library: data loading, the article's split, training, evaluation and export.

pub mod adam;
pub mod augment;
pub mod drawn;
pub mod export;
pub mod fetch;
pub mod idx;
pub mod mnist;
pub mod plots;
pub mod restyle;
pub mod split;
pub mod styles;
pub mod terminal;
pub mod train;
pub mod unsure;

/// The burn release the weights are made with (pinned exactly in Cargo.toml).
pub const BURN_VERSION: &str = "0.22.1";

/// The workspace's root (the folder holding `model/`, `tests/fixtures/` and `data/`), found
/// from this crate's source rather than the current directory, so that the trainer writes and
/// reads the same files wherever it is started from.
pub fn workspace_root() -> std::path::PathBuf {
    let trainer = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    trainer.parent().unwrap_or(trainer).to_owned()
}

/// `rel` inside the workspace root.
pub fn in_workspace(rel: &str) -> std::path::PathBuf {
    workspace_root().join(rel)
}
