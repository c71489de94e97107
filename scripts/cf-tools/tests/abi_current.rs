//! The committed ABI under abi/ must be what the contracts export today.

use std::process::Command;

#[test]
fn committed_abi_is_current() {
    let out =
        Command::new(env!("CARGO_BIN_EXE_cf")).args(["abi", "--check"]).output().expect("cf runs");
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
