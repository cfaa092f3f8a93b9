package scenarios

import (
	"strings"
	"testing"
)

// TestLoopbackAliasHint: a resource naming the endpoint by another loopback name (mcp-use
// says localhost when bound to 127.0.0.1) gets a hint; any other difference gets none.
func TestLoopbackAliasHint(t *testing.T) {
	for _, tc := range []struct {
		got, want string
		hint      bool
	}{
		{"http://localhost:3000/mcp", "http://127.0.0.1:3000/mcp", true},
		{"http://127.0.0.1:3000/mcp", "http://[::1]:3000/mcp", true},
		{"http://localhost:3000/mcp", "http://localhost:3000/mcp", false},
		{"http://localhost:3001/mcp", "http://127.0.0.1:3000/mcp", false},
		{"http://localhost:3000/other", "http://127.0.0.1:3000/mcp", false},
		{"https://localhost:3000/mcp", "http://127.0.0.1:3000/mcp", false},
		{"http://example.com:3000/mcp", "http://127.0.0.1:3000/mcp", false},
		{"", "http://127.0.0.1:3000/mcp", false},
	} {
		h := loopbackAliasHint(tc.got, tc.want)
		if (h != "") != tc.hint {
			t.Errorf("loopbackAliasHint(%q, %q) = %q, want a hint: %v", tc.got, tc.want, h, tc.hint)
		}
		if tc.hint && !strings.Contains(h, "another loopback name") {
			t.Errorf("hint %q does not say what differs", h)
		}
	}
}
