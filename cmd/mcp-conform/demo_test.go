package main

// The demo end to end: a mockas, the correct server and every broken server of the catalogue,
// each run through a re-executed child.

import (
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mcp-conform/mcp-conform/fixtures"
)

func TestDemo(t *testing.T) {
	skipShort(t)
	r := runBinary(t, nil, "demo")
	wantCode(t, r, exitOK, "demo")
	summary := r.stdout[strings.LastIndex(r.stdout, "=== demo summary"):]
	var names []string
	for _, line := range strings.Split(summary, "\n")[3:] {
		f := strings.Fields(line)
		if len(f) < 2 || f[len(f)-1] != "ok" {
			continue
		}
		names = append(names, f[0])
	}
	want := []string{"correct"}
	for _, b := range fixtures.Catalogue() {
		want = append(want, b.Name)
	}
	sort.Strings(want)
	sort.Strings(names)
	if diff := cmp.Diff(want, names); diff != "" {
		t.Errorf("servers with verdict ok in the summary (-want +got):\n%s\n%s", diff, summary)
	}
	if !strings.Contains(r.stdout, "demo passed") {
		t.Errorf("no final verdict line:\n%s", tail(r.stdout))
	}
}

func TestDemoOutcome_ok(t *testing.T) {
	tests := []struct {
		name string
		o    demoOutcome
		want bool
	}{
		{"correct, clean", demoOutcome{name: "correct"}, true},
		{"correct, a fail", demoOutcome{name: "correct", fails: []string{"RS-01"}}, false},
		{"broken, expected fail", demoOutcome{expectFail: []string{"RS-01"}, fails: []string{"RS-01", "RS-02"}}, true},
		{"broken, missed", demoOutcome{expectFail: []string{"RS-01"}, missing: []string{"RS-01"}}, false},
	}
	for _, tt := range tests {
		if got := tt.o.ok(); got != tt.want {
			t.Errorf("%s: ok() = %v, want %v", tt.name, got, tt.want)
		}
	}
}
