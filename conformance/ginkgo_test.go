package conformance

// Tests of the Ginkgo driver. RunSpecs may run once per process, so the in-process test runs
// the suite once against the correct server; runs against a broken server, with a baseline or
// a filter, happen in subprocesses of this test binary (TestRunSuiteHelper).

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/mcp-conform/mcp-conform/conformance/check"
	"github.com/mcp-conform/mcp-conform/fixtures"
)

// previewIDs returns the check IDs of the previewed specs that would run.
func previewIDs(t *testing.T, specs types.SpecReports) []string {
	t.Helper()
	var ids []string
	for _, s := range specs {
		if s.State == types.SpecStateSkipped {
			continue
		}
		id, _, _ := strings.Cut(s.LeafNodeText, ":")
		ids = append(ids, id)
	}
	return ids
}

func TestRunSuite(t *testing.T) {
	if os.Getenv("MCP_CONFORM_SUITE_HELPER") != "" {
		t.Skip("inside the helper process")
	}
	theGinkgoProcess.mu.Lock()
	alreadyRan := theGinkgoProcess.ran
	theGinkgoProcess.mu.Unlock()
	target := startTarget(t)
	ctx := testContext(t)
	if alreadyRan { // go test -count=N: the suite ran in an earlier iteration
		if _, err := RunSuite(ctx, target, Options{}); !errors.Is(err, ErrAlreadyRan) {
			t.Errorf("RunSuite after a run: error %v, want ErrAlreadyRan", err)
		}
		return
	}

	// Selection errors come before anything runs and do not use up the process's run.
	if _, err := RunSuite(ctx, target, Options{LabelFilter: "area:no-such-area"}); !errors.Is(err, ErrNoChecks) || !strings.Contains(err.Error(), "label filter") {
		t.Errorf("filter matching nothing: error %v, want ErrNoChecks mentioning the label filter", err)
	}
	if _, err := RunSuite(ctx, target, Options{LabelFilter: "level:must &&"}); err == nil {
		t.Error("invalid filter: no error")
	}
	if _, err := RunSuite(ctx, Target{URL: "http://127.0.0.1:1/mcp"}, Options{}); err == nil {
		t.Error("unreachable target: no error")
	}

	defs := check.Definitions()
	before, err := Preview(Options{})
	if err != nil {
		t.Fatalf("Preview: %v", err)
	}
	if len(before) != len(defs) {
		t.Errorf("Preview: %d specs, want %d", len(before), len(defs))
	}

	r, err := RunSuite(ctx, target, Options{})
	if err != nil {
		t.Fatalf("RunSuite: %v", err)
	}
	if len(r.Results) != len(defs) {
		t.Errorf("%d results, want %d", len(r.Results), len(defs))
	}
	for i, d := range defs {
		if i < len(r.Results) && r.Results[i].ID != d.ID {
			t.Errorf("result %d is %s, want %s (report order)", i, r.Results[i].ID, d.ID)
		}
	}
	for _, res := range r.Results {
		if res.Status == check.StatusFail {
			t.Errorf("%s failed against the correct server under Ginkgo:\n%s", res.ID, res.Detail)
		}
	}
	if r.ExitCode(false) != 0 || r.SpecVersion == "" {
		t.Errorf("exit code %d, spec version %q", r.ExitCode(false), r.SpecVersion)
	}

	if _, err := RunSuite(ctx, target, Options{}); !errors.Is(err, ErrAlreadyRan) {
		t.Errorf("second RunSuite: error %v, want ErrAlreadyRan", err)
	}
	after, err := Preview(Options{})
	if err != nil {
		t.Fatalf("Preview after the run: %v", err)
	}
	if len(after) != len(before) {
		t.Errorf("Preview after the run: %d specs, before %d (the tree must be declared once)", len(after), len(before))
	}
}

func TestPreviewFilter(t *testing.T) {
	specs, err := Preview(Options{LabelFilter: "level:must && area:challenge"})
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, d := range check.Definitions() {
		if d.Level == check.MUST && d.Area.Key == "challenge" {
			want = append(want, d.ID)
		}
	}
	if got := previewIDs(t, specs); !slices.Equal(got, want) || len(want) == 0 {
		t.Errorf("previewed to run %v, want %v", got, want)
	}
	if _, err := Preview(Options{LabelFilter: "(("}); err == nil {
		t.Error("invalid filter: no error")
	}
}

// TestRunSuiteHelper runs RunSuite in a subprocess of TestRunSuiteSubprocess against the
// server with the flaw in MCP_CONFORM_SUITE_HELPER ("none" = correct), with the label filter
// and baseline IDs from the environment, and writes the JSON report to the given file.
func TestRunSuiteHelper(t *testing.T) {
	flaw := os.Getenv("MCP_CONFORM_SUITE_HELPER")
	if flaw == "" {
		t.Skip("helper process for TestRunSuiteSubprocess")
	}
	var flaws []fixtures.Flaw
	if flaw != "none" {
		flaws = append(flaws, fixtures.Flaw(flaw))
	}
	opts := Options{LabelFilter: os.Getenv("MCP_CONFORM_SUITE_FILTER")}
	if os.Getenv("MCP_CONFORM_SUITE_GINKGO_OUTPUT") != "" {
		opts.GinkgoOutput = os.Stdout
	}
	if ids := os.Getenv("MCP_CONFORM_SUITE_BASELINE"); ids != "" {
		opts.ExpectedFailures = &Baseline{}
		for _, id := range strings.Split(ids, ",") {
			opts.ExpectedFailures.Entries = append(opts.ExpectedFailures.Entries, BaselineEntry{ID: id, Reason: "test"})
		}
	}
	r, err := RunSuite(testContext(t), startTarget(t, flaws...), opts)
	if err != nil {
		t.Fatalf("RunSuite: %v", err)
	}
	f, err := os.Create(os.Getenv("MCP_CONFORM_SUITE_REPORT"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := r.WriteJSON(f); err != nil {
		t.Fatal(err)
	}
	if err := r.WriteConsole(os.Stdout, false); err != nil {
		t.Fatal(err)
	}
}

// suiteHelper runs TestRunSuiteHelper and returns its output and JSON report.
func suiteHelper(t *testing.T, flaw, filter, baseline string, ginkgoOutput bool) (string, map[string]any) {
	t.Helper()
	report := filepath.Join(t.TempDir(), "report.json")
	showGinkgo := ""
	if ginkgoOutput {
		showGinkgo = "1"
	}
	out, _ := helperCommand(t, "^TestRunSuiteHelper$",
		"MCP_CONFORM_SUITE_HELPER="+flaw, "MCP_CONFORM_SUITE_FILTER="+filter,
		"MCP_CONFORM_SUITE_BASELINE="+baseline, "MCP_CONFORM_SUITE_REPORT="+report,
		"MCP_CONFORM_SUITE_GINKGO_OUTPUT="+showGinkgo)
	data, err := os.ReadFile(report)
	if err != nil {
		t.Fatalf("no report from the helper: %v\n%s", err, out)
	}
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatalf("report: %v", err)
	}
	return out, doc
}

// reportStatuses maps the IDs of a JSON report to their statuses.
func reportStatuses(doc map[string]any) map[string]string {
	m := map[string]string{}
	for _, r := range doc["results"].([]any) {
		res := r.(map[string]any)
		m[res["id"].(string)] = res["status"].(string)
	}
	return m
}

func TestRunSuiteSubprocess(t *testing.T) {
	if os.Getenv("MCP_CONFORM_SUITE_HELPER") != "" || os.Getenv("MCP_CONFORM_HELPER_FLAW") != "" {
		t.Skip("inside a helper process")
	}
	// A broken server, filtered to one area: RS-02 fails through ginkgo.Fail, the report
	// holds only the selected checks, Ginkgo's output comes before the summary line.
	out, doc := suiteHelper(t, string(fixtures.FlawNoWWWAuthenticate), "area:challenge", "", true)
	st := reportStatuses(doc)
	if st["RS-02"] != "fail" {
		t.Errorf("RS-02: %q, want fail\n%s", st["RS-02"], out)
	}
	for _, d := range check.Definitions() {
		if _, ok := st[d.ID]; ok != (d.Area.Key == "challenge") {
			t.Errorf("%s (area %s): in the filtered report = %v", d.ID, d.Area.Key, ok)
		}
	}
	if !strings.Contains(out, "[FAIL] mcp-conform") || !strings.Contains(out, "RS-02") {
		t.Errorf("Ginkgo did not report the failed spec:\n%s", out)
	}
	ginkgoEnd := strings.LastIndex(out, "[FAIL]")
	summary := strings.LastIndex(out, "mcp-conform: ")
	if summary < ginkgoEnd {
		t.Errorf("the summary line does not follow Ginkgo's output:\n%s", out)
	}

	// Without GinkgoOutput, Ginkgo's reporter says nothing: the report is the only output.
	out, _ = suiteHelper(t, string(fixtures.FlawNoWWWAuthenticate), "id:RS-02", "", false)
	if strings.Contains(out, "[FAIL] mcp-conform") || strings.Contains(out, "Ran 1 of") {
		t.Errorf("Ginkgo's output was not discarded:\n%s", out)
	}

	// The same with RS-02 expected: the report lists it as expected, nothing unexpected.
	_, doc = suiteHelper(t, string(fixtures.FlawNoWWWAuthenticate), "id:RS-02", "RS-02", false)
	base, _ := doc["baseline"].(map[string]any)
	if base == nil || len(base["expected"].([]any)) != 1 || len(base["unexpected"].([]any)) != 0 {
		t.Errorf("baseline section %v, want RS-02 expected and nothing unexpected", doc["baseline"])
	}
}
