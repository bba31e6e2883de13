/**
 * Prometheus metrics of the webhook (`GET /metrics` on its HTTPS port), from `prom-client`: requests by
 * decision, review latency, verdicts by rule and action, bodies refused, certificate reloads and the
 * serving certificate's expiry (alert on it before the API server's calls start failing). Labels are
 * decisions and rule ids only: bounded, and never a name or a value from a request.
 */
import { X509Certificate } from "node:crypto";
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { ReviewOutcome } from "./admission.js";

export class WebhookMetrics {
  readonly registry = new Registry();
  private readonly requests = new Counter({
    name: "envtrace_webhook_requests_total",
    help: "AdmissionReviews answered, by decision (allow, warn, deny, skip, error) and dry run",
    labelNames: ["decision", "dry_run"],
    registers: [this.registry],
  });
  private readonly duration = new Histogram({
    name: "envtrace_webhook_review_duration_seconds",
    help: "Time from the last byte of a request to its answer",
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [this.registry],
  });
  private readonly verdicts = new Counter({
    name: "envtrace_webhook_verdicts_total",
    help: "Findings that denied or warned, by rule id and action",
    labelNames: ["rule", "action"],
    registers: [this.registry],
  });
  readonly refused = new Counter({
    name: "envtrace_webhook_refused_total",
    help: "Requests refused before evaluation, by reason (too_large)",
    labelNames: ["reason"],
    registers: [this.registry],
  });
  readonly reloads = new Counter({
    name: "envtrace_webhook_certificate_reloads_total",
    help: "Certificate reloads after a change of the files, by result (ok, failed)",
    labelNames: ["result"],
    registers: [this.registry],
  });
  private readonly expiry = new Gauge({
    name: "envtrace_webhook_certificate_expiry_timestamp_seconds",
    help: "notAfter of the serving certificate, in seconds since the epoch",
    registers: [this.registry],
  });

  observe(
    o: ReviewOutcome,
    seconds: number,
    verdicts: ReadonlyArray<{ id: string; action: string }> = [],
  ): void {
    this.requests.inc({ decision: o.decision, dry_run: String(o.dryRun) });
    this.duration.observe(seconds);
    for (const v of verdicts) this.verdicts.inc({ rule: v.id, action: v.action });
  }

  certificate(pem: Buffer): void {
    try {
      this.expiry.set(Date.parse(new X509Certificate(pem).validTo) / 1000);
    } catch {
      /* not a certificate we can read: the TLS layer says so */
    }
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
}
