//! The README's picture of "not a digit" (#20): drawings and what a model with the eleventh
//! output answers for them, as the page would (its card's threshold). Rows: the four kinds no
//! run trains on, then the first drawn test digits and the first real writers' digits. Each
//! drawing is the 28x28 image the network sees; under it, "no" in red for "Not a digit", or
//! the digit read (green when right; orange when wrong, as any digit for a drawing of no
//! digit is). The first drawings of each set, not picked ones.
//!
//!   cargo run --profile fast -p trainer --example rejection_sheet [MODEL_DIR] [NAME] [OUT.svg]
//!
//! Defaults: the workspace's model/, web, docs/not-a-digit.svg.

use std::fmt::Write as _;
use std::path::PathBuf;

use anyhow::Context;
use base64::Engine as _;
use burn::prelude::*;
use digits::model::INPUT_SIZE;
use trainer::draw::negatives::Kind;
use trainer::sets::mnist::Dataset;
use trainer::store::export::Stored;

/// Drawings per row, and the image's scale in the picture.
const COLS: usize = 12;
const SCALE: usize = 3;
const CELL: usize = 28 * SCALE;
const CAPTION: usize = 22;
const LEFT: usize = 190;

struct Row {
    title: String,
    images: Vec<[u8; INPUT_SIZE]>,
    /// The right digit of each, for digit rows.
    labels: Option<Vec<u8>>,
}

fn first(set: &Dataset, n: usize, digits: bool) -> (Vec<[u8; INPUT_SIZE]>, Option<Vec<u8>>) {
    let images = (0..n.min(set.len()))
        .map(|i| set.images.image(i).try_into().expect("28x28"))
        .collect();
    (
        images,
        digits.then(|| set.labels[..n.min(set.len())].to_vec()),
    )
}

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the trainer is in the workspace")
        .to_path_buf();
    let dir = args.next().map_or(root.join("model"), PathBuf::from);
    let name = args.next().unwrap_or_else(|| "web".into());
    let out = args
        .next()
        .map_or(root.join("docs/not-a-digit.svg"), PathBuf::from);

    #[allow(deprecated)] // burn-ndarray is the CPU backend this product names.
    let device = Device::ndarray();
    let stored = Stored::load(&dir, &name)?;
    let classifier =
        digits::classifier::Classifier::new(&stored.bytes, &stored.card.config(), device)?;
    let threshold = stored.card.not_a_digit_threshold()?;

    let mut rows = Vec::new();
    for kind in Kind::HELD_OUT {
        let (images, _) = first(&trainer::draw::negatives::measuring_set(kind)?, COLS, false);
        rows.push(Row {
            title: kind.name().replace(" (held out)", ""),
            images,
            labels: None,
        });
    }
    let (all, split, _) = trainer::run::load_split(None)?;
    let test = all.select(&split.test[..COLS]);
    let (images, labels) = first(&trainer::learn::evaluate::drawn_dataset(&test), COLS, true);
    rows.push(Row {
        title: "drawn test digits".into(),
        images,
        labels,
    });
    let (images, labels) = first(&trainer::measure::report::writers_set(), COLS, true);
    rows.push(Row {
        title: "real writers' digits".into(),
        images,
        labels,
    });

    let width = LEFT + COLS * CELL;
    let row_h = CELL + CAPTION + 6;
    let height = 40 + rows.len() * row_h;
    let mut svg = format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="16">
<rect width="100%" height="100%" fill="white"/>
<text x="8" y="24" font-size="15" fill="#333">Model "{name}": "Not a digit" above p = {threshold:.2} (red "no"); a digit read (green right, orange wrong). First drawings of each set.</text>
"##
    );
    let mut grey = vec![0u8; COLS * 28 * rows.len() * 28];
    for (r, row) in rows.iter().enumerate() {
        let y = 40 + r * row_h;
        let pixels: Vec<f32> = row
            .images
            .iter()
            .flat_map(|img| img.map(|p| f32::from(p) / 255.0))
            .collect();
        let answers = classifier.probabilities_blocking(&pixels)?;
        writeln!(
            svg,
            r##"<text x="8" y="{}" fill="#333">{}</text>"##,
            y + CELL / 2 + 5,
            row.title
        )?;
        for (c, (img, a)) in row.images.iter().zip(&answers).enumerate() {
            for (i, &p) in img.iter().enumerate() {
                grey[(r * 28 + i / 28) * COLS * 28 + c * 28 + i % 28] = 255 - p;
            }
            let (digit, _) = digits::classifier::top(&a.digits);
            let (text, colour) = if a.not_a_digit > threshold {
                ("no".to_string(), "#c62828")
            } else {
                // A drawing that is no digit, read as one, is as wrong as a misread digit.
                let right = row
                    .labels
                    .as_ref()
                    .is_some_and(|l| usize::from(l[c]) == digit);
                let colour = if right { "#2e7d32" } else { "#e65100" };
                (digit.to_string(), colour)
            };
            writeln!(
                svg,
                r#"<text x="{}" y="{}" text-anchor="middle" fill="{colour}" font-weight="bold">{text}</text>"#,
                LEFT + c * CELL + CELL / 2,
                y + CELL + CAPTION - 4
            )?;
        }
    }
    // One greyscale PNG of every drawing (ink dark on white), scaled up without smoothing.
    let mut png = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut png, (COLS * 28) as u32, (rows.len() * 28) as u32);
        encoder.set_color(png::ColorType::Grayscale);
        encoder.set_depth(png::BitDepth::Eight);
        encoder.write_header()?.write_image_data(&grey)?;
    }
    // Each row of drawings is a slice of that image, placed above its captions.
    let data = base64::engine::general_purpose::STANDARD.encode(&png);
    writeln!(
        svg,
        r#"<defs><image id="sheet" width="{}" height="{}" preserveAspectRatio="none" style="image-rendering:pixelated" href="data:image/png;base64,{data}"/></defs>"#,
        COLS * CELL,
        rows.len() * CELL
    )?;
    for r in 0..rows.len() {
        let y = 40 + r * row_h;
        writeln!(
            svg,
            r##"<svg x="{LEFT}" y="{y}" width="{}" height="{CELL}" viewBox="0 {} {} {CELL}"><use href="#sheet"/></svg>"##,
            COLS * CELL,
            r * CELL,
            COLS * CELL
        )?;
    }
    svg.push_str("</svg>\n");
    std::fs::write(&out, svg).with_context(|| format!("writing {}", out.display()))?;
    eprintln!("wrote {}", out.display());
    Ok(())
}
