//! Exports replace files in one step.

use trainer::files::write_atomic;

#[test]
fn atomic_write_replaces_and_leaves_no_temporary_files() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested/model.bpk");
    write_atomic(&path, b"first").unwrap();
    write_atomic(&path, b"second").unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), b"second");
    let names: Vec<_> = std::fs::read_dir(path.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, vec![std::ffi::OsString::from("model.bpk")]);
}

#[test]
fn a_failed_write_keeps_the_previous_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("model.bpk");
    write_atomic(&path, b"good").unwrap();
    // A directory where the temporary file would go makes the write fail part-way.
    let blocker = dir
        .path()
        .join(format!(".model.bpk.tmp-{}", std::process::id()));
    std::fs::create_dir(&blocker).unwrap();
    assert!(write_atomic(&path, b"bad").is_err());
    assert_eq!(std::fs::read(&path).unwrap(), b"good");
}
