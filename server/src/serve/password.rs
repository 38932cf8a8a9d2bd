//! argon2id password hashes and the small thread pool that checks them.
//!
//! Why a pool of its own: one argon2 check needs its whole working memory
//! (19 MiB at the default `m=19456`). Run on tokio's blocking threads (up
//! to 512 of them), each thread's allocator arena kept its last buffer, so a
//! burst of logins left hundreds of MB resident. Here a fixed number of
//! threads (the cores) each allocate the buffer once and reuse it for every
//! check, so memory after any burst is idle + threads × buffer.

use std::sync::mpsc;
use std::sync::{Arc, Mutex};

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::PasswordHasher;
use argon2::{Algorithm, Argon2, Block, Params, Version};
use tokio::sync::{oneshot, Semaphore};

use super::error::ApiError;

/// Hashes a password with argon2id and the crate's default parameters,
/// as a PHC string (`$argon2id$v=19$m=19456,t=2,p=1$...`).
pub fn hash_password(password: &str) -> Result<String, String> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| format!("cannot hash the password: {e}"))
}

/// A parsed argon2id PHC hash, ready to check passwords against.
pub struct StoredHash {
    version: Version,
    params: Params,
    salt: Vec<u8>,
    hash: Vec<u8>,
}

impl StoredHash {
    pub fn parse(text: &str) -> Result<StoredHash, String> {
        let phc = PasswordHash::new(text).map_err(|e| format!("not a PHC hash ({e})"))?;
        if phc.algorithm.as_str() != "argon2id" {
            return Err(format!(
                "algorithm {} is not argon2id",
                phc.algorithm.as_str()
            ));
        }
        let bad = |what: &str| format!("not a usable argon2id hash ({what})");
        let version = Version::try_from(phc.version.unwrap_or(0x13)).map_err(|_| bad("version"))?;
        let params = Params::try_from(&phc).map_err(|_| bad("parameters"))?;
        let salt = phc.salt.as_ref().ok_or_else(|| bad("no salt"))?.to_vec();
        let hash = phc
            .hash
            .as_ref()
            .ok_or_else(|| bad("no hash"))?
            .as_bytes()
            .to_vec();
        Ok(StoredHash {
            version,
            params,
            salt,
            hash,
        })
    }

    /// argon2 memory blocks (1 KiB each) a check needs.
    pub fn block_count(&self) -> usize {
        self.params.block_count()
    }

    /// True when `password` matches, compared in constant time. `memory`
    /// is the caller's reusable working buffer; it grows if too small.
    pub fn matches(&self, password: &[u8], memory: &mut Vec<Block>) -> bool {
        let blocks = self.block_count();
        if memory.len() < blocks {
            memory.resize(blocks, Block::new());
        }
        let argon = Argon2::new(Algorithm::Argon2id, self.version, self.params.clone());
        let mut out = vec![0u8; self.hash.len()];
        if argon
            .hash_password_into_with_memory(password, &self.salt, &mut out, &mut memory[..blocks])
            .is_err()
        {
            return false;
        }
        out.iter()
            .zip(&self.hash)
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
    }
}

type Job = Box<dyn FnOnce(&mut Vec<Block>) + Send>;

/// A fixed set of threads that run password checks, each with its own
/// reused argon2 buffer; at most `threads` checks run or wait in the queue.
pub struct PasswordPool {
    jobs: Mutex<mpsc::Sender<Job>>,
    /// One per thread; a job holds its slot until it has run, also when the
    /// request that queued it is gone, so the queue never outgrows the pool.
    slots: Arc<Semaphore>,
    threads: usize,
}

impl PasswordPool {
    pub fn new(threads: usize) -> Result<PasswordPool, String> {
        let threads = threads.max(1);
        let (tx, rx) = mpsc::channel::<Job>();
        let rx = Arc::new(Mutex::new(rx));
        for i in 0..threads {
            let rx = Arc::clone(&rx);
            std::thread::Builder::new()
                .name(format!("password-{i}"))
                .spawn(move || {
                    let mut memory = Vec::new();
                    loop {
                        let job = rx.lock().unwrap_or_else(|p| p.into_inner()).recv();
                        match job {
                            Ok(job) => job(&mut memory),
                            Err(_) => return,
                        }
                    }
                })
                .map_err(|e| format!("cannot start the password threads: {e}"))?;
        }
        Ok(PasswordPool {
            jobs: Mutex::new(tx),
            slots: Arc::new(Semaphore::new(threads)),
            threads,
        })
    }

    pub fn threads(&self) -> usize {
        self.threads
    }

    /// Runs `check` on a pool thread with that thread's buffer; waits
    /// (asynchronously) for a free thread first.
    pub async fn run<T, F>(&self, check: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Vec<Block>) -> T + Send + 'static,
    {
        let slot = Arc::clone(&self.slots)
            .acquire_owned()
            .await
            .map_err(|e| ApiError::Internal(e.to_string()))?;
        let (tx, rx) = oneshot::channel();
        let job: Job = Box::new(move |memory| {
            let _ = tx.send(check(memory));
            drop(slot);
        });
        self.jobs
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .send(job)
            .map_err(|_| ApiError::Internal("password threads stopped".into()))?;
        rx.await
            .map_err(|_| ApiError::Internal("password check failed".into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_hash_matches_only_its_password_with_a_reused_buffer() {
        let stored = StoredHash::parse(&hash_password("correct horse").unwrap()).unwrap();
        let mut memory = Vec::new();
        assert!(stored.matches(b"correct horse", &mut memory));
        let cap = memory.capacity();
        assert!(!stored.matches(b"correct horsE", &mut memory));
        assert!(stored.matches(b"correct horse", &mut memory));
        assert_eq!(memory.capacity(), cap, "the buffer is reused, not regrown");
        assert!(StoredHash::parse("$argon2i$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2g").is_err());
    }
}
