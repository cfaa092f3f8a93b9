package mockas

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestRegister(t *testing.T) {
	s := start(t)
	paths := []string{"/resource-server/oauth/register", "/api/v1/resources/" + DefaultResourceID + "/clients:register", "/resources/" + DefaultResourceID + "/client_register"}
	tests := []struct {
		name       string
		body       string
		status     int
		err        string
		wantSecret bool
	}{
		{"seed example", `{"client_name":"AI Sales Assistant","client_uri":"https://sales-ai.company.com","redirect_uris":["https://sales-ai.company.com/oauth/callback"],"grant_types":["authorization_code","refresh_token"],"response_types":["code"],"scope":"mcp:tools:crm:read mcp:tools:email:send","audience":"https://your-mcp-server.com","token_endpoint_auth_method":"client_secret_basic"}`, 201, "", true},
		{"public native client", `{"client_name":"CLI","redirect_uris":["http://127.0.0.1:33418/callback","http://[::1]/cb"],"token_endpoint_auth_method":"none","application_type":"native"}`, 201, "", false},
		{"default auth method is basic", `{"redirect_uris":["https://app.example/cb"]}`, 201, "", true},
		{"m2m only", `{"grant_types":["client_credentials"],"token_endpoint_auth_method":"client_secret_post"}`, 201, "", true},
		{"unknown fields ignored", `{"redirect_uris":["https://app.example/cb"],"frobnicate":{"x":[1,2]}}`, 201, "", true},
		{"http non-loopback", `{"redirect_uris":["http://evil.example/cb"]}`, 400, "invalid_redirect_uri", false},
		{"javascript uri", `{"redirect_uris":["javascript:alert(1)"]}`, 400, "invalid_redirect_uri", false},
		{"custom scheme", `{"redirect_uris":["myapp://cb"]}`, 400, "invalid_redirect_uri", false},
		{"fragment", `{"redirect_uris":["https://app.example/cb#x"]}`, 400, "invalid_redirect_uri", false},
		{"relative", `{"redirect_uris":["/cb"]}`, 400, "invalid_redirect_uri", false},
		{"missing redirect for code", `{"client_name":"x"}`, 400, "invalid_redirect_uri", false},
		{"unknown grant", `{"redirect_uris":["https://a.example/cb"],"grant_types":["authorization_code","password"]}`, 400, "invalid_client_metadata", false},
		{"implicit response type", `{"redirect_uris":["https://a.example/cb"],"response_types":["token"]}`, 400, "invalid_client_metadata", false},
		{"public client credentials", `{"grant_types":["client_credentials"],"token_endpoint_auth_method":"none"}`, 400, "invalid_client_metadata", false},
		{"bad auth method", `{"redirect_uris":["https://a.example/cb"],"token_endpoint_auth_method":"tls_client_auth"}`, 400, "invalid_client_metadata", false},
		{"wrong type", `{"redirect_uris":"https://a.example/cb"}`, 400, "invalid_client_metadata", false},
		{"not an object", `[1,2]`, 400, "invalid_client_metadata", false},
		{"malformed json", `{"redirect_uris":[`, 400, "invalid_client_metadata", false},
		{"trailing data", `{"redirect_uris":["https://a.example/cb"]} {}`, 400, "invalid_client_metadata", false},
		{"empty body", ``, 400, "invalid_client_metadata", false},
		{"jwks and jwks_uri", `{"redirect_uris":["https://a.example/cb"],"jwks_uri":"https://a.example/jwks","jwks":{"keys":[]}}`, 400, "invalid_client_metadata", false},
		{"bad client_uri", `{"redirect_uris":["https://a.example/cb"],"client_uri":"javascript:x"}`, 400, "invalid_client_metadata", false},
		{"bad application_type", `{"redirect_uris":["https://a.example/cb"],"application_type":"desktop"}`, 400, "invalid_client_metadata", false},
	}
	idRe := regexp.MustCompile(`^m2m_[0-9]{17}$`)
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := postJSON(t, s.URL+paths[i%len(paths)], tt.body)
			if r.status != tt.status {
				t.Fatalf("status %d, want %d: %s", r.status, tt.status, r.body)
			}
			if tt.err != "" {
				if r.json["error"] != tt.err || r.json["error_description"] == nil {
					t.Fatalf("error %v, want %s", r.json, tt.err)
				}
				return
			}
			id, _ := r.json["client_id"].(string)
			if !idRe.MatchString(id) || r.json["client_id_issued_at"] == nil || r.header.Get("Cache-Control") != "no-store" {
				t.Fatalf("response %s", r.body)
			}
			_, hasSecret := r.json["client_secret"]
			_, hasExpiry := r.json["client_secret_expires_at"]
			if hasSecret != tt.wantSecret || hasExpiry != tt.wantSecret {
				t.Fatalf("client_secret present=%v expires_at present=%v, want %v", hasSecret, hasExpiry, tt.wantSecret)
			}
			for _, k := range []string{"grant_types", "token_endpoint_auth_method", "response_types", "redirect_uris"} {
				if _, ok := r.json[k]; !ok {
					t.Errorf("registered metadata %s not echoed", k)
				}
			}
			if _, ok := r.json["frobnicate"]; ok {
				t.Error("unknown metadata echoed")
			}
		})
	}
}

func TestRegister_clientIsUsable(t *testing.T) {
	s := start(t)
	r := postJSON(t, s.URL+"/api/v1/resources/"+DefaultResourceID+"/clients:register",
		`{"client_name":"Inspector","redirect_uris":["http://localhost:6274/oauth/callback"],"grant_types":["authorization_code","refresh_token"],"token_endpoint_auth_method":"none","scope":"mcp:tools:* offline_access"}`)
	id := r.json["client_id"].(string)
	p := authorizeParams()
	p.Set("client_id", id)
	p.Set("redirect_uri", "http://localhost:6274/oauth/callback")
	p.Set("scope", "mcp:tools:weather offline_access")
	code := authorize(t, s.URL, p).Get("code")
	tok := postForm(t, s.URL+"/oauth/token", url.Values{"grant_type": {"authorization_code"}, "code": {code}, "client_id": {id},
		"redirect_uri": {"http://localhost:6274/oauth/callback"}, "code_verifier": {testVerifier}})
	if tok.status != 200 || tok.json["refresh_token"] == nil {
		t.Fatalf("token: %d %s", tok.status, tok.body)
	}
	// Step-up (MCP 2025-11-25 §10.1.2): the registered client re-authorizes with a scope a
	// 403 challenge named, outside what it registered with; the registered scope is advisory.
	p.Set("scope", "mcp:resources:db")
	if q := authorize(t, s.URL, p); q.Get("code") == "" || q.Get("error") != "" {
		t.Errorf("step-up authorization with a scope outside the registration: %v", q)
	}
	// A public client cannot revoke (Scalekit requires client authentication).
	rv := postForm(t, s.URL+"/oauth/revoke", url.Values{"token": {tok.json["refresh_token"].(string)}, "client_id": {id}})
	if rv.json["error"] != "invalid_client" {
		t.Errorf("public revoke: %d %s", rv.status, rv.body)
	}
	ids := []string{}
	for _, c := range s.Clients() {
		ids = append(ids, c.ID)
	}
	if diff := cmp.Diff([]string{DefaultClientID, id}, ids); diff != "" {
		t.Errorf("Clients() (-want +got):\n%s", diff)
	}
}

func TestRegister_confidentialSecretWorks(t *testing.T) {
	s := start(t)
	r := postJSON(t, s.URL+"/resource-server/oauth/register", `{"grant_types":["client_credentials"],"token_endpoint_auth_method":"client_secret_basic"}`)
	id, secret := r.json["client_id"].(string), r.json["client_secret"].(string)
	tok := postForm(t, s.URL+"/oauth/token", url.Values{"grant_type": {"client_credentials"}}, id, secret)
	if tok.status != 200 {
		t.Fatalf("%d %s", tok.status, tok.body)
	}
}

func TestRegister_contentTypeAndSize(t *testing.T) {
	s := start(t)
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, s.URL+"/resource-server/oauth/register", strings.NewReader(`{}`))
	req.Header.Set("Content-Type", "text/plain")
	if r := do(t, req); r.status != 400 || r.json["error"] != "invalid_client_metadata" {
		t.Errorf("text/plain: %d %s", r.status, r.body)
	}
	big := `{"client_name":"` + strings.Repeat("x", maxBodyBytes) + `"}`
	if r := postJSON(t, s.URL+"/resource-server/oauth/register", big); r.status != http.StatusRequestEntityTooLarge {
		t.Errorf("oversized: %d", r.status)
	}
	if r := postJSON(t, s.URL+"/api/v1/resources/res_unknown/clients:register", `{}`); r.status != 404 {
		t.Errorf("unknown resource: %d", r.status)
	}
}
