package mockas

import (
	"errors"
	"net/http"
	"net/url"
	"testing"
	"time"
)

// userTokens runs a code flow and returns the token response.
func userTokens(t *testing.T, s *Server) response {
	t.Helper()
	r := postForm(t, s.URL+"/oauth/token", codeForm(authorize(t, s.URL, authorizeParams()).Get("code")))
	if r.status != 200 {
		t.Fatalf("token: %d %s", r.status, r.body)
	}
	return r
}

func introspect(t *testing.T, s *Server, tok string) map[string]any {
	t.Helper()
	return postForm(t, s.URL+"/oauth/introspect", url.Values{"token": {tok}}, DefaultClientID, DefaultClientSecret).json
}

func TestIntrospect(t *testing.T) {
	s := start(t, WithClient(Client{ID: DefaultClientID, Secret: DefaultClientSecret, RedirectURIs: []string{DefaultClientRedirectURI}}),
		WithClient(Client{ID: "pub", RedirectURIs: []string{"http://127.0.0.1/cb"}}))
	toks := userTokens(t, s)
	at := toks.json["access_token"].(string)
	in := introspect(t, s, at)
	if in["active"] != true || in["sub"] != DefaultUserSubject || in["client_id"] != DefaultClientID || in["token_type"] != "Bearer" || in["jti"] == nil {
		t.Fatalf("introspect: %v", in)
	}
	if rt := introspect(t, s, toks.json["refresh_token"].(string)); rt["active"] != true || rt["token_type"] != "refresh_token" {
		t.Errorf("refresh introspection: %v", rt)
	}
	minted, _ := s.Mint(TokenSpec{})
	if in := introspect(t, s, minted); in["active"] != true {
		t.Errorf("minted token inactive: %v", in)
	}
	for _, d := range []Defect{DefectExpired, DefectNotYetValid, DefectWrongIssuer, DefectForeignKey, DefectAlgNone, DefectHS256JWK, DefectBadSignature, DefectNoExpiry} {
		bad, err := s.Mint(TokenSpec{Defect: d})
		if err != nil {
			t.Fatal(err)
		}
		if in := introspect(t, s, bad); in["active"] != false {
			t.Errorf("%s token introspected active: %v", d, in)
		}
	}
	if in := introspect(t, s, "garbage"); in["active"] != false {
		t.Errorf("garbage: %v", in)
	}
	s.Advance(2 * time.Hour)
	if in := introspect(t, s, at); in["active"] != false {
		t.Errorf("expired access token active: %v", in)
	}
	// Authentication is required, and public clients are refused.
	if r := postForm(t, s.URL+"/oauth/introspect", url.Values{"token": {at}}); r.json["error"] != "invalid_client" {
		t.Errorf("anonymous introspection: %d %s", r.status, r.body)
	}
	if r := postForm(t, s.URL+"/oauth/introspect", url.Values{"token": {at}, "client_id": {"pub"}}); r.json["error"] != "invalid_client" {
		t.Errorf("public introspection: %d %s", r.status, r.body)
	}
	if r := postForm(t, s.URL+"/oauth/introspect", url.Values{}, DefaultClientID, DefaultClientSecret); r.json["error"] != "invalid_request" {
		t.Errorf("no token: %s", r.body)
	}
}

func TestRevoke(t *testing.T) {
	s := start(t, WithClient(Client{ID: DefaultClientID, Secret: DefaultClientSecret, RedirectURIs: []string{DefaultClientRedirectURI}}),
		WithClient(Client{ID: "other", Secret: "o"}))
	revoke := func(tok string, basic ...string) response {
		return postForm(t, s.URL+"/oauth/revoke", url.Values{"token": {tok}}, basic...)
	}
	toks := userTokens(t, s)
	at, rt := toks.json["access_token"].(string), toks.json["refresh_token"].(string)
	if r := revoke(at, "other", "o"); r.status != 400 {
		t.Errorf("revoking another client's token: %d", r.status)
	}
	if r := revoke(at, DefaultClientID, DefaultClientSecret); r.status != 200 || r.header.Get("Cache-Control") != "no-store" {
		t.Fatalf("revoke access: %d %s", r.status, r.body)
	}
	if in := introspect(t, s, at); in["active"] != false {
		t.Errorf("revoked access token active")
	}
	if in := introspect(t, s, rt); in["active"] != true {
		t.Errorf("refresh token revoked along with the access token only")
	}
	if r := revoke(rt, DefaultClientID, DefaultClientSecret); r.status != 200 {
		t.Fatalf("revoke refresh: %d", r.status)
	}
	if r := postForm(t, s.URL+"/oauth/token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}}, DefaultClientID, DefaultClientSecret); r.json["error"] != "invalid_grant" {
		t.Errorf("refresh after revoke: %s", r.body)
	}
	if r := revoke("not-a-token", DefaultClientID, DefaultClientSecret); r.status != 200 {
		t.Errorf("unknown token: %d", r.status)
	}
	if r := revoke(at, DefaultClientID, "bad"); r.status != 401 || r.header.Get("WWW-Authenticate") == "" {
		t.Errorf("bad credentials: %d", r.status)
	}
}

func TestUserinfo(t *testing.T) {
	s := start(t, WithUser(User{Subject: "usr_9", Email: "nine@example.com", Name: "Nine", Claims: map[string]any{"roles": []string{"admin"}}}))
	at := userTokens(t, s).json["access_token"].(string)
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, s.URL+"/userinfo", nil)
	req.Header.Set("Authorization", "Bearer "+at)
	r := do(t, req)
	if r.status != 200 || r.json["sub"] != "usr_9" || r.json["email"] != "nine@example.com" || r.json["name"] != "Nine" || r.json["roles"] == nil {
		t.Fatalf("userinfo: %d %s", r.status, r.body)
	}
	if c := verify(t, s.JWKS(), at); c["roles"] == nil {
		t.Errorf("user claims missing from access token: %v", c)
	}
	if r := get(t, s.URL+"/userinfo"); r.status != 401 || r.header.Get("WWW-Authenticate") != `Bearer realm="mockas"` {
		t.Errorf("no token: %d %q", r.status, r.header.Get("WWW-Authenticate"))
	}
	req.Header.Set("Authorization", "Bearer bogus")
	if r := do(t, req); r.status != 401 || r.json["error"] != "invalid_token" {
		t.Errorf("bad token: %d %s", r.status, r.body)
	}
}

func TestLogout(t *testing.T) {
	s := start(t)
	toks := userTokens(t, s)
	idt := toks.json["id_token"].(string)
	q := url.Values{"id_token_hint": {idt}, "post_logout_redirect_uri": {"http://127.0.0.1/bye"}, "state": {"s1"}}
	r := get(t, s.URL+"/oidc/logout?"+q.Encode())
	loc, _ := url.Parse(r.header.Get("Location"))
	if r.status != http.StatusFound || loc.Path != "/bye" || loc.Query().Get("state") != "s1" {
		t.Fatalf("logout: %d %v", r.status, loc)
	}
	if in := introspect(t, s, toks.json["access_token"].(string)); in["active"] != false {
		t.Error("session tokens survive logout")
	}
	if r := get(t, s.URL+"/oidc/logout"); r.status != 200 {
		t.Errorf("plain logout: %d", r.status)
	}
	bad := url.Values{"id_token_hint": {idt}, "post_logout_redirect_uri": {"https://evil.example/"}}
	if r := get(t, s.URL+"/oidc/logout?"+bad.Encode()); r.status != 400 || r.header.Get("Location") != "" {
		t.Errorf("foreign redirect: %d %q", r.status, r.header.Get("Location"))
	}
	if r := get(t, s.URL+"/oidc/logout?id_token_hint=garbage"); r.status != 400 {
		t.Errorf("bad hint: %d", r.status)
	}
}

func TestHealth(t *testing.T) {
	now := time.Date(2031, 5, 6, 7, 8, 9, 0, time.UTC)
	s := start(t, WithClock(fixedClock(now)))
	r := get(t, s.URL+"/health")
	services, _ := r.json["services"].(map[string]any)
	if r.status != 200 || r.json["status"] != "healthy" || r.json["timestamp"] != "2031-05-06T07:08:09Z" || services["oauth_server"] != "healthy" {
		t.Fatalf("health: %d %s", r.status, r.body)
	}
}

// TestRevokeToken_controlPlane: the operator's revocation (POST /_mockas/tokens/revoke)
// revokes a minted token whichever client holds it; introspection then says active false;
// a missing token is invalid_request, an unknown or already revoked one 404.
func TestRevokeToken_controlPlane(t *testing.T) {
	s := start(t)
	minted, err := s.Mint(TokenSpec{ClientID: "mcp-conform-revocation", Subject: "rev"})
	if err != nil {
		t.Fatal(err)
	}
	other, err := s.Mint(TokenSpec{ClientID: "mcp-conform-revocation", Subject: "rev"})
	if err != nil {
		t.Fatal(err)
	}
	if in := introspect(t, s, minted); in["active"] != true {
		t.Fatalf("minted token not active before revocation: %v", in)
	}
	r := postJSON(t, s.URL+"/_mockas/tokens/revoke", `{"token":"`+minted+`"}`)
	if r.status != 200 || r.json["token_type"] != "access_token" || r.json["jti"] == "" || r.json["client_id"] != "mcp-conform-revocation" {
		t.Fatalf("control-plane revoke: %d %s", r.status, r.body)
	}
	if in := introspect(t, s, minted); in["active"] != false {
		t.Errorf("revoked token still active: %v", in)
	}
	if in := introspect(t, s, other); in["active"] != true {
		t.Errorf("revoking one token revoked another of the same client: %v", in)
	}
	for body, want := range map[string]int{`{"token":"` + minted + `"}`: 404, `{"token":"garbage"}`: 404, `{}`: 400, `{"token":`: 400} {
		if r := postJSON(t, s.URL+"/_mockas/tokens/revoke", body); r.status != want || r.json["error"] == nil {
			t.Errorf("revoke %s: %d %s, want %d with an OAuth error", body, r.status, r.body, want)
		}
	}
	if _, err := s.RevokeToken(other); err != nil {
		t.Errorf("Server.RevokeToken: %v", err)
	}
	if _, err := s.RevokeToken(other); !errors.Is(err, ErrNotRevocable) {
		t.Errorf("second RevokeToken = %v, want ErrNotRevocable", err)
	}
}
