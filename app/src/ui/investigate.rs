//! The investigation of one entity, opened from an anomaly card, a timeline
//! entry or a scatter point (`#entity=…`): its features against the
//! population's typical ranges, its hour-of-day profile against the
//! population's, the evidence behind its findings, and (below, in the
//! raw-log table) its events with the evidence rows highlighted.
//!
//! Every number and word is the report's or the detector's vocabulary: the
//! page only lays them out. Entity and host names are file content and only
//! ever reach the page as text nodes or attribute values.

use detector::features::FEATURE_NAMES;
use detector::report::{Anomaly, EntityReport, Evidence, EvidenceKind, HostCount};
use detector::vocab;
use yew::prelude::*;

use crate::chart::{self, Frame, HourProfile, RangeStrip};
use crate::format;
use crate::logs::TableView;
use crate::ui::fragment;
use crate::ui::results::{severity_badge, severity_class};
use crate::ui::state::LoadedRef;

#[derive(Properties, PartialEq)]
pub struct InvestigationProps {
    pub loaded: LoadedRef,
    /// Index of the entity in `report.entities`.
    pub entity: usize,
    pub view: TableView,
}

#[function_component(Investigation)]
pub fn investigation(p: &InvestigationProps) -> Html {
    let r = &p.loaded.0.report;
    let e = &r.entities[p.entity];
    let a = r.anomalies.iter().find(|a| a.entity == e.entity);
    let heading = use_node_ref();
    {
        // Opening an entity moves focus to its name, at the top of the page.
        let heading = heading.clone();
        use_effect_with(e.entity.clone(), move |_| {
            if let Some(w) = web_sys::window() {
                w.scroll_to_with_x_and_y(0.0, 0.0);
            }
            if let Some(h) = heading.cast::<web_sys::HtmlElement>() {
                let _ = h.focus();
            }
        });
    }
    let sev = e.severity.map(severity_class);
    html! {
        <section class={classes!("panel", "investigation", sev)} aria-labelledby="investigation-title" data-testid="investigation" data-entity={e.entity.clone()}>
            <div class="results-toolbar">
                <a class="btn btn-ghost" href="#" data-testid="close-investigation">{"← All results"}</a>
                <span class="muted">{ format!("Investigating one {} of {}", vocab::entity_noun(r.entity_field, 1), super::results::title(r)) }</span>
            </div>
            { head(r, e, a, &heading) }
            <div class="investigation-grid">
                <div>
                    <h2>{"Features against the population"}</h2>
                    { features_table(r, e, a) }
                </div>
                <div>
                    <h2>{"Hour of day"}</h2>
                    { hour_profile(r, a) }
                </div>
            </div>
            if let Some(a) = a {
                <h2>{"Evidence"}</h2>
                { evidence(r, a, &p.view) }
            }
        </section>
    }
}

/// Name, severity, method, rules, explanation and support.
fn head(r: &detector::Report, e: &EntityReport, a: Option<&Anomaly>, heading: &NodeRef) -> Html {
    html! {
        <header class="card-head investigation-head">
            <div>
                <div class="entity-label">{ vocab::entity_label(r.entity_field) }</div>
                <h1 id="investigation-title" class="entity mono" tabindex="-1" ref={heading.clone()} data-testid="investigation-entity">{ e.entity.clone() }</h1>
                <p class="muted support" data-testid="investigation-support">
                    { format!("{} · {} → {}", format::counted(e.request_count, "event", "events"), format::timestamp(&e.first_seen), format::timestamp(&e.last_seen)) }
                    if let Some(s) = e.isolation_score { { format!(" · isolation score {s:.3}") } }
                </p>
            </div>
            <div class="card-badges">
                if let Some(s) = e.severity { { severity_badge(s) } } else {
                    <span class="chip chip-muted" data-testid="not-flagged">{ if e.allowlisted { "Allowlisted" } else { "Not flagged" } }</span>
                }
                if let Some(a) = a { <span class="chip chip-muted">{ a.detection_method.as_str() }</span> }
                if e.is_outlier { <span class="chip chip-muted">{"Isolation Forest outlier"}</span> }
            </div>
            if let Some(a) = a {
                <div class="investigation-why">
                    <div class="rules">
                        { for a.triggered_rules.iter().map(|rule| html! { <span class="chip rule">{ rule.name() }</span> }) }
                    </div>
                    <p class="explanation" data-testid="investigation-explanation">{ a.explanation.clone() }</p>
                </div>
            }
        </header>
    }
}

const STRIP_WIDTH: f64 = 160.0;

/// The five features: value, typical range (P10–P90), median, percentile
/// and a strip placing them, rule features that fired in bold.
fn features_table(r: &detector::Report, e: &EntityReport, a: Option<&Anomaly>) -> Html {
    let values = e.features.vector();
    let ranges = r.population_ranges.to_array();
    let rows = FEATURE_NAMES.iter().enumerate().map(|(i, name)| {
        let ctx = a.and_then(|a| a.feature_context.get(i));
        let value = ctx.map_or(values[i], |c| c.value);
        let (p10, median, p90) = match ctx {
            Some(c) => (c.population_p10, c.population_median, c.population_p90),
            None => (ranges[i].p10, ranges[i].median, ranges[i].p90),
        };
        let fired = e.triggered_rules.iter().any(|rule| rule.feature_index() == i);
        let axis = chart::feature_axis(&r.entities, i, value);
        let s = RangeStrip::new(&axis, p10, median, p90, value, STRIP_WIDTH);
        html! {
            <tr class={classes!(fired.then_some("fired"))} data-testid="investigation-feature" data-feature={*name}>
                <th scope="row">{ format::feature_label(name) }</th>
                <td class="num" data-testid="feature-value">{ format::feature_value(i, value) }</td>
                <td class="num" data-testid="feature-typical">{ vocab::feature_range(i, p10, p90) }</td>
                <td class="num muted">{ format::feature_value(i, median) }</td>
                <td class="num">{ ctx.map(|c| format!("{:.0}", c.percentile)).unwrap_or_else(|| "—".into()) }</td>
                <td class="strip-cell">
                    <svg class="strip" viewBox={format!("-6 0 {} 16", STRIP_WIDTH + 12.0)} aria-hidden="true">
                        <line class="strip-axis" x1="0" x2={STRIP_WIDTH.to_string()} y1="8" y2="8" />
                        <rect class="strip-band" x={format!("{:.1}", s.band_x)} y="3" width={format!("{:.1}", s.band_width)} height="10" rx="2" />
                        <line class="strip-median" x1={format!("{:.1}", s.median_x)} x2={format!("{:.1}", s.median_x)} y1="1" y2="15" />
                        <circle class="strip-value" cx={format!("{:.1}", s.value_x)} cy="8" r="4.5" />
                    </svg>
                </td>
            </tr>
        }
    });
    html! {
        <>
            <table class="table compact features investigation-features">
                <thead><tr>
                    <th scope="col">{"Feature"}</th><th scope="col" class="num">{"Value"}</th>
                    <th scope="col" class="num">{"Typical (P10–P90)"}</th><th scope="col" class="num">{"Median"}</th>
                    <th scope="col" class="num">{"Percentile"}</th><th scope="col"><span class="visually-hidden">{"Where the value lies"}</span></th>
                </tr></thead>
                <tbody>{ for rows }</tbody>
            </table>
            <p class="hint">{"Band: the population's typical range (10th to 90th percentile); tick: its median; dot: this entity. Bold: a rule on this feature fired. Counts and bytes on a log scale."}</p>
        </>
    }
}

const HOUR_FRAME: Frame = Frame {
    width: 560.0,
    height: 180.0,
    pad_left: 44.0,
    pad_bottom: 26.0,
    pad_top: 10.0,
    pad_right: 8.0,
};

/// The entity's events per local hour (anomalies' evidence has them)
/// against all events, as shares, the off-hours window
/// shaded; the numbers in a table on demand.
fn hour_profile(r: &detector::Report, a: Option<&Anomaly>) -> Html {
    let own: &[u64] = a.map_or(&[], |a| &a.evidence.events_by_hour);
    let f = HOUR_FRAME;
    let prof = HourProfile::new(own, &r.events_by_hour, &f);
    let window = &r.config.off_hours;
    let zone = format::local_zone(window);
    let bars = prof.slots.iter().map(|s| {
        let w = s.width * 0.42;
        let off = window.contains(s.hour as i64 * 3600);
        html! {
            <g>
                if off { <rect class="offhours-bg" x={format!("{:.1}", s.x)} y={f.pad_top.to_string()} width={format!("{:.1}", s.width)} height={f.plot_height().to_string()} /> }
                <rect class="bar" x={format!("{:.1}", s.x + s.width * 0.08)} y={format!("{:.1}", f.bottom() - s.population_height)} width={format!("{w:.1}")} height={format!("{:.1}", s.population_height)} />
                <rect class="own" x={format!("{:.1}", s.x + s.width * 0.5)} y={format!("{:.1}", f.bottom() - s.entity_height)} width={format!("{w:.1}")} height={format!("{:.1}", s.entity_height)} />
                if s.hour % 3 == 0 {
                    <text class="tick" x={format!("{:.1}", s.x + s.width / 2.0)} y={(f.height - 8.0).to_string()} text-anchor="middle">{ format!("{:02}", s.hour) }</text>
                }
            </g>
        }
    });
    let label = format!(
        "Share of events per hour of day ({zone}): {}all events, off-hours window shaded",
        if own.is_empty() {
            ""
        } else {
            "this entity beside "
        }
    );
    html! {
        <div class="hours" data-testid="hour-profile">
            <svg class="hour-chart" viewBox={format!("0 0 {} {}", f.width, f.height)} role="img" aria-label={label}>
                { for bars }
                <line class="axis" x1={f.pad_left.to_string()} x2={(f.width - f.pad_right).to_string()} y1={f.bottom().to_string()} y2={f.bottom().to_string()} />
                <text class="tick" x={(f.pad_left - 6.0).to_string()} y={(f.pad_top + 10.0).to_string()} text-anchor="end">{ format::percent(prof.max_share) }</text>
                <text class="tick" x={(f.pad_left - 6.0).to_string()} y={f.bottom().to_string()} text-anchor="end">{"0%"}</text>
            </svg>
            <div class="legend" aria-hidden="true">
                <span><i class="sw bar"></i>{"all events"}</span>
                if !own.is_empty() { <span><i class="sw own"></i>{"this entity"}</span> }
                <span><i class="sw offhours"></i>{ format!("off-hours {:02}:00–{:02}:00", window.start_hour, window.end_hour) }</span>
                <span class="muted">{ format!("hour of day, {zone}") }</span>
            </div>
            if own.is_empty() {
                <p class="hint" data-testid="no-own-hours">{"The report gives the own hour profile of anomalous entities only; this entity is not one, so only all events are shown."}</p>
            }
            { hour_table(&prof, !own.is_empty()) }
        </div>
    }
}

fn hour_table(prof: &HourProfile, own: bool) -> Html {
    html! {
        <details class="hour-numbers">
            <summary>{"Hour-of-day numbers"}</summary>
            <table class="table compact">
                <thead><tr>
                    <th scope="col">{"Hour"}</th>
                    if own { <th scope="col" class="num">{"This entity"}</th> }
                    <th scope="col" class="num">{"All events"}</th>
                </tr></thead>
                <tbody>
                    { for prof.slots.iter().map(|s| html! {
                        <tr>
                            <th scope="row">{ format!("{:02}:00", s.hour) }</th>
                            if own { <td class="num">{ format::percent(s.entity_share) }</td> }
                            <td class="num">{ format::percent(s.population_share) }</td>
                        </tr>
                    }) }
                </tbody>
            </table>
        </details>
    }
}

/// The evidence, one block per kind the anomaly has; hosts link to the
/// table filtered to them, and each marked kind to its rows.
fn evidence(r: &detector::Report, a: &Anomaly, view: &TableView) -> Html {
    let e: &Evidence = &a.evidence;
    let rows = r.logs.is_some();
    let of_all = |n: u64| {
        format!(
            "{} of {}",
            format::thousands(n),
            format::counted(a.request_count, "event", "events")
        )
    };
    html! {
        <div class="evidence-grid" data-testid="evidence">
            if let Some(b) = &e.burst {
                <article class="evidence-item" data-kind="burst">
                    <h3>{ format::evidence_label(EvidenceKind::Burst) }</h3>
                    <p>{ format!("{} from {} to {}", format::counted(b.count, "event", "events"), format::timestamp(&b.start), format::clock(&b.end)) }</p>
                    if rows { { show_rows(view, EvidenceKind::Burst) } }
                </article>
            }
            if let Some(d) = &e.denials {
                <article class="evidence-item" data-kind="denials">
                    <h3>{ format::evidence_label(EvidenceKind::Denials) }</h3>
                    <p>{ of_all(d.count) }</p>
                    { host_list(view, "Most denied", d.top_hosts.iter().map(|h| (h.host.as_str(), format::thousands(h.count))).collect()) }
                    if rows { { show_rows(view, EvidenceKind::Denials) } }
                </article>
            }
            if let Some(t) = &e.transfer {
                <article class="evidence-item" data-kind="transfer">
                    <h3>{"Transferred"}</h3>
                    <p>{ format::bytes(t.bytes as f64) }</p>
                    { host_list(view, "By host", t.top_hosts.iter().map(|h| (h.host.as_str(), format::bytes(h.bytes as f64))).collect()) }
                    <h4>{"Largest events"}</h4>
                    <ol class="largest">
                        { for t.largest_events.iter().map(|x| html! {
                            <li>{ format!("{} to {} at {} ({}line {})", format::bytes(x.bytes as f64), x.host, format::timestamp(&x.time),
                                if r.inputs.len() > 1 { format!("{} ", super::results::input_name(r, x.input)) } else { String::new() }, x.line) }</li>
                        }) }
                    </ol>
                    if rows { { show_rows(view, EvidenceKind::Transfer) } }
                </article>
            }
            <article class="evidence-item" data-kind="hosts">
                <h3>{"Hosts"}</h3>
                <p>{ format::counted(e.hosts.count, "distinct host", "distinct hosts") }</p>
                { host_list(view, "Most requested", e.hosts.top.iter().map(|h: &HostCount| (h.host.as_str(), format::thousands(h.count))).collect()) }
            </article>
            if let Some(o) = &e.off_hours {
                <article class="evidence-item" data-kind="off_hours">
                    <h3>{ format::evidence_label(EvidenceKind::OffHours) }</h3>
                    <p>{ format!("{} ({})", of_all(o.count), format::percent(a.features.off_hours_request_ratio)) }</p>
                    if rows { { show_rows(view, EvidenceKind::OffHours) } }
                </article>
            }
        </div>
    }
}

/// Hosts with a number each; a host links to the entity's rows to it.
fn host_list(view: &TableView, title: &'static str, hosts: Vec<(&str, String)>) -> Html {
    html! {
        <>
            <h4>{ title }</h4>
            <ul class="host-list">
                { for hosts.into_iter().map(|(host, n)| {
                    let to = TableView { host: Some(host.to_string()), ..TableView::entity(view.entity.as_deref().unwrap_or_default()) };
                    html! {
                        <li>
                            <a href={fragment::href(&to)} data-testid="evidence-host" data-host={host.to_string()}>{ host.to_string() }</a>
                            <span class="num muted">{ n }</span>
                        </li>
                    }
                }) }
            </ul>
        </>
    }
}

/// A link to the entity's rows marked as `kind`.
fn show_rows(view: &TableView, kind: EvidenceKind) -> Html {
    let to = TableView {
        evidence: Some(kind),
        ..TableView::entity(view.entity.as_deref().unwrap_or_default())
    };
    html! {
        <a class="show-rows" href={fragment::href(&to)} data-testid={format!("show-{}", kind.as_str())}>
            { format!("Show these events ({})", format::evidence_label(kind)) }
        </a>
    }
}
