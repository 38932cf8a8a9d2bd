//! The results page: summary, timeline over the activity chart, anomaly
//! cards, population chart and the raw-log table. Everything drawn here is
//! read from the report; nothing is recomputed.

use detector::config::LogsMode;
use detector::features::FEATURE_NAMES;
use detector::report::{Anomaly, StatisticsStatus};
use detector::{Format, Report, RiskLevel, Severity};
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::browser;
use crate::chart::{self, ActivityChart, Frame};
use crate::export;
use crate::format;
use crate::logs::TableView;
use crate::ui::fragment;
use crate::ui::investigate::Investigation;
use crate::ui::logtable::LogTable;
use crate::ui::state::{Engine, LoadedRef};

pub(super) fn severity_class(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "sev-critical",
        Severity::High => "sev-high",
        Severity::Medium => "sev-medium",
        Severity::Low => "sev-low",
    }
}

fn risk_class(r: RiskLevel) -> &'static str {
    match r {
        RiskLevel::High => "risk-high",
        RiskLevel::Medium => "risk-medium",
        RiskLevel::Low => "risk-low",
    }
}

pub(super) fn severity_badge(s: Severity) -> Html {
    html! { <span class={classes!("badge", severity_class(s))} data-severity={s.as_str()}>{ s.as_str() }</span> }
}

/// "client IPs", "users", "hosts": the detector's vocabulary.
fn entity_plural(r: &Report) -> &'static str {
    detector::vocab::entity_noun(r.entity_field, 2)
}

/// "Client IP", "User", "Host": the detector's vocabulary.
fn entity_noun(r: &Report) -> &'static str {
    detector::vocab::entity_label(r.entity_field)
}

#[derive(Properties, PartialEq)]
pub struct ResultsProps {
    pub loaded: LoadedRef,
    pub on_new: Callback<()>,
}

#[function_component(ResultsPage)]
pub fn results_page(p: &ResultsProps) -> Html {
    let l = &p.loaded.0;
    let r = &l.report;
    // The fragment names the entity under investigation (if the report has
    // it: a fragment kept across a reload may name another file's entity).
    let view = fragment::use_fragment_view();
    let investigated = {
        let name = view.entity.clone();
        *use_memo((p.loaded.clone(), name), |(l, name)| {
            let name = name.as_deref()?;
            l.0.report.entities.iter().position(|e| e.entity == name)
        })
    };
    let base = r
        .filename
        .clone()
        .unwrap_or_else(|| "report".into())
        .rsplit_once('.')
        .map(|(b, _)| b.to_string())
        .unwrap_or_else(|| r.filename.clone().unwrap_or_else(|| "report".into()));
    let export_json = {
        let (json, name) = (p.loaded.clone(), format!("{base}.report.json"));
        Callback::from(move |_| browser::download(&name, "application/json", &json.0.json))
    };
    let export_csv = {
        let (loaded, name) = (p.loaded.clone(), format!("{base}.anomalies.csv"));
        Callback::from(move |_| {
            browser::download(&name, "text/csv", &export::anomalies_csv(&loaded.0.report))
        })
    };
    html! {
        <div class="results" data-testid="results">
            <div class="results-toolbar">
                <button class="btn btn-ghost" data-testid="new-analysis" onclick={p.on_new.reform(|_| ())}>{"← New analysis"}</button>
                <div class="toolbar-actions">
                    <button class="btn btn-secondary" data-testid="export-json" onclick={export_json}>{"Export JSON report"}</button>
                    <button class="btn btn-secondary" data-testid="export-csv" onclick={export_csv}>{"Export anomalies CSV"}</button>
                </div>
            </div>
            if let Some(entity) = investigated {
                <Investigation loaded={p.loaded.clone()} {entity} view={view.clone()} />
            } else {
                <Summary loaded={p.loaded.clone()} />
                <Timeline loaded={p.loaded.clone()} />
                <section class="panel" aria-labelledby="anomalies-title">
                    <h2 id="anomalies-title">{ format!("Anomalies ({})", r.anomaly_count) }</h2>
                    if r.anomalies.is_empty() {
                        <p class="empty" data-testid="no-anomalies">{ format!("No {} behaved abnormally under the current thresholds.", entity_plural(r)) }</p>
                    } else {
                        <div class="anomaly-grid">
                            { for r.anomalies.iter().map(|a| anomaly_card(r, a)) }
                        </div>
                    }
                </section>
                <Population loaded={p.loaded.clone()} />
            }
            <LogTable loaded={p.loaded.clone()} view={view.clone()} />
            <p class="hint run-info" data-testid="run-info" data-elapsed-ms={format!("{:.0}", l.elapsed_ms)}
                data-worker-memory={l.worker.map(|w| format!("{:.0}", w.memory)).unwrap_or_default()}
                data-workers={l.worker.map(|w| w.workers.to_string()).unwrap_or_default()}>{ format!(
                "Analyzed {} {} in {:.1} s{} · {} · detector {} · seed {}",
                format::bytes(l.file_size),
                if l.engine == Engine::Browser { "in this browser" } else { "on the server" },
                l.elapsed_ms / 1000.0,
                l.worker.map(|w| match w.workers {
                    1 => format!(" (worker memory {})", format::bytes(w.memory)),
                    n => format!(" ({n} workers, memory {})", format::bytes(w.memory)),
                }).unwrap_or_default(),
                if r.format == Format::Jsonl { "JSONL" } else { "CSV" },
                detector::VERSION,
                r.statistics.seed,
            ) }</p>
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct SectionProps {
    loaded: LoadedRef,
}

#[function_component(Summary)]
fn summary(p: &SectionProps) -> Html {
    let r = &p.loaded.0.report;
    let show_errors = use_state(|| false);
    let b = &r.detection_breakdown;
    let toggle = {
        let s = show_errors.clone();
        Callback::from(move |_| s.set(!*s))
    };
    let stats = match r.statistics.status {
        StatisticsStatus::Ran => format!(
            "Isolation Forest: {} trees, {} {} per tree, {} above score {:.2}.",
            r.statistics.trees,
            r.statistics.sample_size,
            detector::vocab::entity_noun(r.entity_field, r.statistics.sample_size as u64),
            format::counted(r.statistics.outliers, "outlier", "outliers"),
            r.statistics
                .contamination_threshold
                .unwrap_or(0.0)
                .max(r.statistics.score_threshold),
        ),
        StatisticsStatus::Skipped => format!(
            "Statistical detection skipped: {}.",
            r.statistics.reason.clone().unwrap_or_default()
        ),
    };
    html! {
        <section class="panel summary" aria-labelledby="summary-title" data-testid="summary">
            <div class="summary-head">
                <div>
                    <h1 id="summary-title" class="file-title" data-testid="file-name">{ title(r) }</h1>
                    <p class="summary-text" data-testid="summary-text">{ r.summary.clone() }</p>
                </div>
                <div class={classes!("risk", risk_class(r.risk_level))} data-testid="risk-level" data-risk={r.risk_level.as_str()}>
                    <span class="risk-label">{"Risk"}</span>
                    <span class="risk-value">{ r.risk_level.as_str() }</span>
                </div>
            </div>
            <dl class="stats">
                <div><dt>{"Log events"}</dt><dd data-testid="total-logs">{ format::thousands(r.total_logs) }</dd></div>
                <div><dt>{ entity_plural(r) }</dt><dd data-testid="entity-count">{ format::thousands(r.entity_count) }</dd></div>
                <div><dt>{"Anomalies"}</dt><dd data-testid="anomaly-count">{ r.anomaly_count }</dd></div>
                <div><dt>{"Time range"}</dt><dd class="small">{ format::timestamp(&r.time_range.start) }<br/>{ format!("→ {}", format::timestamp(&r.time_range.end)) }<br/><span class="muted">{ format::duration_hours(r.time_range.duration_hours) }</span></dd></div>
                <div><dt>{"Peak hour"}</dt><dd class="small">{ format!("{:02}:00", r.peak_activity.hour) }<br/><span class="muted">{ format!("{} events", format::thousands(r.peak_activity.event_count)) }</span></dd></div>
            </dl>
            <div class="breakdown" aria-label="Detection breakdown">
                <span class="chip" data-testid="breakdown-rule">{ format!("Rule-based {}", b.rule_based) }</span>
                <span class="chip" data-testid="breakdown-statistical">{ format!("Statistical {}", b.statistical) }</span>
                <span class="chip" data-testid="breakdown-hybrid">{ format!("Hybrid {}", b.hybrid) }</span>
                if r.allowlisted_count > 0 {
                    <span class="chip chip-muted" data-testid="allowlisted">{ format!("Allowlisted {}", r.allowlisted_count) }</span>
                }
                <span class="muted stats-note">{ stats }</span>
            </div>
            if r.inputs.len() > 1 {
                { inputs_list(r) }
            }
            if p.loaded.0.report.config.logs == LogsMode::Anomalous {
                <div class="alert alert-info" data-testid="logs-note">
                    { format!("Large file: the raw-log table holds only the anomalous {}' events (files over {} MB), so a million-line file fits in memory. Every event was analyzed.", entity_plural(r), crate::settings::ALL_LOGS_MAX_BYTES / (1024 * 1024)) }
                </div>
            }
            if r.rejected_lines > 0 {
                <div class="rejected">
                    <button class="btn btn-ghost btn-small" aria-expanded={show_errors.to_string()} data-testid="toggle-rejected" onclick={toggle}>
                        { format!("{} {} rejected — {}", format::thousands(r.rejected_lines), if r.rejected_lines == 1 { "line" } else { "lines" }, if *show_errors { "hide reasons" } else { "show reasons" }) }
                    </button>
                    if *show_errors {
                        <div class="rejected-body" data-testid="rejected-lines">
                            <p class="muted">{ r.rejection_counts.iter().map(|(k, c)| format!("{k}: {c}")).collect::<Vec<_>>().join(" · ") }</p>
                            <table class="table compact">
                                <thead><tr>
                                    if r.inputs.len() > 1 { <th scope="col">{"File"}</th> }
                                    <th scope="col">{"Line"}</th><th scope="col">{"Reason"}</th>
                                </tr></thead>
                                <tbody>
                                    { for r.parse_errors.iter().map(|e| html! {
                                        <tr>
                                            if r.inputs.len() > 1 { <td data-testid="rejected-file">{ input_name(r, e.input) }</td> }
                                            <td class="num">{ e.line }</td><td>{ e.reason.clone() }</td>
                                        </tr>
                                    }) }
                                </tbody>
                            </table>
                            if (r.parse_errors.len() as u64) < r.rejected_lines {
                                <p class="muted">{ format!("First {} shown.", r.parse_errors.len()) }</p>
                            }
                        </div>
                    }
                </div>
            }
        </section>
    }
}

const ACTIVITY_FRAME: Frame = Frame {
    width: 1000.0,
    height: 180.0,
    pad_left: 96.0,
    pad_bottom: 24.0,
    pad_top: 10.0,
    pad_right: 10.0,
};

/// Most anomalies drawn as their own lane above the activity chart.
const MAX_LANES: usize = 12;
const LANE_HEIGHT: f64 = 11.0;

#[function_component(Timeline)]
fn timeline(p: &SectionProps) -> Html {
    let r = &p.loaded.0.report;
    let lanes = r.timeline.len().min(MAX_LANES);
    // Each anomaly gets a lane (first to last event) above the histogram;
    // its busiest minute is marked across the histogram.
    let lanes_height = if lanes > 0 {
        lanes as f64 * LANE_HEIGHT + 8.0
    } else {
        0.0
    };
    let f = Frame {
        height: ACTIVITY_FRAME.height + lanes_height,
        pad_top: ACTIVITY_FRAME.pad_top + lanes_height,
        ..ACTIVITY_FRAME
    };
    let chart = ActivityChart::new(&r.activity, &f);
    let svg = match &chart {
        Some(c) => {
            let windows = r.timeline.iter().take(MAX_LANES).enumerate().filter_map(|(i, t)| {
                let (x, w) = c.span_of(&f, &t.timestamp, &t.last_seen)?;
                let y = ACTIVITY_FRAME.pad_top + i as f64 * LANE_HEIGHT;
                Some(html! {
                    <g>
                        <rect class="lane-bg" x={f.pad_left.to_string()} y={format!("{y:.1}")} width={f.plot_width().to_string()} height={(LANE_HEIGHT - 3.0).to_string()} />
                        <rect class={classes!("window", severity_class(t.severity))} x={format!("{x:.1}")} y={format!("{y:.1}")}
                            width={format!("{w:.1}")} height={(LANE_HEIGHT - 3.0).to_string()} rx="2">
                            <title>{ format!("{} ({}) {} → {}", t.entity, t.severity.as_str(), format::timestamp(&t.timestamp), format::timestamp(&t.last_seen)) }</title>
                        </rect>
                        <text class="lane-label" x={(f.pad_left - 6.0).to_string()} y={format!("{:.1}", y + LANE_HEIGHT - 4.0)} text-anchor="end">
                            { truncate(&t.entity, 15) }
                        </text>
                    </g>
                })
            });
            let peaks = r.timeline.iter().filter_map(|t| {
                let x = c.x_of(&f, chart::epoch_seconds(&t.peak_window_start)?);
                Some(html! {
                    <line class={classes!("peak", severity_class(t.severity))} x1={format!("{x:.1}")} x2={format!("{x:.1}")}
                        y1={f.pad_top.to_string()} y2={f.bottom().to_string()}>
                        <title>{ format!("{}: busiest minute from {}", t.entity, format::timestamp(&t.peak_window_start)) }</title>
                    </line>
                })
            });
            let bars = c.bars.iter().map(|(x, y, w, h)| html! {
                <rect class="bar" x={format!("{x:.2}")} y={format!("{y:.2}")} width={format!("{w:.2}")} height={format!("{h:.2}")} />
            });
            let per = if r.activity.bucket_seconds.is_multiple_of(3600) {
                format!("{} h", r.activity.bucket_seconds / 3600)
            } else {
                format!("{} min", r.activity.bucket_seconds / 60)
            };
            html! {
                <svg class="activity" viewBox={format!("0 0 {} {}", f.width, f.height)} role="img"
                    aria-label={format!("Events per {per} from {} to {}, anomaly windows shaded", r.time_range.start, r.time_range.end)}
                    data-testid="activity-chart">
                    { for bars }
                    { for windows }
                    { for peaks }
                    <line class="axis" x1={f.pad_left.to_string()} x2={(f.width - f.pad_right).to_string()} y1={f.bottom().to_string()} y2={f.bottom().to_string()} />
                    <text class="tick" x={(f.pad_left - 6.0).to_string()} y={(f.pad_top + 10.0).to_string()} text-anchor="end">{ format::thousands(c.max_count) }</text>
                    <text class="tick" x={(f.pad_left - 6.0).to_string()} y={f.bottom().to_string()} text-anchor="end">{"0"}</text>
                    <text class="tick" x={f.pad_left.to_string()} y={(f.height - 6.0).to_string()}>{ format::timestamp(&r.activity.start) }</text>
                    <text class="tick" x={(f.width - f.pad_right).to_string()} y={(f.height - 6.0).to_string()} text-anchor="end">{ format::timestamp(&r.time_range.end) }</text>
                    <text class="tick" x={(f.width / 2.0).to_string()} y={(f.height - 6.0).to_string()} text-anchor="middle">{ format!("events per {per} (UTC)") }</text>
                </svg>
            }
        }
        None => html! {},
    };
    html! {
        <section class="panel" aria-labelledby="timeline-title" data-testid="timeline">
            <h2 id="timeline-title">{"Timeline"}</h2>
            if r.timeline.is_empty() {
                <p class="empty">{"No anomalous activity in this file."}</p>
            } else {
                <ol class="timeline">
                    { for r.timeline.iter().map(|t| html! {
                        <li class={classes!("tl-item", severity_class(t.severity))} data-testid="timeline-item" data-entity={t.entity.clone()}>
                            <span class="tl-dot" aria-hidden="true"></span>
                            <time datetime={t.timestamp.clone()}>{ format::timestamp(&t.timestamp) }</time>
                            <a class="tl-entity mono" href={fragment::href(&TableView::entity(&t.entity))} data-testid="timeline-investigate">{ t.entity.clone() }</a>
                            { severity_badge(t.severity) }
                            <span class="chip chip-muted">{ t.detection_type.as_str() }</span>
                            <span class="tl-rules">{ t.triggered_rules.iter().map(|r| r.name()).collect::<Vec<_>>().join(" · ") }</span>
                            <span class="muted tl-until">{ format!("until {}", format::clock(&t.last_seen)) }</span>
                        </li>
                    }) }
                </ol>
            }
            { svg }
            <div class="legend" aria-hidden="true">
                <span><i class="sw bar"></i>{"events"}</span>
                <span><i class="sw sev-critical"></i>{"Critical"}</span>
                <span><i class="sw sev-high"></i>{"High"}</span>
                <span><i class="sw sev-medium"></i>{"Medium"}</span>
                <span><i class="sw sev-low"></i>{"Low"}</span>
                <span class="muted">{"bars above the chart: each anomaly from first to last event · dashed line: its busiest minute"}</span>
            </div>
        </section>
    }
}

/// At most `n` characters, with an ellipsis when cut.
fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(n - 1).collect::<String>())
    }
}

fn anomaly_card(r: &Report, a: &Anomaly) -> Html {
    let values = a.features.vector();
    let medians = r.population_medians.to_array();
    let fired: Vec<usize> = a
        .triggered_rules
        .iter()
        .map(|r| r.feature_index())
        .collect();
    let conf = (a.confidence * 100.0).round();
    html! {
        <article class={classes!("anomaly-card", severity_class(a.severity))} data-testid="anomaly-card" data-entity={a.entity.clone()}>
          <div class="card-main">
            <header class="card-head">
                <div>
                    <div class="entity-label">{ entity_noun(r) }</div>
                    <div class="entity mono" data-testid="anomaly-entity">{ a.entity.clone() }</div>
                </div>
                <div class="card-badges">
                    { severity_badge(a.severity) }
                    <span class="chip chip-muted" data-testid="detection-method">{ a.detection_method.as_str() }</span>
                </div>
            </header>
            <div class="confidence">
                <span class="muted">{"Confidence"}</span>
                <div class="meter" role="meter" aria-label="Confidence" aria-valuemin="0" aria-valuemax="100" aria-valuenow={conf.to_string()}>
                    <div class="meter-fill" style={format!("width:{conf}%")}></div>
                </div>
                <span class="num">{ format!("{conf:.0}%") }</span>
            </div>
            <div class="rules">
                if a.triggered_rules.is_empty() {
                    <span class="chip chip-muted">{"No rule fired: statistical outlier"}</span>
                }
                { for a.triggered_rules.iter().map(|rule| html! { <span class="chip rule" data-testid="rule">{ rule.name() }</span> }) }
            </div>
            <p class="explanation" data-testid="explanation">{ a.explanation.clone() }</p>
            <footer class="card-foot muted">
                { format!("{} · {} → {}", format::counted(a.request_count, "event", "events"), format::timestamp(&a.first_seen), format::clock(&a.last_seen)) }
                if let Some(s) = a.isolation_score {
                    { format!(" · isolation score {s:.3}") }
                }
            </footer>
            <a class="btn btn-secondary btn-small investigate-link" href={fragment::href(&TableView::entity(&a.entity))}
                data-testid="investigate" aria-label={format!("Investigate {}", a.entity)}>{"Investigate →"}</a>
          </div>
          <div class="card-side">
            <table class="table compact features">
                <thead><tr><th scope="col">{"Feature"}</th><th scope="col" class="num">{"Value"}</th><th scope="col" class="num">{"Population median"}</th></tr></thead>
                <tbody>
                    { for FEATURE_NAMES.iter().enumerate().map(|(i, name)| html! {
                        <tr class={classes!(fired.contains(&i).then_some("fired"))}>
                            <th scope="row">{ format::feature_label(name) }</th>
                            <td class="num">{ format::feature_value(i, values[i]) }</td>
                            <td class="num muted">{ format::feature_value(i, medians[i]) }</td>
                        </tr>
                    }) }
                </tbody>
            </table>
          </div>
        </article>
    }
}

const SCATTER_FRAME: Frame = Frame {
    width: 1000.0,
    height: 340.0,
    pad_left: 64.0,
    pad_bottom: 40.0,
    pad_top: 12.0,
    pad_right: 40.0,
};

/// One entity on the scatter: anomalies are links (keyboard reachable);
/// any other point opens on a click (the svg's handler), and by the table's
/// filter.
fn scatter_point(r: &Report, pt: &chart::Point, fx: usize, fy: usize) -> Html {
    let e = &r.entities[pt.entity_index];
    let class = match e.severity {
        Some(s) => classes!("dot", severity_class(s)),
        None => classes!("dot", "normal"),
    };
    let v = e.features.vector();
    let tip = format!(
        "{}: {} {}, {} {}{}",
        e.entity,
        format::feature_label(FEATURE_NAMES[fx]),
        format::feature_value(fx, v[fx]),
        format::feature_label(FEATURE_NAMES[fy]),
        format::feature_value(fy, v[fy]),
        e.isolation_score
            .map(|s| format!(", score {s:.3}"))
            .unwrap_or_default()
    );
    let dot = html! {
        <>
            if e.is_outlier {
                <circle class="outlier-ring" cx={format!("{:.1}", pt.x)} cy={format!("{:.1}", pt.y)} r="9" />
            }
            <circle class={class} cx={format!("{:.1}", pt.x)} cy={format!("{:.1}", pt.y)} r={if e.severity.is_some() { "6" } else { "4" }} data-entity={e.severity.is_none().then(|| e.entity.clone())}>
                <title>{ tip.clone() }</title>
            </circle>
        </>
    };
    match e.severity {
        Some(_) => html! {
            <a class="dot-link" href={fragment::href(&TableView::entity(&e.entity))} aria-label={format!("Investigate {tip}")} data-testid="scatter-investigate">{ dot }</a>
        },
        None => html! { <g>{ dot }</g> },
    }
}

#[function_component(Population)]
fn population(p: &SectionProps) -> Html {
    let r = &p.loaded.0.report;
    // Default axes: the features behind the first anomaly's rules, else the
    // two most common rule features.
    let default = {
        let mut idx: Vec<usize> = r
            .anomalies
            .first()
            .map(|a| {
                a.triggered_rules
                    .iter()
                    .map(|x| x.feature_index())
                    .collect()
            })
            .unwrap_or_default();
        idx.extend([2, 1, 0]);
        idx.dedup();
        let x = idx[0];
        let y = idx.iter().copied().find(|&i| i != x).unwrap_or(1);
        (x, y)
    };
    let axes = use_state(|| default);
    let (fx, fy) = *axes;
    let f = SCATTER_FRAME;
    let (points, ax, ay) = chart::scatter(&r.entities, fx, fy, &f);
    let select = |id: &'static str, label: &'static str, value: usize, is_x: bool| {
        let axes = axes.clone();
        let onchange = Callback::from(move |e: Event| {
            let s: HtmlSelectElement = e.target_unchecked_into();
            if let Ok(i) = s.value().parse::<usize>() {
                let (x, y) = *axes;
                axes.set(if is_x { (i, y) } else { (x, i) });
            }
        });
        html! {
            <div class="field inline">
                <label for={id}>{ label }</label>
                <select id={id} {onchange}>
                    { for FEATURE_NAMES.iter().enumerate().map(|(i, n)| html! {
                        <option value={i.to_string()} selected={i == value}>{ format::feature_label(n) }</option>
                    }) }
                </select>
            </div>
        }
    };
    // Normal entities first so anomalies draw on top.
    let mut order: Vec<&chart::Point> = points.iter().collect();
    order.sort_by_key(|pt| r.entities[pt.entity_index].severity);
    let dots = order.iter().map(|pt| scatter_point(r, pt, fx, fy));
    // One handler for every point: the clicked circle names its entity.
    let open_point = Callback::from(|ev: MouseEvent| {
        let entity = ev
            .target_dyn_into::<web_sys::Element>()
            .and_then(|t| t.get_attribute("data-entity"));
        if let Some(entity) = entity {
            fragment::go(&TableView::entity(&entity));
        }
    });
    let ticks = [0.0, 0.5, 1.0];
    html! {
        <section class="panel" aria-labelledby="population-title" data-testid="population">
            <div class="section-head">
                <h2 id="population-title">{ format!("Population ({} {})", r.entities.len(), entity_plural(r)) }</h2>
                <div class="axis-pickers">
                    { select("pop-x", "X axis", fx, true) }
                    { select("pop-y", "Y axis", fy, false) }
                </div>
            </div>
            <svg class="scatter" viewBox={format!("0 0 {} {}", f.width, f.height)} role="group" onclick={open_point}
                aria-label={format!("{} against {} for every entity; anomalies coloured by severity, outliers ringed", format::feature_label(FEATURE_NAMES[fy]), format::feature_label(FEATURE_NAMES[fx]))}>
                <rect class="plot-bg" x={f.pad_left.to_string()} y={f.pad_top.to_string()} width={f.plot_width().to_string()} height={f.plot_height().to_string()} />
                { for ticks.iter().map(|&t| {
                    let x = f.pad_left + t * f.plot_width();
                    let y = f.bottom() - t * f.plot_height();
                    html! { <>
                        <text class="tick" x={format!("{x:.1}")} y={(f.bottom() + 16.0).to_string()} text-anchor="middle">{ format::feature_value(fx, ax.value_at(t)) }</text>
                        <text class="tick" x={(f.pad_left - 6.0).to_string()} y={format!("{:.1}", y + 4.0)} text-anchor="end">{ format::feature_value(fy, ay.value_at(t)) }</text>
                    </> }
                }) }
                <text class="axis-label" x={(f.pad_left + f.plot_width() / 2.0).to_string()} y={(f.height - 4.0).to_string()} text-anchor="middle">
                    { format!("{}{}", format::feature_label(FEATURE_NAMES[fx]), if ax.log { " (log scale)" } else { "" }) }
                </text>
                <text class="axis-label" transform={format!("translate(14 {}) rotate(-90)", f.pad_top + f.plot_height() / 2.0)} text-anchor="middle">
                    { format!("{}{}", format::feature_label(FEATURE_NAMES[fy]), if ay.log { " (log)" } else { "" }) }
                </text>
                { for dots }
            </svg>
            <div class="legend" aria-hidden="true">
                <span><i class="sw normal"></i>{"normal"}</span>
                <span><i class="sw sev-critical"></i>{"Critical"}</span>
                <span><i class="sw sev-high"></i>{"High"}</span>
                <span><i class="sw sev-medium"></i>{"Medium"}</span>
                <span><i class="sw sev-low"></i>{"Low"}</span>
                <span><i class="sw ring"></i>{"Isolation Forest outlier"}</span>
            </div>
        </section>
    }
}

/// The results' title: the file's name, or "N files".
pub(super) fn title(r: &Report) -> String {
    match r.inputs.len() {
        0 | 1 => r.filename.clone().unwrap_or_else(|| "Uploaded log".into()),
        n => format!("{n} files"),
    }
}

/// How the page names input `i`: its name, else "input N".
pub(super) fn input_name(r: &Report, i: usize) -> String {
    r.inputs
        .get(i)
        .and_then(|input| input.name.clone())
        .unwrap_or_else(|| format!("input {}", i + 1))
}

/// The files read as one log, in the order read, with their line counts.
fn inputs_list(r: &Report) -> Html {
    html! {
        <details class="inputs" data-testid="inputs">
            <summary>{ format!("Read as one log from {} files", r.inputs.len()) }</summary>
            <table class="table compact">
                <thead><tr>
                    <th scope="col">{"File"}</th><th scope="col">{"Lines"}</th>
                    <th scope="col">{"Accepted"}</th><th scope="col">{"Rejected"}</th>
                    <th scope="col">{"Compression"}</th>
                </tr></thead>
                <tbody>
                    { for r.inputs.iter().enumerate().map(|(i, input)| html! {
                        <tr data-testid="input-row">
                            <td>{ input_name(r, i) }</td>
                            <td class="num">{ format::thousands(input.lines) }</td>
                            <td class="num">{ format::thousands(input.accepted) }</td>
                            <td class="num">{ format::thousands(input.rejected) }</td>
                            <td>{ input.compression.as_str() }</td>
                        </tr>
                    }) }
                </tbody>
            </table>
        </details>
    }
}
