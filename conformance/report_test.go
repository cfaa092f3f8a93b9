package conformance

// Golden-file tests of the four report writers on a synthetic report, and the exit-code
// and tally tables. Regenerate the golden files with: go test ./conformance -run Golden -update

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"flag"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mcp-conform/mcp-conform/conformance/check"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// fakeSecret is a token that must never reach a report: it looks like a JWT.
const fakeSecret = "eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0.eyJzdWIiOiJsZWFrIn0.c2lnbmF0dXJlLXNlY3JldA"

// opaqueSecret is a non-JWT credential that must never reach a report.
const opaqueSecret = "opaque-s3cr3t-token-value"

var (
	areaChallenge = check.Area{Key: "challenge", Title: "The 401 challenge (RFC 6750 §3)"}
	areaPRM       = check.Area{Key: "prm", Title: "Protected resource metadata (RFC 9728)"}
	areaTokens    = check.Area{Key: "tokens", Title: "Token validation <&> \"quotes\""}
)

// syntheticResults covers every status, several areas, steps, exchanges (one carrying
// unredacted credentials) and characters that need escaping.
func syntheticResults() []check.Result {
	return []check.Result{
		{
			ID: "RS-01", Title: "MUST reject a request without credentials", Level: check.MUST, Area: areaChallenge,
			Status: check.StatusPass, Refs: []string{"MCP 2025-11-25 §10", "RFC 6750 §3"}, Duration: 12 * time.Millisecond,
			Steps: []string{"POST the baseline MCP request without credentials"},
		},
		{
			ID: "RS-02", Title: "MUST answer 401 with a Bearer challenge", Level: check.MUST, Area: areaChallenge,
			Status: check.StatusFail, Refs: []string{"RFC 6750 §3"}, Duration: 20 * time.Millisecond,
			Detail: "sent: POST /mcp without Authorization\nexpected: 401 with WWW-Authenticate: Bearer\nreceived: 200 OK",
			Steps:  []string{"POST the baseline MCP request without credentials", "parse WWW-Authenticate"},
			Exchanges: []check.Exchange{{
				Request:  "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + fakeSecret + "\r\nContent-Type: application/json\r\n\r\n{\"jsonrpc\":\"2.0\"}",
				Response: "HTTP/1.1 200 OK\r\nSet-Cookie: session=" + opaqueSecret + "\r\n\r\n{\"access_token\":\"" + opaqueSecret + "\"}",
			}},
		},
		{
			ID: "RS-03", Title: "SHOULD include resource_metadata in the challenge", Level: check.SHOULD, Area: areaChallenge,
			Status: check.StatusWarn, Refs: []string{"RFC 9728 §5.1"}, Duration: 3 * time.Millisecond,
			Detail: "the challenge has no resource_metadata parameter <script>alert(1)</script>",
		},
		{
			ID: "PRM-01", Title: "MUST serve protected resource metadata", Level: check.MUST, Area: areaPRM,
			Status: check.StatusFail, Refs: []string{"RFC 9728 §3"}, Duration: 7 * time.Millisecond,
			Detail: "GET /.well-known/oauth-protected-resource returned 404",
		},
		{
			ID: "PRM-02", Title: "MAY list scopes_supported", Level: check.MAY, Area: areaPRM,
			Status: check.StatusInfo, Refs: []string{"RFC 9728 §2"}, Duration: time.Millisecond,
			Detail: "scopes_supported: [mcp:tools]",
		},
		{
			ID: "TOK-01", Title: "MUST reject an expired token", Level: check.MUST, Area: areaTokens,
			Status: check.StatusSkip, Refs: []string{"RFC 6750 §3.1"},
			Detail: "needs minting: run with --mockas",
		},
		{
			ID: "TOK-02", Title: "MUST accept a valid token", Level: check.MUST, Area: areaTokens,
			Status: check.StatusPass, Refs: nil, Duration: 40 * time.Millisecond,
		},
	}
}

// syntheticReport is a report with a baseline expecting RS-02 (fails) and TOK-02 (passes:
// stale).
func syntheticReport() *Report {
	b := &Baseline{Entries: []BaselineEntry{{ID: "RS-02", Reason: "gateway"}, {ID: "TOK-02", Reason: "was broken"}}}
	r := newReport("http://user:hunter2@127.0.0.1:3000/mcp", "2025-11-25",
		time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), 1234*time.Millisecond, syntheticResults(), b)
	r.Version = "v1.2.3-test"
	return r
}

// fakeLookup pins the registry texts the HTML report shows.
func fakeLookup(id string) (check.Requirement, bool) {
	switch id {
	case "RS-02":
		return check.Requirement{ID: id, Fix: "Answer 401 and add WWW-Authenticate: Bearer resource_metadata=\"…\".", Quote: "the resource server MUST include the HTTP WWW-Authenticate response header field"}, true
	case "PRM-01":
		return check.Requirement{ID: id, Fix: "Serve the PRM document <at> /.well-known/oauth-protected-resource."}, true
	}
	return check.Requirement{}, false
}

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatalf("updating %s: %v", path, err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading golden file (run with -update to create it): %v", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", path, diff)
	}
}

func TestWritersGolden(t *testing.T) {
	tests := []struct {
		golden string
		write  func(r *Report, w *bytes.Buffer) error
	}{
		{"report.json.golden", func(r *Report, w *bytes.Buffer) error { return r.WriteJSON(w) }},
		{"report.junit.xml.golden", func(r *Report, w *bytes.Buffer) error { return r.WriteJUnit(w) }},
		{"report.console.golden", func(r *Report, w *bytes.Buffer) error { return r.WriteConsole(w, false) }},
		{"report.console-color.golden", func(r *Report, w *bytes.Buffer) error { return r.WriteConsole(w, true) }},
		{"report.html.golden", func(r *Report, w *bytes.Buffer) error { return r.writeHTML(w, fakeLookup) }},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			var buf bytes.Buffer
			if err := tt.write(syntheticReport(), &buf); err != nil {
				t.Fatalf("write: %v", err)
			}
			for _, secret := range []string{fakeSecret, opaqueSecret, "hunter2"} {
				if strings.Contains(buf.String(), secret) {
					t.Errorf("output leaks the secret %q", secret)
				}
			}
			golden(t, tt.golden, buf.Bytes())
		})
	}
}

func TestWriteJSONKeys(t *testing.T) {
	var buf bytes.Buffer
	if err := syntheticReport().WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatalf("invalid JSON: %v", err)
	}
	for _, k := range []string{"tool", "version", "target", "spec_version", "started_at", "duration_ms", "results", "summary"} {
		if _, ok := doc[k]; !ok {
			t.Errorf("missing top-level key %q", k)
		}
	}
	if doc["tool"] != "mcp-conform" || doc["started_at"] != "2026-01-02T03:04:05Z" || doc["duration_ms"] != float64(1234) {
		t.Errorf("tool/started_at/duration_ms = %v/%v/%v", doc["tool"], doc["started_at"], doc["duration_ms"])
	}
	if diff := cmp.Diff(map[string]any{"pass": 2.0, "fail": 2.0, "warn": 1.0, "skip": 1.0, "info": 1.0}, doc["summary"]); diff != "" {
		t.Errorf("summary (-want +got):\n%s", diff)
	}
	results := doc["results"].([]any)
	if len(results) != len(syntheticResults()) {
		t.Fatalf("%d results, want %d", len(results), len(syntheticResults()))
	}
	for _, r := range results {
		res := r.(map[string]any)
		for _, k := range []string{"id", "title", "level", "status", "detail", "refs"} {
			if _, ok := res[k]; !ok {
				t.Errorf("result %v: missing key %q", res["id"], k)
			}
		}
		if _, isList := res["refs"].([]any); !isList {
			t.Errorf("result %v: refs is %T, want a list", res["id"], res["refs"])
		}
	}
}

func TestWriteJUnitStructure(t *testing.T) {
	var buf bytes.Buffer
	if err := syntheticReport().WriteJUnit(&buf); err != nil {
		t.Fatal(err)
	}
	var doc junitSuites
	if err := xml.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatalf("invalid XML: %v", err)
	}
	type row struct{ Suite, Name, Class, Outcome string }
	var got []row
	for _, s := range doc.Suites {
		for _, c := range s.Cases {
			outcome := "passed"
			switch {
			case c.Failure != nil:
				outcome = "failure"
			case c.Skipped != nil:
				outcome = "skipped:" + c.Skipped.Message
			}
			got = append(got, row{s.Name, c.Name, c.Classname, outcome})
		}
	}
	want := []row{
		{areaChallenge.Title, "RS-01 MUST reject a request without credentials", "challenge", "passed"},
		{areaChallenge.Title, "RS-02 MUST answer 401 with a Bearer challenge", "challenge", "failure"},
		{areaChallenge.Title, "RS-03 SHOULD include resource_metadata in the challenge", "challenge", "passed"},
		{areaPRM.Title, "PRM-01 MUST serve protected resource metadata", "prm", "failure"},
		{areaPRM.Title, "PRM-02 MAY list scopes_supported", "prm", "passed"},
		{areaTokens.Title, "TOK-01 MUST reject an expired token", "tokens", "skipped:needs minting: run with --mockas"},
		{areaTokens.Title, "TOK-02 MUST accept a valid token", "tokens", "passed"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("test cases (-want +got):\n%s", diff)
	}
	if doc.Tests != 7 || doc.Failures != 2 || doc.Skipped != 1 {
		t.Errorf("totals tests/failures/skipped = %d/%d/%d, want 7/2/1", doc.Tests, doc.Failures, doc.Skipped)
	}
}

func TestWriteConsoleLastLine(t *testing.T) {
	tests := []struct {
		name    string
		summary Summary
		took    time.Duration
		want    string
	}{
		{"mixed", Summary{Pass: 40, Fail: 2, Warn: 3, Skip: 5, Info: 1}, 1234 * time.Millisecond,
			"mcp-conform: 40 passed, 2 failed, 3 warnings, 5 skipped, 1 info (1.2s)"},
		{"one warning", Summary{Pass: 1, Warn: 1}, 350 * time.Millisecond,
			"mcp-conform: 1 passed, 0 failed, 1 warning, 0 skipped, 0 info (350ms)"},
		{"empty", Summary{}, 0, "mcp-conform: 0 passed, 0 failed, 0 warnings, 0 skipped, 0 info (0ms)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &Report{Tool: ToolName, Summary: tt.summary, Duration: tt.took}
			for _, color := range []bool{false, true} {
				var buf bytes.Buffer
				if err := r.WriteConsole(&buf, color); err != nil {
					t.Fatal(err)
				}
				lines := strings.Split(strings.TrimRight(buf.String(), "\n"), "\n")
				if got := lines[len(lines)-1]; got != tt.want {
					t.Errorf("color=%v: last line %q, want %q", color, got, tt.want)
				}
			}
		})
	}
}

func TestWriteConsoleColor(t *testing.T) {
	var plain, color bytes.Buffer
	r := syntheticReport()
	if err := r.WriteConsole(&plain, false); err != nil {
		t.Fatal(err)
	}
	if err := r.WriteConsole(&color, true); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(plain.String(), "\x1b[") {
		t.Error("plain console output contains ANSI escapes")
	}
	if !strings.Contains(color.String(), ansiRed+"FAIL"+ansiReset) {
		t.Error("coloured console output does not colour FAIL red")
	}
	if !strings.Contains(plain.String(), "  FAIL  RS-02   MUST answer 401 with a Bearer challenge") {
		t.Errorf("no check line for RS-02 in:\n%s", plain.String())
	}
}

// failingWriter fails after n bytes.
type failingWriter struct{ n int }

func (f *failingWriter) Write(p []byte) (int, error) {
	if len(p) > f.n {
		return 0, os.ErrClosed
	}
	f.n -= len(p)
	return len(p), nil
}

func TestWritersReportWriteErrors(t *testing.T) {
	r := syntheticReport()
	writers := map[string]func() error{
		"json":    func() error { return r.WriteJSON(&failingWriter{n: 10}) },
		"junit":   func() error { return r.WriteJUnit(&failingWriter{n: 10}) },
		"console": func() error { return r.WriteConsole(&failingWriter{n: 10}, false) },
		"html":    func() error { return r.writeHTML(&failingWriter{n: 10}, fakeLookup) },
	}
	for name, write := range writers {
		if err := write(); err == nil {
			t.Errorf("%s: no error from a failing writer", name)
		}
	}
}

func TestTally(t *testing.T) {
	r := syntheticReport()
	got := struct {
		Summary                     Summary
		Expected, Stale, Unexpected []string
	}{r.Summary, r.Expected, r.Stale, r.Unexpected}
	want := struct {
		Summary                     Summary
		Expected, Stale, Unexpected []string
	}{
		Summary{Pass: 2, Fail: 2, Warn: 1, Skip: 1, Info: 1},
		[]string{"RS-02"}, []string{"TOK-02"}, []string{"PRM-01"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("tally (-want +got):\n%s", diff)
	}
	if r.Target != "http://user:xxxxx@127.0.0.1:3000/mcp" {
		t.Errorf("target %q: password not redacted", r.Target)
	}
}

func TestExitCode(t *testing.T) {
	res := func(id string, st check.Status) check.Result { return check.Result{ID: id, Status: st} }
	baseline := func(ids ...string) *Baseline {
		b := &Baseline{}
		for _, id := range ids {
			b.Entries = append(b.Entries, BaselineEntry{ID: id, Reason: "r"})
		}
		return b
	}
	tests := []struct {
		name           string
		results        []check.Result
		baseline       *Baseline
		normal, strict int
	}{
		{"all pass", []check.Result{res("A", check.StatusPass), res("B", check.StatusPass)}, nil, 0, 0},
		{"nothing ran", nil, nil, 0, 0},
		{"skip and info", []check.Result{res("A", check.StatusSkip), res("B", check.StatusInfo)}, nil, 0, 0},
		{"unexpected fail", []check.Result{res("A", check.StatusFail), res("B", check.StatusPass)}, nil, 1, 1},
		{"warning", []check.Result{res("A", check.StatusWarn)}, nil, 0, 1},
		{"expected fail", []check.Result{res("A", check.StatusFail)}, baseline("A"), 0, 0},
		{"expected warning", []check.Result{res("A", check.StatusWarn)}, baseline("A"), 0, 0},
		{"expected and unexpected fail", []check.Result{res("A", check.StatusFail), res("B", check.StatusFail)}, baseline("A"), 1, 1},
		{"stale entry", []check.Result{res("A", check.StatusPass)}, baseline("A"), 0, 1},
		{"stale info entry", []check.Result{res("A", check.StatusInfo)}, baseline("A"), 0, 1},
		{"baseline entry skipped", []check.Result{res("A", check.StatusSkip)}, baseline("A"), 0, 0},
		{"baseline entry not run", []check.Result{res("B", check.StatusPass)}, baseline("A"), 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newReport("http://127.0.0.1/mcp", "2025-11-25", time.Time{}, 0, tt.results, tt.baseline)
			if got := r.ExitCode(false); got != tt.normal {
				t.Errorf("ExitCode(false) = %d, want %d", got, tt.normal)
			}
			if got := r.ExitCode(true); got != tt.strict {
				t.Errorf("ExitCode(true) = %d, want %d", got, tt.strict)
			}
		})
	}
}

func TestWriteJUnitControlCharacters(t *testing.T) {
	r := newReport("http://127.0.0.1/mcp", "", time.Time{}, 0, []check.Result{{
		ID: "RS-02", Status: check.StatusFail, Area: areaChallenge,
		Detail: "body had \x00\x07 and ]]> and \xff bytes",
	}, {
		ID: "RS-03", Status: check.StatusWarn, Area: areaChallenge, Detail: "warn \x1b[31m",
	}}, nil)
	var buf bytes.Buffer
	if err := r.WriteJUnit(&buf); err != nil {
		t.Fatal(err)
	}
	var doc junitSuites
	if err := xml.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatalf("the JUnit report is not well-formed XML: %v\n%s", err, buf.String())
	}
	if got := doc.Suites[0].Cases[0].Failure.Text; !strings.Contains(got, "]]> and") {
		t.Errorf("failure text %q lost the CDATA terminator", got)
	}
}

func TestVersionFrom(t *testing.T) {
	tests := []struct {
		name string
		info debug.BuildInfo
		want string
	}{
		{"main module tagged", debug.BuildInfo{Main: debug.Module{Path: modulePath, Version: "v1.4.0"}}, "v1.4.0"},
		{"main module from a work tree", debug.BuildInfo{Main: debug.Module{Path: modulePath, Version: "(devel)"}}, "devel"},
		{"dependency", debug.BuildInfo{Main: debug.Module{Path: "example.com/app"}, Deps: []*debug.Module{{Path: "other", Version: "v9"}, {Path: modulePath, Version: "v0.3.1"}}}, "v0.3.1"},
		{"replaced dependency", debug.BuildInfo{Main: debug.Module{Path: "example.com/app"}, Deps: []*debug.Module{{Path: modulePath, Version: "v0.3.1", Replace: &debug.Module{Path: "../x", Version: ""}}}}, "devel"},
		{"absent", debug.BuildInfo{Main: debug.Module{Path: "example.com/app"}}, "devel"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := versionFrom(&tt.info); got != tt.want {
				t.Errorf("versionFrom = %q, want %q", got, tt.want)
			}
		})
	}
	if Version() == "" {
		t.Error("Version() is empty")
	}
}

func TestOptions(t *testing.T) {
	b := &Baseline{Entries: []BaselineEntry{{ID: "RS-02", Reason: "r"}}}
	var o Options
	for _, opt := range []Option{WithStrict(), WithExpectedFailures(b), WithLabelFilter("level:must")} {
		opt(&o)
	}
	if diff := cmp.Diff(Options{Strict: true, ExpectedFailures: b, LabelFilter: "level:must"}, o); diff != "" {
		t.Errorf("options (-want +got):\n%s", diff)
	}
}

// TestWriteConsoleLayout: one line per check, a reason of at most two lines of 100 columns,
// the evidence once, bodies cut, event-stream lines kept whole, a one-line recap per failure,
// and --verbose showing the exchanges.
func TestWriteConsoleLayout(t *testing.T) {
	events := strings.Repeat("event: message\ndata: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\",\"params\":{}}\n\n", 20)
	detail := strings.Repeat("the server accepted a token it must refuse, ", 8) + "\n" +
		"Sent:     POST http://127.0.0.1:3000/mcp (Authorization: Bearer <alg none token>)\n" +
		"Expected: 401 with a Bearer challenge\n" +
		"Received: 200 OK; Content-Type: text/event-stream; body: event stream, 1.9 KB:\n" +
		"    " + strings.Join(strings.Split(strings.TrimSpace(events), "\n"), "\n    ")
	res := check.Result{
		ID: "RS-35", Title: "MUST reject tokens with alg none", Level: check.MUST, Area: areaTokens,
		Status: check.StatusFail, Detail: detail, Refs: []string{"RFC 8725 §3.1"},
		Steps:     []string{"mint a token with alg none", "POST tools/list with it"},
		Exchanges: []check.Exchange{{Request: "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n{}", Response: "HTTP/1.1 200 OK\r\n\r\n" + events}},
	}
	r := newReport("http://127.0.0.1:3000/mcp", "2025-11-25", time.Now(), time.Second, []check.Result{res}, nil)

	var buf bytes.Buffer
	if err := r.WriteConsole(&buf, false); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	lines := strings.Split(out, "\n")
	for _, l := range lines[1:] { // the header carries the target URL, whatever its length
		if n := len([]rune(l)); n > consoleWidth {
			t.Errorf("line of %d columns: %q", n, l)
		}
	}
	checkLine := slices.IndexFunc(lines, func(l string) bool { return strings.HasPrefix(l, "  FAIL  RS-35") })
	if checkLine < 0 {
		t.Fatalf("no check line:\n%s", out)
	}
	reason := lines[checkLine+1 : checkLine+3]
	if !strings.HasPrefix(reason[0], detailIndent+"the server accepted") || !strings.HasSuffix(reason[1], "…") ||
		!strings.HasPrefix(lines[checkLine+3], detailIndent+"Sent:") {
		t.Errorf("the reason does not take exactly two lines before the evidence:\n%s", strings.Join(lines[checkLine:checkLine+5], "\n"))
	}
	for _, label := range []string{"Sent:", "Expected:", "Received:"} {
		if n := strings.Count(out, detailIndent+label); n != 1 {
			t.Errorf("%s appears %d times, want once", label, n)
		}
	}
	if len(out) > 3000 {
		t.Errorf("the report quotes %d bytes for one failure; bodies are not cut", len(out))
	}
	for _, l := range lines {
		if strings.Contains(l, "data: {") && !strings.HasSuffix(l, "}") {
			t.Errorf("an event line is split: %q", l)
		}
	}
	if !strings.Contains(out, "\nFailed (1):\n  RS-35   the server accepted") {
		t.Errorf("no one-line recap of the failure:\n%s", out)
	}
	if strings.Contains(out, "Exchange 1") {
		t.Error("exchanges shown without --verbose")
	}

	buf.Reset()
	if err := r.WriteConsoleWith(&buf, ConsoleOptions{Verbose: true}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Steps:", "  1. mint a token with alg none", "Exchange 1:", "> POST /mcp HTTP/1.1", "< HTTP/1.1 200 OK"} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("--verbose output lacks %q", want)
		}
	}
}
