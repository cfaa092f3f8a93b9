package main

// The demo end to end: a mockas, the correct server and every broken server of the catalogue,
// each run through a re-executed child.

import (
	"bytes"
	"io"
	"regexp"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/mcp-conform/mcp-conform/conformance/demo"
	"github.com/mcp-conform/mcp-conform/fixtures"
)

func TestDemo(t *testing.T) {
	skipShort(t)
	r := runBinary(t, nil, "demo")
	wantCode(t, r, exitOK, "demo")
	// One row per server, "  ok   NAME  SHOULD SHOW  SHOWED", in at most 100 columns.
	var names []string
	for _, line := range strings.Split(r.stdout, "\n") {
		if n := utf8.RuneCountInString(line); n > 100 {
			t.Errorf("line of %d columns: %q", n, line)
		}
		f := strings.Fields(line)
		if len(f) >= 3 && f[0] == "ok" && strings.HasPrefix(line, "  ok ") {
			names = append(names, f[1])
		}
	}
	want := []string{"correct"}
	for _, b := range fixtures.Catalogue() {
		want = append(want, b.Name)
	}
	sort.Strings(want)
	sort.Strings(names)
	if diff := cmp.Diff(want, names); diff != "" {
		t.Errorf("servers with verdict ok (-want +got):\n%s\n%s", diff, r.stdout)
	}
	if n := strings.Count(r.stdout, "\n"); n > len(want)+30 {
		t.Errorf("the demo printed %d lines for %d servers; the default is one row per server", n, len(want))
	}
	for _, next := range []string{"mcp-conform explain ", "mcp-conform serve-fixture --issuer ", "--flaw ", "mcp-conform run --url "} {
		if !strings.Contains(r.stdout[strings.Index(r.stdout, "Next steps:"):], next) {
			t.Errorf("the next steps do not show %q:\n%s", next, tail(r.stdout))
		}
	}
	if strings.Contains(r.stdout, "\x1b[") {
		t.Error("colour in output that is not a terminal")
	}
	for _, want := range []string{"Scope map of the correct server", "tools/call:weather → mcp:tools:weather (declared)",
		"prompts/get:risk-assessment → mcp:exec:workflows:risk-assessment (learned)"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("the demo does not show the discovered scope map (%q):\n%s", want, r.stdout)
		}
	}
	if !strings.Contains(r.stdout, "demo passed") {
		t.Errorf("no final verdict line:\n%s", tail(r.stdout))
	}
}

func TestDemoTableRow(t *testing.T) {
	long := demo.Outcome{Name: "some-server", ExpectFail: []string{"RS-11"},
		Fails: []string{"RS-11", "RS-12", "RS-13", "RS-14", "RS-15", "RS-16", "RS-17", "RS-18", "RS-19"},
		Warns: []string{"RS-03", "RS-05", "RS-06", "RS-21", "RS-58"}}
	for _, color := range []bool{false, true} {
		var out bytes.Buffer
		c := &cli{stdout: &out, stderr: io.Discard, color: color}
		table := newDemoTable(c, []fixtures.Broken{{Name: "some-server"}})
		table.row(long)
		table.row(demo.Outcome{Name: "correct", Warns: []string{"RS-58"}})
		table.row(demo.Outcome{Name: "missed", ExpectFail: []string{"RS-35"}, Missing: []string{"RS-35"}})
		lines := strings.Split(strings.TrimRight(out.String(), "\n"), "\n")
		for _, l := range lines {
			if n := visibleLen(l); n > demoWidth {
				t.Errorf("color=%v: row of %d columns: %q", color, n, l)
			}
		}
		if got := strings.Contains(out.String(), "\x1b["); got != color {
			t.Errorf("color=%v: ANSI escapes present = %v", color, got)
		}
		plain := regexp.MustCompile("\x1b\\[[0-9;]*m").ReplaceAllString(out.String(), "")
		for _, want := range []string{"  ok    some-server  RS-11", "FAIL RS-11 RS-12", "…", "  ok    correct", "WARN RS-58", "  BAD   missed", "MISSED RS-35"} {
			if !strings.Contains(plain, want) {
				t.Errorf("color=%v: the rows lack %q:\n%s", color, want, plain)
			}
		}
	}
}
