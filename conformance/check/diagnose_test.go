package check

// The three setup mistakes of cooperative mode, each built into a small resource server that
// fetches its keys over HTTP as real ones do: the positive control must name the cause in
// its first line, show the aud it sent, and give the evidence.

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// trustingServer is an MCP resource server configured with what it trusts. Its answer to a
// refused token carries error_description as most SDKs do (describe = false leaves it out).
type trustingServer struct {
	issuer   string   // the iss it accepts
	asList   []string // its PRM authorization_servers
	jwksURL  string   // where it fetches its keys (once, cached)
	audience string   // the aud it expects; "" = its own /mcp URL
	describe bool

	srv  *httptest.Server
	mu   sync.Mutex
	keys *jose.JSONWebKeySet
}

func (s *trustingServer) start(t *testing.T) string {
	t.Helper()
	s.srv = loopbackServer(t, s)
	if s.audience == "" {
		s.audience = s.srv.URL + "/mcp"
	}
	return s.srv.URL + "/mcp"
}

func (s *trustingServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	prm := s.srv.URL + "/.well-known/oauth-protected-resource/mcp"
	switch r.URL.Path {
	case "/.well-known/oauth-protected-resource/mcp":
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"resource": s.srv.URL + "/mcp", "authorization_servers": s.asList})
	case "/mcp":
		tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok {
			w.Header().Set("WWW-Authenticate", fmt.Sprintf("Bearer resource_metadata=%q", prm))
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		if err := s.verify(r.Context(), tok); err != nil {
			desc := ""
			if s.describe {
				desc = fmt.Sprintf(", error_description=%q", err.Error())
			}
			w.Header().Set("WWW-Authenticate", fmt.Sprintf("Bearer resource_metadata=%q, error=\"invalid_token\"%s", prm, desc))
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"jsonrpc":"2.0","id":1,"result":{"protocolVersion":"2025-11-25","capabilities":{},"serverInfo":{"name":"t","version":"1"}}}`)
	default:
		http.NotFound(w, r)
	}
}

func (s *trustingServer) verify(ctx context.Context, raw string) error {
	tok, err := jwt.ParseSigned(raw, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil || len(tok.Headers) != 1 {
		return fmt.Errorf("not a JWS")
	}
	s.mu.Lock()
	if s.keys == nil {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.jwksURL, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			s.mu.Unlock()
			return err
		}
		var set jose.JSONWebKeySet
		err = json.NewDecoder(resp.Body).Decode(&set)
		resp.Body.Close()
		if err != nil {
			s.mu.Unlock()
			return err
		}
		s.keys = &set
	}
	keys := s.keys.Key(tok.Headers[0].KeyID)
	s.mu.Unlock()
	if len(keys) == 0 {
		return fmt.Errorf("unknown kid %q", tok.Headers[0].KeyID)
	}
	var claims jwt.Claims
	if err := tok.Claims(keys[0].Public().Key, &claims); err != nil {
		return err
	}
	return claims.ValidateWithLeeway(jwt.Expected{Issuer: s.issuer, AnyAudience: jwt.Audience{s.audience}, Time: time.Now()}, time.Minute)
}

func TestPositiveControlNamesTheSetupMistake(t *testing.T) {
	t.Parallel()
	type mistake struct {
		name       string
		server     func(this, other string) *trustingServer
		controlled bool     // mint through the control plane (--mockas URL) instead of in-process
		want       []string // in the first line of the detail; %[1]s = this mockas, %[2]s = the other one, %[3]s = the target
		evidence   []string
	}
	mistakes := []mistake{
		{name: "server trusts another issuer",
			server: func(this, other string) *trustingServer {
				return &trustingServer{issuer: other, asList: []string{other}, jwksURL: other + "/keys", describe: true}
			},
			want:     []string{"the server's metadata names issuer %[2]s but the mockas (Target.MockAS) is %[1]s"},
			evidence: []string{"PRM authorization_servers: %[2]s; mockas issuer: %[1]s", "Fix: start the server trusting %[1]s"}},
		{name: "server trusts another issuer, --mockas", controlled: true,
			server: func(this, other string) *trustingServer {
				return &trustingServer{issuer: other, asList: []string{other}, jwksURL: other + "/keys", describe: true}
			},
			want: []string{"the server's metadata names issuer %[2]s but --mockas is %[1]s"}},
		{name: "server verifies with another JWKS",
			server: func(this, other string) *trustingServer {
				return &trustingServer{issuer: this, asList: []string{this}, jwksURL: other + "/keys", describe: true}
			},
			want:     []string{"the server never fetched /keys (or the metadata) from this mockas at %[1]s"},
			evidence: []string{"Server's requests to this mockas: none for its metadata or /keys", "restart the server after mockas started"}},
		{name: "server verifies with another JWKS, --mockas", controlled: true,
			server: func(this, other string) *trustingServer {
				return &trustingServer{issuer: this, asList: []string{this}, jwksURL: other + "/keys"}
			},
			want: []string{"the server never fetched /keys (or the metadata) from this mockas at %[1]s"}},
		{name: "server checks another audience",
			server: func(this, other string) *trustingServer {
				return &trustingServer{issuer: this, asList: []string{this}, jwksURL: this + "/keys", audience: "https://mcp.example.com/mcp", describe: true}
			},
			want:     []string{"the server refused aud [", "%[3]s\"]: it expects another audience", "invalid audience claim"},
			evidence: []string{"Server's requests to this mockas: GET /keys", "Fix: validate aud against the resource of the server's PRM document, %[3]s"}},
		{name: "server checks another audience, silently",
			server: func(this, other string) *trustingServer {
				return &trustingServer{issuer: this, asList: []string{this}, jwksURL: this + "/keys", audience: "https://mcp.example.com/mcp"}
			},
			want: []string{"the server refused aud [", "%[3]s\"]: it likely expects another audience"}},
	}
	for _, m := range mistakes {
		t.Run(m.name, func(t *testing.T) {
			t.Parallel()
			as, this := newAS(t)
			_, other := newAS(t)
			srv := m.server(this, other)
			target := srv.start(t)
			cfg := Config{URL: target, Minter: LocalMinter(as)}
			if m.controlled {
				cp, err := ControlPlaneMinter(t.Context(), this, 0)
				if err != nil {
					t.Fatal(err)
				}
				cfg.Minter = cp
			}
			r := newTestRun(t, cfg, nil)
			res := r.Execute(t.Context(), mustDefinition(t, r, ControlID), Hooks{})
			if res.Status != StatusFail {
				t.Fatalf("RS-50 %s, want fail: %s", res.Status, res.Detail)
			}
			expand := func(w string) string {
				if strings.Contains(w, "%[") {
					return fmt.Sprintf(w, this, other, target)
				}
				return w
			}
			first, _, _ := strings.Cut(res.Detail, "\n")
			for _, w := range m.want {
				if w = expand(w); !strings.Contains(first, w) {
					t.Errorf("first line %q lacks %q", first, w)
				}
			}
			for _, w := range m.evidence {
				if w = expand(w); !strings.Contains(res.Detail, w) {
					t.Errorf("detail lacks %q:\n%s", w, res.Detail)
				}
			}
			if !strings.Contains(res.Detail, "Token sent: iss \""+this+"\", aud [") {
				t.Errorf("detail does not show the token sent:\n%s", res.Detail)
			}
			// Every dependent check names the cause too.
			dep := r.Execute(t.Context(), Definition{Requirement: Requirement{ID: "RS-40", Title: "t", Level: MUST},
				Needs: NeedsToken, Run: func(context.Context, *C) {}}, Hooks{})
			if dep.Status != StatusSkip || !strings.Contains(dep.Detail, "a valid token was refused: the server") {
				t.Errorf("dependent check: %s %q", dep.Status, dep.Detail)
			}
		})
	}
}

// mustDefinition is the PositiveControl definition of RS-50 under r's registry.
func mustDefinition(t *testing.T, r *Run, id string) Definition {
	t.Helper()
	req, ok := r.reg.lookup(id)
	if !ok {
		t.Fatalf("%s not registered", id)
	}
	return Definition{Requirement: req, Needs: NeedsToken, Run: PositiveControl}
}
