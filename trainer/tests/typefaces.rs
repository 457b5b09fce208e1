//! The handwriting typefaces: what a run asks for without them, and (where they have been
//! fetched) every font traced into strokes and the training fonts added to a run's pen glyphs.
//! The tests that need the fonts are `#[ignore]`d and named `typefaces_*`: `scripts/test.sh`
//! fetches the fonts through the npm registry and runs them.

use trainer::draw::pen::plain;
use trainer::draw::typeface;
use trainer::learn::train::Hyper;
use trainer::run::PenGlyphs;
use trainer::sets::typefaces::{self, Role, TYPEFACES};

fn empty_pen() -> PenGlyphs {
    PenGlyphs {
        glyphs: Vec::new(),
        digits: 0,
        files: Vec::new(),
        typeface_glyphs: 0,
        typeface_digits: 0,
        letter_pool: Vec::new(),
    }
}

#[test]
fn a_run_that_asks_for_typefaces_without_them_says_how_to_fetch_them() {
    let empty = tempfile::tempdir().unwrap();
    let mut hyper = Hyper::named("web");
    hyper.typefaces = 2;
    let e = empty_pen()
        .add_typefaces(&hyper, Some(empty.path()))
        .expect_err("no fonts, no run");
    let e = format!("{e:#}");
    assert!(
        e.contains("fetch-data --typefaces") && e.contains(".ttf"),
        "{e}"
    );
    // Asking for none needs none.
    hyper.typefaces = 0;
    let mut pen = empty_pen();
    pen.add_typefaces(&hyper, Some(empty.path())).unwrap();
    assert!(pen.glyphs.is_empty() && pen.files.is_empty());
}

/// Thinning splits a stroke where lines meet (an 8 is four or five, a rough brush font's 5 ten);
/// more is specks or a broken trace.
const MAX_STROKES: usize = 12;

fn fonts_dir() -> std::path::PathBuf {
    let dir = typefaces::resolve_dir(None);
    assert!(
        typefaces::present(&dir),
        "no typefaces in {}: run `trainer fetch-data --typefaces`",
        dir.display()
    );
    dir
}

#[test]
#[ignore = "needs the typefaces in $TYPEFACES_DIR or data/typefaces (trainer fetch-data --typefaces)"]
fn typefaces_every_font_writes_every_digit_as_a_few_strokes_the_pad_can_draw() {
    let dir = fonts_dir();
    for face in TYPEFACES {
        let font = face.load(&dir).unwrap();
        for d in '0'..='9' {
            let g = typeface::glyph(&font, face, d)
                .unwrap_or_else(|| panic!("{} has no {d}", face.name));
            // A digit is one to a few pen strokes, not a cloud of specks.
            assert!(
                (1..=MAX_STROKES).contains(&g.strokes.len()),
                "{} {d}: {} strokes",
                face.name,
                g.strokes.len()
            );
            assert!(plain(&g).is_some(), "{} {d} drew no ink", face.name);
        }
    }
}

#[test]
#[ignore = "needs the typefaces in $TYPEFACES_DIR or data/typefaces (trainer fetch-data --typefaces)"]
fn typefaces_a_run_adds_the_training_fonts_digits_before_its_letters() {
    let dir = fonts_dir();
    let mut hyper = Hyper::named("web");
    hyper.typefaces = 2;
    let mut pen = empty_pen();
    pen.add_typefaces(&hyper, Some(&dir)).unwrap();
    let train = typefaces::with_role(Role::Train).count();
    assert_eq!(pen.files.len(), train);
    assert!(pen.files.iter().all(|f| f.file.starts_with("typefaces/")));
    assert_eq!(pen.typeface_digits, 2 * 10 * train);
    assert_eq!(pen.digits, pen.typeface_digits);
    assert!(pen.glyphs[..pen.digits].iter().all(|g| g.digit().is_some()));
    assert!(
        pen.glyphs[pen.digits..]
            .iter()
            .all(|g| g.label.is_ascii_alphabetic())
    );
    // No held-out font trains.
    let held: Vec<&str> = typefaces::with_role(Role::HeldOut)
        .map(|t| t.name)
        .collect();
    assert!(
        pen.glyphs
            .iter()
            .all(|g| !held.contains(&g.writer.as_str()))
    );
}
