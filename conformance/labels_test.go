package conformance

// Tests of label derivation, label-filter selection and execution order.

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/onsi/ginkgo/v2/types"

	"github.com/mcp-conform/mcp-conform/conformance/check"
)

// def builds a synthetic definition.
func def(id string, level check.Level, area string, needs check.Needs, versions ...string) check.Definition {
	return check.Definition{
		Requirement: check.Requirement{ID: id, Title: "title of " + id, Level: level, Area: check.Area{Key: area, Title: strings.ToUpper(area)}, Versions: versions},
		Needs:       needs,
	}
}

func TestLabelsFor(t *testing.T) {
	all := []string{"2025-06-18", "2025-11-25"}
	tests := []struct {
		name string
		def  check.Definition
		want []string
	}{
		{"anonymous, all versions", def("RS-02", check.MUST, "challenge", check.Anonymous),
			[]string{"id:RS-02", "level:must", "area:challenge", "mode:anonymous", "spec:2025-06-18", "spec:2025-11-25"}},
		{"one version", def("RS-03", check.SHOULD, "prm", check.NeedsToken, "2025-11-25"),
			[]string{"id:RS-03", "level:should", "area:prm", "mode:token", "spec:2025-11-25"}},
		{"several needs", def("SC-01", check.MUST, "scopes", check.NeedsToken|check.NeedsMinting|check.NeedsScopes),
			[]string{"id:SC-01", "level:must", "area:scopes", "mode:token", "mode:minting", "mode:scopes", "spec:2025-06-18", "spec:2025-11-25"}},
		{"rate limit", def("RL-01", check.INFO, "ratelimit", check.NeedsRateLimit, "2026-07-28"),
			[]string{"id:RL-01", "level:info", "area:ratelimit", "mode:ratelimit", "spec:2026-07-28"}},
		{"unsafe characters", def("X(1)", check.MAY, "a/b,c", check.Anonymous, "v 1"),
			[]string{"id:X-1-", "level:may", "area:a-b-c", "mode:anonymous", "spec:v-1"}},
		{"empty area", def("X-2", check.MAY, "", check.Anonymous, "v1"),
			[]string{"id:X-2", "level:may", "area:none", "mode:anonymous", "spec:v1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := labelsFor(tt.def, all)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("labels (-want +got):\n%s", diff)
			}
			for _, l := range got {
				if _, err := types.ValidateAndCleanupLabel(l, types.CodeLocation{}); err != nil {
					t.Errorf("label %q rejected by Ginkgo: %v", l, err)
				}
				key, _, _ := strings.Cut(l, ":")
				if !containsString(LabelKeys(), key) {
					t.Errorf("label %q: key outside the vocabulary", l)
				}
			}
		})
	}
}

func containsString(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

func TestSelectDefinitions(t *testing.T) {
	defs := []check.Definition{
		def("RS-01", check.MUST, "challenge", check.Anonymous),
		def("RS-02", check.SHOULD, "challenge", check.NeedsToken),
		def("PRM-01", check.MUST, "prm", check.Anonymous, "2025-11-25"),
		def("RL-01", check.MUST, "ratelimit", check.NeedsRateLimit),
	}
	versions := []string{"2025-06-18", "2025-11-25"}
	ids := func(ds []check.Definition) []string {
		var out []string
		for _, d := range ds {
			out = append(out, d.ID)
		}
		return out
	}
	tests := []struct {
		filter  string
		want    []string
		wantErr error
	}{
		{"", []string{"RS-01", "RS-02", "PRM-01", "RL-01"}, nil},
		{"level:must && area:challenge", []string{"RS-01"}, nil},
		{"level: consistsOf must", []string{"RS-01", "PRM-01", "RL-01"}, nil},
		{"!mode:ratelimit", []string{"RS-01", "RS-02", "PRM-01"}, nil},
		{"spec:2025-06-18", []string{"RS-01", "RS-02", "RL-01"}, nil},
		{"id: containsAny PRM-01", []string{"PRM-01"}, nil},
		{"area:nothing", nil, ErrNoChecks},
	}
	for _, tt := range tests {
		t.Run(tt.filter, func(t *testing.T) {
			got, err := selectDefinitions(defs, versions, tt.filter)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("error %v, want %v", err, tt.wantErr)
			}
			if err != nil && !strings.Contains(err.Error(), "label filter") {
				t.Errorf("error %q does not mention the label filter", err)
			}
			if diff := cmp.Diff(tt.want, ids(got)); diff != "" {
				t.Errorf("selection (-want +got):\n%s", diff)
			}
		})
	}
	if _, err := selectDefinitions(defs, versions, "level:must &&"); err == nil || errors.Is(err, ErrNoChecks) {
		t.Errorf("syntax error: got %v, want a parse error", err)
	}
	if _, err := selectDefinitions(nil, versions, ""); !errors.Is(err, ErrNoChecks) {
		t.Errorf("no definitions: got %v, want ErrNoChecks", err)
	}
}

func TestSuiteOrder(t *testing.T) {
	defs := []check.Definition{
		def("A-1", check.MUST, "a", check.Anonymous),
		def("RL-1", check.MUST, "a", check.NeedsRateLimit),
		def("B-1", check.MUST, "b", check.NeedsToken),
		def("RL-2", check.MUST, "rl", check.NeedsRateLimit|check.NeedsToken),
		def("B-2", check.MUST, "b", check.Anonymous),
	}
	var got []string
	for _, d := range suiteOrder(defs) {
		got = append(got, d.ID)
	}
	if diff := cmp.Diff([]string{"A-1", "B-1", "B-2", "RL-1", "RL-2"}, got); diff != "" {
		t.Errorf("order (-want +got):\n%s", diff)
	}
	if defs[1].ID != "RL-1" {
		t.Error("suiteOrder reordered its input")
	}
}

// TestPracticeLabel: practice checks carry the bare "practice" label, so '!practice' keeps a
// spec-only run and 'practice' selects them alone.
func TestPracticeLabel(t *testing.T) {
	spec := def("RS-01", check.MUST, "challenge", check.Anonymous)
	practice := def("RS-63", check.SHOULD, "errors", check.Anonymous)
	practice.Practice = true
	if got := labelsFor(practice, []string{"2025-11-25"}); !containsString(got, LabelPractice) {
		t.Fatalf("labels of a practice check %v lack %q", got, LabelPractice)
	}
	if got := labelsFor(spec, []string{"2025-11-25"}); containsString(got, LabelPractice) {
		t.Fatalf("labels of a spec check %v carry %q", got, LabelPractice)
	}
	for filter, want := range map[string]string{"!practice": "RS-01", "practice": "RS-63"} {
		got, err := selectDefinitions([]check.Definition{spec, practice}, []string{"2025-11-25"}, filter)
		if err != nil || len(got) != 1 || got[0].ID != want {
			t.Errorf("filter %q selected %v (%v), want only %s", filter, got, err, want)
		}
	}
	var n int
	for _, d := range check.Definitions() {
		if d.Practice {
			n++
		}
	}
	if n == 0 {
		t.Error("no registered check is marked practice")
	}
}
