/** Prometheus metrics on an own registry (no global state shared between apps in one process). */
import { Counter, collectDefaultMetrics, Histogram, Registry } from "prom-client";

export interface Metrics {
  readonly registry: Registry;
  readonly requests: Counter<"dialect" | "route" | "status">;
  readonly duration: Histogram<"dialect" | "route">;
  readonly rateLimitFallbacks: Counter;
}

export function createMetrics(options: { defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (options.defaultMetrics) collectDefaultMetrics({ register: registry, prefix: "kith_" });
  return {
    registry,
    requests: new Counter({
      name: "kith_http_requests_total",
      help: "HTTP requests answered, by dialect, route pattern and status code",
      labelNames: ["dialect", "route", "status"],
      registers: [registry],
    }),
    duration: new Histogram({
      name: "kith_http_request_duration_seconds",
      help: "Time to answer an HTTP request, by dialect and route pattern",
      labelNames: ["dialect", "route"],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    rateLimitFallbacks: new Counter({
      name: "kith_rate_limit_fallbacks_total",
      help: "Rate-limit decisions answered in-process because Redis failed",
      registers: [registry],
    }),
  };
}
