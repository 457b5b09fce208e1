//! The committed real-writer validation set: what it holds, that it leaves out the team's
//! held-out digits, and that a damaged file is refused with a reason.

use std::collections::BTreeSet;

use trainer::measure::optdigits::{self, ValidationSet};

#[test]
fn the_committed_set_is_the_whole_source_less_the_held_out_list() {
    let set = ValidationSet::committed().unwrap();
    assert_eq!(set.csv_sha256, optdigits::CSV_SHA256);
    assert_eq!(set.digits.len(), 1497);
    assert_eq!(set.left_out, 300);
    let indices: BTreeSet<usize> = set.digits.iter().map(|d| d.index).collect();
    assert_eq!(indices.len(), set.digits.len(), "an index appears twice");
    assert!(indices.iter().all(|&i| i < 1797));
    // Every digit is there in roughly equal numbers, and every one has ink.
    let mut per = [0usize; 10];
    for d in &set.digits {
        per[d.label as usize] += 1;
    }
    assert!(per.iter().all(|&n| (120..=180).contains(&n)), "{per:?}");
    let data = set.dataset();
    for i in 0..data.len() {
        let ink: u32 = data.images.image(i).iter().map(|&p| p as u32).sum();
        assert!(
            ink > 255 * 15,
            "digit #{} is nearly blank",
            set.digits[i].index
        );
    }
    // Where the team's list is at hand (beside the checkout, as in CI), none of it is here.
    let list = trainer::in_workspace("../shared/data/optdigits-heldout.txt");
    if let Ok(text) = std::fs::read_to_string(&list) {
        let heldout = optdigits::parse_heldout(&text).unwrap();
        assert_eq!(heldout.len(), 300);
        assert!(
            heldout.is_disjoint(&indices),
            "the validation set holds held-out digits"
        );
    }
}

#[test]
fn a_damaged_file_is_refused_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("set.json");
    std::fs::write(&path, "{\"source\": 1").unwrap();
    let err = ValidationSet::load(&path).unwrap_err().to_string();
    assert!(err.contains("not a validation set"), "{err}");
    let bad = r#"{"source":"x","csv_sha256":"y","left_out":0,"digits":[{"index":3,"label":12,"strokes":[]}]}"#;
    std::fs::write(&path, bad).unwrap();
    let err = ValidationSet::load(&path).unwrap_err().to_string();
    assert!(err.contains("label 12"), "{err}");
    let err = ValidationSet::load(&dir.path().join("none.json"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("scripts/optdigits.sh"), "{err}");
}
