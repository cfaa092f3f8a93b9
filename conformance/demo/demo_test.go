package demo

import (
	"slices"
	"testing"

	"github.com/mcp-conform/mcp-conform/fixtures"
)

func TestOutcome_OK(t *testing.T) {
	tests := []struct {
		name string
		o    Outcome
		want bool
	}{
		{"correct, clean", Outcome{Name: "correct"}, true},
		{"correct, a fail", Outcome{Name: "correct", Fails: []string{"RS-01"}}, false},
		{"broken, expected fail", Outcome{ExpectFail: []string{"RS-01"}, Fails: []string{"RS-01", "RS-02"}}, true},
		{"broken, missed", Outcome{ExpectFail: []string{"RS-01"}, Missing: []string{"RS-01"}}, false},
	}
	for _, tt := range tests {
		if got := tt.o.OK(); got != tt.want {
			t.Errorf("%s: OK() = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestJudge(t *testing.T) {
	s := fixtures.Broken{Name: "b", ExpectFail: []string{"RS-01", "RS-09"}, ExpectWarn: []string{"RS-21", "RS-02"}}
	report := []byte(`{"results":[{"id":"RS-02","status":"fail"},{"id":"RS-01","status":"fail"},{"id":"RS-21","status":"pass"},{"id":"RS-58","status":"warn"}],
		"scope_map":[{"operation":"tools/call weather","scopes":["mcp:tools:weather"],"source":"declared"},{"operation":"tools/list","scopes":[]}]}`)
	o := Judge(s, report)
	if o.Err != nil || o.OK() {
		t.Fatalf("Judge = %+v, want not OK without error", o)
	}
	if !slices.Equal(o.Fails, []string{"RS-01", "RS-02"}) || !slices.Equal(o.Warns, []string{"RS-58"}) ||
		!slices.Equal(o.Missing, []string{"RS-09", "RS-21 (warn)"}) {
		t.Errorf("Judge = fails %v warns %v missing %v", o.Fails, o.Warns, o.Missing)
	}
	if want := []string{"tools/call weather → mcp:tools:weather (declared)", "1 more operations served to a token with no scopes"}; !slices.Equal(o.ScopeMap, want) {
		t.Errorf("ScopeMap = %q, want %q", o.ScopeMap, want)
	}
	if o := Judge(s, []byte(`{"results":[]}`)); o.Err == nil {
		t.Error("a report without results must be an error")
	}
}
