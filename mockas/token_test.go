package mockas

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestToken_authorizationCode(t *testing.T) {
	s := start(t, WithResource(Resource{ID: "res_5", ServerURL: "http://localhost:3000/mcp"}))
	p := authorizeParams()
	p.Set("resource", "http://localhost:3000/mcp")
	q := authorize(t, s.URL, p)
	f := codeForm(q.Get("code"))
	f.Set("resource", "http://localhost:3000/mcp")
	r := postForm(t, s.URL+"/oauth/token", f)
	if r.status != 200 {
		t.Fatalf("token: %d %s", r.status, r.body)
	}
	if r.header.Get("Cache-Control") != "no-store" {
		t.Errorf("Cache-Control %q", r.header.Get("Cache-Control"))
	}
	if r.json["token_type"] != "Bearer" || r.json["expires_in"] != float64(3600) || r.json["refresh_token"] == nil || r.json["id_token"] == nil {
		t.Fatalf("response %v", r.json)
	}
	c := verify(t, s.JWKS(), r.json["access_token"].(string))
	if diff := cmp.Diff([]any{"res_5", "http://localhost:3000/mcp"}, c["aud"]); diff != "" {
		t.Errorf("aud (-want +got):\n%s", diff)
	}
	sid, _ := c["sid"].(string)
	if c["sub"] != DefaultUserSubject || c["client_id"] != DefaultClientID || !strings.HasPrefix(sid, "ses_") || c["oid"] != DefaultOrganizationID {
		t.Errorf("claims %v", c)
	}
	id := verify(t, s.JWKS(), r.json["id_token"].(string))
	if id["aud"] != DefaultClientID || id["nonce"] != "n-456" || id["email"] != DefaultUserEmail || id["name"] != DefaultUserName ||
		id["sub"] != DefaultUserSubject || id["iss"] != s.URL || id["at_hash"] != atHash(r.json["access_token"].(string)) {
		t.Errorf("id_token %v", id)
	}
}

func TestToken_codeErrors(t *testing.T) {
	s := start(t, WithClient(Client{ID: DefaultClientID, Secret: DefaultClientSecret, RedirectURIs: []string{DefaultClientRedirectURI}}),
		WithClient(Client{ID: "other", Secret: "o", RedirectURIs: []string{DefaultClientRedirectURI}}))
	tests := []struct {
		name   string
		mutate func(f url.Values)
		want   string
		status int
	}{
		{"unknown code", func(f url.Values) { f.Set("code", "nope") }, "invalid_grant", 400},
		{"missing code", func(f url.Values) { f.Del("code") }, "invalid_request", 400},
		{"wrong verifier", func(f url.Values) { f.Set("code_verifier", strings.Repeat("a", 43)) }, "invalid_grant", 400},
		{"missing verifier", func(f url.Values) { f.Del("code_verifier") }, "invalid_grant", 400},
		{"malformed verifier", func(f url.Values) { f.Set("code_verifier", "short") }, "invalid_request", 400},
		{"redirect mismatch", func(f url.Values) { f.Set("redirect_uri", "http://127.0.0.1/other") }, "invalid_grant", 400},
		{"redirect missing", func(f url.Values) { f.Del("redirect_uri") }, "invalid_grant", 400},
		{"other client", func(f url.Values) { f.Set("client_id", "other"); f.Set("client_secret", "o") }, "invalid_grant", 400},
		{"bad secret", func(f url.Values) { f.Set("client_secret", "wrong") }, "invalid_client", 400},
		{"resource not in grant", func(f url.Values) { f.Set("resource", "https://elsewhere.example/mcp") }, "invalid_target", 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := authorizeParams()
			p.Set("resource", "https://rs.example/mcp")
			f := codeForm(authorize(t, s.URL, p).Get("code"))
			tt.mutate(f)
			r := postForm(t, s.URL+"/oauth/token", f)
			if r.status != tt.status || r.json["error"] != tt.want || r.json["error_description"] == nil {
				t.Fatalf("got %d %s, want %d %s", r.status, r.body, tt.status, tt.want)
			}
		})
	}
}

func TestToken_codeExpires(t *testing.T) {
	s := start(t)
	code := authorize(t, s.URL, authorizeParams()).Get("code")
	s.Advance(10*time.Minute + time.Second)
	if r := postForm(t, s.URL+"/oauth/token", codeForm(code)); r.json["error"] != "invalid_grant" {
		t.Fatalf("expired code: %d %s", r.status, r.body)
	}
}

func TestToken_codeReplayRevokes(t *testing.T) {
	s := start(t)
	code := authorize(t, s.URL, authorizeParams()).Get("code")
	first := postForm(t, s.URL+"/oauth/token", codeForm(code))
	if first.status != 200 {
		t.Fatalf("first: %d %s", first.status, first.body)
	}
	replay := postForm(t, s.URL+"/oauth/token", codeForm(code))
	if replay.status != 400 || replay.json["error"] != "invalid_grant" {
		t.Fatalf("replay: %d %s", replay.status, replay.body)
	}
	// What the code issued is revoked: the access token is inactive, the refresh token dead.
	in := postForm(t, s.URL+"/oauth/introspect", url.Values{"token": {first.json["access_token"].(string)}}, DefaultClientID, DefaultClientSecret)
	if in.json["active"] != false {
		t.Errorf("access token still active after code replay: %s", in.body)
	}
	rf := postForm(t, s.URL+"/oauth/token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {first.json["refresh_token"].(string)}}, DefaultClientID, DefaultClientSecret)
	if rf.json["error"] != "invalid_grant" {
		t.Errorf("refresh after replay: %s", rf.body)
	}
}

func TestToken_refreshRotationAndReuse(t *testing.T) {
	s := start(t)
	first := postForm(t, s.URL+"/oauth/token", codeForm(authorize(t, s.URL, authorizeParams()).Get("code")))
	rt1 := first.json["refresh_token"].(string)
	refresh := func(rt string, extra url.Values) response {
		f := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}}
		for k, v := range extra {
			f[k] = v
		}
		return postForm(t, s.URL+"/oauth2/token", f, DefaultClientID, DefaultClientSecret)
	}
	narrowed := refresh(rt1, url.Values{"scope": {"mcp:tools:weather openid"}})
	if narrowed.status != 200 || narrowed.json["refresh_token"] == rt1 || narrowed.json["refresh_token"] == nil {
		t.Fatalf("refresh: %d %s", narrowed.status, narrowed.body)
	}
	c := verify(t, s.JWKS(), narrowed.json["access_token"].(string))
	if c["scope"] != "mcp:tools:weather openid" || narrowed.json["id_token"] == nil {
		t.Errorf("narrowed scope %v / id_token %v", c["scope"], narrowed.json["id_token"] != nil)
	}
	rt2 := narrowed.json["refresh_token"].(string)
	if r := refresh(rt2, url.Values{"scope": {"mcp:tools:admin"}}); r.json["error"] != "invalid_scope" {
		t.Errorf("widened scope: %s", r.body)
	}
	// invalid_scope did not consume rt2.
	third := refresh(rt2, nil)
	if third.status != 200 {
		t.Fatalf("refresh 2: %s", third.body)
	}
	// Reusing the rotated rt1 revokes the family, including the newest tokens.
	if r := refresh(rt1, nil); r.json["error"] != "invalid_grant" {
		t.Fatalf("reuse: %s", r.body)
	}
	if r := refresh(third.json["refresh_token"].(string), nil); r.json["error"] != "invalid_grant" {
		t.Errorf("newest refresh token survived reuse detection: %s", r.body)
	}
	in := postForm(t, s.URL+"/oauth/introspect", url.Values{"token": {third.json["access_token"].(string)}}, DefaultClientID, DefaultClientSecret)
	if in.json["active"] != false {
		t.Errorf("newest access token survived reuse detection: %s", in.body)
	}
}

func TestToken_noRefreshWithoutOfflineAccess(t *testing.T) {
	s := start(t)
	p := authorizeParams()
	p.Set("scope", "mcp:tools:weather")
	r := postForm(t, s.URL+"/oauth/token", codeForm(authorize(t, s.URL, p).Get("code")))
	if r.status != 200 || r.json["refresh_token"] != nil || r.json["id_token"] != nil {
		t.Fatalf("%d %s", r.status, r.body)
	}
}

func TestToken_clientCredentials(t *testing.T) {
	s := start(t,
		WithClient(Client{ID: "svc", Secret: "sec", Scopes: []string{"mcp:tools:*"}, AccessTokenLifetime: Duration(5 * time.Minute)}),
		WithClient(Client{ID: "post", Secret: "p", AuthMethod: "client_secret_post"}),
		WithClient(Client{ID: "basic", Secret: "b", AuthMethod: "client_secret_basic"}),
		WithClient(Client{ID: "pub", RedirectURIs: []string{"http://127.0.0.1/cb"}}),
		WithScopePermissions(map[string][]string{"mcp:tools:weather": {"weather:read"}, "mcp:tools:email:send": {"email:send", "contacts:read"}}),
	)
	cc := func(form url.Values, basic ...string) response {
		form.Set("grant_type", "client_credentials")
		return postForm(t, s.URL+"/oauth/token", form, basic...)
	}
	r := cc(url.Values{"client_id": {"svc"}, "client_secret": {"sec"}, "scope": {"mcp:tools:weather mcp:tools:email:send"},
		"audience": {"https://your-mcp-server.com"}, "resource": {"https://rs.example/mcp"}})
	if r.status != 200 || r.json["expires_in"] != float64(300) || r.json["refresh_token"] != nil {
		t.Fatalf("cc post: %d %s", r.status, r.body)
	}
	c := verify(t, s.JWKS(), r.json["access_token"].(string))
	want := map[string]any{
		"aud":         []any{DefaultResourceID, "https://rs.example/mcp", "https://your-mcp-server.com"},
		"sub":         "svc",
		"permissions": []any{"weather:read", "email:send", "contacts:read"},
	}
	for k, v := range want {
		if diff := cmp.Diff(v, c[k]); diff != "" {
			t.Errorf("%s (-want +got):\n%s", k, diff)
		}
	}
	if _, ok := c["sid"]; ok {
		t.Error("client credentials token has sid")
	}
	tests := []struct {
		name   string
		form   url.Values
		basic  []string
		status int
		err    string
		wwwAut bool
	}{
		{"basic ok", url.Values{"scope": {"mcp:tools:weather"}}, []string{"svc", "sec"}, 200, "", false},
		{"hierarchical scope denied", url.Values{"scope": {"mcp:resources:db"}}, []string{"svc", "sec"}, 400, "invalid_scope", false},
		{"bad secret basic", url.Values{}, []string{"svc", "nope"}, 401, "invalid_client", true},
		{"bad secret post", url.Values{"client_id": {"svc"}, "client_secret": {"nope"}}, nil, 400, "invalid_client", false},
		{"unknown client", url.Values{"client_id": {"ghost"}, "client_secret": {"x"}}, nil, 400, "invalid_client", false},
		{"no credentials", url.Values{}, nil, 400, "invalid_client", false},
		{"post-only client via basic", url.Values{}, []string{"post", "p"}, 401, "invalid_client", true},
		{"basic-only client via post", url.Values{"client_id": {"basic"}, "client_secret": {"b"}}, nil, 400, "invalid_client", false},
		{"public client", url.Values{"client_id": {"pub"}}, nil, 400, "unauthorized_client", false},
		{"two auth methods", url.Values{"client_secret": {"sec"}}, []string{"svc", "sec"}, 400, "invalid_request", false},
		{"bad resource", url.Values{"resource": {"rel/path"}}, []string{"svc", "sec"}, 400, "invalid_target", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := cc(tt.form, tt.basic...)
			if r.status != tt.status || (tt.err != "" && r.json["error"] != tt.err) {
				t.Fatalf("got %d %s, want %d %s", r.status, r.body, tt.status, tt.err)
			}
			if got := r.header.Get("WWW-Authenticate") != ""; got != tt.wwwAut {
				t.Errorf("WWW-Authenticate present=%v, want %v", got, tt.wwwAut)
			}
		})
	}
}

func TestToken_requestErrors(t *testing.T) {
	s := start(t)
	post := func(ct, body string, hdr ...string) response {
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, s.URL+"/oauth/token", strings.NewReader(body))
		req.Header.Set("Content-Type", ct)
		if len(hdr) == 2 {
			req.Header.Set(hdr[0], hdr[1])
		}
		return do(t, req)
	}
	form := "application/x-www-form-urlencoded"
	creds := "&client_id=" + DefaultClientID + "&client_secret=" + DefaultClientSecret
	tests := []struct {
		name   string
		ct     string
		body   string
		hdr    []string
		status int
		err    string
	}{
		{"json body", "application/json", `{"grant_type":"client_credentials"}`, nil, 400, "invalid_request"},
		{"malformed form", form, "grant_type=%zz", nil, 400, "invalid_request"},
		{"missing grant type", form, "scope=a" + creds, nil, 400, "invalid_request"},
		{"unsupported grant", form, "grant_type=password" + creds, nil, 400, "unsupported_grant_type"},
		{"repeated param", form, "grant_type=client_credentials&scope=a&scope=b" + creds, nil, 400, "invalid_request"},
		{"malformed basic", form, "grant_type=client_credentials", []string{"Authorization", "Basic !!!"}, 401, "invalid_client"},
		{"bad scope chars", form, "grant_type=client_credentials&scope=a%22b" + creds, nil, 400, "invalid_scope"},
		{"unknown params ignored", form, "grant_type=client_credentials&foo=bar" + creds, nil, 200, ""},
		{"too large", form, "grant_type=client_credentials&x=" + strings.Repeat("a", maxBodyBytes), nil, 413, "invalid_request"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := post(tt.ct, tt.body, tt.hdr...)
			if r.status != tt.status || (tt.err != "" && r.json["error"] != tt.err) {
				t.Fatalf("got %d %s, want %d %s", r.status, r.body, tt.status, tt.err)
			}
		})
	}
	if r := get(t, s.URL+"/oauth/token"); r.status != http.StatusMethodNotAllowed || r.json["error"] != "invalid_request" {
		t.Errorf("GET token: %d %s", r.status, r.body)
	}
}

func TestToken_resourceRouteAndIssuer(t *testing.T) {
	s := start(t, WithResourceIssuer(), WithResource(Resource{ID: "res_a"}), WithResource(Resource{ID: "res_b"}))
	r := postForm(t, s.URL+"/resources/res_b/oauth/token", url.Values{"grant_type": {"client_credentials"}}, DefaultClientID, DefaultClientSecret)
	if r.status != 200 {
		t.Fatalf("%d %s", r.status, r.body)
	}
	c := verify(t, s.JWKS(), r.json["access_token"].(string))
	if c["iss"] != s.URL+"/resources/res_b" || cmp.Diff([]any{"res_b"}, c["aud"]) != "" {
		t.Fatalf("iss %v aud %v", c["iss"], c["aud"])
	}
	if r := postForm(t, s.URL+"/resources/res_zzz/oauth/token", url.Values{"grant_type": {"client_credentials"}}, DefaultClientID, DefaultClientSecret); r.status != 404 {
		t.Errorf("unknown resource route: %d", r.status)
	}
}

func TestToken_unpublishedAndRotatedKeys(t *testing.T) {
	s := start(t)
	cc := func() string {
		r := postForm(t, s.URL+"/oauth/token", url.Values{"grant_type": {"client_credentials"}}, DefaultClientID, DefaultClientSecret)
		return r.json["access_token"].(string)
	}
	old := s.JWKS().Keys[0].KeyID
	s.SignWithUnpublishedKey(true)
	tok := cc()
	kid, _ := decodePart(t, tok, 0)["kid"].(string)
	jwks := s.JWKS()
	if !strings.HasPrefix(kid, "snk_") || kid == old || len(jwks.Key(kid)) != 0 {
		t.Fatalf("unpublished kid %q (published %q)", kid, old)
	}
	s.SignWithUnpublishedKey(false)
	newKID, err := s.RotateKey(false)
	if err != nil {
		t.Fatal(err)
	}
	if got := decodePart(t, cc(), 0)["kid"]; got != newKID || len(s.JWKS().Keys) != 2 {
		t.Fatalf("after rotate kid %v, %d keys", got, len(s.JWKS().Keys))
	}
	if err := s.RetireKey(newKID); err == nil {
		t.Error("retiring the active key succeeded")
	}
	if err := s.RetireKey(old); err != nil || len(s.JWKS().Keys) != 1 {
		t.Fatalf("retire old: %v, %d keys", err, len(s.JWKS().Keys))
	}
	if err := s.RetireKey("snk_missing"); err == nil {
		t.Error("retiring an unknown kid succeeded")
	}
}
