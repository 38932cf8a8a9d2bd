//! The login limiter: failed attempts per client address and per account
//! in a sliding window.
//!
//! An attempt is *reserved* before its password is checked and counts
//! against both budgets while it runs, so guesses sent in parallel cannot
//! all be evaluated before the first failure is recorded: with a budget of
//! N, at most N checks are ever in flight or failed in a window, and every
//! other attempt is refused (429) without touching the password.

use std::collections::hash_map::RandomState;
use std::collections::{HashMap, VecDeque};
use std::hash::BuildHasher;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::error::ApiError;

/// Past this many tracked addresses or accounts, stale entries are swept
/// (then not again until the maps have doubled: sweeping stays amortized
/// O(1) per attempt even when many clients are live).
const SWEEP_ABOVE: usize = 10_000;

pub struct LoginLimiter {
    max_failures: usize,
    window: Duration,
    books: Mutex<Books>,
}

struct Books {
    by_address: HashMap<IpAddr, Book>,
    /// Keyed by a keyed hash of the normalized email: bounded size whatever
    /// a client sends.
    by_account: HashMap<u64, Book>,
    hasher: RandomState,
    sweep_at: usize,
}

#[derive(Default)]
struct Book {
    failures: VecDeque<Instant>,
    in_flight: usize,
}

impl Book {
    fn prune(&mut self, now: Instant, window: Duration) {
        while self.failures.front().is_some_and(|t| now - *t >= window) {
            self.failures.pop_front();
        }
    }

    fn is_stale(&self, now: Instant, window: Duration) -> bool {
        self.in_flight == 0 && self.failures.back().is_none_or(|t| now - *t >= window)
    }

    /// Seconds until this book has room again (at least 1).
    fn retry_after(&self, now: Instant, window: Duration) -> u64 {
        let wait = match self.failures.front() {
            Some(oldest) => window.saturating_sub(now - *oldest),
            None => Duration::from_secs(1),
        };
        wait.as_secs_f64().ceil().max(1.0) as u64
    }
}

impl LoginLimiter {
    pub fn new(max_failures: usize, window: Duration) -> Self {
        LoginLimiter {
            max_failures: max_failures.max(1),
            window,
            books: Mutex::new(Books {
                by_address: HashMap::new(),
                by_account: HashMap::new(),
                hasher: RandomState::new(),
                sweep_at: SWEEP_ABOVE,
            }),
        }
    }

    /// Reserves one attempt for `ip` and `account` (a normalized email), or
    /// refuses with the seconds to wait when either budget is used up by
    /// failures and attempts in flight.
    pub fn reserve(self: &Arc<Self>, ip: IpAddr, account: &str) -> Result<Attempt, ApiError> {
        let now = Instant::now();
        let mut books = self.books.lock().unwrap_or_else(|p| p.into_inner());
        let books = &mut *books;
        if books.by_address.len().max(books.by_account.len()) > books.sweep_at {
            let window = self.window;
            books.by_address.retain(|_, b| !b.is_stale(now, window));
            books.by_account.retain(|_, b| !b.is_stale(now, window));
            let live = books.by_address.len().max(books.by_account.len());
            books.sweep_at = SWEEP_ABOVE.max(2 * live);
        }
        let key = books.hasher.hash_one(account);
        for book in [
            books.by_address.entry(ip).or_default(),
            books.by_account.entry(key).or_default(),
        ] {
            book.prune(now, self.window);
            if book.failures.len() + book.in_flight >= self.max_failures {
                return Err(ApiError::TooManyAttempts {
                    retry_after_secs: book.retry_after(now, self.window),
                });
            }
        }
        for book in [
            books.by_address.entry(ip).or_default(),
            books.by_account.entry(key).or_default(),
        ] {
            book.in_flight += 1;
        }
        Ok(Attempt {
            limiter: Arc::clone(self),
            ip,
            account: key,
            failed: false,
        })
    }

    fn settle(&self, ip: IpAddr, account: u64, failed: bool) {
        let now = Instant::now();
        let mut books = self.books.lock().unwrap_or_else(|p| p.into_inner());
        let books = &mut *books;
        for book in [
            books.by_address.get_mut(&ip),
            books.by_account.get_mut(&account),
        ]
        .into_iter()
        .flatten()
        {
            book.in_flight = book.in_flight.saturating_sub(1);
            if failed {
                book.failures.push_back(now);
                while book.failures.len() > self.max_failures {
                    book.failures.pop_front();
                }
            }
        }
    }
}

/// A reserved login attempt. Dropped without [`Attempt::failed`] (success,
/// or the client went away mid-check) it just frees its reservation.
pub struct Attempt {
    limiter: Arc<LoginLimiter>,
    ip: IpAddr,
    account: u64,
    failed: bool,
}

impl Attempt {
    /// Records the attempt as a failure in both budgets.
    pub fn failed(mut self) {
        self.failed = true;
    }
}

impl Drop for Attempt {
    fn drop(&mut self) {
        self.limiter.settle(self.ip, self.account, self.failed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(n: u8) -> IpAddr {
        IpAddr::from([10, 0, 0, n])
    }

    #[test]
    fn attempts_in_flight_count_against_the_budget() {
        let limiter = Arc::new(LoginLimiter::new(3, Duration::from_secs(60)));
        let held: Vec<Attempt> = (0..3)
            .map(|_| limiter.reserve(ip(1), "a@b").unwrap())
            .collect();
        assert!(limiter.reserve(ip(1), "c@d").is_err(), "per address");
        assert!(limiter.reserve(ip(2), "a@b").is_err(), "per account");
        assert!(limiter.reserve(ip(2), "c@d").is_ok());
        drop(held); // three successes free their reservations
        let failures: Vec<Attempt> = (0..3)
            .map(|_| limiter.reserve(ip(1), "a@b").unwrap())
            .collect();
        failures.into_iter().for_each(Attempt::failed);
        match limiter.reserve(ip(1), "x@y") {
            Err(ApiError::TooManyAttempts { retry_after_secs }) => {
                assert!((59..=60).contains(&retry_after_secs))
            }
            _ => panic!("three failures use the budget up"),
        }
    }
}
