//! Writes a picture (binary PGM) of augmented training digits of one label, to look at what a
//! recipe's edits and coarse redraws make of them:
//!
//!   cargo run --profile fast -p trainer --example augment_sheet LABEL EDIT_RATE COARSE_RATE OUT.pgm
use trainer::draw::augment::{AugmentConfig, Augmenter};

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let label: u8 = args.get(1).map_or(Ok(1), |a| a.parse())?;
    let edit: f32 = args.get(2).map_or(Ok(1.0), |a| a.parse())?;
    let coarse: f32 = args.get(3).map_or(Ok(1.0), |a| a.parse())?;
    let out = args
        .get(4)
        .cloned()
        .unwrap_or_else(|| "augmented.pgm".into());
    let (all, split, _) = trainer::run::load_split(None)?;
    let train = all.select(&split.train);
    let config = AugmentConfig {
        style_edit_rate: edit,
        coarse_rate: coarse,
        ..AugmentConfig::default()
    };
    let mut aug = Augmenter::new(5, config);
    let (cols, rows) = (30usize, 10usize);
    let mut img = vec![0u8; cols * rows * 28 * 28];
    let mut k = 0;
    for i in 0..train.len() {
        if train.labels[i] != label || k == cols * rows {
            continue;
        }
        let px = &train.images.pixels[i * 784..(i + 1) * 784];
        let a = aug.augment(px, label);
        let (cx, cy) = ((k % cols) * 28, (k / cols) * 28);
        for y in 0..28 {
            for x in 0..28 {
                img[(cy + y) * cols * 28 + cx + x] = a[y * 28 + x];
            }
        }
        k += 1;
    }
    let mut bytes = format!("P5\n{} {}\n255\n", cols * 28, rows * 28).into_bytes();
    bytes.extend_from_slice(&img);
    std::fs::write(&out, bytes)?;
    Ok(())
}
