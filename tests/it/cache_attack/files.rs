//! Another file at the same path: attacks on the reader's kept facts (see `cache_attack`).

use super::*;

/// `cp` over the database: the same inode, the same schema cookie, other rows.
#[test]
fn a_copy_written_over_the_file() {
    let y = Yard::new();
    let mut cache = started(&y);
    let other = other_copy(&y, "other.db");
    let original = y.dir.path().join("original.db");
    std::fs::copy(&y.path, &original).unwrap();
    attack(&y, &mut cache, "cp other.db yard.db", || {
        let out = Command::new("cp").arg(&other).arg(&y.path).output().unwrap();
        assert!(out.status.success());
    });
    attack(&y, &mut cache, "cp -p of the original back over it", || {
        let out = Command::new("cp")
            .arg("-p")
            .arg(&original)
            .arg(&y.path)
            .output()
            .unwrap();
        assert!(out.status.success());
    });
}

/// The file deleted and a copy put in its place: the file system may give the copy
/// the inode the deleted file had.
#[test]
fn a_file_deleted_and_a_copy_put_in_its_place() {
    let y = Yard::new();
    let mut cache = started(&y);
    let other = other_copy(&y, "other.db");
    attack(&y, &mut cache, "rm yard.db*; cp other.db yard.db", || {
        for s in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(y.side(s));
        }
        let out = Command::new("cp").arg(&other).arg(&y.path).output().unwrap();
        assert!(out.status.success());
    });
}
