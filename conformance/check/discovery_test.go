package check

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestWellKnownPRMURLs(t *testing.T) {
	tests := []struct {
		target string
		want   []string
	}{
		{"https://example.com/public/mcp", []string{"https://example.com/.well-known/oauth-protected-resource/public/mcp", "https://example.com/.well-known/oauth-protected-resource"}},
		{"https://example.com", []string{"https://example.com/.well-known/oauth-protected-resource"}},
		{"https://example.com/", []string{"https://example.com/.well-known/oauth-protected-resource"}},
		{"http://127.0.0.1:8080/mcp?tenant=a", []string{"http://127.0.0.1:8080/.well-known/oauth-protected-resource/mcp?tenant=a", "http://127.0.0.1:8080/.well-known/oauth-protected-resource"}},
		{"not a url", nil},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, WellKnownPRMURLs(tt.target)); diff != "" {
			t.Errorf("WellKnownPRMURLs(%q) (-want +got):\n%s", tt.target, diff)
		}
	}
}

func TestASMetadataURLs(t *testing.T) {
	tests := []struct {
		issuer string
		want   []string
	}{
		{"https://auth.example.com/tenant1", []string{
			"https://auth.example.com/.well-known/oauth-authorization-server/tenant1",
			"https://auth.example.com/.well-known/openid-configuration/tenant1",
			"https://auth.example.com/tenant1/.well-known/openid-configuration",
		}},
		{"https://auth.example.com/tenant1/", []string{
			"https://auth.example.com/.well-known/oauth-authorization-server/tenant1",
			"https://auth.example.com/.well-known/openid-configuration/tenant1",
			"https://auth.example.com/tenant1/.well-known/openid-configuration",
		}},
		{"https://auth.example.com", []string{
			"https://auth.example.com/.well-known/oauth-authorization-server",
			"https://auth.example.com/.well-known/openid-configuration",
		}},
		{"relative/path", nil},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, ASMetadataURLs(tt.issuer)); diff != "" {
			t.Errorf("ASMetadataURLs(%q) (-want +got):\n%s", tt.issuer, diff)
		}
	}
}

// TestDiscover_order serves a target without resource_metadata whose PRM exists only at
// the root and whose issuer has a path, so every fallback of the chain is exercised.
func TestDiscover_order(t *testing.T) {
	var hits hitLog
	var base string
	srv := loopbackServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.add(r)
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/mcp":
			w.Header().Set("WWW-Authenticate", `Bearer realm="x"`)
			w.WriteHeader(http.StatusUnauthorized)
		case "/.well-known/oauth-protected-resource":
			fmt.Fprintf(w, `{"resource":%q,"authorization_servers":[%q],"scopes_supported":["a","b"]}`, base, base+"/tenant")
		case "/tenant/.well-known/openid-configuration":
			fmt.Fprintf(w, `{"issuer":%q,"jwks_uri":%q}`, base+"/tenant", base+"/tenant/keys")
		case "/tenant/keys":
			fmt.Fprint(w, `{"keys":[{"kty":"RSA","kid":"k1","use":"sig","alg":"RS256","n":"sXchDaQebHnPiGvyDOAT4saGEUetSyo9MKLOoWFsueri23bOdgWp4Dy1WlUzewbgBHod5pcM9H95GQRV3JDXboIRROSBigeC5yjU1hGzHHyXss8UDprecbAYxknTcQkhslANGRUZmdTOQ5qTRsLAt6BTYuyvVRdhS8exSZEy_c4gs_7svlJJQ4H9_NxsiIoLwAEk7-Q3UXERGYw_75IDrGA84-lA_-Ct4eTlXHBIY2EaV7t7LjJaynVJCpkv4LKjTTAumiGUIuQhrNhZLuF_RJLqHpM2kgWFLU7-VTdL1VbC2tejvcI2BlMkEpk1BzBZI0KQB0GaDWFLN-aEAw3vRw","e":"AQAB"}]}`)
		default:
			http.NotFound(w, r)
		}
	}))
	base = srv.URL
	run := newTestRun(t, Config{URL: srv.URL + "/mcp"}, nil)
	d := run.Discovery(t.Context())

	paths, _, _ := hits.snapshot()
	want := []string{
		"/mcp",
		"/.well-known/oauth-protected-resource/mcp",
		"/.well-known/oauth-protected-resource",
		"/.well-known/oauth-authorization-server/tenant",
		"/.well-known/openid-configuration/tenant",
		"/tenant/.well-known/openid-configuration",
		"/tenant/keys",
	}
	if diff := cmp.Diff(want, paths); diff != "" {
		t.Errorf("request order (-want +got):\n%s", diff)
	}
	if d.PRM == nil || d.ResourceMetadataURL != srv.URL+"/.well-known/oauth-protected-resource" {
		t.Errorf("PRM = %v from %q (err %v)", d.PRM, d.ResourceMetadataURL, d.PRMErr)
	}
	if d.Resource != srv.URL || d.Issuer() != srv.URL+"/tenant" || d.ASMetadataURL != srv.URL+"/tenant/.well-known/openid-configuration" {
		t.Errorf("Resource %q, issuer %q, ASMetadataURL %q", d.Resource, d.Issuer(), d.ASMetadataURL)
	}
	if d.JWKS == nil || len(d.JWKS.Keys) != 1 || d.JWKSErr != nil {
		t.Errorf("JWKS = %v (err %v)", d.JWKS, d.JWKSErr)
	}
	if diff := cmp.Diff([]string{"a", "b"}, d.Scopes); diff != "" {
		t.Errorf("Scopes (-want +got):\n%s", diff)
	}
	if d.Challenge == nil || d.HeaderPRMErr != nil {
		t.Errorf("Challenge = %v, HeaderPRMErr = %v", d.Challenge, d.HeaderPRMErr)
	}
	// Memoized: a second call sends nothing.
	run.Discovery(t.Context())
	if again, _, _ := hits.snapshot(); len(again) != len(paths) {
		t.Errorf("second Discovery sent %d more requests", len(again)-len(paths))
	}
}

func TestDiscover_challengeFirst(t *testing.T) {
	tt := newTestTarget(t, nil)
	run := newTestRun(t, Config{URL: tt.resource}, nil)
	d := run.Discovery(t.Context())
	if d.ResourceMetadataURL != tt.prmURL() || d.Resource != tt.resource {
		t.Errorf("ResourceMetadataURL %q, Resource %q", d.ResourceMetadataURL, d.Resource)
	}
	if diff := cmp.Diff([]string{"mcp:read"}, d.Scopes); diff != "" {
		t.Errorf("Scopes from the challenge (-want +got):\n%s", diff)
	}
	if d.ASMetadata == nil || d.JWKS == nil {
		t.Fatalf("AS metadata %v (%v), JWKS %v (%v)", d.ASMetadata, d.ASErr, d.JWKS, d.JWKSErr)
	}
	if !strings.HasPrefix(d.ASMetadataURL, tt.asURL) {
		t.Errorf("AS metadata read from %q, want the AS origin %q", d.ASMetadataURL, tt.asURL)
	}
}

func TestDiscover_nothingFound(t *testing.T) {
	srv := loopbackServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("WWW-Authenticate", `Bearer resource_metadata="/relative-but-404"`)
		w.WriteHeader(http.StatusUnauthorized)
	}))
	run := newTestRun(t, Config{URL: srv.URL + "/mcp"}, nil)
	d := run.Discovery(t.Context())
	if d.PRM != nil || d.PRMErr == nil || d.HeaderPRMErr == nil || d.ASErr == nil || d.JWKSErr == nil {
		t.Errorf("want every step to fail: %+v", d)
	}
	if d.Resource != srv.URL+"/mcp" {
		t.Errorf("Resource = %q, want the target URL", d.Resource)
	}
}

// DiscoverIssuer is the authorization-server half of the one chain: the metadata, then the
// jwks_uri it advertises on another origin, through the run's client (which refuses to follow
// a redirect there).
func TestDiscoverIssuer(t *testing.T) {
	keys := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/moved" {
			http.Redirect(w, r, "https://elsewhere.invalid/keys", http.StatusFound)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"keys":[{"kty":"RSA","kid":"k1","n":"sXchDaQebHnPiGvyDOAT4saGEUetSyo9MKLOoWFsueri23bOdgWp4Dy1WlUzewbgBHod5pcM9H95GQRV3JDXboIRROSBigeC5yjU1hGzHHyXss8UDprecbAYxknTcQkhslANGRUZmdTOQ5qTRsLAt6BTYuyvVRdhS8exSZEy_c4gs_7svlJJQ4H9_NxsiIoLwAEk7-Q3UXERGYw_75IDrGA84-lA_-Ct4eTlXHBIY2EaV7t7LjJaynVJCpkv4LKjTTAumiGUIuQhrNhZLuF_RJLqHpM2kgWFLU7-VTdL1VbC2tejvcI2BlMkEpk1BzBZI0KQB0GaDWFLN-aEAw3vRw","e":"AQAB"}]}`)
	}))
	defer keys.Close()
	var jwksPath string
	as := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/.well-known/oauth-authorization-server/tenant" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"issuer":%q,"jwks_uri":%q}`, "http://"+r.Host+"/tenant", keys.URL+jwksPath)
	}))
	defer as.Close()
	issuer := as.URL + "/tenant"

	jwksPath = "/keys"
	d, err := DiscoverIssuer(t.Context(), Config{}, issuer)
	if err != nil {
		t.Fatal(err)
	}
	if d.ASMetadataURL != as.URL+"/.well-known/oauth-authorization-server/tenant" || d.JWKS == nil || len(d.JWKS.Keys) != 1 || d.JWKS.Keys[0].KeyID != "k1" {
		t.Fatalf("DiscoverIssuer = metadata %q (%v), JWKS %v (%v); want the path-inserted metadata URL and key k1", d.ASMetadataURL, d.ASErr, d.JWKS, d.JWKSErr)
	}

	jwksPath = "/moved"
	if d, err = DiscoverIssuer(t.Context(), Config{}, issuer); err != nil {
		t.Fatal(err)
	}
	if d.JWKS != nil || d.JWKSErr == nil || !strings.Contains(d.JWKSErr.Error(), "elsewhere.invalid") {
		t.Fatalf("jwks_uri answering a redirect: JWKS %v, error %v; want no keys and an error naming the Location", d.JWKS, d.JWKSErr)
	}

	if d, err = DiscoverIssuer(t.Context(), Config{}, as.URL+"/other"); err != nil {
		t.Fatal(err)
	}
	if d.ASMetadata != nil || d.ASErr == nil {
		t.Fatalf("an issuer without metadata: %v, %v; want an error", d.ASMetadata, d.ASErr)
	}
}
