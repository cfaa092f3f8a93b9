// Package myserver is what an MCP server author's own module looks like: an MCP server built
// on the official Go SDK, protected with the SDK's auth.RequireBearerToken and a go-jose
// verifier of the authorization server's JWT access tokens. Its tests (server_test.go,
// ginkgo_test.go) run the mcp-conform suite against it the way a user would; the
// mcp-conform repository drives them from conformance/example_module_test.go.
package myserver

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
	"github.com/modelcontextprotocol/go-sdk/auth"
	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/modelcontextprotocol/go-sdk/oauthex"
)

// Config configures the server.
type Config struct {
	// Issuer is the trusted authorization server (e.g. SCALEKIT_ENVIRONMENT_URL).
	Issuer string
	// BaseURL is the server's public origin, e.g. https://mcp.example.com.
	BaseURL string
	// SkipAudienceCheck is the bug the tests prove the suite catches: tokens issued for
	// another resource are accepted.
	SkipAudienceCheck bool
}

const scope = "mcp:access"

type echoArgs struct {
	Text string `json:"text" jsonschema:"the text to echo"`
}

// New returns the HTTP handler: the MCP endpoint at /mcp and its RFC 9728 metadata.
func New(cfg Config) http.Handler {
	server := mcp.NewServer(&mcp.Implementation{Name: "myserver", Version: "1.0.0"}, nil)
	mcp.AddTool(server, &mcp.Tool{Name: "echo", Description: "Echo the text back."},
		func(_ context.Context, _ *mcp.CallToolRequest, args echoArgs) (*mcp.CallToolResult, any, error) {
			return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: args.Text}}}, nil, nil
		})
	mcpURL := cfg.BaseURL + "/mcp"
	prmURL := cfg.BaseURL + "/.well-known/oauth-protected-resource/mcp"
	keys := &jwks{issuer: cfg.Issuer, client: &http.Client{Timeout: 5 * time.Second}}
	requireToken := auth.RequireBearerToken(verifier(cfg, mcpURL, keys), &auth.RequireBearerTokenOptions{
		ResourceMetadataURL: prmURL,
		Scopes:              []string{scope},
	})
	mux := http.NewServeMux()
	mux.Handle("/mcp", http.NewCrossOriginProtection().Handler(requireToken(
		mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return server }, nil))))
	prm := func(resource string) http.Handler {
		return auth.ProtectedResourceMetadataHandler(&oauthex.ProtectedResourceMetadata{
			Resource:               resource,
			AuthorizationServers:   []string{cfg.Issuer},
			ScopesSupported:        []string{scope},
			BearerMethodsSupported: []string{"header"},
		})
	}
	mux.Handle("/.well-known/oauth-protected-resource/mcp", prm(mcpURL))
	mux.Handle("/.well-known/oauth-protected-resource", prm(cfg.BaseURL))
	return mux
}

// verifier validates RS256 JWTs from the issuer: signature (JWKS), iss, aud, exp, nbf.
func verifier(cfg Config, mcpURL string, keys *jwks) auth.TokenVerifier {
	return func(ctx context.Context, token string, _ *http.Request) (*auth.TokenInfo, error) {
		tok, err := jwt.ParseSigned(token, []jose.SignatureAlgorithm{jose.RS256})
		if err != nil || len(tok.Headers) != 1 {
			return nil, fmt.Errorf("%w: not a JWS", auth.ErrInvalidToken)
		}
		key, err := keys.key(ctx, tok.Headers[0].KeyID)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", auth.ErrInvalidToken, err)
		}
		var claims struct {
			jwt.Claims
			Scope string `json:"scope"`
		}
		if err := tok.Claims(key, &claims); err != nil {
			return nil, fmt.Errorf("%w: %v", auth.ErrInvalidToken, err)
		}
		if claims.Expiry == nil {
			return nil, fmt.Errorf("%w: exp is required", auth.ErrInvalidToken)
		}
		want := jwt.Expected{Issuer: cfg.Issuer, AnyAudience: jwt.Audience{mcpURL}, Time: time.Now()}
		if cfg.SkipAudienceCheck {
			want.AnyAudience = nil
		}
		if err := claims.ValidateWithLeeway(want, 5*time.Second); err != nil {
			return nil, fmt.Errorf("%w: %v", auth.ErrInvalidToken, err)
		}
		return &auth.TokenInfo{Scopes: strings.Fields(claims.Scope), Expiration: claims.Expiry.Time().Add(5 * time.Second), UserID: claims.Subject}, nil
	}
}

// jwks caches the issuer's keys (found through its RFC 8414 metadata), refetched on an
// unknown kid.
type jwks struct {
	issuer string
	client *http.Client
	mu     sync.Mutex
	set    *jose.JSONWebKeySet
}

func (k *jwks) key(ctx context.Context, kid string) (any, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.set == nil || len(k.set.Key(kid)) == 0 {
		var meta struct {
			Issuer  string `json:"issuer"`
			JWKSURI string `json:"jwks_uri"`
		}
		if err := k.get(ctx, strings.TrimSuffix(k.issuer, "/")+"/.well-known/oauth-authorization-server", &meta); err != nil {
			return nil, err
		}
		if meta.Issuer != k.issuer {
			return nil, fmt.Errorf("metadata issuer %q, want %q", meta.Issuer, k.issuer)
		}
		var set jose.JSONWebKeySet
		if err := k.get(ctx, meta.JWKSURI, &set); err != nil {
			return nil, err
		}
		k.set = &set
	}
	for _, jwk := range k.set.Key(kid) {
		if jwk.IsPublic() && jwk.Use != "enc" {
			return jwk.Key, nil
		}
	}
	return nil, fmt.Errorf("unknown kid %q", kid)
}

func (k *jwks) get(ctx context.Context, url string, v any) error {
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
