//! The handwriting typefaces as the model sees them (binary PGM): one row per font, its digits
//! 0-9 and then its first letters, each traced into strokes and drawn plainly on the pad.
//!
//!   cargo run --profile fast -p trainer --example typeface_sheet [train|held-out] OUT.pgm

use trainer::draw::typeface;
use trainer::measure::pen::drawn;
use trainer::measure::sheet::sheet;
use trainer::sets::typefaces::{self, Role};

const COLUMNS: usize = 24;

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let role = match args.next().as_deref() {
        Some("train") => Role::Train,
        Some("held-out") => Role::HeldOut,
        other => anyhow::bail!("say train or held-out, not {other:?}"),
    };
    let out = args.next().unwrap_or_else(|| "typefaces.pgm".to_owned());
    let dir = typefaces::resolve_dir(None);
    let mut glyphs = Vec::new();
    let mut rows = Vec::new();
    for (face, own) in typeface::fonts(&dir, role)? {
        let n = own.len().min(COLUMNS);
        rows.push((glyphs.len()..glyphs.len() + n).collect());
        glyphs.extend(own.into_iter().take(n));
        println!("row {}: {}", rows.len(), face.name);
    }
    let set = drawn(&glyphs, |_| 0);
    trainer::files::write_atomic(std::path::Path::new(&out), &sheet(&set, &rows, COLUMNS))?;
    eprintln!("wrote {out}");
    Ok(())
}
