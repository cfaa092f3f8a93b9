package mockas

// This file implements the refresh_token grant with rotation and reuse detection (OAuth 2.1
// §4.3, §4.3.1; MCP 2025-11-25 §11.2 "For public clients, authorization servers MUST
// rotate refresh tokens"). mockas rotates for every client.

import (
	"slices"
	"strings"
	"time"
)

// grantRefresh exchanges a refresh token for a new access token and a new refresh token.
func (h *Handler) grantRefresh(c Client, tr tokenRequest) (*tokenResponse, string, *Error) {
	if tr.RefreshToken == "" {
		return nil, "", oauthErr(CodeInvalidRequest, "refresh_token is required")
	}
	var requested []string
	if tr.ScopeGiven {
		s, e := parseScope(tr.Scope)
		if e != nil {
			return nil, "", e
		}
		requested = s
	}
	resources, e := checkResources(tr.Resources)
	if e != nil {
		return nil, "", e
	}
	now := h.Now()
	scopes := requested
	check := func(f *family) *Error {
		// OAuth 2.1 §4.3.1: the requested scope "MUST NOT include any scope not originally
		// granted by the resource owner, and if omitted is treated as equal to the scope
		// originally granted".
		if len(requested) == 0 {
			scopes = f.scopes
		} else if !subsetOf(requested, f.scopes) {
			return oauthErr(CodeInvalidScope, "scope %q exceeds the original grant %q", strings.Join(requested, " "), strings.Join(f.scopes, " "))
		}
		if len(f.resources) > 0 {
			for _, r := range resources {
				if !slices.Contains(f.resources, r) {
					return oauthErr(CodeInvalidTarget, "resource %q was not part of the original grant", r)
				}
			}
		}
		return nil
	}
	f, fid, e := h.rotate(c, tr.RefreshToken, now, check)
	if e != nil {
		return nil, "", e
	}
	if len(resources) == 0 {
		resources = f.resources
	}
	resource, aud := h.audienceFor(f.resource.ID, resources)
	user, isUser := h.userBySub(f.sub)
	g := grantInfo{client: c, sub: f.sub, scopes: scopes, resource: resource, aud: aud, sid: f.sid, grant: grantRefreshToken}
	if isUser {
		g.user = &user
	}
	resp, jti, e := h.issueForFamily(fid, g, now, true)
	if e != nil {
		return nil, jti, e
	}
	if isUser && slices.Contains(scopes, "openid") {
		idt, err := h.idToken(c.ID, user, h.routeIssuer(f.routeRes), f.sid, "", f.authTime, resp.AccessToken, now)
		if err != nil {
			return nil, jti, &Error{Code: CodeServerError, Description: err.Error(), Status: 500}
		}
		resp.IDToken = idt
	}
	return resp, jti, nil
}

// rotate validates and consumes a refresh token, returning a snapshot of its family. check
// runs on the family before the token is consumed.
func (h *Handler) rotate(c Client, rt string, now time.Time, check func(*family) *Error) (family, string, *Error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	rec := h.refresh[hashToken(rt)]
	if rec == nil {
		return family{}, "", oauthErr(CodeInvalidGrant, "refresh token is unknown")
	}
	f := h.families[rec.familyID]
	switch {
	case f == nil || f.revoked:
		return family{}, "", oauthErr(CodeInvalidGrant, "refresh token was revoked")
	case f.clientID != c.ID:
		return family{}, "", oauthErr(CodeInvalidGrant, "refresh token was issued to another client")
	case rec.used:
		// OAuth 2.1 §4.3.1: presenting an invalidated refresh token means it was
		// compromised; the whole grant is revoked.
		h.revokeFamilyLocked(rec.familyID)
		return family{}, "", oauthErr(CodeInvalidGrant, "refresh token was already used; the grant is revoked")
	case !now.Before(rec.expires):
		return family{}, "", oauthErr(CodeInvalidGrant, "refresh token expired")
	}
	if e := check(f); e != nil {
		return family{}, "", e
	}
	rec.used = true
	snap := *f
	snap.jtis = nil
	return snap, rec.familyID, nil
}
