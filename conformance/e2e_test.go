package conformance

// End-to-end tests of the drivers against the reference servers of package fixtures and an
// in-process mockas: the correct server passes (no FAIL), broken ones fail the checks they
// are built to fail, and the three drivers agree.

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mcp-conform/mcp-conform/conformance/check"
	"github.com/mcp-conform/mcp-conform/fixtures"
	"github.com/mcp-conform/mcp-conform/mockas"
)

// rateLimitRequests per rateLimitPer is the limit the fixtures enforce and the targets
// declare: high enough that no ordinary check (each mints tokens for its own client) reaches
// it, so only the rate-limit check bursts into it.
const (
	rateLimitRequests = 50
	rateLimitPer      = time.Minute
)

// startTarget starts a mockas and a reference server trusting it (with the given flaws) and
// returns the cooperative-mode target.
func startTarget(t testing.TB, flaws ...fixtures.Flaw) Target {
	t.Helper()
	as := mockas.Start(t)
	srv, err := fixtures.NewServer(fixtures.Options{
		Issuer:    as.Issuer(),
		Flaws:     flaws,
		RateLimit: &fixtures.RateLimit{Requests: rateLimitRequests, Per: rateLimitPer},
	})
	if err != nil {
		t.Fatalf("fixtures.NewServer: %v", err)
	}
	t.Cleanup(srv.Close)
	return Target{
		URL:       srv.MCPURL(),
		MockAS:    as,
		Scopes:    map[string]string{"weather": "mcp:tools:weather", "admin": "mcp:admin"},
		RateLimit: &check.RateLimit{Requests: rateLimitRequests, Per: rateLimitPer},
	}
}

// statuses maps check IDs to statuses.
func statuses(results []check.Result) map[string]check.Status {
	m := map[string]check.Status{}
	for _, r := range results {
		m[r.ID] = r.Status
	}
	return m
}

// withStatus lists the IDs with status st, sorted.
func withStatus(results []check.Result, st check.Status) []string {
	var ids []string
	for _, r := range results {
		if r.Status == st {
			ids = append(ids, r.ID)
		}
	}
	slices.Sort(ids)
	return ids
}

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

func TestExecuteCorrectServer(t *testing.T) {
	target := startTarget(t)
	r, err := Execute(testContext(t), target, Options{})
	if err != nil {
		t.Fatalf("Execute: %v", err)
	}
	defs := check.Definitions()
	if len(r.Results) != len(defs) {
		t.Errorf("%d results, want one per defined check (%d)", len(r.Results), len(defs))
	}
	for i, d := range defs {
		if i < len(r.Results) && r.Results[i].ID != d.ID {
			t.Errorf("result %d is %s, want %s (report order)", i, r.Results[i].ID, d.ID)
		}
	}
	if fails := withStatus(r.Results, check.StatusFail); len(fails) > 0 {
		for _, res := range r.Results {
			if res.Status == check.StatusFail {
				t.Errorf("%s failed against the correct server:\n%s", res.ID, res.Detail)
			}
		}
	}
	if r.Summary.Pass == 0 || r.Summary.Total() != len(r.Results) {
		t.Errorf("summary %+v for %d results", r.Summary, len(r.Results))
	}
	if r.ExitCode(false) != 0 {
		t.Errorf("exit code %d, want 0", r.ExitCode(false))
	}
	if r.SpecVersion == "" || r.Tool != ToolName || r.Target != target.URL {
		t.Errorf("report header: tool %q target %q spec %q", r.Tool, r.Target, r.SpecVersion)
	}
	if st := statuses(r.Results)["RS-60"]; st == check.StatusSkip {
		t.Errorf("the rate-limit check was skipped although a limit was declared")
	}
	// RS-67 watches the withdrawn key only while the other checks run: the reference server
	// keeps its key set until an unknown kid makes it refetch, so the observation ends with
	// the other checks (or with such a refetch), never at the end of the 35 s window.
	for _, res := range r.Results {
		if res.ID == "RS-67" && !strings.Contains(res.Detail, "when the run's other checks were done") && !strings.Contains(res.Detail, "stopped trusting the withdrawn key") {
			t.Errorf("RS-67 (%s) did not stop observing the withdrawn key when the other checks were done:\n%s", res.Status, res.Detail)
		}
	}
}

func TestExecuteBrokenServers(t *testing.T) {
	for _, b := range fixtures.Catalogue() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			target := startTarget(t, b.Flaws...)
			r, err := Execute(testContext(t), target, Options{})
			if err != nil {
				t.Fatalf("Execute: %v", err)
			}
			got := statuses(r.Results)
			for _, id := range b.ExpectFail {
				if got[id] != check.StatusFail {
					t.Errorf("%s: status %q, want fail", id, got[id])
				}
			}
			for _, id := range b.ExpectWarn {
				if got[id] != check.StatusWarn {
					t.Errorf("%s: status %q, want warn", id, got[id])
				}
			}
			if r.ExitCode(false) != 1 || !slices.Equal(r.Unexpected, withStatus(r.Results, check.StatusFail)) {
				t.Errorf("exit code %d, unexpected %v: want 1 and every failure", r.ExitCode(false), r.Unexpected)
			}
		})
	}
}

func TestExecuteWithDerivedBaseline(t *testing.T) {
	target := startTarget(t, fixtures.FlawQueryTokenAccepted)
	r, err := Execute(testContext(t), target, Options{})
	if err != nil {
		t.Fatalf("Execute: %v", err)
	}
	b := BaselineFrom(r)
	if len(b.Entries) == 0 {
		t.Fatal("a broken server produced an empty baseline")
	}
	// Written and loaded back through a file, as the CLI does.
	path := filepath.Join(t.TempDir(), "baseline.yaml")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Write(f); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	loaded, err := LoadBaseline(path)
	if err != nil {
		t.Fatalf("LoadBaseline of a derived baseline: %v", err)
	}
	again, err := Execute(testContext(t), target, Options{ExpectedFailures: loaded, Strict: true})
	if err != nil {
		t.Fatalf("Execute with the baseline: %v", err)
	}
	if code := again.ExitCode(true); code != 0 {
		t.Errorf("with its own baseline: strict exit code %d, unexpected %v, stale %v", code, again.Unexpected, again.Stale)
	}
	if len(again.Expected) != len(b.Entries) {
		t.Errorf("expected %v, want every baseline entry %v", again.Expected, b.Entries)
	}
	// Against the correct server the same baseline is entirely stale.
	fixed, err := Execute(testContext(t), startTarget(t), Options{ExpectedFailures: loaded})
	if err != nil {
		t.Fatal(err)
	}
	if fixed.ExitCode(false) != 0 || fixed.ExitCode(true) != 1 || len(fixed.Stale) == 0 {
		t.Errorf("fixed server: exit %d/%d (strict), stale %v; want 0/1 and stale entries", fixed.ExitCode(false), fixed.ExitCode(true), fixed.Stale)
	}
}

func TestExecuteLabelFilter(t *testing.T) {
	target := startTarget(t)
	r, err := Execute(testContext(t), target, Options{LabelFilter: "level:must && area:challenge"})
	if err != nil {
		t.Fatalf("Execute: %v", err)
	}
	if len(r.Results) == 0 {
		t.Fatal("the filter selected nothing")
	}
	for _, res := range r.Results {
		if res.Level != check.MUST || res.Area.Key != "challenge" {
			t.Errorf("%s (%s, %s) does not match the filter", res.ID, res.Level, res.Area.Key)
		}
	}
	if _, err := Execute(testContext(t), target, Options{LabelFilter: "area:no-such-area"}); !errors.Is(err, ErrNoChecks) {
		t.Errorf("filter matching nothing: error %v, want ErrNoChecks", err)
	}
}

func TestPrepareErrors(t *testing.T) {
	ctx := testContext(t)
	as := mockas.Start(t)
	tests := []struct {
		name   string
		target Target
		want   string
	}{
		{"no URL", Target{}, "URL is required"},
		{"relative URL", Target{URL: "/mcp"}, "not an absolute http(s) URL"},
		{"both minters", Target{URL: "http://127.0.0.1:1/mcp", MockAS: as, MockASURL: as.URL}, "mutually exclusive"},
		{"bad rate limit", Target{URL: "http://127.0.0.1:1/mcp", RateLimit: &check.RateLimit{Requests: 0, Per: time.Second}}, "must be positive"},
		{"unreachable target", Target{URL: "http://127.0.0.1:1/mcp"}, "127.0.0.1:1"},
		{"unreachable mockas", Target{URL: "http://127.0.0.1:1/mcp", MockASURL: "http://127.0.0.1:1"}, "mockas control plane"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			run, err := Prepare(ctx, tt.target)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Prepare: run %v, error %v, want one containing %q", run, err, tt.want)
			}
		})
	}
}

func TestExecuteControlPlaneMinter(t *testing.T) {
	target := startTarget(t)
	as := target.MockAS
	target.MockAS, target.MockASURL = nil, as.URL
	r, err := Execute(testContext(t), target, Options{LabelFilter: "mode:minting"})
	if err != nil {
		t.Fatalf("Execute: %v", err)
	}
	if len(r.Results) == 0 {
		t.Fatal("no minting checks")
	}
	if skips := withStatus(r.Results, check.StatusSkip); len(skips) == len(r.Results) {
		t.Errorf("every minting check skipped through the control plane: %v", skips)
	}
	if fails := withStatus(r.Results, check.StatusFail); len(fails) > 0 {
		t.Errorf("failed against the correct server through the control plane: %v", fails)
	}
}

func TestExecuteAnonymousModeSkips(t *testing.T) {
	target := startTarget(t)
	target.MockAS = nil
	r, err := Execute(testContext(t), target, Options{LabelFilter: "mode:minting"})
	if err != nil {
		t.Fatalf("Execute: %v", err)
	}
	for _, res := range r.Results {
		if res.Status != check.StatusSkip {
			t.Errorf("%s: %s without a minter, want skip", res.ID, res.Status)
		}
	}
}

func TestPrepareSendsHeaders(t *testing.T) {
	target := startTarget(t)
	upstream, err := url.Parse(target.URL)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var seen []string
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.Header.Get("X-Conformance-Run"))
		mu.Unlock()
		httputil.NewSingleHostReverseProxy(&url.URL{Scheme: upstream.Scheme, Host: upstream.Host}).ServeHTTP(w, r)
	}))
	t.Cleanup(proxy.Close)
	target.URL = proxy.URL + upstream.Path
	target.Headers = http.Header{"X-Conformance-Run": {"e2e"}}
	if _, err := Prepare(testContext(t), target); err != nil {
		t.Fatalf("Prepare: %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(seen) == 0 || slices.ContainsFunc(seen, func(v string) bool { return v != "e2e" }) {
		t.Errorf("X-Conformance-Run values seen by the target: %q, want only \"e2e\"", seen)
	}
}

// TestRunCorrectServer is the Go test API as a user would call it: against the correct
// server no subtest may fail.
func TestRunCorrectServer(t *testing.T) {
	Run(t, startTarget(t))
}

// TestRunHelper runs the Go test API against the server named by MCP_CONFORM_HELPER_FLAW
// (a fixtures.Flaw); it is a subprocess of TestRunBrokenServer and does nothing otherwise.
func TestRunHelper(t *testing.T) {
	flaw := os.Getenv("MCP_CONFORM_HELPER_FLAW")
	if flaw == "" {
		t.Skip("helper process for TestRunBrokenServer")
	}
	var opts []Option
	if os.Getenv("MCP_CONFORM_HELPER_STRICT") != "" {
		opts = append(opts, WithStrict())
	}
	if ids := os.Getenv("MCP_CONFORM_HELPER_BASELINE"); ids != "" {
		b := &Baseline{}
		for _, id := range strings.Split(ids, ",") {
			b.Entries = append(b.Entries, BaselineEntry{ID: id, Reason: "accepted in the test"})
		}
		opts = append(opts, WithExpectedFailures(b))
	}
	Run(t, startTarget(t, fixtures.Flaw(flaw)), opts...)
}

// helperRun runs TestRunHelper in a subprocess and returns its verbose output and whether it
// passed.
func helperRun(t *testing.T, flaw fixtures.Flaw, run string, env ...string) (string, bool) {
	t.Helper()
	return helperCommand(t, "^TestRunHelper$"+run, append(env, "MCP_CONFORM_HELPER_FLAW="+string(flaw))...)
}

// helperCommand runs this test binary with -test.run=run and the extra environment, and
// returns its combined output and whether it passed.
func helperCommand(t *testing.T, run string, env ...string) (string, bool) {
	t.Helper()
	cmd := exec.CommandContext(testContext(t), os.Args[0], "-test.run="+run, "-test.v", "-test.count=1")
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("running the helper: %v", err)
	}
	return string(out), err == nil
}

// subtestOutcomes parses "--- FAIL: TestRunHelper/RS-02" lines.
func subtestOutcomes(out string) map[string]string {
	m := map[string]string{}
	re := regexp.MustCompile(`(?m)^\s*--- (PASS|FAIL|SKIP): TestRunHelper/(\S+)`)
	for _, g := range re.FindAllStringSubmatch(out, -1) {
		m[g[2]] = g[1]
	}
	return m
}

func TestRunBrokenServer(t *testing.T) {
	if os.Getenv("MCP_CONFORM_HELPER_FLAW") != "" {
		t.Skip("inside the helper process")
	}
	broken := fixtures.Catalogue()[1] // no-challenge: RS-02 must fail
	if broken.Flaws[0] != fixtures.FlawNoWWWAuthenticate || !slices.Contains(broken.ExpectFail, "RS-02") {
		t.Fatalf("catalogue entry 1 is %+v, the test expects no-challenge failing RS-02", broken)
	}
	flaw := broken.Flaws[0]

	// The plain driver says which checks fail against this server; the Go test API must fail
	// exactly those subtests.
	r, err := Execute(testContext(t), startTarget(t, flaw), Options{})
	if err != nil {
		t.Fatal(err)
	}
	wantFail := withStatus(r.Results, check.StatusFail)

	out, passed := helperRun(t, flaw, "")
	if passed {
		t.Fatalf("Run against %s passed; output:\n%s", broken.Name, out)
	}
	outcomes := subtestOutcomes(out)
	var gotFail []string
	for id, o := range outcomes {
		if o == "FAIL" {
			gotFail = append(gotFail, id)
		}
	}
	slices.Sort(gotFail)
	if !slices.Equal(gotFail, wantFail) {
		t.Errorf("failed subtests %v, want %v (from Execute)", gotFail, wantFail)
	}
	if len(outcomes) != len(r.Results) {
		t.Errorf("%d subtests reported, want %d", len(outcomes), len(r.Results))
	}
	for _, want := range []string{"FAIL RS-02 (MUST)", "steps:", "see: "} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q", want)
		}
	}

	// -run selects one check.
	out, passed = helperRun(t, flaw, "/^RS-02$")
	if got := subtestOutcomes(out); passed || len(got) != 1 || got["RS-02"] != "FAIL" {
		t.Errorf("-run /RS-02: passed=%v outcomes %v", passed, got)
	}
	out, passed = helperRun(t, flaw, "/^RS-01$")
	if got := subtestOutcomes(out); !passed || len(got) != 1 || got["RS-01"] != "PASS" {
		t.Errorf("-run /RS-01: passed=%v outcomes %v\n%s", passed, got, out)
	}

	// Expected failures are logged, not failed; with strict, a stale entry fails.
	out, passed = helperRun(t, flaw, "", "MCP_CONFORM_HELPER_BASELINE="+strings.Join(wantFail, ","))
	if !passed || !strings.Contains(out, "expected failure (baseline)") {
		t.Errorf("with a baseline of %v: passed=%v\n%s", wantFail, passed, out)
	}
	out, passed = helperRun(t, flaw, "/^RS-01$", "MCP_CONFORM_HELPER_BASELINE=RS-01", "MCP_CONFORM_HELPER_STRICT=1")
	if passed || !strings.Contains(out, "stale baseline entry") {
		t.Errorf("strict with a stale entry: passed=%v\n%s", passed, out)
	}
}

// TestReportsOfARealRun writes every report of a real run against a server that accepts
// tokens in the query string (so tokens travel in URLs and bodies) and checks that no
// complete JWT appears in any of them, and that every result is in each.
func TestReportsOfARealRun(t *testing.T) {
	r, err := Execute(testContext(t), startTarget(t, fixtures.FlawQueryTokenAccepted), Options{})
	if err != nil {
		t.Fatal(err)
	}
	exchanges := 0
	for _, res := range r.Results {
		exchanges += len(res.Exchanges)
	}
	if exchanges == 0 {
		t.Fatal("the run recorded no exchanges; the leak check would be vacuous")
	}
	jwt := regexp.MustCompile(`eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*`)
	writers := map[string]func(w *strings.Builder) error{
		"json":    func(w *strings.Builder) error { return r.WriteJSON(w) },
		"junit":   func(w *strings.Builder) error { return r.WriteJUnit(w) },
		"console": func(w *strings.Builder) error { return r.WriteConsole(w, false) },
		"html":    func(w *strings.Builder) error { return r.WriteHTML(w) },
		"sarif":   func(w *strings.Builder) error { return r.WriteSARIF(w, SARIFOptions{Location: "server/auth.go"}) },
		"verbose": func(w *strings.Builder) error { return r.WriteConsoleWith(w, ConsoleOptions{Verbose: true}) },
	}
	for name, write := range writers {
		var b strings.Builder
		if err := write(&b); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if m := jwt.FindString(b.String()); m != "" {
			t.Errorf("%s report contains a token: %.40s…", name, m)
		}
		for _, res := range r.Results {
			if !strings.Contains(b.String(), res.ID) {
				t.Errorf("%s report lacks %s", name, res.ID)
			}
		}
		if name == "sarif" {
			validateSARIF(t, sarifSchema(t), []byte(b.String()))
		}
	}
}
