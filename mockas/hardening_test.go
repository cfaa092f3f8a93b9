package mockas

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestBindFamily_goneOrRevoked: between redeeming a code and issuing its tokens the lock is
// released; a Reset, a pruning after the clock moved, or a replay of the code may remove or
// revoke the family meanwhile. That must be invalid_grant, not a nil dereference.
func TestBindFamily_goneOrRevoked(t *testing.T) {
	h, err := NewHandler(Config{Issuer: "http://127.0.0.1:9", SigningKey: testKeyPEM})
	if err != nil {
		t.Fatal(err)
	}
	res := Resource{ID: DefaultResourceID}
	if _, e := h.bindFamily("no-such-family", res, nil, nil); e == nil || e.Code != CodeInvalidGrant {
		t.Fatalf("missing family: %v", e)
	}
	h.mu.Lock()
	fid := h.newFamilyLocked(&family{clientID: DefaultClientID, sid: "ses_1"})
	h.mu.Unlock()
	sid, e := h.bindFamily(fid, res, nil, []string{"https://rs.example/mcp"})
	if e != nil || sid != "ses_1" {
		t.Fatalf("live family: sid %q, %v", sid, e)
	}
	h.mu.Lock()
	got := h.families[fid].resources
	h.revokeFamilyLocked(fid)
	h.mu.Unlock()
	if len(got) != 1 || got[0] != "https://rs.example/mcp" {
		t.Errorf("requested resources not recorded: %v", got)
	}
	if _, e := h.bindFamily(fid, res, nil, nil); e == nil || e.Code != CodeInvalidGrant {
		t.Errorf("revoked family: %v", e)
	}
	h.Reset()
	if _, e := h.bindFamily(fid, res, nil, nil); e == nil || e.Code != CodeInvalidGrant {
		t.Errorf("family after Reset: %v", e)
	}
}

// TestConcurrent_resetDuringExchanges runs code exchanges while the control plane resets
// the instance and moves its clock (which prunes families). Every answer must be a token or
// invalid_grant; run with -race.
func TestConcurrent_resetDuringExchanges(t *testing.T) {
	h, err := NewHandler(Config{Issuer: "http://127.0.0.1:9", SigningKey: testKeyPEM})
	if err != nil {
		t.Fatal(err)
	}
	formCT := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}
	var wg sync.WaitGroup
	errs := make(chan string, 256)
	for i := 0; i < 6; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 30; j++ {
				rec := serve(h, http.MethodGet, "/oauth/authorize?"+authorizeParams().Encode(), "", nil)
				loc, err := url.Parse(rec.Header().Get("Location"))
				if rec.Code != http.StatusFound || err != nil {
					errs <- fmt.Sprintf("authorize: %d %s", rec.Code, rec.Body)
					return
				}
				tok := serve(h, http.MethodPost, "/oauth/token", codeForm(loc.Query().Get("code")).Encode(), formCT)
				if tok.Code != http.StatusOK && !strings.Contains(tok.Body.String(), `"invalid_grant"`) {
					errs <- fmt.Sprintf("token: %d %s", tok.Code, tok.Body)
				}
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for j := 0; j < 60; j++ {
			if j%2 == 0 {
				h.Reset()
			} else {
				h.Advance(time.Hour)
			}
		}
	}()
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

// TestConfig_Validate_userClaimsMustBeJSON: extra claims that cannot be written as JSON
// (a YAML mapping with non-string keys decodes to map[any]any) are a config error at
// start, not a 500 on the first token request.
func TestConfig_Validate_userClaimsMustBeJSON(t *testing.T) {
	cfg := Config{Users: []User{{Subject: "usr_1", Claims: map[string]any{"roles": map[any]any{1: "admin"}}}}}
	err := cfg.Validate()
	if !errors.Is(err, ErrInvalidConfig) || !strings.Contains(err.Error(), "users[0].claims") {
		t.Fatalf("Validate: %v", err)
	}
	ok := Config{Users: []User{{Subject: "usr_1", Claims: map[string]any{"roles": []any{"admin"}, "xuid": "ext_1"}}}}
	if err := ok.Validate(); err != nil {
		t.Errorf("valid claims rejected: %v", err)
	}
}

// TestToken_clientCredentialsScopeResponse: the response scope is the granted scope as the
// token carries it, not the raw parameter.
func TestToken_clientCredentialsScopeResponse(t *testing.T) {
	s := start(t)
	r := postForm(t, s.URL+"/oauth/token", url.Values{"grant_type": {"client_credentials"}, "scope": {"  mcp:tools:a   mcp:tools:a mcp:tools:b "}},
		DefaultClientID, DefaultClientSecret)
	if r.status != http.StatusOK {
		t.Fatalf("%d %s", r.status, r.body)
	}
	c := verify(t, s.JWKS(), r.json["access_token"].(string))
	if r.json["scope"] != "mcp:tools:a mcp:tools:b" || c["scope"] != r.json["scope"] {
		t.Errorf("response scope %q, token scope %q", r.json["scope"], c["scope"])
	}
}

// TestToken_refreshErrors covers the refresh_token grant's refusals: OAuth 2.1 §4.3.1 and
// RFC 8707 §2.2 (a resource outside the original grant is invalid_target).
func TestToken_refreshErrors(t *testing.T) {
	s := start(t,
		WithConfig(Config{SigningKey: testKeyPEM, Lifetimes: Lifetimes{RefreshToken: Duration(time.Hour)}}),
		WithClient(Client{ID: DefaultClientID, Secret: DefaultClientSecret, RedirectURIs: []string{DefaultClientRedirectURI}}),
		WithClient(Client{ID: "other", Secret: "o"}),
	)
	p := authorizeParams()
	p.Set("resource", "https://rs.example/mcp")
	first := postForm(t, s.URL+"/oauth/token", codeForm(authorize(t, s.URL, p).Get("code")))
	rt, ok := first.json["refresh_token"].(string)
	if first.status != http.StatusOK || !ok {
		t.Fatalf("code exchange: %d %s", first.status, first.body)
	}
	refresh := func(form url.Values, basic ...string) response {
		form.Set("grant_type", "refresh_token")
		return postForm(t, s.URL+"/oauth/token", form, basic...)
	}
	tests := []struct {
		name  string
		form  url.Values
		basic []string
		err   string
	}{
		{"missing refresh_token", url.Values{}, []string{DefaultClientID, DefaultClientSecret}, "invalid_request"},
		{"unknown refresh_token", url.Values{"refresh_token": {"nope"}}, []string{DefaultClientID, DefaultClientSecret}, "invalid_grant"},
		{"another client's token", url.Values{"refresh_token": {rt}}, []string{"other", "o"}, "invalid_grant"},
		{"resource outside the grant", url.Values{"refresh_token": {rt}, "resource": {"https://elsewhere.example/mcp"}}, []string{DefaultClientID, DefaultClientSecret}, "invalid_target"},
		{"malformed resource", url.Values{"refresh_token": {rt}, "resource": {"rel"}}, []string{DefaultClientID, DefaultClientSecret}, "invalid_target"},
		{"malformed scope", url.Values{"refresh_token": {rt}, "scope": {"a\\b"}}, []string{DefaultClientID, DefaultClientSecret}, "invalid_scope"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if r := refresh(tt.form, tt.basic...); r.status != http.StatusBadRequest || r.json["error"] != tt.err {
				t.Fatalf("got %d %s, want 400 %s", r.status, r.body, tt.err)
			}
		})
	}
	// None of the refusals consumed the token; the grant's resource stays in aud.
	r := refresh(url.Values{"refresh_token": {rt}, "resource": {"https://rs.example/mcp"}}, DefaultClientID, DefaultClientSecret)
	if r.status != http.StatusOK {
		t.Fatalf("refresh after refusals: %d %s", r.status, r.body)
	}
	c := verify(t, s.JWKS(), r.json["access_token"].(string))
	if aud, _ := c["aud"].([]any); len(aud) != 2 || aud[0] != DefaultResourceID || aud[1] != "https://rs.example/mcp" {
		t.Errorf("aud after refresh: %v", c["aud"])
	}
	s.Advance(2 * time.Hour)
	if r := refresh(url.Values{"refresh_token": {r.json["refresh_token"].(string)}}, DefaultClientID, DefaultClientSecret); r.json["error"] != "invalid_grant" {
		t.Errorf("expired refresh token: %d %s", r.status, r.body)
	}
}
