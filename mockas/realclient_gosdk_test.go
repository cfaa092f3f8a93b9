package mockas_test

// Proof with real software: the official Go MCP SDK (github.com/modelcontextprotocol/go-sdk)
// on both sides of mockas. A go-sdk MCP server protected by auth.RequireBearerToken trusts
// mockas (its TokenVerifier checks the JWT against mockas's JWKS: RS256, iss, aud, exp) and
// serves protected resource metadata (RFC 9728) with auth.ProtectedResourceMetadataHandler.
// A go-sdk client with auth.AuthorizationCodeHandler then discovers everything from the 401
// alone: PRM, AS metadata (RFC 8414), dynamic client registration (RFC 7591), PKCE, the
// headless authorization, the token exchange, and finally a tool call.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
	"github.com/modelcontextprotocol/go-sdk/auth"
	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/modelcontextprotocol/go-sdk/oauthex"

	"github.com/mcp-conform/mcp-conform/mockas"
)

// gosdkScope is the scope the MCP server requires.
const gosdkScope = "mcp:tools:whoami"

// whoami is the tool's structured output: who the bearer token says the caller is.
type whoami struct {
	Subject  string `json:"subject"`
	ClientID string `json:"client_id"`
}

// jwksVerifier returns a go-sdk TokenVerifier that trusts the issuer and JWKS of as, for
// the audience resource: what a Go MCP server protected by Scalekit does.
func jwksVerifier(as *mockas.Server, issuer, resource string) auth.TokenVerifier {
	return func(ctx context.Context, token string, _ *http.Request) (*auth.TokenInfo, error) {
		parsed, err := jwt.ParseSigned(token, []jose.SignatureAlgorithm{jose.RS256})
		if err != nil {
			return nil, fmt.Errorf("%w: %w", auth.ErrInvalidToken, err)
		}
		set, err := getJWKS(ctx, as.Metadata().JWKSURI)
		if err != nil {
			return nil, err // a 500: the resource server could not reach its AS
		}
		keys := set.Key(parsed.Headers[0].KeyID)
		if len(keys) != 1 {
			return nil, fmt.Errorf("%w: unknown kid %q", auth.ErrInvalidToken, parsed.Headers[0].KeyID)
		}
		var c accessClaims
		if err := parsed.Claims(keys[0].Key, &c); err != nil {
			return nil, fmt.Errorf("%w: %w", auth.ErrInvalidToken, err)
		}
		exp := jwt.Expected{Issuer: issuer, AnyAudience: jwt.Audience{resource}, Time: as.Now()}
		if err := c.ValidateWithLeeway(exp, 0); err != nil {
			return nil, fmt.Errorf("%w: %w", auth.ErrInvalidToken, err)
		}
		return &auth.TokenInfo{
			Scopes: c.Scopes, Expiration: c.Expiry.Time(), UserID: c.Subject,
			Extra: map[string]any{"client_id": c.ClientID},
		}, nil
	}
}

// getJWKS fetches a key set over HTTP.
func getJWKS(ctx context.Context, uri string) (jose.JSONWebKeySet, error) {
	var set jose.JSONWebKeySet
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, uri, nil)
	if err != nil {
		return set, fmt.Errorf("JWKS request: %w", err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return set, fmt.Errorf("fetch JWKS: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return set, fmt.Errorf("fetch JWKS: %s", resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(&set); err != nil {
		return set, fmt.Errorf("decode JWKS: %w", err)
	}
	return set, nil
}

// startGoSDKServer serves a go-sdk MCP server with one tool at ln's /mcp, protected by
// bearer tokens from as, with PRM naming authServer.
func startGoSDKServer(t *testing.T, ln net.Listener, as *mockas.Server, authServer, tokenIssuer string) {
	t.Helper()
	base := "http://" + ln.Addr().String()
	server := mcp.NewServer(&mcp.Implementation{Name: "mockas-proof", Version: "1.0.0"}, nil)
	mcp.AddTool(server, &mcp.Tool{Name: "whoami", Description: "Reports the caller named by the bearer token."},
		func(_ context.Context, req *mcp.CallToolRequest, _ struct{}) (*mcp.CallToolResult, whoami, error) {
			ti := req.Extra.TokenInfo
			if ti == nil {
				return nil, whoami{}, errors.New("no token info")
			}
			id, _ := ti.Extra["client_id"].(string)
			return nil, whoami{Subject: ti.UserID, ClientID: id}, nil
		})
	prmPath := "/.well-known/oauth-protected-resource/mcp"
	mux := http.NewServeMux()
	mux.Handle(prmPath, auth.ProtectedResourceMetadataHandler(&oauthex.ProtectedResourceMetadata{
		Resource:               base + "/mcp",
		AuthorizationServers:   []string{authServer},
		ScopesSupported:        []string{gosdkScope},
		BearerMethodsSupported: []string{"header"},
	}))
	protect := auth.RequireBearerToken(jwksVerifier(as, tokenIssuer, base+"/mcp"), &auth.RequireBearerTokenOptions{
		ResourceMetadataURL: base + prmPath,
		Scopes:              []string{gosdkScope},
	})
	mux.Handle("/mcp", protect(mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return server }, nil)))
	srv := &http.Server{Handler: mux}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
}

// headlessFetcher performs the authorization request itself: mockas approves at once and
// answers 302 to the loopback redirect URI, whose query carries code, state and iss.
func headlessFetcher(ctx context.Context, args *auth.AuthorizationArgs) (*auth.AuthorizationResult, error) {
	q, err := authorize(ctx, args.URL)
	if err != nil {
		return nil, fmt.Errorf("headless authorization: %w", err)
	}
	if e := q.Get("error"); e != "" {
		return nil, fmt.Errorf("authorization refused: %s: %s", e, q.Get("error_description"))
	}
	return &auth.AuthorizationResult{Code: q.Get("code"), State: q.Get("state"), Iss: q.Get("iss")}, nil
}

func TestRealClient_GoSDK_authorizationCodeWithDCR(t *testing.T) {
	const resID = "res_50000000000000005"
	tests := []struct {
		name string
		// resourceScoped points PRM at ENV/resources/RES (Scalekit's per-resource issuer,
		// discovered by RFC 8414 path insertion) instead of the environment URL.
		resourceScoped bool
	}{
		{name: "environment issuer"},
		{name: "resource-scoped issuer", resourceScoped: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			mcpURL := "http://" + ln.Addr().String() + "/mcp"
			opts := []mockas.Option{mockas.WithResource(mockas.Resource{ID: resID, ServerURL: mcpURL, Scopes: []string{gosdkScope}})}
			if tc.resourceScoped {
				opts = append(opts, mockas.WithResourceIssuer())
			}
			as := mockas.Start(t, opts...)
			authServer := as.Issuer()
			if tc.resourceScoped {
				authServer = as.Issuer() + "/resources/" + resID
			}
			startGoSDKServer(t, ln, as, authServer, as.TokenIssuer())

			redirect := "http://127.0.0.1:" + freePort(t) + "/callback"
			handler, err := auth.NewAuthorizationCodeHandler(&auth.AuthorizationCodeHandlerConfig{
				DynamicClientRegistrationConfig: &auth.DynamicClientRegistrationConfig{
					Metadata: &oauthex.ClientRegistrationMetadata{
						ClientName:              "go-sdk proof client",
						RedirectURIs:            []string{redirect},
						GrantTypes:              []string{"authorization_code", "refresh_token"},
						TokenEndpointAuthMethod: "none",
					},
				},
				AuthorizationCodeFetcher: headlessFetcher,
			})
			if err != nil {
				t.Fatalf("NewAuthorizationCodeHandler: %v", err)
			}
			client := mcp.NewClient(&mcp.Implementation{Name: "mockas-proof-client", Version: "1.0.0"}, nil)
			session, err := client.Connect(t.Context(), &mcp.StreamableClientTransport{Endpoint: mcpURL, OAuthHandler: handler, DisableStandaloneSSE: true}, nil)
			if err != nil {
				t.Fatalf("Connect (discovery, DCR, PKCE, token exchange): %v\nmockas saw:\n%s", err, transcript(as))
			}
			defer session.Close()
			res, err := session.CallTool(t.Context(), &mcp.CallToolParams{Name: "whoami", Arguments: map[string]any{}})
			if err != nil || res.IsError {
				t.Fatalf("CallTool whoami: %v %+v", err, res)
			}
			var got whoami
			if err := remarshal(res.StructuredContent, &got); err != nil {
				t.Fatalf("structured content %v: %v", res.StructuredContent, err)
			}
			clients := as.Clients()
			dcr := clients[len(clients)-1]
			if got.Subject != mockas.DefaultUserSubject || got.ClientID != dcr.ID || !strings.HasPrefix(dcr.ID, "m2m_") {
				t.Errorf("whoami = %+v; want subject %s and the registered client %s", got, mockas.DefaultUserSubject, dcr.ID)
			}
			checkGoSDKRequests(t, as, mcpURL, tc.resourceScoped, resID)
		})
	}
}

// checkGoSDKRequests checks what the go-sdk client sent mockas: a registration, an
// authorization request with S256 PKCE and the resource indicator, a token request with the
// verifier, on the routes of the advertised issuer.
func checkGoSDKRequests(t *testing.T, as *mockas.Server, mcpURL string, resourceScoped bool, resID string) {
	t.Helper()
	prefix := ""
	if resourceScoped {
		prefix = "/resources/" + resID
	}
	var seen []string
	for _, r := range as.Requests() {
		seen = append(seen, r.Endpoint)
		switch r.Endpoint {
		case "authorize":
			if r.Path != prefix+"/oauth/authorize" || r.Query.Get("code_challenge_method") != "S256" ||
				r.Query.Get("resource") != mcpURL || r.Query.Get("scope") != gosdkScope {
				t.Errorf("authorization request %s?%s: want %s with S256, resource %s, scope %s", r.Path, r.Query.Encode(), prefix+"/oauth/authorize", mcpURL, gosdkScope)
			}
		case "token":
			if r.Status != http.StatusOK || r.Form.Get("code_verifier") == "" || r.Form.Get("resource") != mcpURL {
				t.Errorf("token request %s status %d form %v: want 200 with code_verifier and resource", r.Path, r.Status, redact(r.Form))
			}
		}
	}
	for _, want := range []string{"metadata", "register", "authorize", "token"} {
		if !slices.Contains(seen, want) {
			t.Errorf("no %s request; mockas saw %v", want, seen)
		}
	}
}

// remarshal converts v (decoded JSON) into out through JSON.
func remarshal(v any, out any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("marshal: %w", err)
	}
	if err := json.Unmarshal(b, out); err != nil {
		return fmt.Errorf("unmarshal: %w", err)
	}
	return nil
}

// redact hides the values of a form that may carry secrets.
func redact(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		if k == "code" || k == "code_verifier" || k == "client_secret" {
			out[k] = []string{"…"}
			continue
		}
		out[k] = vs
	}
	return out
}

// transcript lists the requests mockas answered, for failure messages.
func transcript(as *mockas.Server) string {
	var b strings.Builder
	for _, r := range as.Requests() {
		fmt.Fprintf(&b, "  %s %s -> %d %s\n", r.Method, r.Path, r.Status, r.Error)
	}
	return b.String()
}

// freePort returns a loopback port nobody listens on at the time of the call; the redirect
// URI only needs to be well-formed since the fetcher never follows the redirect.
func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	return port
}
