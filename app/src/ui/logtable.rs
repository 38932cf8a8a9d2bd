//! The raw-log table: filters (rows, entity, host, action, evidence, text),
//! sortable columns, pages of 100 rows, and the detector's evidence marks
//! highlighted. Its state is the page's [`TableView`], read from and
//! written to the URL fragment ([`fragment`]); only the page number is its
//! own.

use std::collections::BTreeSet;
use std::rc::Rc;

use detector::report::{EvidenceKind, LogRow};
use detector::{Action, Format};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::format;
use crate::logs::{self, Column, LogFilter, Sort, TableView};
use crate::ui::fragment;
use crate::ui::state::LoadedRef;

/// Most suggestions a filter field offers (the field takes any value).
const MAX_SUGGESTIONS: usize = 400;

#[derive(Properties, PartialEq)]
pub struct LogTableProps {
    pub loaded: LoadedRef,
    pub view: TableView,
}

/// Which columns the table has: IP for JSONL (and CSV that has one), user
/// and resource for CSV, evidence when the detector marked any row.
#[derive(Clone, Copy, PartialEq)]
struct Shape {
    ip: bool,
    csv: bool,
    evidence: bool,
}

impl Shape {
    fn columns(self) -> Vec<(Column, &'static str)> {
        let mut c = vec![(Column::Time, "Time (UTC)")];
        if self.ip {
            c.push((Column::ClientIp, "Client IP"));
        }
        if self.csv {
            c.push((Column::User, "User"));
        }
        c.push((Column::Host, "Host"));
        if self.csv {
            c.push((Column::Resource, "Resource"));
        }
        c.push((Column::Action, "Action"));
        c.push((Column::Response, "Response"));
        c
    }
}

/// What the table needs once per report: its shape, the anomalous row
/// count, and the hosts to suggest (in name order; the browser narrows the
/// list as one types).
struct Facts {
    shape: Shape,
    anomalous: usize,
    hosts: Vec<String>,
}

fn facts(rows: &[LogRow], format: Format) -> Facts {
    let csv = format == Format::Csv;
    let mut hosts: BTreeSet<&str> = BTreeSet::new();
    for r in rows {
        hosts.extend(
            [r.host.as_deref(), r.resource.as_deref()]
                .into_iter()
                .flatten(),
        );
    }
    Facts {
        shape: Shape {
            ip: !csv || rows.iter().any(|x| x.clientip.is_some()),
            csv,
            evidence: rows.iter().any(|x| !x.evidence.is_empty()),
        },
        anomalous: rows.iter().filter(|x| x.is_anomalous).count(),
        hosts: hosts
            .into_iter()
            .take(MAX_SUGGESTIONS)
            .map(str::to_string)
            .collect(),
    }
}

#[function_component(LogTable)]
pub fn log_table(p: &LogTableProps) -> Html {
    let r = &p.loaded.0.report;
    let page = use_state(|| 0usize);
    let rows: &[LogRow] = r.logs.as_deref().unwrap_or(&[]);
    let facts = use_memo(p.loaded.clone(), |l| {
        facts(l.0.report.logs.as_deref().unwrap_or(&[]), l.0.report.format)
    });
    let indices: Rc<Vec<u32>> = use_memo((p.loaded.clone(), p.view.clone()), |(l, v)| {
        logs::select(l.0.report.logs.as_deref().unwrap_or(&[]), v)
    });
    {
        // A new filter or order starts at the first page; the choice lists
        // show the view (an `<option selected>` only sets the default, so
        // back and forward would leave the last choice showing).
        let page = page.clone();
        use_effect_with(p.view.clone(), move |v| {
            page.set(0);
            show_choice("filter-action", v.action.map_or("", |a| a.as_str()));
            show_choice("filter-evidence", v.evidence.map_or("", |k| k.as_str()));
        });
    }
    let pages = logs::page_count(indices.len());
    let current = (*page).min(pages - 1);
    let shown = logs::page(&indices, current);
    html! {
        <section class="panel" aria-labelledby="logs-title" data-testid="log-table">
            <div class="section-head">
                <h2 id="logs-title">{ if p.view.entity.is_some() { "Events" } else { "Raw logs" } }</h2>
                { rows_switch(&p.view, rows.len(), facts.anomalous) }
            </div>
            if r.logs.is_none() {
                <p class="empty" data-testid="no-rows">{ format!("No raw rows: files over {} MB are analyzed without keeping rows, so memory stays bounded. Every event was analyzed.", crate::settings::ANOMALOUS_LOGS_MAX_BYTES / (1024 * 1024)) }</p>
            } else {
                { filters(r, &p.view, &facts) }
                // Scrolls on its own: focusable so keyboard users can scroll it.
                <div class="table-wrap" tabindex="0" role="region" aria-label="Raw log rows">
                    <table class="table logs">
                        <thead><tr>
                            { for facts.shape.columns().into_iter().map(|(c, label)| header(&p.view, c, label)) }
                            if facts.shape.evidence { <th scope="col">{"Evidence"}</th> }
                        </tr></thead>
                        <tbody>
                            { for shown.iter().map(|&i| row_html(&rows[i as usize], facts.shape)) }
                        </tbody>
                    </table>
                    if indices.is_empty() {
                        <p class="empty table-empty" data-testid="no-matching-rows">{"No rows match these filters."}</p>
                    }
                </div>
                { pager(&page, current, pages, indices.len()) }
            }
        </section>
    }
}

/// *All* / *Anomalies only*.
fn rows_switch(view: &TableView, total: usize, anomalous: usize) -> Html {
    html! {
        <div class="segmented" role="group" aria-label="Which rows to show">
            { for [LogFilter::All, LogFilter::AnomaliesOnly].into_iter().map(|f| {
                let next = TableView { rows: f, ..view.clone() };
                html! {
                    <button class={classes!("seg", (view.rows == f).then_some("active"))} aria-pressed={(view.rows == f).to_string()}
                        data-testid={if f == LogFilter::All { "filter-all" } else { "filter-anomalies" }}
                        onclick={Callback::from(move |_| fragment::go(&next))}>
                        { format!("{} ({})", f.label(), format::thousands(if f == LogFilter::All { total } else { anomalous } as u64)) }
                    </button>
                }
            }) }
        </div>
    }
}

/// The view a filter's new value makes (one type for every filter, so each
/// field's markup is compiled once).
type Apply = Rc<dyn Fn(String) -> TableView>;

/// A text field that applies its value on Enter or when focus leaves it
/// (the `change` event), so typing does not add a history entry per key.
fn text_filter(
    id: &'static str,
    label: &'static str,
    value: &str,
    suggestions: Option<(&'static str, Vec<String>)>,
    apply: Apply,
) -> Html {
    let onchange = Callback::from(move |e: Event| {
        let input: HtmlInputElement = e.target_unchecked_into();
        fragment::go(&apply(input.value().trim().to_string()));
    });
    let list = suggestions.as_ref().map(|(id, _)| AttrValue::from(*id));
    html! {
        <div class="field filter">
            <label for={id}>{ label }</label>
            <input type="search" id={id} data-testid={id} value={value.to_string()} list={list} {onchange} autocomplete="off" />
            if let Some((list_id, options)) = suggestions {
                <datalist id={list_id}>
                    { for options.into_iter().map(|o| html! { <option value={o} /> }) }
                </datalist>
            }
        </div>
    }
}

/// A choice among "Any" and `options` (value, label).
fn select_filter(
    id: &'static str,
    label: &'static str,
    current: Option<&'static str>,
    options: Vec<(&'static str, &'static str)>,
    apply: Apply,
) -> Html {
    let onchange = Callback::from(move |e: Event| {
        let s: HtmlSelectElement = e.target_unchecked_into();
        fragment::go(&apply(s.value()));
    });
    html! {
        <div class="field filter">
            <label for={id}>{ label }</label>
            <select id={id} data-testid={id} {onchange}>
                <option value="" selected={current.is_none()}>{"Any"}</option>
                { for options.into_iter().map(|(v, l)| html! {
                    <option value={v} selected={current == Some(v)}>{ l }</option>
                }) }
            </select>
        </div>
    }
}

/// The filter fields and *Clear filters*.
fn filters(r: &detector::Report, view: &TableView, facts: &Facts) -> Html {
    let entities: Vec<String> = r
        .anomalies
        .iter()
        .map(|a| a.entity.clone())
        .chain(
            r.entities
                .iter()
                .filter(|e| e.severity.is_none())
                .map(|e| e.entity.clone()),
        )
        .take(MAX_SUGGESTIONS)
        .collect();
    let with = |f: fn(&mut TableView, String)| -> Apply {
        let v = view.clone();
        Rc::new(move |value: String| {
            let mut next = v.clone();
            f(&mut next, value);
            next
        })
    };
    let host_label = if facts.shape.csv {
        "Host or resource"
    } else {
        "Host"
    };
    let cleared = view.cleared();
    html! {
        <div class="filters" role="search" aria-label="Filter the rows">
            { text_filter("filter-entity", detector::vocab::entity_label(r.entity_field), view.entity.as_deref().unwrap_or(""),
                Some(("filter-entity-list", entities)), with(|v, s| v.entity = some(s))) }
            { text_filter("filter-host", host_label, view.host.as_deref().unwrap_or(""),
                Some(("filter-host-list", facts.hosts.clone())), with(|v, s| v.host = some(s))) }
            { select_filter("filter-action", "Action", view.action.map(|a| a.as_str()),
                Action::ALL.iter().map(|a| (a.as_str(), a.as_str())).collect(), with(|v, s| v.action = s.parse().ok())) }
            if facts.shape.evidence || view.evidence.is_some() {
                { select_filter("filter-evidence", "Evidence", view.evidence.map(|k| k.as_str()),
                    EvidenceKind::ALL.iter().map(|k| (k.as_str(), format::evidence_label(*k))).collect(),
                    with(|v, s| v.evidence = s.parse().ok())) }
            }
            { text_filter("filter-search", "Search", &view.query, None, with(|v, s| v.query = s)) }
            if view.is_filtered() {
                <button class="btn btn-ghost btn-small clear-filters" data-testid="clear-filters"
                    onclick={Callback::from(move |_| fragment::go(&cleared))}>{"Clear filters"}</button>
            }
        </div>
    }
}

/// Sets the choice list `id` (if drawn) to `value`.
fn show_choice(id: &str, value: &str) {
    let list = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
        .and_then(|e| wasm_bindgen::JsCast::dyn_into::<HtmlSelectElement>(e).ok());
    if let Some(list) = list {
        list.set_value(value);
    }
}

/// An empty field means no filter.
fn some(s: String) -> Option<String> {
    (!s.is_empty()).then_some(s)
}

/// A column header: a button that sorts by it (Enter or Space from the
/// keyboard), with `aria-sort` on the sorted column.
fn header(view: &TableView, column: Column, label: &'static str) -> Html {
    let sorted = view.sort.filter(|s| s.column == column);
    let aria = sorted.map(|s| {
        if s.descending {
            "descending"
        } else {
            "ascending"
        }
    });
    let arrow = match sorted {
        Some(s) if s.descending => "▼",
        Some(_) => "▲",
        None => "↕",
    };
    let next = TableView {
        sort: Some(Sort::toggled(view.sort, column)),
        ..view.clone()
    };
    let class = classes!((column == Column::Response).then_some("num"));
    html! {
        <th scope="col" {class} aria-sort={aria}>
            <button class="sort" data-testid={format!("sort-{}", column.key())}
                onclick={Callback::from(move |_| fragment::go(&next))}>
                { label }<span class="sort-arrow" aria-hidden="true">{ arrow }</span>
            </button>
        </th>
    }
}

fn row_html(row: &LogRow, shape: Shape) -> Html {
    let deny = matches!(row.action, Action::Deny);
    let marks = row
        .evidence
        .iter()
        .map(|k| k.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    let class = classes!(
        row.is_anomalous.then_some("anomalous"),
        (!row.evidence.is_empty()).then_some("evidence")
    );
    html! {
        <tr {class} data-testid="log-row" data-anomalous={row.is_anomalous.to_string()} data-entity={row.entity.clone()} data-evidence={marks}>
            <td class="mono">{ format::timestamp(&row.time).trim_end_matches(" UTC").to_string() }</td>
            if shape.ip { <td class="mono">{ row.clientip.clone().unwrap_or_else(|| "—".into()) }</td> }
            if shape.csv { <td class="mono">{ row.user.clone().unwrap_or_default() }</td> }
            <td>{ row.host.clone().unwrap_or_else(|| "—".into()) }</td>
            if shape.csv { <td class="mono">{ row.resource.clone().unwrap_or_default() }</td> }
            <td><span class={classes!("action", if deny { "deny" } else { "allow" })}>{ row.action.as_str() }</span></td>
            <td class="num">{ row.responsecode.map(|c| c.to_string()).unwrap_or_else(|| "—".into()) }</td>
            if shape.evidence {
                <td class="marks">{ for row.evidence.iter().map(|k| html! { <span class="chip mark">{ format::evidence_label(*k) }</span> }) }</td>
            }
        </tr>
    }
}

fn pager(page: &UseStateHandle<usize>, current: usize, pages: usize, rows: usize) -> Html {
    let go = |to: usize| {
        let page = page.clone();
        Callback::from(move |_| page.set(to))
    };
    html! {
        <nav class="pager" aria-label="Raw log pages">
            <button class="btn btn-ghost btn-small" disabled={current == 0} onclick={go(0)} aria-label="First page">{"«"}</button>
            <button class="btn btn-ghost btn-small" disabled={current == 0} onclick={go(current.saturating_sub(1))} data-testid="page-prev">{"Previous"}</button>
            <span data-testid="page-info">{ format!("Page {} of {} · {} rows", current + 1, format::thousands(pages as u64), format::thousands(rows as u64)) }</span>
            <button class="btn btn-ghost btn-small" disabled={current + 1 >= pages} onclick={go(current + 1)} data-testid="page-next">{"Next"}</button>
            <button class="btn btn-ghost btn-small" disabled={current + 1 >= pages} onclick={go(pages - 1)} aria-label="Last page">{"»"}</button>
        </nav>
    }
}
