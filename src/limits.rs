//! Numbers the page and the Rust side must agree on, owned here: the page reads them from the
//! first module (`limits()`), the trainer and the tests use them directly. The brush's share is
//! the pad's own (it draws before the module is up); a test checks that `www/pad.js` says the
//! same.

use crate::classifier::ANSWER_LEN;
use crate::model::INPUT_SIZE;
use crate::preprocess::SIDE;

/// The most examples a fine-tune learns from; the page keeps the newest.
pub const MAX_EXAMPLES: usize = 50;

/// The pad's brush diameter as a share of the pad's side (`www/pad.js` draws with it; the
/// trainer's redrawn digits use it to look like the pad's).
pub const BRUSH_SHARE: f32 = 0.055;

/// The page's numbers as JSON: `{side, inputSize, answerLen, maxExamples}` (`answerLen`: the
/// numbers `classify` gives per image).
pub fn json() -> String {
    format!(
        r#"{{"side":{SIDE},"inputSize":{INPUT_SIZE},"answerLen":{ANSWER_LEN},"maxExamples":{MAX_EXAMPLES}}}"#
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_names_every_number() {
        assert_eq!(
            json(),
            r#"{"side":28,"inputSize":784,"answerLen":11,"maxExamples":50}"#
        );
    }

    #[test]
    fn the_pad_draws_with_the_same_brush() {
        let pad = include_str!("../www/pad.js");
        let line = format!("const BRUSH_SHARE = {BRUSH_SHARE};");
        assert!(pad.contains(&line), "www/pad.js should say `{line}`");
    }
}
