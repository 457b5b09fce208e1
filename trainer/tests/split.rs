//! The article's split must be scikit-learn's, index for index (fixture computed with numpy).

use sha2::{Digest, Sha256};
use trainer::sets::split::{LegacyRandomState, article_split, train_test_split};

#[derive(serde::Deserialize)]
struct Fixture {
    n: usize,
    n_test: usize,
    head: Vec<u32>,
    tail: Vec<u32>,
    test_index_2021: u32,
    sha256_u32_le: String,
    small_n100_seed0: Vec<u32>,
}

fn fixture() -> Fixture {
    serde_json::from_str(include_str!("fixtures/split_numpy.json")).unwrap()
}

#[test]
fn small_permutation_matches_numpy() {
    assert_eq!(
        LegacyRandomState::new(0).permutation(100),
        fixture().small_n100_seed0
    );
}

#[test]
fn article_split_matches_sklearn_exactly() {
    let fx = fixture();
    let split = article_split();
    assert_eq!(split.test.len(), fx.n_test);
    assert_eq!(split.train.len(), fx.n - fx.n_test);
    assert_eq!(&split.test[..fx.head.len()], &fx.head[..]);
    assert_eq!(
        &split.train[split.train.len() - fx.tail.len()..],
        &fx.tail[..]
    );
    assert_eq!(split.test[2021], fx.test_index_2021);
    let mut h = Sha256::new();
    for i in split.test.iter().chain(&split.train) {
        h.update(i.to_le_bytes());
    }
    let hex: String = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(hex, fx.sha256_u32_le);
}

#[test]
fn test_share_rounds_up_like_sklearn() {
    let s = train_test_split(10, 0.25, 0);
    assert_eq!((s.test.len(), s.train.len()), (3, 7));
}
