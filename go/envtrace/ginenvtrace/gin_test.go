package ginenvtrace

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

	envtrace "github.com/envtrace/envtrace/go/envtrace"
	"github.com/gin-gonic/gin"
)

func TestGinOnLoopback(t *testing.T) {
	gin.SetMode(gin.ReleaseMode)
	envtrace.Init(envtrace.Options{Logf: func(string, ...any) {}})
	r := gin.New()
	r.Use(Middleware())
	r.GET("/", func(c *gin.Context) {
		e, ok := FromContext(c)
		e2, ok2 := envtrace.FromContext(c.Request.Context())
		if !ok || !ok2 || e != e2 {
			t.Error("state missing")
		}
		c.JSON(200, e)
	})
	srv := httptest.NewServer(r)
	defer srv.Close()
	get := func() envtrace.RequestEnv {
		res, err := http.Get(srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var e envtrace.RequestEnv
		json.NewDecoder(res.Body).Decode(&e)
		return e
	}
	a := get()
	envtrace.Setenv("GIN_CHANGED", "1")
	defer os.Unsetenv("GIN_CHANGED")
	b, c := get(), get()
	id := envtrace.Snapshot().ID
	if a != (envtrace.RequestEnv{SnapshotID: id}) || b != (envtrace.RequestEnv{id, true, true}) || c != (envtrace.RequestEnv{id, true, false}) {
		t.Fatalf("%+v %+v %+v", a, b, c)
	}
}
