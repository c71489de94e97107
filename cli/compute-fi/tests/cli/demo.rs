//! The README's main job: `compute-fi demo` on its embedded node, and again on the state it
//! kept.

use alloy::primitives::U256;

use crate::common::*;

#[test]
fn the_demo_runs_the_whole_loop_and_a_rerun_continues_its_chain() {
    let dir = temp_dir("demo");
    let state = dir.to_str().unwrap();
    let run = || {
        raw(&["--json", "demo", "--exit", "--port", "0", "--members", "2", "--state-dir", state])
            .ok()
            .json()
    };
    let first = run();
    let s = &first["status"];
    assert_eq!(s["activeMembers"], 2, "{first}");
    assert_eq!(s["jobs"], 1);
    assert!(u(&s["harvestedYield"]) > U256::ZERO);
    assert!(u(&s["memberCredits"]) > U256::ZERO);
    assert!(dir.join("chain.json").exists() && dir.join("deployments/412346.json").exists());
    // The same chain, found again: nothing new created, the same status.
    let second = run();
    assert_eq!(second["status"], first["status"]);
    let _ = std::fs::remove_dir_all(&dir);
}
