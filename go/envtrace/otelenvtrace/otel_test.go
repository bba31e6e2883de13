package otelenvtrace

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

	envtrace "github.com/envtrace/envtrace/go/envtrace"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
)

func TestSpanAttributesOnLoopback(t *testing.T) {
	envtrace.Init(envtrace.Options{Logf: func(string, ...any) {}})
	Install()
	Install()
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	tracer := tp.Tracer("test")
	app := envtrace.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") }))
	// What otelhttp does: a span per request, in the request context.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, span := tracer.Start(r.Context(), r.Method)
		defer span.End()
		app.ServeHTTP(w, r.WithContext(ctx))
	}))
	defer srv.Close()
	get := func() {
		res, err := http.Get(srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
	}
	get()
	envtrace.Setenv("OTEL_CHANGED", "1")
	defer os.Unsetenv("OTEL_CHANGED")
	get()
	spans := rec.Ended()
	if len(spans) != 2 {
		t.Fatalf("%d spans", len(spans))
	}
	id := envtrace.Snapshot().ID
	for i, want := range []bool{false, true} {
		attrs := map[string]any{}
		for _, kv := range spans[i].Attributes() {
			attrs[string(kv.Key)] = kv.Value.AsInterface()
		}
		if attrs[envtrace.AttrSnapshot] != id || attrs[envtrace.AttrDrift] != want {
			t.Fatalf("span %d attributes %v", i, attrs)
		}
	}
}
