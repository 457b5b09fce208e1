//! The real writers' pen sets: where they are found, what a run does without them, and (where
//! `shared/data` has them) the full files as their SOURCE.txt describes them. The full-set tests
//! are `#[ignore]`d and named `pen_sets_*`: `scripts/test.sh` runs them where the sets are.

use std::collections::{BTreeMap, BTreeSet};

use trainer::learn::train::Hyper;
use trainer::run::pen_glyphs;
use trainer::sets::real_writers::{self, DIGIT_SHAPED, HELD_OUT_SITES, RealWriters};
use trainer::sets::{Glyph, pendigits, unipen};

#[test]
fn the_web_recipe_without_the_pen_sets_names_them_and_where_to_get_them() {
    let empty = tempfile::tempdir().unwrap();
    let e = pen_glyphs(&Hyper::named("web"), Some(empty.path()), Some(empty.path()))
        .err()
        .expect("no sets, no run");
    let e = format!("{e:#}");
    for needle in [
        "pendigits-orig.tra,",
        "pendigits-orig.tes,",
        "digits.jsonl.gz,",
        "letters.jsonl.gz.",
        "UCI",
        "Zenodo",
        "one glyph a line",
        "--mnist-only",
    ] {
        assert!(e.contains(needle), "{needle:?} not in: {e}");
    }
    // Every file there, one damaged: the checksum says so.
    for f in [
        "pendigits-orig.tra",
        "pendigits-orig.tes",
        "digits.jsonl.gz",
        "letters.jsonl.gz",
    ] {
        std::fs::write(empty.path().join(f), "damaged").unwrap();
    }
    let e = format!(
        "{:#}",
        pen_glyphs(&Hyper::named("web"), Some(empty.path()), Some(empty.path()))
            .err()
            .unwrap()
    );
    assert!(e.contains("checksum mismatch"), "{e}");
}

#[test]
fn the_seed_recipe_and_mnist_only_need_no_pen_sets() {
    let empty = tempfile::tempdir().unwrap();
    let mut web = Hyper::named("web");
    (web.pen_repeat, web.pen_letters) = (0, 0.0);
    for hyper in [Hyper::named("seed"), web] {
        let pen = pen_glyphs(&hyper, Some(empty.path()), Some(empty.path())).unwrap();
        assert!(pen.glyphs.is_empty() && pen.files.is_empty());
    }
}

#[test]
fn letters_need_the_eleventh_output() {
    let mut hyper = Hyper::named("seed");
    hyper.pen_letters = 0.5;
    let empty = tempfile::tempdir().unwrap();
    let e = pen_glyphs(&hyper, Some(empty.path()), Some(empty.path()))
        .err()
        .unwrap();
    assert!(e.to_string().contains("--negatives"), "{e}");
}

#[test]
fn the_sets_are_found_by_flag_then_environment_then_beside_the_checkout() {
    let flag = std::path::Path::new("/somewhere/pen");
    assert_eq!(pendigits::resolve_dir(Some(flag)), flag);
    // The environment is not touched here (tests run in parallel); the default's shape is.
    if std::env::var_os(pendigits::ENV).is_none() {
        assert!(pendigits::resolve_dir(None).ends_with("shared/data/pendigits"));
    }
    if std::env::var_os(unipen::ENV).is_none() {
        assert!(unipen::resolve_dir(None).ends_with("shared/data/unipen"));
    }
}

fn writers(glyphs: &[Glyph]) -> BTreeSet<&str> {
    glyphs.iter().map(|g| g.writer.as_str()).collect()
}

fn counts(glyphs: &[Glyph]) -> BTreeMap<char, usize> {
    let mut c = BTreeMap::new();
    for g in glyphs {
        *c.entry(g.label).or_default() += 1;
    }
    c
}

#[test]
#[ignore = "needs the pen sets in $PENDIGITS_DIR / $UNIPEN_DIR or shared/data"]
fn pen_sets_pendigits_has_its_writers_apart() {
    let dir = pendigits::resolve_dir(None);
    let train = pendigits::load(&dir, pendigits::Part::Train).unwrap();
    let valid = pendigits::load(&dir, pendigits::Part::Validation).unwrap();
    assert_eq!((train.len(), valid.len()), (7494, 3498));
    assert_eq!((writers(&train).len(), writers(&valid).len()), (30, 14));
    assert!(writers(&train).is_disjoint(&writers(&valid)));
    assert!(
        valid
            .iter()
            .all(|g| g.digit().is_some() && !g.strokes.is_empty())
    );
}

#[test]
#[ignore = "needs the pen sets in $PENDIGITS_DIR / $UNIPEN_DIR or shared/data"]
fn pen_sets_unipen_has_its_published_counts_and_sites_held_out() {
    let dir = unipen::resolve_dir(None);
    let digits = unipen::load(&dir, unipen::Part::Digits).unwrap();
    let letters = unipen::load(&dir, unipen::Part::Letters).unwrap();
    assert_eq!((digits.len(), letters.len()), (10_014, 55_266));
    let (d, l) = (counts(&digits), counts(&letters));
    assert_eq!((d[&'0'], d[&'1'], d[&'9']), (975, 1096, 983));
    assert_eq!((l[&'A'], l[&'e'], l[&'z']), (876, 3705, 602));
    // Training and the held-out sites share no site, and no digit-shaped letter is taught.
    let trained = RealWriters::load(&pendigits::resolve_dir(None), &dir).unwrap();
    let (site_digits, site_letters) = real_writers::held_out_sites(&dir).unwrap();
    let sites = |g: &[Glyph]| g.iter().map(|g| g.source.clone()).collect::<BTreeSet<_>>();
    let held: BTreeSet<String> = HELD_OUT_SITES.iter().map(|s| s.to_string()).collect();
    assert!(sites(&site_digits).is_subset(&held) && sites(&site_letters).is_subset(&held));
    assert!(sites(&trained.train_letters).is_disjoint(&held));
    assert!(
        trained
            .train_letters
            .iter()
            .all(|g| !DIGIT_SHAPED.contains(&g.label))
    );
    assert!(site_digits.len() > 700 && site_letters.len() > 2000);
    assert_eq!(
        trained.train_digits.len(),
        7494 + 10_014 - site_digits.len()
    );
}
