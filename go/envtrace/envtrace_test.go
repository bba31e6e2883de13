package envtrace

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
)

type memSink struct {
	mu     sync.Mutex
	events []Event
}

func (m *memSink) Emit(e Event) { m.mu.Lock(); m.events = append(m.events, e); m.mu.Unlock() }
func (m *memSink) types() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	var t []string
	for _, e := range m.events {
		t = append(t, e.Type)
	}
	return t
}

// reset forgets the runtime so that each test starts with its own Init.
func reset(t testing.TB, o Options) {
	t.Helper()
	cur.Store(nil)
	logOnce = sync.Once{}
	if o.Logf == nil {
		o.Logf = func(string, ...any) {}
	}
	if err := Init(o); err != nil {
		t.Fatal(err)
	}
}

func line() int { _, _, l, _ := runtime.Caller(1); return l }

func TestSetenvRecordsCallSite(t *testing.T) {
	sink := &memSink{}
	t.Setenv("ET_PRE", "x") // before Init: pre-init
	reset(t, Options{Sink: sink, Bin: "/nonexistent/envtrace"})
	_, file, _, _ := runtime.Caller(0)
	l := line() + 1
	if err := Setenv("ET_SET", "v1"); err != nil {
		t.Fatal(err)
	}
	defer os.Unsetenv("ET_SET")
	s := SourceOf("ET_SET")
	if s.Kind != "runtime" || s.File != file || s.Line != l || s.Confidence != "certain" || s.Mechanism != "envtrace.Setenv" {
		t.Fatalf("got %+v, want runtime at %s:%d", s, file, l)
	}
	if pre := SourceOf("ET_PRE"); pre.Kind != "runtime" || pre.Confidence != "likely" || pre.File != "" {
		t.Fatalf("pre-init: %+v", pre)
	}
	os.Setenv("ET_DIRECT", "past-the-wrapper")
	defer os.Unsetenv("ET_DIRECT")
	if d := SourceOf("ET_DIRECT"); d.Kind != "runtime" || d.Confidence != "possible" || d.File != "" {
		t.Fatalf("direct os.Setenv: %+v", d)
	}
	if err := Unsetenv("ET_SET"); err != nil {
		t.Fatal(err)
	}
	if u := SourceOf("ET_SET"); u.Kind != "unset" {
		t.Fatalf("after Unsetenv: %+v", u)
	}
	ch := Changes("ET_SET")
	if len(ch) != 2 || ch[0].Op != "set" || ch[1].Op != "delete" || ch[1].Line == 0 {
		t.Fatalf("changes: %+v", ch)
	}
	got := strings.Join(sink.types(), ",")
	if !strings.HasPrefix(got, "runtime-init,runtime-env-set") || !strings.Contains(got, "runtime-env-delete") {
		t.Fatalf("events: %s", got)
	}
	for _, e := range sink.events {
		for _, v := range e.Payload {
			if s, ok := v.(string); ok && s == "v1" {
				t.Fatalf("an event carries a value: %+v", e)
			}
		}
	}
}

func TestUnknownWithoutEngineSaysWhyOnce(t *testing.T) {
	t.Setenv("ENVTRACE_BIN", "")
	t.Setenv("ENVTRACE_REPORT", "")
	t.Setenv("PATH", t.TempDir())
	var said []string
	cur.Store(nil)
	logOnce = sync.Once{}
	_ = Init(Options{Logf: func(f string, a ...any) { said = append(said, f) }})
	for _, k := range []string{"HOME", "PATH", "HOME"} {
		if s := SourceOf(k); k == "HOME" && s.Kind != "unknown" {
			t.Fatalf("%s: %+v", k, s)
		}
	}
	if len(said) != 1 || Reason() == "" {
		t.Fatalf("said %d times, reason %q", len(said), Reason())
	}
}

func TestReportV1AndV2(t *testing.T) {
	dir := t.TempDir()
	v2 := `{"schemaVersion":2,"subjects":[{"details":{"pid":` + strconv.Itoa(os.Getpid()) + `},"variables":[{"key":"HOME","source":{"kind":"shell","mechanism":"bash","file":"/h/.profile","line":4,"confidence":"certain","actor":{"pid":9,"comm":"bash"},"time":{"at":"2024-01-02T03:04:05Z","what":"process-start"},"evidence":["e"]}}]}]}`
	v1 := `{"variables":[{"key":"HOME","source":{"kind":"pam-env","file":"/etc/environment","line":2,"confidence":"likely","evidence":[]}}]}`
	for _, c := range []struct {
		doc, kind string
		line      int
	}{{v2, "shell", 4}, {v1, "pam-env", 2}} {
		f := filepath.Join(dir, "r.json")
		os.WriteFile(f, []byte(c.doc), 0o600)
		reset(t, Options{Report: f})
		s := SourceOf("HOME")
		if s.Kind != c.kind || s.Line != c.line {
			t.Fatalf("got %+v", s)
		}
		if c.kind == "shell" && (s.PID != 9 || s.Actor != "bash" || s.Time.Year() != 2024) {
			t.Fatalf("actor/time: %+v", s)
		}
	}
	if _, err := ParseReport([]byte(`{"subjects":[]}`), 1); err == nil {
		t.Fatal("empty report accepted")
	}
}

func TestDotenvPreInit(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, ".env"), []byte("# c\nexport ET_DOT=\"from file\"\n"), 0o600)
	wd, _ := os.Getwd()
	os.Chdir(dir)
	defer os.Chdir(wd)
	t.Setenv("ET_DOT", "from file")
	reset(t, Options{Bin: "/nonexistent"})
	s := SourceOf("ET_DOT")
	if s.Kind != "dotenv" || s.File != filepath.Join(dir, ".env") || s.Line != 2 {
		t.Fatalf("got %+v", s)
	}
}

func TestSnapshotSealAndDrift(t *testing.T) {
	reset(t, Options{})
	s0 := Snapshot()
	if !Verify(s0) || s0.Prev != "" || !strings.HasPrefix(s0.ID, "sha256:") {
		t.Fatalf("snapshot %+v", s0.ID)
	}
	edited := s0
	edited.Label = "other"
	if Verify(edited) {
		t.Fatal("edited snapshot verified")
	}
	s0.Vars[0].Digest = "x" // a copy: the sealed one stays
	if !Verify(Snapshot()) {
		t.Fatal("the package's snapshot changed through a copy")
	}
	Setenv("ET_DRIFT", "1")
	defer os.Unsetenv("ET_DRIFT")
	if d := Drift(); d["ET_DRIFT"] != "added" || len(d) != 1 {
		t.Fatalf("drift %v", d)
	}
	if Snapshot().ID != s0.ID {
		t.Fatal("history rewritten")
	}
	if v, ok := ExecValue("ET_DRIFT"); ok || v != "" {
		t.Fatalf("ExecValue of a variable set after exec: %q", v)
	}
	if v, ok := ExecValue("PATH"); !ok || v == "" {
		t.Fatal("ExecValue(PATH) missing")
	}
	s1 := Seal("config")
	if s1.Prev != s0.Hash || !Verify(s1) || len(Drift()) != 0 {
		t.Fatalf("seal %+v", s1.ID)
	}
}

func TestMiddlewareOnLoopback(t *testing.T) {
	sink := &memSink{}
	reset(t, Options{Sink: sink})
	var seen []RequestEnv
	var mu sync.Mutex
	srv := httptest.NewServer(Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e, ok := FromContext(r.Context())
		if !ok {
			t.Error("no RequestEnv in context")
		}
		mu.Lock()
		seen = append(seen, e)
		mu.Unlock()
		io.WriteString(w, e.SnapshotID)
	})))
	defer srv.Close()
	get := func() string {
		res, err := http.Get(srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		return string(b)
	}
	id := get()
	Setenv("ET_MW", "1")
	defer os.Unsetenv("ET_MW")
	get()
	get()
	if id != Snapshot().ID {
		t.Fatalf("id %s", id)
	}
	want := []RequestEnv{{id, false, false}, {id, true, true}, {id, true, false}}
	for i, w := range want {
		if seen[i] != w {
			t.Fatalf("request %d: %+v, want %+v", i, seen[i], w)
		}
	}
	n := 0
	for _, ty := range sink.types() {
		if ty == "runtime-drift-served" {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("drift-served events: %d", n)
	}
}

func BenchmarkInit(b *testing.B) {
	for i := 0; i < b.N; i++ {
		cur.Store(nil)
		_ = Init(Options{Logf: func(string, ...any) {}})
	}
}

func BenchmarkSourceOfAfterFirst(b *testing.B) {
	reset(b, Options{Bin: "/nonexistent"})
	SourceOf("HOME")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		SourceOf("HOME")
	}
}

func benchServe(b *testing.B, h http.Handler) {
	req := httptest.NewRequest("GET", "/", nil)
	w := httptest.NewRecorder()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		h.ServeHTTP(w, req)
	}
}

var okHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(204) })

func BenchmarkHandlerBare(b *testing.B) { benchServe(b, okHandler) }
func BenchmarkHandlerMiddleware(b *testing.B) {
	reset(b, Options{})
	benchServe(b, Middleware(okHandler))
}
