package mockas

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestAuthorize_success(t *testing.T) {
	s := start(t)
	q := authorize(t, s.URL, authorizeParams())
	if q.Get("code") == "" || q.Get("state") != "st-123" || q.Get("iss") != s.URL {
		t.Fatalf("redirect query %v", q)
	}
	// Resource-scoped route: iss is the resource-scoped issuer (RFC 9207 with that metadata).
	r := get(t, s.URL+"/resources/"+DefaultResourceID+"/oauth/authorize?"+authorizeParams().Encode())
	loc, _ := url.Parse(r.header.Get("Location"))
	if r.status != http.StatusFound || loc.Query().Get("iss") != s.URL+"/resources/"+DefaultResourceID {
		t.Fatalf("resource authorize: %d %v", r.status, loc)
	}
}

func TestAuthorize_errors(t *testing.T) {
	s := start(t, WithClient(Client{ID: "pub", RedirectURIs: []string{"http://127.0.0.1:5000/cb?keep=1"}, Scopes: []string{"mcp:tools:*"}}),
		WithClient(Client{ID: "cc", Secret: "x", GrantTypes: []string{"client_credentials"}, RedirectURIs: []string{"https://cc.example/cb"}}))
	base := func() url.Values {
		p := authorizeParams()
		p.Set("client_id", "pub")
		p.Set("redirect_uri", "http://127.0.0.1:5000/cb?keep=1")
		p.Set("scope", "mcp:tools:weather")
		return p
	}
	tests := []struct {
		name      string
		mutate    func(url.Values)
		wantPage  bool // 400 page, no redirect
		wantError string
	}{
		{"missing client", func(p url.Values) { p.Del("client_id") }, true, "invalid_request"},
		{"unknown client", func(p url.Values) { p.Set("client_id", "nobody") }, true, "invalid_client"},
		{"unregistered redirect", func(p url.Values) { p.Set("redirect_uri", "http://127.0.0.1:5001/cb?keep=1") }, true, "invalid_request"},
		{"redirect differs by query", func(p url.Values) { p.Set("redirect_uri", "http://127.0.0.1:5000/cb") }, true, "invalid_request"},
		{"repeated redirect", func(p url.Values) { p.Add("redirect_uri", "x") }, true, "invalid_request"},
		{"missing response_type", func(p url.Values) { p.Del("response_type") }, false, "invalid_request"},
		{"token response_type", func(p url.Values) { p.Set("response_type", "token") }, false, "unsupported_response_type"},
		{"no PKCE", func(p url.Values) { p.Del("code_challenge") }, false, "invalid_request"},
		{"plain PKCE", func(p url.Values) { p.Set("code_challenge_method", "plain") }, false, "invalid_request"},
		{"absent method means plain", func(p url.Values) { p.Del("code_challenge_method") }, false, "invalid_request"},
		{"short challenge", func(p url.Values) { p.Set("code_challenge", "abc") }, false, "invalid_request"},
		{"scope not allowed", func(p url.Values) { p.Set("scope", "mcp:resources:db") }, false, "invalid_scope"},
		{"bad resource", func(p url.Values) { p.Set("resource", "not-absolute") }, false, "invalid_target"},
		{"resource with fragment", func(p url.Values) { p.Set("resource", "https://rs.example/mcp#x") }, false, "invalid_target"},
		{"repeated state", func(p url.Values) { p.Add("state", "again") }, false, "invalid_request"},
		{"client without code grant", func(p url.Values) { p.Set("client_id", "cc"); p.Set("redirect_uri", "https://cc.example/cb") }, false, "unauthorized_client"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := base()
			tt.mutate(p)
			r := get(t, s.URL+"/oauth/authorize?"+p.Encode())
			if tt.wantPage {
				if r.status != http.StatusBadRequest || r.header.Get("Location") != "" || !strings.Contains(string(r.body), tt.wantError) {
					t.Fatalf("want 400 page with %s, got %d location=%q body=%s", tt.wantError, r.status, r.header.Get("Location"), r.body)
				}
				return
			}
			if r.status != http.StatusFound {
				t.Fatalf("want redirect, got %d %s", r.status, r.body)
			}
			loc, err := url.Parse(r.header.Get("Location"))
			if err != nil {
				t.Fatal(err)
			}
			q := loc.Query()
			if q.Get("error") != tt.wantError || q.Get("error_description") == "" || q.Get("iss") != s.URL || q.Get("code") != "" {
				t.Fatalf("redirect query %v, want error %s", q, tt.wantError)
			}
			if q.Get("state") != p.Get("state") && len(p["state"]) == 1 {
				t.Errorf("state %q", q.Get("state"))
			}
			if q.Get("keep") != "1" && loc.Host == "127.0.0.1:5000" {
				t.Errorf("redirect URI query not retained: %v", loc)
			}
		})
	}
}

func TestAuthorize_postAndLoginHint(t *testing.T) {
	s := start(t, WithUser(User{Subject: "usr_1", Email: "a@example.com"}), WithUser(User{Subject: "usr_2", Email: "b@example.com", Name: "B"}))
	p := authorizeParams()
	p.Set("login_hint", "b@example.com")
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, s.URL+"/oauth/authorize", strings.NewReader(p.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r := do(t, req)
	loc, _ := url.Parse(r.header.Get("Location"))
	if r.status != http.StatusFound {
		t.Fatalf("POST authorize: %d %s", r.status, r.body)
	}
	tr := postForm(t, s.URL+"/oauth/token", codeForm(loc.Query().Get("code")))
	if c := verify(t, s.JWKS(), tr.json["access_token"].(string)); c["sub"] != "usr_2" {
		t.Fatalf("sub %v, want usr_2 (login_hint)", c["sub"])
	}
}

func TestAuthorize_defaultRedirectWhenSingle(t *testing.T) {
	s := start(t)
	p := authorizeParams()
	p.Del("redirect_uri")
	q := authorize(t, s.URL, p)
	if q.Get("code") == "" {
		t.Fatal("no code")
	}
	// The code was issued without redirect_uri, so the token request may omit it.
	f := codeForm(q.Get("code"))
	f.Del("redirect_uri")
	if r := postForm(t, s.URL+"/oauth/token", f); r.status != 200 {
		t.Fatalf("token: %d %s", r.status, r.body)
	}
}
