//! The provider's memory, so a restart at any point neither loses a job nor fulfils one
//! twice: the block cursor and every job with its state in SQLite (written in one
//! transaction with the cursor that found it), inputs and outputs as files named by their
//! keccak-256.
//!
//! A job moves `new` → `running` → `done` (output stored) → `fulfilled` → `claimed`, or
//! ends `skipped` / `failed` / `expired` with the reason. At start, `running` goes back
//! to `new` (the run is repeated; deterministic backends give the same bytes), and `done`
//! is fulfilled only after the chain says the job still waits for it.

use std::{
    path::{Path, PathBuf},
    sync::Mutex,
};

use alloy::primitives::{keccak256, B256, U256};
use rusqlite::{params, Connection, OptionalExtension};

use crate::Failure;

/// One job as the provider knows it.
#[derive(Debug, Clone, PartialEq)]
pub struct Job {
    pub id: U256,
    pub model: U256,
    pub requester: alloy::primitives::Address,
    pub input_hash: B256,
    pub deadline: u64,
    pub state: String,
    pub output_hash: Option<B256>,
    pub units: Option<U256>,
    pub note: Option<String>,
}

pub struct Store {
    db: Mutex<Connection>,
    blobs: PathBuf,
}

fn db_err(e: rusqlite::Error) -> Failure {
    Failure::rpc(format!("provider state (SQLite): {e}"))
}

impl Store {
    pub fn open(dir: &Path) -> Result<Self, Failure> {
        let blobs = dir.join("blobs");
        std::fs::create_dir_all(&blobs)
            .map_err(|e| Failure::input(format!("cannot create {}: {e}", blobs.display())))?;
        let db = Connection::open(dir.join("provider.sqlite3")).map_err(db_err)?;
        db.execute_batch(
            "PRAGMA journal_mode = WAL;
             PRAGMA synchronous = FULL;
             CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
             CREATE TABLE IF NOT EXISTS jobs (
                id TEXT PRIMARY KEY, model TEXT NOT NULL, requester TEXT NOT NULL,
                input_hash TEXT NOT NULL, deadline TEXT NOT NULL, state TEXT NOT NULL,
                output_hash TEXT, units TEXT, note TEXT, seq INTEGER NOT NULL);
             UPDATE jobs SET state = 'new' WHERE state = 'running';",
        )
        .map_err(db_err)?;
        Ok(Self { db: Mutex::new(db), blobs })
    }

    fn conn(&self) -> std::sync::MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave SQLite half-written (transactions);
        // the connection stays usable.
        self.db.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The last block whose logs are recorded (None: start from `from`).
    pub fn cursor(&self) -> Result<Option<u64>, Failure> {
        let c = self.conn();
        let v: Option<String> = c
            .query_row("SELECT value FROM meta WHERE key = 'cursor'", [], |r| r.get(0))
            .optional()
            .map_err(db_err)?;
        Ok(v.and_then(|v| v.parse().ok()))
    }

    /// Records `jobs` and moves the cursor to `block`, in one transaction.
    pub fn record(&self, jobs: &[Job], block: u64) -> Result<usize, Failure> {
        let mut c = self.conn();
        let tx = c.transaction().map_err(db_err)?;
        let mut added = 0;
        for j in jobs {
            added += tx
                .execute(
                    "INSERT OR IGNORE INTO jobs (id, model, requester, input_hash, deadline, state, seq)
                     VALUES (?1, ?2, ?3, ?4, ?5, 'new', (SELECT COUNT(*) FROM jobs))",
                    params![j.id.to_string(), j.model.to_string(), j.requester.to_string(), j.input_hash.to_string(), j.deadline.to_string()],
                )
                .map_err(db_err)?;
        }
        tx.execute(
            "INSERT INTO meta (key, value) VALUES ('cursor', ?1)
             ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            params![block.to_string()],
        )
        .map_err(db_err)?;
        tx.commit().map_err(db_err)?;
        Ok(added)
    }

    pub fn jobs_in(&self, state: &str) -> Result<Vec<Job>, Failure> {
        let c = self.conn();
        let mut q = c
            .prepare("SELECT id, model, requester, input_hash, deadline, state, output_hash, units, note FROM jobs WHERE state = ?1 ORDER BY seq")
            .map_err(db_err)?;
        let rows = q.query_map(params![state], row).map_err(db_err)?;
        rows.collect::<Result<Vec<_>, _>>().map_err(db_err)
    }

    pub fn job(&self, id: U256) -> Result<Option<Job>, Failure> {
        let c = self.conn();
        c.query_row(
            "SELECT id, model, requester, input_hash, deadline, state, output_hash, units, note FROM jobs WHERE id = ?1",
            params![id.to_string()],
            row,
        )
        .optional()
        .map_err(db_err)
    }

    /// Moves a job to `state` (with a note), if it is in `from`; true when it moved.
    pub fn transition(
        &self,
        id: U256,
        from: &str,
        state: &str,
        note: Option<&str>,
    ) -> Result<bool, Failure> {
        let c = self.conn();
        let n = c
            .execute(
                "UPDATE jobs SET state = ?3, note = COALESCE(?4, note) WHERE id = ?1 AND state = ?2",
                params![id.to_string(), from, state, note],
            )
            .map_err(db_err)?;
        Ok(n == 1)
    }

    /// A job's run finished: its output (stored by hash) and units.
    pub fn done(&self, id: U256, output: &[u8], units: U256) -> Result<B256, Failure> {
        let hash = self.put_blob(output)?;
        let c = self.conn();
        c.execute(
            "UPDATE jobs SET state = 'done', output_hash = ?2, units = ?3 WHERE id = ?1 AND state = 'running'",
            params![id.to_string(), hash.to_string(), units.to_string()],
        )
        .map_err(db_err)?;
        Ok(hash)
    }

    /// Records how a run ended: its output (`done`), or back to `new` for another try.
    pub fn finish(
        &self,
        id: U256,
        run: Result<(Vec<u8>, U256), String>,
    ) -> Result<Option<B256>, Failure> {
        match run {
            Ok((bytes, units)) => match self.done(id, &bytes, units) {
                Ok(hash) => Ok(Some(hash)),
                Err(e) => {
                    // Not stored: the run is repeated rather than left running for ever.
                    self.transition(id, "running", "new", Some(&e.message))?;
                    Err(e)
                }
            },
            Err(e) => self.transition(id, "running", "new", Some(&e)).map(|_| None),
        }
    }

    /// Whether a recorded job not yet run commits to the input hashing to `hash`.
    pub fn awaits_input(&self, hash: B256) -> Result<bool, Failure> {
        let c = self.conn();
        c.query_row(
            "SELECT 1 FROM jobs WHERE input_hash = ?1 AND state = 'new' LIMIT 1",
            params![hash.to_string()],
            |_| Ok(()),
        )
        .optional()
        .map(|found| found.is_some())
        .map_err(db_err)
    }

    /// Counts of jobs by state.
    pub fn counts(&self) -> Result<Vec<(String, u64)>, Failure> {
        let c = self.conn();
        let mut q = c
            .prepare("SELECT state, COUNT(*) FROM jobs GROUP BY state ORDER BY state")
            .map_err(db_err)?;
        let rows = q
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)? as u64)))
            .map_err(db_err)?;
        rows.collect::<Result<Vec<_>, _>>().map_err(db_err)
    }

    /// Stores bytes under their keccak-256: written to a temporary file of its own, synced
    /// to disk, then renamed into place, so a crash or a concurrent writer of the same
    /// bytes never leaves a short file under a hash.
    pub fn put_blob(&self, bytes: &[u8]) -> Result<B256, Failure> {
        use std::io::Write;
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let hash = keccak256(bytes);
        if self.blob(hash).is_some() {
            return Ok(hash);
        }
        let path = self.blob_path(hash);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let tmp = self.blobs.join(format!("{hash:x}.{}.{n}.tmp", std::process::id()));
        let written = std::fs::File::create(&tmp)
            .and_then(|mut f| f.write_all(bytes).and_then(|()| f.sync_all()))
            .and_then(|()| std::fs::rename(&tmp, &path));
        if let Err(e) = written {
            let _ = std::fs::remove_file(&tmp);
            // Another writer of the same bytes may have won the rename.
            if self.blob(hash).is_none() {
                return Err(Failure::rpc(format!(
                    "cannot store a blob in {}: {e}",
                    self.blobs.display()
                )));
            }
        }
        Ok(hash)
    }

    /// The bytes stored under `hash`, if any (checked against it).
    pub fn blob(&self, hash: B256) -> Option<Vec<u8>> {
        std::fs::read(self.blob_path(hash)).ok().filter(|b| keccak256(b) == hash)
    }

    fn blob_path(&self, hash: B256) -> PathBuf {
        self.blobs.join(format!("{hash:x}"))
    }
}

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Job> {
    let parse = |i: usize, t: String| -> rusqlite::Result<U256> {
        t.parse().map_err(|_| {
            rusqlite::Error::InvalidColumnType(i, "uint".into(), rusqlite::types::Type::Text)
        })
    };
    let opt_hash: Option<String> = r.get(6)?;
    let opt_units: Option<String> = r.get(7)?;
    Ok(Job {
        id: parse(0, r.get(0)?)?,
        model: parse(1, r.get(1)?)?,
        requester: r.get::<_, String>(2)?.parse().unwrap_or_default(),
        input_hash: r.get::<_, String>(3)?.parse().unwrap_or_default(),
        // Text: a deadline is a uint64 on chain, beyond SQLite's signed integers.
        deadline: r.get::<_, String>(4)?.parse().unwrap_or_default(),
        state: r.get(5)?,
        output_hash: opt_hash.and_then(|h| h.parse().ok()),
        units: opt_units.and_then(|u| u.parse().ok()),
        note: r.get(8)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("cf-store-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    #[test]
    fn the_same_bytes_stored_at_once_from_many_threads_all_succeed() {
        let dir = temp("race");
        let s = std::sync::Arc::new(Store::open(&dir).unwrap());
        for round in 0..50u32 {
            let bytes = format!("output {round}").into_bytes();
            let handles: Vec<_> = (0..8)
                .map(|_| {
                    let (s, b) = (s.clone(), bytes.clone());
                    std::thread::spawn(move || s.put_blob(&b))
                })
                .collect();
            for h in handles {
                assert_eq!(h.join().unwrap(), Ok(keccak256(&bytes)), "round {round}");
            }
        }
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_deadline_beyond_i64_reads_back_as_it_was_recorded() {
        let dir = temp("deadline");
        let s = Store::open(&dir).unwrap();
        let far = Job { deadline: u64::MAX, ..job(7) };
        s.record(&[far], 1).unwrap();
        assert_eq!(s.job(U256::from(7)).unwrap().unwrap().deadline, u64::MAX);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_run_whose_output_cannot_be_stored_goes_back_to_new() {
        let dir = temp("unstorable");
        let s = Store::open(&dir).unwrap();
        s.record(&[job(3)], 1).unwrap();
        assert!(s.transition(U256::from(3), "new", "running", None).unwrap());
        std::fs::remove_dir_all(dir.join("blobs")).unwrap();
        assert!(s.finish(U256::from(3), Ok((b"out".to_vec(), U256::from(1)))).is_err());
        assert_eq!(s.job(U256::from(3)).unwrap().unwrap().state, "new");
        let _ = std::fs::remove_dir_all(&dir);
    }

    fn job(id: u64) -> Job {
        Job {
            id: U256::from(id),
            model: U256::ZERO,
            requester: alloy::primitives::Address::repeat_byte(1),
            input_hash: B256::repeat_byte(2),
            deadline: 100,
            state: "new".into(),
            output_hash: None,
            units: None,
            note: None,
        }
    }

    #[test]
    fn jobs_and_the_cursor_survive_a_reopen_and_a_run_cut_short_is_redone() {
        let dir = std::env::temp_dir().join(format!("cf-store-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        {
            let s = Store::open(&dir).unwrap();
            assert_eq!(s.cursor().unwrap(), None);
            assert_eq!(s.record(&[job(1), job(2)], 10).unwrap(), 2);
            assert_eq!(s.record(&[job(2)], 11).unwrap(), 0, "a job is recorded once");
            assert!(s.transition(U256::from(1), "new", "running", None).unwrap());
            assert!(!s.transition(U256::from(1), "new", "running", None).unwrap());
            assert!(s.transition(U256::from(2), "new", "running", None).unwrap());
            let h = s.done(U256::from(2), b"out", U256::from(3)).unwrap();
            assert_eq!(s.blob(h).unwrap(), b"out");
        }
        let s = Store::open(&dir).unwrap();
        assert_eq!(s.cursor().unwrap(), Some(11));
        assert_eq!(
            s.jobs_in("new").unwrap().iter().map(|j| j.id).collect::<Vec<_>>(),
            vec![U256::from(1)]
        );
        let done = s.jobs_in("done").unwrap();
        assert_eq!(
            (done[0].units, done[0].output_hash),
            (Some(U256::from(3)), Some(keccak256(b"out")))
        );
        assert_eq!(s.blob(B256::repeat_byte(9)), None);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
