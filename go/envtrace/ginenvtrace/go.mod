module github.com/envtrace/envtrace/go/envtrace/ginenvtrace

go 1.19

require (
	github.com/envtrace/envtrace/go/envtrace v0.0.0
	github.com/gin-gonic/gin v1.8.1
)

replace github.com/envtrace/envtrace/go/envtrace => ../
