//! CSV rows: fuzzed bytes after a fixed header (`--format csv`), or, when the
//! first byte is odd, with the header fuzzed too.
#![no_main]

use libfuzzer_sys::fuzz_target;
use signaltrace_fuzz::*;

const HEADER: &[u8] = b"timestamp,user,host,resource,bytes,success,clientip\n";
const ROW: &[u8] = b"2026-02-14T10:02:15Z,alice,ws1,files.example,10,true,10.0.0.1\n";

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let mut input = Vec::with_capacity(HEADER.len() + ROW.len() + rest.len());
    if mode & 1 == 0 {
        input.extend_from_slice(HEADER);
        input.extend_from_slice(ROW);
    }
    input.extend_from_slice(rest);
    let mut config = csv_config();
    if mode & 2 != 0 {
        config.entity = Some(detector::EntityField::Host);
    }
    match detector::analyze(&input, &config) {
        Ok(report) => check_report(&report, &input),
        Err(e) => {
            assert!(mode & 1 == 1, "fixed header and row, yet {e}");
            let _ = e.to_string();
        }
    }
});
