package main

// The hidden "summary" subcommand: Markdown and key=value outputs from a JSON report.

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// sampleReport is a JSON report as "run --json" writes it: one expected (baseline) failure,
// one unexpected failure whose detail quotes hostile server text, one warning, a pass.
const sampleReport = `{
  "tool": "mcp-conform",
  "version": "v0.1.0",
  "target": "http://127.0.0.1:3000/mcp",
  "spec_version": "2025-11-25",
  "started_at": "2026-01-02T03:04:05Z",
  "duration_ms": 1234,
  "results": [
    {"id": "RS-01", "title": "MUST answer an unauthenticated request with 401 Unauthorized", "level": "MUST", "status": "pass", "detail": "", "refs": [], "area": "challenge", "duration_ms": 1},
    {"id": "RS-25", "title": "MAY send caching directives", "level": "MUST", "status": "fail", "detail": "no Cache-Control\nsecond line", "refs": [], "area": "prm", "duration_ms": 1, "expected_failure": true},
    {"id": "RS-35", "title": "MUST reject tokens with alg none", "level": "MUST", "status": "fail", "detail": "\n got 200 <script>alert(1)</script> | *bold* [x](y)\nmore", "refs": [], "area": "validation", "duration_ms": 1},
    {"id": "RS-06", "title": "SHOULD include a scope parameter in the 401 challenge", "level": "SHOULD", "status": "warn", "detail": "no scope", "refs": [], "area": "challenge", "duration_ms": 1}
  ],
  "summary": {"pass": 1, "fail": 2, "warn": 1, "skip": 0, "info": 0},
  "baseline": {"expected": ["RS-25"], "stale": ["RS-40"], "unexpected": ["RS-35"]}
}`

// writeSample writes content to a file and returns its path.
func writeSample(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "report.json")
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestSummary_outputs(t *testing.T) {
	path := writeSample(t, sampleReport)
	r := runInProcess(t, nil, "summary", "--format", "outputs", "--exit-code", "1", path)
	wantCode(t, r, exitOK, "summary --format outputs")
	want := "pass=1\nfail=2\nwarn=1\nskip=0\ninfo=0\ntotal=4\nfailed=RS-25 RS-35\nunexpected=RS-35\nexit-code=1\n"
	if diff := cmp.Diff(want, r.stdout); diff != "" {
		t.Errorf("outputs (-want +got):\n%s", diff)
	}
	r = runInProcess(t, nil, "summary", "--format", "outputs", path)
	if strings.Contains(r.stdout, "exit-code=") {
		t.Errorf("exit-code is printed without --exit-code:\n%s", r.stdout)
	}
}

func TestSummary_markdown(t *testing.T) {
	path := writeSample(t, sampleReport)
	r := runInProcess(t, nil, "summary", "--exit-code", "1", path)
	wantCode(t, r, exitOK, "summary")
	want := `### mcp-conform: ❌ 1 failed

Target http://127.0.0.1:3000/mcp · MCP 2025-11-25 · mcp-conform v0.1.0 · 1.2s · exit code 1

| Pass | Fail | Warn | Skip | Info | Total |
|---:|---:|---:|---:|---:|---:|
| 1 | 2 | 1 | 0 | 0 | 4 |

**Failed checks (2)**

- **RS-25** (MUST) MAY send caching directives — *expected (baseline)* — no Cache-Control
- **RS-35** (MUST) MUST reject tokens with alg none — got 200 &lt;script&gt;alert(1)&lt;/script&gt; \| \*bold\* \[x\](y)

**Warnings (1)**

- **RS-06** (SHOULD) SHOULD include a scope parameter in the 401 challenge — no scope

Stale baseline entries (now passing; remove them): RS-40

` + "`mcp-conform explain ID`" + ` tells what a check sends, expects and how to fix it.
`
	if diff := cmp.Diff(want, r.stdout); diff != "" {
		t.Errorf("markdown (-want +got):\n%s", diff)
	}
}

func TestSummary_markdownVerdicts(t *testing.T) {
	clean := strings.Replace(strings.Replace(sampleReport, `"status": "fail", "detail": "\n got`, `"status": "pass", "detail": "\n got`, 1),
		`"stale": ["RS-40"]`, `"stale": []`, 1)
	tests := []struct {
		name, report string
		exitCode     string
		want         string
	}{
		{"passed", clean, "0", "### mcp-conform: ✅ no check failed\n"},
		{"strict failure", clean, "1", "### mcp-conform: ❌ failed (warnings or stale baseline entries with --strict)\n"},
		{"incomplete", sampleReport, "2", "### mcp-conform: ⚠️ the run did not complete (exit 2)\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runInProcess(t, nil, "summary", "--exit-code", tt.exitCode, writeSample(t, tt.report))
			wantCode(t, r, exitOK, "summary")
			if !strings.HasPrefix(r.stdout, tt.want) {
				t.Errorf("summary starts with %q, want %q", strings.SplitN(r.stdout, "\n", 2)[0], tt.want)
			}
		})
	}
}

func TestSummary_maxItems(t *testing.T) {
	r := runInProcess(t, nil, "summary", "--max-items", "1", writeSample(t, sampleReport))
	wantCode(t, r, exitOK, "summary")
	if !strings.Contains(r.stdout, "- … and 1 more (see the reports)\n") || strings.Contains(r.stdout, "RS-35") {
		t.Errorf("--max-items 1 did not cut the failed list:\n%s", r.stdout)
	}
}

func TestSummary_errors(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		args     []string
		inStderr string
	}{
		{[]string{"summary"}, "want exactly one JSON report file"},
		{[]string{"summary", "--format", "yaml", writeSample(t, sampleReport)}, `--format "yaml"`},
		{[]string{"summary", "--max-items", "0", writeSample(t, sampleReport)}, "--max-items 0"},
		{[]string{"summary", filepath.Join(dir, "missing.json")}, "reading the report"},
		{[]string{"summary", writeSample(t, "not json")}, "decoding the report"},
		{[]string{"summary", writeSample(t, `{"tool":"other"}`)}, "is not an mcp-conform JSON report"},
	}
	for _, tt := range tests {
		r := runInProcess(t, nil, tt.args...)
		wantCode(t, r, exitUsage, tt.args...)
		if !strings.Contains(r.stderr, tt.inStderr) {
			t.Errorf("%v: stderr does not contain %q:\n%s", tt.args, tt.inStderr, r.stderr)
		}
	}
}

func TestSummary_hidden(t *testing.T) {
	r := runInProcess(t, nil, "--help")
	if strings.Contains(r.stdout, "  summary ") {
		t.Errorf("the hidden summary subcommand is listed:\n%s", r.stdout)
	}
	for _, want := range []string{"  token ", "  probe ", "  serve-fixture "} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("the usage does not list %q:\n%s", strings.TrimSpace(want), r.stdout)
		}
	}
}
