//! The population stages: score each entity's features and rules, run the
//! forest over all of them, judge severity (allowlist included), and
//! replace identifiers by pseudonyms.

use rustc_hash::FxHashMap;

use crate::allowlist::Allowlist;
use crate::config::{EntityField, ForestConfig, PopulationMode, RuleThresholds};
use crate::error::Error;
use crate::features::{EntityAccumulator, Features, Times};
use crate::forest::{self, PopulationScores, Row, RowKey};
use crate::partial::Partial;
use crate::privacy::{self, Pseudonymizer};
use crate::report::{EntityReport, Statistics, StatisticsStatus};
use crate::scoring::{self, Rule, Severity};
use crate::time::{format_rfc3339, Nanos};
use crate::vocab::entity_noun;

/// Everything known about one entity before it is written out.
pub(crate) struct Assessment {
    pub entity: String,
    pub features: Features,
    pub peak_start: Nanos,
    pub first_seen: Nanos,
    pub last_seen: Nanos,
    pub events: u64,
    pub rules: Vec<Rule>,
    pub score: Option<f64>,
    /// Per feature, its signed TreeSHAP contribution to `score` (score
    /// units); only for entities the rules or the forest flag.
    pub attribution: Option<[f64; 5]>,
    pub outlier: bool,
    pub allowlisted: bool,
    pub severity: Option<Severity>,
    pub confidence: f64,
    /// What the evidence of an anomaly is drawn from (per-host tallies,
    /// hour counters, largest events; the times are dropped). Emptied for
    /// entities that are not flagged once they are judged.
    pub detail: Option<Box<EntityAccumulator>>,
}

impl Assessment {
    /// What the evidence is drawn from; empty once an entity that is not
    /// flagged was judged.
    pub fn detail(&self) -> &EntityAccumulator {
        static EMPTY: std::sync::OnceLock<EntityAccumulator> = std::sync::OnceLock::new();
        match &self.detail {
            Some(d) => d,
            None => EMPTY.get_or_init(EntityAccumulator::default),
        }
    }
}

/// Stage 1: each entity's features and fired rules, sorted by entity value
/// (a fixed order, never hash order: the forest's sample depends on it).
/// Fails when bounded mode lost some entity's times (the analyzer checks
/// that first and names them).
pub(crate) fn score_entities(
    p: &mut Partial,
    rules: &RuleThresholds,
) -> Result<Vec<Assessment>, Error> {
    // Sorted by name, compared first by their first 16 bytes as one number
    // (an IP address or a short user name is decided there) and only then
    // in full: a million names compared through `memcmp` took a tenth of
    // the run.
    let mut accs: Vec<_> = std::mem::take(&mut p.entities)
        .into_iter()
        .map(|(name, acc)| (name_prefix(&name), name, acc))
        .collect();
    accs.sort_unstable_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
    accs.into_iter()
        .map(|(_, name, mut acc)| {
            let (features, peak_start) = acc.features().ok_or(Error::OutOfOrder { entities: 1 })?;
            let rules = scoring::fired_rules(&features, acc.events, rules);
            acc.times = Times::default();
            Ok(Assessment {
                entity: name.into_string(),
                features,
                peak_start,
                first_seen: acc.first_seen,
                last_seen: acc.last_seen,
                events: acc.events,
                rules,
                score: None,
                attribution: None,
                outlier: false,
                allowlisted: false,
                severity: None,
                confidence: 0.0,
                detail: Some(acc),
            })
        })
        .collect()
}

/// The first 16 bytes of `name`, zero-padded, big-endian: ordered as the
/// names are, up to ties that the full comparison breaks.
fn name_prefix(name: &str) -> u128 {
    let mut b = [0u8; 16];
    let n = name.len().min(16);
    b[..n].copy_from_slice(&name.as_bytes()[..n]);
    u128::from_be_bytes(b)
}

/// Stage 2: the Isolation Forest over the population (see
/// [`forest::score_population`]); records each entity's score and outlier
/// flag, explains the score of every entity a rule or the forest flags
/// (only those: the rest need no attribution), and returns the report's
/// `statistics`.
pub(crate) fn run_forest(
    population: &mut [Assessment],
    fc: &ForestConfig,
    entity_field: EntityField,
) -> Statistics {
    let rows: Vec<Row> = population
        .iter()
        .map(|s| s.features.vector().map(|x| x as f32))
        .collect();
    let n = rows.len();
    let mut statistics = Statistics {
        status: StatisticsStatus::Skipped,
        reason: None,
        method: "isolation_forest".into(),
        trees: fc.trees,
        sample_size: fc.sample_size.min(n),
        seed: fc.seed,
        contamination: fc.contamination,
        score_threshold: fc.score_threshold,
        contamination_threshold: None,
        outliers: 0,
    };
    let noun = entity_noun(entity_field, n as u64);
    match forest::score_population(&rows, fc) {
        PopulationScores::TooFew => {
            statistics.reason = Some(format!(
                "only {n} {noun}; the isolation forest needs at least {}",
                fc.min_entities
            ));
        }
        PopulationScores::Identical => {
            statistics.reason = Some(format!(
                "all {n} {noun} have identical features; there is nothing to isolate"
            ));
        }
        PopulationScores::Ran {
            scores,
            outliers,
            contamination_threshold,
            forest,
        } => {
            // Attribution depends on the row's bits alone: flagged entities
            // with equal rows share one TreeSHAP computation.
            let mut memo: FxHashMap<RowKey, [f64; 5]> = FxHashMap::default();
            for (((s, row), score), outlier) in
                population.iter_mut().zip(&rows).zip(scores).zip(outliers)
            {
                s.score = Some(score);
                s.outlier = outlier;
                if outlier || !s.rules.is_empty() {
                    let contributions = *memo
                        .entry(forest::row_key(row))
                        .or_insert_with(|| forest.attribution(row).score);
                    s.attribution = Some(contributions);
                }
            }
            statistics.status = StatisticsStatus::Ran;
            statistics.sample_size = forest.sample_size();
            statistics.contamination_threshold = Some(contamination_threshold);
            statistics.outliers = population.iter().filter(|s| s.outlier).count() as u64;
        }
    }
    statistics
}

/// How the allowlist changed the verdicts.
pub(crate) struct AllowlistEffect {
    /// Entities the allowlist matched.
    pub allowlisted: u64,
    /// Of those, the ones rules or statistics would have flagged.
    pub hidden: u64,
}

/// Stage 3: severity and confidence of each entity; allowlisted entities
/// keep their rules and score but are never flagged.
pub(crate) fn judge(
    population: &mut [Assessment],
    allowlist: &Allowlist,
    fc: &ForestConfig,
) -> AllowlistEffect {
    for s in population.iter_mut() {
        s.allowlisted = !allowlist.is_empty() && allowlist.contains(&s.entity);
        s.severity = scoring::severity(
            &s.rules,
            s.outlier.then_some(s.score.unwrap_or(0.0)),
            fc.high_score_threshold,
        )
        .filter(|_| !s.allowlisted);
        s.confidence = scoring::confidence(s.rules.len(), s.score);
        if s.severity.is_none() {
            s.detail = None;
        }
    }
    AllowlistEffect {
        allowlisted: population.iter().filter(|s| s.allowlisted).count() as u64,
        hidden: population
            .iter()
            .filter(|s| s.allowlisted && (!s.rules.is_empty() || s.outlier))
            .count() as u64,
    }
}

/// Stage 4: entity values become pseudonyms before any text is written;
/// the population is re-sorted by its new names.
pub(crate) fn pseudonymize(
    population: &mut [Assessment],
    pseudonymizer: Option<&Pseudonymizer>,
    entity_field: EntityField,
) {
    let Some(p) = pseudonymizer else { return };
    let kind = privacy::entity_kind(entity_field);
    for s in population.iter_mut() {
        s.entity = p.pseudonym(kind, &s.entity);
    }
    population.sort_by(|a, b| a.entity.cmp(&b.entity));
}

/// The report's `clientip` of an entity: its value when grouping by IP.
pub(crate) fn clientip_of(entity: &str, entity_field: EntityField) -> Option<String> {
    (entity_field == EntityField::Clientip).then(|| entity.to_string())
}

/// The report's `entities`: the whole population, in its final order.
/// The `entities` list: every entity, the anomalous ones, or none.
/// The report's `entities`: the assessments listed, each dropped (its
/// accumulator with it) as its entry is made, so a million of both are not
/// held at once.
pub(crate) fn entity_reports(
    population: Vec<Assessment>,
    entity_field: EntityField,
    listed: PopulationMode,
) -> Vec<EntityReport> {
    population
        .into_iter()
        .filter(|s| match listed {
            PopulationMode::All => true,
            PopulationMode::Anomalous => s.severity.is_some(),
            PopulationMode::None => false,
        })
        .map(|s| EntityReport {
            clientip: clientip_of(&s.entity, entity_field),
            entity: s.entity,
            request_count: s.events,
            features: s.features,
            isolation_score: s.score,
            is_outlier: s.outlier,
            triggered_rules: s.rules,
            allowlisted: s.allowlisted,
            severity: s.severity,
            confidence: s.confidence,
            first_seen: format_rfc3339(s.first_seen),
            last_seen: format_rfc3339(s.last_seen),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::name_prefix;
    use proptest::prelude::*;

    proptest! {
        /// Prefix first, then the whole name: the order of the names.
        #[test]
        fn prefix_then_name_is_name_order(mut names in prop::collection::vec(
            prop::string::string_regex("[a\\x00-\\x02é.0-9]{0,20}").unwrap(), 0..60)
        ) {
            let mut by_prefix = names.clone();
            by_prefix.sort_unstable_by(|a, b| {
                name_prefix(a).cmp(&name_prefix(b)).then_with(|| a.cmp(b))
            });
            names.sort_unstable();
            prop_assert_eq!(by_prefix, names);
        }
    }
}
