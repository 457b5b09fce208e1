//! What a run leaves behind: the weights and their model card (`export`), the curves and
//! confusion pictures (`plots`), and the replay set the page's on-device learning mixes in
//! (`replay`).

pub mod export;
pub mod plots;
pub mod replay;
