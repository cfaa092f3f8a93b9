package mockas

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

// testKeyPEM is one RSA key generated per test binary so most servers skip key generation.
var testKeyPEM string

func TestMain(m *testing.M) {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		panic(err)
	}
	testKeyPEM = string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
	os.Exit(m.Run())
}

// start runs a server with the shared test key.
func start(t *testing.T, opts ...Option) *Server {
	t.Helper()
	return Start(t, append([]Option{WithSigningKey(testKeyPEM)}, opts...)...)
}

// noRedirect is a client that reports redirects instead of following them.
var noRedirect = &http.Client{
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	Timeout:       10 * time.Second,
}

// response is a decoded HTTP answer.
type response struct {
	status int
	header http.Header
	body   []byte
	json   map[string]any
}

func do(t *testing.T, req *http.Request) response {
	t.Helper()
	resp, err := noRedirect.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read body: %v", err)
	}
	r := response{status: resp.StatusCode, header: resp.Header, body: b}
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") && len(b) > 0 && b[0] == '{' {
		_ = json.Unmarshal(b, &r.json) // malformed bodies (injected faults) leave r.json nil
	}
	return r
}

func get(t *testing.T, u string) response {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	return do(t, req)
}

// postForm posts a form; basic, when non-nil, is [id, secret] sent with Basic auth.
func postForm(t *testing.T, u string, form url.Values, basic ...string) response {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, u, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if len(basic) == 2 {
		req.SetBasicAuth(url.QueryEscape(basic[0]), url.QueryEscape(basic[1]))
	}
	return do(t, req)
}

func postJSON(t *testing.T, u string, body string) response {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, u, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	return do(t, req)
}

// verify checks tok's RS256 signature against the server's JWKS and returns its claims.
func verify(t *testing.T, jwks jose.JSONWebKeySet, tok string) map[string]any {
	t.Helper()
	jws, err := jose.ParseSignedCompact(tok, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil {
		t.Fatalf("parse %q: %v", tok, err)
	}
	keys := jwks.Key(jws.Signatures[0].Header.KeyID)
	if len(keys) != 1 {
		t.Fatalf("kid %q not in JWKS", jws.Signatures[0].Header.KeyID)
	}
	payload, err := jws.Verify(keys[0].Key)
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	var claims map[string]any
	if err := json.Unmarshal(payload, &claims); err != nil {
		t.Fatal(err)
	}
	return claims
}

// decodePart decodes one base64url JSON segment of a compact JWT.
func decodePart(t *testing.T, tok string, i int) map[string]any {
	t.Helper()
	parts := strings.Split(tok, ".")
	b, err := b64Decode(parts[i])
	if err != nil {
		t.Fatalf("segment %d of %q: %v", i, tok, err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("segment %d: %v", i, err)
	}
	return m
}

func b64Decode(s string) ([]byte, error) {
	return base64.RawURLEncoding.DecodeString(s)
}

const testVerifier = "dBjftJeZ4CVP-mJ0kjSpF0L-Fzs3ltdKGcWSpi8xk3jjdFXeVpYxU9ILTz3hXAI" // 64 chars

// authorizeParams are valid authorization request parameters for the default client.
func authorizeParams() url.Values {
	return url.Values{
		"response_type":         {"code"},
		"client_id":             {DefaultClientID},
		"redirect_uri":          {DefaultClientRedirectURI},
		"code_challenge":        {S256Challenge(testVerifier)},
		"code_challenge_method": {"S256"},
		"state":                 {"st-123"},
		"scope":                 {"openid offline_access mcp:tools:weather"},
		"nonce":                 {"n-456"},
	}
}

// authorize runs the authorize endpoint and returns the redirect's query.
func authorize(t *testing.T, base string, p url.Values) url.Values {
	t.Helper()
	r := get(t, base+"/oauth/authorize?"+p.Encode())
	if r.status != http.StatusFound {
		t.Fatalf("authorize: status %d, body %s", r.status, r.body)
	}
	loc, err := url.Parse(r.header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	return loc.Query()
}

// codeForm is the token request redeeming code for the default client.
func codeForm(code string) url.Values {
	return url.Values{
		"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {DefaultClientRedirectURI},
		"code_verifier": {testVerifier}, "client_id": {DefaultClientID}, "client_secret": {DefaultClientSecret},
	}
}

// fixedClock is a controllable clock for one test.
func fixedClock(t time.Time) func() time.Time { return func() time.Time { return t } }

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }

// privateJWK encodes sk's private key as a JWK under kid.
func privateJWK(sk *signingKey, kid string) (string, error) {
	b, err := json.Marshal(jose.JSONWebKey{Key: sk.priv, KeyID: kid, Algorithm: "RS256", Use: "sig"})
	return string(b), err
}
