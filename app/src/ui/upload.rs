//! The upload page: drop zone and picker, bundled samples, settings, and the
//! in-browser / server switch.

use detector::generate::SAMPLE_FILES;
use detector::Preset;
use web_sys::{
    DragEvent, File, FileList, HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement,
};
use yew::prelude::*;

use crate::browser;
use crate::settings::{EntityChoice, Settings, ALL_LOGS_MAX_BYTES, UTC};
use crate::ui::state::sample_description;

#[derive(Properties, PartialEq)]
pub struct UploadProps {
    pub settings: Settings,
    pub server_mode: bool,
    /// False in the single-file build: no server, so no switch.
    pub offers_server: bool,
    pub signed_in: bool,
    pub error: Option<String>,
    pub has_results: bool,
    /// One or more files, analyzed as one log (rotated parts).
    pub on_file: Callback<Vec<File>>,
    pub on_sample: Callback<String>,
    pub on_settings: Callback<Settings>,
    pub on_reset_settings: Callback<()>,
    pub on_server_mode: Callback<bool>,
    pub on_show_results: Callback<()>,
}

/// Every file of a list (a picker's or a drop's).
fn all_files(list: Option<FileList>) -> Vec<File> {
    list.map(|l| (0..l.length()).filter_map(|i| l.get(i)).collect())
        .unwrap_or_default()
}

/// A picker's change: its files go on (a folder's: only its log files).
fn on_picked(on_file: &Callback<Vec<File>>, folder: bool) -> Callback<Event> {
    let on_file = on_file.clone();
    Callback::from(move |e: Event| {
        let input: HtmlInputElement = e.target_unchecked_into();
        let mut files = all_files(input.files());
        if folder {
            files.retain(|f| crate::intake::is_log_name(&f.name()));
        }
        if folder || !files.is_empty() {
            on_file.emit(files);
        }
        input.set_value("");
    })
}

#[function_component(UploadPage)]
pub fn upload_page(p: &UploadProps) -> Html {
    let dragging = use_state(|| false);
    let input_ref = use_node_ref();
    let folder_ref = use_node_ref();
    let on_change = on_picked(&p.on_file, false);
    let on_folder = on_picked(&p.on_file, true);
    let on_drag_over = {
        let dragging = dragging.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            dragging.set(true);
        })
    };
    let on_drag_leave = {
        let dragging = dragging.clone();
        Callback::from(move |_: DragEvent| dragging.set(false))
    };
    let on_drop = {
        let (dragging, on_file) = (dragging.clone(), p.on_file.clone());
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            dragging.set(false);
            let files = all_files(e.data_transfer().and_then(|d| d.files()));
            if !files.is_empty() {
                on_file.emit(files);
            }
        })
    };
    let opener = |input_ref: &NodeRef| {
        let input_ref = input_ref.clone();
        Callback::from(move |_| {
            if let Some(i) = input_ref.cast::<HtmlInputElement>() {
                i.click();
            }
        })
    };
    let open_picker = opener(&input_ref);
    let open_folder = opener(&folder_ref);
    html! {
        <div class="upload-layout">
            <section class="panel upload-main" aria-labelledby="upload-title">
                <h1 id="upload-title">{"Analyze a log file"}</h1>
                <p class="lede">
                    {"Drop a web-proxy log (JSONL) or an access log (CSV). signaltrace profiles every client, \
                      fires threshold rules and scores statistical outliers with an Isolation Forest."}
                </p>
                if !p.has_results {
                    { pending_view() }
                }
                if let Some(e) = &p.error {
                    <div class="alert alert-error" role="alert" data-testid="upload-error">
                        <strong>{"Cannot analyze this file. "}</strong>{ e.clone() }
                    </div>
                }
                <div
                    class={classes!("dropzone", dragging.then_some("dragging"))}
                    data-testid="dropzone"
                    ondragover={on_drag_over}
                    ondragenter={Callback::from(|e: DragEvent| e.prevent_default())}
                    ondragleave={on_drag_leave}
                    ondrop={on_drop}
                    onclick={open_picker.reform(|_: MouseEvent| ())}
                >
                    <svg class="drop-icon" viewBox="0 0 24 24" aria-hidden="true">
                        <path d="M12 16V4m0 0l-4 4m4-4l4 4M4 16v3a1 1 0 001 1h14a1 1 0 001-1v-3" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round"/>
                    </svg>
                    <div class="drop-title">{"Drop log files here"}</div>
                    <div class="drop-sub">
                        {"or "}
                        <button type="button" class="link-button" data-testid="choose-file"
                            onclick={open_picker.reform(|e: MouseEvent| e.stop_propagation())}>{"choose files"}</button>
                        {" or "}
                        <button type="button" class="link-button" data-testid="choose-folder"
                            onclick={open_folder.reform(|e: MouseEvent| e.stop_propagation())}>{"a folder"}</button>
                        {" · .jsonl or .csv, plain or compressed · rotated parts are read as one log · any size"}
                    </div>
                </div>
                <label class="visually-hidden" for="file-input">{"Log files"}</label>
                <input
                    id="file-input"
                    ref={input_ref}
                    class="visually-hidden"
                    tabindex="-1"
                    type="file"
                    accept={crate::intake::accept_attribute()}
                    multiple=true
                    data-testid="file-input"
                    onchange={on_change}
                />
                <label class="visually-hidden" for="folder-input">{"Folder of log files"}</label>
                <input
                    id="folder-input"
                    ref={folder_ref}
                    class="visually-hidden"
                    tabindex="-1"
                    type="file"
                    webkitdirectory=true
                    data-testid="folder-input"
                    onchange={on_folder}
                />
                if p.offers_server {
                    { engine_row(p.server_mode, p.signed_in, &p.on_server_mode) }
                }
                if p.has_results {
                    <button class="btn btn-ghost" onclick={p.on_show_results.reform(|_| ())}>{"← Back to the last results"}</button>
                }
                <h2 class="section-title">{"Try a sample"}</h2>
                { samples(&p.on_sample) }
                <h2 class="section-title">{"How signaltrace decides"}</h2>
                { method_notes() }
            </section>
            <SettingsPanel settings={p.settings.clone()} on_change={p.on_settings.clone()} on_reset={p.on_reset_settings.clone()} />
        </div>
    }
}

/// The in-browser / server switch and what it means right now.
fn engine_row(server_mode: bool, signed_in: bool, on_server_mode: &Callback<bool>) -> Html {
    let toggle = on_server_mode.reform(|e: Event| {
        let input: HtmlInputElement = e.target_unchecked_into();
        input.checked()
    });
    let hint = match (server_mode, signed_in) {
        (true, true) => "Files are uploaded to the signaltrace server you are signed in to.",
        (true, false) => "Sign in required.",
        (false, _) => {
            "Default: analysis runs in this tab, in a background worker. Nothing is uploaded."
        }
    };
    html! {
        <div class="engine-row">
            <label class="switch">
                <input type="checkbox" role="switch" data-testid="server-switch"
                    checked={server_mode} onchange={toggle} />
                <span class="switch-track" aria-hidden="true"></span>
                <span>{"Analyze on the server"}</span>
            </label>
            <span class="hint">{ hint }</span>
        </div>
    }
}

/// A button for each bundled sample (fetched from `data/` on click).
fn samples(on_sample: &Callback<String>) -> Html {
    let items = SAMPLE_FILES.iter().map(|name| {
        let pick = on_sample.reform(move |_: MouseEvent| name.to_string());
        html! {
            <li>
                <button class="sample" data-sample={*name} onclick={pick}>
                    <span class="sample-name">{ *name }</span>
                    <span class="sample-desc">{ sample_description(name) }</span>
                </button>
            </li>
        }
    });
    html! { <ul class="samples">{ for items }</ul> }
}

/// How detection works, in three short notes.
fn method_notes() -> Html {
    html! {
        <div class="method-grid">
            <div class="method">
                <h3>{"Behaviour per client"}</h3>
                <p>{"Events are grouped by client IP (or user). Each gets five features: peak requests per minute, deny rate, bytes transferred, distinct hosts and off-hours share."}</p>
            </div>
            <div class="method">
                <h3>{"Threshold rules"}</h3>
                <p>{"High Burst, High Deny Rate, Extreme Data Transfer, High Unique Hosts and High Off-Hours Activity fire at the thresholds set on the right."}</p>
            </div>
            <div class="method">
                <h3>{"Isolation Forest"}</h3>
                <p>{"With 20 or more clients, a seeded Isolation Forest scores how easily each one is isolated; the rarest are statistical outliers. Rules and score set severity and confidence."}</p>
            </div>
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct SettingsProps {
    settings: Settings,
    on_change: Callback<Settings>,
    on_reset: Callback<()>,
}

/// How one number input of the panel looks.
struct NumberField {
    id: &'static str,
    label: &'static str,
    unit: &'static str,
    step: &'static str,
}

/// A number input bound to one field of [`Settings`].
fn number_field<T: std::str::FromStr + ToString + 'static>(
    NumberField {
        id,
        label,
        unit,
        step,
    }: NumberField,
    value: T,
    settings: &Settings,
    on_change: &Callback<Settings>,
    apply: fn(&mut Settings, T),
) -> Html {
    let (s, cb) = (settings.clone(), on_change.clone());
    let oninput = Callback::from(move |e: InputEvent| {
        let input: HtmlInputElement = e.target_unchecked_into();
        if let Ok(v) = input.value().trim().parse::<T>() {
            let mut next = s.clone();
            apply(&mut next, v);
            cb.emit(next);
        }
    });
    html! {
        <div class="field">
            <label for={id}>{ label }</label>
            <div class="input-unit">
                <input id={id} type="number" step={step} value={value.to_string()} {oninput} />
                <span class="unit">{ unit }</span>
            </div>
        </div>
    }
}

/// The log-schema select: the detector's own schema or a named preset.
fn schema_field(s: &Settings, on_change: &Callback<Settings>) -> Html {
    let on_schema = {
        let (s, cb) = (s.clone(), on_change.clone());
        Callback::from(move |e: Event| {
            let sel: HtmlSelectElement = e.target_unchecked_into();
            cb.emit(Settings {
                preset: sel.value().parse::<Preset>().ok(),
                ..s.clone()
            });
        })
    };
    html! {
        <div class="field">
            <label for="set-schema">{"Log schema"}</label>
            <select id="set-schema" onchange={on_schema} data-testid="schema-select" aria-describedby="set-schema-hint">
                <option value="" selected={s.preset.is_none()}>{"signaltrace JSONL or CSV"}</option>
                { for Preset::ALL.iter().map(|p| html! {
                    <option value={p.as_str()} selected={s.preset == Some(*p)}>{ preset_label(*p) }</option>
                }) }
            </select>
            <span class="hint" id="set-schema-hint">{"Where fields are read from. ECS: @timestamp, source.ip, user.name, url.full, http.response.bytes; denied when event.type contains \"denied\"."}</span>
        </div>
    }
}

/// What a preset is called in the schema select.
fn preset_label(p: Preset) -> &'static str {
    match p {
        Preset::Ecs => "Elastic Common Schema (ECS)",
    }
}

#[derive(Properties, PartialEq)]
struct TimeZoneProps {
    settings: Settings,
    on_change: Callback<Settings>,
    /// The detector's message about the zone, if it refused it.
    error: Option<String>,
}

/// The time-zone input: UTC or an IANA name, the browser's zone offered.
#[function_component(TimeZoneField)]
fn time_zone_field(p: &TimeZoneProps) -> Html {
    let s = &p.settings;
    let zone_error = &p.error;
    // The browser's own zone first, then every zone it knows (asked once).
    let here: Option<String> = (*use_memo((), |_| browser::time_zone())).clone();
    let zone_names = use_memo((), |_| browser::time_zone_names());
    let on_zone = {
        let (s, cb) = (s.clone(), p.on_change.clone());
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            cb.emit(Settings {
                timezone: input.value(),
                ..s.clone()
            });
        })
    };
    let use_zone = |zone: String| {
        let (s, cb) = (s.clone(), p.on_change.clone());
        Callback::from(move |_: MouseEvent| {
            cb.emit(Settings {
                timezone: zone.clone(),
                ..s.clone()
            })
        })
    };
    let zone_help = if zone_error.is_some() {
        "set-timezone-hint set-timezone-error"
    } else {
        "set-timezone-hint"
    };
    html! {
                <div class="field">
            <label for="set-timezone">{"Time zone"}</label>
            <input id="set-timezone" type="text" list="set-timezone-names" data-testid="timezone-input"
                autocomplete="off" spellcheck="false" value={s.timezone.clone()} oninput={on_zone}
                aria-describedby={zone_help} aria-invalid={zone_error.is_some().then_some("true")} />
            <datalist id="set-timezone-names">
                <option value={UTC} />
                if let Some(here) = here.as_ref() {
                    <option value={here.clone()} />
                }
                { for zone_names.iter().filter(|n| Some(*n) != here.as_ref() && n.as_str() != UTC).map(|n| html! { <option value={n.clone()} /> }) }
            </datalist>
            <span class="hint" id="set-timezone-hint">
                {"UTC, or an IANA name such as Europe/Berlin: its daylight-saving changes move the window."}
            </span>
            <div class="zone-choices">
                if let Some(here) = here.as_ref().filter(|h| s.timezone.trim() != h.as_str()) {
                    <button type="button" class="link-button" data-testid="use-browser-zone"
                        onclick={use_zone(here.clone())}>{ format!("Use this browser's zone ({here})") }</button>
                }
                if s.named_zone().is_some() {
                    <button type="button" class="link-button" data-testid="use-utc"
                        onclick={use_zone(UTC.to_owned())}>{"Use UTC with a fixed offset"}</button>
                }
            </div>
            if let Some(e) = &zone_error {
                <div class="alert alert-warn" role="status" id="set-timezone-error" data-testid="timezone-error">{ e.clone() }</div>
            }
        </div>
    }
}

#[function_component(SettingsPanel)]
fn settings_panel(p: &SettingsProps) -> Html {
    let s = &p.settings;
    let validation = s.to_config(detector::LogsMode::None).err();
    // A time-zone error is shown at its field; any other at the panel's end.
    let (zone_error, validation) = match validation {
        Some(v) if v.contains("`off_hours.timezone`") => (Some(v), None),
        other => (None, other),
    };
    let on_entity = {
        let (s, cb) = (s.clone(), p.on_change.clone());
        Callback::from(move |e: Event| {
            let sel: HtmlSelectElement = e.target_unchecked_into();
            if let Some(c) = EntityChoice::parse(&sel.value()) {
                cb.emit(Settings {
                    entity: c,
                    ..s.clone()
                });
            }
        })
    };
    let hour_select = |id: &'static str,
                       label: &'static str,
                       value: u32,
                       max: u32,
                       apply: fn(&mut Settings, u32)| {
        let (s, cb) = (s.clone(), p.on_change.clone());
        let onchange = Callback::from(move |e: Event| {
            let sel: HtmlSelectElement = e.target_unchecked_into();
            if let Ok(v) = sel.value().parse() {
                let mut next = s.clone();
                apply(&mut next, v);
                cb.emit(next);
            }
        });
        html! {
            <div class="field">
                <label for={id}>{ label }</label>
                <select id={id} {onchange}>
                    { for (0..=max).map(|h| html! {
                        <option value={h.to_string()} selected={h == value}>{ format!("{h:02}:00") }</option>
                    }) }
                </select>
            </div>
        }
    };
    let on_allow = {
        let (s, cb) = (s.clone(), p.on_change.clone());
        Callback::from(move |e: InputEvent| {
            let t: HtmlTextAreaElement = e.target_unchecked_into();
            cb.emit(Settings {
                allowlist: t.value(),
                ..s.clone()
            });
        })
    };
    let cb = &p.on_change;
    html! {
        <aside class="panel settings" aria-labelledby="settings-title">
            <div class="settings-head">
                <h2 id="settings-title">{"Detection settings"}</h2>
                <button class="btn btn-ghost btn-small" data-testid="reset-settings" onclick={p.on_reset.reform(|_| ())}>{"Reset to defaults"}</button>
            </div>
            <p class="hint">{"Saved in this browser. Applied to the next analysis."}</p>
            <div class="field">
                <label for="set-entity">{"Group events by"}</label>
                <select id="set-entity" onchange={on_entity} data-testid="entity-select">
                    { for EntityChoice::ALL.iter().map(|c| html! {
                        <option value={c.as_str()} selected={*c == s.entity}>{ c.label() }</option>
                    }) }
                </select>
            </div>
            { schema_field(s, &p.on_change) }
            <fieldset>
                <legend>{"Rule thresholds"}</legend>
                { number_field(NumberField { id: "set-burst", label: "High Burst", unit: "req / min", step: "1" }, s.burst_requests_per_minute, s, cb, |s, v| s.burst_requests_per_minute = v) }
                { number_field(NumberField { id: "set-deny", label: "High Deny Rate", unit: "%", step: "1" }, s.deny_rate_percent, s, cb, |s, v| s.deny_rate_percent = v) }
                { number_field(NumberField { id: "set-bytes", label: "Extreme Data Transfer", unit: "MB", step: "any" }, s.data_transfer_mb, s, cb, |s, v| s.data_transfer_mb = v) }
                { number_field(NumberField { id: "set-hosts", label: "High Unique Hosts", unit: "hosts", step: "1" }, s.unique_hosts, s, cb, |s, v| s.unique_hosts = v) }
                { number_field(NumberField { id: "set-offratio", label: "High Off-Hours Activity", unit: "%", step: "1" }, s.off_hours_percent, s, cb, |s, v| s.off_hours_percent = v) }
                { number_field(NumberField { id: "set-min-events", label: "Fewest events for a rate rule", unit: "events", step: "1" }, s.min_events, s, cb, |s, v| s.min_events = v) }
            </fieldset>
            <fieldset>
                <legend>{"Off-hours window (local time)"}</legend>
                <div class="field-row">
                    { hour_select("set-off-start", "From", s.off_hours_start, 23, |s, v| s.off_hours_start = v) }
                    { hour_select("set-off-end", "To", s.off_hours_end, 24, |s, v| s.off_hours_end = v) }
                </div>
                <TimeZoneField settings={s.clone()} on_change={p.on_change.clone()} error={zone_error} />
                if s.named_zone().is_none() {
                    { number_field(NumberField { id: "set-offset", label: "UTC offset", unit: "minutes", step: "15" }, s.utc_offset_minutes, s, cb, |s, v| s.utc_offset_minutes = v) }
                }
            </fieldset>
            <div class="field">
                <label for="set-allow">{"Allowlist"}</label>
                <textarea id="set-allow" rows="3" placeholder="One IP, user or host per line"
                    value={s.allowlist.clone()} oninput={on_allow} />
                <span class="hint">{"Exact values, or CIDR ranges for IPs. Allowlisted entities stay in the population but are never flagged."}</span>
            </div>
            if let Some(v) = validation {
                <div class="alert alert-warn" role="status" data-testid="settings-error">{ v }</div>
            }
            <p class="hint">{ format!("Files over {} MB keep raw rows only for anomalous entities, to keep memory low.", ALL_LOGS_MAX_BYTES / (1024 * 1024)) }</p>
        </aside>
    }
}

/// After a reload (or from a shared link) the fragment still holds a view
/// of results the page no longer has: say what will open, and when.
fn pending_view() -> Html {
    let view = crate::ui::fragment::read();
    if view == crate::logs::TableView::default() {
        return html! {};
    }
    let what = match &view.entity {
        Some(e) => format!("This link opens the investigation of {e}"),
        None => "This link holds a view of the results".to_string(),
    };
    html! {
        <div class="alert alert-info" role="status" data-testid="pending-view">
            { format!("{what} once the file is analyzed again: a report lives only in the page that made it, so after a reload the file is needed once more.") }
        </div>
    }
}
