//! Checks on a chosen file before any byte is read: the type by its name,
//! emptiness by its size. Problems inside the file (bad lines, no valid
//! line) come back from the detector with line numbers.

/// File types the detector reads; anything else is refused before reading.
pub const ACCEPTED_EXTENSIONS: [&str; 6] = ["jsonl", "ndjson", "json", "csv", "log", "txt"];

/// Compression suffixes: the detector recognises gzip and zstd by content.
pub const COMPRESSED_EXTENSIONS: [&str; 3] = ["gz", "zst", "zstd"];

/// The picker's `accept` list: every log and compressed extension.
pub fn accept_attribute() -> String {
    ACCEPTED_EXTENSIONS
        .iter()
        .chain(&COMPRESSED_EXTENSIONS)
        .map(|e| format!(".{e}"))
        .collect::<Vec<_>>()
        .join(",")
}

/// The log type a file name says, past a compression suffix and a
/// rotation number (`access.log.2.gz` → `log`).
fn log_extension(name: &str) -> String {
    let lower = name.to_ascii_lowercase();
    let mut parts: Vec<&str> = lower.split('.').skip(1).collect();
    if parts
        .last()
        .is_some_and(|e| COMPRESSED_EXTENSIONS.contains(e))
    {
        parts.pop();
    }
    if parts
        .last()
        .is_some_and(|e| !e.is_empty() && e.bytes().all(|c| c.is_ascii_digit()))
    {
        parts.pop();
    }
    parts.last().map(|e| e.to_string()).unwrap_or_default()
}

/// Whether a file name says a log type the detector reads (a folder's
/// other files are left out).
pub fn is_log_name(name: &str) -> bool {
    ACCEPTED_EXTENSIONS.contains(&log_extension(name).as_str())
}

/// Why a file cannot be analyzed, decided from its name and size alone
/// (content problems come back from the detector with line numbers).
pub fn precheck(name: &str, size: f64) -> Result<(), String> {
    if !ACCEPTED_EXTENSIONS.contains(&log_extension(name).as_str()) {
        return Err(format!(
            "“{name}” is not a log file signaltrace can read. Choose a JSONL web-proxy log \
             (.jsonl) or a CSV access log (.csv), plain or compressed (.gz, .zst)."
        ));
    }
    if size == 0.0 {
        return Err(format!(
            "“{name}” is empty: there are no log lines to analyze."
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_extensions_pass_any_case() {
        assert!(precheck("proxy.jsonl", 10.0).is_ok());
        assert!(precheck("ACCESS.CSV", 10.0).is_ok());
    }

    #[test]
    fn compressed_and_rotated_logs_pass() {
        for name in [
            "proxy.jsonl.gz",
            "access.log.1",
            "access.log.2.gz",
            "a.csv.ZST",
        ] {
            assert!(precheck(name, 10.0).is_ok(), "{name}");
        }
        assert!(precheck("photo.png.gz", 10.0).is_err());
        assert!(precheck("archive.gz", 10.0).is_err());
        assert!(accept_attribute().contains(".gz") && accept_attribute().contains(".jsonl"));
    }

    #[test]
    fn wrong_type_and_empty_files_are_refused_with_the_reason() {
        let e = precheck("holiday.png", 10.0).unwrap_err();
        assert!(e.contains("holiday.png") && e.contains("JSONL"), "{e}");
        assert!(precheck("noextension", 10.0).is_err());
        let e = precheck("empty.jsonl", 0.0).unwrap_err();
        assert!(e.contains("empty"), "{e}");
    }
}
