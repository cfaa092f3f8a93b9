package mockas

// This file implements scopes: the RFC 6749 §3.3 syntax, the hierarchical wildcard design of
// Scalekit's MCP guide ("mcp:tools:*" grants "mcp:tools:weather"), per-client allow-lists,
// and the optional scope -> permissions mapping (the guide's "custom scope mapping").

import (
	"strings"
)

// oidcScopes are always grantable: they describe the user, not the resource.
var oidcScopes = map[string]bool{"openid": true, "profile": true, "email": true, "offline_access": true}

// parseScope splits a scope parameter.
//
// RFC 6749 §3.3: "The value of the scope parameter is expressed as a list of space-
// delimited, case-sensitive strings." scope-token = 1*( %x21 / %x23-5B / %x5D-7E )
func parseScope(s string) ([]string, *Error) {
	if len(s) > maxScopeBytes {
		return nil, oauthErr(CodeInvalidScope, "scope is %d bytes; mockas accepts at most %d", len(s), maxScopeBytes)
	}
	var out []string
	seen := map[string]bool{}
	for _, tok := range strings.Split(s, " ") {
		if tok == "" {
			continue
		}
		for i := 0; i < len(tok); i++ {
			c := tok[i]
			if c < 0x21 || c == 0x22 || c == 0x5c || c > 0x7e {
				return nil, oauthErr(CodeInvalidScope, "scope %q has a character outside RFC 6749 §3.3 scope-token", tok)
			}
		}
		if !seen[tok] {
			seen[tok] = true
			out = append(out, tok)
		}
	}
	return out, nil
}

// maxScopeBytes bounds a scope parameter. RFC 6749 sets no limit; without one, a 1 MiB
// scope would be copied into every token, grant and record that scope reaches.
const maxScopeBytes = 4096

// scopeCovers reports whether the allowed scope pattern grants s: equal, "*", or a
// "prefix:*" whose prefix is an ancestor of s.
func scopeCovers(pattern, s string) bool {
	if pattern == s || pattern == "*" {
		return true
	}
	if prefix, ok := strings.CutSuffix(pattern, ":*"); ok {
		return strings.HasPrefix(s, prefix+":")
	}
	return false
}

// scopeAllowed reports whether a client with allow-list allowed may be granted s. An
// empty allow-list allows every scope; OpenID Connect scopes are always allowed.
func scopeAllowed(allowed []string, s string) bool {
	if len(allowed) == 0 || oidcScopes[s] {
		return true
	}
	for _, p := range allowed {
		if scopeCovers(p, s) {
			return true
		}
	}
	return false
}

// checkScopes returns requested if the client may have every scope in it.
//
// RFC 6749 §5.2 invalid_scope: "The requested scope is invalid, unknown, malformed, or
// exceeds the scope granted by the resource owner."
func checkScopes(c Client, requested []string) *Error {
	for _, s := range requested {
		if !scopeAllowed(c.Scopes, s) {
			return oauthErr(CodeInvalidScope, "client %s may not request scope %q", c.ID, s)
		}
	}
	return nil
}

// subsetOf reports whether every scope in narrower is in wider.
func subsetOf(narrower, wider []string) bool {
	for _, s := range narrower {
		found := false
		for _, w := range wider {
			if w == s {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// permissionsFor maps granted scopes to permissions (exact scope match, first-seen order,
// no duplicates), or nil when the config has no mapping or nothing maps.
func (h *Handler) permissionsFor(scopes []string) []string {
	if len(h.cfg.ScopePermissions) == 0 {
		return nil
	}
	var out []string
	seen := map[string]bool{}
	for _, s := range scopes {
		for _, p := range h.cfg.ScopePermissions[s] {
			if !seen[p] {
				seen[p] = true
				out = append(out, p)
			}
		}
	}
	return out
}
