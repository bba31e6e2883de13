module github.com/envtrace/envtrace/go/envtrace

go 1.19
