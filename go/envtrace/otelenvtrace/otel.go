// Package otelenvtrace puts envtrace's per-request state on the active OpenTelemetry span: call Install
// once; every envtrace middleware (net/http, Gin, Echo) then sets envtrace.snapshot.id and envtrace.env.drift
// on the span in the request context (a no-op when the span is not recording).
package otelenvtrace

import (
	"context"
	"sync"

	envtrace "github.com/envtrace/envtrace/go/envtrace"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"
)

var once sync.Once

// Install registers the span hook (idempotent).
func Install() {
	once.Do(func() {
		envtrace.AddRequestHook(func(ctx context.Context, e envtrace.RequestEnv) {
			span := trace.SpanFromContext(ctx)
			if !span.IsRecording() {
				return
			}
			span.SetAttributes(attribute.String(envtrace.AttrSnapshot, e.SnapshotID), attribute.Bool(envtrace.AttrDrift, e.Drift))
		})
	})
}
