package conformance

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseFinding(t *testing.T) {
	tests := []struct {
		name, detail string
		want         finding
	}{
		{"empty", "", finding{}},
		{"plain sentence", "http on loopback: acceptable for local development only",
			finding{Reason: "http on loopback: acceptable for local development only"}},
		{"labelled with a reason line", "a valid token was refused.\nSent:     POST http://h/mcp\nExpected: 2xx\nReceived: 401 Unauthorized\nmore context",
			finding{Reason: "a valid token was refused.", Sent: "POST http://h/mcp", Expected: "2xx", Received: "401 Unauthorized", Notes: []string{"more context"}}},
		{"labelled, problem as the reason", "Sent:     POST /mcp\nExpected: a Bearer challenge\nReceived: 401; body: event stream, 9 bytes:\n    data: x\n\nProblem:  no WWW-Authenticate challenge",
			finding{Reason: "no WWW-Authenticate challenge", Sent: "POST /mcp", Expected: "a Bearer challenge", Received: "401; body: event stream, 9 bytes:\ndata: x"}},
		{"labelled, reason and problem", "the challenge has an error\nSent: POST /mcp\nExpected: no error\nReceived: 401\nProblem: error=\"invalid_token\"",
			finding{Reason: "the challenge has an error", Sent: "POST /mcp", Expected: "no error", Received: "401", Notes: []string{`Problem: error="invalid_token"`}}},
		{"lower-case labels", "sent: POST /mcp without Authorization\nexpected: 401\nreceived: 200 OK",
			finding{Reason: "expected 401", Sent: "POST /mcp without Authorization", Expected: "401", Received: "200 OK"}},
		{"run-on with a reason", "the scheme is case-sensitive: sent Authorization: bearer <t>; expected 2xx; got 401 Unauthorized; body: {}\nsecond note",
			finding{Reason: "the scheme is case-sensitive", Sent: "Authorization: bearer <t>", Expected: "2xx", Received: "401 Unauthorized; body: {}", Notes: []string{"second note"}}},
		{"run-on without a reason", "sent GET /x; expected 200 with JSON; got 404 Not Found\n; and more of the answer",
			finding{Reason: "expected 200 with JSON", Sent: "GET /x", Expected: "200 with JSON", Received: "404 Not Found\n; and more of the answer"}},
		{"expected and got only", "POST gets 401, but GET without credentials: expected 401 (or 405); got 200 OK",
			finding{Reason: "POST gets 401, but GET without credentials", Expected: "401 (or 405)", Received: "200 OK"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, parseFinding(tt.detail)); diff != "" {
				t.Errorf("parseFinding (-want +got):\n%s", diff)
			}
		})
	}
}

func TestWrap(t *testing.T) {
	long := strings.Repeat("abc ", 60)
	for _, line := range wrap(long, 50, 0) {
		if n := len([]rune(line)); n > 50 {
			t.Errorf("line of %d runes: %q", n, line)
		}
	}
	got := wrap(long, 50, 2)
	if len(got) != 2 || !strings.HasSuffix(got[1], "…") {
		t.Errorf("wrap to 2 lines = %q, want 2 lines, the last ending in …", got)
	}
	if got := wrap(strings.Repeat("x", 120), 50, 0); len(got) != 3 || got[0] != strings.Repeat("x", 50) {
		t.Errorf("a long word is not cut at the width: %q", got)
	}
}
