package conformance_test

// A notes-and-weather MCP server on github.com/mark3labs/mcp-go (a test-only dependency),
// written the way its README and examples show: tools declared with mcp.NewTool and
// mcp.WithString(..., mcp.Required()), handlers reading arguments with RequireString and
// answering mcp.NewToolResultError when they are missing, annotations, a resource and a
// prompt, the stateful StreamableHTTPServer with its RFC 9728 metadata option, and a
// hand-written bearer middleware (mcp-go has none) that validates mockas's JWTs against the
// cached JWKS and hands the scopes to the handlers through WithHTTPContextFunc.

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/mcp-conform/mcp-conform/conformance"
	"github.com/mcp-conform/mcp-conform/mockas"
)

// mcpGoScopesKey carries the verified token's scopes in the request context.
type mcpGoScopesKey struct{}

// mcpGoScopes returns the scopes WithHTTPContextFunc put into ctx.
func mcpGoScopes(ctx context.Context) []string {
	s, _ := ctx.Value(mcpGoScopesKey{}).([]string)
	return s
}

// newMCPGoServer builds the mcp-go notes server for the MCP endpoint mcpURL, trusting
// issuer's tokens and enforcing per-operation scopes per mode.
func newMCPGoServer(issuer, mcpURL string, mode scopeMode) http.Handler {
	s := server.NewMCPServer("mcp-go-notes", "1.0.0",
		server.WithToolCapabilities(false), server.WithResourceCapabilities(false, false), server.WithPromptCapabilities(false))

	s.AddTool(mcp.NewTool("get_weather",
		mcp.WithDescription("Current weather for a city (needs "+realWeatherScope+")."),
		mcp.WithString("city", mcp.Required(), mcp.MinLength(1), mcp.Description("City name")),
		mcp.WithString("units", mcp.Enum("metric", "imperial")),
		mcp.WithReadOnlyHintAnnotation(true),
	), func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		city, err := req.RequireString("city")
		if err != nil {
			return mcp.NewToolResultError(err.Error()), nil
		}
		if msg := inBandRefusal(mode, "tools/call:get_weather", mcpGoScopes(ctx)); msg != "" {
			return mcp.NewToolResultError(msg), nil
		}
		return mcp.NewToolResultText("Sunny, 21 °C in " + city), nil
	})
	s.AddTool(mcp.NewTool("delete_note",
		mcp.WithDescription("Delete a note (needs "+realNotesWrite+")."),
		mcp.WithString("id", mcp.Required(), mcp.Description("The note's UUID")),
		mcp.WithDestructiveHintAnnotation(true),
	), func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		id, err := req.RequireString("id")
		if err != nil {
			return mcp.NewToolResultError(err.Error()), nil
		}
		if msg := inBandRefusal(mode, "tools/call:delete_note", mcpGoScopes(ctx)); msg != "" {
			return mcp.NewToolResultError(msg), nil
		}
		return mcp.NewToolResultText("deleted " + id), nil
	})
	s.AddResource(mcp.NewResource(realNotesURI, "notes", mcp.WithMIMEType("text/plain")),
		func(ctx context.Context, _ mcp.ReadResourceRequest) ([]mcp.ResourceContents, error) {
			if msg := inBandRefusal(mode, "resources/read:"+realNotesURI, mcpGoScopes(ctx)); msg != "" {
				return nil, errors.New(msg)
			}
			return []mcp.ResourceContents{mcp.TextResourceContents{URI: realNotesURI, MIMEType: "text/plain", Text: "buy milk"}}, nil
		})
	s.AddPrompt(mcp.NewPrompt("summarize", mcp.WithArgument("topic", mcp.RequiredArgument())),
		func(ctx context.Context, req mcp.GetPromptRequest) (*mcp.GetPromptResult, error) {
			if msg := inBandRefusal(mode, "prompts/get:summarize", mcpGoScopes(ctx)); msg != "" {
				return nil, errors.New(msg)
			}
			return mcp.NewGetPromptResult("summary", []mcp.PromptMessage{
				mcp.NewPromptMessage(mcp.RoleUser, mcp.NewTextContent("Summarize "+req.Params.Arguments["topic"]))}), nil
		})

	prmURL := strings.TrimSuffix(mcpURL, "/mcp") + server.ProtectedResourceMetadataPath(mcpURL)
	streamable := server.NewStreamableHTTPServer(s,
		server.WithEndpointPath("/mcp"),
		server.WithHTTPContextFunc(func(ctx context.Context, r *http.Request) context.Context {
			return context.WithValue(ctx, mcpGoScopesKey{}, mcpGoScopes(r.Context()))
		}),
		server.WithProtectedResourceMetadata(server.ProtectedResourceMetadataConfig{
			Resource:               mcpURL,
			AuthorizationServers:   []string{issuer},
			ScopesSupported:        realScopesSupported,
			BearerMethodsSupported: []string{"header"},
			ResourceName:           "mcp-go notes",
		}),
	)
	keys := &goSDKKeys{issuer: issuer, client: &http.Client{Timeout: 5 * time.Second}}
	verify := (&goSDKServer{issuer: issuer, keys: keys}).verifier(mcpURL)
	var protected http.Handler = streamable
	if mode == scopeHTTP {
		protected = requireOperationScopes(prmURL, func(r *http.Request) []string { return mcpGoScopes(r.Context()) }, streamable)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case server.ProtectedResourceMetadataPath(mcpURL):
			streamable.ServeHTTP(w, r) // WithProtectedResourceMetadata serves it
			return
		case "/mcp":
		default:
			// StreamableHTTPServer.ServeHTTP does not look at the path: anything else
			// would reach the MCP endpoint unauthenticated.
			http.NotFound(w, r)
			return
		}
		// RFC 6750 §3: no credentials → a challenge without an error code; a bad token →
		// error="invalid_token"; both name the metadata (RFC 9728 §5.1).
		scheme, token, _ := strings.Cut(r.Header.Get("Authorization"), " ")
		if !strings.EqualFold(scheme, "Bearer") || token == "" {
			w.Header().Set("WWW-Authenticate", fmt.Sprintf(`Bearer resource_metadata=%q, scope=%q`, prmURL, realBaseScope))
			http.Error(w, "authorization required", http.StatusUnauthorized)
			return
		}
		info, err := verify(r.Context(), token, r)
		if err != nil {
			w.Header().Set("WWW-Authenticate", fmt.Sprintf(`Bearer error="invalid_token", error_description="the access token is invalid", resource_metadata=%q`, prmURL))
			http.Error(w, "invalid token", http.StatusUnauthorized)
			return
		}
		if len(missingScopes(info.Scopes, []string{realBaseScope})) > 0 {
			w.Header().Set("WWW-Authenticate", fmt.Sprintf(`Bearer error="insufficient_scope", scope=%q, resource_metadata=%q`, realBaseScope, prmURL))
			http.Error(w, "insufficient scope", http.StatusForbidden)
			return
		}
		protected.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), mcpGoScopesKey{}, info.Scopes)))
	})
}

// startMCPGo starts mockas and the mcp-go notes server in mode.
func startMCPGo(t *testing.T, mode scopeMode) conformance.Target {
	t.Helper()
	as := mockas.Start(t)
	srv := httptest.NewUnstartedServer(nil)
	mcpURL := "http://" + srv.Listener.Addr().String() + "/mcp"
	srv.Config.Handler = newMCPGoServer(as.Issuer(), mcpURL, mode)
	srv.Start()
	t.Cleanup(srv.Close)
	return conformance.Target{URL: mcpURL, MockAS: as}
}

// TestRealServer_MCPGo runs the suite against the mcp-go notes server in each scope mode.
func TestRealServer_MCPGo(t *testing.T) {
	for _, tc := range realScopeCases("pass", false) {
		t.Run(string(tc.mode)+"/"+tc.how, func(t *testing.T) {
			target := startMCPGo(t, tc.mode)
			checkRealServer(t, target, tc.mode)
			if tc.declare {
				target.Scopes = declaredRealScopes()
			}
			executeRealServer(t, realServerRun{name: "mcp-go " + string(tc.mode), target: target, want: tc.want, detail: tc.detail, filter: tc.filter})
		})
	}
}
