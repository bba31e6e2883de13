module github.com/envtrace/envtrace/go/envtrace/otelenvtrace

go 1.19

require (
	github.com/envtrace/envtrace/go/envtrace v0.0.0
	go.opentelemetry.io/otel v1.1.0
	go.opentelemetry.io/otel/sdk v1.1.0
	go.opentelemetry.io/otel/trace v1.1.0
)

replace github.com/envtrace/envtrace/go/envtrace => ../
