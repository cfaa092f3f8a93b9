package check

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestRequirements_catalogue(t *testing.T) {
	reqs := Requirements()
	want := map[string]bool{"RS-10b": true}
	// RS-01…RS-62 are the catalogue's rows; RS-63 onwards were added after it (issue 10).
	for i := 1; i <= 74; i++ {
		want[fmt.Sprintf("RS-%02d", i)] = true
	}
	got := map[string]bool{}
	for _, r := range reqs {
		got[r.ID] = true
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("registry IDs (-want +got):\n%s", diff)
	}
	areaRank := map[string]int{}
	for i, a := range Areas() {
		areaRank[a.Key] = i
	}
	for i := 1; i < len(reqs); i++ {
		a, b := reqs[i-1], reqs[i]
		if areaRank[a.Area.Key] > areaRank[b.Area.Key] || (a.Area == b.Area && !idLess(a.ID, b.ID)) {
			t.Errorf("report order: %s (%s) before %s (%s)", a.ID, a.Area.Key, b.ID, b.Area.Key)
		}
	}
	// Spot checks of the level mapping and the version gating of catalogue §3.
	checks := []struct {
		id       string
		level    Level
		area     string
		versions []string
	}{
		{"RS-01", MUST, AreaChallenge, KnownVersions()},
		{"RS-05", SHOULD, AreaChallenge, KnownVersions()},
		{"RS-10", MUST, AreaChallenge, []string{Version20250326, Version20250618, Version20251125}},
		{"RS-11", MUST, AreaPRM, []string{Version20251125, Version20260728}},
		{"RS-13", MUST, AreaPRM, []string{Version20250618, Version20251125, Version20260728}},
		{"RS-25", INFO, AreaPRM, []string{Version20250618, Version20251125, Version20260728}},
		{"RS-27", SHOULD, AreaPresentation, KnownVersions()},
		{"RS-46", INFO, AreaValidation, KnownVersions()},
		{"RS-50", MUST, AreaValidation, KnownVersions()},
		{"RS-54", MUST, AreaScope, []string{Version20260728}},
		{"RS-62", MUST, AreaTransport, []string{Version20250326}},
	}
	for _, c := range checks {
		r, ok := Lookup(c.id)
		if !ok {
			t.Fatalf("Lookup(%s) failed", c.id)
		}
		if r.Level != c.level || r.Area.Key != c.area || !cmp.Equal(r.Versions, c.versions) {
			t.Errorf("%s: level %s area %s versions %v; want %s %s %v", c.id, r.Level, r.Area.Key, r.Versions, c.level, c.area, c.versions)
		}
		if !strings.HasPrefix(r.Title, string(r.Level)) && !strings.HasPrefix(r.Title, "MAY") && !strings.HasPrefix(r.Title, "MUST") && !strings.HasPrefix(r.Title, "SHOULD") {
			t.Errorf("%s: title %q does not start with an obligation", c.id, r.Title)
		}
	}
}

func TestIDOrder(t *testing.T) {
	ids := []string{"RS-11", "RS-10b", "RS-2", "RS-10", "RS-01", "AS-99"}
	want := []string{"AS-99", "RS-01", "RS-2", "RS-10", "RS-10b", "RS-11"}
	for i := range ids {
		for j := i + 1; j < len(ids); j++ {
			if idLess(ids[j], ids[i]) {
				ids[i], ids[j] = ids[j], ids[i]
			}
		}
	}
	if diff := cmp.Diff(want, ids); diff != "" {
		t.Errorf("natural ID order (-want +got):\n%s", diff)
	}
}

func TestNewRegistry_rejects(t *testing.T) {
	area := Area{Key: "a", Title: "A"}
	good := Requirement{ID: "X-1", Title: "MUST x", Level: MUST, Area: area, Refs: []string{"r"}, Quote: "q", Sends: "s", Expects: "e", Fix: "f"}
	with := func(f func(*Requirement)) Requirement { r := good; f(&r); return r }
	tests := []struct {
		name  string
		areas []Area
		reqs  []Requirement
		want  string
	}{
		{name: "duplicate ID", areas: []Area{area}, reqs: []Requirement{good, good}, want: "duplicate ID"},
		{name: "unknown area", areas: []Area{area}, reqs: []Requirement{with(func(r *Requirement) { r.Area = Area{Key: "zz", Title: "Z"} })}, want: "unknown area"},
		{name: "area title mismatch", areas: []Area{area}, reqs: []Requirement{with(func(r *Requirement) { r.Area.Title = "other" })}, want: "differs"},
		{name: "empty quote", areas: []Area{area}, reqs: []Requirement{with(func(r *Requirement) { r.Quote = " " })}, want: "empty Quote"},
		{name: "no refs", areas: []Area{area}, reqs: []Requirement{with(func(r *Requirement) { r.Refs = nil })}, want: "no Refs"},
		{name: "bad level", areas: []Area{area}, reqs: []Requirement{with(func(r *Requirement) { r.Level = "DERIVED" })}, want: "unknown level"},
		{name: "bad version", areas: []Area{area}, reqs: []Requirement{with(func(r *Requirement) { r.Versions = []string{"2024-11-05"} })}, want: "unknown spec version"},
		{name: "label-unsafe ID", areas: []Area{area}, reqs: []Requirement{with(func(r *Requirement) { r.ID = "X/1" })}, want: "contains one of"},
		{name: "label-unsafe ID comma", areas: []Area{area}, reqs: []Requirement{with(func(r *Requirement) { r.ID = "X,1" })}, want: "contains one of"},
		{name: "label-unsafe area key", areas: []Area{{Key: "a(b)", Title: "A"}}, reqs: nil, want: "contains one of"},
		{name: "duplicate area", areas: []Area{area, area}, reqs: nil, want: "duplicate key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := newRegistry(tt.areas, tt.reqs)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("newRegistry error = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestRegistry_define(t *testing.T) {
	reg := testRegistry(t)
	noop := func(context.Context, *C) {}
	if err := reg.define("NOPE", 0, noop); err == nil {
		t.Error("define accepted an unknown ID")
	}
	for _, id := range []string{"T-SHOULD", "T-MUST"} {
		if err := reg.define(id, NeedsToken, noop); err != nil {
			t.Fatal(err)
		}
	}
	if err := reg.define("T-MUST", 0, noop); err == nil {
		t.Error("define accepted a duplicate")
	}
	var ids []string
	for _, d := range reg.definitions() {
		ids = append(ids, d.ID)
		if d.Title == "" || d.Needs != NeedsToken {
			t.Errorf("definition %s lost its requirement or needs: %+v", d.ID, d)
		}
	}
	if diff := cmp.Diff([]string{"T-MUST", "T-SHOULD"}, ids); diff != "" {
		t.Errorf("definitions order (-want +got):\n%s", diff)
	}
}

func TestDefine_panicsOnUnknownID(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("Define did not panic for an unknown ID")
		}
	}()
	Define("RS-999", 0, func(context.Context, *C) {})
}
