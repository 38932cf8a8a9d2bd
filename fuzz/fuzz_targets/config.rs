//! Config documents: the fuzzed text as TOML (the way the CLI loads
//! `--config FILE`: `toml::from_str` then `validate`) and as JSON
//! (`Config::from_json`, the server's `config` part). A config that loads is
//! used on a small JSONL log and a small CSV log: any config that validates
//! must analyze without panicking.
#![no_main]

use detector::Config;
use libfuzzer_sys::fuzz_target;
use signaltrace_fuzz::check_report;

const JSONL: &[u8] = br#"{"time":"2026-02-14T10:02:15Z","clientip":"10.0.0.1","user":"a","url":"https://a.example/","action":"DENY","responsesize":10}
{"time":"2026-02-14T23:59:59.5+02:00","clientip":"10.0.0.2","user":"b","url":"https://b.example/","action":"ALLOW","responsesize":99999999}
{"time":"2026-02-14T03:00:00Z","clientip":"10.0.0.3","user":"c","url":"http://c.example/","action":"ALLOW","responsesize":0}
"#;
const CSV: &[u8] = b"timestamp,user,host,resource,bytes,success,clientip\n2026-02-14T10:02:15Z,alice,ws1,files.example,10,true,10.0.0.1\n2026-02-14T02:02:15Z,bob,ws2,x.example,5,false,10.0.0.2\n";

fn exercise(config: &Config) {
    for input in [JSONL, CSV] {
        if let Ok(report) = detector::analyze(input, config) {
            check_report(&report, input);
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(config) = toml::from_str::<Config>(text) {
        if config.validate().is_ok() {
            exercise(&config);
        }
    }
    if let Ok(config) = Config::from_json(text) {
        exercise(&config);
    }
});
