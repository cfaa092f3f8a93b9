package mockas

// This file serves GET / at the issuer: a short page (or JSON with Accept:
// application/json) listing the routes, the issuer and the clients, so a developer who
// opens the issuer URL in a browser sees where everything is.

import (
	"mime"
	"net/http"
	"net/url"
	"runtime/debug"
	"strings"
)

// ClientInfo is a client as the index page and GET /_mockas/clients show it: everything
// but the secret.
type ClientInfo struct {
	// ID is the client_id.
	ID string `json:"client_id"`
	// Name is the client_name.
	Name string `json:"client_name,omitempty"`
	// Source is "configured" (Config.Clients) or "registered" (dynamic registration).
	Source string `json:"source"`
	// Confidential reports whether the client authenticates with a secret.
	Confidential bool `json:"confidential"`
	// AuthMethods are the token_endpoint_auth_method values the token endpoint accepts from it.
	AuthMethods []string `json:"token_endpoint_auth_methods"`
	// RedirectURIs are the registered redirect URIs.
	RedirectURIs []string `json:"redirect_uris"`
	// GrantTypes are the grant types it may use (defaults applied).
	GrantTypes []string `json:"grant_types"`
	// Scopes it may be granted; empty means any scope.
	Scopes []string `json:"scopes"`
}

// clientInfo describes c without its secret.
func clientInfo(c Client, source string) ClientInfo {
	ci := ClientInfo{ID: c.ID, Name: c.Name, Source: source, Confidential: !isPublic(c),
		RedirectURIs: nonNil(c.RedirectURIs), Scopes: nonNil(c.Scopes), GrantTypes: []string{}}
	for _, g := range []string{grantAuthorizationCode, grantRefreshToken, grantClientCredentials} {
		if allowsGrant(c, g) {
			ci.GrantTypes = append(ci.GrantTypes, g)
		}
	}
	switch {
	case c.AuthMethod != "":
		ci.AuthMethods = []string{c.AuthMethod}
	case isPublic(c):
		ci.AuthMethods = []string{authNone}
	default:
		ci.AuthMethods = []string{authSecretBasic, authSecretPost}
	}
	return ci
}

// ClientInfos lists the configured clients, then the dynamically registered ones in
// registration order, without secrets.
func (h *Handler) ClientInfos() []ClientInfo {
	out := make([]ClientInfo, 0, len(h.cfg.Clients))
	for _, c := range h.cfg.Clients {
		out = append(out, clientInfo(c, "configured"))
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, id := range h.dynOrder {
		out = append(out, clientInfo(h.dynamic[id].client(), "registered"))
	}
	return out
}

// Index is the JSON form of GET /.
type Index struct {
	// Issuer is the environment URL.
	Issuer string `json:"issuer"`
	// TokenIssuer is the iss of access tokens for the default resource.
	TokenIssuer string `json:"token_issuer"`
	// MetadataURL is the RFC 8414 metadata document.
	MetadataURL string `json:"metadata_url"`
	// JWKSURI is the key set.
	JWKSURI string `json:"jwks_uri"`
	// Resources are the configured resource ids, the default first.
	Resources []string `json:"resources"`
	// LoginPage reports whether the authorization endpoint shows the login page.
	LoginPage bool `json:"login_page"`
	// DefaultUser is the sub a headless authorization approves as.
	DefaultUser string `json:"default_user"`
	// DashboardURL is the dashboard, absent with the control plane off.
	DashboardURL string `json:"dashboard_url,omitempty"`
	// Clients are the clients, without secrets.
	Clients []ClientInfo `json:"clients"`
	// Routes are the routes served.
	Routes []Route `json:"routes"`
}

// index builds the Index of h.
func (h *Handler) index() Index {
	in := Index{
		Issuer: h.issuer, TokenIssuer: h.TokenIssuer(), MetadataURL: h.issuer + "/.well-known/oauth-authorization-server",
		JWKSURI: h.issuer + "/keys", LoginPage: h.cfg.LoginPage, DefaultUser: h.cfg.DefaultUser,
		Clients: h.ClientInfos(), Routes: Routes(h.cfg),
	}
	for _, r := range h.cfg.Resources {
		in.Resources = append(in.Resources, r.ID)
	}
	if !h.cfg.DisableControl {
		in.DashboardURL = h.issuer + controlPrefix + "/"
	}
	return in
}

// wantsJSON reports whether the Accept header asks for JSON rather than a page.
func wantsJSON(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept"), ",") {
		mt, _, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		switch {
		case mt == "text/html":
			return false
		case mt == "application/json" || strings.HasSuffix(mt, "+json"):
			return true
		}
	}
	return false
}

// serveIndex answers GET / at the issuer.
func (h *Handler) serveIndex(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		writeError(w, &Error{Code: CodeInvalidRequest, Description: "method " + r.Method + " not allowed", Status: http.StatusMethodNotAllowed}, false)
		return
	}
	in := h.index()
	if wantsJSON(r) {
		w.Header().Set("Vary", "Accept")
		writeJSON(w, http.StatusOK, in)
		return
	}
	type routeView struct {
		Route
		URLs []string
	}
	origin := h.issuer
	if u, err := url.Parse(h.issuer); err == nil {
		origin = u.Scheme + "://" + u.Host
	}
	data := struct {
		pageBase
		Info        Info
		Version     string
		LoginPage   bool
		DefaultUser string
		Dashboard   string
		Clients     []ClientInfo
		Routes      []routeView
	}{pageBase: newPageBase("mockas"), Info: h.Info(), Version: moduleVersion(), LoginPage: in.LoginPage,
		DefaultUser: in.DefaultUser, Dashboard: in.DashboardURL, Clients: in.Clients}
	for _, rt := range in.Routes {
		rv := routeView{Route: rt}
		for _, p := range rt.Paths {
			rv.URLs = append(rv.URLs, origin+p)
		}
		data.Routes = append(data.Routes, rv)
	}
	w.Header().Set("Vary", "Accept")
	h.writePage(w, http.StatusOK, "index.html", data.Nonce, nil, data)
}

// moduleVersion is the version of the mockas module in the running binary.
func moduleVersion() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "(unknown)"
	}
	for _, d := range bi.Deps {
		if d.Path == "github.com/mcp-conform/mcp-conform" {
			return d.Version
		}
	}
	if bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(devel)"
}

// ClientInfos lists the clients without secrets; see Handler.ClientInfos.
func (s *Server) ClientInfos() []ClientInfo { return s.h.ClientInfos() }
