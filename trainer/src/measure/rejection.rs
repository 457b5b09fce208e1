//! "Not a digit" as an eleventh output of the digit network itself (Bromley and Denker's
//! "rubbish" class, #20): how a model with one measures, and the threshold on that output's
//! probability the page would use.
//!
//! The threshold is chosen on the drawn test digits alone, as the unsure threshold is: the
//! lowest on a 0.01 grid that turns away at most [`MAX_DIGITS_TURNED_AWAY`] of them. The
//! negatives' measuring sets, held-out kinds included, never choose anything.

use burn::prelude::*;
use digits::model::{INPUT_SIZE, Mlp, NOT_A_DIGIT};
use digits::pixels::image_unit;
use serde::{Deserialize, Serialize};

use crate::draw::negatives::Kind;
use crate::sets::mnist::Dataset;

/// The most drawn test digits the threshold may turn away (the bar).
pub const MAX_DIGITS_TURNED_AWAY: f64 = 0.01;

/// Outputs of a network with the eleventh, "not a digit", output.
pub const OUTPUTS: usize = digits::model::WITH_NOT_A_DIGIT;

/// One negative kind's share caught at the chosen threshold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KindCaught {
    pub kind: String,
    pub held_out: bool,
    pub caught: f64,
}

/// What the eleventh output does at its threshold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rejection {
    /// "Not a digit" when the eleventh output's probability is above this.
    pub threshold: f32,
    /// Shares of digits turned away: the drawn test digits, the test split, the held-out
    /// styles, the real writers' validation digits.
    pub drawn_turned_away: f64,
    pub test_turned_away: f64,
    pub styles_turned_away: f64,
    pub writers_turned_away: f64,
    pub kinds: Vec<KindCaught>,
    /// The held-out kinds' shares caught, averaged (each kind counts the same).
    pub held_out_caught: f64,
}

/// Every output's probability for every image of `set`, one row of `outputs` each.
pub fn probabilities(model: &Mlp, set: &Dataset, device: &Device) -> Vec<Vec<f32>> {
    let mut out = Vec::with_capacity(set.len());
    for chunk in (0..set.len()).collect::<Vec<_>>().chunks(1000) {
        let pixels: Vec<f32> = chunk
            .iter()
            .flat_map(|&i| image_unit(set.images.image(i)))
            .collect();
        let x = Tensor::<2>::from_data(TensorData::new(pixels, [chunk.len(), INPUT_SIZE]), device);
        let probs = model.probabilities(x);
        let width = probs.dims()[1];
        let values: Vec<f32> = probs.into_data().iter::<f32>().collect();
        out.extend(values.chunks_exact(width).map(<[f32]>::to_vec));
    }
    out
}

/// The eleventh output's probability for every image of `set`; `None` for a network with
/// another number of outputs.
pub fn not_digit_probabilities(model: &Mlp, set: &Dataset, device: &Device) -> Option<Vec<f32>> {
    let rows = probabilities(model, set, device);
    rows.iter()
        .map(|p| (p.len() == OUTPUTS).then(|| p[usize::from(NOT_A_DIGIT)]))
        .collect()
}

/// Which images of `set` the page answers "not a digit" at `threshold` (none without one, or
/// for a network without the eleventh output).
pub fn turned_away(
    model: &Mlp,
    set: &Dataset,
    threshold: Option<f32>,
    device: &Device,
) -> Vec<bool> {
    match (threshold, not_digit_probabilities(model, set, device)) {
        (Some(t), Some(p)) => p.iter().map(|&q| q > t).collect(),
        _ => vec![false; set.len()],
    }
}

/// The page's answer to each image of `set`: its top digit, or [`NOT_A_DIGIT`] where it is
/// turned away at `threshold`.
pub fn page_answers(
    model: &Mlp,
    set: &Dataset,
    threshold: Option<f32>,
    device: &Device,
) -> Vec<u8> {
    let away = turned_away(model, set, threshold, device);
    crate::learn::evaluate::evaluate(model, set, device)
        .predictions
        .into_iter()
        .zip(away)
        .map(|(top, away)| if away { NOT_A_DIGIT } else { top })
        .collect()
}

/// Share of `probs` above `threshold`.
fn share_above(probs: &[f32], threshold: f32) -> f64 {
    if probs.is_empty() {
        return 0.0;
    }
    probs.iter().filter(|&&p| p > threshold).count() as f64 / probs.len() as f64
}

/// The lowest threshold on a 0.01 grid that turns away at most [`MAX_DIGITS_TURNED_AWAY`] of
/// `drawn` (the eleventh output's probabilities of the drawn test digits); 0.99 when none does
/// (the figures then show the bar missed).
pub fn choose(drawn: &[f32]) -> f32 {
    (1..100)
        .map(|k| k as f32 / 100.0)
        .find(|&t| share_above(drawn, t) <= MAX_DIGITS_TURNED_AWAY)
        .unwrap_or(0.99)
}

/// Measures a network with an eleventh output on the digit sets and every negative kind;
/// `None` when `model` has no such output.
pub fn measure(
    model: &Mlp,
    drawn: &Dataset,
    test: &Dataset,
    writers: &Dataset,
    device: &Device,
) -> anyhow::Result<Option<Rejection>> {
    // A ten-output network has nothing to measure: no pass over the sets for it.
    if model.outputs() != OUTPUTS {
        return Ok(None);
    }
    let Some(drawn_p) = not_digit_probabilities(model, drawn, device) else {
        return Ok(None);
    };
    let styles = crate::measure::styles::dataset();
    let threshold = choose(&drawn_p);
    let turned_away = |set: &Dataset| {
        not_digit_probabilities(model, set, device).map_or(0.0, |p| share_above(&p, threshold))
    };
    let mut kinds = Vec::new();
    for kind in Kind::TRAINED.into_iter().chain(Kind::HELD_OUT) {
        kinds.push(KindCaught {
            kind: kind.name().to_string(),
            held_out: Kind::HELD_OUT.contains(&kind),
            caught: turned_away(&crate::draw::negatives::measuring_set(kind)?),
        });
    }
    let held: Vec<f64> = kinds
        .iter()
        .filter(|k| k.held_out)
        .map(|k| k.caught)
        .collect();
    Ok(Some(Rejection {
        threshold,
        drawn_turned_away: share_above(&drawn_p, threshold),
        test_turned_away: turned_away(test),
        styles_turned_away: turned_away(&styles),
        writers_turned_away: turned_away(writers),
        held_out_caught: held.iter().sum::<f64>() / held.len().max(1) as f64,
        kinds,
    }))
}

/// Prints a [`Rejection`] as `train` and `evaluate` show it.
pub fn print(r: &Rejection) {
    println!(
        "not a digit above p = {:.2}: held-out kinds caught {:.1}%; digits turned away: drawn {:.2}%, test {:.2}%, styles {:.2}%, real writers {:.2}%",
        r.threshold,
        r.held_out_caught * 100.0,
        r.drawn_turned_away * 100.0,
        r.test_turned_away * 100.0,
        r.styles_turned_away * 100.0,
        r.writers_turned_away * 100.0
    );
    for k in &r.kinds {
        println!("  {:>5.1}%  {}", k.caught * 100.0, k.kind);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_threshold_is_the_lowest_that_keeps_the_digits() {
        // 200 digits: two far from the digits' side, one just above 0.3, the rest near 0.
        let mut probs = vec![0.01f32; 197];
        probs.extend([0.99, 0.8, 0.31]);
        // Above 0.30 three are turned away (1.5%), above 0.31 two (1%).
        assert_eq!(choose(&probs), 0.31);
        assert!(share_above(&probs, choose(&probs)) <= MAX_DIGITS_TURNED_AWAY);
        // Nothing to turn away: the lowest threshold; everything: the highest.
        assert_eq!(choose(&[0.0; 10]), 0.01);
        assert_eq!(choose(&[1.0; 10]), 0.99);
    }
}
