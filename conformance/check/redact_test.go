package check

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

const testJWT = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlLWJ5dGVz"

func TestRedactCredential(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Bearer " + testJWT, "Bearer eyJhbGci…[redacted " + strconv.Itoa(len(testJWT)-8) + " bytes]"},
		{"Bearer  abcdefghijklmnop", "Bearer  abcd…[redacted 12 bytes]"},
		{"Basic dXNlcjpwYXNz", "Basic dXN…[redacted 9 bytes]"},
		{"Bearer", "Bearer"},
		{"Bearer ", "Bearer "},
		{"rawtokenwithoutscheme", "rawto…[redacted 16 bytes]"},
	}
	for _, tt := range tests {
		if got := redactCredential(tt.in); got != tt.want {
			t.Errorf("redactCredential(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestRedactText(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		secrets []string
		gone    []string // must not survive
		kept    []string // must survive
	}{
		{name: "JSON members", in: `{"access_token":"opaque-access-1234","refresh_token":"r-5678-abcdef","client_secret":"s3cr3t-value","token_type":"Bearer"}`,
			gone: []string{"opaque-access-1234", "r-5678-abcdef", "s3cr3t-value"}, kept: []string{`"token_type":"Bearer"`}},
		{name: "form body", in: "grant_type=client_credentials&client_secret=topsecretvalue&scope=a",
			gone: []string{"topsecretvalue"}, kept: []string{"grant_type=client_credentials", "scope=a"}},
		{name: "query string", in: "/mcp?access_token=querytoken12345&x=1",
			gone: []string{"querytoken12345"}, kept: []string{"x=1"}},
		{name: "JWT anywhere", in: `{"params":{"_meta":{"tok":"` + testJWT + `"}}}`, gone: []string{testJWT}},
		{name: "known secret", in: "echo: opaque-secret-xyz", secrets: []string{"opaque-secret-xyz"}, gone: []string{"opaque-secret-xyz"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := redactText(tt.in, tt.secrets)
			for _, g := range tt.gone {
				if strings.Contains(got, g) {
					t.Errorf("redactText kept %q: %s", g, got)
				}
			}
			for _, k := range tt.kept {
				if !strings.Contains(got, k) {
					t.Errorf("redactText removed %q: %s", k, got)
				}
			}
			if !strings.Contains(got, "[redacted") {
				t.Errorf("no redaction marker in %s", got)
			}
		})
	}
}

func TestRenderExchange(t *testing.T) {
	u, _ := url.Parse("http://127.0.0.1:9/mcp?access_token=" + testJWT)
	sent := &sentRequest{
		method: http.MethodPost, url: u,
		header: http.Header{"Authorization": {"Bearer " + testJWT, "Bearer other-token-value"}, "Content-Type": {"application/json"}},
		body:   []byte(strings.Repeat("x", 5000)),
	}
	resp := &Response{Status: 401, Header: http.Header{"Www-Authenticate": {`Bearer error="invalid_token"`}}, Body: []byte(`{"access_token":"leaked-token-value"}`), Truncated: true}
	ex := renderExchange(sent, resp, nil, nil)
	for _, leak := range []string{testJWT, "other-token-value", "leaked-token-value"} {
		if strings.Contains(ex.Request+ex.Response, leak) {
			t.Errorf("exchange leaks %q:\n%s\n%s", leak, ex.Request, ex.Response)
		}
	}
	for _, want := range []string{"POST /mcp?access_token=", "Host: 127.0.0.1:9", "Authorization: Bearer eyJhbGci…[redacted", "Authorization: Bearer othe", "…[904 more bytes]"} {
		if !strings.Contains(ex.Request, want) {
			t.Errorf("request transcript lacks %q:\n%s", want, ex.Request)
		}
	}
	for _, want := range []string{"HTTP/1.1 401 Unauthorized", `Www-Authenticate: Bearer error="invalid_token"`, "[body truncated at 1048576 bytes]"} {
		if !strings.Contains(ex.Response, want) {
			t.Errorf("response transcript lacks %q:\n%s", want, ex.Response)
		}
	}
	if got := renderExchange(sent, nil, errors.New("connection refused"), nil).Response; got != "(no response: connection refused)" {
		t.Errorf("transport error rendered as %q", got)
	}
}

func TestSessionIDsAreRedacted(t *testing.T) {
	const id = "3f1c2a9e8b7d4c6f9a0b1c2d3e4f5a6b"
	resp := &Response{Status: 200, Header: http.Header{"Mcp-Session-Id": {id}}}
	var b strings.Builder
	writeHeaders(&b, resp.Header, nil)
	for name, text := range map[string]string{"Response.String": resp.String(), "transcript headers": b.String()} {
		if strings.Contains(text, id) {
			t.Errorf("%s leaks the session id: %s", name, text)
		}
		if !strings.Contains(text, "Mcp-Session-Id: ") || !strings.Contains(text, "[redacted") {
			t.Errorf("%s should keep the header name and mark the value redacted: %s", name, text)
		}
	}
}
