package mockas

// This file implements OpenID Connect RP-Initiated Logout 1.0 at ENV/oidc/logout, with the
// parameters Scalekit's SDKs send: id_token_hint, post_logout_redirect_uri and state.
// Logging out revokes every grant of the hinted session.

import (
	"log/slog"
	"net/http"
	"net/url"
	"slices"
)

// serveLogout ends the session named by id_token_hint.
func (h *Handler) serveLogout(w http.ResponseWriter, r *http.Request, in *request) {
	p := r.URL.Query()
	if r.Method == http.MethodPost {
		form, err := url.ParseQuery(string(in.body))
		if err != nil {
			writeErrorPage(w, oauthErr(CodeInvalidRequest, "malformed form body"))
			return
		}
		p = form
	}
	var sid, clientID string
	if hint := p.Get("id_token_hint"); hint != "" {
		h.mu.Lock()
		keys := append([]*signingKey(nil), h.keys.published...)
		h.mu.Unlock()
		// RP-Initiated Logout §2: expired ID tokens are acceptable hints; only the
		// signature and issuer matter.
		tc, err := verifyJWT(hint, keys)
		if err != nil || (tc.Issuer != h.issuer && tc.Issuer != h.routeIssuerOf(tc.Issuer)) {
			writeErrorPage(w, oauthErr(CodeInvalidRequest, "id_token_hint was not issued by this server"))
			return
		}
		sid = tc.Session
		if len(tc.Audience) > 0 {
			clientID = tc.Audience[0]
		}
	}
	if id := p.Get("client_id"); id != "" {
		clientID = id
	}
	target := p.Get("post_logout_redirect_uri")
	if target != "" {
		if e := h.checkLogoutRedirect(r, clientID, target); e != nil {
			writeErrorPage(w, e)
			return
		}
	}
	if sid != "" {
		h.mu.Lock()
		for id, f := range h.families {
			if f.sid == sid {
				h.revokeFamilyLocked(id)
			}
		}
		h.mu.Unlock()
	}
	h.audit("logout", true, slog.String("client_id", clientID))
	if target == "" {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte("<!doctype html><html><head><title>Signed out</title></head><body><p>You are signed out.</p></body></html>\n"))
		return
	}
	u, _ := url.Parse(target) // validated by checkLogoutRedirect
	if st := p.Get("state"); st != "" {
		q := u.Query()
		q.Set("state", st)
		u.RawQuery = q.Encode()
	}
	http.Redirect(w, r, u.String(), http.StatusFound)
}

// routeIssuerOf returns iss when it is one of this environment's resource issuers.
func (h *Handler) routeIssuerOf(iss string) string {
	for id := range h.resources {
		if iss == h.resourceIssuer(id) {
			return iss
		}
	}
	return ""
}

// checkLogoutRedirect accepts a post-logout redirect URI whose origin is the origin of one
// of the client's registered redirect URIs.
func (h *Handler) checkLogoutRedirect(r *http.Request, clientID, target string) *Error {
	if clientID == "" {
		return oauthErr(CodeInvalidRequest, "post_logout_redirect_uri needs id_token_hint or client_id")
	}
	c, e := h.lookupClient(r.Context(), clientID)
	if e != nil {
		return e
	}
	if e := checkRedirectURI(target); e != nil {
		return oauthErr(CodeInvalidRequest, "%s", e.Description)
	}
	t, _ := url.Parse(target)
	if !slices.ContainsFunc(c.RedirectURIs, func(s string) bool {
		u, err := url.Parse(s)
		return err == nil && u.Scheme == t.Scheme && u.Host == t.Host
	}) {
		return oauthErr(CodeInvalidRequest, "post_logout_redirect_uri %q matches no redirect URI of client %s", target, clientID)
	}
	return nil
}
