//! IDX parsing and MNIST verification, on good files and on broken ones made here.

mod common;

use std::fs;
use std::io::Write;
use std::path::Path;

use trainer::sets::idx::{self, DataError, Images};
use trainer::sets::mnist::{self, Dataset};

fn images(count: usize) -> Images {
    Images {
        count,
        rows: 28,
        cols: 28,
        pixels: (0..count * 784).map(|i| (i % 251) as u8).collect(),
    }
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap()
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let p = dir.join(name);
    fs::write(&p, bytes).unwrap();
    p
}

#[test]
fn raw_and_gzipped_files_parse_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let imgs = images(3);
    let labels = vec![7u8, 0, 9];
    let raw_i = write(dir.path(), "i", &idx::encode_images(&imgs));
    let raw_l = write(dir.path(), "l", &idx::encode_labels(&labels));
    let gz_i = write(dir.path(), "i.gz", &gzip(&idx::encode_images(&imgs)));
    let gz_l = write(dir.path(), "l.gz", &gzip(&idx::encode_labels(&labels)));
    let a = Dataset::load_pair(&raw_i, &raw_l).unwrap();
    let b = Dataset::load_pair(&gz_i, &gz_l).unwrap();
    assert_eq!(a.images, imgs);
    assert_eq!(a.labels, labels);
    assert_eq!(b.images, a.images);
    assert_eq!(b.labels, a.labels);
}

#[test]
fn truncated_file_is_reported_with_its_sizes() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = idx::encode_images(&images(2));
    bytes.truncate(bytes.len() - 10);
    let p = write(dir.path(), "short", &bytes);
    let err = idx::parse_images(&p, &bytes).unwrap_err();
    assert!(matches!(err, DataError::Length { expected, actual, .. } if expected == actual + 10));
    let msg = err.to_string();
    assert!(msg.contains("short") && msg.contains("truncated"), "{msg}");
}

#[test]
fn wrong_magic_names_the_file_and_what_was_expected() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = idx::encode_labels(&[1, 2, 3]);
    let p = write(dir.path(), "labels-given-as-images", &bytes);
    let err = idx::parse_images(&p, &bytes).unwrap_err();
    assert!(matches!(
        err,
        DataError::Magic {
            found: 0x801,
            expected: 0x803,
            ..
        }
    ));
    assert!(err.to_string().contains("labels-given-as-images"));
}

#[test]
fn too_short_for_a_header_is_an_error_not_a_panic() {
    let err = idx::parse_labels(Path::new("x"), &[0, 0]).unwrap_err();
    assert!(matches!(err, DataError::Length { .. }));
}

#[test]
fn label_and_image_counts_must_agree() {
    let dir = tempfile::tempdir().unwrap();
    let i = write(dir.path(), "i", &idx::encode_images(&images(3)));
    let l = write(dir.path(), "l", &idx::encode_labels(&[1, 2]));
    let err = Dataset::load_pair(&i, &l).unwrap_err();
    assert!(err.to_string().contains("2 labels for 3 images"), "{err}");
}

#[test]
fn labels_must_be_digits() {
    let err = idx::parse_labels(Path::new("l"), &idx::encode_labels(&[1, 12])).unwrap_err();
    assert!(err.to_string().contains("label #1 is 12"), "{err}");
}

#[test]
fn corrupt_gzip_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let mut gz = gzip(&idx::encode_labels(&[1, 2, 3]));
    let n = gz.len();
    gz.truncate(n / 2);
    let p = write(dir.path(), "broken.gz", &gz);
    let err = idx::read_maybe_gzipped(&p).unwrap_err();
    assert!(matches!(err, DataError::Gzip { .. }), "{err}");
}

#[test]
fn missing_data_points_to_the_fix() {
    let dir = tempfile::tempdir().unwrap();
    let err = mnist::load_all(dir.path()).unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("train-images-idx3-ubyte") && msg.contains("fetch-data"),
        "{msg}"
    );
}

#[test]
fn well_formed_files_with_other_contents_fail_the_checksum() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "train-images-idx3-ubyte",
        &idx::encode_images(&images(4)),
    );
    let err = mnist::load_all(dir.path()).unwrap_err();
    assert!(matches!(err, DataError::Checksum { .. }), "{err}");
    assert!(err.to_string().contains("fetch it again"));
}

#[test]
fn the_cli_says_what_is_wrong_with_the_data() {
    let dir = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_trainer"))
        .args(["train", "--epochs", "1", "--data"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with("error: ") && stderr.contains("not found"),
        "{stderr}"
    );
}

#[test]
fn fixture_has_a_thousand_images() {
    let f = common::fixture();
    assert_eq!(f.len(), 1000);
    assert_eq!(f.images.pixels.len(), 1000 * 784);
}

#[test]
#[ignore = "needs the full MNIST in $MNIST_DIR or data/mnist"]
fn fixture_is_the_first_thousand_test_split_images() {
    let f = common::fixture();
    let dir = common::full_data();
    let all = mnist::load_all(&dir).unwrap();
    assert_eq!(all.len(), 70_000);
    let split = trainer::sets::split::article_split();
    let expected = all.select(&split.test[..1000]);
    assert_eq!(expected.images, f.images);
    assert_eq!(expected.labels, f.labels);
}

#[test]
#[ignore = "needs the full MNIST in $MNIST_DIR or data/mnist"]
fn full_mnist_has_the_published_label_histograms() {
    let dir = common::full_data();
    let all = mnist::load_all(&dir).unwrap();
    let mut train = [0usize; 10];
    let mut test = [0usize; 10];
    for (i, &l) in all.labels.iter().enumerate() {
        if i < 60_000 {
            train[l as usize] += 1
        } else {
            test[l as usize] += 1
        }
    }
    assert_eq!(
        train,
        [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
    );
    assert_eq!(
        test,
        [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
    );
}

/// The committed replay set is what `trainer replay` makes of MNIST: the page learns from and
/// measures on exactly these digits.
#[test]
#[ignore = "needs the full MNIST in $MNIST_DIR or data/mnist"]
fn committed_replay_set_reproduces_in_full() {
    let all = trainer::sets::mnist::load_all(&common::full_data()).unwrap();
    let set =
        trainer::store::replay::build(&all, &trainer::sets::split::article_split(), 100, 50, 200)
            .unwrap();
    let committed =
        std::fs::read(common::repo_root().join(trainer::store::replay::REPLAY_FILE)).unwrap();
    assert_eq!(digits::replay::ReplaySet::parse(&committed).unwrap(), set);
    assert_eq!(set.to_bytes(), committed);
    // Balanced: every class equally often in both parts; 200 drawings that are not digits.
    let (digits, negatives): (Vec<_>, Vec<_>) =
        set.train.iter().cloned().partition(|d| d.label < 10);
    assert_eq!(negatives.len(), 200);
    for part in [&digits, &set.holdout] {
        let mut counts = [0usize; 10];
        part.iter().for_each(|d| counts[usize::from(d.label)] += 1);
        assert!(counts.iter().all(|&c| c == part.len() / 10), "{counts:?}");
    }
}
