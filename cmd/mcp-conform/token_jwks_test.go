package main

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// TestToken_inspectLeakedJWKS: an issuer whose JWKS publishes the private key fails the jwks
// line (the rule of RS-74), the leaked values never print, and the signature still verifies.
func TestToken_inspectLeakedJWKS(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	var issuer string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/.well-known/oauth-authorization-server":
			_ = json.NewEncoder(w).Encode(map[string]string{"issuer": issuer, "jwks_uri": issuer + "/keys"})
		case "/keys": // the private key marshalled as is: d, p, q, dp, dq, qi
			_ = json.NewEncoder(w).Encode(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: key, KeyID: "k1", Algorithm: "RS256", Use: "sig"}}})
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	issuer = srv.URL
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: key}, (&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", "k1"))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().Unix()
	claims, _ := json.Marshal(map[string]any{"iss": issuer, "aud": []string{testAudience}, "exp": now + 300, "iat": now, "sub": "u"})
	jws, err := signer.Sign(claims)
	if err != nil {
		t.Fatal(err)
	}
	tok, _ := jws.CompactSerialize()
	r := inspect(t, tok, "--issuer", issuer, "--audience", testAudience)
	wantCode(t, r, exitFail, "token inspect (leaked JWKS)")
	if !hasVerdict(r.stdout, verdictFail, "jwks") || !hasVerdict(r.stdout, verdictOK, "sig") {
		t.Errorf("want FAIL jwks and OK sig:\n%s", r.stdout)
	}
	if !strings.Contains(r.stdout, `keys[0] (kid "k1", kty RSA): d, p, q, dp, dq, qi`) {
		t.Errorf("the jwks line does not name the leaked members:\n%s", r.stdout)
	}
	d := base64.RawURLEncoding.EncodeToString(key.D.Bytes())
	if strings.Contains(r.stdout+r.stderr, d) {
		t.Error("the private exponent appears in the output")
	}
}
