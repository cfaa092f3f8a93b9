package main

// "run" end to end against fixture servers, in child processes: exit codes, mode lines, the
// report files and the expected-failures baseline.

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mcp-conform/mcp-conform/conformance"
	"github.com/mcp-conform/mcp-conform/fixtures"
)

func TestRun_unreachableTarget(t *testing.T) {
	url := "http://" + closedPort(t) + "/mcp"
	args := []string{"run", "--url", url, "--timeout", "2s"}
	r := runBinary(t, nil, args...)
	wantCode(t, r, exitUsage, args...)
	if want := "mcp-conform: cannot reach " + url + ": "; !strings.Contains(r.stderr, want) {
		t.Errorf("stderr does not contain %q:\n%s", want, r.stderr)
	}
}

func TestRun_unreachableMockAS(t *testing.T) {
	mockasURL := "http://" + closedPort(t)
	args := []string{"run", "--url", "http://" + closedPort(t) + "/mcp", "--mockas", mockasURL, "--timeout", "2s"}
	r := runBinary(t, nil, args...)
	wantCode(t, r, exitUsage, args...)
	if want := "mcp-conform: cannot reach " + mockasURL + " (mockas): "; !strings.Contains(r.stderr, want) {
		t.Errorf("stderr does not contain %q:\n%s", want, r.stderr)
	}
}

func TestRun_unknownBaselineID(t *testing.T) {
	path := writeBaseline(t, "ZZ-999")
	args := []string{"run", "--url", "http://127.0.0.1:1/mcp", "--expected-failures", path}
	r := runInProcess(t, nil, args...)
	wantCode(t, r, exitUsage, args...)
	for _, want := range []string{"--expected-failures", "unknown requirement ID", "ZZ-999"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr does not contain %q:\n%s", want, r.stderr)
		}
	}
}

// writeBaseline writes a baseline listing ids and returns its path.
func writeBaseline(t *testing.T, ids ...string) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("expected_failures:\n")
	for _, id := range ids {
		fmt.Fprintf(&b, "  - id: %s\n    reason: listed by the test\n", id)
	}
	path := filepath.Join(t.TempDir(), "baseline.yaml")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// firstBroken returns the first catalogue server expected to FAIL something.
func firstBroken(t *testing.T) fixtures.Broken {
	t.Helper()
	for _, b := range fixtures.Catalogue() {
		if len(b.ExpectFail) > 0 {
			return b
		}
	}
	t.Fatal("the fixtures catalogue has no server expected to FAIL")
	return fixtures.Broken{}
}

func TestRun_correctFixture(t *testing.T) {
	skipShort(t)
	e := newFixture(t, fixtures.Broken{})
	dir := t.TempDir()
	jsonPath, junitPath, htmlPath := filepath.Join(dir, "r.json"), filepath.Join(dir, "r.xml"), filepath.Join(dir, "r.html")
	sarifPath, scopesPath := filepath.Join(dir, "r.sarif"), filepath.Join(dir, "scopes.yaml")
	args := e.cooperativeArgs("--json", jsonPath, "--junit", junitPath, "--html", htmlPath,
		"--sarif", sarifPath, "--sarif-location", ".github/workflows/ci.yml", "--discover-scopes", "--write-scopes", scopesPath,
		"--tool-args", `weather={"city":"Paris","units":"metric"}`)
	r := runBinary(t, nil, args...)
	wantCode(t, r, exitOK, args...)
	if want := "mode: cooperative (mockas " + e.as.URL + ")\n"; !strings.HasPrefix(r.stdout, want) {
		t.Errorf("stdout does not start with %q:\n%s", want, tail(r.stdout))
	}
	if !strings.HasSuffix(r.stdout, "\nexit 0: no check failed\n") && !strings.Contains(r.stdout, "\nexit 0: no check failed; ") {
		t.Errorf("stdout does not end with the exit reason:\n%s", tail(r.stdout))
	}
	sarif, err := os.ReadFile(sarifPath)
	if err != nil {
		t.Fatalf("--sarif: %v", err)
	}
	var log struct {
		Version string `json:"version"`
		Runs    []struct {
			Tool struct {
				Driver struct {
					Rules []struct{ ID string } `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(sarif, &log); err != nil || log.Version != "2.1.0" || len(log.Runs) != 1 || len(log.Runs[0].Tool.Driver.Rules) == 0 {
		t.Errorf("--sarif wrote no SARIF 2.1.0 log with rules (%v):\n%.400s", err, sarif)
	}
	for _, p := range []string{junitPath, htmlPath} {
		if fi, err := os.Stat(p); err != nil || fi.Size() == 0 {
			t.Errorf("report %s not written: %v", p, err)
		}
	}
	// The scope map: declared weather, learned the rest; written for the next run.
	for _, want := range []string{"Scope map", "tools/call:weather → mcp:tools:weather (declared)",
		"resources/read:mcp-conform://customer-data/acme → mcp:resources:customer-data:read (learned)",
		"Operations called", `tools/call:weather {"city":"Paris","units":"metric"} (supplied`} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("console output lacks %q:\n%s", want, tail(r.stdout))
		}
	}
	decl, err := conformance.LoadDeclarations(scopesPath)
	if err != nil {
		t.Fatalf("--write-scopes output does not load as --tool-args-file: %v", err)
	}
	if got := decl.Scopes["prompts/get:risk-assessment"]; got != "mcp:exec:workflows:risk-assessment" {
		t.Errorf("written scopes %v lack the learned prompt scope", decl.Scopes)
	}
	if got := decl.Arguments["weather"]["city"]; got != "Paris" {
		t.Errorf("written arguments %v lack weather's", decl.Arguments)
	}

	data, err := os.ReadFile(jsonPath)
	if err != nil {
		t.Fatalf("reading the JSON report: %v", err)
	}
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatalf("JSON report: %v", err)
	}
	wantTop := []string{"calls", "duration_ms", "results", "scope_map", "spec_version", "started_at", "summary", "target", "tool", "version"}
	if diff := cmp.Diff(wantTop, sortedKeys(doc)); diff != "" {
		t.Errorf("JSON report top-level keys (-want +got):\n%s", diff)
	}
	var body struct {
		Results []map[string]json.RawMessage `json:"results"`
		Summary map[string]int               `json:"summary"`
	}
	if err := json.Unmarshal(data, &body); err != nil {
		t.Fatalf("JSON report body: %v", err)
	}
	if len(body.Results) == 0 {
		t.Fatal("JSON report has no results")
	}
	for _, res := range body.Results {
		for _, k := range []string{"id", "title", "level", "status", "detail", "refs", "area", "duration_ms"} {
			if _, ok := res[k]; !ok {
				t.Errorf("result %s lacks key %q", res["id"], k)
			}
		}
	}
	if diff := cmp.Diff([]string{"fail", "info", "pass", "skip", "warn"}, sortedKeys(body.Summary)); diff != "" {
		t.Errorf("summary keys (-want +got):\n%s", diff)
	}
	if body.Summary["fail"] != 0 {
		t.Errorf("the correct server has %d FAILs", body.Summary["fail"])
	}
}

func TestRun_labelFilterMatchingNothing(t *testing.T) {
	skipShort(t)
	e := newFixture(t, fixtures.Broken{})
	args := []string{"run", "--url", e.srv.MCPURL(), "--label-filter", "id:NOPE-999"}
	r := runBinary(t, nil, args...)
	wantCode(t, r, exitUsage, args...)
	if !strings.Contains(r.stderr, "matches no checks") {
		t.Errorf("stderr does not explain the empty selection:\n%s", r.stderr)
	}
}

func TestRun_brokenFixtureAndBaselines(t *testing.T) {
	skipShort(t)
	broken := firstBroken(t)
	e := newFixture(t, broken)
	dir := t.TempDir()
	baseline := filepath.Join(dir, "baseline.yaml")

	args := e.cooperativeArgs("--write-baseline", baseline)
	r := runBinary(t, nil, args...)
	// Writing the baseline is what was asked: it succeeds although checks failed.
	wantCode(t, r, exitOK, args...)
	if want := "exit 0: wrote " + baseline; !strings.Contains(r.stdout, want) {
		t.Errorf("stdout does not say %q:\n%s", want, tail(r.stdout))
	}
	data, err := os.ReadFile(baseline)
	if err != nil {
		t.Fatalf("--write-baseline: %v", err)
	}
	for _, id := range broken.ExpectFail {
		if !strings.Contains(string(data), "id: "+id+"\n") {
			t.Errorf("the written baseline lacks %s:\n%s", id, data)
		}
	}

	if strings.Contains(string(data), "127.0.0.1") || strings.Contains(string(data), "body:") {
		t.Errorf("the baseline's reasons carry ports or bodies:\n%s", data)
	}

	t.Run("expected failures listed, JSON on stdout", func(t *testing.T) {
		args := e.cooperativeArgs("--expected-failures", baseline, "--json", "-")
		r := runBinary(t, nil, args...)
		wantCode(t, r, exitOK, args...)
		var doc struct {
			Tool string `json:"tool"`
		}
		if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil || doc.Tool != "mcp-conform" {
			t.Errorf("--json - did not leave a JSON document alone on stdout (%v):\n%s", err, tail(r.stdout))
		}
		want := regexp.MustCompile(`\nexit 0: no check failed; \d+ failures? \([^)]*` + regexp.QuoteMeta(broken.ExpectFail[0]) + `[^)]*\).* expected by the baseline\n`)
		if !want.MatchString(r.stderr) {
			t.Errorf("stderr lacks the console report's exit reason %q:\n%s", want, tail(r.stderr))
		}
	})

	t.Run("stale entry", func(t *testing.T) {
		correct := newFixture(t, fixtures.Broken{})
		stale := writeBaseline(t, broken.ExpectFail[0])
		args := correct.cooperativeArgs("--expected-failures", stale)
		wantCode(t, runBinary(t, nil, args...), exitOK, args...)
		args = append(args, "--strict")
		wantCode(t, runBinary(t, nil, args...), exitFail, args...)
	})
}

// sortedKeys returns the keys of m in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// TestRun_notMCPEndpoint: a URL that answers, but not as an MCP endpoint, stops the run with
// exit 2 and one message instead of a report full of failures.
func TestRun_notMCPEndpoint(t *testing.T) {
	for name, h := range map[string]http.HandlerFunc{
		"HTML page": func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			_, _ = w.Write([]byte("<!doctype html><html><body>Welcome</body></html>"))
		},
		"404 to POST": http.NotFound,
	} {
		t.Run(name, func(t *testing.T) {
			srv := httptest.NewServer(h)
			t.Cleanup(srv.Close)
			args := []string{"run", "--url", srv.URL + "/mcp"}
			r := runInProcess(t, nil, args...)
			wantCode(t, r, exitUsage, args...)
			if n := strings.Count(r.stderr, "is not an MCP endpoint"); n != 1 || !strings.Contains(r.stderr, srv.URL+"/mcp") {
				t.Errorf("stderr should say once that %s/mcp is not an MCP endpoint:\n%s", srv.URL, r.stderr)
			}
			if strings.Contains(r.stdout, "FAIL") {
				t.Errorf("a report was printed:\n%s", r.stdout)
			}
		})
	}
}
