package jwtrule_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/mcp-conform/mcp-conform/conformance/jwtrule"
)

func seg(t *testing.T, v any) string {
	t.Helper()
	s, err := jwtrule.EncodeSegment(v)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestDecode(t *testing.T) {
	hdr := seg(t, map[string]any{"alg": "RS256", "kid": "k1"})
	claims := seg(t, map[string]any{"iss": "https://as.example", "exp": 1700000000})
	tests := []struct {
		name, tok, wantErr string
		wantHeader         bool
	}{
		{"valid", hdr + "." + claims + ".sig", "", true},
		{"opaque", "abc", "1 segment(s), want 3", false},
		{"jwe", "a.b.c.d.e", "5 segments: an encrypted token (JWE)", false},
		{"padded header", hdr + "=." + claims + ".s", "header: base64url with padding", false},
		{"header not JSON", "bm90IGpzb24." + claims + ".s", "header: not JSON", false},
		{"claims an array", hdr + "." + seg(t, []int{1}) + ".s", "claims: a JSON array, not an object", true},
		{"trailing data", hdr + ".e30ge30.s", "claims: trailing data", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok, err := jwtrule.Decode(tt.tok)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("Decode: %v", err)
				}
			} else {
				var fe *jwtrule.FormatError
				if !errors.As(err, &fe) || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Decode error = %v, want a FormatError containing %q", err, tt.wantErr)
				}
			}
			if got := tok != nil && tok.Header != nil; got != tt.wantHeader {
				t.Errorf("header decoded = %v, want %v", got, tt.wantHeader)
			}
		})
	}
	tok, _ := jwtrule.Decode(hdr + "." + claims + ".sig")
	if at, ok := jwtrule.NumericDate(tok.Claims["exp"]); !ok || at.Unix() != 1700000000 || !jwtrule.IsInteger(tok.Claims["exp"]) {
		t.Errorf("exp = %v, %v", at, ok)
	}
	if h, c := jwtrule.Peek(hdr + "." + claims); h["kid"] != "k1" || c["iss"] != "https://as.example" {
		t.Errorf("Peek of two segments = %v, %v", h, c)
	}
}

func TestCheckAlg(t *testing.T) {
	allowed := jwtrule.Algorithms()
	for alg, want := range map[string]error{"RS256": nil, "ES256": nil, "none": jwtrule.ErrAlgNone, "NONE": jwtrule.ErrAlgNone,
		"HS256": jwtrule.ErrAlgHMAC, "PS256": jwtrule.ErrAlgNotAllowed, "": jwtrule.ErrAlgNotAllowed} {
		if err := jwtrule.CheckAlg(alg, allowed); !errors.Is(err, want) || (want == nil) != (err == nil) {
			t.Errorf("CheckAlg(%q) = %v, want %v", alg, err, want)
		}
	}
}

func TestTimesIssuerAudience(t *testing.T) {
	now := time.Unix(1000, 0)
	if jwtrule.CheckExpiry(now, now, 0) == nil || jwtrule.CheckExpiry(now, now.Add(-time.Second), 2*time.Second) != nil {
		t.Error("exp: now == exp must be expired; a skew must extend it")
	}
	if jwtrule.CheckNotBefore(now, now, 0) != nil || jwtrule.CheckNotBefore(now, now.Add(time.Second), 0) == nil {
		t.Error("nbf: now == nbf is valid; nbf in the future is not")
	}
	if d, ok := jwtrule.IssuedInFuture(now, now.Add(time.Minute), 30*time.Second); !ok || d != time.Minute {
		t.Errorf("iat a minute ahead with 30s skew: %v %v", d, ok)
	}
	env := "https://acme.scalekit.dev"
	if err := jwtrule.CheckIssuer(env+"/resources/res_1", env); !errors.Is(err, jwtrule.ErrResourceScopedIssuer) {
		t.Errorf("resource-scoped issuer: %v", err)
	}
	if err := jwtrule.CheckIssuer(env+"/", env); !errors.Is(err, jwtrule.ErrIssuerMismatch) {
		t.Errorf("trailing slash must be another issuer: %v", err)
	}
	if m, ok := jwtrule.MatchAudience([]string{"res_1", "https://mcp"}, []string{"https://mcp"}); !ok || m != "https://mcp" {
		t.Errorf("MatchAudience = %q %v", m, ok)
	}
	for _, tt := range []struct {
		id, url string
		want    []string
	}{{"res_1", "https://mcp", []string{"res_1", "https://mcp"}}, {"res_1", "", []string{"res_1"}}, {"", "https://mcp", []string{"https://mcp"}}, {"https://mcp", "https://mcp", []string{"https://mcp"}}} {
		if got := jwtrule.ScalekitAudience(tt.id, tt.url); !slices.Equal(got, tt.want) {
			t.Errorf("ScalekitAudience(%q, %q) = %v, want %v", tt.id, tt.url, got, tt.want)
		}
	}
	tok := &jwtrule.Token{Claims: map[string]any{"aud": "x", "scope": "a  b", "scopes": []any{"b", "c"}}}
	if aud, isString, present := tok.Audience(); !isString || !present || !slices.Equal(aud, []string{"x"}) {
		t.Errorf("Audience = %v %v %v", aud, isString, present)
	}
	if all := tok.Scopes().All(); !slices.Equal(all, []string{"a", "b", "c"}) {
		t.Errorf("Scopes().All() = %v", all)
	}
}

func sign(t *testing.T, key any, alg jose.SignatureAlgorithm, kid string) string {
	t.Helper()
	opts := (&jose.SignerOptions{}).WithType("JWT")
	if kid != "" {
		opts = opts.WithHeader("kid", kid)
	}
	s, err := jose.NewSigner(jose.SigningKey{Algorithm: alg, Key: key}, opts)
	if err != nil {
		t.Fatal(err)
	}
	jws, err := s.Sign([]byte(`{"iss":"x"}`))
	if err != nil {
		t.Fatal(err)
	}
	tok, err := jws.CompactSerialize()
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func TestVerifier(t *testing.T) {
	rk, _ := rsa.GenerateKey(rand.Reader, 2048)
	other, _ := rsa.GenerateKey(rand.Reader, 2048)
	ek, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	set := &jose.JSONWebKeySet{Keys: []jose.JSONWebKey{
		{Key: &rk.PublicKey, KeyID: "r", Algorithm: "RS256", Use: "sig"},
		{Key: &ek.PublicKey, KeyID: "e", Use: "sig"},
	}}
	v := jwtrule.Verifier{Keys: set}
	for name, tt := range map[string]struct {
		tok  string
		want error
	}{
		"rs256":           {sign(t, rk, jose.RS256, "r"), nil},
		"es256":           {sign(t, ek, jose.ES256, "e"), nil},
		"unknown kid":     {sign(t, rk, jose.RS256, "nope"), jwtrule.ErrUnknownKid},
		"other key":       {sign(t, other, jose.RS256, "r"), jwtrule.ErrBadSignature},
		"key for RS256":   {sign(t, ek, jose.ES256, "r"), jwtrule.ErrBadSignature},
		"ps256 refused":   {sign(t, rk, jose.PS256, "r"), jwtrule.ErrMalformedJWS},
		"no kid, lenient": {sign(t, rk, jose.RS256, ""), nil},
	} {
		_, _, err := v.Verify(tt.tok)
		if !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil) {
			t.Errorf("%s: Verify = %v, want %v", name, err, tt.want)
		}
	}
	strict := jwtrule.Verifier{Keys: set, RequireKid: true}
	if _, _, err := strict.Verify(sign(t, rk, jose.RS256, "")); !errors.Is(err, jwtrule.ErrUnknownKid) {
		t.Errorf("RequireKid without kid: %v", err)
	}
}

func TestPrivateKeys(t *testing.T) {
	doc := `{"keys":[{"kty":"RSA","kid":"pub","n":"AQAB","e":"AQAB"},
		{"kty":"RSA","kid":"priv","n":"AQAB","e":"AQAB","d":"AQ","p":"AQ","qi":"AQ"},
		{"kty":"oct","k":"c2VjcmV0"},{"kty":"EC","kid":"ec","crv":"P-256","x":"AQ","y":"AQ","d":"AQ"}]}`
	got, err := jwtrule.PrivateKeys([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	var s []string
	for _, l := range got {
		s = append(s, l.String())
	}
	want := []string{`keys[1] (kid "priv", kty RSA): d, p, qi`, `keys[2] (kid "", kty oct): k`, `keys[3] (kid "ec", kty EC): d`}
	if !slices.Equal(s, want) {
		t.Errorf("PrivateKeys = %q, want %q", s, want)
	}
	if _, err := jwtrule.PrivateKeys([]byte(`[]`)); err == nil {
		t.Error("a JSON array is not a JWK Set")
	}
}
