package mockas

// This file implements OAuth 2.0 Token Revocation (RFC 7009) at ENV/oauth/revoke. As
// Scalekit documents, revocation requires client authentication, so public clients get
// invalid_client. RevokeToken is the same revocation for the operator (the control plane's
// POST /_mockas/tokens/revoke), without a client.

import (
	"errors"
	"log/slog"
	"net/http"
)

// ErrNotRevocable is returned by RevokeToken for a token this instance did not issue, or
// one that is no longer active (expired, revoked, or signed by a key it no longer holds).
var ErrNotRevocable = errors.New("mockas: not an active token of this instance")

// RevokedToken describes a token RevokeToken revoked.
type RevokedToken struct {
	// TokenType is "access_token" or "refresh_token" (RFC 7009 §2.1 token_type_hint values).
	TokenType string `json:"token_type"`
	// JTI is the access token's jti ("" for a refresh token).
	JTI string `json:"jti,omitempty"`
	// ClientID is the client the token was issued to.
	ClientID string `json:"client_id"`
}

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
	if _, e := h.revoke(tok, c.ID); e != nil && !errors.Is(e, ErrNotRevocable) {
		writeError(w, errorFrom(e), cr.basic)
		return
	}
	// RFC 7009 §2.2: "The authorization server responds with HTTP status code 200 if the
	// token has been revoked successfully or if the client submitted an invalid token."
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
}

// RevokeToken revokes an access token this instance signed, or a refresh token and its
// grant, whichever client it was issued to; introspection then answers "active": false
// (RFC 7662 §2.2) for it. It is the operator's revocation (POST /_mockas/tokens/revoke), for
// tests that revoke a token they minted; clients use ENV/oauth/revoke. An unknown or
// inactive token is ErrNotRevocable.
func (h *Handler) RevokeToken(tok string) (RevokedToken, error) {
	return h.revoke(tok, "")
}

// revoke revokes tok. A non-empty clientID must be the client the token was issued to
// (RFC 7009 §2.1), else the answer is invalid_grant.
func (h *Handler) revoke(tok, clientID string) (RevokedToken, error) {
	if ri := h.inspectRefresh(tok); ri.found && ri.active {
		if clientID != "" && ri.fam.clientID != clientID {
			return RevokedToken{}, oauthErr(CodeInvalidGrant, "token was issued to another client")
		}
		// RFC 7009 §2.1: "If the token passed to the request is a refresh token and the
		// authorization server supports the revocation of access tokens, then the
		// authorization server SHOULD also invalidate all access tokens based on the same
		// authorization grant".
		h.mu.Lock()
		h.revokeFamilyLocked(ri.familyID)
		h.mu.Unlock()
		h.audit("token_revoked", true, slog.String("client_id", ri.fam.clientID), slog.String("token_type", "refresh_token"))
		return RevokedToken{TokenType: "refresh_token", ClientID: ri.fam.clientID}, nil
	}
	tc, active := h.inspectAccessToken(tok)
	if !active {
		return RevokedToken{}, ErrNotRevocable
	}
	if clientID != "" && tc.ClientID != clientID {
		return RevokedToken{}, oauthErr(CodeInvalidGrant, "token was issued to another client")
	}
	now := h.Now()
	h.mu.Lock()
	h.revoked[tc.ID] = *tc.Expiry
	h.pruneLocked(now)
	h.mu.Unlock()
	h.audit("token_revoked", true, slog.String("client_id", tc.ClientID), slog.String("token_type", "access_token"), slog.String("jti", tc.ID))
	return RevokedToken{TokenType: "access_token", JTI: tc.ID, ClientID: tc.ClientID}, nil
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
