//! Prometheus metrics, one registry per service instance (so several
//! services in one test process do not share counters).

use prometheus::{
    Encoder, GaugeVec, Histogram, HistogramOpts, IntCounter, IntCounterVec, IntGaugeVec, Opts, Registry, TextEncoder,
};

/// The service's series (names are part of the API; see `docs/http-api.md`).
#[derive(Clone)]
pub struct Metrics {
    registry: Registry,
    /// `tailor_decisions_total{env}`: decisions answered.
    pub decisions: IntCounterVec,
    /// `tailor_decide_errors_total{code}`: decide requests refused.
    pub decide_errors: IntCounterVec,
    /// `tailor_decide_latency_seconds`: time to decide (body parsed to JSON written).
    pub decide_latency: Histogram,
    /// `tailor_bundle_rejects_total{reason}`: uploads refused, by error code.
    pub bundle_rejects: IntCounterVec,
    /// `tailor_bundle_activations_total{env}`: bundles swapped in by an upload.
    pub bundle_activations: IntCounterVec,
    /// `tailor_active_bundle_version{env}`.
    pub active_version: IntGaugeVec,
    /// `tailor_decision_log_dropped_total`: log lines dropped because the writer was behind.
    pub log_dropped: IntCounter,
    /// `tailor_decision_log_write_errors_total`.
    pub log_write_errors: IntCounter,
    /// `tailor_follow_source_up{env}`: 1 when the follower's last poll reached its source.
    pub follow_source_up: IntGaugeVec,
    /// `tailor_follow_seconds_since_success{env}`: time since the source last answered a poll.
    pub follow_since_success: GaugeVec,
    /// `tailor_ofrep_requests_total{endpoint, outcome}`: OFREP evaluations
    /// (`single`/`bulk`) by outcome (`ok`, `not_modified` or the error code).
    pub ofrep_requests: IntCounterVec,
    /// `tailor_outcomes_total{outcome}`: outcome lines accepted or refused.
    pub outcomes: IntCounterVec,
}

impl Metrics {
    pub fn new() -> Result<Self, prometheus::Error> {
        let registry = Registry::new();
        let decisions =
            IntCounterVec::new(Opts::new("tailor_decisions_total", "Decisions answered, by environment"), &["env"])?;
        let decide_errors = IntCounterVec::new(
            Opts::new("tailor_decide_errors_total", "Decide requests refused, by error code"),
            &["code"],
        )?;
        let decide_latency = Histogram::with_opts(
            HistogramOpts::new("tailor_decide_latency_seconds", "Time to decide one page, in seconds").buckets(vec![
                0.000_025, 0.000_05, 0.000_1, 0.000_25, 0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                1.0,
            ]),
        )?;
        let bundle_rejects = IntCounterVec::new(
            Opts::new("tailor_bundle_rejects_total", "Bundle uploads refused, by reason (error code)"),
            &["reason"],
        )?;
        let bundle_activations = IntCounterVec::new(
            Opts::new("tailor_bundle_activations_total", "Bundles activated by an upload, by environment"),
            &["env"],
        )?;
        let active_version = IntGaugeVec::new(
            Opts::new("tailor_active_bundle_version", "Version of the active bundle, by environment"),
            &["env"],
        )?;
        let log_dropped = IntCounter::new(
            "tailor_decision_log_dropped_total",
            "Decision log lines dropped because the log writer was behind",
        )?;
        let log_write_errors =
            IntCounter::new("tailor_decision_log_write_errors_total", "Decision log write or rotation failures")?;
        let follow_source_up = IntGaugeVec::new(
            Opts::new("tailor_follow_source_up", "Whether the follower's last poll reached its source, by environment"),
            &["env"],
        )?;
        let follow_since_success = GaugeVec::new(
            Opts::new("tailor_follow_seconds_since_success", "Seconds since the source last answered a poll, by environment"),
            &["env"],
        )?;
        registry.register(Box::new(follow_source_up.clone()))?;
        registry.register(Box::new(follow_since_success.clone()))?;
        registry.register(Box::new(decisions.clone()))?;
        registry.register(Box::new(decide_errors.clone()))?;
        registry.register(Box::new(decide_latency.clone()))?;
        registry.register(Box::new(bundle_rejects.clone()))?;
        registry.register(Box::new(bundle_activations.clone()))?;
        registry.register(Box::new(active_version.clone()))?;
        registry.register(Box::new(log_dropped.clone()))?;
        registry.register(Box::new(log_write_errors.clone()))?;
        let ofrep_requests = IntCounterVec::new(
            Opts::new("tailor_ofrep_requests_total", "OFREP evaluation requests, by endpoint and outcome"),
            &["endpoint", "outcome"],
        )?;
        registry.register(Box::new(ofrep_requests.clone()))?;
        let outcomes =
            IntCounterVec::new(Opts::new("tailor_outcomes_total", "Outcome lines accepted or refused"), &["outcome"])?;
        registry.register(Box::new(outcomes.clone()))?;
        Ok(Self {
            registry,
            decisions,
            decide_errors,
            decide_latency,
            bundle_rejects,
            bundle_activations,
            active_version,
            log_dropped,
            log_write_errors,
            follow_source_up,
            follow_since_success,
            ofrep_requests,
            outcomes,
        })
    }

    /// The Prometheus text exposition of every series.
    pub fn render(&self) -> String {
        let mut out = Vec::new();
        // Encoding into a Vec cannot fail for the text format.
        let _ = TextEncoder::new().encode(&self.registry.gather(), &mut out);
        String::from_utf8(out).unwrap_or_default()
    }
}
