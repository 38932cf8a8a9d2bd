//! Chunked pushes give the same report as one push. The first bytes choose
//! the chunk sizes (1..=64 bytes, cycled), the rest is the log; format is
//! auto-detected so both JSONL and CSV framing are exercised.
#![no_main]

use detector::{Analyzer, Config, LogsMode};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&n, rest)) = data.split_first() else {
        return;
    };
    let n = usize::from(n % 8) + 1;
    if rest.len() < n {
        return;
    }
    let (sizes, log) = rest.split_at(n);
    let mut config = Config::default();
    config.logs = LogsMode::All;
    config.input.max_line_bytes = 64; // exercise over-long lines across chunks
    let whole = detector::analyze(log, &config);

    let mut a = Analyzer::new(config).unwrap();
    let mut pushed = Ok(());
    let mut at = 0;
    let mut k = 0;
    while at < log.len() && pushed.is_ok() {
        let size = usize::from(sizes[k % sizes.len()] % 64) + 1;
        let end = (at + size).min(log.len());
        pushed = a.push(&log[at..end]);
        at = end;
        k += 1;
    }
    let chunked = match pushed {
        Ok(()) => a.finish(),
        Err(e) => Err(e),
    };
    match (&whole, &chunked) {
        (Ok(w), Ok(c)) => {
            signaltrace_fuzz::check_report(w, log);
            assert!(
                w == c,
                "chunked report differs:\n{}\n{}",
                serde_json::to_string(w).unwrap(),
                serde_json::to_string(c).unwrap()
            );
        }
        (Err(w), Err(c)) => assert_eq!(w.to_string(), c.to_string()),
        _ => panic!(
            "one push gave {:?}, chunked gave {:?}",
            whole.as_ref().err(),
            chunked.as_ref().err()
        ),
    }
});
