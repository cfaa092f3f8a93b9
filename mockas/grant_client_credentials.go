package mockas

// This file implements the client_credentials grant (OAuth 2.1 §4.2, RFC 6749 §4.4), with
// client_secret_post or client_secret_basic, scope, and resource (RFC 8707) or audience
// (Scalekit's guide) for aud.

import "strings"

// grantClientCredentials issues a token to a confidential client for itself. The response
// scope is the granted list as the token carries it (deduplicated, single spaces), not the
// raw parameter.
//
// RFC 6749 §5.1: scope is "OPTIONAL, if identical to the scope requested by the client;
// otherwise, REQUIRED." mockas always sends it when a scope was granted.
//
// OAuth 2.1 §4.2: "The client credentials grant type MUST only be used by confidential
// clients." authenticate() has authenticated the client and allowsGrant refuses public ones.
func (h *Handler) grantClientCredentials(c Client, tr tokenRequest, routeRes string) (*tokenResponse, string, *Error) {
	if isPublic(c) {
		return nil, "", oauthErr(CodeUnauthorizedClient, "client_credentials needs a confidential client")
	}
	scopes, e := parseScope(tr.Scope)
	if e != nil {
		return nil, "", e
	}
	if e := checkScopes(c, scopes); e != nil {
		return nil, "", e
	}
	resources, e := checkResources(tr.Resources)
	if e != nil {
		return nil, "", e
	}
	resource, aud := h.audienceFor(routeRes, append(resources, tr.Audiences...))
	g := grantInfo{client: c, sub: c.ID, scopes: scopes, resource: resource, aud: aud, grant: grantClientCredentials}
	now := h.Now()
	tok, jti, lifetime, e := h.accessToken(g, now)
	if e != nil {
		return nil, "", e
	}
	return &tokenResponse{AccessToken: tok, TokenType: "Bearer", ExpiresIn: int64(lifetime.Seconds()), Scope: strings.Join(scopes, " ")}, jti, nil
}
