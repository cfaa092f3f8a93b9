package check

import "testing"

func TestDesignatedOperation(t *testing.T) {
	cat := &Catalog{
		Tools: []Tool{{Name: "get_weather"}, {Name: "delete_note"}, {Name: "echo"}, {Name: "admin"},
			{Name: "get_forecast"}, {Name: "set_forecast"}},
		Resources: []Resource{{URI: "notes://all", Name: "notes"}, {URI: "mcp-conform://customer-data/acme/profile", Name: "profile"},
			{URI: "file:///srv/a.txt", Name: "a"}, {URI: "file:///srv/b.txt", Name: "b"}},
		Prompts: []Prompt{{Name: "summarize"}, {Name: "risk-assessment"}},
	}
	tests := []struct {
		scope string
		want  string // Operation.String(); "" = designates nothing
	}{
		{"mcp:tools:weather", "tools/call:get_weather"},     // get_weather without its verb
		{"mcp:tools:get_weather", "tools/call:get_weather"}, // the full name
		{"mcp:tools:echo:call", "tools/call:echo"},          // a name segment among others
		{"mcp:tools:forecast", ""},                          // get_forecast and set_forecast: ambiguous
		{"mcp:tools:notes:write", ""},                       // delete_note is "note", not "notes"; resources are not tools
		{"mcp:resources:notes:read", "resources/read:notes://all"},
		{"mcp:resources:customer-data:read", "resources/read:mcp-conform://customer-data/acme/profile"},
		{"mcp:resources:file:read", ""},                                                      // two file:// resources
		{"mcp:resources:profile", "resources/read:mcp-conform://customer-data/acme/profile"}, // the listed name
		{"mcp:prompts:summarize", "prompts/get:summarize"},
		{"mcp:exec:workflows:risk-assessment", "prompts/get:risk-assessment"}, // no kind segment: any kind
		{"mcp:admin", "tools/call:admin"},
		{"mcp:access", ""},          // a base scope names no operation
		{"mcp:tools:*", ""},         // a wildcard designates nothing
		{"weather", ""},             // a single segment is not a name
		{"mcp:tools", ""},           // a kind without a name
		{"mcp:prompts:weather", ""}, // the kind restricts: weather is a tool
		{"MCP:Tools:Weather", "tools/call:get_weather"},
	}
	for _, tt := range tests {
		op, ok := DesignatedOperation(tt.scope, cat)
		got := ""
		if ok {
			got = op.String()
		}
		if got != tt.want {
			t.Errorf("DesignatedOperation(%q) = %q, want %q", tt.scope, got, tt.want)
		}
	}
}
