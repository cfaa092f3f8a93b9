package mockas

// This file is the single table of the routes mockas serves. Handler.routes registers
// from it, and the index page (GET /), GET /_mockas/info's clients and the binary's -h list
// it, so the listing cannot drift from what is served.

import (
	"net/http"
	"net/url"
	"strings"
)

// Route describes one group of paths served by the same endpoint.
type Route struct {
	// Endpoint is the endpoint name that Fault.Endpoint and captured requests use
	// (metadata, token, …), "control" for the control plane and "ui" for pages.
	Endpoint string `json:"endpoint"`
	// Methods are the HTTP methods answered.
	Methods []string `json:"methods"`
	// Paths are the URL paths, with {res} standing for a configured resource id.
	Paths []string `json:"paths"`
	// Summary says what the route does, in one line.
	Summary string `json:"summary"`
}

var (
	methodsGet     = []string{http.MethodGet, http.MethodHead}
	methodsPost    = []string{http.MethodPost}
	methodsGetPost = []string{http.MethodGet, http.MethodPost}
)

// Routes lists the routes an instance configured by cfg serves, in the order of the
// documentation. Paths include the path of cfg.Issuer; a handler built from cfg serves
// exactly these.
func Routes(cfg Config) []Route {
	base := issuerPath(cfg.Issuer)
	var rs []Route
	add := func(endpoint string, methods []string, summary string, paths ...string) {
		rs = append(rs, Route{Endpoint: endpoint, Methods: methods, Paths: paths, Summary: summary})
	}
	add("ui", methodsGet, "this page: routes, issuer and clients (JSON with Accept: application/json)", base+"/")
	meta := []string{base + "/.well-known/oauth-authorization-server"}
	oidc := []string{base + "/.well-known/openid-configuration"}
	if base != "" {
		// RFC 8414 §3.1 path insertion for an issuer with a path component.
		meta = append(meta, "/.well-known/oauth-authorization-server"+base)
		oidc = append(oidc, "/.well-known/openid-configuration"+base)
	}
	add("metadata", methodsGet, "RFC 8414 authorization server metadata", meta...)
	add("openid_configuration", methodsGet, "OIDC discovery document", oidc...)
	resMeta := []string{base + "/resources/{res}/.well-known/oauth-authorization-server"}
	if !cfg.DisablePathInsertMetadata {
		resMeta = append(resMeta, "/.well-known/oauth-authorization-server"+base+"/resources/{res}")
	}
	add("metadata", methodsGet, "resource-scoped metadata, issuer ENV/resources/RES", resMeta...)
	add("keys", methodsGet, "JWKS (RS256 keys, kid snk_…)", base+"/keys")
	authz := "authorization endpoint: approves at once (PKCE S256 required)"
	if cfg.LoginPage {
		authz = "authorization endpoint: login and consent page (PKCE S256 required)"
	}
	add("authorize", methodsGetPost, authz, base+"/oauth/authorize", base+"/resources/{res}/oauth/authorize")
	add("token", methodsPost, "token endpoint: authorization_code, client_credentials, refresh_token",
		base+"/oauth/token", base+"/oauth2/token", base+"/resources/{res}/oauth/token")
	if !cfg.DisableRegistration {
		add("register", methodsPost, "RFC 7591 dynamic client registration", base+"/resource-server/oauth/register",
			base+"/api/v1/resources/{res}/clients:register", base+"/resources/{res}/client_register")
	}
	add("revoke", methodsPost, "RFC 7009 token revocation", base+"/oauth/revoke")
	add("introspect", methodsPost, "RFC 7662 token introspection", base+"/oauth/introspect")
	add("userinfo", methodsGetPost, "OIDC UserInfo", base+"/userinfo")
	add("logout", methodsGetPost, "OIDC RP-initiated logout", base+"/oidc/logout")
	add("health", methodsGet, "health check", base+"/health")
	if !cfg.DisableControl {
		add("ui", methodsGet, "dashboard: issued tokens, clients, requests, keys, faults, clock, and actions", base+controlPrefix+"/")
		for _, op := range controlOps {
			add("control", op.methods, op.summary, base+controlPrefix+op.path)
		}
	}
	return rs
}

// controlOp documents one control-plane path; Handler.controlRoutes serves the same set
// (a test keeps the two in step).
type controlOp struct {
	path    string
	methods []string
	summary string
}

// controlOps lists the control plane in documentation order. Read-only.
var controlOps = []controlOp{
	{"/info", []string{http.MethodGet}, "issuer, token issuer, JWKS URI, resources, clients, active kid, clock"},
	{"/clients", []string{http.MethodGet}, "clients with redirect URIs, grant types and scopes (no secrets)"},
	{"/tokens", []string{http.MethodGet}, "recently issued access tokens, decoded, newest first"},
	{"/tokens/revoke", []string{http.MethodPost}, "revoke a token as RFC 7009 does, whichever client holds it: {\"token\"}"},
	{"/mint", []string{http.MethodPost}, "mint a token: TokenSpec JSON -> {\"token\"}"},
	{"/keys", []string{http.MethodGet}, "JWKS, active and unpublished kid"},
	{"/keys/rotate", []string{http.MethodPost}, "add and activate a key ({\"retire_previous\":true} drops the old one)"},
	{"/keys/retire", []string{http.MethodPost}, "drop a key from the JWKS: {\"kid\"}"},
	{"/keys/publish", []string{http.MethodPost}, "add a key to the JWKS without making it active (mint with {\"kid\"})"},
	{"/keys/unpublished", []string{http.MethodPost}, "sign with a key the JWKS never lists: {\"enabled\"}"},
	{"/clock", []string{http.MethodGet}, "instance clock and offset"},
	{"/clock/advance", []string{http.MethodPost}, "move the clock: {\"by\":\"10m\"}"},
	{"/clock/set", []string{http.MethodPost}, "set the clock: {\"now\":\"2030-01-01T00:00:00Z\"}"},
	{"/faults", []string{http.MethodGet, http.MethodPost, http.MethodDelete}, "list, queue (Fault JSON) or clear faults"},
	{"/rate-limits", []string{http.MethodGet, http.MethodPost}, "list or set token-endpoint rate limits"},
	{"/requests", []string{http.MethodGet, http.MethodDelete}, "captured requests (secrets redacted), or clear them"},
	{"/reset", []string{http.MethodPost}, "back to a clean run (keys kept)"},
}

// issuerPath is the escaped path of an issuer URL without a trailing slash ("" for none).
func issuerPath(issuer string) string {
	u, err := url.Parse(issuer)
	if err != nil {
		return ""
	}
	return strings.TrimSuffix(u.EscapedPath(), "/")
}
