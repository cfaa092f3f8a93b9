package mockas

// This file implements OAuth 2.0 Token Introspection (RFC 7662) at ENV/oauth/introspect,
// for access tokens (JWTs this instance signed) and refresh tokens.

import (
	"net/http"
	"strings"
)

// serveIntrospect answers an introspection request.
//
// RFC 7662 §2.1: "To prevent token scanning attacks, the endpoint MUST also require some
// form of authorization to access this endpoint"; mockas requires a confidential client.
func (h *Handler) serveIntrospect(w http.ResponseWriter, r *http.Request, in *request) {
	form, cr, e := parseAuthForm(r.Header, in.body)
	if e != nil {
		writeError(w, e, cr.basic)
		return
	}
	if _, e := h.confidentialClient(r, cr); e != nil {
		writeError(w, e, cr.basic)
		return
	}
	tok := form.Get("token")
	if tok == "" {
		writeError(w, oauthErr(CodeInvalidRequest, "token is required"), cr.basic)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	// RFC 7662 §2.2: "If the introspection call is properly authorized but the token is
	// not active, does not exist on this server, or the protected resource is not allowed
	// to introspect this particular token, then the authorization server MUST return an
	// introspection response with the "active" field set to "false"."
	if ri := h.inspectRefresh(tok); ri.found {
		if !ri.active {
			writeJSON(w, http.StatusOK, map[string]any{"active": false})
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{
			"active": true, "token_type": "refresh_token", "client_id": ri.fam.clientID,
			"sub": ri.fam.sub, "scope": strings.Join(ri.fam.scopes, " "), "exp": ri.expires,
			"iss": h.issuer,
		})
		return
	}
	tc, active := h.inspectAccessToken(tok)
	if !active {
		writeJSON(w, http.StatusOK, map[string]any{"active": false})
		return
	}
	resp := map[string]any{
		"active": true, "token_type": "Bearer", "client_id": tc.ClientID, "sub": tc.Subject,
		"aud": []string(tc.Audience), "iss": tc.Issuer, "jti": tc.ID, "exp": *tc.Expiry,
	}
	if tc.Scope != "" {
		resp["scope"] = tc.Scope
	}
	if tc.IssuedAt != nil {
		resp["iat"] = *tc.IssuedAt
	}
	if tc.NotBefore != nil {
		resp["nbf"] = *tc.NotBefore
	}
	writeJSON(w, http.StatusOK, resp)
}
