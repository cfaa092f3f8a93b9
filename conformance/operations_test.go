package conformance

import (
	"bytes"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mcp-conform/mcp-conform/conformance/check"
)

func TestParseDeclarations(t *testing.T) {
	tests := []struct {
		name, doc string
		want      *Declarations
		err       string
	}{
		{name: "full form", doc: "scopes:\n  weather: mcp:tools:weather\n  resources/read:file:///a?x=1: mcp:resources:a:read\narguments:\n  weather: {city: Paris}\n",
			want: &Declarations{Scopes: map[string]string{"weather": "mcp:tools:weather", "resources/read:file:///a?x=1": "mcp:resources:a:read"},
				Arguments: map[string]map[string]any{"weather": {"city": "Paris"}}}},
		{name: "short form JSON", doc: `{"weather": {"city": "Paris", "days": 2}, "prompts/get:p": {}}`,
			want: &Declarations{Arguments: map[string]map[string]any{"weather": {"city": "Paris", "days": 2}, "prompts/get:p": {}}}},
		{name: "empty", doc: "", want: &Declarations{}},
		{name: "unknown key in full form", doc: "scopes: {a: b}\nextra: 1\n", err: "extra"},
		{name: "arguments not an object", doc: "weather: 3\n", err: "want an object"},
		{name: "bad operation", doc: "scopes:\n  tools/cal:x: s\n", err: "unknown method"},
		{name: "empty scope", doc: "scopes:\n  weather: \"\"\n", err: "empty scope"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseDeclarations([]byte(tt.doc))
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestWriteScopes_roundTrip(t *testing.T) {
	r := &Report{Target: "http://127.0.0.1/mcp", SpecVersion: "2025-11-25",
		ScopeMap: []check.ScopeEntry{
			{Operation: "tools/call:weather", Scopes: []string{"mcp:tools:weather"}, Source: check.SourceDeclared},
			{Operation: "resources/read:x://a", Scopes: []string{"mcp:resources:a:read"}, Source: check.SourceLearned, Note: "confirmed"},
			{Operation: "tools/call:echo", Source: check.SourceLearned, Note: "served to a valid token with no scopes"},
			{Source: check.SourceLearned, Note: "tool \"admin\" is annotated destructiveHint: true\n# injected"},
		},
		Calls: []check.OperationCall{{Operation: "tools/call:weather", Arguments: `{"city":"Paris"}`, Source: "generated", Count: 2, Checks: []string{"RS-51"}}},
	}
	var b bytes.Buffer
	if err := r.WriteScopes(&b); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "# tools/call:echo: served to a valid token with no scopes") ||
		strings.Contains(b.String(), "\n# injected") {
		t.Errorf("comments:\n%s", b.String())
	}
	d, err := parseDeclarations(b.Bytes())
	if err != nil {
		t.Fatalf("%v\n%s", err, b.String())
	}
	want := &Declarations{
		Scopes:    map[string]string{"tools/call:weather": "mcp:tools:weather", "resources/read:x://a": "mcp:resources:a:read"},
		Arguments: map[string]map[string]any{"weather": {"city": "Paris"}},
	}
	if diff := cmp.Diff(want, d); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
