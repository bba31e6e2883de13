module github.com/envtrace/envtrace/go/envtrace/echoenvtrace

go 1.19

require (
	github.com/envtrace/envtrace/go/envtrace v0.0.0
	github.com/labstack/echo/v4 v4.2.1
)

replace github.com/envtrace/envtrace/go/envtrace => ../
