//! How the merged accumulators become a [`Report`]: named stages, in order.
//!
//! 1. [`population::score_entities`]: features and fired rules per entity;
//! 2. [`population::run_forest`]: the Isolation Forest over the population;
//! 3. [`population::judge`]: severity and confidence, the allowlist applied;
//! 4. [`population::pseudonymize`]: keyed pseudonyms replace identifiers;
//! 5. [`anomalies::anomalies`]: the flagged entities, explained, with the
//!    [`evidence`] behind them;
//! 6. [`anomalies::timeline`]: anomalies by first appearance;
//! 7. [`rows::raw_rows`]: the raw rows the logs mode keeps, each marked
//!    with the evidence it belongs to;
//! 8. [`overview`] and [`text::summary`]: risk, counts, time, summary.

mod anomalies;
mod evidence;
mod overview;
pub(crate) mod population;
mod rows;

use crate::allowlist::Allowlist;
use crate::config::{Config, EntityField, Format, PopulationMode};
use crate::error::{input_label, Error};
use crate::partial::Partial;
use crate::privacy::Pseudonymizer;
use crate::report::{FeatureRanges, FeatureValues, Input, Report, SCHEMA_VERSION};
use crate::text;

use self::anomalies::Spread;

/// Turns the merged accumulators into the report. `allowlist` is the
/// config's, parsed once when the config was validated; `inputs` are the
/// inputs read, in order.
pub(crate) fn build(
    mut p: Partial,
    config: &Config,
    allowlist: &Allowlist,
    format: Format,
    entity_field: EntityField,
    inputs: Vec<Input>,
) -> Result<Report, Error> {
    let names: Vec<Option<&str>> = inputs.iter().map(|i| i.name.as_deref()).collect();
    if config.input.strict {
        if let Some(e) = p.errors.first() {
            let i = e.input as usize;
            let strict = Error::Strict {
                line: e.line,
                reason: e.reason.clone(),
            };
            return Err(strict.in_file(input_label(names[i], i, names.len())));
        }
    }
    let Some(span) = p.span else {
        return Err(p.nothing_to_analyze(&names));
    };
    let out_of_order = p.out_of_order();
    let population = population::score_entities(&mut p, &config.rules)?;
    let mut judged = judge_population(population, config, allowlist, entity_field);
    judged.out_of_order = out_of_order;
    Ok(write(p, judged, span, config, format, entity_field, inputs))
}

/// The population after the forest and the verdicts: what a report is
/// written from. Flagged entities keep their `detail` for the evidence.
pub(crate) struct Judged {
    pub population: Vec<population::Assessment>,
    pub statistics: crate::report::Statistics,
    pub allowlisted: population::AllowlistEffect,
    /// Events earlier than their entity's previous one (`lines.out_of_order`;
    /// counted before scoring takes the accumulators).
    pub out_of_order: u64,
}

/// Stages 2 and 3: the forest over the scored population, then severity,
/// confidence and the allowlist.
pub(crate) fn judge_population(
    mut population: Vec<population::Assessment>,
    config: &Config,
    allowlist: &Allowlist,
    entity_field: EntityField,
) -> Judged {
    let statistics = population::run_forest(&mut population, &config.forest, entity_field);
    let allowlisted = population::judge(&mut population, allowlist, &config.forest);
    Judged {
        population,
        statistics,
        allowlisted,
        out_of_order: 0,
    }
}

/// Stages 4 to 8: pseudonyms, anomalies, timeline, raw rows, overview.
/// `p` supplies the file-level counts and rows; `span` is its first and
/// last event time.
pub(crate) fn write(
    mut p: Partial,
    judged: Judged,
    span: (crate::time::Nanos, crate::time::Nanos),
    config: &Config,
    format: Format,
    entity_field: EntityField,
    inputs: Vec<Input>,
) -> Report {
    let Judged {
        mut population,
        statistics,
        allowlisted,
        out_of_order,
    } = judged;
    let pseudonymizer = config.pseudonymize.as_deref().map(Pseudonymizer::new);
    population::pseudonymize(&mut population, pseudonymizer.as_ref(), entity_field);

    let spread = Spread::of(&population);
    let anomalies = anomalies::anomalies(
        &population,
        &spread,
        &config.rules,
        &statistics,
        entity_field,
    );
    let timeline = anomalies::timeline(&population, entity_field);
    let logs = rows::raw_rows(
        std::mem::take(&mut p.rows),
        config.logs,
        format,
        entity_field,
        pseudonymizer.as_ref(),
        &evidence::row_marks(&population),
    );

    let risk_level = overview::risk(&anomalies);
    let time_range = overview::time_range(span);
    let summary = text::summary(&text::SummaryInput {
        entity_field,
        events: p.accepted,
        entities: population.len() as u64,
        anomalies: &anomalies,
        risk: risk_level,
        rejected: p.rejected,
        allowlisted: allowlisted.allowlisted,
        allowlisted_hidden: allowlisted.hidden,
        start: &time_range.start,
        end: &time_range.end,
        statistics: &statistics,
    });
    let mut effective = config.clone();
    effective.entity = Some(entity_field);
    let listed = PopulationMode::applied(config.population, population.len() as u64);
    effective.population = Some(listed);

    Report {
        schema_version: SCHEMA_VERSION,
        filename: inputs.first().and_then(|i| i.name.clone()),
        format,
        entity_field,
        total_logs: p.accepted,
        entity_count: population.len() as u64,
        anomaly_count: anomalies.len() as u64,
        allowlisted_count: allowlisted.allowlisted,
        pseudonymized: pseudonymizer.is_some(),
        risk_level,
        summary,
        detection_breakdown: overview::breakdown(&anomalies),
        activity: overview::activity(&p, span),
        time_range,
        peak_activity: overview::peak_activity(&p),
        timeline,
        anomalies,
        entities: population::entity_reports(population, entity_field, listed),
        population_medians: FeatureValues::from_array(spread.median),
        population_ranges: FeatureRanges::from_array(spread.ranges),
        events_by_hour: p.per_hour.to_vec(),
        statistics,
        lines: overview::line_counts(&p, out_of_order),
        rejected_lines: p.rejected,
        rejection_counts: overview::rejection_counts(&p),
        parse_errors: overview::parse_errors(p, &inputs, pseudonymizer.as_ref()),
        inputs,
        config: effective,
        logs,
    }
}
