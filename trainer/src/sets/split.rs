//! scikit-learn's `train_test_split(test_size=1/4, random_state=0)`, bit for bit: numpy's legacy
//! `RandomState(seed).permutation(n)` (MT19937 and its bounded draws), test set first.

use rand_mt::Mt;

/// numpy's legacy generator (`RandomState`): MT19937 seeded with `init_genrand`.
pub struct LegacyRandomState {
    mt: Mt,
}

impl LegacyRandomState {
    pub fn new(seed: u32) -> Self {
        Self { mt: Mt::new(seed) }
    }

    /// A uniform integer in `0..=max`, drawn as numpy's `random_interval` does: masked 32-bit
    /// draws, rejecting those above `max`.
    pub fn interval(&mut self, max: u32) -> u32 {
        if max == 0 {
            return 0;
        }
        let mask = u32::MAX >> max.leading_zeros();
        loop {
            let v = self.mt.next_u32() & mask;
            if v <= max {
                return v;
            }
        }
    }

    /// Shuffles in place like numpy's legacy `shuffle` (Fisher-Yates from the end).
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        assert!(
            items.len() <= u32::MAX as usize,
            "too many items to shuffle"
        );
        for i in (1..items.len()).rev() {
            let j = self.interval(i as u32) as usize;
            items.swap(i, j);
        }
    }

    /// `RandomState(seed).permutation(n)`.
    pub fn permutation(&mut self, n: usize) -> Vec<u32> {
        let mut p: Vec<u32> = (0..n as u32).collect();
        self.shuffle(&mut p);
        p
    }
}

/// Indices into the 70,000 images: which are for testing and which for training.
#[derive(Debug, Clone, PartialEq)]
pub struct Split {
    pub train: Vec<u32>,
    pub test: Vec<u32>,
}

/// `train_test_split(X, test_size=test_fraction, random_state=seed)` on `n` samples.
pub fn train_test_split(n: usize, test_fraction: f64, seed: u32) -> Split {
    // scikit-learn rounds the test share up and gives the rest to training.
    let n_test = (test_fraction * n as f64).ceil() as usize;
    let mut perm = LegacyRandomState::new(seed).permutation(n);
    let train = perm.split_off(n_test);
    Split { train, test: perm }
}

/// The article's split of MNIST's 70,000 images: 52,500 to train, 17,500 to test.
pub fn article_split() -> Split {
    train_test_split(70_000, 0.25, 0)
}
