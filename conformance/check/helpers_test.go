package check

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/mcp-conform/mcp-conform/mockas"
)

// hitLog records the paths a test server saw, safely across goroutines.
type hitLog struct {
	mu    sync.Mutex
	paths []string
	auth  [][]string
	hdrs  []http.Header
}

func (h *hitLog) add(r *http.Request) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.paths = append(h.paths, r.URL.Path)
	h.auth = append(h.auth, r.Header.Values("Authorization"))
	h.hdrs = append(h.hdrs, r.Header.Clone())
}

func (h *hitLog) snapshot() ([]string, [][]string, []http.Header) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.paths...), append([][]string(nil), h.auth...), append([]http.Header(nil), h.hdrs...)
}

// loopbackServer starts an httptest server on 127.0.0.1.
func loopbackServer(t *testing.T, h http.Handler) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// newTestRun builds a Run without the reachability probe, bound to reg when non-nil.
func newTestRun(t *testing.T, cfg Config, reg *registry) *Run {
	t.Helper()
	if cfg.SpecVersion == "" {
		cfg.SpecVersion = Version20251125
	}
	r, err := newRun(cfg)
	if err != nil {
		t.Fatalf("newRun: %v", err)
	}
	if reg != nil {
		r.reg = reg
	}
	return r
}

// testRegistry is a tiny registry for executor tests.
func testRegistry(t *testing.T) *registry {
	t.Helper()
	area := Area{Key: "test", Title: "Test area"}
	mk := func(id string, level Level, versions ...string) Requirement {
		return Requirement{ID: id, Title: "MUST do " + id, Level: level, Area: area, Versions: versions,
			Refs: []string{"test"}, Quote: "q", Sends: "s", Expects: "e", Fix: "f"}
	}
	reg, err := newRegistry([]Area{area}, []Requirement{
		mk("T-MUST", MUST), mk("T-SHOULD", SHOULD), mk("T-INFO", INFO), mk("T-MAY", MAY),
		mk("T-OLD", MUST, Version20250326), mk(ControlID, MUST),
	})
	if err != nil {
		t.Fatalf("newRegistry: %v", err)
	}
	return reg
}

// testTarget is a small but real bearer-protected MCP endpoint trusting a mockas handler.
type testTarget struct {
	as       *mockas.Handler
	asURL    string
	srv      *httptest.Server
	hits     hitLog
	resource string

	rejectAll bool   // refuse every token (a broken positive control)
	sse       bool   // answer requests as text/event-stream
	version   string // protocolVersion answered to initialize; default: the requested one
}

// newAS starts a mockas handler on its own loopback origin.
func newAS(t *testing.T) (*mockas.Handler, string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	issuer := "http://" + ln.Addr().String()
	h, err := mockas.NewHandler(mockas.Config{Issuer: issuer})
	if err != nil {
		t.Fatalf("mockas.NewHandler: %v", err)
	}
	srv := httptest.NewUnstartedServer(h)
	srv.Listener.Close()
	srv.Listener = ln
	srv.Start()
	t.Cleanup(srv.Close)
	return h, issuer
}

func newTestTarget(t *testing.T, configure func(*testTarget)) *testTarget {
	t.Helper()
	tt := &testTarget{}
	tt.as, tt.asURL = newAS(t)
	if configure != nil {
		configure(tt)
	}
	tt.srv = loopbackServer(t, http.HandlerFunc(tt.serve))
	tt.resource = tt.srv.URL + "/mcp"
	return tt
}

func (tt *testTarget) prmURL() string {
	return tt.srv.URL + "/.well-known/oauth-protected-resource/mcp"
}

func (tt *testTarget) serve(w http.ResponseWriter, r *http.Request) {
	tt.hits.add(r)
	switch r.URL.Path {
	case "/.well-known/oauth-protected-resource/mcp":
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{
			"resource": tt.resource, "authorization_servers": []string{tt.asURL},
			"scopes_supported": []string{"mcp:read"}, "bearer_methods_supported": []string{"header"},
		})
	case "/mcp":
		tt.serveMCP(w, r)
	default:
		http.NotFound(w, r)
	}
}

func (tt *testTarget) challenge(w http.ResponseWriter, extra string) {
	w.Header().Set("WWW-Authenticate", fmt.Sprintf(`Bearer resource_metadata=%q, scope="mcp:read"%s`, tt.prmURL(), extra))
	w.WriteHeader(http.StatusUnauthorized)
}

func (tt *testTarget) serveMCP(w http.ResponseWriter, r *http.Request) {
	auth := r.Header.Values("Authorization")
	if len(auth) != 1 || !strings.HasPrefix(auth[0], "Bearer ") {
		tt.challenge(w, "")
		return
	}
	if tt.rejectAll || tt.verify(strings.TrimPrefix(auth[0], "Bearer ")) != nil {
		tt.challenge(w, `, error="invalid_token"`)
		return
	}
	body, _ := io.ReadAll(r.Body)
	var msg struct {
		ID     json.RawMessage `json:"id"`
		Method string          `json:"method"`
		Params struct {
			ProtocolVersion string `json:"protocolVersion"`
		} `json:"params"`
	}
	if json.Unmarshal(body, &msg) != nil {
		http.Error(w, "bad JSON", http.StatusBadRequest)
		return
	}
	if msg.ID == nil {
		w.WriteHeader(http.StatusAccepted)
		return
	}
	var result any = map[string]any{"tools": []any{}}
	if msg.Method == "initialize" {
		v := msg.Params.ProtocolVersion
		if tt.version != "" {
			v = tt.version
		}
		result = map[string]any{"protocolVersion": v, "capabilities": map[string]any{}, "serverInfo": map[string]any{"name": "t", "version": "1"}}
		w.Header().Set("Mcp-Session-Id", "session-1")
	}
	out, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": msg.ID, "result": result})
	if tt.sse {
		w.Header().Set("Content-Type", "text/event-stream")
		fmt.Fprintf(w, "event: message\ndata: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/message\",\"params\":{}}\n\nevent: message\ndata: %s\n\n", out)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(out)
}

// verify is the target's token validation: RS256 with the AS keys, iss, aud, exp, nbf.
func (tt *testTarget) verify(raw string) error {
	tok, err := jwt.ParseSigned(raw, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil {
		return fmt.Errorf("parse: %w", err)
	}
	if len(tok.Headers) != 1 {
		return fmt.Errorf("want one signature")
	}
	set := tt.as.JWKS()
	keys := set.Key(tok.Headers[0].KeyID)
	if len(keys) == 0 {
		return fmt.Errorf("unknown kid")
	}
	var claims jwt.Claims
	if err := tok.Claims(keys[0].Public().Key, &claims); err != nil {
		return fmt.Errorf("verify: %w", err)
	}
	return claims.ValidateWithLeeway(jwt.Expected{Issuer: tt.as.TokenIssuer(), AnyAudience: jwt.Audience{tt.resource}, Time: time.Now()}, time.Minute)
}

// runCheck executes fn as a check with the given requirement level and needs.
func runCheck(t *testing.T, r *Run, id string, needs Needs, fn func(context.Context, *C)) Result {
	t.Helper()
	req, ok := r.reg.lookup(id)
	if !ok {
		t.Fatalf("requirement %s not in the run's registry", id)
	}
	return r.Execute(t.Context(), Definition{Requirement: req, Needs: needs, Run: fn}, Hooks{})
}

func mockasSpec() mockas.TokenSpec { return mockas.TokenSpec{Defect: mockas.DefectAlgNone} }

func mustParse(t *testing.T, raw string) *url.URL {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// decodeClaims returns the payload of a JWT without verifying it (tests only).
func decodeClaims(t *testing.T, tok string) map[string]any {
	t.Helper()
	parts := strings.Split(tok, ".")
	if len(parts) < 2 {
		t.Fatalf("not a JWT: %q", tok)
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}
