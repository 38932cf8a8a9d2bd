//! The analysis-in-progress page: bytes read, lines parsed, throughput and
//! Cancel.

use yew::prelude::*;

use crate::format;
use crate::ui::state::{Engine, Progress};

#[derive(Properties, PartialEq)]
pub struct ProgressProps {
    pub progress: Progress,
    pub on_cancel: Callback<()>,
}

#[function_component(ProgressPage)]
pub fn progress_page(p: &ProgressProps) -> Html {
    let pr = &p.progress;
    let pct = pr.fraction() * 100.0;
    let elapsed = pr.now_ms - pr.started_ms;
    let (title, detail) = match pr.engine {
        Engine::Browser => (
            "Analyzing in your browser",
            format!(
                "{}{} of {} · {} lines · {}",
                if pr.pass > 1 {
                    format!("reading again (pass {}) · ", pr.pass)
                } else {
                    String::new()
                },
                format::bytes(pr.bytes),
                format::bytes(pr.total),
                format::thousands(pr.lines as u64),
                format::rate(pr.bytes as u64, elapsed)
            ),
        ),
        Engine::Server => (
            "Uploading and analyzing on the server",
            format!("{} · waiting for the report", format::bytes(pr.total)),
        ),
    };
    let bar = match pr.engine {
        Engine::Browser => html! {
            <div class="progress" role="progressbar" aria-label="Analysis progress"
                aria-valuemin="0" aria-valuemax="100" aria-valuenow={format!("{pct:.0}")}>
                <div class="progress-fill" style={format!("width:{pct:.1}%")}></div>
            </div>
        },
        Engine::Server => html! {
            <div class="progress indeterminate" role="progressbar" aria-label="Waiting for the server">
                <div class="progress-fill"></div>
            </div>
        },
    };
    html! {
        <section class="panel progress-panel" aria-live="polite" data-testid="progress">
            <h1>{ title }</h1>
            <p class="file-name">{ pr.file_name.clone() }</p>
            { bar }
            <p class="progress-detail" data-testid="progress-detail">
                if pr.engine == Engine::Browser { <strong>{ format!("{pct:.0}%") }</strong>{" · "} }
                { detail }
            </p>
            <p class="hint">{"The page stays responsive: the detector runs in a background worker, reading the file in 4 MB slices. Files from 32 MB to 1 GB are read twice (the analysis, then the anomalous entities' raw rows), so memory stays small."}</p>
            <button class="btn btn-secondary" data-testid="cancel" onclick={p.on_cancel.reform(|_| ())}>{"Cancel"}</button>
        </section>
    }
}
