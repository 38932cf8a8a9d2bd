// The public types of the npm package `signaltrace`, written by hand (not
// re-exported from wasm-bindgen's output, whose loader types need `dom`).
// Every entry point (`signaltrace`, `signaltrace/web`, `signaltrace/inline`)
// exports exactly what is declared here; `signaltrace/worker` has its own
// file. The report types follow the Rust types (detector/src/report.rs,
// config.rs); npm/test/types.test.mjs holds them to wasm-bindgen's generated
// declarations, and detector/tests/wasm.rs holds the literal unions to the
// detector's own name lists, so neither can drift.

/** The five behavioural features, in the order the forest sees them (`FEATURE_NAMES`). */
export type FeatureName =
    | "requests_per_minute_peak"
    | "deny_rate"
    | "total_bytes_transferred"
    | "unique_hosts_count"
    | "off_hours_request_ratio";

/**
 * A deterministic threshold rule. Declaration order is report order.
 */
export type Rule = "High Burst" | "High Deny Rate" | "Extreme Data Transfer" | "High Unique Hosts" | "High Off-Hours Activity";

/**
 * A feature's spread over the population: percentiles with numpy's linear
 * interpolation (the median is the 50th).
 */
export interface Percentiles {
    p10: number;
    median: number;
    p90: number;
}

/**
 * A named field mapping for a well-known log schema.
 */
export type Preset = "ecs";

/**
 * ALLOW or DENY.
 */
export type Action = "ALLOW" | "DENY";

/**
 * Events over time, for a chart: `counts[i]` events in
 * [start + i·bucket_seconds, start + (i+1)·bucket_seconds).
 */
export interface Activity {
    start: string;
    bucket_seconds: number;
    counts: number[];
}

/**
 * Everything that shapes an analysis.
 */
export interface Config {
    input: InputConfig;
    /**
     * Grouping field; `None` means the format's default.
     */
    entity: EntityField | null;
    rules: RuleThresholds;
    off_hours: OffHours;
    forest: ForestConfig;
    /**
     * Which raw rows the report carries.
     */
    logs: LogsMode;
    /**
     * Which entities the report lists; `null` (the default): all up to
     * 10,000, else the anomalous ones. The report's `config.population`
     * says which applied.
     */
    population: PopulationMode | null;
    /**
     * Where each field is read from (JSONL paths, CSV columns).
     */
    fields: Fields;
    /**
     * Entities never flagged: exact values, or CIDR ranges for IP entities.
     * They stay in the population (and in the forest) marked `allowlisted`.
     */
    allowlist: string[];
}

/**
 * Input format. `Auto` looks at the first non-blank line: `{` means JSONL,
 * anything else a CSV header.
 */
export type FormatChoice = "auto" | "jsonl" | "csv";

/**
 * Isolation forest parameters (scikit-learn's names in comments).
 */
export interface ForestConfig {
    /**
     * Number of trees (`n_estimators`).
     */
    trees: number;
    /**
     * Entities per tree, capped at the population (`max_samples`).
     */
    sample_size: number;
    /**
     * Expected outlier share (`contamination`), in (0, 0.5].
     */
    contamination: number;
    /**
     * An outlier needs an isolation score at least this.
     */
    score_threshold: number;
    /**
     * An outlier with no rule is Medium (not Low) at or above this score.
     */
    high_score_threshold: number;
    /**
     * Below this many entities the forest is skipped.
     */
    min_entities: number;
    /**
     * Seed of the ChaCha20 generator (in JavaScript a Number or a BigInt
     * up to 2^53 - 1, which a report can echo exactly).
     */
    seed: number;
}

/**
 * Limits on input lines.
 */
export interface InputConfig {
    /**
     * Format, or `auto` to detect it.
     */
    format: FormatChoice;
    /**
     * A line longer than this (without its line ending) is rejected.
     */
    max_line_bytes: number;
    /**
     * How many rejected lines are listed with their reasons (all are counted).
     */
    max_reported_errors: number;
    /**
     * Turn any rejected line into an error for the whole input.
     */
    strict: boolean;
    /**
     * How times are written: `rfc3339`, `epoch_s`, `epoch_ms`, `epoch_us`,
     * or a strftime pattern (`%d/%m/%Y %H:%M:%S`); a pattern without a
     * zone is read in the off-hours time zone.
     */
    time_format: string;
    /**
     * A gzip or zstd input that decompresses past this many bytes is an
     * error (a decompression bomb costs bounded work). Plain input is not
     * limited.
     */
    max_decompressed_bytes: number;
}

/**
 * One event, found in the raw rows (`logs`) by `input` and `line`.
 */
export interface EventRef {
    input: number;
    line: number;
    time: string;
    host: string;
    bytes: number;
}

/**
 * One feature of an anomaly set against the population.
 */
export interface FeatureContext {
    feature: FeatureName;
    value: number;
    population_median: number;
    /**
     * The population's 10th and 90th percentiles: the typical range.
     */
    population_p10: number;
    population_p90: number;
    /**
     * Percentile rank in the population, 0–100: the share of entities
     * with a smaller value plus half of those with the same value (ties
     * share the middle, so 2 among a population of 1s and 2s is not
     * "100th"). Bounded, and sane on integer and zero-heavy features.
     */
    percentile: number;
    /**
     * Modified z-score: (value − median) / scale, the scale 1.4826 · MAD,
     * or 1.2533 · mean absolute deviation when the MAD is 0 (Iglewicz &
     * Hoaglin), but never below the feature's resolution (1 request, 1
     * host, 1 KB, 1 percentage point), so 2 requests against a median of 1
     * is z 1, not 30; `null` when every entity has the same value.
     */
    robust_z: number | null;
    /**
     * The rule on this feature, its threshold, and whether it fired.
     */
    rule: Rule;
    threshold: number;
    fired: boolean;
}

/**
 * One feature's part in an entity's isolation score: its exact TreeSHAP
 * value (Lundberg et al. 2020, path-dependent, as `shap.TreeExplainer`
 * computes for scikit-learn's `IsolationForest`) of the forest's mean path
 * length, in score units.
 */
export interface FeatureContribution {
    feature: FeatureName;
    /**
     * |score_contribution| / Σ |score_contribution| over the features (sum
     * to 1); 0.2 each when every contribution is 0.
     */
    share: number;
    /**
     * Signed, in isolation-score units: positive raises the score (a
     * shorter isolating path). The five sum to the isolation score minus
     * the score of the forest's expected path length.
     */
    score_contribution: number;
}

/**
 * One input of the analysis (a file, an upload part, standard input).
 */
export interface Input {
    /**
     * The name the front end gave (the CLI: the file's name, `-` for
     * standard input); `null` if none.
     */
    name: string | null;
    /**
     * Bytes read, as given (for a compressed input, the compressed size).
     */
    bytes: number;
    /**
     * The container the input arrived in.
     */
    compression: Compression;
    /**
     * Lines of the (decompressed) input, numbered from 1 in each input:
     * accepted + rejected + blank + header + continuation.
     */
    lines: number;
    accepted: number;
    rejected: number;
}

/**
 * Rule thresholds. A rule fires when the feature is at or above its threshold.
 */
export interface RuleThresholds {
    /**
     * `High Burst`: requests_per_minute_peak ≥ this.
     */
    burst_requests_per_minute: number;
    /**
     * `High Deny Rate`: deny_rate ≥ this (0–1).
     */
    deny_rate: number;
    /**
     * `Extreme Data Transfer`: total_bytes_transferred ≥ this many bytes.
     */
    data_transfer_bytes: number;
    /**
     * `High Unique Hosts`: unique_hosts_count ≥ this.
     */
    unique_hosts: number;
    /**
     * `High Off-Hours Activity`: off_hours_request_ratio ≥ this (0–1).
     */
    off_hours_ratio: number;
    /**
     * The ratio rules (`High Deny Rate`, `High Off-Hours Activity`) fire
     * only for entities with at least this many events: one denied event
     * is a deny rate of 100%. 1 keeps the rules as first defined.
     */
    min_events: number;
}

/**
 * The category of a rejected line; counted per kind in the report.
 */
export type RejectKind = "not_utf8" | "line_too_long" | "invalid_json" | "missing_field" | "wrong_type" | "duplicate_field" | "invalid_time" | "invalid_url" | "invalid_action" | "invalid_clientip" | "invalid_value" | "wrong_field_count";

/**
 * The container a file arrived in (the report's `inputs[].compression`).
 */
export type Compression = "none" | "gzip" | "zstd";

/**
 * The events behind an anomaly's findings (docs/DESIGN.md "Evidence").
 * Hosts are destinations (CSV: resources); lists are at most
 * [`EVIDENCE_TOP`] long, largest first, ties by host name.
 */
export interface Evidence {
    /**
     * The busiest minute (`requests_per_minute_peak`); `null` when no
     * minute has more than one event.
     */
    burst: BurstEvidence | null;
    /**
     * Denied events; `null` when none was denied.
     */
    denials: DenialEvidence | null;
    /**
     * Bytes transferred; `null` when the entity transferred none.
     */
    transfer: TransferEvidence | null;
    /**
     * The destination hosts (every entity has at least one).
     */
    hosts: HostEvidence;
    /**
     * Events in the off-hours window; `null` when there were none.
     */
    off_hours: OffHoursEvidence | null;
    /**
     * The entity's events per local hour of day (24 counts, hour 0 first);
     * compare with the report's `events_by_hour`.
     */
    events_by_hour: number[];
}

/**
 * The five features of one entity (docs/DESIGN.md "Entities and features").
 */
export interface Features {
    /**
     * Most events inside any half-open window [t, t+60 s), t an event time.
     */
    requests_per_minute_peak: number;
    /**
     * Denied events / events, in [0, 1].
     */
    deny_rate: number;
    /**
     * Sum of response sizes (CSV: `bytes`), saturating at 2^64 − 1.
     */
    total_bytes_transferred: number;
    /**
     * Distinct destination hosts (CSV: distinct resources).
     */
    unique_hosts_count: number;
    /**
     * Share of events inside the off-hours window, in [0, 1].
     */
    off_hours_request_ratio: number;
}

/**
 * The format an input was read as.
 */
export type Format = "jsonl" | "csv";

/**
 * The local hour of day (per `config.off_hours.utc_offset_minutes`) with
 * the most events; ties go to the earliest hour.
 */
export interface PeakActivity {
    hour: number;
    event_count: number;
}

/**
 * The off-hours window `[start_hour, end_hour)` in local time, where local
 * time is UTC shifted by `utc_offset_minutes`. A window with start > end
 * wraps midnight (22 → 6 means 22:00–06:00).
 */
export interface OffHours {
    start_hour: number;
    end_hour: number;
    utc_offset_minutes: number;
    /**
     * An IANA time zone (`Europe/Berlin`) whose daylight-saving rules
     * decide local time; replaces `utc_offset_minutes` when set.
     */
    timezone?: string;
}

/**
 * The window of `requests_per_minute_peak`: [start, end), end = start + 60 s.
 */
export interface BurstEvidence {
    start: string;
    end: string;
    /**
     * Events in the window (the feature's value).
     */
    count: number;
}

/**
 * Where the detector finds each field it reads: in JSONL a path into the
 * object (`source.ip` is the member `ip` of the object `source`, or a
 * member literally named `source.ip`); in CSV a header name (matched
 * ignoring ASCII case and surrounding spaces). Each field lists
 * alternatives, the first one present wins (`url.full`, else
 * `url.original`). An empty list means the format's default (or the
 * preset's); a report echoes the mapping it used, resolved.
 *
 * Defaults, JSONL: `time`, `clientip`, `user`, `url`, bytes
 * `responsesize`, `responsecode`, action `action` with `DENY`/`ALLOW`.
 * CSV: `timestamp`, `clientip`, `user`, `host` (the source host),
 * `resource` (the destination), `bytes`, action `success` with
 * `false`/`true`. JSONL reads no `host`/`resource` (the destination is the
 * URL's host); CSV reads no `url`/`responsecode`.
 */
export interface Fields {
    /**
     * A named mapping (`ecs`) under the fields given here.
     */
    preset?: Preset;
    time: string[];
    clientip: string[];
    user: string[];
    /**
     * JSONL: the absolute URL whose host is the destination.
     */
    url: string[];
    /**
     * CSV: the destination (resource) column.
     */
    resource: string[];
    /**
     * CSV: the source host column (for `entity = "host"`).
     */
    host: string[];
    /**
     * Bytes transferred (a whole number ≥ 0).
     */
    bytes: string[];
    /**
     * JSONL: the HTTP status code (optional).
     */
    responsecode: string[];
    /**
     * The field that says whether a request was denied: a string, a
     * boolean or number (read as its text), or an array of strings.
     */
    action: string[];
    /**
     * Values of `action` that mean denied (an array: any element).
     */
    deny_values: string[];
    /**
     * Values of `action` that mean allowed. When empty, every other value
     * (and a missing `action`) means allowed; otherwise `action` is
     * required and any value in neither list rejects the line.
     */
    allow_values: string[];
}

/**
 * Which evidence of its anomaly a raw row belongs to.
 */
export type EvidenceKind = "burst" | "denials" | "transfer" | "off_hours";

/**
 * Which field groups events into entities.
 */
export type EntityField = "clientip" | "user" | "host";

/**
 * Which raw rows the report carries in `logs`.
 */
export type LogsMode = "all" | "anomalous" | "none";

export type PopulationMode = "all" | "anomalous" | "none";

/**
 * [`Percentiles`] of each feature; `p10`–`p90` is what texts call typical.
 */
export interface FeatureRanges {
    requests_per_minute_peak: Percentiles;
    deny_rate: Percentiles;
    total_bytes_transferred: Percentiles;
    unique_hosts_count: Percentiles;
    off_hours_request_ratio: Percentiles;
}

export interface Anomaly {
    entity: string;
    clientip?: string;
    severity: Severity;
    confidence: number;
    detection_method: DetectionMethod;
    triggered_rules: Rule[];
    features: Features;
    /**
     * `null` when statistics were skipped.
     */
    isolation_score: number | null;
    is_outlier: boolean;
    explanation: string;
    first_seen: string;
    last_seen: string;
    request_count: number;
    peak_window_start: string;
    /**
     * Every feature's contribution to `isolation_score`, largest share
     * first (ties in feature order); empty when statistics were skipped.
     */
    feature_contributions: FeatureContribution[];
    /**
     * Each feature against the population, in `FEATURE_NAMES` order.
     */
    feature_context: FeatureContext[];
    /**
     * The events behind the findings, by kind; a kind is `null` when the
     * entity has none of it. `request_count` is how many events every
     * finding of the entity rests on (its support).
     */
    evidence: Evidence;
}

export interface DenialEvidence {
    /**
     * Denied events (deny rate = count / request_count).
     */
    count: number;
    /**
     * The most denied hosts, with their denied events.
     */
    top_hosts: HostCount[];
}

export interface DetectionBreakdown {
    rule_based: number;
    statistical: number;
    hybrid: number;
    total: number;
}

export interface EntityReport {
    entity: string;
    clientip?: string;
    request_count: number;
    features: Features;
    isolation_score: number | null;
    is_outlier: boolean;
    triggered_rules: Rule[];
    /**
     * Matched by the allowlist: never flagged, whatever its rules and score.
     */
    allowlisted: boolean;
    /**
     * `null` for a normal (or allowlisted) entity.
     */
    severity: Severity | null;
    confidence: number;
    first_seen: string;
    last_seen: string;
}

export interface FeatureValues {
    requests_per_minute_peak: number;
    deny_rate: number;
    total_bytes_transferred: number;
    unique_hosts_count: number;
    off_hours_request_ratio: number;
}

export interface HostBytes {
    host: string;
    bytes: number;
}

export interface HostCount {
    host: string;
    count: number;
}

export interface HostEvidence {
    /**
     * Distinct hosts (the feature's value).
     */
    count: number;
    /**
     * The most requested hosts, with their events.
     */
    top: HostCount[];
}

export interface LineCounts {
    /**
     * Every line of every input: accepted + rejected + blank + header
     * (+ continuation).
     */
    total: number;
    accepted: number;
    rejected: number;
    blank: number;
    /**
     * CSV header lines: one per CSV input (1 for a CSV file), else 0.
     */
    header: number;
    /**
     * Lines that continue a CSV record inside a quoted field (RFC 4180);
     * absent when there are none.
     */
    continuation?: number;
    /**
     * Accepted events earlier in time than their entity's previous event
     * (input order; several inputs in the order given); absent when there
     * are none. Not part of `total`.
     */
    out_of_order?: number;
}

export interface LogRow {
    /**
     * Index of the row's input in `inputs`.
     */
    input: number;
    /**
     * Line number within that input, from 1.
     */
    line: number;
    time: string;
    entity: string;
    clientip: string | null;
    user: string | null;
    /**
     * JSONL: the URL's host. CSV: the `host` column.
     */
    host: string | null;
    /**
     * CSV only: the resource accessed.
     */
    resource?: string;
    action: Action;
    responsecode: number | null;
    bytes: number;
    is_anomalous: boolean;
    /**
     * For an anomalous entity's row: the kinds of its evidence the row
     * belongs to (absent when none).
     */
    evidence?: EvidenceKind[];
}

export interface OffHoursEvidence {
    /**
     * Events in the off-hours window (share = count / request_count).
     */
    count: number;
}

export interface ParseError {
    /**
     * Index of the rejected line's input in `inputs`.
     */
    input: number;
    /**
     * That input's name (`inputs[input].name`).
     */
    file: string | null;
    /**
     * Line number within that input, from 1.
     */
    line: number;
    kind: RejectKind;
    reason: string;
}

export interface Report {
    schema_version: number;
    /**
     * The first input's name (with one input, its name), as the front end
     * gave it; `inputs` lists every input.
     */
    filename: string | null;
    /**
     * The inputs, in the order they were read (one for a single file).
     */
    inputs: Input[];
    format: Format;
    entity_field: EntityField;
    /**
     * Accepted events.
     */
    total_logs: number;
    entity_count: number;
    anomaly_count: number;
    /**
     * Entities matched by the allowlist (never flagged).
     */
    allowlisted_count: number;
    /**
     * Whether identifiers were replaced by keyed hashes.
     */
    pseudonymized: boolean;
    risk_level: RiskLevel;
    summary: string;
    detection_breakdown: DetectionBreakdown;
    time_range: TimeRange;
    peak_activity: PeakActivity;
    activity: Activity;
    timeline: TimelineEntry[];
    anomalies: Anomaly[];
    /**
     * Every entity, sorted by value: the population the forest saw.
     */
    entities: EntityReport[];
    /**
     * Per-feature median over all entities, in `FEATURE_NAMES` order.
     */
    population_medians: FeatureValues;
    /**
     * Per feature, the population's typical range: 10th percentile,
     * median and 90th percentile over all entities.
     */
    population_ranges: FeatureRanges;
    /**
     * Events per local hour of day (24 counts, hour 0 first; local time as
     * for off-hours): the population's hour profile, against which an
     * anomaly's `evidence.events_by_hour` is read.
     */
    events_by_hour: number[];
    statistics: Statistics;
    lines: LineCounts;
    rejected_lines: number;
    /**
     * Rejections per kind (only kinds that occurred).
     */
    rejection_counts: Partial<Record<RejectKind, number>>;
    /**
     * The first rejections, by input and line number.
     */
    parse_errors: ParseError[];
    /**
     * The configuration in force, with the entity field resolved.
     */
    config: Config;
    /**
     * Raw rows; absent when `config.logs` is `none`.
     */
    logs?: LogRow[];
}

export interface Statistics {
    status: StatisticsStatus;
    /**
     * Why the forest did not run.
     */
    reason: string | null;
    method: string;
    trees: number;
    /**
     * Entities per tree actually used (capped at the population).
     */
    sample_size: number;
    seed: number;
    contamination: number;
    score_threshold: number;
    /**
     * The isolation score an entity must exceed to lie within the
     * contamination share (the 90th percentile for 0.1); `null` if skipped.
     */
    contamination_threshold: number | null;
    outliers: number;
}

export interface TimeRange {
    start: string;
    end: string;
    duration_hours: number;
}

export interface TimelineEntry {
    /**
     * When the entity was first seen.
     */
    timestamp: string;
    entity: string;
    clientip?: string;
    detection_type: DetectionMethod;
    severity: Severity;
    triggered_rules: Rule[];
    /**
     * Start of the entity's busiest minute.
     */
    peak_window_start: string;
    last_seen: string;
}

export interface TransferEvidence {
    /**
     * Total bytes (the feature's value).
     */
    bytes: number;
    /**
     * The hosts with the most bytes.
     */
    top_hosts: HostBytes[];
    /**
     * The largest single events, largest first (ties by input and line).
     */
    largest_events: EventRef[];
}

export type DetectionMethod = "Rule-based" | "Statistical" | "Hybrid";

export type RiskLevel = "Low" | "Medium" | "High";

export type Severity = "Low" | "Medium" | "High" | "Critical";

export type StatisticsStatus = "ran" | "skipped";

/** A deep-partial `ForestConfig`: the seed may also be a BigInt (up to 2^53 - 1). */
export interface ForestOptions extends Partial<Omit<ForestConfig, "seed">> {
    /** Seed of the ChaCha20 generator: a whole Number or BigInt from 0 to 2^53 - 1. */
    seed?: number | bigint;
}

/** `Fields` as given: each field one name or a list of alternatives. */
export type FieldsOptions = {
    [K in Exclude<keyof Fields, "preset">]?: string | readonly string[];
} & { preset?: Preset };

/**
 * Options of `analyze` and `new Analyzer`: any part of a `Config` (missing
 * fields take their defaults, unknown fields are an error), plus the file
 * name echoed in `Report.filename`.
 */
export interface Options {
    input?: Partial<InputConfig>;
    /** Grouping field; `null` means the format's default. */
    entity?: EntityField | null;
    rules?: Partial<RuleThresholds>;
    off_hours?: Partial<OffHours>;
    forest?: ForestOptions;
    logs?: LogsMode;
    population?: PopulationMode | null;
    fields?: FieldsOptions;
    allowlist?: readonly string[];
    /** Echoed in `Report.filename` (and `inputs[0].name`). */
    filename?: string | null;
    /**
     * Replace entity values, users, client IPs and source hosts by keyed
     * hashes (HMAC) throughout the report; at least 8 characters. Never echoed
     * in `Report.config`.
     */
    pseudonymize?: string | null;
}

/** A log, whole or a chunk of it: text (encoded as UTF-8) or bytes (a `Uint8Array`, Node `Buffer`, any view, an `ArrayBuffer`). */
export type LogData = string | ArrayBuffer | ArrayBufferView;

/**
 * Analyzes a whole log (JSONL or CSV, plain, gzip or zstd) in one call.
 * Throws an `Error` with the CLI's message when the input or the options
 * are unusable, a `TypeError` for input of the wrong type.
 */
export function analyze(input: LogData, options?: Options): Report;

/**
 * Incremental analysis: `push` chunks split anywhere, watch `bytesSeen` and
 * `linesSeen`, then `finish()` for the same report `analyze` gives for the
 * whole input. `finish()` releases the analyzer's WebAssembly memory; so
 * does `free()` (or `using`) for one that is abandoned before it finishes.
 */
export class Analyzer {
    /** Validates the options; throws on a bad one. */
    constructor(options?: Options);
    /** Adds the next chunk. Throws on unusable input, or after `finish()`/`free()`. */
    push(chunk: LogData): void;
    /** Ends the current input and starts the next (rotated parts of one log). */
    nextInput(name?: string | null): void;
    /** Bytes pushed so far, over all inputs (still readable after `finish()`). */
    readonly bytesSeen: number;
    /** Complete lines seen so far, over all inputs. */
    readonly linesSeen: number;
    /** Distinct entities (client IPs or users) in those lines, merged slices included. */
    readonly entitiesSeen: number;
    /**
     * Keeps event times bounded, so memory grows with entities, not events
     * (for an input you can read again: a file, a `Blob`). Each entity keeps
     * the times of its first and last two minutes and its best window, exact
     * for events in time order or up to a minute late; `finishBounded()` then
     * names the entities whose events were further out of order, to analyze
     * the input again with `boundTimes(readAgain)`. Call before any `push`.
     * (`signaltrace/worker` does this by itself.)
     */
    boundTimes(exact?: readonly string[] | null): void;
    /**
     * With rows kept: only these entities' rows (keys as read, not
     * pseudonymized). For a second pass over input you can read again, once
     * a first pass with `logs: 'none'` named the anomalous entities: then
     * `logs: 'anomalous'` holds only their rows. Call before any `push`.
     * (`signaltrace/worker` does this by itself.)
     */
    rowsFor(entities: readonly string[]): void;
    /**
     * Makes this analyzer read a later slice of a file split across
     * analyzers (workers, each with its own): `head` is the file's first
     * `splitHead(…)` bytes, the chunks pushed next are the slice, from a
     * line start to a line start or the file's end. Call after `boundTimes`
     * and `rowsFor` (the merging analyzer needs the same), before any
     * `push`. (`signaltrace/worker` does this with `workers > 1`.)
     */
    sliceOf(head: Uint8Array): void;
    /** Ends a slice (`sliceOf`): what its lines add up to, for `mergeSlice`. */
    finishSlice(): Uint8Array;
    /**
     * Adds a later slice's `finishSlice()` bytes: the lines after everything
     * this analyzer has read. Read the file's first slice into this analyzer,
     * then merge the others in file order; `finish()` gives the whole file's report.
     */
    mergeSlice(slice: Uint8Array): void;
    /** `finish()` after `boundTimes`: the report, or the entities to read again whole. */
    finishBounded(): { report: Report; readAgain?: undefined } | { readAgain: string[]; report?: undefined };
    /** Ends the input and returns the report; releases the analyzer's memory. */
    finish(): Report;
    /** Releases the analyzer's memory now; any later call throws. Safe to repeat. */
    free(): void;
    /** The same as `free()`, for `using analyzer = new Analyzer()`. */
    [Symbol.dispose](): void;
}

/**
 * Whether a file that starts with `head` (its first megabyte, say) can be
 * analyzed in slices (`Analyzer.sliceOf`): the number of bytes through the
 * line that decides its format — split it at line starts from there — or
 * `undefined` when one analyzer must read it whole (compressed, CSV, or no
 * complete deciding line in `head`).
 */
export function splitHead(head: Uint8Array, options?: Options): number | undefined;

/** Every option with its default value (`entity` is `null`: the format's default). */
export function defaultConfig(): Config;

/** The bytes of a sample log, the same `signaltrace generate --seed SEED` writes (seed 42 unless given). */
export function generate(name: string, seed?: number): Uint8Array;

/** Names of the sample logs `generate` makes. */
export function sampleFiles(): string[];

/** The detector's version (also the package's). */
export function version(): string;

/**
 * Where `init` loads the WebAssembly module from: a URL (string or `URL`),
 * the bytes of `signaltrace_bg.wasm`, a fetch `Response` (or a promise of
 * one), or a compiled `WebAssembly.Module`. (Typed structurally so that the
 * declarations need neither the `dom` lib nor `@types/node`.)
 */
export type WasmSource =
    | string
    | { readonly href: string }
    | ArrayBuffer
    | ArrayBufferView
    | object
    | PromiseLike<object>;

/**
 * Loads the WebAssembly module (once; later calls return the same promise).
 * Without an argument, from `signaltrace_bg.wasm` next to the package's
 * JavaScript (or, in `signaltrace/inline`, from the bytes inside it). A
 * failed load (404, CSP without `'wasm-unsafe-eval'`) rejects this promise
 * and `ready`; every function then throws that error, with it as `cause`.
 */
export function init(source?: WasmSource): Promise<void>;

/**
 * Settles when the WebAssembly module has loaded (`signaltrace` and
 * `signaltrace/inline` start loading on import; `signaltrace/web` when
 * `init` is called). Rejects, catchably, with the load error.
 */
export const ready: Promise<void>;

declare global {
    // `Symbol.dispose` as TypeScript 5.2+'s `esnext.disposable` lib and
    // @types/node declare it, so `[Symbol.dispose]()` type-checks without
    // either (and merges with both).
    interface SymbolConstructor {
        readonly dispose: unique symbol;
    }
}
