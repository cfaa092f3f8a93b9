package mockas

import (
	"net/http"
	"slices"
	"testing"
)

// FuzzRegister feeds arbitrary bodies to the RFC 7591 parser and the registration endpoint.
// Seed corpus: testdata/fuzz/FuzzRegister.
func FuzzRegister(f *testing.F) {
	f.Add([]byte(`{"redirect_uris":["https://app.example/cb"],"token_endpoint_auth_method":"none"}`))
	h, err := NewHandler(Config{Issuer: "http://127.0.0.1:9", SigningKey: testKeyPEM})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		req, e := parseRegistration("application/json", body, Limits{}.withDefaults())
		if e != nil {
			if e.Code != CodeInvalidClientMetadata && e.Code != CodeInvalidRedirectURI {
				t.Fatalf("error code %q", e.Code)
			}
		} else {
			if !slices.Contains([]string{authNone, authSecretBasic, authSecretPost}, req.TokenEndpointAuthMethod) {
				t.Fatalf("accepted auth method %q", req.TokenEndpointAuthMethod)
			}
			for _, u := range req.RedirectURIs {
				if checkRedirectURI(u) != nil {
					t.Fatalf("accepted redirect URI %q", u)
				}
			}
			if req.TokenEndpointAuthMethod == authNone && slices.Contains(req.GrantTypes, grantClientCredentials) {
				t.Fatal("accepted a public client_credentials client")
			}
		}
		rec := serve(h, http.MethodPost, "/resource-server/oauth/register", string(body), http.Header{"Content-Type": {"application/json"}})
		if rec.Code != http.StatusCreated && rec.Code != http.StatusBadRequest && rec.Code != http.StatusRequestEntityTooLarge {
			t.Fatalf("status %d for %q", rec.Code, body)
		}
		if (e == nil) != (rec.Code == http.StatusCreated) {
			t.Fatalf("parser and endpoint disagree: parser %v, status %d", e, rec.Code)
		}
	})
}

// FuzzTokenForm feeds arbitrary Authorization headers and bodies to the token request
// parser and the token endpoint. Seed corpus: testdata/fuzz/FuzzTokenForm.
func FuzzTokenForm(f *testing.F) {
	f.Add("", []byte("grant_type=client_credentials&client_id=skc_10000000000000001&client_secret=mockas-secret"))
	h, err := NewHandler(Config{Issuer: "http://127.0.0.1:9", SigningKey: testKeyPEM})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, authorization string, body []byte) {
		hdr := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}
		if authorization != "" {
			hdr.Set("Authorization", authorization)
		}
		tr, e := parseTokenForm(hdr, body)
		if e != nil {
			if e.Code != CodeInvalidRequest && e.Code != CodeInvalidClient {
				t.Fatalf("error code %q", e.Code)
			}
		} else if tr.GrantType == "" {
			t.Fatal("accepted a request without grant_type")
		}
		req := hdr.Clone()
		rec := serve(h, http.MethodPost, "/oauth/token", string(body), req)
		if rec.Code >= 500 {
			t.Fatalf("status %d for %q / %q: %s", rec.Code, authorization, body, rec.Body)
		}
		if rec.Code != http.StatusOK && rec.Header().Get("Content-Type") != "application/json" {
			t.Fatalf("non-JSON error %d: %s", rec.Code, rec.Body)
		}
	})
}
