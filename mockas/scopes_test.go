package mockas

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestScopeAllowed(t *testing.T) {
	tests := []struct {
		allowed []string
		scope   string
		want    bool
	}{
		{nil, "anything", true},
		{[]string{"mcp:tools:*"}, "mcp:tools:weather", true},
		{[]string{"mcp:tools:*"}, "mcp:tools:calendar:read", true},
		{[]string{"mcp:tools:*"}, "mcp:tools", false},
		{[]string{"mcp:tools:*"}, "mcp:toolsx:a", false},
		{[]string{"mcp:tools:*"}, "mcp:resources:db", false},
		{[]string{"mcp:tools:calendar:read"}, "mcp:tools:calendar:write", false},
		{[]string{"mcp:tools:weather"}, "openid", true},
		{[]string{"mcp:tools:weather"}, "offline_access", true},
		{[]string{"*"}, "x:y", true},
	}
	for _, tt := range tests {
		if got := scopeAllowed(tt.allowed, tt.scope); got != tt.want {
			t.Errorf("scopeAllowed(%v, %q) = %v, want %v", tt.allowed, tt.scope, got, tt.want)
		}
	}
}

func TestParseScope(t *testing.T) {
	got, e := parseScope("  a b  a c ")
	if e != nil {
		t.Fatal(e)
	}
	if diff := cmp.Diff([]string{"a", "b", "c"}, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	for _, bad := range []string{"a\"b", "a\\b", "caf\u00e9", "a\tb"} {
		if _, e := parseScope(bad); e == nil || e.Code != CodeInvalidScope {
			t.Errorf("parseScope(%q) = %v, want invalid_scope", bad, e)
		}
	}
}

func TestPermissionsFor(t *testing.T) {
	h := &Handler{cfg: Config{ScopePermissions: map[string][]string{
		"mcp:tools:calendar:read": {"calendar:events:read"}, "mcp:tools:calendar:write": {"calendar:events:read", "calendar:events:write"},
	}}}
	got := h.permissionsFor([]string{"mcp:tools:calendar:write", "mcp:tools:calendar:read", "unmapped"})
	if diff := cmp.Diff([]string{"calendar:events:read", "calendar:events:write"}, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestPKCE(t *testing.T) {
	// RFC 7636 Appendix B example.
	if got := S256Challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"); got != "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM" {
		t.Fatalf("S256Challenge = %q", got)
	}
	ch := S256Challenge(testVerifier)
	tests := []struct {
		verifier string
		want     ErrorCode
	}{
		{testVerifier, ""},
		{"", CodeInvalidGrant},
		{"short", CodeInvalidRequest},
		{testVerifier[:42] + "!", CodeInvalidRequest},
		{testVerifier[:len(testVerifier)-1] + "x", CodeInvalidGrant},
	}
	for _, tt := range tests {
		e := checkVerifier(tt.verifier, ch)
		if (e == nil && tt.want != "") || (e != nil && e.Code != tt.want) {
			t.Errorf("checkVerifier(%q) = %v, want %q", tt.verifier, e, tt.want)
		}
	}
}
