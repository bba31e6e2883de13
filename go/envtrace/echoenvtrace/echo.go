// Package echoenvtrace is the Echo (v4) adapter of envtrace: e.Use(echoenvtrace.Middleware()).
package echoenvtrace

import (
	envtrace "github.com/envtrace/envtrace/go/envtrace"
	"github.com/labstack/echo/v4"
)

// Key is the echo.Context key holding the request's envtrace.RequestEnv.
const Key = "envtrace"

// Middleware stores the request's envtrace.RequestEnv in the echo.Context (Key) and the request context.
func Middleware() echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			req := c.Request()
			e := envtrace.Request(req.Context())
			c.Set(Key, e)
			c.SetRequest(req.WithContext(envtrace.WithRequestEnv(req.Context(), e)))
			return next(c)
		}
	}
}

// FromContext returns the RequestEnv Middleware stored.
func FromContext(c echo.Context) (envtrace.RequestEnv, bool) {
	e, ok := c.Get(Key).(envtrace.RequestEnv)
	return e, ok
}
