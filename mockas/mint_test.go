package mockas

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/google/go-cmp/cmp"
)

var mintNow = time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)

func TestMint_valid(t *testing.T) {
	s := start(t, WithClock(fixedClock(mintNow)))
	tok, err := s.Mint(TokenSpec{Scopes: []string{"mcp:tools:weather", "mcp:tools:calendar:read"}})
	if err != nil {
		t.Fatal(err)
	}
	h := decodePart(t, tok, 0)
	if diff := cmp.Diff(map[string]any{"alg": "RS256", "kid": s.JWKS().Keys[0].KeyID, "typ": "JWT"}, h); diff != "" {
		t.Errorf("header (-want +got):\n%s", diff)
	}
	c := verify(t, s.JWKS(), tok)
	jti, _ := c["jti"].(string)
	if !strings.HasPrefix(jti, "tkn_") {
		t.Errorf("jti %q", jti)
	}
	delete(c, "jti")
	want := map[string]any{
		"iss": s.URL, "aud": []any{DefaultResourceID}, "sub": DefaultMintClientID, "client_id": DefaultMintClientID,
		"iat": float64(mintNow.Unix()), "nbf": float64(mintNow.Unix()), "exp": float64(mintNow.Add(time.Hour).Unix()),
		"scope": "mcp:tools:weather mcp:tools:calendar:read", "scopes": []any{"mcp:tools:weather", "mcp:tools:calendar:read"},
	}
	if diff := cmp.Diff(want, c); diff != "" {
		t.Errorf("claims (-want +got):\n%s", diff)
	}
	// iat/nbf/exp are written as plain integers (the Go SDK decodes them into int).
	p := string(mustB64(t, strings.Split(tok, ".")[1]))
	for _, k := range []string{"exp", "iat", "nbf"} {
		if !regexp.MustCompile(`"` + k + `":[0-9]+[,}]`).MatchString(p) {
			t.Errorf("%s is not a plain integer in %s", k, p)
		}
	}
}

func mustB64(t *testing.T, s string) []byte {
	t.Helper()
	b, err := b64Decode(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestMint_specFields(t *testing.T) {
	s := start(t, WithClock(fixedClock(mintNow)), WithResource(Resource{ID: "res_7", ServerURL: "https://mcp.example/mcp"}))
	tests := []struct {
		name  string
		spec  TokenSpec
		check func(t *testing.T, h, c map[string]any)
	}{
		{"default aud includes server url", TokenSpec{}, func(t *testing.T, _, c map[string]any) {
			if diff := cmp.Diff([]any{"res_7", "https://mcp.example/mcp"}, c["aud"]); diff != "" {
				t.Error(diff)
			}
		}},
		{"client id becomes sub", TokenSpec{ClientID: "m2m_1"}, func(t *testing.T, _, c map[string]any) {
			if c["sub"] != "m2m_1" || c["client_id"] != "m2m_1" {
				t.Error(c)
			}
		}},
		{"subject with default client", TokenSpec{Subject: "usr_9"}, func(t *testing.T, _, c map[string]any) {
			if c["sub"] != "usr_9" || c["client_id"] != DefaultMintClientID {
				t.Error(c)
			}
		}},
		{"aud as string", TokenSpec{Audience: []string{"res_7"}, AudienceAsString: true}, func(t *testing.T, _, c map[string]any) {
			if c["aud"] != "res_7" {
				t.Error(c["aud"])
			}
		}},
		{"lifetime", TokenSpec{Lifetime: Duration(5 * time.Minute)}, func(t *testing.T, _, c map[string]any) {
			if c["exp"] != float64(mintNow.Add(5*time.Minute).Unix()) {
				t.Error(c["exp"])
			}
		}},
		{"typ at+jwt", TokenSpec{Type: "at+jwt"}, func(t *testing.T, h, _ map[string]any) {
			if h["typ"] != "at+jwt" {
				t.Error(h)
			}
		}},
		{"typ removed", TokenSpec{Type: "-"}, func(t *testing.T, h, _ map[string]any) {
			if _, ok := h["typ"]; ok {
				t.Error(h)
			}
		}},
		{"extra and removed claims", TokenSpec{Claims: map[string]any{"org_id": "org_1", "sub": "override"}, RemoveClaims: []string{"jti", "nbf"}}, func(t *testing.T, _, c map[string]any) {
			_, jti := c["jti"]
			_, nbf := c["nbf"]
			if c["org_id"] != "org_1" || c["sub"] != "override" || jti || nbf {
				t.Error(c)
			}
		}},
		{"explicit issuer", TokenSpec{Issuer: "https://other"}, func(t *testing.T, _, c map[string]any) {
			if c["iss"] != "https://other" {
				t.Error(c["iss"])
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok, err := s.Mint(tt.spec)
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, decodePart(t, tok, 0), verify(t, s.JWKS(), tok))
		})
	}
}

func TestMint_resourceIssuer(t *testing.T) {
	s := start(t, WithResourceIssuer())
	tok, err := s.Mint(TokenSpec{})
	if err != nil {
		t.Fatal(err)
	}
	want := s.URL + "/resources/" + DefaultResourceID
	if c := verify(t, s.JWKS(), tok); c["iss"] != want || s.TokenIssuer() != want {
		t.Fatalf("iss %v, TokenIssuer %q, want %q", c["iss"], s.TokenIssuer(), want)
	}
}

// rawRSAValid reports whether tok's RS256 signature verifies with pub (ignoring headers).
func rawRSAValid(tok string, pub *rsa.PublicKey) bool {
	i := strings.LastIndexByte(tok, '.')
	sig, err := b64Decode(tok[i+1:])
	if err != nil {
		return false
	}
	sum := sha256.Sum256([]byte(tok[:i]))
	return rsa.VerifyPKCS1v15(pub, crypto.SHA256, sum[:], sig) == nil
}

// hmacValid reports whether tok is HS256-MACed with secret.
func hmacValid(tok string, secret []byte) bool {
	i := strings.LastIndexByte(tok, '.')
	sig, err := b64Decode(tok[i+1:])
	if err != nil {
		return false
	}
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(tok[:i]))
	return hmac.Equal(m.Sum(nil), sig)
}

// confusionSecrets computes every encoding of pub independently of forge.go.
func confusionSecrets(t *testing.T, jwk jose.JSONWebKey) map[Defect][]byte {
	t.Helper()
	pub := jwk.Key.(*rsa.PublicKey)
	spki, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	spkiPEM := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: spki})
	pkcs1 := x509.MarshalPKCS1PublicKey(pub)
	j, err := jwk.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	return map[Defect][]byte{
		DefectHS256JWK: j, DefectHS256SPKIPEM: spkiPEM, DefectHS256SPKIPEMNoNewline: spkiPEM[:len(spkiPEM)-1],
		DefectHS256SPKIDER: spki, DefectHS256PKCS1PEM: pem.EncodeToMemory(&pem.Block{Type: "RSA PUBLIC KEY", Bytes: pkcs1}),
		DefectHS256PKCS1DER: pkcs1,
	}
}

func TestMint_defects(t *testing.T) {
	s := start(t, WithClock(fixedClock(mintNow)))
	jwk := s.JWKS().Keys[0]
	pub := jwk.Key.(*rsa.PublicKey)
	secrets := confusionSecrets(t, jwk)
	now := mintNow.Unix()
	for _, d := range Defects() {
		t.Run(string(d), func(t *testing.T) {
			tok, err := s.Mint(TokenSpec{Defect: d})
			if err != nil {
				t.Fatal(err)
			}
			h := decodePart(t, tok, 0)
			c := decodePart(t, tok, 1)
			sigOK := rawRSAValid(tok, pub)
			jwks := s.JWKS()
			switch d {
			case DefectExpired:
				if !sigOK || c["exp"].(float64) >= float64(now) || c["iat"].(float64) > c["exp"].(float64) {
					t.Errorf("sig %v claims %v", sigOK, c)
				}
			case DefectNotYetValid:
				if !sigOK || c["nbf"].(float64) <= float64(now) || c["exp"].(float64) <= c["nbf"].(float64) {
					t.Errorf("sig %v claims %v", sigOK, c)
				}
			case DefectWrongIssuer:
				if !sigOK || c["iss"] != WrongIssuer {
					t.Errorf("sig %v iss %v", sigOK, c["iss"])
				}
			case DefectWrongAudience:
				if !sigOK || cmp.Diff([]any{WrongAudience}, c["aud"]) != "" {
					t.Errorf("sig %v aud %v", sigOK, c["aud"])
				}
			case DefectNoAudience, DefectNoExpiry:
				claim := map[Defect]string{DefectNoAudience: "aud", DefectNoExpiry: "exp"}[d]
				if _, ok := c[claim]; ok || !sigOK {
					t.Errorf("sig %v, %s still present", sigOK, claim)
				}
			case DefectForeignKey:
				if sigOK || h["kid"] != jwk.KeyID || h["alg"] != "RS256" {
					t.Errorf("sig %v header %v", sigOK, h)
				}
			case DefectUnknownKID:
				kid, _ := h["kid"].(string)
				if sigOK || kid == jwk.KeyID || !strings.HasPrefix(kid, "snk_") || len(jwks.Key(kid)) != 0 {
					t.Errorf("sig %v header %v", sigOK, h)
				}
			case DefectAlgNone, DefectAlgNoneCapitalized, DefectAlgNoneUpper, DefectAlgNoneMixed:
				want := map[Defect]string{DefectAlgNone: "none", DefectAlgNoneCapitalized: "None", DefectAlgNoneUpper: "NONE", DefectAlgNoneMixed: "nOnE"}[d]
				if h["alg"] != want || !strings.HasSuffix(tok, ".") || strings.Count(tok, ".") != 2 {
					t.Errorf("alg %v token %q", h["alg"], tok)
				}
			case DefectAlgNoneNoDot:
				if h["alg"] != "none" || strings.Count(tok, ".") != 1 {
					t.Errorf("alg %v token %q", h["alg"], tok)
				}
			case DefectHS256JWK, DefectHS256SPKIPEM, DefectHS256SPKIPEMNoNewline, DefectHS256SPKIDER, DefectHS256PKCS1PEM, DefectHS256PKCS1DER:
				if h["alg"] != "HS256" || h["kid"] != jwk.KeyID || !hmacValid(tok, secrets[d]) {
					t.Errorf("header %v, MAC with the %s encoding valid: %v", h, d, hmacValid(tok, secrets[d]))
				}
				for other, sec := range secrets {
					if other != d && string(sec) != string(secrets[d]) && hmacValid(tok, sec) {
						t.Errorf("MAC also valid with %s", other)
					}
				}
			case DefectCritUnknown:
				crit, _ := h["crit"].([]any)
				if !sigOK || len(crit) != 1 || crit[0] != UnknownCriticalHeader || h[UnknownCriticalHeader] != true {
					t.Errorf("sig %v header %v", sigOK, h)
				}
				if jws, err := jose.ParseSignedCompact(tok, []jose.SignatureAlgorithm{jose.RS256}); err == nil {
					if _, err := jws.Verify(pub); err == nil {
						t.Error("go-jose accepted a token with an unknown crit extension")
					}
				}
			case DefectBadSignature:
				if sigOK || !strings.HasSuffix(c["sub"].(string), "-tampered") {
					t.Errorf("sig %v sub %v", sigOK, c["sub"])
				}
			case DefectTruncatedSignature:
				full, _ := b64Decode(tok[strings.LastIndexByte(tok, '.')+1:])
				if sigOK || len(full) >= 256 {
					t.Errorf("sig %v, signature %d bytes", sigOK, len(full))
				}
			default:
				t.Fatalf("defect %s not covered by this test", d)
			}
			// Every defective token must be rejected by a strict RS256 verifier.
			if d != DefectNone && acceptsStrictly(tok, jwk, mintNow) {
				t.Errorf("a strict verifier accepts the %s token", d)
			}
		})
	}
}

// acceptsStrictly is a resource server's check: RS256 allow-list, JWKS by kid, crit
// refused, exp/nbf/iss/aud checked.
func acceptsStrictly(tok string, jwk jose.JSONWebKey, now time.Time) bool {
	jws, err := jose.ParseSignedCompact(tok, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil || jws.Signatures[0].Header.KeyID != jwk.KeyID {
		return false
	}
	payload, err := jws.Verify(jwk.Key)
	if err != nil {
		return false
	}
	var c tokenClaims
	if err := jsonUnmarshal(payload, &c); err != nil {
		return false
	}
	n := now.Unix()
	return c.Expiry != nil && n < *c.Expiry && (c.NotBefore == nil || *c.NotBefore <= n) &&
		!strings.Contains(c.Issuer, "wrong") && len(c.Audience) > 0 && !strings.Contains(strings.Join(c.Audience, " "), "wrong")
}

func TestMint_unknownDefect(t *testing.T) {
	s := start(t)
	if _, err := s.Mint(TokenSpec{Defect: "nope"}); !errors.Is(err, ErrUnknownDefect) {
		t.Fatalf("err %v", err)
	}
	if _, err := s.Mint(TokenSpec{Lifetime: -1}); !errors.Is(err, ErrInvalidSpec) {
		t.Fatalf("err %v", err)
	}
}

func TestForge(t *testing.T) {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	jwk := jose.JSONWebKey{Key: &k.PublicKey, KeyID: "snk_123", Algorithm: "RS256", Use: "sig"}
	spec := TokenSpec{Issuer: "https://as.example", Audience: []string{"https://rs.example/mcp"}}
	secrets := confusionSecrets(t, jwk)
	for _, d := range Defects() {
		t.Run(string(d), func(t *testing.T) {
			sp := spec
			sp.Defect = d
			tok, err := Forge(sp, jwk, mintNow)
			if !d.Forgeable() {
				if !errors.Is(err, ErrNeedsPrivateKey) || !strings.Contains(err.Error(), "private key") {
					t.Fatalf("Forge(%s) err %v, want ErrNeedsPrivateKey", d, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			c := decodePart(t, tok, 1)
			if c["iss"] != spec.Issuer || cmp.Diff([]any{"https://rs.example/mcp"}, c["aud"]) != "" || c["sub"] != DefaultMintClientID {
				t.Errorf("claims %v", c)
			}
			if sec, ok := secrets[d]; ok && !hmacValid(tok, sec) {
				t.Errorf("HS256 MAC does not verify with the %s encoding", d)
			}
			if rawRSAValid(tok, &k.PublicKey) {
				t.Error("forged token verifies with the real key")
			}
			if d == DefectForeignKey && decodePart(t, tok, 0)["kid"] != "snk_123" {
				t.Error("foreign_key does not carry the real kid")
			}
		})
	}
}

func TestForge_errors(t *testing.T) {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	jwk := jose.JSONWebKey{Key: &k.PublicKey, KeyID: "snk_1"}
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ecJWK := jose.JSONWebKey{Key: &ec.PublicKey, KeyID: "ec1", Algorithm: "ES256"}
	tests := []struct {
		name string
		spec TokenSpec
		key  jose.JSONWebKey
		want error
	}{
		{"no issuer", TokenSpec{Audience: []string{"a"}, Defect: DefectAlgNone}, jwk, ErrInvalidSpec},
		{"no audience", TokenSpec{Issuer: "i", Defect: DefectAlgNone}, jwk, ErrInvalidSpec},
		{"unknown defect", TokenSpec{Issuer: "i", Audience: []string{"a"}, Defect: "x"}, jwk, ErrUnknownDefect},
		{"valid token needs key", TokenSpec{Issuer: "i", Audience: []string{"a"}}, jwk, ErrNeedsPrivateKey},
		{"pkcs1 of EC key", TokenSpec{Issuer: "i", Audience: []string{"a"}, Defect: DefectHS256PKCS1PEM}, ecJWK, ErrUnsupportedKey},
		{"no key", TokenSpec{Issuer: "i", Audience: []string{"a"}, Defect: DefectHS256SPKIDER}, jose.JSONWebKey{}, ErrUnsupportedKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Forge(tt.spec, tt.key, mintNow); !errors.Is(err, tt.want) {
				t.Fatalf("err %v, want %v", err, tt.want)
			}
		})
	}
	// An EC key gets an ES256 foreign signature under its kid.
	tok, err := Forge(TokenSpec{Issuer: "i", Audience: []string{"a"}, Defect: DefectForeignKey}, ecJWK, mintNow)
	if err != nil {
		t.Fatal(err)
	}
	if h := decodePart(t, tok, 0); h["alg"] != "ES256" || h["kid"] != "ec1" {
		t.Errorf("header %v", h)
	}
}
