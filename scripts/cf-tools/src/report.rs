//! The size table: printed by every build and kept in README.md between markers.

use crate::{artifact::Artifact, gate::MAX_COMPRESSED};

pub const README_START: &str = "<!-- size-table:start -->";
pub const README_END: &str = "<!-- size-table:end -->";

/// Markdown table of every artifact: WASM bytes, brotli bytes, share of the limit.
pub fn size_table(artifacts: &[Artifact]) -> String {
    let mut s = String::from(
        "| contract | WASM (B) | brotli (B) | of 24,576 B limit |\n|---|---:|---:|---:|\n",
    );
    for a in artifacts {
        let permille = a.compressed.len() * 1000 / MAX_COMPRESSED;
        s.push_str(&format!(
            "| {} | {} | {} | {}.{}% |\n",
            a.name,
            a.wasm.len(),
            a.compressed.len(),
            permille / 10,
            permille % 10
        ));
    }
    s
}

/// The table currently in README, if the markers are there.
pub fn readme_table(readme: &str) -> Option<&str> {
    let start = readme.find(README_START)? + README_START.len();
    let end = readme[start..].find(README_END)? + start;
    Some(readme[start..end].trim_matches('\n'))
}

/// Whether README's table states the built sizes exactly. The artifacts are reproducible
/// byte for byte (same source, any checkout folder, fresh or cached dependencies), so
/// there is no tolerance: a difference means the table is stale or the build stopped being
/// reproducible, and both must fail CI. (The one source of drift we had, OZ's
/// `#[interface_id]` XOR order, is avoided: see `compute_fi_contracts::interface_ids`.)
pub fn readme_matches(readme_table: &str, built: &str) -> bool {
    readme_table.trim_matches('\n') == built.trim_matches('\n')
}

/// README with its table replaced by `table`.
pub fn with_table(readme: &str, table: &str) -> Option<String> {
    let start = readme.find(README_START)? + README_START.len();
    let end = readme[start..].find(README_END)? + start;
    Some(format!("{}\n{}\n{}", &readme[..start], table.trim_matches('\n'), &readme[end..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_round_trips_through_readme() {
        let a = Artifact { name: "x".into(), wasm: vec![0; 100], compressed: vec![0; 2458] };
        let t = size_table(&[a]);
        assert!(t.contains("| x | 100 | 2458 | 10.0% |"), "{t}");
        let readme = format!("intro\n{README_START}\nold\n{README_END}\nrest\n");
        let new = with_table(&readme, &t).unwrap();
        assert_eq!(readme_table(&new), Some(t.trim_matches('\n')));
        assert!(new.starts_with("intro\n") && new.ends_with("rest\n"));
    }

    #[test]
    fn readme_match_is_exact() {
        let built = |w: usize, b: usize| {
            size_table(&[Artifact { name: "x".into(), wasm: vec![0; w], compressed: vec![0; b] }])
        };
        assert!(readme_matches(&built(100, 2000), &built(100, 2000)));
        assert!(!readme_matches(&built(100, 2000), &built(100, 2001)));
        assert!(!readme_matches(&built(100, 2000), &built(101, 2000)));
        assert!(!readme_matches(&built(100, 2000), ""));
    }
}
