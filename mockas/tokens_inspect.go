package mockas

// This file reads back tokens this instance issued, for RFC 7009 revocation, RFC 7662
// introspection, OIDC userinfo and logout: JWTs are verified against the published keys
// (RFC 7515 §5.2) and checked for time (RFC 7519 §4.1.4-§4.1.5), issuer and revocation;
// refresh tokens are looked up by hash.

import (
	"time"

	"github.com/mcp-conform/mcp-conform/conformance/jwtrule"
)

// inspectJWT verifies tok and reports its claims and whether it is active now.
func (h *Handler) inspectJWT(tok string) (tokenClaims, bool) {
	h.mu.Lock()
	keys := append([]*signingKey(nil), h.keys.published...)
	h.mu.Unlock()
	tc, err := verifyJWT(tok, keys)
	if err != nil {
		return tc, false
	}
	now := time.Unix(h.Now().Unix(), 0) // mockas's tokens carry whole seconds
	switch {
	case tc.Expiry == nil || jwtrule.CheckExpiry(now, time.Unix(*tc.Expiry, 0), 0) != nil:
		return tc, false
	case tc.NotBefore != nil && jwtrule.CheckNotBefore(now, time.Unix(*tc.NotBefore, 0), 0) != nil:
		return tc, false
	case jwtrule.CheckIssuer(tc.Issuer, h.issuer) != nil && !jwtrule.ResourceScopedIssuer(tc.Issuer, h.issuer):
		return tc, false
	}
	h.mu.Lock()
	_, revoked := h.revoked[tc.ID]
	h.mu.Unlock()
	return tc, !revoked
}

// inspectAccessToken is inspectJWT limited to access tokens (jti and client_id present).
func (h *Handler) inspectAccessToken(tok string) (tokenClaims, bool) {
	tc, active := h.inspectJWT(tok)
	if tc.ID == "" || tc.ClientID == "" {
		return tc, false
	}
	return tc, active
}

// refreshInfo describes a refresh token this instance issued.
type refreshInfo struct {
	found    bool
	active   bool
	familyID string
	fam      family
	expires  int64
}

// inspectRefresh looks a refresh token up.
func (h *Handler) inspectRefresh(tok string) refreshInfo {
	now := h.Now()
	h.mu.Lock()
	defer h.mu.Unlock()
	rec := h.refresh[hashToken(tok)]
	if rec == nil {
		return refreshInfo{}
	}
	f := h.families[rec.familyID]
	if f == nil {
		return refreshInfo{}
	}
	ri := refreshInfo{found: true, familyID: rec.familyID, fam: *f, expires: rec.expires.Unix()}
	ri.fam.jtis = nil
	ri.active = !rec.used && !f.revoked && now.Before(rec.expires)
	return ri
}
