package envtrace

import (
	"context"
	"net/http"
	"sort"
	"sync"
	"time"
)

// RequestEnv is what middleware attaches to each request.
type RequestEnv struct {
	// SnapshotID names the sealed snapshot the request was served under.
	SnapshotID string
	// Drift is true when the environment differs from that snapshot now.
	Drift bool
	// FirstAfterChange is true for the first request served after the environment changed (and drifted).
	FirstAfterChange bool
}

// Span attribute names used by the OpenTelemetry adapter.
const (
	AttrSnapshot = "envtrace.snapshot.id"
	AttrDrift    = "envtrace.env.drift"
)

type ctxKey struct{}

// FromContext returns the RequestEnv middleware stored in ctx.
func FromContext(ctx context.Context) (RequestEnv, bool) {
	e, ok := ctx.Value(ctxKey{}).(RequestEnv)
	return e, ok
}

// WithRequestEnv stores e in ctx (adapters use it).
func WithRequestEnv(ctx context.Context, e RequestEnv) context.Context {
	return context.WithValue(ctx, ctxKey{}, e)
}

var (
	hooksMu sync.RWMutex
	hooks   []func(context.Context, RequestEnv)
)

// AddRequestHook registers a function run for every request (the OpenTelemetry adapter puts the state on
// the active span this way, so the core imports no tracing library).
func AddRequestHook(h func(context.Context, RequestEnv)) {
	hooksMu.Lock()
	hooks = append(hooks, h)
	hooksMu.Unlock()
}

// Request computes the per-request state. When nothing was written since the last request this is two
// atomic loads and a clock read; every Recheck it re-diffs the environment (os.Setenv past the wrappers).
func Request(ctx context.Context) RequestEnv {
	s := get()
	v := s.version.Load()
	now := time.Now().UnixNano()
	if v != s.seen.Load() || now-s.lastCheck.Load() >= int64(s.opts.Recheck) {
		s.seen.Store(v)
		s.lastCheck.Store(now)
		s.observe()
		s.drift.Store(len(Drift()) > 0)
	}
	s.mu.Lock()
	id := s.history[len(s.history)-1].ID
	s.mu.Unlock()
	e := RequestEnv{SnapshotID: id, Drift: s.drift.Load()}
	if g := s.generation.Load(); g != s.served.Load() {
		if s.served.Swap(g) != g && e.Drift {
			e.FirstAfterChange = true
			keys := make([]string, 0)
			for k := range Drift() {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			s.emit("runtime-drift-served", map[string]any{"snapshot": id, "changedKeys": keys})
		}
	}
	hooksMu.RLock()
	for _, h := range hooks {
		h(ctx, e)
	}
	hooksMu.RUnlock()
	return e
}

// Middleware is net/http middleware: the request's context carries its RequestEnv (FromContext).
func Middleware(next http.Handler) http.Handler {
	get()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e := Request(r.Context())
		next.ServeHTTP(w, r.WithContext(WithRequestEnv(r.Context(), e)))
	})
}
