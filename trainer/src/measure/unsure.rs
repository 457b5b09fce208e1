//! When the page should say "4 or 9?" rather than a confident answer: a threshold on the top
//! probability, chosen from the drawn test digits so that it rarely hedges on a right answer.

use burn::prelude::*;
use digits::classifier::softmax;
use digits::model::Mlp;

use crate::learn::batch::Batcher;
use crate::sets::mnist::Dataset;

/// At most this share of right answers may be shown as unsure.
pub const MAX_HEDGED_RIGHT: f64 = 0.02;

/// The top probability of each answer, and whether it was right.
pub fn top_probabilities(model: &Mlp, data: &Dataset, device: &Device) -> Vec<(f32, bool)> {
    let mut batcher = Batcher::default();
    let order: Vec<usize> = (0..data.len()).collect();
    let mut out = Vec::with_capacity(data.len());
    for chunk in order.chunks(1000) {
        let (x, _) = batcher.batch(data, chunk, device);
        let logits = model.forward(x);
        let width = logits.dims()[1];
        let logits: Vec<f32> = logits.into_data().iter::<f32>().collect();
        // The digits' own probabilities: a network's eleventh, "not a digit", output is left
        // out, as the page leaves it out of the bars.
        for (&i, row) in chunk.iter().zip(logits.chunks_exact(width)) {
            let p = softmax(std::array::from_fn(|d| row[d]));
            let (top, prob) = digits::classifier::top(&p);
            out.push((prob, top == data.labels[i] as usize));
        }
    }
    out
}

/// The threshold and what it does on `answers`: the share of right answers below it (shown as
/// unsure) and the share of wrong answers below it (flagged instead of stated wrongly).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Threshold {
    pub below: f64,
    pub hedged_right: f64,
    pub flagged_wrong: f64,
}

/// The highest threshold on a 0.05 grid (0.3 to 0.95) that hedges on at most
/// [`MAX_HEDGED_RIGHT`] of the right answers.
pub fn choose(answers: &[(f32, bool)]) -> Threshold {
    let right = answers.iter().filter(|a| a.1).count().max(1) as f64;
    let wrong = answers.iter().filter(|a| !a.1).count().max(1) as f64;
    let at = |t: f64| Threshold {
        below: t,
        hedged_right: answers.iter().filter(|a| a.1 && (a.0 as f64) < t).count() as f64 / right,
        flagged_wrong: answers.iter().filter(|a| !a.1 && (a.0 as f64) < t).count() as f64 / wrong,
    };
    (6..=19)
        .map(|k| at(k as f64 * 0.05))
        .take_while(|t| t.hedged_right <= MAX_HEDGED_RIGHT)
        .last()
        .unwrap_or_else(|| at(0.3))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_threshold_hedges_on_few_right_answers() {
        // 100 right answers at 0.99, 3 right ones at 0.55; 10 wrong ones at 0.45..0.9.
        let mut answers = vec![(0.99, true); 100];
        answers.extend([(0.55, true); 3]);
        answers.extend((0..10).map(|k| (0.45 + 0.05 * k as f32, false)));
        let t = choose(&answers);
        // 0.55 and above would hedge on 3 of 103 right answers (2.9%).
        assert!((t.below - 0.55).abs() < 1e-9, "{t:?}");
        assert_eq!(t.hedged_right, 0.0);
        assert!((t.flagged_wrong - 0.2).abs() < 1e-9, "{t:?}");
    }
}
