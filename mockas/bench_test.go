package mockas_test

// Benchmarks behind docs/benchmarks.md ("## mockas"). Run them in one invocation so the
// ratios compare numbers from the same machine state:
//
//	go test -run '^$' -bench 'ColdStart|RawRS256Sign|TokenClientCredentials|Metadata|JWKS' -count 5 ./mockas/
//
// There are no timing assertions anywhere; the targets are checked by reading the output.

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mcp-conform/mcp-conform/mockas"
)

// benchIssuer is the issuer of in-process benchmark handlers (never dialled).
const benchIssuer = "http://mockas.bench"

// BenchmarkColdStart measures start to serving with a key already persisted in the state
// directory: NewHandler (reads keys.json and clients.json), listen on 127.0.0.1, serve, and
// the first GET /health answered over a fresh connection; then the server is closed.
func BenchmarkColdStart(b *testing.B) {
	dir := b.TempDir()
	first, err := mockas.NewHandler(mockas.Config{Issuer: benchIssuer, StateDir: dir})
	if err != nil {
		b.Fatalf("persist a key: %v", err)
	}
	_ = first.Close() // release the state directory for the next owner
	for b.Loop() {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			b.Fatal(err)
		}
		base := "http://" + ln.Addr().String()
		h, err := mockas.NewHandler(mockas.Config{Issuer: base, StateDir: dir})
		if err != nil {
			b.Fatal(err)
		}
		srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
		go func() { _ = srv.Serve(ln) }()
		client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
		resp, err := client.Get(base + "/health")
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("GET /health = %d", resp.StatusCode)
		}
		_ = srv.Close()
		_ = h.Close()
	}
}

// BenchmarkRawRS256Sign is the floor the token endpoint is compared with: one RS256
// signature (SHA-256 + RSASSA-PKCS1-v1_5, 2048-bit key with precomputed CRT values, as mockas
// uses) over the signing input of a typical client-credentials access token.
func BenchmarkRawRS256Sign(b *testing.B) {
	sign := rawRS256Signer(b)
	b.Run("serial", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			sign(b)
		}
	})
	// On every core: the machine's RS256 signing rate, the ceiling of any token endpoint.
	b.Run("parallel", func(b *testing.B) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				sign(b)
			}
		})
	})
}

// rawRS256Signer returns a function making one bare RS256 signature, the unit of
// BenchmarkRawRS256Sign: a fresh 2048-bit key, the signing input of a typical token.
func rawRS256Signer(b *testing.B) func(testing.TB) {
	priv, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		b.Fatal(err)
	}
	priv.Precompute()
	header, _ := json.Marshal(map[string]string{"alg": "RS256", "kid": "snk_10000000000000001", "typ": "JWT"})
	claims, _ := json.Marshal(map[string]any{
		"iss": benchIssuer, "aud": []string{mockas.DefaultResourceID}, "sub": mockas.DefaultClientID,
		"client_id": mockas.DefaultClientID, "jti": "tkn_10000000000000001", "iat": 1767225600, "nbf": 1767225600,
		"exp": 1767229200, "scope": "mcp:tools:weather", "scopes": []string{"mcp:tools:weather"}, "oid": mockas.DefaultOrganizationID,
	})
	input := []byte(base64.RawURLEncoding.EncodeToString(header) + "." + base64.RawURLEncoding.EncodeToString(claims))
	return func(tb testing.TB) {
		sum := sha256.Sum256(input)
		if _, err := rsa.SignPKCS1v15(rand.Reader, priv, crypto.SHA256, sum[:]); err != nil {
			tb.Fatal(err)
		}
	}
}

// benchHandler is an in-process handler that logs as the binary does with --log-format
// json: every audit line is encoded, then written to io.Discard.
func benchHandler(b *testing.B) *mockas.Handler {
	h, err := mockas.NewHandler(mockas.Config{Issuer: benchIssuer, Logger: slog.New(slog.NewJSONHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	return h
}

// tokenBody is the form of a client-credentials token request.
var tokenBody = url.Values{"grant_type": {"client_credentials"}, "scope": {"mcp:tools:weather"}}.Encode()

// serveToken sends h one client-credentials token request through ServeHTTP.
func serveToken(tb testing.TB, h http.Handler) {
	req := httptest.NewRequest(http.MethodPost, "/oauth/token", strings.NewReader(tokenBody))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(mockas.DefaultClientID, mockas.DefaultClientSecret)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		tb.Fatalf("token = %d %s", rec.Code, rec.Body)
	}
}

// BenchmarkTokenClientCredentials measures a whole client-credentials token request:
// "recorder" calls Handler.ServeHTTP with an httptest.ResponseRecorder (parsing, client
// authentication, rate-limit check, claims, signing, JSON response, request capture);
// "loopback" goes through net/http on 127.0.0.1 with a keep-alive client.
func BenchmarkTokenClientCredentials(b *testing.B) {
	b.Run("recorder", func(b *testing.B) {
		h := benchHandler(b)
		b.ReportAllocs()
		for b.Loop() {
			serveToken(b, h)
		}
	})
	// "parallel" is "recorder" on every core (b.RunParallel): tokens/s against
	// BenchmarkRawRS256Sign/parallel is the ratio to the machine's all-core signing rate.
	b.Run("parallel", func(b *testing.B) {
		h := benchHandler(b)
		b.ReportAllocs()
		b.ResetTimer() // key generation is not part of a token request
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				serveToken(b, h)
			}
		})
	})
	b.Run("loopback", func(b *testing.B) {
		as := mockas.Start(b)
		client := &http.Client{}
		b.ReportAllocs()
		for b.Loop() {
			req, err := http.NewRequest(http.MethodPost, as.URL+"/oauth/token", strings.NewReader(tokenBody))
			if err != nil {
				b.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.SetBasicAuth(mockas.DefaultClientID, mockas.DefaultClientSecret)
			resp, err := client.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				b.Fatalf("token = %d", resp.StatusCode)
			}
		}
	})
}

// BenchmarkTokenVsSign is the tokens/s-over-signatures/s ratio measured so that the noise
// of a shared machine cancels: every op is one bare RS256 signature (as BenchmarkRawRS256Sign)
// followed by one token request through ServeHTTP, each timed, so both see the same load at
// the same moment. It reports the mean of each and "token-%": signature time over token
// time, i.e. tokens/s as a share of the signing rate. "parallel" runs the pairs on every
// core. The requests go through a tokenClient: what net/http allocates per request on a
// kept-alive connection, not the parsing and buffers of httptest.
func BenchmarkTokenVsSign(b *testing.B) {
	sign := rawRS256Signer(b)
	h := benchHandler(b)
	pair := func(tb testing.TB, c *tokenClient, signNS, tokenNS *atomic.Int64) {
		t0 := time.Now()
		sign(tb)
		t1 := time.Now()
		c.do(tb)
		signNS.Add(int64(t1.Sub(t0)))
		tokenNS.Add(int64(time.Since(t1)))
	}
	report := func(b *testing.B, signNS, tokenNS *atomic.Int64, ops int64) {
		if ops == 0 || tokenNS.Load() == 0 {
			return
		}
		b.ReportMetric(float64(signNS.Load())/float64(ops)/1e3, "sign-µs")
		b.ReportMetric(float64(tokenNS.Load())/float64(ops)/1e3, "token-µs")
		b.ReportMetric(100*float64(signNS.Load())/float64(tokenNS.Load()), "token-%")
	}
	b.Run("serial", func(b *testing.B) {
		var signNS, tokenNS atomic.Int64
		c := newTokenClient(h)
		n := int64(0)
		for b.Loop() {
			pair(b, c, &signNS, &tokenNS)
			n++
		}
		report(b, &signNS, &tokenNS, n)
	})
	b.Run("parallel", func(b *testing.B) {
		var signNS, tokenNS, n atomic.Int64
		b.RunParallel(func(pb *testing.PB) {
			c := newTokenClient(h)
			for pb.Next() {
				pair(b, c, &signNS, &tokenNS)
				n.Add(1)
			}
		})
		report(b, &signNS, &tokenNS, n.Load())
	})
}

// tokenClient sends client-credentials token requests through ServeHTTP with about what a
// net/http server allocates per request on a kept-alive connection: the request is built
// directly (net/http parses it with a reader it keeps per connection), and the response goes
// to a reused ResponseWriter that keeps the status and discards the body.
type tokenClient struct {
	h    http.Handler
	url  *url.URL
	auth string
	w    discardWriter
}

func newTokenClient(h http.Handler) *tokenClient {
	r := httptest.NewRequest(http.MethodPost, "/oauth/token", nil)
	r.SetBasicAuth(mockas.DefaultClientID, mockas.DefaultClientSecret)
	return &tokenClient{h: h, url: r.URL, auth: r.Header.Get("Authorization"), w: discardWriter{h: http.Header{}}}
}

func (c *tokenClient) do(tb testing.TB) {
	req := &http.Request{
		Method: http.MethodPost, URL: c.url, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}, "Authorization": {c.auth}},
		Body:   io.NopCloser(strings.NewReader(tokenBody)), ContentLength: int64(len(tokenBody)),
		Host: "mockas.bench", RemoteAddr: "192.0.2.1:1234", RequestURI: "/oauth/token",
	}
	clear(c.w.h)
	c.w.code = 0
	c.h.ServeHTTP(&c.w, req)
	if c.w.code != http.StatusOK {
		tb.Fatalf("token = %d", c.w.code)
	}
}

// discardWriter is an http.ResponseWriter that keeps the status and drops the body.
type discardWriter struct {
	h    http.Header
	code int
}

func (w *discardWriter) Header() http.Header { return w.h }

func (w *discardWriter) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
}

func (w *discardWriter) Write(p []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	return len(p), nil
}

// benchGET serves GET path through h with a ResponseRecorder in a loop.
func benchGET(b *testing.B, path string) {
	h := benchHandler(b)
	req := httptest.NewRequest(http.MethodGet, path, nil)
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("GET %s = %d", path, rec.Code)
		}
	}
}

// BenchmarkMetadata serves the RFC 8414 document (pre-encoded at NewHandler).
func BenchmarkMetadata(b *testing.B) { benchGET(b, "/.well-known/oauth-authorization-server") }

// BenchmarkJWKS serves the key set (pre-encoded, re-encoded only when keys change).
func BenchmarkJWKS(b *testing.B) { benchGET(b, "/keys") }

// BenchmarkRecorderBaseline is the harness floor for BenchmarkMetadata and BenchmarkJWKS: a
// plain handler writing a pre-encoded 1.5 KB JSON body with two headers through the same
// ResponseRecorder loop. The difference is what mockas adds per request (routing, the
// shared pipeline, request capture).
func BenchmarkRecorderBaseline(b *testing.B) {
	body := []byte(`{"issuer":"` + strings.Repeat("x", 1500) + `"}`)
	h := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "public, max-age=3600")
		_, _ = w.Write(body)
	})
	req := httptest.NewRequest(http.MethodGet, "/.well-known/oauth-authorization-server", nil)
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d", rec.Code)
		}
	}
}

// BenchmarkRegister measures one dynamic client registration with a state directory
// (validation, one client file written and fsynced, the directory fsynced) when the
// instance already holds 10 or 10,000 registered clients. Each registration writes only its
// own file, so the two should cost the same; before issue 11 every registration rewrote one
// file holding every client, under the global lock.
func BenchmarkRegister(b *testing.B) {
	for _, n := range []int{10, 10000} {
		b.Run(fmt.Sprintf("clients=%d", n), func(b *testing.B) {
			dir := b.TempDir()
			if err := os.MkdirAll(filepath.Join(dir, "clients"), 0o700); err != nil {
				b.Fatal(err)
			}
			for i := range n {
				id := fmt.Sprintf("m2m_%017d", i+1)
				c := fmt.Sprintf(`{"version":1,"client":{"client_id":%q,"client_secret":"s","client_id_issued_at":%d,"client_name":"%s","grant_types":["client_credentials"],"token_endpoint_auth_method":"client_secret_basic"}}`,
					id, i, strings.Repeat("n", 1000))
				if err := os.WriteFile(filepath.Join(dir, "clients", id+".json"), []byte(c), 0o600); err != nil {
					b.Fatal(err)
				}
			}
			flushDisk() // the setup's files must not be flushed inside the measured loop
			h, err := mockas.NewHandler(mockas.Config{Issuer: benchIssuer, StateDir: dir, Limits: mockas.Limits{MaxClients: n + 1<<20}})
			if err != nil {
				b.Fatal(err)
			}
			defer h.Close()
			body := `{"grant_types":["client_credentials"],"client_name":"` + strings.Repeat("n", 1000) + `"}`
			b.ReportAllocs()
			for b.Loop() {
				req := httptest.NewRequest(http.MethodPost, "/resource-server/oauth/register", strings.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != http.StatusCreated {
					b.Fatalf("register = %d %s", rec.Code, rec.Body)
				}
			}
		})
	}
}
