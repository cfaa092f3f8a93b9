package safe

import (
	"strings"
	"testing"
)

const testJWT = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlLWJ5dGVz"

func TestRedact(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		secrets []string
		want    string
	}{
		{"bearer header line", "Authorization: Bearer abc.def", nil, "Authorization: Bearer [redacted 7 bytes]"},
		{"lower case, CRLF", "authorization: bearer tok\r\nHost: x", nil, "authorization: bearer [redacted 3 bytes]\r\nHost: x"},
		{"basic", "Authorization: Basic dXNlcjpwYXNz", nil, "Authorization: Basic [redacted 12 bytes]"},
		{"bare scheme", "Authorization: Bearer", nil, "Authorization: Bearer"},
		{"scheme-less credential", "Authorization: dXNlcjpwYXNzd29yZA==", nil, "Authorization: [redacted 20 bytes]"},
		{"cookie", "Cookie: a=b; c=d", nil, "Cookie: [redacted 8 bytes]"},
		{"set-cookie", "Set-Cookie: sid=1; HttpOnly", nil, "Set-Cookie: [redacted 15 bytes]"},
		{"session id", "Mcp-Session-Id: 3f1c2a9e", nil, "Mcp-Session-Id: [redacted 8 bytes]"},
		{"jwt in prose", "sent " + testJWT + " to the server", nil, "sent [redacted JWT, 73 bytes] to the server"},
		{"alg none jwt", "x eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0. y", nil, "x [redacted JWT, 36 bytes] y"},
		{"query token", "GET /mcp?access_token=abc&x=1", nil, "GET /mcp?access_token=[redacted 3 bytes]&x=1"},
		{"form body", "grant_type=client_credentials&client_secret=topsecretvalue&scope=a", nil, "grant_type=client_credentials&client_secret=[redacted 14 bytes]&scope=a"},
		{"json members", `{"client_secret": "s3cr3t", "client_id": "c", "access_token":"a\"b"}`, nil, `{"client_secret": "[redacted 6 bytes]", "client_id": "c", "access_token":"[redacted 4 bytes]"}`},
		{"registered opaque secret", "echo: opaque-secret-xyz!", []string{"opaque-secret-xyz"}, "echo: [redacted 17 bytes]!"},
		{"registered secret, URL-encoded", "q=abc%2Fdef%2Bghi", []string{"abc/def+ghi"}, "q=[redacted 11 bytes]"},
		{"registered secret, escaped before its last bytes", "q=ab%2Fcdefghij", []string{"ab/cdefghij"}, "q=[redacted 11 bytes]"},
		{"registered secret, escaped in its last bytes", "q=abcdefgh%2Fij", []string{"abcdefgh/ij"}, "q=[redacted 11 bytes]"},
		{"registered JWT among JWTs of the same header", "a " + testJWT + " b", []string{testJWT[:len(testJWT)-4] + "AAAA", testJWT}, "a [redacted JWT, 73 bytes] b"},
		{"many registered secrets, one present", "x opaque-secret-xyz y", []string{"another-secret-1", "opaque-secret-xyz", "a/b+c=d&e"}, "x [redacted 17 bytes] y"},
		{"short secret is left to the patterns", "the word pass", []string{"pass"}, "the word pass"},
		{"challenge kept", `WWW-Authenticate: Bearer error="invalid_token", resource_metadata="http://x/.well-known"`, nil,
			`WWW-Authenticate: Bearer error="invalid_token", resource_metadata="http://x/.well-known"`},
		{"private JWK members", `{"keys":[{"kty":"RSA","kid":"k","n":"AQAB","e":"AQAB","d":"c2VjcmV0","qi":"eHl6"},{"kty":"oct","k":"a2V5"}]}`, nil,
			`{"keys":[{"kty":"RSA","kid":"k","n":"AQAB","e":"AQAB","d":"[redacted 8 bytes]","qi":"[redacted 4 bytes]"},{"kty":"oct","k":"[redacted 4 bytes]"}]}`},
		{"d outside a JWK kept", `{"d": "2026-01-01"}`, nil, `{"d": "2026-01-01"}`},
		{"status line kept", "HTTP/1.1 401 Unauthorized", nil, "HTTP/1.1 401 Unauthorized"},
		{"empty", "", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Redact(tt.in, tt.secrets)
			if got != tt.want {
				t.Errorf("Redact(%q) =\n  %q\nwant\n  %q", tt.in, got, tt.want)
			}
			if again := Redact(got, tt.secrets); again != got {
				t.Errorf("Redact is not idempotent: %q became %q", got, again)
			}
		})
	}
}

func TestHeaderAndCredential(t *testing.T) {
	if got := Header("Authorization", "Bearer "+testJWT, nil); got != "Bearer [redacted JWT, 73 bytes]" {
		t.Errorf("Header(Authorization) = %q", got)
	}
	if got := Header("Authorization", "Bearer  abcdefghijklmnop", nil); got != "Bearer  [redacted 16 bytes]" {
		t.Errorf("Header(Authorization, two spaces) = %q", got)
	}
	if got := Header("X-Api-Key", "k", nil); got != "[redacted 1 bytes]" {
		t.Errorf("Header(X-Api-Key) = %q", got)
	}
	if got := Header("X-Custom", "value abcdefgh123", []string{"abcdefgh123"}); got != "value [redacted 11 bytes]" {
		t.Errorf("Header(X-Custom) with a registered secret = %q", got)
	}
	if got := Header("WWW-Authenticate", `Bearer error_description="bad `+testJWT+`"`, nil); strings.Contains(got, testJWT) {
		t.Errorf("a JWT echoed in a challenge survived: %q", got)
	}
	if got := Credential("Bearer"); got != "Bearer" {
		t.Errorf("Credential(bare scheme) = %q", got)
	}
}

func TestURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"http://127.0.0.1:3000/mcp", "http://127.0.0.1:3000/mcp"},
		{"https://u:p4ss@example.test/mcp", "https://u:xxxxx@example.test/mcp"},
		{"http://h/mcp?access_token=abc", "http://h/mcp?access_token=[redacted 3 bytes]"},
	}
	for _, tt := range tests {
		if got := URL(tt.in, nil); got != tt.want {
			t.Errorf("URL(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSecretsAdd(t *testing.T) {
	var s Secrets
	s.Add("", "  ", "tok-1234567", "tok-1234567", "[redacted 3 bytes]")
	if len(s) != 1 || s[0] != "tok-1234567" {
		t.Errorf("Secrets = %q, want one value", s)
	}
}
