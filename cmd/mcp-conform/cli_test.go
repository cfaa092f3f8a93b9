package main

// Flag parsing, usage text and usage-error exit codes, run in-process: none of these cases
// reaches the suite.

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mcp-conform/mcp-conform/conformance/check"
)

func TestCLI_main_usageErrors(t *testing.T) {
	const u = "http://127.0.0.1:1/mcp"
	tests := []struct {
		name     string
		env      map[string]string
		args     []string
		inStderr string
	}{
		{"no subcommand", nil, nil, "Subcommands:"},
		{"unknown subcommand", nil, []string{"frobnicate"}, `unknown subcommand "frobnicate"`},
		{"unknown flag", nil, []string{"run", "--url", u, "--frobnicate"}, "flag provided but not defined: --frobnicate"},
		{"missing url", nil, []string{"run"}, "--url is required"},
		{"relative url", nil, []string{"run", "--url", "/mcp"}, "not an absolute http(s) URL"},
		{"positional argument", nil, []string{"run", "--url", u, "extra"}, `unexpected argument "extra"`},
		{"scope without =", nil, []string{"run", "--url", u, "--scope", "weather"}, "want OPERATION=SCOPE"},
		{"scope empty tool", nil, []string{"run", "--url", u, "--scope", "=mcp:x"}, "want OPERATION=SCOPE"},
		{"scope unknown method", nil, []string{"run", "--url", u, "--scope", "tools/cal:x=mcp:x"}, "unknown method"},
		{"tool args not JSON", nil, []string{"run", "--url", u, "--tool-args", "weather={city"}, "must be a JSON object"},
		{"tool args for a list method", nil, []string{"run", "--url", u, "--tool-args", "tools/list={}"}, "not tools/list"},
		{"tool args file missing", nil, []string{"run", "--url", u, "--tool-args-file", "/nonexistent/args.yaml"}, "--tool-args-file"},
		{"scope duplicate tool", nil, []string{"run", "--url", u, "--scope", "a=x", "--scope", "a=y"}, "already declared"},
		{"rate limit without slash", nil, []string{"run", "--url", u, "--rate-limit", "5"}, "want N/DURATION"},
		{"rate limit zero", nil, []string{"run", "--url", u, "--rate-limit", "0/1s"}, "not a positive integer"},
		{"rate limit bad duration", nil, []string{"run", "--url", u, "--rate-limit", "5/soon"}, "period"},
		{"rate limit beyond the probe", nil, []string{"run", "--url", u, "--rate-limit", "6000/1m"}, "at most 4999 per window"},
		{"mockas and serve-mockas", nil, []string{"run", "--url", u, "--mockas", "http://127.0.0.1:2", "--serve-mockas", "127.0.0.1:3"}, "mutually exclusive"},
		{"serve-mockas without port", nil, []string{"run", "--url", u, "--serve-mockas", "127.0.0.1"}, "want host:port"},
		{"serve-mockas port zero", nil, []string{"run", "--url", u, "--serve-mockas", "127.0.0.1:0"}, "port must be"},
		{"bad spec version", nil, []string{"run", "--url", u, "--spec-version", "2024-11-05"}, "want one of auto"},
		{"bad timeout", nil, []string{"run", "--url", u, "--timeout", "-1s"}, "must be positive"},
		{"timeout word", nil, []string{"run", "--url", u, "--timeout", "soon"}, "--timeout: want a duration such as 5s, 500ms or 2m (a bare number means seconds)"},
		{"two reports on stdout", nil, []string{"run", "--url", u, "--json", "-", "--sarif", "-"}, "only one report can be written to standard output"},
		{"baseline on stdout", nil, []string{"run", "--url", u, "--write-baseline", "-"}, "--write-baseline needs a file name"},
		{"absolute sarif location", nil, []string{"run", "--url", u, "--sarif-location", "/etc/ci.yml"}, "want a path relative to the repository root"},
		{"empty token env", nil, []string{"run", "--url", u, "--token-env", "MCP_TOKEN"}, "environment variable MCP_TOKEN is empty or unset"},
		{"empty header env", nil, []string{"run", "--url", u, "--header-env", "GW"}, "environment variable GW is empty or unset"},
		{"malformed header env", map[string]string{"GW": "no colon here"}, []string{"run", "--url", u, "--header-env", "GW"}, `want "Header-Name: value" in GW`},
		{"authorization header env", map[string]string{"GW": "Authorization: Bearer x"}, []string{"run", "--url", u, "--header-env", "GW"}, "--token-env"},
		{"missing baseline", nil, []string{"run", "--url", u, "--expected-failures", filepath.Join(t.TempDir(), "none.yaml")}, "--expected-failures"},
		{"explain without id", nil, []string{"explain"}, "want exactly one check ID"},
		{"explain unknown id", nil, []string{"explain", "NOPE-999"}, `unknown check ID "NOPE-999"`},
		{"list extra argument", nil, []string{"list", "x"}, `unexpected argument "x"`},
		{"list unknown flag", nil, []string{"list", "--yaml"}, "flag provided but not defined"},
		{"version extra argument", nil, []string{"version", "x"}, `unexpected argument "x"`},
		{"demo extra argument", nil, []string{"demo", "x"}, `unexpected argument "x"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runInProcess(t, tt.env, tt.args...)
			wantCode(t, r, exitUsage, tt.args...)
			if !strings.Contains(r.stderr, tt.inStderr) {
				t.Errorf("stderr does not contain %q:\n%s", tt.inStderr, r.stderr)
			}
			if r.stdout != "" {
				t.Errorf("stdout is not empty on a usage error:\n%s", r.stdout)
			}
			// The error and one line pointing at --help, not the whole usage text.
			if n := strings.Count(r.stderr, "\n"); len(tt.args) > 0 && n > 2 {
				t.Errorf("a usage error printed %d lines, want the error and a pointer to --help:\n%s", n, r.stderr)
			}
			if len(tt.args) > 0 && !strings.Contains(r.stderr, "--help") && !strings.Contains(r.stderr, `"mcp-conform list" shows`) {
				t.Errorf("stderr does not point at --help:\n%s", r.stderr)
			}
		})
	}
}

func TestParseDuration(t *testing.T) {
	for in, want := range map[string]time.Duration{
		"5": 5 * time.Second, "0.5": 500 * time.Millisecond, "5s": 5 * time.Second, "1m30s": 90 * time.Second, " 250ms ": 250 * time.Millisecond,
	} {
		if got, err := parseDuration(in); err != nil || got != want {
			t.Errorf("parseDuration(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "soon", "5 seconds", "1e30"} {
		if _, err := parseDuration(in); err == nil {
			t.Errorf("parseDuration(%q): no error", in)
		}
	}
}

func TestCLI_timeoutInSeconds(t *testing.T) {
	var f runFlags
	fs := newRunFlagSet(&f)
	if err := fs.Parse([]string{"--url", "http://127.0.0.1:1/mcp", "--timeout", "3"}); err != nil {
		t.Fatal(err)
	}
	if f.timeout != 3*time.Second {
		t.Errorf("--timeout 3 = %v, want 3s", f.timeout)
	}
}

func TestCLI_main_secretsNeverPrinted(t *testing.T) {
	const secret = "s3cr3t-value-that-must-not-leak"
	env := map[string]string{"GW": "X-Api-Key " + secret} // malformed: no colon
	r := runInProcess(t, env, "run", "--url", "http://127.0.0.1:1/mcp", "--header-env", "GW")
	wantCode(t, r, exitUsage)
	if strings.Contains(r.stdout+r.stderr, secret) {
		t.Errorf("output contains the secret value:\n%s", r.stderr)
	}
}

func TestCLI_main_help(t *testing.T) {
	tests := []struct {
		args     []string
		inStdout string
	}{
		{[]string{"--help"}, "Subcommands:"},
		{[]string{"-h"}, "Subcommands:"},
		{[]string{"help"}, "Subcommands:"},
		{[]string{"help", "run"}, "mcp-conform run --url URL"},
		{[]string{"run", "--help"}, "--serve-mockas ADDR"},
		{[]string{"run", "-h"}, "--expected-failures FILE"},
		{[]string{"list", "--help"}, "mcp-conform list [--json]"},
		{[]string{"explain", "-h"}, "mcp-conform explain ID"},
		{[]string{"demo", "--help"}, "mcp-conform demo"},
		{[]string{"version", "-h"}, "mcp-conform version"},
		{[]string{"docs", "--help"}, "--update FILE"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			r := runInProcess(t, nil, tt.args...)
			wantCode(t, r, exitOK, tt.args...)
			if !strings.Contains(r.stdout, tt.inStdout) {
				t.Errorf("stdout does not contain %q:\n%s", tt.inStdout, r.stdout)
			}
			if r.stderr != "" {
				t.Errorf("stderr is not empty:\n%s", r.stderr)
			}
		})
	}
}

func TestCLI_main_topUsageHidesDocs(t *testing.T) {
	r := runInProcess(t, nil, "--help")
	if strings.Contains(r.stdout, "  docs ") {
		t.Errorf("the hidden docs subcommand is listed:\n%s", r.stdout)
	}
}

func TestCLI_main_version(t *testing.T) {
	r := runInProcess(t, nil, "version")
	wantCode(t, r, exitOK, "version")
	if !strings.HasPrefix(r.stdout, "mcp-conform ") || len(strings.TrimSpace(r.stdout)) <= len("mcp-conform") {
		t.Errorf("version output = %q, want \"mcp-conform <version>\"", r.stdout)
	}
}

func TestRunFlags_build(t *testing.T) {
	env := map[string]string{
		"MCP_TOKEN": "Bearer tok123\n",
		"GW1":       "X-Api-Key: k1",
		"GW2":       "x-tenant:  acme ",
	}
	var f runFlags
	fs := newRunFlagSet(&f)
	err := fs.Parse([]string{
		"--url", "http://127.0.0.1:8080/mcp", "--serve-mockas", "127.0.0.1:9000",
		"--spec-version", "2025-06-18", "--scope", "weather=mcp:tools:weather", "--scope", "admin = mcp:admin",
		"--rate-limit", "5/s", "--strict", "--label-filter", "level:must", "--timeout", "2s",
		"--token-env", "MCP_TOKEN", "--header-env", "GW1", "--header-env", "GW2",
	})
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	target, opts, err := f.build(func(k string) string { return env[k] })
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	if target.URL != "http://127.0.0.1:8080/mcp" || target.MockASURL != "http://127.0.0.1:9000" ||
		target.SpecVersion != "2025-06-18" || target.Token != "tok123" || target.Timeout != 2*time.Second {
		t.Errorf("target = %+v", target)
	}
	if diff := cmp.Diff(map[string]string{"tools/call:weather": "mcp:tools:weather", "tools/call:admin": "mcp:admin"}, target.Scopes); diff != "" {
		t.Errorf("scopes (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(&check.RateLimit{Requests: 5, Per: time.Second}, target.RateLimit); diff != "" {
		t.Errorf("rate limit (-want +got):\n%s", diff)
	}
	if got := target.Headers.Get("X-Api-Key") + "|" + target.Headers.Get("X-Tenant"); got != "k1|acme" {
		t.Errorf("headers = %v", target.Headers)
	}
	if !opts.Strict || opts.LabelFilter != "level:must" || opts.ExpectedFailures != nil {
		t.Errorf("options = %+v", opts)
	}
	if got := target.Mode(); got != "cooperative (mockas http://127.0.0.1:9000)" {
		t.Errorf("Mode = %q", got)
	}
}

func TestModeLine(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{nil, "anonymous"},
		{[]string{"--token-env", "T"}, "supplied token"},
		{[]string{"--mockas", "http://127.0.0.1:9/"}, "cooperative (mockas http://127.0.0.1:9)"},
	}
	for _, tt := range tests {
		var f runFlags
		fs := newRunFlagSet(&f)
		if err := fs.Parse(append([]string{"--url", "http://127.0.0.1:1/mcp"}, tt.args...)); err != nil {
			t.Fatalf("Parse: %v", err)
		}
		target, _, err := f.build(func(string) string { return "tok" })
		if err != nil {
			t.Fatalf("build(%v): %v", tt.args, err)
		}
		if got := target.Mode(); got != tt.want {
			t.Errorf("Mode(%v) = %q, want %q", tt.args, got, tt.want)
		}
	}
}

func TestParseRateLimit(t *testing.T) {
	tests := []struct {
		in      string
		want    *check.RateLimit
		wantErr bool
	}{
		{in: "5/1s", want: &check.RateLimit{Requests: 5, Per: time.Second}},
		{in: "100/1m", want: &check.RateLimit{Requests: 100, Per: time.Minute}},
		{in: "3/s", want: &check.RateLimit{Requests: 3, Per: time.Second}},
		{in: "10/500ms", want: &check.RateLimit{Requests: 10, Per: 500 * time.Millisecond}},
		{in: "5", wantErr: true},
		{in: "x/1s", wantErr: true},
		{in: "-1/1s", wantErr: true},
		{in: "5/", wantErr: true},
		{in: "5/0s", wantErr: true},
		{in: "5/-1s", wantErr: true},
	}
	for _, tt := range tests {
		got, err := parseRateLimit(tt.in)
		if (err != nil) != tt.wantErr {
			t.Errorf("parseRateLimit(%q) error = %v, wantErr %v", tt.in, err, tt.wantErr)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("parseRateLimit(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
}

func TestWriteFile_error(t *testing.T) {
	err := writeFile(filepath.Join(t.TempDir(), "missing-dir", "r.json"), nil)
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("writeFile into a missing directory: err = %v", err)
	}
}
