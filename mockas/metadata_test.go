package mockas

import (
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestMetadata_routes(t *testing.T) {
	s := start(t, WithResource(Resource{ID: "res_42", Scopes: []string{"ponypwd:generate"}}))
	env, res := s.URL, s.URL+"/resources/res_42"
	tests := []struct {
		name         string
		path         string
		wantStatus   int
		wantIssuer   string
		wantRegister string // "" means absent
		wantAuthz    string
	}{
		{"env rfc8414", "/.well-known/oauth-authorization-server", 200, env, env + "/resource-server/oauth/register", env + "/oauth/authorize"},
		{"env oidc", "/.well-known/openid-configuration", 200, env, "", env + "/oauth/authorize"},
		{"resource path-appended", "/resources/res_42/.well-known/oauth-authorization-server", 200, res, env + "/api/v1/resources/res_42/clients:register", res + "/oauth/authorize"},
		{"resource path-insert", "/.well-known/oauth-authorization-server/resources/res_42", 200, res, env + "/api/v1/resources/res_42/clients:register", res + "/oauth/authorize"},
		{"resource oidc is 404", "/resources/res_42/.well-known/openid-configuration", 404, "", "", ""},
		{"resource keys is 404", "/resources/res_42/keys", 404, "", "", ""},
		{"unknown resource", "/resources/res_99/.well-known/oauth-authorization-server", 404, "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := get(t, s.URL+tt.path)
			if r.status != tt.wantStatus {
				t.Fatalf("status %d, want %d (%s)", r.status, tt.wantStatus, r.body)
			}
			if tt.wantStatus != 200 {
				return
			}
			if ct := r.header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type %q", ct)
			}
			// RFC 8414 §3.3: issuer equals the identifier the well-known URL was built from.
			if got := r.json["issuer"]; got != tt.wantIssuer {
				t.Errorf("issuer %v, want %v", got, tt.wantIssuer)
			}
			if got, _ := r.json["registration_endpoint"].(string); got != tt.wantRegister {
				t.Errorf("registration_endpoint %q, want %q", got, tt.wantRegister)
			}
			if got := r.json["authorization_endpoint"]; got != tt.wantAuthz {
				t.Errorf("authorization_endpoint %v, want %v", got, tt.wantAuthz)
			}
			if got := r.json["jwks_uri"]; got != env+"/keys" {
				t.Errorf("jwks_uri %v", got)
			}
			if diff := cmp.Diff([]any{"S256"}, r.json["code_challenge_methods_supported"]); diff != "" {
				t.Errorf("code_challenge_methods_supported (-want +got):\n%s", diff)
			}
			for _, k := range []string{"authorization_response_iss_parameter_supported", "client_id_metadata_document_supported"} {
				if r.json[k] != true {
					t.Errorf("%s = %v, want true", k, r.json[k])
				}
			}
			for _, k := range []string{"revocation_endpoint", "introspection_endpoint", "token_endpoint", "response_types_supported", "grant_types_supported"} {
				if r.json[k] == nil {
					t.Errorf("%s missing", k)
				}
			}
		})
	}
}

func TestMetadata_issuerWithPath(t *testing.T) {
	h, err := NewHandler(Config{Issuer: "http://127.0.0.1:9/tenant", SigningKey: testKeyPEM})
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/tenant/.well-known/oauth-authorization-server", "/.well-known/oauth-authorization-server/tenant"} {
		rec := serve(h, http.MethodGet, path, "", nil)
		if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"issuer":"http://127.0.0.1:9/tenant"`) {
			t.Errorf("%s: %d %s", path, rec.Code, rec.Body)
		}
	}
	if rec := serve(h, http.MethodGet, "/tenant/keys", "", nil); rec.Code != 200 {
		t.Errorf("/tenant/keys: %d", rec.Code)
	}
}

func TestMetadata_disableRegistrationAndPathInsert(t *testing.T) {
	s := start(t, WithoutRegistration(), WithConfig(Config{DisableRegistration: true, DisablePathInsertMetadata: true, SigningKey: testKeyPEM}))
	r := get(t, s.URL+"/.well-known/oauth-authorization-server")
	if _, ok := r.json["registration_endpoint"]; ok {
		t.Errorf("registration_endpoint present with registration disabled")
	}
	if r := postJSON(t, s.URL+"/resource-server/oauth/register", `{}`); r.status != 404 {
		t.Errorf("register with registration disabled: %d", r.status)
	}
	if r := get(t, s.URL+"/.well-known/oauth-authorization-server/resources/"+DefaultResourceID); r.status != 404 {
		t.Errorf("path insert disabled: %d", r.status)
	}
}

func TestMetadata_methodNotAllowed(t *testing.T) {
	s := start(t)
	r := postJSON(t, s.URL+"/.well-known/oauth-authorization-server", `{}`)
	if r.status != http.StatusMethodNotAllowed || r.json["error"] != "invalid_request" || r.header.Get("Allow") != "GET, HEAD" {
		t.Fatalf("POST metadata: %d %v allow=%q", r.status, r.json, r.header.Get("Allow"))
	}
}

// TestReadOnlyRoutes_HEAD checks RFC 9110 §9.1 ("All general-purpose servers MUST support
// the methods GET and HEAD") on the read-only routes: the GET headers, no body. HEAD on a
// route with side effects stays 405.
func TestReadOnlyRoutes_HEAD(t *testing.T) {
	s := start(t)
	for _, p := range []string{
		"/.well-known/oauth-authorization-server", "/.well-known/openid-configuration",
		"/resources/" + DefaultResourceID + "/.well-known/oauth-authorization-server",
		"/.well-known/oauth-authorization-server/resources/" + DefaultResourceID,
		"/keys", "/health",
	} {
		req, err := http.NewRequestWithContext(t.Context(), http.MethodHead, s.URL+p, nil)
		if err != nil {
			t.Fatal(err)
		}
		r := do(t, req)
		if r.status != http.StatusOK || r.header.Get("Content-Type") != "application/json" || len(r.body) != 0 {
			t.Errorf("HEAD %s: %d %q body %q", p, r.status, r.header.Get("Content-Type"), r.body)
		}
	}
	for _, p := range []string{"/oauth/token", "/oauth/authorize", "/resource-server/oauth/register"} {
		req, err := http.NewRequestWithContext(t.Context(), http.MethodHead, s.URL+p, nil)
		if err != nil {
			t.Fatal(err)
		}
		if r := do(t, req); r.status != http.StatusMethodNotAllowed {
			t.Errorf("HEAD %s: %d, want 405", p, r.status)
		}
	}
}

func TestJWKS_shape(t *testing.T) {
	s := start(t)
	r := get(t, s.URL+"/keys")
	keys, _ := r.json["keys"].([]any)
	if r.status != 200 || len(keys) != 1 {
		t.Fatalf("keys: %d %s", r.status, r.body)
	}
	k := keys[0].(map[string]any)
	kid, _ := k["kid"].(string)
	if k["kty"] != "RSA" || k["use"] != "sig" || k["alg"] != "RS256" || !strings.HasPrefix(kid, "snk_") || len(kid) != 21 {
		t.Errorf("key %v", k)
	}
	if _, ok := k["d"]; ok {
		t.Error("JWKS leaks the private exponent")
	}
	if got := s.JWKS().Keys[0].KeyID; got != kid {
		t.Errorf("JWKS() kid %q, served %q", got, kid)
	}
}
