//! One plain JSONL file read in slices on several threads: the file is cut
//! at line starts ([`detector::split_head`]), each slice is read by an
//! analyzer of its own ([`detector::Analyzer::slice_of`]) on whichever
//! thread is free, and the slices are merged in file order into the
//! analyzer of the first ([`detector::Analyzer::merge_slice_here`]) — the report
//! of reading the file whole. Against the analyzer's own threads (one
//! reader handing 4 MB blocks to parsers, their partials merged on the
//! reading thread) there is no single reading thread to wait for and a
//! partial per slice instead of per block; the browser's workers split a
//! file the same way (npm/entry/worker-thread.js).

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;

use detector::{split_head, Analyzer, Config, Error, Slice};

/// What is read at a time where the reading thread also parses (a slice,
/// or the CLI's one thread), through one reused buffer that is still in the
/// core's cache when parsed. 64 KiB: on 1M events with one thread, the
/// kernel's copy into a 256 KiB buffer took 0.17–0.31 s of system time and
/// into a 64 KiB one 0.05–0.10 s (wall 1.04–1.38 s against 0.97–1.19 s,
/// six runs each, alternating); two threads in slices were no slower
/// (0.52–0.55 s against 0.57–0.62 s). An earlier measurement had 256 KiB
/// ahead of a fresh 4 MiB buffer per read (0.315 against 0.33 s).
const HOT_READ: usize = 64 << 10;

/// Slices per thread: enough that a thread slowed by the rest of the
/// machine takes fewer.
pub const SLICES_PER_THREAD: usize = 4;

/// Why a sliced reading failed.
#[derive(Debug)]
pub enum Failure {
    Read(io::Error),
    Detector(Error),
}

impl From<io::Error> for Failure {
    fn from(e: io::Error) -> Self {
        Failure::Read(e)
    }
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure::Detector(e)
    }
}

/// Where a file is cut.
#[derive(Debug)]
pub struct Plan {
    /// The file's first bytes, through the line that decides its format.
    head: Vec<u8>,
    /// Slice i is bounds[i]..bounds[i + 1].
    bounds: Vec<u64>,
}

/// Where to cut the file at `path` (of `len` bytes) into at most `count`
/// slices of `min_slice` bytes or more; `None` when it is read whole (too
/// small, compressed, CSV).
pub fn plan(
    path: &Path,
    len: u64,
    config: &Config,
    count: usize,
    min_slice: u64,
) -> io::Result<Option<Plan>> {
    let count = count.min(usize::try_from(len / min_slice.max(1)).unwrap_or(usize::MAX));
    if count < 2 {
        return Ok(None);
    }
    let mut file = File::open(path)?;
    let mut start = Vec::new();
    (&mut file).take(1 << 20).read_to_end(&mut start)?;
    let Some(head) = split_head(config.clone(), &start) else {
        return Ok(None);
    };
    let mut bounds = vec![0];
    let mut buf = vec![0; 64 << 10];
    for k in 1..count as u64 {
        // The first line start at or after k/count of the file (and after the head).
        let mut at = (len * k / count as u64).max(head as u64) - 1;
        file.seek(SeekFrom::Start(at))?;
        let cut = loop {
            let n = file.read(&mut buf)?;
            if n == 0 {
                break len;
            }
            if let Some(i) = buf[..n].iter().position(|&b| b == b'\n') {
                break at + i as u64 + 1;
            }
            at += n as u64;
        };
        if cut < len && cut > bounds[bounds.len() - 1] {
            bounds.push(cut);
        }
    }
    bounds.push(len);
    start.truncate(head);
    Ok((bounds.len() > 2).then_some(Plan {
        head: start,
        bounds,
    }))
}

impl Plan {
    /// Reads the file into `first` (its first slice) and into analyzers
    /// from `make` (the others) on `threads` threads, this one included,
    /// merging them into `first` in file order; `first` is then ready to
    /// finish. `on_read` is told the size of every chunk read, on the
    /// thread that read it.
    pub fn read(
        &self,
        path: &Path,
        mut first: Analyzer,
        make: &(dyn Fn() -> Result<Analyzer, Error> + Sync),
        threads: usize,
        on_read: &(dyn Fn(u64) + Sync),
    ) -> Result<Analyzer, Failure> {
        let count = self.bounds.len() - 1;
        // The next slice nobody has taken (slice 0 is this thread's).
        let next = AtomicUsize::new(1);
        let stop = AtomicBool::new(false);
        std::thread::scope(|scope| {
            let (tx, rx) = mpsc::channel();
            for _ in 1..threads.min(count) {
                let tx = tx.clone();
                let (next, stop) = (&next, &stop);
                scope.spawn(move || {
                    while !stop.load(Ordering::Relaxed) {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        if i >= count || tx.send((i, self.slice(path, i, make, on_read))).is_err() {
                            break;
                        }
                    }
                });
            }
            drop(tx);
            let result = (|| {
                self.read_range(path, 0, &mut first, on_read)?;
                // Slices read and not merged yet.
                let mut ready = BTreeMap::new();
                let mut merged = 1;
                while merged < count {
                    while let Ok((i, slice)) = rx.try_recv() {
                        ready.insert(i, slice?);
                    }
                    if let Some(slice) = ready.remove(&merged) {
                        first.merge_slice_here(slice)?;
                        merged += 1;
                        continue;
                    }
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i < count {
                        ready.insert(i, self.slice(path, i, make, on_read)?);
                    } else {
                        // Every slice is taken: wait for one.
                        let (i, slice) = rx.recv().map_err(|_| {
                            Failure::Read(io::Error::other("a reading thread stopped"))
                        })?;
                        ready.insert(i, slice?);
                    }
                }
                Ok(first)
            })();
            stop.store(result.is_err(), Ordering::Relaxed);
            result
        })
    }

    /// Slice `i` read by an analyzer of its own: what it adds up to.
    fn slice(
        &self,
        path: &Path,
        i: usize,
        make: &(dyn Fn() -> Result<Analyzer, Error> + Sync),
        on_read: &(dyn Fn(u64) + Sync),
    ) -> Result<Slice, Failure> {
        let mut analyzer = make()?.slice_of(&self.head)?;
        self.read_range(path, i, &mut analyzer, on_read)?;
        Ok(analyzer.finish_slice_here()?)
    }

    fn read_range(
        &self,
        path: &Path,
        i: usize,
        analyzer: &mut Analyzer,
        on_read: &(dyn Fn(u64) + Sync),
    ) -> Result<(), Failure> {
        let mut file = File::open(path)?;
        file.seek(SeekFrom::Start(self.bounds[i]))?;
        let mut rest = file.take(self.bounds[i + 1] - self.bounds[i]);
        feed(&mut rest, analyzer, &mut |_, n| on_read(n))
    }
}

/// Pushes everything `r` has into `analyzer`, [`HOT_READ`] bytes at a time
/// through one reused buffer (an interrupted read is retried);
/// `on_read(analyzer, bytes)` after each read.
pub fn feed(
    r: &mut dyn Read,
    analyzer: &mut Analyzer,
    on_read: &mut dyn FnMut(&Analyzer, u64),
) -> Result<(), Failure> {
    let mut buf = vec![0; HOT_READ];
    loop {
        let n = match r.read(&mut buf) {
            Ok(0) => return Ok(()),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e.into()),
        };
        analyzer.push(&buf[..n])?;
        on_read(analyzer, n as u64);
    }
}
