package conformance_test

// A realistic MCP server built on the official Go MCP SDK (github.com/modelcontextprotocol/go-sdk,
// a test-only dependency), written the way a careful author would protect it with the SDK's
// own pieces: auth.RequireBearerToken with a TokenVerifier that validates Scalekit-style JWT
// access tokens (RS256, kid, iss, aud, exp, nbf) with go-jose against the authorization
// server's published JWKS, auth.ProtectedResourceMetadataHandler for RFC 9728 discovery, and
// net/http's CrossOriginProtection for the Origin rule of the Streamable HTTP transport.
//
// go-sdk gives a tool handler no way to answer HTTP 403, so the per-tool scope requirement
// (MCP 2025-11-25 authorization §10.1.1: 403 with error="insufficient_scope") is enforced by
// HTTP middleware keyed on the tools/call name; the tool handler checks the scope again from
// the request's TokenInfo, as defence in depth.
//
// TestExample_GoSDKServer below is the documentation: the few lines a server author adds to
// their own tests to run the whole conformance suite in-process.

import (
	"bytes"
	"context"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
	"github.com/modelcontextprotocol/go-sdk/auth"
	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/modelcontextprotocol/go-sdk/oauthex"

	"github.com/mcp-conform/mcp-conform/conformance"
	"github.com/mcp-conform/mcp-conform/mockas"
)

// Scopes of the go-sdk server. Every request needs goSDKBaseScope (enforced by
// auth.RequireBearerToken, and named in its 401 challenge); the weather tool also needs
// goSDKWeatherScope, which goSDKToolsScope implies under Scalekit's "prefix:*" hierarchy.
const (
	goSDKBaseScope    = "mcp:access"
	goSDKWeatherScope = "mcp:tools:weather"
	goSDKToolsScope   = "mcp:tools:*"
)

// goSDKToolScopes maps each tool to the scopes it needs on top of goSDKBaseScope. It is
// both the server's policy and, in conformance.Target.Scopes form, what the tests declare.
var goSDKToolScopes = map[string][]string{"weather": {goSDKWeatherScope}}

// goSDKLeeway is the clock-skew tolerance on exp and nbf (RFC 9068 §4 allows "some small
// leeway").
const goSDKLeeway = 5 * time.Second

// goSDKServer serves one go-sdk MCP endpoint at /mcp and its protected resource metadata.
//
// Its canonical URL (the PRM resource, the audience its tokens must carry) is the loopback
// address the request arrived on, never the Host header a client controls: the handler can
// then be mounted with httptest.NewServer before the address is known. A deployed server
// would take its public URL from configuration instead.
type goSDKServer struct {
	issuer string
	keys   *goSDKKeys
	mcp    http.Handler // go-sdk's Streamable HTTP handler; shared, it holds the sessions
	opts   goSDKOptions
}

// goSDKOptions select a variant of the go-sdk server; the zero value is the server of the
// example.
type goSDKOptions struct {
	// Stateless serves the Streamable HTTP transport without sessions, the only mode in
	// which go-sdk v1.8.0 speaks MCP 2026-07-28.
	Stateless bool
	// AcceptAnyToken makes the verifier accept every bearer token unverified: the broken
	// variant the failure-reporting test runs the suite against.
	AcceptAnyToken bool
}

// newGoSDKServer returns the HTTP handler of a go-sdk MCP server that trusts access tokens
// from the authorization server issuer (for mockas, as.Issuer()).
func newGoSDKServer(issuer string) http.Handler {
	return newGoSDKServerVariant(issuer, goSDKOptions{})
}

// newGoSDKServerVariant is newGoSDKServer with the variant opts selects.
func newGoSDKServerVariant(issuer string, opts goSDKOptions) http.Handler {
	server := mcp.NewServer(&mcp.Implementation{Name: "gosdk-weather", Version: "1.0.0"}, nil)
	mcp.AddTool(server, &mcp.Tool{
		Name:        "weather",
		Description: "Current weather for a city (needs scope " + goSDKWeatherScope + ").",
	}, weatherTool)
	return &goSDKServer{
		issuer: issuer,
		keys:   &goSDKKeys{issuer: issuer, client: &http.Client{Timeout: 5 * time.Second}},
		mcp: mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return server },
			&mcp.StreamableHTTPOptions{Stateless: opts.Stateless}),
		opts: opts,
	}
}

// ServeHTTP routes the MCP endpoint and the RFC 9728 metadata (at the path-suffixed
// well-known URL of /mcp and at the root one).
func (s *goSDKServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	base, ok := localBaseURL(r)
	if !ok {
		http.Error(w, "no local address", http.StatusInternalServerError)
		return
	}
	mcpURL := base + "/mcp"
	prmURL := base + "/.well-known/oauth-protected-resource/mcp"
	switch r.URL.Path {
	case "/.well-known/oauth-protected-resource/mcp", "/.well-known/oauth-protected-resource":
		// RFC 9728 §3.3: resource MUST be identical to the identifier the well-known suffix
		// was inserted into, so the root document (for clients that fall back to it) names
		// the origin, and the path-suffixed one (the resource_metadata the 401 points to)
		// names the MCP endpoint. (go-sdk's examples/auth/server serves the endpoint's
		// resource at the root, which strict RFC 9728 clients must discard.)
		resource := mcpURL
		if r.URL.Path == "/.well-known/oauth-protected-resource" {
			resource = base
		}
		auth.ProtectedResourceMetadataHandler(&oauthex.ProtectedResourceMetadata{
			Resource:               resource,
			AuthorizationServers:   []string{s.issuer},
			ScopesSupported:        []string{goSDKBaseScope, goSDKWeatherScope, goSDKToolsScope},
			BearerMethodsSupported: []string{"header"},
			ResourceName:           "go-sdk weather",
		}).ServeHTTP(w, r)
	case "/mcp":
		requireToken := auth.RequireBearerToken(s.verifier(mcpURL), &auth.RequireBearerTokenOptions{
			ResourceMetadataURL: prmURL,
			Scopes:              []string{goSDKBaseScope},
		})
		// Origin first (MCP transports: servers MUST validate Origin; 403 when invalid),
		// then authentication, then the per-tool scopes, then the SDK.
		http.NewCrossOriginProtection().Handler(
			requireToken(requireToolScopes(prmURL, s.mcp)),
		).ServeHTTP(w, r)
	default:
		http.NotFound(w, r)
	}
}

// localBaseURL is http://<the local address the connection arrived on>.
func localBaseURL(r *http.Request) (string, bool) {
	addr, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr)
	if !ok {
		return "", false
	}
	return "http://" + addr.String(), true
}

// goSDKClaims are the access-token claims the verifier reads beyond the registered ones:
// Scalekit sends the scopes both as an RFC 9068 "scope" string and as a "scopes" array.
type goSDKClaims struct {
	jwt.Claims
	Scope  string   `json:"scope"`
	Scopes []string `json:"scopes"`
}

// verifier returns the auth.TokenVerifier for the resource mcpURL: an RS256 JWS whose kid
// names a key of the issuer's JWKS, iss equal to the trusted issuer, aud containing mcpURL
// (RFC 8707; MCP 2025-11-25 §9.2), exp required and in the future, nbf (if any) in the past.
// Every rejection wraps auth.ErrInvalidToken, so the SDK answers 401 with its challenge.
func (s *goSDKServer) verifier(mcpURL string) auth.TokenVerifier {
	return func(ctx context.Context, token string, _ *http.Request) (*auth.TokenInfo, error) {
		if s.opts.AcceptAnyToken {
			return &auth.TokenInfo{Scopes: []string{goSDKBaseScope, goSDKToolsScope},
				Expiration: time.Now().Add(time.Hour), UserID: "anyone"}, nil
		}
		tok, err := jwt.ParseSigned(token, []jose.SignatureAlgorithm{jose.RS256})
		if err != nil {
			return nil, fmt.Errorf("%w: %v", auth.ErrInvalidToken, err)
		}
		if len(tok.Headers) != 1 || tok.Headers[0].KeyID == "" {
			return nil, fmt.Errorf("%w: a kid is required", auth.ErrInvalidToken)
		}
		key, err := s.keys.key(ctx, tok.Headers[0].KeyID)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", auth.ErrInvalidToken, err)
		}
		var claims goSDKClaims
		if err := tok.Claims(key, &claims); err != nil {
			return nil, fmt.Errorf("%w: %v", auth.ErrInvalidToken, err)
		}
		if claims.Expiry == nil {
			return nil, fmt.Errorf("%w: exp is required", auth.ErrInvalidToken)
		}
		if err := claims.ValidateWithLeeway(jwt.Expected{
			Issuer:      s.issuer,
			AnyAudience: jwt.Audience{mcpURL},
			Time:        time.Now(),
		}, goSDKLeeway); err != nil {
			return nil, fmt.Errorf("%w: %v", auth.ErrInvalidToken, err)
		}
		scopes := strings.Fields(claims.Scope)
		for _, sc := range claims.Scopes {
			if !slices.Contains(scopes, sc) {
				scopes = append(scopes, sc)
			}
		}
		return &auth.TokenInfo{
			Scopes: scopes,
			// RequireBearerToken checks Expiration again, with no skew unless
			// RequireBearerTokenOptions.ClockSkew is set: it carries the same leeway.
			Expiration: claims.Expiry.Time().Add(goSDKLeeway),
			UserID:     claims.Subject,
		}, nil
	}
}

// goSDKKeys caches the issuer's JWKS, discovered through its RFC 8414 metadata. A token
// naming an unknown kid triggers one refetch (key rotation); the same unknown kid again does
// not, so a replayed bad token cannot make the server hammer the authorization server.
type goSDKKeys struct {
	issuer string
	client *http.Client

	mu       sync.Mutex
	set      *jose.JSONWebKeySet
	lastMiss string
}

// key returns the RS256 signing key published under kid.
func (k *goSDKKeys) key(ctx context.Context, kid string) (any, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.set == nil || k.lastMiss != kid && !hasSigningKey(k.set, kid) {
		set, err := k.fetch(ctx)
		if err != nil {
			return nil, err
		}
		k.set = set
	}
	for _, jwk := range k.set.Key(kid) {
		if hasSigningKey(&jose.JSONWebKeySet{Keys: []jose.JSONWebKey{jwk}}, kid) {
			return jwk.Key, nil
		}
	}
	k.lastMiss = kid
	return nil, fmt.Errorf("no RS256 signing key %q in the issuer's JWKS", kid)
}

// hasSigningKey reports whether set holds a public RSA key for kid usable with RS256.
func hasSigningKey(set *jose.JSONWebKeySet, kid string) bool {
	for _, jwk := range set.Key(kid) {
		if jwk.IsPublic() && (jwk.Algorithm == "" || jwk.Algorithm == string(jose.RS256)) &&
			(jwk.Use == "" || jwk.Use == "sig") {
			if _, ok := jwk.Key.(*rsa.PublicKey); ok {
				return true
			}
		}
	}
	return false
}

// fetch reads the issuer's metadata (RFC 8414 §3, whose issuer must match exactly) and then
// its jwks_uri.
func (k *goSDKKeys) fetch(ctx context.Context) (*jose.JSONWebKeySet, error) {
	var meta struct {
		Issuer  string `json:"issuer"`
		JWKSURI string `json:"jwks_uri"`
	}
	if err := k.getJSON(ctx, strings.TrimSuffix(k.issuer, "/")+"/.well-known/oauth-authorization-server", &meta); err != nil {
		return nil, err
	}
	if meta.Issuer != k.issuer || meta.JWKSURI == "" {
		return nil, fmt.Errorf("authorization server metadata: issuer %q (want %q), jwks_uri %q", meta.Issuer, k.issuer, meta.JWKSURI)
	}
	var set jose.JSONWebKeySet
	if err := k.getJSON(ctx, meta.JWKSURI, &set); err != nil {
		return nil, err
	}
	return &set, nil
}

// getJSON GETs url and decodes its JSON body (at most 1 MiB) into v.
func (k *goSDKKeys) getJSON(ctx context.Context, url string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := k.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	return json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(v)
}

// scopeCovers reports whether the granted scope implies need: equal, or "prefix:*" above it.
func scopeCovers(granted, need string) bool {
	return granted == need ||
		strings.HasSuffix(granted, ":*") && strings.HasPrefix(need, strings.TrimSuffix(granted, "*"))
}

// missingScopes lists the scopes of needs that granted does not cover.
func missingScopes(granted, needs []string) []string {
	var out []string
	for _, need := range needs {
		if !slices.ContainsFunc(granted, func(g string) bool { return scopeCovers(g, need) }) {
			out = append(out, need)
		}
	}
	return out
}

// requireToolScopes refuses a tools/call whose tool needs scopes the token (verified by
// auth.RequireBearerToken before it) lacks: 403 with WWW-Authenticate: Bearer
// error="insufficient_scope", scope="<every scope the call needs>", resource_metadata (MCP
// 2025-11-25 §10.1.1; RFC 6750 §3.1). Anything else passes to next, body intact.
func requireToolScopes(prmURL string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			next.ServeHTTP(w, r)
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, mcp.DefaultMaxRequestBodyBytes))
		if err != nil {
			http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		info := auth.TokenInfoFromContext(r.Context())
		var granted []string
		if info != nil {
			granted = info.Scopes
		}
		for _, tool := range calledTools(body) {
			missing := missingScopes(granted, goSDKToolScopes[tool])
			if len(missing) == 0 {
				continue
			}
			needed := append([]string{goSDKBaseScope}, goSDKToolScopes[tool]...)
			w.Header().Set("WWW-Authenticate", fmt.Sprintf(
				`Bearer error="insufficient_scope", scope=%q, resource_metadata=%q, error_description=%q`,
				strings.Join(needed, " "), prmURL, "tool "+tool+" needs "+strings.Join(missing, " ")))
			http.Error(w, "insufficient scope", http.StatusForbidden)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// calledTools returns the tool names of the tools/call requests in a JSON-RPC body (one
// message or a batch). A body that does not parse yields none: the SDK rejects it.
func calledTools(body []byte) []string {
	type call struct {
		Method string `json:"method"`
		Params struct {
			Name string `json:"name"`
		} `json:"params"`
	}
	var msgs []call
	if trimmed := bytes.TrimSpace(body); len(trimmed) > 0 && trimmed[0] == '[' {
		if json.Unmarshal(trimmed, &msgs) != nil {
			return nil
		}
	} else {
		var one call
		if json.Unmarshal(trimmed, &one) != nil {
			return nil
		}
		msgs = []call{one}
	}
	var tools []string
	for _, m := range msgs {
		if m.Method == "tools/call" {
			tools = append(tools, m.Params.Name)
		}
	}
	return tools
}

// weatherArgs are the weather tool's arguments.
type weatherArgs struct {
	City string `json:"city,omitempty" jsonschema:"the city, Paris when omitted"`
}

// weatherTool answers the weather tool. It re-checks the scope from the request's TokenInfo:
// the HTTP middleware is the enforcement point (only it can answer 403), this is the
// defence in depth should the tool ever be mounted without it.
func weatherTool(_ context.Context, req *mcp.CallToolRequest, args weatherArgs) (*mcp.CallToolResult, any, error) {
	info := req.Extra.TokenInfo
	if info == nil || len(missingScopes(info.Scopes, goSDKToolScopes["weather"])) > 0 {
		return nil, nil, errors.New("forbidden: the weather tool needs scope " + goSDKWeatherScope)
	}
	city := args.City
	if city == "" {
		city = "Paris"
	}
	return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: "Sunny, 21 °C in " + city}}}, nil, nil
}

// goSDKTargetScopes is goSDKToolScopes as conformance.Target.Scopes.
func goSDKTargetScopes() map[string]string {
	out := map[string]string{}
	for tool, scopes := range goSDKToolScopes {
		out[tool] = strings.Join(scopes, " ")
	}
	return out
}

// TestExample_GoSDKServer is how the author of a go-sdk server runs the whole conformance
// suite from their own tests: a mockas their server trusts, their server on httptest, and
// conformance.Run, which adds one subtest per check (go test -run 'TestExample_GoSDKServer/RS-02').
func TestExample_GoSDKServer(t *testing.T) {
	as := mockas.Start(t)                                  // issuer the server under test trusts
	srv := httptest.NewServer(newGoSDKServer(as.Issuer())) // the author's server
	t.Cleanup(srv.Close)
	conformance.Run(t, conformance.Target{
		URL:    srv.URL + "/mcp",
		MockAS: as,
		Scopes: map[string]string{"weather": "mcp:tools:weather"},
	})
}
