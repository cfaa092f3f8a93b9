package mockas

// This file resolves client identifiers (pre-registered, dynamically registered, or client
// ID metadata document URLs) and validates redirect URIs for registration.

import (
	"context"
	"net"
	"net/url"
	"slices"
	"strings"
)

// lookupClient resolves id. A URL id is a client ID metadata document, fetched and
// cached (see cimd.go).
func (h *Handler) lookupClient(ctx context.Context, id string) (Client, *Error) {
	if c, ok := h.static[id]; ok {
		return c, nil
	}
	h.mu.Lock()
	rc, ok := h.dynamic[id]
	var c Client
	if ok {
		c = rc.client()
	}
	h.mu.Unlock()
	if ok {
		return c, nil
	}
	if isURLClientID(id) {
		return h.cimdClient(ctx, id)
	}
	return Client{}, oauthErr(CodeInvalidClient, "unable to retrieve client by id %q", id)
}

// allowsGrant reports whether c may use grant type g.
//
// Config: empty GrantTypes means authorization_code, refresh_token and client_credentials
// for confidential clients, authorization_code and refresh_token for public ones.
func allowsGrant(c Client, g string) bool {
	if len(c.GrantTypes) == 0 {
		return g == grantAuthorizationCode || g == grantRefreshToken || (g == grantClientCredentials && !isPublic(c))
	}
	return slices.Contains(c.GrantTypes, g)
}

// isLoopbackHost reports whether host (no port) is localhost or a loopback IP.
func isLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}

// checkRedirectURI validates a redirect URI offered at registration (RFC 7591) or in a
// client ID metadata document.
//
// MCP 2025-06-18 §3.3 / 2025-11-25 §11.5: "All redirect URIs MUST be either localhost or
// use HTTPS." RFC 6749 §3.1.2: "The endpoint URI MUST NOT include a fragment component."
func checkRedirectURI(s string) *Error {
	u, err := url.Parse(s)
	if err != nil || !u.IsAbs() {
		return oauthErr(CodeInvalidRedirectURI, "redirect_uri %q is not an absolute URI", s)
	}
	if u.Fragment != "" || strings.Contains(s, "#") {
		return oauthErr(CodeInvalidRedirectURI, "redirect_uri %q has a fragment", s)
	}
	switch strings.ToLower(u.Scheme) {
	case "https":
		if u.Host == "" {
			return oauthErr(CodeInvalidRedirectURI, "redirect_uri %q has no host", s)
		}
	case "http":
		if !isLoopbackHost(u.Hostname()) {
			return oauthErr(CodeInvalidRedirectURI, "redirect_uri %q: http is only allowed for loopback hosts", s)
		}
	default:
		return oauthErr(CodeInvalidRedirectURI, "redirect_uri %q: scheme %q is neither https nor loopback http", s, u.Scheme)
	}
	if u.User != nil {
		return oauthErr(CodeInvalidRedirectURI, "redirect_uri %q has userinfo", s)
	}
	return nil
}
