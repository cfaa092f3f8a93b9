package mockas_test

// Proof with real software: golang.org/x/oauth2 against mockas. Client credentials through
// clientcredentials.Config, authorization code with PKCE (S256) through oauth2.Config, and
// refresh through a TokenSource once the mockas clock has passed the access token's expiry.

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
	"github.com/google/go-cmp/cmp"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/mcp-conform/mcp-conform/mockas"
)

// mcpResourceURL is the server URL of the resource the real-client tests use.
const mcpResourceURL = "http://127.0.0.1:3000/mcp"

// accessClaims are the access-token claims the tests look at.
type accessClaims struct {
	jwt.Claims
	ClientID string   `json:"client_id"`
	Scopes   []string `json:"scopes"`
}

// verifyAccessToken verifies tok as a resource server would: RS256 only, key from the
// published JWKS (fetched over HTTP) by kid, then iss, aud and exp at the mockas clock.
func verifyAccessToken(t *testing.T, as *mockas.Server, tok, wantAud string) accessClaims {
	t.Helper()
	parsed, err := jwt.ParseSigned(tok, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil {
		t.Fatalf("parse access token: %v", err)
	}
	jwks, err := getJWKS(t.Context(), as.Metadata().JWKSURI)
	if err != nil {
		t.Fatal(err)
	}
	keys := jwks.Key(parsed.Headers[0].KeyID)
	if len(keys) != 1 {
		t.Fatalf("kid %q: %d keys in the JWKS", parsed.Headers[0].KeyID, len(keys))
	}
	var c accessClaims
	if err := parsed.Claims(keys[0].Key, &c); err != nil {
		t.Fatalf("verify access token: %v", err)
	}
	exp := jwt.Expected{Issuer: as.TokenIssuer(), AnyAudience: jwt.Audience{wantAud}, Time: as.Now()}
	if err := c.ValidateWithLeeway(exp, 0); err != nil {
		t.Fatalf("validate access token claims: %v", err)
	}
	return c
}

func TestRealClient_OAuth2_clientCredentials(t *testing.T) {
	as := mockas.Start(t, mockas.WithResource(mockas.Resource{ID: "res_40000000000000004", ServerURL: mcpResourceURL}))
	cc := clientcredentials.Config{
		ClientID:       mockas.DefaultClientID,
		ClientSecret:   mockas.DefaultClientSecret,
		TokenURL:       as.Metadata().TokenEndpoint,
		Scopes:         []string{"mcp:tools:weather", "mcp:tools:inventory:check"},
		EndpointParams: url.Values{"resource": {mcpResourceURL}},
	}
	tok, err := cc.Token(t.Context())
	if err != nil {
		t.Fatalf("clientcredentials Token: %v", err)
	}
	if tok.TokenType != "Bearer" || tok.RefreshToken != "" || tok.Expiry.IsZero() {
		t.Errorf("token type %q, refresh %q, expiry %v; want Bearer, none, set", tok.TokenType, tok.RefreshToken, tok.Expiry)
	}
	c := verifyAccessToken(t, as, tok.AccessToken, mcpResourceURL)
	if c.Subject != mockas.DefaultClientID || c.ClientID != mockas.DefaultClientID {
		t.Errorf("sub, client_id = %q, %q; want %s", c.Subject, c.ClientID, mockas.DefaultClientID)
	}
	if diff := cmp.Diff(cc.Scopes, c.Scopes); diff != "" {
		t.Errorf("scopes (-want +got):\n%s", diff)
	}

	// x/oauth2 surfaces the RFC 6749 §5.2 error body as a *RetrieveError.
	bad := cc
	bad.ClientSecret = "not-the-secret"
	_, err = bad.Token(t.Context())
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) || re.ErrorCode != "invalid_client" {
		t.Errorf("wrong secret: err = %v, want a RetrieveError with invalid_client", err)
	}
}

// noRedirectClient captures the authorization response instead of following it.
func noRedirectClient() *http.Client {
	return &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// authorize performs the headless authorization request at authURL and returns the
// redirect's query (code, state, iss).
func authorize(ctx context.Context, authURL string) (url.Values, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, authURL, nil)
	if err != nil {
		return nil, err
	}
	resp, err := noRedirectClient().Do(req)
	if err != nil {
		return nil, err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		return nil, errors.New("authorization endpoint answered " + resp.Status + ", want 302")
	}
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		return nil, err
	}
	return loc.Query(), nil
}

func TestRealClient_OAuth2_authorizationCodePKCEAndRefresh(t *testing.T) {
	const redirect = "http://127.0.0.1:8765/callback"
	as := mockas.Start(t,
		mockas.WithResource(mockas.Resource{ID: "res_40000000000000004", ServerURL: mcpResourceURL}),
		mockas.WithClient(mockas.Client{ID: "skc_40000000000000004", Secret: "webapp-secret", RedirectURIs: []string{redirect}}),
	)
	meta := as.Metadata()
	cfg := &oauth2.Config{
		ClientID:     "skc_40000000000000004",
		ClientSecret: "webapp-secret",
		Endpoint:     oauth2.Endpoint{AuthURL: meta.AuthorizationEndpoint, TokenURL: meta.TokenEndpoint},
		RedirectURL:  redirect,
		Scopes:       []string{"openid", "offline_access", "mcp:tools:weather"},
	}
	verifier := oauth2.GenerateVerifier()
	authURL := cfg.AuthCodeURL("state-123", oauth2.S256ChallengeOption(verifier), oauth2.SetAuthURLParam("resource", mcpResourceURL))
	q, err := authorize(t.Context(), authURL)
	if err != nil {
		t.Fatalf("authorize: %v", err)
	}
	if q.Get("code") == "" || q.Get("state") != "state-123" || q.Get("iss") != as.Issuer() {
		t.Fatalf("authorization response %v: want a code, state state-123, iss %s", q, as.Issuer())
	}

	// A wrong verifier is refused; the code stays unused.
	if _, err := cfg.Exchange(t.Context(), q.Get("code"), oauth2.VerifierOption(oauth2.GenerateVerifier())); err == nil {
		t.Fatalf("exchange with a wrong code_verifier succeeded")
	}
	tok, err := cfg.Exchange(t.Context(), q.Get("code"), oauth2.VerifierOption(verifier), oauth2.SetAuthURLParam("resource", mcpResourceURL))
	if err != nil {
		t.Fatalf("exchange: %v", err)
	}
	if tok.RefreshToken == "" || tok.Extra("id_token") == nil {
		t.Fatalf("token: refresh %q, id_token %v; want both (offline_access, openid)", tok.RefreshToken, tok.Extra("id_token"))
	}
	first := verifyAccessToken(t, as, tok.AccessToken, mcpResourceURL)
	if first.Subject != mockas.DefaultUserSubject || !slices.Contains(first.Scopes, "mcp:tools:weather") {
		t.Errorf("sub %q scopes %v; want %s with mcp:tools:weather", first.Subject, first.Scopes, mockas.DefaultUserSubject)
	}

	// Move the mockas clock past the access token's expiry. x/oauth2 judges expiry by the
	// wall clock, so the client is handed the token as it sees it at that moment: expired.
	lifetime := first.Expiry.Time().Sub(first.IssuedAt.Time())
	as.Advance(lifetime + time.Minute)
	stale := *tok
	stale.Expiry = time.Now().Add(-time.Minute)
	ts := cfg.TokenSource(t.Context(), &stale)
	refreshed, err := ts.Token()
	if err != nil {
		t.Fatalf("refresh through TokenSource: %v", err)
	}
	if refreshed.AccessToken == tok.AccessToken || refreshed.RefreshToken == tok.RefreshToken || refreshed.RefreshToken == "" {
		t.Errorf("refresh did not issue a new access token and a rotated refresh token")
	}
	second := verifyAccessToken(t, as, refreshed.AccessToken, mcpResourceURL) // exp checked at the advanced clock
	if second.Subject != first.Subject || !second.IssuedAt.Time().After(first.Expiry.Time()) {
		t.Errorf("refreshed token sub %q iat %v; want %q issued after %v", second.Subject, second.IssuedAt.Time(), first.Subject, first.Expiry.Time())
	}

	// The rotated-out refresh token is refused (OAuth 2.1 §4.3.1 reuse detection).
	if _, err := cfg.TokenSource(t.Context(), &stale).Token(); err == nil {
		t.Errorf("reusing the old refresh token succeeded")
	}
}
