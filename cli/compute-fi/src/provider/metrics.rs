//! What the provider has done, in Prometheus' text format: jobs seen, served, failed;
//! latency of runs; tokens; earnings withdrawn.

use prometheus_client::{
    encoding::text::encode,
    metrics::{counter::Counter, histogram::Histogram},
    registry::Registry,
};

pub struct Metrics {
    registry: Registry,
    pub seen: Counter,
    pub served: Counter,
    pub failed: Counter,
    pub skipped: Counter,
    pub tokens: Counter,
    pub earnings_wei: Counter,
    pub latency: Histogram,
}

impl Metrics {
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("compute_fi_provider");
        let (seen, served, failed, skipped, tokens, earnings_wei) = Default::default();
        let latency = Histogram::new([0.1, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 300.0]);
        registry.register("jobs_seen", "Jobs addressed to this provider", Clone::clone(&seen));
        registry.register("jobs_served", "Jobs fulfilled on chain", Clone::clone(&served));
        registry.register("jobs_failed", "Jobs whose run failed", Clone::clone(&failed));
        registry.register(
            "jobs_skipped",
            "Jobs not taken (model, deadline, input)",
            Clone::clone(&skipped),
        );
        registry.register("tokens", "Units (tokens in and out) charged", Clone::clone(&tokens));
        registry.register(
            "earnings_wei",
            "Earnings withdrawn, in wei of the payment token",
            Clone::clone(&earnings_wei),
        );
        registry.register("run_seconds", "Time a backend took for a job", latency.clone());
        Self { registry, seen, served, failed, skipped, tokens, earnings_wei, latency }
    }

    pub fn render(&self) -> String {
        let mut out = String::new();
        if encode(&mut out, &self.registry).is_err() {
            out.clear();
        }
        out
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}
