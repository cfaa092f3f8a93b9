package conformance_test

// The Go test API as a user meets it: testdata/example is a module of its own (example.com/
// myserver, a go-sdk server and its tests, with a replace directive to this repository),
// compiled once with `go test -c` and run with the flags Go developers use. Building it
// needs no network: GOPROXY=off, with the module cache this module's own build populated
// (the example requires the same versions, and its go.sum is committed).

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// buildExampleModule compiles the example module's tests and returns the test binary.
func buildExampleModule(t *testing.T) string {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is needed to build testdata/example: %v", err)
	}
	// Build a copy, so that the build never edits the repository: its replace directive
	// names this repository by absolute path, and its go.sum holds this module's go.sum too,
	// so the requirements this module adds later resolve offline from the module cache.
	dir := t.TempDir()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	src := filepath.Join("testdata", "example")
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		switch e.Name() {
		case "go.mod":
			b = []byte(strings.Replace(string(b), "=> ../../..", "=> "+root, 1))
		case "go.sum":
			main, err := os.ReadFile(filepath.Join(root, "go.sum"))
			if err != nil {
				t.Fatal(err)
			}
			b = append(b, main...)
		}
		if err := os.WriteFile(filepath.Join(dir, e.Name()), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	bin := filepath.Join(dir, "example.test")
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, goTool, "test", "-c", "-o", bin, ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off", "GOWORK=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go test -c in a copy of testdata/example: %v\n%s", err, out)
	}
	return bin
}

// runExample runs the example's test binary with args and MCP_CONFORM_EXAMPLE=mistake.
func runExample(t *testing.T, bin, mistake string, args ...string) (string, bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, append([]string{"-test.count=1"}, args...)...)
	cmd.Dir = filepath.Join("testdata", "example")
	cmd.Env = append(os.Environ(), "MCP_CONFORM_EXAMPLE="+mistake)
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("running the example: %v", err)
	}
	return string(out), err == nil
}

func TestExampleModule(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a module with go test -c")
	}
	bin := buildExampleModule(t)
	outcomes := func(out string) map[string]string { return testOutcomes(out) }
	wantContains := func(t *testing.T, out string, wants ...string) {
		t.Helper()
		for _, w := range wants {
			if !strings.Contains(out, w) {
				t.Errorf("output lacks %q:\n%s", w, out)
			}
		}
	}

	// Acceptance: `defer srv.Close()` — the server outlives the suite, which passes on the
	// correct go-sdk server; so do t.Parallel with t.Cleanup and the Ginkgo suite.
	t.Run("correct server passes", func(t *testing.T) {
		out, passed := runExample(t, bin, "", "-test.v", "-test.run=^(TestConformance|TestConformanceParallel|TestGinkgoSuite)$")
		o := outcomes(out)
		if !passed || o["TestConformance"] != "PASS" || o["TestConformanceParallel"] != "PASS" || o["TestGinkgoSuite"] != "PASS" {
			t.Fatalf("passed=%v outcomes %v:\n%s", passed, o, out)
		}
		for _, id := range []string{"RS-02", "RS-26", "RS-43", "RS-50"} {
			if o["TestConformance/"+id] != "PASS" || o["TestConformanceParallel/"+id] != "PASS" {
				t.Errorf("%s: %q and %q, want PASS in both tests", id, o["TestConformance/"+id], o["TestConformanceParallel/"+id])
			}
		}
		if strings.Contains(out, "connection refused") {
			t.Errorf("a check ran after the server was closed:\n%s", out)
		}
	})

	// Acceptance: the same server without its audience check fails, at the caller's line,
	// naming the check.
	t.Run("server without audience check fails", func(t *testing.T) {
		out, passed := runExample(t, bin, "no-audience", "-test.run=^TestConformance$")
		if passed {
			t.Fatalf("passed:\n%s", out)
		}
		wantContains(t, out, "--- FAIL: TestConformance/RS-43")
		if !regexp.MustCompile(`(?m)^\s+server_test\.go:\d+: FAIL RS-43 \(MUST\)`).MatchString(out) {
			t.Errorf("the failure is not reported at the caller's line in server_test.go:\n%s", out)
		}
	})

	t.Run("-run selects one check", func(t *testing.T) {
		out, passed := runExample(t, bin, "no-audience", "-test.v", "-test.run=^TestConformance$/^RS-43$")
		if passed || strings.Count(out, "=== RUN") != 2 || outcomes(out)["TestConformance/RS-43"] != "FAIL" {
			t.Errorf("want exactly TestConformance and its failing RS-43 to run:\n%s", out)
		}
	})

	t.Run("-failfast stops at the first failed check", func(t *testing.T) {
		out, passed := runExample(t, bin, "no-audience", "-test.v", "-test.failfast", "-test.run=^TestConformance$")
		o := outcomes(out)
		if passed || o["TestConformance/RS-43"] != "FAIL" {
			t.Fatalf("want RS-43 to fail:\n%s", out)
		}
		if _, ran := o["TestConformance/RS-44"]; ran {
			t.Errorf("RS-44 ran after RS-43 failed under -failfast:\n%s", out)
		}
	})

	t.Run("-count and -shuffle", func(t *testing.T) {
		out, passed := runExample(t, bin, "", "-test.count=2", "-test.shuffle=on", "-test.run=^(TestConformance|TestConformanceParallel)$")
		if !passed {
			t.Errorf("failed:\n%s", out)
		}
	})

	// An unreachable target fails with one message, even when -run selects only checks
	// that would otherwise skip.
	for _, run := range []string{"^TestConformance$", "TestConformance$/RS-3[0-9]$"} {
		t.Run("unreachable target fails "+run, func(t *testing.T) {
			out, passed := runExample(t, bin, "closed", "-test.v", "-test.run="+run)
			if passed {
				t.Fatalf("passed on a closed server:\n%s", out)
			}
			if n := strings.Count(out, "is not reachable"); n != 1 {
				t.Errorf("%d unreachable messages, want 1:\n%s", n, out)
			}
			if o := outcomes(out); len(o) != 1 || o["TestConformance"] != "FAIL" {
				t.Errorf("outcomes %v, want only TestConformance FAIL:\n%s", o, out)
			}
		})
	}

	// A URL that answers but is not an MCP endpoint fails with one message.
	t.Run("not an MCP endpoint fails", func(t *testing.T) {
		out, passed := runExample(t, bin, "not-mcp", "-test.v", "-test.run=^TestConformance$")
		if passed || strings.Count(out, "is not an MCP endpoint") != 1 || !strings.Contains(out, "answered 404 Not Found") {
			t.Errorf("want one failure saying the URL is not an MCP endpoint:\n%s", out)
		}
		if o := outcomes(out); len(o) != 1 {
			t.Errorf("outcomes %v, want only TestConformance:\n%s", o, out)
		}
	})

	// With WithStrict a warning fails its subtest, so it shows without -v, at the caller's
	// line.
	t.Run("strict warnings show without -v", func(t *testing.T) {
		out, passed := runExample(t, bin, "strict", "-test.run=^TestConformanceStrict$/^RS-33$")
		if passed {
			t.Fatalf("passed:\n%s", out)
		}
		if !regexp.MustCompile(`(?m)^\s+server_test\.go:\d+: WARN RS-33`).MatchString(out) {
			t.Errorf("the warning is not shown at the caller's line:\n%s", out)
		}
	})

	// Ginkgo: one It per check in the user's container, labels from the registry.
	t.Run("ginkgo entry point", func(t *testing.T) {
		out, passed := runExample(t, bin, "no-audience", "-test.run=^TestGinkgoSuite$", "-ginkgo.no-color", "-ginkgo.label-filter=id:RS-43 || id:RS-02")
		if passed {
			t.Fatalf("passed against the server without audience check:\n%s", out)
		}
		wantContains(t, out, "Ran 2 of", "[FAIL] myserver mcp-conform [It] RS-43: MUST reject tokens issued for another audience", "ginkgo_test.go:")
	})
}
