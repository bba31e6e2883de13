package envtrace

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// hostSources asks the engine once: a report file (ENVTRACE_REPORT) or `envtrace explain --pid <self>`.
func (s *state) hostSources() (map[string]Source, string) {
	s.hostOnce.Do(func() {
		m, why := s.loadHost()
		s.mu.Lock()
		s.host, s.hostWhy = m, why
		s.mu.Unlock()
		if why != "" {
			logOnce.Do(func() { s.opts.Logf("envtrace: %s", why) })
		}
	})
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.host, s.hostWhy
}

func (s *state) loadHost() (map[string]Source, string) {
	report := s.opts.Report
	if report == "" {
		report = os.Getenv("ENVTRACE_REPORT")
	}
	if report != "" {
		b, err := os.ReadFile(report)
		if err != nil {
			return nil, fmt.Sprintf("the report %s could not be read: %v", report, err)
		}
		m, err := ParseReport(b, s.pid)
		if err != nil {
			return nil, fmt.Sprintf("the report %s could not be parsed: %v", report, err)
		}
		return m, ""
	}
	bin := s.opts.Bin
	if bin == "" {
		bin = os.Getenv("ENVTRACE_BIN")
	}
	if bin == "" {
		p, err := exec.LookPath("envtrace")
		if err != nil {
			return nil, "no envtrace binary (ENVTRACE_BIN, PATH) and no ENVTRACE_REPORT: exec-time variables are reported as unknown"
		}
		bin = p
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "explain", "--pid", strconv.Itoa(s.pid), "--format", "json")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	// Exit 1 means findings at/above --fail-on: the report is still complete.
	if err != nil {
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
			return nil, fmt.Sprintf("%s explain failed: %v: %s", bin, err, firstLine(stderr.String()))
		}
	}
	m, perr := ParseReport(out, s.pid)
	if perr != nil {
		return nil, fmt.Sprintf("%s explain printed no report: %v", bin, perr)
	}
	return m, ""
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

type jsonSource struct {
	Kind       string `json:"kind"`
	Mechanism  string `json:"mechanism"`
	File       string `json:"file"`
	Line       int    `json:"line"`
	Resource   string `json:"resource"`
	Confidence string `json:"confidence"`
	Actor      *struct {
		PID          int    `json:"pid"`
		Comm         string `json:"comm"`
		FieldManager string `json:"fieldManager"`
	} `json:"actor"`
	Time *struct {
		At   string `json:"at"`
		What string `json:"what"`
	} `json:"time"`
	Evidence []string `json:"evidence"`
}

type jsonVar struct {
	Key    string      `json:"key"`
	Source *jsonSource `json:"source"`
}

type jsonReport struct {
	Variables []jsonVar `json:"variables"`
	Subjects  []struct {
		Details struct {
			PID    int `json:"pid"`
			EnvPID int `json:"envPid"`
		} `json:"details"`
		Variables []jsonVar `json:"variables"`
	} `json:"subjects"`
}

// ParseReport reads an `envtrace explain --format json` report tolerantly: a top-level `variables`
// array (v1) or `subjects[].variables` (v2), preferring the subject whose pid is pid.
func ParseReport(b []byte, pid int) (map[string]Source, error) {
	var r jsonReport
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, err
	}
	vars := r.Variables
	if vars == nil {
		for _, sub := range r.Subjects {
			if sub.Details.PID == pid || sub.Details.EnvPID == pid {
				vars = sub.Variables
				break
			}
		}
		if vars == nil {
			for _, sub := range r.Subjects {
				if sub.Variables != nil {
					vars = sub.Variables
					break
				}
			}
		}
	}
	if vars == nil {
		return nil, fmt.Errorf("no variables in the report")
	}
	m := make(map[string]Source, len(vars))
	for _, v := range vars {
		if v.Key == "" || v.Source == nil || v.Source.Kind == "" {
			continue
		}
		j := v.Source
		src := Source{Kind: j.Kind, Mechanism: j.Mechanism, File: j.File, Line: j.Line, Resource: j.Resource,
			Confidence: j.Confidence, Evidence: j.Evidence}
		if src.Confidence == "" {
			src.Confidence = "possible"
		}
		if j.Actor != nil {
			src.PID = j.Actor.PID
			src.Actor = j.Actor.Comm
			if src.Actor == "" {
				src.Actor = j.Actor.FieldManager
			}
		}
		if j.Time != nil {
			if t, err := time.Parse(time.RFC3339Nano, j.Time.At); err == nil {
				src.Time, src.TimeWhat = t, j.Time.What
			}
		}
		m[v.Key] = src
	}
	return m, nil
}

// dotenvSource finds key=value in the .env files a Go loader (godotenv, viper) reads from the working
// directory: .env.<GO_ENV|APP_ENV>.local, .env.local, .env.<…>, .env.
func dotenvSource(key, value string) (Source, bool) {
	wd, err := os.Getwd()
	if err != nil {
		return Source{}, false
	}
	var names []string
	for _, e := range []string{os.Getenv("GO_ENV"), os.Getenv("APP_ENV")} {
		if e != "" {
			names = append(names, ".env."+e+".local", ".env."+e)
		}
	}
	names = append(names, ".env.local", ".env")
	for _, n := range names {
		f := filepath.Join(wd, n)
		if line, ok := dotenvLine(f, key, value); ok {
			return Source{Kind: "dotenv", Mechanism: "dotenv", File: f, Line: line, PID: os.Getpid(), Confidence: "likely",
				Evidence: []string{fmt.Sprintf("%s:%d assigns %s the value it has", f, line, key), "not in /proc/self/environ: set in-process before envtrace.Init"}}, true
		}
	}
	return Source{}, false
}

// dotenvLine returns the line of the last `[export] KEY=value` in f whose (unquoted) value is value.
func dotenvLine(f, key, value string) (int, bool) {
	b, err := os.ReadFile(f)
	if err != nil {
		return 0, false
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	n, found := 0, 0
	for sc.Scan() {
		n++
		l := strings.TrimSpace(sc.Text())
		l = strings.TrimPrefix(l, "export ")
		i := strings.IndexByte(l, '=')
		if i <= 0 || strings.TrimSpace(l[:i]) != key {
			continue
		}
		v := strings.TrimSpace(l[i+1:])
		if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
			v = v[1 : len(v)-1]
		} else if j := strings.Index(v, " #"); j >= 0 {
			v = strings.TrimSpace(v[:j])
		}
		if v == value {
			found = n
		}
	}
	return found, found > 0
}
