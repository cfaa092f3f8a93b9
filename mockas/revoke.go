package mockas

// This file implements OAuth 2.0 Token Revocation (RFC 7009) at ENV/oauth/revoke. As
// Scalekit documents, revocation requires client authentication, so public clients get
// invalid_client.

import (
	"log/slog"
	"net/http"
)

// serveRevoke answers a revocation request.
func (h *Handler) serveRevoke(w http.ResponseWriter, r *http.Request, in *request) {
	form, cr, e := parseAuthForm(r.Header, in.body)
	if e != nil {
		writeError(w, e, cr.basic)
		return
	}
	c, e := h.confidentialClient(r, cr)
	if e != nil {
		writeError(w, e, cr.basic)
		return
	}
	tok := form.Get("token")
	if tok == "" {
		writeError(w, oauthErr(CodeInvalidRequest, "token is required"), cr.basic)
		return
	}
	// RFC 7009 §2.1: "the authorization server first validates the client credentials ...
	// and then verifies whether the token was issued to the client making the revocation
	// request. If this validation fails, the request is refused".
	if ri := h.inspectRefresh(tok); ri.found {
		if ri.fam.clientID != c.ID {
			writeError(w, oauthErr(CodeInvalidGrant, "token was issued to another client"), cr.basic)
			return
		}
		// RFC 7009 §2.1: revoking a refresh token SHOULD also invalidate the access
		// tokens of the same authorization grant.
		h.mu.Lock()
		h.revokeFamilyLocked(ri.familyID)
		h.mu.Unlock()
		h.audit("token_revoked", true, slog.String("client_id", c.ID), slog.String("token_type", "refresh_token"))
	} else if tc, active := h.inspectAccessToken(tok); active {
		if tc.ClientID != c.ID {
			writeError(w, oauthErr(CodeInvalidGrant, "token was issued to another client"), cr.basic)
			return
		}
		h.mu.Lock()
		h.revoked[tc.ID] = *tc.Expiry
		h.mu.Unlock()
		h.audit("token_revoked", true, slog.String("client_id", c.ID), slog.String("token_type", "access_token"), slog.String("jti", tc.ID))
	}
	// RFC 7009 §2.2: "The authorization server responds with HTTP status code 200 if the
	// token has been revoked successfully or if the client submitted an invalid token."
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
}

// confidentialClient authenticates a client that must be confidential (revocation and
// introspection).
func (h *Handler) confidentialClient(r *http.Request, cr clientCreds) (Client, *Error) {
	c, e := h.authenticateCreds(r.Context(), cr)
	if e != nil {
		return Client{}, e
	}
	if isPublic(c) {
		return Client{}, &Error{Code: CodeInvalidClient, Description: "client " + c.ID + " is a public client; this endpoint requires client authentication"}
	}
	return c, nil
}
