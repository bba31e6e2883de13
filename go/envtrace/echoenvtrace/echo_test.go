package echoenvtrace

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

	envtrace "github.com/envtrace/envtrace/go/envtrace"
	"github.com/labstack/echo/v4"
)

func TestEchoOnLoopback(t *testing.T) {
	envtrace.Init(envtrace.Options{Logf: func(string, ...any) {}})
	e := echo.New()
	e.Use(Middleware())
	e.GET("/", func(c echo.Context) error {
		st, ok := FromContext(c)
		st2, ok2 := envtrace.FromContext(c.Request().Context())
		if !ok || !ok2 || st != st2 {
			t.Error("state missing")
		}
		return c.JSON(200, st)
	})
	srv := httptest.NewServer(e)
	defer srv.Close()
	get := func() envtrace.RequestEnv {
		res, err := http.Get(srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var st envtrace.RequestEnv
		json.NewDecoder(res.Body).Decode(&st)
		return st
	}
	a := get()
	envtrace.Setenv("ECHO_CHANGED", "1")
	defer os.Unsetenv("ECHO_CHANGED")
	b, c := get(), get()
	id := envtrace.Snapshot().ID
	if a != (envtrace.RequestEnv{SnapshotID: id}) || b != (envtrace.RequestEnv{id, true, true}) || c != (envtrace.RequestEnv{id, true, false}) {
		t.Fatalf("%+v %+v %+v", a, b, c)
	}
}
