//! Prometheus metrics, served at `/metrics` on the HTTP port.

use std::time::Instant;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    transport: &'static str,
    method: &'static str,
    code: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct MethodLabels {
    transport: &'static str,
    method: &'static str,
}

/// The node's metrics.
pub(crate) struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<MethodLabels, Histogram>,
    pub(crate) active_subscriptions: Gauge,
    pub(crate) stored_envelopes: Gauge,
    pub(crate) published_envelopes: Counter,
    pub(crate) slow_subscribers_closed: Counter,
    pub(crate) expired_envelopes_deleted: Counter,
}

pub(crate) fn latency_histogram() -> Histogram {
    Histogram::new([
        0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0, 10.0,
    ])
}

impl Metrics {
    #[cfg(test)]
    pub(crate) fn new() -> Self {
        Self::with_more(|_| {})
    }

    /// The node's metrics and those `more` registers (a component's own, e.g. the Waku peer's).
    pub(crate) fn with_more(more: impl FnOnce(&mut Registry)) -> Self {
        let mut registry = Registry::with_prefix("xmtp_node");
        let requests = Family::<RequestLabels, Counter>::default();
        let latency = Family::<MethodLabels, Histogram>::new_with_constructor(
            latency_histogram as fn() -> Histogram,
        );
        let active_subscriptions = Gauge::default();
        let stored_envelopes = Gauge::default();
        let published_envelopes = Counter::default();
        let slow_subscribers_closed = Counter::default();
        let expired_envelopes_deleted = Counter::default();
        registry.register(
            "api_requests",
            "API calls by transport, method and gRPC status code",
            requests.clone(),
        );
        registry.register(
            "api_request_duration_seconds",
            "API call latency (unary calls; stream set-up for streams)",
            latency.clone(),
        );
        registry.register(
            "active_subscriptions",
            "Live Subscribe/Subscribe2/SubscribeAll streams",
            active_subscriptions.clone(),
        );
        registry.register(
            "stored_envelopes",
            "Envelopes in the store (polled)",
            stored_envelopes.clone(),
        );
        registry.register(
            "published_envelopes",
            "Envelopes accepted by Publish (stored or ephemeral)",
            published_envelopes.clone(),
        );
        registry.register(
            "slow_subscribers_closed",
            "Subscriptions closed because their queue filled",
            slow_subscribers_closed.clone(),
        );
        registry.register(
            "expired_envelopes_deleted",
            "Envelopes deleted by retention",
            expired_envelopes_deleted.clone(),
        );
        more(&mut registry);
        Self {
            registry,
            requests,
            latency,
            active_subscriptions,
            stored_envelopes,
            published_envelopes,
            slow_subscribers_closed,
            expired_envelopes_deleted,
        }
    }

    /// Records one finished call.
    pub(crate) fn observe(
        &self,
        transport: &'static str,
        method: &'static str,
        code: tonic::Code,
        started: Instant,
    ) {
        self.requests
            .get_or_create(&RequestLabels {
                transport,
                method,
                code: code_name(code),
            })
            .inc();
        self.latency
            .get_or_create(&MethodLabels { transport, method })
            .observe(started.elapsed().as_secs_f64());
    }

    /// The OpenMetrics text exposition.
    pub(crate) fn encode(&self) -> String {
        let mut out = String::new();
        if prometheus_client::encoding::text::encode(&mut out, &self.registry).is_err() {
            out.clear();
        }
        out
    }
}

/// The canonical upper-snake name of a gRPC status code.
pub(crate) fn code_name(code: tonic::Code) -> &'static str {
    use tonic::Code::*;
    match code {
        Ok => "OK",
        Cancelled => "CANCELLED",
        Unknown => "UNKNOWN",
        InvalidArgument => "INVALID_ARGUMENT",
        DeadlineExceeded => "DEADLINE_EXCEEDED",
        NotFound => "NOT_FOUND",
        AlreadyExists => "ALREADY_EXISTS",
        PermissionDenied => "PERMISSION_DENIED",
        ResourceExhausted => "RESOURCE_EXHAUSTED",
        FailedPrecondition => "FAILED_PRECONDITION",
        Aborted => "ABORTED",
        OutOfRange => "OUT_OF_RANGE",
        Unimplemented => "UNIMPLEMENTED",
        Internal => "INTERNAL",
        Unavailable => "UNAVAILABLE",
        DataLoss => "DATA_LOSS",
        Unauthenticated => "UNAUTHENTICATED",
    }
}
