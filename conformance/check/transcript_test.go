package check

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

const testJWT = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlLWJ5dGVz"

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
	for _, want := range []string{"POST /mcp?access_token=", "Host: 127.0.0.1:9", "Authorization: Bearer [redacted JWT, 73 bytes]", "Authorization: Bearer [redacted 17 bytes]", "…[904 more bytes]"} {
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
