//! Checks on a chosen file before any byte is read: the type by its name,
//! emptiness by its size. Problems inside the file (bad lines, no valid
//! line) come back from the detector with line numbers.

/// File types the detector reads; anything else is refused before reading.
pub const ACCEPTED_EXTENSIONS: [&str; 6] = ["jsonl", "ndjson", "json", "csv", "log", "txt"];

/// Why a file cannot be analyzed, decided from its name and size alone
/// (content problems come back from the detector with line numbers).
pub fn precheck(name: &str, size: f64) -> Result<(), String> {
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    if !ACCEPTED_EXTENSIONS.contains(&ext.as_str()) {
        return Err(format!(
            "“{name}” is not a log file signaltrace can read. Choose a JSONL web-proxy log \
             (.jsonl) or a CSV access log (.csv)."
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
    fn wrong_type_and_empty_files_are_refused_with_the_reason() {
        let e = precheck("holiday.png", 10.0).unwrap_err();
        assert!(e.contains("holiday.png") && e.contains("JSONL"), "{e}");
        assert!(precheck("noextension", 10.0).is_err());
        let e = precheck("empty.jsonl", 0.0).unwrap_err();
        assert!(e.contains("empty"), "{e}");
    }
}
