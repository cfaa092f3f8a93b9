package mockas

import (
	"net/url"
	"strings"
	"testing"
)

func TestDashboard_showsIssuedTokensClientsKeysEscaped(t *testing.T) {
	s := start(t, WithClient(Client{ID: "skc_40000000000000004", Secret: "top-secret", Name: `<script>alert("x")</script>`}))
	tok := postForm(t, s.URL+"/oauth/token", url.Values{"grant_type": {"client_credentials"}, "scope": {"mcp:tools:read"}}, "skc_40000000000000004", "top-secret")
	if tok.status != 200 {
		t.Fatalf("token: %d %s", tok.status, tok.body)
	}
	if _, err := s.RotateKey(true); err != nil {
		t.Fatal(err)
	}
	r := get(t, s.URL+"/_mockas/")
	body := string(r.body)
	if r.status != 200 || r.header.Get("X-Frame-Options") != "DENY" || !strings.Contains(r.header.Get("Content-Security-Policy"), "frame-ancestors 'none'") {
		t.Fatalf("dashboard: %d %v", r.status, r.header)
	}
	jti := s.IssuedTokens()[0].JTI
	for _, want := range []string{jti, "mcp:tools:read", "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;", s.JWKS().Keys[0].KeyID, "retired", s.URL + "/oauth/token"} {
		if !strings.Contains(body, want) {
			t.Errorf("dashboard lacks %q", want)
		}
	}
	for _, leak := range []string{`<script>alert("x")`, "top-secret", tok.json["access_token"].(string)} {
		if strings.Contains(body, leak) {
			t.Errorf("dashboard shows %q", leak)
		}
	}
	if r := get(t, s.URL+"/_mockas/nope"); r.status != 404 {
		t.Errorf("GET /_mockas/nope = %d", r.status)
	}
}

func TestDashboard_offWithoutControlPlane(t *testing.T) {
	s := start(t, WithoutControl())
	if r := get(t, s.URL+"/_mockas/"); r.status != 404 {
		t.Errorf("dashboard with the control plane off: %d", r.status)
	}
}
