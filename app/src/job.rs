//! One analysis, from a chosen file to a report, on either engine.
//!
//! Before any byte is read, [`plan`] decides everything about the run: is
//! the file worth reading ([`intake`]), the detector config the settings
//! make, which raw rows the report keeps (by file size), and where it runs —
//! in this browser's Web Worker or on the server ([`choose_engine`]). A
//! refusal comes back as the [`Event`] the screen should show.
//!
//! Then `Job` (wasm32 only, in `job/running.rs`) runs the [`Plan`]: it owns
//! the worker or the server request, reports progress, and hands back a
//! [`Loaded`] report — the same shape whichever engine ran. Dropping the
//! job stops it. The app's controller (`controller.rs`) starts jobs and
//! feeds their outcomes to the [`Flow`](crate::flow::Flow).

use detector::config::LogsMode;
use detector::Report;

use crate::flow::{Engine, Event, Progress};
use crate::intake;
use crate::settings::{logs_mode_for, Settings};

#[cfg(target_arch = "wasm32")]
mod running;
#[cfg(target_arch = "wasm32")]
pub use running::{Job, JobEvent};

/// What an analysis will do, decided before it starts.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub file_name: String,
    /// File size in bytes.
    pub size: f64,
    pub engine: Engine,
    /// Which raw rows the report keeps: all of them up to
    /// [`ALL_LOGS_MAX_BYTES`](crate::settings::ALL_LOGS_MAX_BYTES), only the
    /// anomalous entities' up to
    /// [`ANOMALOUS_LOGS_MAX_BYTES`](crate::settings::ANOMALOUS_LOGS_MAX_BYTES),
    /// none above. Every event is analyzed whatever this says.
    pub logs: LogsMode,
    /// The detector [`Config`](detector::Config) as JSON: what the worker
    /// and the server's `config` part both take.
    pub config_json: String,
}

impl Plan {
    /// The progress screen's state at the start of this run.
    pub fn progress(&self, now_ms: f64) -> Progress {
        Progress {
            file_name: self.file_name.clone(),
            engine: self.engine,
            bytes: 0.0,
            total: self.size,
            lines: 0.0,
            pass: 1,
            started_ms: now_ms,
            now_ms,
        }
    }
}

/// Where an analysis runs: on the server when the analyst switched server
/// mode on, which needs a session; in the browser otherwise.
pub fn choose_engine(server_mode: bool, signed_in: bool) -> Result<Engine, Event> {
    match (server_mode, signed_in) {
        (false, _) => Ok(Engine::Browser),
        (true, true) => Ok(Engine::Server),
        (true, false) => Err(Event::SignInNeeded),
    }
}

/// Plans the analysis of several files (name, size), read as one log in
/// the order given: each file is checked as [`plan`] checks one, and an
/// empty file among others is fine; the run is named after the file, or
/// "N files".
pub fn plan_files(
    files: &[(String, f64)],
    settings: &Settings,
    server_mode: bool,
    signed_in: bool,
) -> Result<Plan, Event> {
    if let [(name, size)] = files {
        return plan(name, *size, settings, server_mode, signed_in);
    }
    if files.is_empty() {
        return Err(Event::Refused(
            "The folder has no log files signaltrace can read (.jsonl, .csv, .log, …).".into(),
        ));
    }
    for (name, size) in files {
        // Emptiness is judged for the files together.
        intake::precheck(name, size.max(1.0)).map_err(Event::Refused)?;
    }
    let total: f64 = files.iter().map(|(_, size)| size).sum();
    if total == 0.0 {
        return Err(Event::Refused(
            "The files are empty: there are no log lines to analyze.".into(),
        ));
    }
    let name = format!("{} files", files.len());
    checked_plan(&name, total, settings, server_mode, signed_in)
}

/// Plans the analysis of the file `name` of `size` bytes, or says why not:
/// the file's type or emptiness, then the settings, then a missing session —
/// in that order, so the analyst fixes what is nearest to hand first.
pub fn plan(
    name: &str,
    size: f64,
    settings: &Settings,
    server_mode: bool,
    signed_in: bool,
) -> Result<Plan, Event> {
    intake::precheck(name, size).map_err(Event::Refused)?;
    checked_plan(name, size, settings, server_mode, signed_in)
}

/// [`plan`] past the file checks: the settings, then the session.
fn checked_plan(
    name: &str,
    size: f64,
    settings: &Settings,
    server_mode: bool,
    signed_in: bool,
) -> Result<Plan, Event> {
    let logs = logs_mode_for(size as u64);
    // Checked by the detector here, so a bad setting (an unknown time zone)
    // never starts an analysis.
    let config_json = settings
        .to_config(logs)
        .and_then(|_| settings.to_config_json(logs))
        .map_err(|why| Event::Refused(format!("Check the settings: {why}")))?;
    let engine = choose_engine(server_mode, signed_in)?;
    Ok(Plan {
        file_name: name.to_string(),
        size,
        engine,
        logs,
        config_json,
    })
}

/// A finished analysis: the parsed report and its JSON exactly as produced
/// (the JSON export hands that text out unchanged).
#[derive(Debug)]
pub struct Loaded {
    pub report: Report,
    pub json: String,
    pub engine: Engine,
    pub file_size: f64,
    pub elapsed_ms: f64,
    /// How the workers ran (browser analysis only).
    pub worker: Option<WorkerRun>,
}

/// How a browser analysis ran.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WorkerRun {
    /// The workers' peak wasm memory in bytes, summed.
    pub memory: f64,
    /// How many workers read the files (a big JSONL file is split across
    /// one per core, signaltrace/worker's `workers`).
    pub workers: u32,
}

impl Loaded {
    /// Reads the report JSON an engine answered for `plan`.
    pub fn read(
        plan: &Plan,
        json: String,
        elapsed_ms: f64,
        worker: Option<WorkerRun>,
    ) -> Result<Loaded, String> {
        let report = serde_json::from_str::<Report>(&json)
            .map_err(|e| format!("The report could not be read: {e}"))?;
        Ok(Loaded {
            report,
            json,
            engine: plan.engine,
            file_size: plan.size,
            elapsed_ms,
            worker,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::{ALL_LOGS_MAX_BYTES, ANOMALOUS_LOGS_MAX_BYTES};

    const MB: f64 = 1024.0 * 1024.0;

    fn bad_settings() -> Settings {
        Settings {
            data_transfer_mb: -1.0,
            ..Settings::default()
        }
    }

    fn plan_for(size: f64) -> Plan {
        plan("proxy.jsonl", size, &Settings::default(), false, false).unwrap()
    }

    #[test]
    fn browser_analysis_needs_no_session() {
        assert_eq!(choose_engine(false, false), Ok(Engine::Browser));
        assert_eq!(choose_engine(false, true), Ok(Engine::Browser));
    }

    #[test]
    fn server_analysis_needs_a_session() {
        assert_eq!(choose_engine(true, true), Ok(Engine::Server));
        assert_eq!(choose_engine(true, false), Err(Event::SignInNeeded));
    }

    #[test]
    fn rows_kept_shrink_as_the_file_grows() {
        assert_eq!(plan_for(1.0).logs, LogsMode::All);
        assert_eq!(plan_for(ALL_LOGS_MAX_BYTES as f64).logs, LogsMode::All);
        assert_eq!(
            plan_for(ALL_LOGS_MAX_BYTES as f64 + 1.0).logs,
            LogsMode::Anomalous
        );
        assert_eq!(plan_for(45.0 * MB).logs, LogsMode::Anomalous);
        assert_eq!(
            plan_for(ANOMALOUS_LOGS_MAX_BYTES as f64).logs,
            LogsMode::Anomalous
        );
        assert_eq!(
            plan_for(ANOMALOUS_LOGS_MAX_BYTES as f64 + 1.0).logs,
            LogsMode::None
        );
    }

    #[test]
    fn the_rows_policy_reaches_the_detector_config() {
        let config = detector::Config::from_json(&plan_for(45.0 * MB).config_json).unwrap();
        assert_eq!(config.logs, LogsMode::Anomalous);
    }

    #[test]
    fn a_bad_file_is_refused_before_the_settings_or_the_session() {
        let bad = bad_settings();
        let e = plan("photo.png", 10.0, &bad, true, false).unwrap_err();
        assert!(
            matches!(&e, Event::Refused(why) if why.contains("photo.png")),
            "{e:?}"
        );
        let e = plan("empty.jsonl", 0.0, &bad, true, false).unwrap_err();
        assert!(
            matches!(&e, Event::Refused(why) if why.contains("empty")),
            "{e:?}"
        );
    }

    #[test]
    fn bad_settings_are_refused_before_asking_to_sign_in() {
        let bad = bad_settings();
        let e = plan("proxy.jsonl", 10.0, &bad, true, false).unwrap_err();
        assert!(
            matches!(&e, Event::Refused(why) if why.starts_with("Check the settings:")),
            "{e:?}"
        );
        let e = plan("proxy.jsonl", 10.0, &Settings::default(), true, false).unwrap_err();
        assert_eq!(e, Event::SignInNeeded);
    }

    #[test]
    fn a_plan_starts_the_progress_screen_at_zero() {
        let p = plan("a.csv", 500.0, &Settings::default(), true, true).unwrap();
        assert_eq!(p.engine, Engine::Server);
        let progress = p.progress(7.0);
        assert_eq!(
            (progress.file_name.as_str(), progress.engine, progress.total),
            ("a.csv", Engine::Server, 500.0)
        );
        assert_eq!(
            (progress.bytes, progress.started_ms, progress.now_ms),
            (0.0, 7.0, 7.0)
        );
    }

    #[test]
    fn a_report_the_detector_wrote_reads_back_with_the_plans_facts() {
        let p = plan_for(1.0);
        let mut analyzer = detector::Analyzer::new(detector::Config::default()).unwrap();
        analyzer
            .push_owned(
                br#"{"time":"2026-02-10T08:00:58.977Z","clientip":"192.168.1.26","method":"GET","url":"https://www.example.com/","action":"ALLOW","responsecode":200,"requestsize":1784,"responsesize":5744}
"#
                .to_vec(),
            )
            .unwrap();
        let json = serde_json::to_string(&analyzer.finish().unwrap()).unwrap();
        let run = WorkerRun {
            memory: 3.0,
            workers: 2,
        };
        let loaded = Loaded::read(&p, json.clone(), 12.0, Some(run)).unwrap();
        assert_eq!(loaded.worker, Some(run));
        assert_eq!(loaded.json, json, "the JSON is kept exactly as produced");
        assert_eq!(loaded.report.total_logs, 1);
        assert_eq!((loaded.engine, loaded.file_size), (Engine::Browser, 1.0));
        let e = Loaded::read(&p, "{".into(), 0.0, None).unwrap_err();
        assert!(e.starts_with("The report could not be read:"), "{e}");
    }

    #[test]
    fn several_files_are_planned_together() {
        let files = |list: &[(&str, f64)]| -> Vec<(String, f64)> {
            list.iter().map(|(n, s)| (n.to_string(), *s)).collect()
        };
        let settings = Settings::default();
        let p = plan_files(
            &files(&[
                ("access.log", 10.0),
                ("access.log.1.gz", 0.0),
                ("access.log.2", 5.0),
            ]),
            &settings,
            false,
            false,
        )
        .unwrap();
        assert_eq!((p.file_name.as_str(), p.size), ("3 files", 15.0));
        let one = plan_files(&files(&[("a.csv", 5.0)]), &settings, false, false).unwrap();
        assert_eq!(one.file_name, "a.csv");
        let e = plan_files(
            &files(&[("a.jsonl", 5.0), ("b.png", 5.0)]),
            &settings,
            false,
            false,
        )
        .unwrap_err();
        assert!(matches!(e, Event::Refused(why) if why.contains("“b.png”")));
        let e = plan_files(
            &files(&[("a.jsonl", 0.0), ("b.jsonl", 0.0)]),
            &settings,
            false,
            false,
        )
        .unwrap_err();
        assert!(matches!(e, Event::Refused(why) if why.contains("empty")));
        assert!(plan_files(&[], &settings, false, false).is_err());
    }
}
