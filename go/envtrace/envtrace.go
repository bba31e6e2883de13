// Package envtrace tells, from inside a Go program, where each environment variable came from: the
// shell startup file and line, the systemd unit, the container image or Kubernetes object that set it
// before exec, or the call site in this program that changed it since.
//
// Call Init once, first thing in main. It reads /proc/self/environ (the environment at execve) and seals
// a snapshot; attributions of exec-time variables are asked from the envtrace engine lazily, on the first
// SourceOf: it runs `envtrace explain --pid <self> --format json` (the binary named by ENVTRACE_BIN, else
// envtrace on PATH) or reads the report file named by ENVTRACE_REPORT. Without either, SourceOf still
// answers (Kind "unknown") and says why once.
//
// Setenv and Unsetenv wrap os.Setenv/os.Unsetenv and record the caller's file:line and the time. The core
// package uses the standard library only; Gin, Echo and OpenTelemetry adapters live in sub-packages.
package envtrace

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"log"
	"os"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Source is where a variable's current value came from (the report schema's `source`, flattened).
type Source struct {
	Kind       string    `json:"kind"`
	Mechanism  string    `json:"mechanism,omitempty"`
	File       string    `json:"file,omitempty"`
	Line       int       `json:"line,omitempty"`
	Resource   string    `json:"resource,omitempty"`
	Actor      string    `json:"actor,omitempty"`
	PID        int       `json:"pid,omitempty"`
	Time       time.Time `json:"time,omitempty"`
	TimeWhat   string    `json:"timeWhat,omitempty"`
	Confidence string    `json:"confidence"`
	Evidence   []string  `json:"evidence,omitempty"`
}

// Change is one Setenv/Unsetenv after Init, or a difference an observation found (Via "observed").
type Change struct {
	Key  string    `json:"key"`
	Op   string    `json:"op"` // "set" | "delete"
	At   time.Time `json:"at"`
	Via  string    `json:"via"` // "wrapper" | "observed"
	File string    `json:"file,omitempty"`
	Line int       `json:"line,omitempty"`
	Func string    `json:"func,omitempty"`
}

// Var is one variable of a snapshot: a keyed digest of its value, never the value.
type Var struct {
	Key    string `json:"key"`
	Digest string `json:"digest"`
	Origin string `json:"origin"` // "exec" | "pre-init" | "post-init"
}

// EnvSnapshot is the environment at Init (or at a later Seal), sealed: Hash is SHA-256 over its canonical
// JSON without ID and Hash. It is returned by value; the package keeps its own copy.
type EnvSnapshot struct {
	ID      string    `json:"id"`
	Hash    string    `json:"hash"`
	Prev    string    `json:"prev"`
	PID     int       `json:"pid"`
	TakenAt time.Time `json:"takenAt"`
	Label   string    `json:"label"`
	Vars    []Var     `json:"vars"`
}

// Event is what an AuditSink receives. It never holds a variable's value.
type Event struct {
	Type    string         `json:"type"`
	Time    time.Time      `json:"time"`
	Payload map[string]any `json:"payload"`
}

// AuditSink receives runtime events; Emit must not block for long.
type AuditSink interface{ Emit(Event) }

// Options for Init.
type Options struct {
	// Sink receives events (set, unset, drift served, seal). Nil: none.
	Sink AuditSink
	// Bin is the envtrace binary (default: $ENVTRACE_BIN, else envtrace on PATH).
	Bin string
	// Report is a report file to read instead of running the binary (default: $ENVTRACE_REPORT).
	Report string
	// ProcRoot is the root of procfs (default "/proc"; a fixture tree in tests).
	ProcRoot string
	// Recheck is how often middleware re-diffs the environment for changes made past the wrappers
	// (os.Setenv called directly). Default one second.
	Recheck time.Duration
	// Logf reports, once, why attributions are missing. Default log.Printf.
	Logf func(format string, args ...any)
}

type state struct {
	mu       sync.Mutex
	opts     Options
	pid      int
	exec     map[string]string
	execOK   bool
	key      []byte
	macMu    sync.Mutex
	mac      hash.Hash
	history  []EnvSnapshot
	baseline map[string]string
	observed map[string]string
	preInit  map[string]Source
	changes  map[string][]Change

	hostOnce sync.Once
	host     map[string]Source
	hostWhy  string

	version    atomic.Uint64
	seen       atomic.Uint64
	lastCheck  atomic.Int64
	drift      atomic.Bool
	generation atomic.Uint64
	served     atomic.Uint64
}

var (
	cur     atomic.Pointer[state]
	initMu  sync.Mutex
	logOnce sync.Once
)

// Init captures the exec-time environment and seals the first snapshot. Later calls return nil and keep
// the first call's options.
func Init(opts ...Options) error {
	initMu.Lock()
	defer initMu.Unlock()
	if cur.Load() != nil {
		return nil
	}
	var o Options
	if len(opts) > 0 {
		o = opts[0]
	}
	if o.ProcRoot == "" {
		o.ProcRoot = "/proc"
	}
	if o.Recheck == 0 {
		o.Recheck = time.Second
	}
	if o.Logf == nil {
		o.Logf = log.Printf
	}
	s := &state{opts: o, pid: os.Getpid(), preInit: map[string]Source{}, changes: map[string][]Change{}}
	s.key = make([]byte, 32)
	if _, err := rand.Read(s.key); err != nil {
		return fmt.Errorf("envtrace: random key: %w", err)
	}
	live := environMap(os.Environ())
	if raw, err := os.ReadFile(o.ProcRoot + "/self/environ"); err == nil {
		s.exec = parseEnviron(raw)
		s.execOK = true
	} else {
		s.exec = live
	}
	now := time.Now()
	vars := make([]Var, 0, len(live))
	for _, k := range sortedKeys(live) {
		v := live[k]
		origin := "exec"
		if ev, ok := s.exec[k]; !ok || ev != v {
			origin = "pre-init"
			s.preInit[k] = preInitSource(k, v, ok)
		}
		vars = append(vars, Var{Key: k, Digest: s.digest(k, v), Origin: origin})
	}
	s.history = append(s.history, seal(EnvSnapshot{PID: s.pid, TakenAt: now.UTC(), Label: "init", Vars: vars}))
	s.baseline = live
	s.observed = copyMap(live)
	s.lastCheck.Store(now.UnixNano())
	cur.Store(s)
	s.emit("runtime-init", map[string]any{"snapshot": s.history[0].ID, "variables": len(vars), "preInit": len(s.preInit)})
	return nil
}

func preInitSource(k, v string, inExec bool) Source {
	if src, ok := dotenvSource(k, v); ok {
		return src
	}
	why := "not in /proc/self/environ: set in-process before envtrace.Init"
	if inExec {
		why = "differs from /proc/self/environ: changed in-process before envtrace.Init"
	}
	return Source{Kind: "runtime", Mechanism: "os.Setenv", PID: os.Getpid(), Confidence: "likely",
		Evidence: []string{why, "no .env file assigns this value; the call site was not seen"}}
}

func get() *state {
	s := cur.Load()
	if s == nil {
		_ = Init()
		s = cur.Load()
	}
	return s
}

func (s *state) digest(k, v string) string {
	s.macMu.Lock()
	defer s.macMu.Unlock()
	if s.mac == nil {
		s.mac = hmac.New(sha256.New, s.key)
	}
	m := s.mac
	m.Reset()
	m.Write([]byte(k))
	m.Write([]byte{0})
	m.Write([]byte(v))
	var buf [sha256.Size]byte
	return hex.EncodeToString(m.Sum(buf[:0])[:8])
}

func (s *state) emit(typ string, payload map[string]any) {
	if s.opts.Sink == nil {
		return
	}
	defer func() { _ = recover() }()
	s.opts.Sink.Emit(Event{Type: typ, Time: time.Now().UTC(), Payload: payload})
}

// seal fills Hash and ID: SHA-256 over the JSON of the snapshot without them (struct field order is
// fixed, so the encoding is canonical).
func seal(sn EnvSnapshot) EnvSnapshot {
	sn.ID, sn.Hash = "", ""
	b, _ := json.Marshal(sn)
	sum := sha256.Sum256(b)
	sn.Hash = hex.EncodeToString(sum[:])
	sn.ID = "sha256:" + sn.Hash[:16]
	return sn
}

// Verify reports whether a snapshot is exactly what was sealed.
func Verify(sn EnvSnapshot) bool {
	h := seal(sn)
	return h.Hash == sn.Hash && h.ID == sn.ID
}

func (s *state) record(c Change) {
	s.mu.Lock()
	list := append(s.changes[c.Key], c)
	if len(list) > 64 {
		list = list[len(list)-64:]
	}
	s.changes[c.Key] = list
	if v, ok := os.LookupEnv(c.Key); ok {
		s.observed[c.Key] = v
	} else {
		delete(s.observed, c.Key)
	}
	snap := s.history[len(s.history)-1].ID
	s.mu.Unlock()
	s.generation.Add(1)
	p := map[string]any{"key": c.Key, "via": c.Via, "snapshot": snap}
	if c.File != "" {
		p["site"] = map[string]any{"file": c.File, "line": c.Line}
	}
	typ := "runtime-env-set"
	if c.Op == "delete" {
		typ = "runtime-env-delete"
	}
	s.emit(typ, p)
}

func caller(skip int) (file string, line int, fn string) {
	pc, file, line, ok := runtime.Caller(skip + 1)
	if !ok {
		return "", 0, ""
	}
	if f := runtime.FuncForPC(pc); f != nil {
		fn = f.Name()
	}
	return file, line, fn
}

// Setenv is os.Setenv that records the caller's file:line and the time.
func Setenv(key, value string) error {
	s := get()
	if err := os.Setenv(key, value); err != nil {
		return err
	}
	file, line, fn := caller(1)
	s.version.Add(1)
	s.record(Change{Key: key, Op: "set", At: time.Now().UTC(), Via: "wrapper", File: file, Line: line, Func: fn})
	return nil
}

// Unsetenv is os.Unsetenv that records the caller's file:line and the time.
func Unsetenv(key string) error {
	s := get()
	_, had := os.LookupEnv(key)
	if err := os.Unsetenv(key); err != nil {
		return err
	}
	if had {
		file, line, fn := caller(1)
		s.version.Add(1)
		s.record(Change{Key: key, Op: "delete", At: time.Now().UTC(), Via: "wrapper", File: file, Line: line, Func: fn})
	}
	return nil
}

// observe records differences from the last observation (os.Setenv calls that bypassed the wrappers).
func (s *state) observe(keys ...string) {
	now := time.Now().UTC()
	var found []Change
	s.mu.Lock()
	if len(keys) > 0 {
		for _, k := range keys {
			v, ok := os.LookupEnv(k)
			was, had := s.observed[k]
			if ok != had || v != was {
				op := "set"
				if !ok {
					op = "delete"
				}
				found = append(found, Change{Key: k, Op: op, At: now, Via: "observed"})
			}
		}
	} else {
		live := environMap(os.Environ())
		for k, v := range live {
			if was, had := s.observed[k]; !had || was != v {
				found = append(found, Change{Key: k, Op: "set", At: now, Via: "observed"})
			}
		}
		for k := range s.observed {
			if _, ok := live[k]; !ok {
				found = append(found, Change{Key: k, Op: "delete", At: now, Via: "observed"})
			}
		}
	}
	s.mu.Unlock()
	sort.Slice(found, func(i, j int) bool { return found[i].Key < found[j].Key })
	for _, c := range found {
		s.record(c)
	}
}

// SourceOf tells where key's current value came from. An unset key gives Kind "unset".
func SourceOf(key string) Source {
	s := get()
	s.observe(key)
	v, ok := os.LookupEnv(key)
	if !ok {
		return Source{Kind: "unset", Confidence: "certain", Evidence: []string{key + " is not set"}}
	}
	if src, ok := s.localSource(key, v); ok {
		return src
	}
	host, why := s.hostSources()
	if src, ok := host[key]; ok {
		return src
	}
	if why == "" {
		why = "the envtrace engine gave no attribution for this variable"
	}
	return Source{Kind: "unknown", Confidence: "possible", Evidence: []string{why}}
}

func (s *state) localSource(key, _ string) (Source, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if list := s.changes[key]; len(list) > 0 {
		c := list[len(list)-1]
		src := Source{Kind: "runtime", Mechanism: "os.Setenv", PID: s.pid, Time: c.At, TimeWhat: "observed"}
		if c.Via == "wrapper" {
			src.Mechanism = "envtrace.Setenv"
			src.File, src.Line = c.File, c.Line
			src.Confidence = "certain"
			src.Evidence = []string{fmt.Sprintf("set at %s:%d (%s) after envtrace.Init", c.File, c.Line, c.Func)}
		} else {
			src.Confidence = "possible"
			src.Evidence = []string{"changed after envtrace.Init past the Setenv wrapper (found by an observation), so the call site is unknown"}
		}
		if len(list) > 1 {
			src.Evidence = append(src.Evidence, fmt.Sprintf("%d writes recorded for this key since Init", len(list)))
		}
		return src, true
	}
	if src, ok := s.preInit[key]; ok {
		return src, true
	}
	return Source{}, false
}

// Changes returns the recorded changes of key (or of every key when key is ""), oldest first.
func Changes(key string) []Change {
	s := get()
	if key == "" {
		s.observe()
	} else {
		s.observe(key)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Change
	for k, l := range s.changes {
		if key == "" || k == key {
			out = append(out, l...)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].At.Before(out[j].At) })
	return out
}

// Snapshot returns the latest sealed snapshot (a copy).
func Snapshot() EnvSnapshot {
	s := get()
	s.mu.Lock()
	defer s.mu.Unlock()
	sn := s.history[len(s.history)-1]
	sn.Vars = append([]Var(nil), sn.Vars...)
	return sn
}

// Drift lists the keys whose value differs now from the latest sealed snapshot ("added", "removed", "changed").
func Drift() map[string]string {
	s := get()
	s.observe()
	live := environMap(os.Environ())
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]string{}
	for k, v := range live {
		if b, ok := s.baseline[k]; !ok {
			out[k] = "added"
		} else if b != v {
			out[k] = "changed"
		}
	}
	for k := range s.baseline {
		if _, ok := live[k]; !ok {
			out[k] = "removed"
		}
	}
	return out
}

// Seal seals the live environment as a new snapshot naming the previous one; drift is measured against it.
func Seal(label string) EnvSnapshot {
	s := get()
	s.observe()
	live := environMap(os.Environ())
	s.mu.Lock()
	prev := s.history[len(s.history)-1]
	old := map[string]Var{}
	for _, v := range prev.Vars {
		old[v.Key] = v
	}
	vars := make([]Var, 0, len(live))
	for _, k := range sortedKeys(live) {
		d := s.digest(k, live[k])
		if o, ok := old[k]; ok && o.Digest == d {
			vars = append(vars, o)
		} else {
			vars = append(vars, Var{Key: k, Digest: d, Origin: "post-init"})
		}
	}
	sn := seal(EnvSnapshot{Prev: prev.Hash, PID: s.pid, TakenAt: time.Now().UTC(), Label: label, Vars: vars})
	s.history = append(s.history, sn)
	s.baseline = live
	s.drift.Store(false)
	s.mu.Unlock()
	s.emit("runtime-seal", map[string]any{"snapshot": sn.ID, "prev": prev.ID, "label": label})
	return sn
}

// Reason says why exec-time attributions are unavailable ("" when they are, or were not asked for yet).
func Reason() string {
	s := get()
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hostWhy
}

func environMap(env []string) map[string]string {
	m := make(map[string]string, len(env))
	for _, kv := range env {
		if i := strings.IndexByte(kv, '='); i > 0 {
			if _, dup := m[kv[:i]]; !dup {
				m[kv[:i]] = kv[i+1:]
			}
		}
	}
	return m
}

func parseEnviron(raw []byte) map[string]string {
	return environMap(strings.Split(string(raw), "\x00"))
}

func sortedKeys(m map[string]string) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

func copyMap(m map[string]string) map[string]string {
	c := make(map[string]string, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}

// ExecValue returns key's value in the exec-time environment (/proc/self/environ), whatever happened to
// it since; ok is false when the program was started without it.
func ExecValue(key string) (value string, ok bool) {
	s := get()
	value, ok = s.exec[key]
	return value, ok
}
