package main

// "list" and "explain" read the registry; they run in-process.

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mcp-conform/mcp-conform/conformance/check"
)

func TestList_json(t *testing.T) {
	r := runInProcess(t, nil, "list", "--json")
	wantCode(t, r, exitOK, "list", "--json")

	var raw []map[string]json.RawMessage
	if err := json.Unmarshal([]byte(r.stdout), &raw); err != nil {
		t.Fatalf("list --json is not a JSON array of objects: %v\n%s", err, r.stdout)
	}
	defs := check.Definitions()
	if len(defs) == 0 {
		t.Fatal("no check is defined")
	}
	if len(raw) != len(defs) {
		t.Fatalf("list --json has %d entries, want %d (one per defined check)", len(raw), len(defs))
	}
	wantKeys := []string{"area", "id", "level", "needs", "refs", "title", "versions"}
	for i, entry := range raw {
		var keys []string
		for k := range entry {
			keys = append(keys, k)
		}
		if diff := cmp.Diff(wantKeys, keys, cmpSorted); diff != "" {
			t.Fatalf("entry %d keys (-want +got):\n%s", i, diff)
		}
	}

	var entries []listEntry
	if err := json.Unmarshal([]byte(r.stdout), &entries); err != nil {
		t.Fatalf("decoding entries: %v", err)
	}
	for i, d := range defs {
		want := listEntry{
			ID: d.ID, Level: string(d.Level), Title: d.Title, Area: d.Area.Key,
			Versions: nonNil(d.Versions), Needs: nonNil(needsNames(d.Needs)), Refs: nonNil(d.Refs),
		}
		if diff := cmp.Diff(want, entries[i]); diff != "" {
			t.Errorf("entry %d (-want +got):\n%s", i, diff)
		}
	}
}

// cmpSorted compares string slices as sets of distinct values.
var cmpSorted = cmp.Transformer("sorted", func(in []string) map[string]bool {
	out := map[string]bool{}
	for _, s := range in {
		out[s] = true
	}
	return out
})

func TestList_text(t *testing.T) {
	r := runInProcess(t, nil, "list")
	wantCode(t, r, exitOK, "list")
	if !strings.HasPrefix(r.stdout, "ID") {
		t.Errorf("list output does not start with its header:\n%s", r.stdout)
	}
	for _, d := range check.Definitions() {
		if !strings.Contains(r.stdout, d.ID+" ") {
			t.Errorf("list output lacks %s", d.ID)
		}
	}
}

func TestExplain(t *testing.T) {
	defs := check.Definitions()
	if len(defs) == 0 {
		t.Fatal("no check is defined")
	}
	for _, d := range []check.Definition{defs[0], defs[len(defs)-1]} {
		for _, id := range []string{d.ID, strings.ToLower(d.ID)} {
			r := runInProcess(t, nil, "explain", id)
			wantCode(t, r, exitOK, "explain", id)
			want := []string{d.ID, string(d.Level), "Area:", "Versions:", "Needs:"}
			if d.Sends != "" {
				want = append(want, "What it sends:", firstWord(d.Sends))
			}
			if d.Expects != "" {
				want = append(want, "What it expects:", firstWord(d.Expects))
			}
			if d.Fix != "" {
				want = append(want, "How to fix:", firstWord(d.Fix))
			}
			if d.Quote != "" {
				want = append(want, "Quote:")
			}
			want = append(want, d.Refs...)
			for _, w := range want {
				if !strings.Contains(r.stdout, w) {
					t.Errorf("explain %s: output lacks %q:\n%s", id, w, r.stdout)
				}
			}
		}
	}
}

// firstWord returns the first whitespace-separated word of s.
func firstWord(s string) string {
	if f := strings.Fields(s); len(f) > 0 {
		return f[0]
	}
	return ""
}

func TestWrap(t *testing.T) {
	got := wrap("one two three four\n\nfive", "  ", 12)
	want := "  one two\n  three four\n\n  five\n"
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("wrap (-want +got):\n%s", diff)
	}
}
