package conformance

// Tests of the reports' own credential redaction.

import (
	"testing"

	"github.com/mcp-conform/mcp-conform/conformance/check"
)

func TestRedactText(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"bearer header", "Authorization: Bearer abc.def", "Authorization: Bearer [REDACTED]"},
		{"lower-case header, CRLF", "authorization: bearer tok\r\nHost: x", "authorization: bearer [REDACTED]\r\nHost: x"},
		{"basic", "Authorization: Basic dXNlcjpwYXNz", "Authorization: Basic [REDACTED]"},
		{"scheme only", "Authorization: Bearer", "Authorization: Bearer"},
		{"scheme-less credential", "Authorization: dXNlcjpwYXNzd29yZA==", "Authorization: [REDACTED]"},
		{"check's marker in a query", "GET /mcp?access_token=eyJhbGci…[redacted 812 bytes] HTTP/1.1", "GET /mcp?access_token=eyJhbGci…[redacted 812 bytes] HTTP/1.1"},
		{"check's marker in JSON", `{"access_token":"eyJhbGci…[redacted 90 bytes]"}`, `{"access_token":"eyJhbGci…[redacted 90 bytes]"}`},
		{"already redacted", "Authorization: Bearer [REDACTED]", "Authorization: Bearer [REDACTED]"},
		{"already redacted by check", "Authorization: Bearer eyJhbGci…[redacted 812 bytes]", "Authorization: Bearer eyJhbGci…[redacted 812 bytes]"},
		{"cookie", "Cookie: a=b; c=d", "Cookie: [REDACTED]"},
		{"set-cookie", "Set-Cookie: sid=1; HttpOnly", "Set-Cookie: [REDACTED]"},
		{"jwt in prose", "sent eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0. to the server", "sent [REDACTED] to the server"},
		{"query token", "GET /mcp?access_token=abc&x=1", "GET /mcp?access_token=[REDACTED]&x=1"},
		{"json secret", `{"client_secret": "s3cr3t", "client_id": "c"}`, `{"client_secret": "[REDACTED]", "client_id": "c"}`},
		{"challenge kept", `WWW-Authenticate: Bearer error="invalid_token", resource_metadata="http://x/.well-known"`,
			`WWW-Authenticate: Bearer error="invalid_token", resource_metadata="http://x/.well-known"`},
		{"status line kept", "HTTP/1.1 401 Unauthorized", "HTTP/1.1 401 Unauthorized"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := redactText(tt.in); got != tt.want {
				t.Errorf("redactText(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestRedactURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"http://127.0.0.1:3000/mcp", "http://127.0.0.1:3000/mcp"},
		{"https://u:p4ss@example.test/mcp", "https://u:xxxxx@example.test/mcp"},
		{"http://h/mcp?access_token=abc", "http://h/mcp?access_token=[REDACTED]"},
	}
	for _, tt := range tests {
		if got := redactURL(tt.in); got != tt.want {
			t.Errorf("redactURL(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSanitizeCopies(t *testing.T) {
	orig := check.Result{
		Detail:    "Authorization: Bearer x",
		Steps:     []string{"Authorization: Bearer y"},
		Exchanges: []check.Exchange{{Request: "Authorization: Bearer z"}},
	}
	got := sanitize(orig)
	if got.Detail != "Authorization: Bearer [REDACTED]" || got.Steps[0] != "Authorization: Bearer [REDACTED]" || got.Exchanges[0].Request != "Authorization: Bearer [REDACTED]" {
		t.Errorf("sanitize did not redact: %+v", got)
	}
	if orig.Steps[0] != "Authorization: Bearer y" || orig.Exchanges[0].Request != "Authorization: Bearer z" {
		t.Errorf("sanitize modified its input: %+v", orig)
	}
}
