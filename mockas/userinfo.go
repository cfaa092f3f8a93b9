package mockas

// This file implements the OpenID Connect UserInfo endpoint (OIDC Core §5.3) at
// ENV/userinfo, authenticated with a bearer access token (RFC 6750 §2.1).

import (
	"net/http"
	"strings"
)

// serveUserinfo answers with the claims of the token's user.
func (h *Handler) serveUserinfo(w http.ResponseWriter, r *http.Request, _ *request) {
	auth := r.Header.Get("Authorization")
	if len(auth) < 7 || !strings.EqualFold(auth[:7], "bearer ") {
		// RFC 6750 §3.1: "If the request lacks any authentication information ..., the
		// resource server SHOULD NOT include an error code or other error information."
		w.Header().Set("WWW-Authenticate", `Bearer realm="mockas"`)
		writeError(w, &Error{Code: CodeInvalidRequest, Description: "a bearer access token is required", Status: http.StatusUnauthorized}, false)
		return
	}
	tc, active := h.inspectAccessToken(strings.TrimSpace(auth[7:]))
	if !active {
		w.Header().Set("WWW-Authenticate", `Bearer realm="mockas", error="invalid_token", error_description="the access token is invalid, expired or revoked"`)
		writeError(w, &Error{Code: CodeInvalidToken, Description: "the access token is invalid, expired or revoked", Status: http.StatusUnauthorized}, false)
		return
	}
	out := map[string]any{"sub": tc.Subject}
	if u, ok := h.userBySub(tc.Subject); ok {
		for k, v := range u.Claims {
			out[k] = v
		}
		if u.Email != "" {
			out["email"], out["email_verified"] = u.Email, true
		}
		if u.Name != "" {
			out["name"] = u.Name
		}
		out["sub"] = u.Subject
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, out)
}
