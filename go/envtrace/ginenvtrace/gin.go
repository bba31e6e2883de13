// Package ginenvtrace is the Gin adapter of envtrace: router.Use(ginenvtrace.Middleware()).
package ginenvtrace

import (
	envtrace "github.com/envtrace/envtrace/go/envtrace"
	"github.com/gin-gonic/gin"
)

// Key is the gin.Context key holding the request's envtrace.RequestEnv.
const Key = "envtrace"

// Middleware stores the request's envtrace.RequestEnv in the gin.Context (Key) and the request context.
func Middleware() gin.HandlerFunc {
	return func(c *gin.Context) {
		e := envtrace.Request(c.Request.Context())
		c.Set(Key, e)
		c.Request = c.Request.WithContext(envtrace.WithRequestEnv(c.Request.Context(), e))
		c.Next()
	}
}

// FromContext returns the RequestEnv Middleware stored.
func FromContext(c *gin.Context) (envtrace.RequestEnv, bool) {
	v, ok := c.Get(Key)
	if !ok {
		return envtrace.RequestEnv{}, false
	}
	e, ok := v.(envtrace.RequestEnv)
	return e, ok
}
