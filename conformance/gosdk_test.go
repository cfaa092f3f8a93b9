package conformance_test

// The full suite against the go-sdk server of example_gosdk_test.go (auth.RequireBearerToken,
// auth.ProtectedResourceMetadataHandler, mcp.NewStreamableHTTPHandler): no FAIL beyond the
// documented baseline, and the Go test API behaves as documented when driven by `go test`
// (subtest selection with -run, failure output naming what was sent, expected and received).

import (
	"context"
	"errors"
	"maps"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mcp-conform/mcp-conform/conformance"
	"github.com/mcp-conform/mcp-conform/conformance/check"
	"github.com/mcp-conform/mcp-conform/mockas"
)

// goSDKBaselinePath holds the go-sdk server's accepted deviations, each with its reason.
var goSDKBaselinePath = filepath.Join("testdata", "gosdk-baseline.yaml")

// goSDKBrokenEnv, when set in the environment, makes TestGoSDKBrokenHelper run the suite
// against the variant of the go-sdk server whose verifier accepts any token.
const goSDKBrokenEnv = "MCP_CONFORM_GOSDK_BROKEN"

// goSDKExpected returns the entries of testdata/gosdk-baseline.yaml with the given IDs: the
// expected failures of one run. Each baseline entry applies to the runs that name it only, so
// that a check failing in one spec version is not a stale entry in another.
func goSDKExpected(t testing.TB, ids ...string) *conformance.Baseline {
	t.Helper()
	all, err := conformance.LoadBaseline(goSDKBaselinePath)
	if err != nil {
		t.Fatalf("LoadBaseline(%s): %v", goSDKBaselinePath, err)
	}
	b := &conformance.Baseline{}
	for _, id := range ids {
		i := slices.IndexFunc(all.Entries, func(e conformance.BaselineEntry) bool { return e.ID == id })
		if i < 0 {
			t.Fatalf("%s has no entry for %s", goSDKBaselinePath, id)
		}
		b.Entries = append(b.Entries, all.Entries[i])
	}
	return b
}

// startGoSDKTarget starts a mockas and the go-sdk server variant trusting it and returns
// the cooperative-mode target.
func startGoSDKTarget(t testing.TB, opts goSDKOptions) conformance.Target {
	t.Helper()
	as := mockas.Start(t)
	srv := httptest.NewServer(newGoSDKServerVariant(as.Issuer(), opts))
	t.Cleanup(srv.Close)
	return conformance.Target{URL: srv.URL + "/mcp", MockAS: as, Scopes: goSDKTargetScopes()}
}

// TestGoSDKServer_Conformance runs every check as a subtest against the go-sdk server: no
// check may fail unless the baseline records it as a genuine go-sdk deviation.
func TestGoSDKServer_Conformance(t *testing.T) {
	conformance.Run(t, startGoSDKTarget(t, goSDKOptions{}), conformance.WithExpectedFailures(goSDKExpected(t)),
		conformance.WithReport(func(r *conformance.Report) {
			s := r.Summary
			t.Logf("go-sdk server, MCP %s: %d passed, %d failed, %d warnings, %d skipped, %d info in %s",
				r.SpecVersion, s.Pass, s.Fail, s.Warn, s.Skip, s.Info, r.Duration.Round(time.Millisecond))
			if len(r.Results) == 0 || len(r.Unexpected) > 0 {
				t.Errorf("report of the run: %d results, unexpected failures %v", len(r.Results), r.Unexpected)
			}
		}))
}

// goSDKVariant is one run of the suite against the go-sdk server.
type goSDKVariant struct {
	name     string
	opts     goSDKOptions
	spec     string   // Target.SpecVersion; "" = detect
	expected []string // IDs of testdata/gosdk-baseline.yaml that fail in this run
	mustPass []string // checks the server is built to meet, so a skip would hide broken wiring
}

// goSDKVariants are the runs of TestGoSDKServer_Verdicts: the default server (whose spec
// version detection yields 2025-11-25), the same server held to older versions, and its
// stateless form, the only one in which go-sdk v1.8.0 speaks 2026-07-28.
var goSDKVariants = []goSDKVariant{
	{name: "default", mustPass: []string{"RS-01", "RS-02", "RS-03", "RS-06", "RS-11", "RS-16", "RS-17",
		"RS-35", "RS-43", "RS-49", check.ControlID, "RS-51", "RS-52", "RS-53", "RS-57"}},
	{name: "2025-06-18", spec: "2025-06-18", mustPass: []string{"RS-02", "RS-17", check.ControlID, "RS-51", "RS-55"}},
	{name: "2025-03-26", spec: "2025-03-26", expected: []string{"RS-62"}, mustPass: []string{"RS-02", check.ControlID, "RS-51"}},
	{name: "stateless-2026-07-28", opts: goSDKOptions{Stateless: true}, spec: "2026-07-28", expected: []string{"RS-55"},
		mustPass: []string{"RS-02", check.ControlID, "RS-51", "RS-52", "RS-53", "RS-54", "RS-57"}},
}

// TestGoSDKServer_Verdicts runs the suite through Execute, which returns the report the Go
// test API does not expose, once per variant: it logs the summary and every verdict that is
// not a pass (checks not applicable to the version aside), and holds the baseline to exactly the failures (none unexpected, none stale).
func TestGoSDKServer_Verdicts(t *testing.T) {
	for _, v := range goSDKVariants {
		t.Run(v.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
			defer cancel()
			target := startGoSDKTarget(t, v.opts)
			target.SpecVersion = v.spec
			r, err := conformance.Execute(ctx, target, conformance.Options{ExpectedFailures: goSDKExpected(t, v.expected...)})
			if err != nil {
				t.Fatalf("Execute: %v", err)
			}
			s := r.Summary
			t.Logf("go-sdk server, MCP %s: %d checks: %d pass, %d fail, %d warn, %d skip, %d info; expected failures %v",
				r.SpecVersion, s.Total(), s.Pass, s.Fail, s.Warn, s.Skip, s.Info, r.Expected)
			for _, res := range r.Results {
				if res.Status != check.StatusPass && !strings.HasPrefix(res.Detail, "not applicable") {
					detail, _, _ := strings.Cut(res.Detail, "\n")
					t.Logf("  %-4s %-6s %s: %s", strings.ToUpper(string(res.Status)), res.ID, res.Title, detail)
				}
			}
			if code := r.ExitCode(false); code != 0 || len(r.Stale) > 0 {
				t.Errorf("exit code %d: unexpected failures %v, stale baseline entries %v", code, r.Unexpected, r.Stale)
			}
			if want := slices.Sorted(slices.Values(v.expected)); !slices.Equal(r.Expected, want) {
				t.Errorf("expected failures that occurred: %v, want %v", r.Expected, want)
			}
			got := map[string]check.Status{}
			for _, res := range r.Results {
				got[res.ID] = res.Status
			}
			for _, id := range v.mustPass {
				if got[id] != check.StatusPass {
					t.Errorf("%s: %q, want pass", id, got[id])
				}
			}
		})
	}
}

// TestGoSDKBrokenHelper runs the suite against the go-sdk server whose verifier accepts any
// token; it is a subprocess of TestGoSDKServer_FailureOutput and skips otherwise.
func TestGoSDKBrokenHelper(t *testing.T) {
	if os.Getenv(goSDKBrokenEnv) == "" {
		t.Skip("helper process for TestGoSDKServer_FailureOutput")
	}
	conformance.Run(t, startGoSDKTarget(t, goSDKOptions{AcceptAnyToken: true}))
}

// runTestBinary runs this test binary with -test.run=run and -test.v (and env added) and
// returns its combined output and whether it passed.
func runTestBinary(t *testing.T, run string, env ...string) (string, bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run="+run, "-test.v", "-test.count=1")
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("running %s: %v", os.Args[0], err)
	}
	return string(out), err == nil
}

// testOutcomes parses the "--- PASS: Name/Sub" lines of verbose output into name → outcome.
func testOutcomes(out string) map[string]string {
	m := map[string]string{}
	re := regexp.MustCompile(`(?m)^\s*--- (PASS|FAIL|SKIP): (\S+)`)
	for _, g := range re.FindAllStringSubmatch(out, -1) {
		m[g[2]] = g[1]
	}
	return m
}

// TestGoSDKServer_RunSelection checks that `go test -run 'TestGoSDKServer_Conformance/RS-02'`
// runs that one check and nothing else.
func TestGoSDKServer_RunSelection(t *testing.T) {
	if os.Getenv(goSDKBrokenEnv) != "" {
		t.Skip("inside the helper process")
	}
	out, passed := runTestBinary(t, "^TestGoSDKServer_Conformance$/^RS-02$")
	want := map[string]string{"TestGoSDKServer_Conformance": "PASS", "TestGoSDKServer_Conformance/RS-02": "PASS"}
	if diff := cmp.Diff(want, testOutcomes(out)); !passed || diff != "" {
		t.Errorf("-run TestGoSDKServer_Conformance/RS-02: passed=%v, outcomes (-want +got):\n%s\noutput:\n%s", passed, diff, out)
	}
	if runs := strings.Count(out, "=== RUN"); runs != 2 {
		t.Errorf("%d tests started, want 2 (the test and its RS-02 subtest):\n%s", runs, out)
	}
}

// TestGoSDKServer_FailureOutput runs the suite against the go-sdk server whose verifier
// accepts any token and checks that a failed check reads as a bug report: the failing
// subtest is named by the check ID and its message says what was sent, what was expected
// and what the server answered.
func TestGoSDKServer_FailureOutput(t *testing.T) {
	if os.Getenv(goSDKBrokenEnv) != "" {
		t.Skip("inside the helper process")
	}
	// RS-35: a token with alg none must be refused with 401; this server answers 200.
	out, passed := runTestBinary(t, "^TestGoSDKBrokenHelper$/^RS-35$", goSDKBrokenEnv+"=1")
	if passed {
		t.Fatalf("the suite passed against a server that accepts any token:\n%s", out)
	}
	if got := testOutcomes(out)["TestGoSDKBrokenHelper/RS-35"]; got != "FAIL" {
		t.Errorf("TestGoSDKBrokenHelper/RS-35: %q, want FAIL\n%s", got, out)
	}
	for _, want := range []string{
		"FAIL RS-35 (MUST)",      // the verdict, by check ID and level
		"defect alg_none",        // what was sent, in words
		"Sent:     POST http://", // and as a request
		"Expected: status 401",   // what the requirement asks for
		"Received: 200 OK",       // what the broken server answered
		"steps:",                 // how the check got there
	} {
		if !strings.Contains(out, want) {
			t.Errorf("failure output lacks %q:\n%s", want, out)
		}
	}
	if jwt := regexp.MustCompile(`eyJ[\w-]{4,}\.[\w-]*\.`); jwt.MatchString(out) {
		t.Errorf("failure output contains a token: %s", jwt.FindString(out))
	}
	// The selection ran one check: the other subtests did not run.
	if n := len(slices.DeleteFunc(slices.Collect(maps.Keys(testOutcomes(out))), func(k string) bool {
		return !strings.HasPrefix(k, "TestGoSDKBrokenHelper/")
	})); n != 1 {
		t.Errorf("%d subtests reported, want 1:\n%s", n, out)
	}
}
