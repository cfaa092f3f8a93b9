package check

import (
	"net/http"
	"strings"
	"testing"

	"github.com/onsi/gomega"
)

func resp401(challenge, body string) *Response {
	h := http.Header{}
	if challenge != "" {
		h.Set("WWW-Authenticate", challenge)
	}
	return &Response{Status: 401, Header: h, Body: []byte(body), Request: Request{
		Method: http.MethodPost, URL: "http://127.0.0.1:1/mcp", Authorization: Bearer(testJWT),
	}}
}

func TestMatchers(t *testing.T) {
	const rm = `Bearer resource_metadata="https://x/prm", scope="a b"`
	tests := []struct {
		name        string
		matcher     func() interface{ Match(any) (bool, error) }
		actual      any
		want        bool
		wantMessage []string // parts of FailureMessage (or Negated when want is true)
	}{
		{name: "status matches", matcher: m(HaveStatus(401, 403)), actual: resp401("", ""), want: true,
			wantMessage: []string{"Expected: a status other than 401 or 403"}},
		{name: "status differs", matcher: m(HaveStatus(200)), actual: resp401(rm, "nope"),
			wantMessage: []string{"Sent:     POST http://127.0.0.1:1/mcp (Authorization: Bearer [redacted JWT", "Expected: status 200", "Received: 401 Unauthorized; WWW-Authenticate: " + rm, "body: nope"}},
		{name: "bearer challenge", matcher: m(HaveBearerChallenge()), actual: resp401(rm, ""), want: true,
			wantMessage: []string{"Expected: not a WWW-Authenticate Bearer challenge"}},
		{name: "no challenge", matcher: m(HaveBearerChallenge()), actual: resp401("", ""),
			wantMessage: []string{"Problem:  no WWW-Authenticate challenge", "WWW-Authenticate: (none)"}},
		{name: "bare Bearer", matcher: m(HaveBearerChallenge()), actual: resp401("Bearer", ""),
			wantMessage: []string{"Problem:  the Bearer challenge has no auth-param"}},
		{name: "only Basic", matcher: m(HaveBearerChallenge()), actual: resp401(`Basic realm="x"`, ""),
			wantMessage: []string{"no Bearer challenge"}},
		{name: "unparsable", matcher: m(HaveBearerChallenge()), actual: resp401(`Bearer resource_metadata=https://x/y`, ""),
			wantMessage: []string{"does not parse"}},
		{name: "param string", matcher: m(HaveBearerChallenge(WithParam("scope", "a b"))), actual: resp401(rm, ""), want: true},
		{name: "param string mismatch", matcher: m(HaveBearerChallenge(WithParam("scope", "c"))), actual: resp401(rm, ""),
			wantMessage: []string{`Expected: a WWW-Authenticate Bearer challenge with at least one auth-param and scope="c"`, `scope is "a b", want "c"`}},
		{name: "param matcher", matcher: m(HaveBearerChallenge(WithParam("resource_metadata", gomega.HavePrefix("https://")))), actual: resp401(rm, ""), want: true},
		{name: "param missing", matcher: m(HaveBearerChallenge(WithParam("error", "invalid_token"))), actual: resp401(rm, ""),
			wantMessage: []string{"error is missing"}},
		{name: "without param present", matcher: m(HaveBearerChallenge(WithoutParam("scope"))), actual: resp401(rm, ""),
			wantMessage: []string{`scope is present ("a b")`}},
		{name: "oauth error in challenge", matcher: m(HaveOAuthError("invalid_token")), actual: resp401(`Bearer error="invalid_token"`, ""), want: true},
		{name: "oauth error in body", matcher: m(HaveOAuthError("invalid_token")), actual: resp401("", `{"error":"invalid_token"}`), want: true},
		{name: "oauth error absent", matcher: m(HaveOAuthError("invalid_token")), actual: resp401(rm, `{"error":"server_error"}`),
			wantMessage: []string{`Expected: OAuth error "invalid_token"`, `body error="server_error"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mt := tt.matcher().(interface {
				Match(any) (bool, error)
				FailureMessage(any) string
				NegatedFailureMessage(any) string
			})
			got, err := mt.Match(tt.actual)
			if err != nil {
				t.Fatalf("Match error: %v", err)
			}
			if got != tt.want {
				t.Fatalf("Match = %v, want %v; message:\n%s", got, tt.want, mt.FailureMessage(tt.actual))
			}
			msg := mt.FailureMessage(tt.actual)
			if tt.want {
				msg = mt.NegatedFailureMessage(tt.actual)
			}
			for _, part := range tt.wantMessage {
				if !strings.Contains(msg, part) {
					t.Errorf("message lacks %q:\n%s", part, msg)
				}
			}
			if strings.Contains(msg, testJWT) {
				t.Errorf("message leaks the token:\n%s", msg)
			}
		})
	}
}

func m(x interface{ Match(any) (bool, error) }) func() interface{ Match(any) (bool, error) } {
	return func() interface{ Match(any) (bool, error) } { return x }
}

func TestMatchers_wrongActual(t *testing.T) {
	for _, mt := range []interface{ Match(any) (bool, error) }{HaveStatus(200), HaveBearerChallenge(), HaveOAuthError("x")} {
		if _, err := mt.Match("not a response"); err == nil {
			t.Errorf("%T accepted a string", mt)
		}
		if _, err := mt.Match((*Response)(nil)); err == nil {
			t.Errorf("%T accepted a nil response", mt)
		}
	}
	if _, err := HaveBearerChallenge(WithParam("scope", 42)).Match(resp401(`Bearer scope="a"`, "")); err == nil {
		t.Error("WithParam with an int value was accepted")
	}
}

func TestHaveBearerChallenge_describesValueMatchersInWords(t *testing.T) {
	m := HaveBearerChallenge(WithParam("scope", gomega.Not(gomega.BeEmpty())), WithParam("error", gomega.Equal("insufficient_scope")))
	resp := &Response{Status: 403, Header: http.Header{"Www-Authenticate": {`Bearer realm="x"`}}}
	ok, err := m.Match(resp)
	if err != nil || ok {
		t.Fatalf("Match = %v, %v; want a mismatch", ok, err)
	}
	msg := m.FailureMessage(resp)
	for _, want := range []string{"scope not empty", "error equal to insufficient_scope"} {
		if !strings.Contains(msg, want) {
			t.Errorf("failure message lacks %q:\n%s", want, msg)
		}
	}
	if strings.Contains(msg, "0x") {
		t.Errorf("failure message prints matcher internals:\n%s", msg)
	}
}
