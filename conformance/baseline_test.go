package conformance

// Tests of baseline parsing, validation, writing and derivation from a report.

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mcp-conform/mcp-conform/conformance/check"
)

// knownIDs is a lookup that knows only the given IDs.
func knownIDs(ids ...string) func(string) (check.Requirement, bool) {
	return func(id string) (check.Requirement, bool) {
		for _, k := range ids {
			if k == id {
				return check.Requirement{ID: id}, true
			}
		}
		return check.Requirement{}, false
	}
}

func TestParseBaseline(t *testing.T) {
	lookup := knownIDs("RS-02", "RS-05")
	tests := []struct {
		name       string
		yaml       string
		want       []BaselineEntry
		wantErr    string // substring; "" = no error
		unknownErr bool   // errors.Is(err, ErrUnknownID)
	}{
		{
			name: "valid",
			yaml: "expected_failures:\n  - id: RS-05\n    reason: \"gateway strips the header\"\n  - id: RS-02\n    reason: \"tracked in #12\"\n",
			want: []BaselineEntry{{ID: "RS-05", Reason: "gateway strips the header"}, {ID: "RS-02", Reason: "tracked in #12"}},
		},
		{name: "flow style", yaml: `expected_failures: [{id: RS-05, reason: "x"}]`, want: []BaselineEntry{{ID: "RS-05", Reason: "x"}}},
		{name: "empty file", yaml: "", want: nil},
		{name: "empty list", yaml: "expected_failures: []\n", want: []BaselineEntry{}},
		{name: "unknown id", yaml: "expected_failures:\n  - id: RS-99\n    reason: typo\n", wantErr: `unknown requirement ID "RS-99"`, unknownErr: true},
		{name: "missing reason", yaml: "expected_failures:\n  - id: RS-05\n", wantErr: "missing reason"},
		{name: "blank reason", yaml: "expected_failures:\n  - id: RS-05\n    reason: '  '\n", wantErr: "missing reason"},
		{name: "missing id", yaml: "expected_failures:\n  - reason: why\n", wantErr: "missing id"},
		{name: "duplicate id", yaml: "expected_failures:\n  - {id: RS-05, reason: a}\n  - {id: RS-05, reason: b}\n", wantErr: "duplicate id RS-05"},
		{name: "unknown key", yaml: "expected_failures:\n  - {id: RS-05, reason: a, owner: me}\n", wantErr: "owner"},
		{name: "not yaml", yaml: "expected_failures: [\n", wantErr: "decoding YAML"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := parseBaseline([]byte(tt.yaml), lookup)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tt.wantErr)
				}
				if got := errors.Is(err, ErrUnknownID); got != tt.unknownErr {
					t.Errorf("errors.Is(err, ErrUnknownID) = %v, want %v", got, tt.unknownErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if diff := cmp.Diff(tt.want, b.Entries); diff != "" {
				t.Errorf("entries (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLoadBaselineFileErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := LoadBaseline(filepath.Join(dir, "missing.yaml")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: error %v, want one wrapping os.ErrNotExist", err)
	}
	path := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(path, []byte("expected_failures:\n  - id: NOT-A-REAL-ID-000\n    reason: x\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := LoadBaseline(path)
	if !errors.Is(err, ErrUnknownID) || !strings.Contains(err.Error(), path) {
		t.Errorf("unknown ID: error %v, want one wrapping ErrUnknownID and naming the file", err)
	}
}

func TestBaselineReason(t *testing.T) {
	for in, want := range map[string]string{
		"a valid token was refused.": "a valid token was refused.",
		"GET http://127.0.0.1:49152/.well-known/oauth-protected-resource answered 500; body: {\"x\":1}": "GET /.well-known/oauth-protected-resource answered 500",
		strings.Repeat("word ", 40): strings.TrimSpace(strings.Repeat("word ", 20)) + "…",
	} {
		if got := baselineReason(in); got != want {
			t.Errorf("baselineReason(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestBaselineRoundTrip(t *testing.T) {
	r := syntheticReport()
	b := BaselineFrom(r)
	want := []BaselineEntry{
		{ID: "RS-02", Reason: "expected 401 with WWW-Authenticate: Bearer"},
		{ID: "RS-03", Reason: "the challenge has no resource_metadata parameter <script>alert(1)</script>"},
		{ID: "PRM-01", Reason: "GET /.well-known/oauth-protected-resource returned 404"},
	}
	if diff := cmp.Diff(want, b.Entries); diff != "" {
		t.Fatalf("BaselineFrom (-want +got):\n%s", diff)
	}
	var buf bytes.Buffer
	if err := b.Write(&buf); err != nil {
		t.Fatal(err)
	}
	golden(t, "baseline.yaml.golden", buf.Bytes())
	back, err := parseBaseline(buf.Bytes(), knownIDs("RS-02", "RS-03", "PRM-01"))
	if err != nil {
		t.Fatalf("reading back what Write wrote: %v", err)
	}
	if diff := cmp.Diff(b, back); diff != "" {
		t.Errorf("round trip (-wrote +read):\n%s", diff)
	}
	// Applying the derived baseline leaves nothing unexpected.
	again := newReport(r.Target, r.SpecVersion, r.StartedAt, r.Duration, r.Results, back)
	if code := again.ExitCode(true); code != 0 {
		t.Errorf("strict exit code with the derived baseline = %d, want 0 (unexpected %v)", code, again.Unexpected)
	}
}

func TestBaselineFromDetailless(t *testing.T) {
	r := newReport("http://127.0.0.1/mcp", "", time.Time{}, 0, []check.Result{
		{ID: "RS-02", Title: "MUST answer 401", Status: check.StatusFail},
		{ID: "RS-04", Title: "token", Status: check.StatusFail, Detail: "\n  sent Bearer " + fakeSecret + "\nmore"},
	}, nil)
	got := BaselineFrom(r).Entries
	want := []BaselineEntry{
		{ID: "RS-02", Reason: "FAIL RS-02: MUST answer 401"},
		{ID: "RS-04", Reason: "sent Bearer [redacted JWT, 78 bytes]"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestNilBaselineWrite(t *testing.T) {
	var b *Baseline
	var buf bytes.Buffer
	if err := b.Write(&buf); err != nil {
		t.Fatal(err)
	}
	back, err := parseBaseline(buf.Bytes(), knownIDs())
	if err != nil || len(back.Entries) != 0 {
		t.Errorf("nil baseline wrote %q, read back %v, %v", buf.String(), back, err)
	}
}
