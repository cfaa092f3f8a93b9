package mockas

// This file implements the authorization_code grant at the token endpoint (OAuth 2.1
// §4.1.3, RFC 7636 §4.5-§4.6, RFC 8707 §2.2).

import (
	"slices"
	"time"
)

// grantCode redeems an authorization code.
func (h *Handler) grantCode(c Client, tr tokenRequest, routeRes string) (*tokenResponse, string, *Error) {
	if tr.Code == "" {
		return nil, "", oauthErr(CodeInvalidRequest, "code is required")
	}
	resources, e := checkResources(tr.Resources)
	if e != nil {
		return nil, "", e
	}
	now := h.Now()
	ac, fid, e := h.redeemCode(c, tr, resources, now)
	if e != nil {
		return nil, "", e
	}
	if len(resources) == 0 {
		resources = ac.resources
	}
	res := ac.res
	if routeRes != "" {
		res = routeRes
	}
	resource, aud := h.audienceFor(res, resources)
	user, _ := h.userBySub(ac.sub)
	sid, e := h.bindFamily(fid, resource, ac.resources, resources)
	if e != nil {
		return nil, "", e
	}
	g := grantInfo{client: c, sub: ac.sub, user: &user, scopes: ac.scopes, resource: resource, aud: aud, sid: sid, grant: grantAuthorizationCode}
	// Scalekit: "Without it [offline_access], Scalekit does not issue a refresh token
	// alongside the access token."
	withRefresh := slices.Contains(ac.scopes, "offline_access") && allowsGrant(c, grantRefreshToken)
	resp, jti, e := h.issueForFamily(fid, g, now, withRefresh)
	if e != nil {
		return nil, jti, e
	}
	if slices.Contains(ac.scopes, "openid") {
		idt, err := h.idToken(c.ID, user, ac.routeIssuer(h), sid, ac.nonce, ac.authTime, resp.AccessToken, now)
		if err != nil {
			return nil, jti, &Error{Code: CodeServerError, Description: err.Error(), Status: 500}
		}
		resp.IDToken = idt
	}
	return resp, jti, nil
}

// bindFamily records on family fid the resource its tokens are for and the RFC 8707
// resources of the grant (those of the authorization request, else those of the token
// request), and returns the family's session id. The lock was released after redeemCode,
// so the family may be gone (Reset, pruning after the clock moved) or revoked (a replay
// of the code landed in between): that is invalid_grant, never a nil dereference.
//
// OAuth 2.1 §4.1.3: if a code is used more than once the authorization server "SHOULD
// revoke all access tokens and refresh tokens previously issued based on that
// authorization code".
func (h *Handler) bindFamily(fid string, resource Resource, granted, requested []string) (string, *Error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	f := h.families[fid]
	if f == nil || f.revoked {
		return "", oauthErr(CodeInvalidGrant, "the grant was revoked while the request was processed")
	}
	f.resource, f.resources = resource, granted
	if len(f.resources) == 0 {
		f.resources = requested
	}
	return f.sid, nil
}

// routeIssuer is the issuer of the metadata the code's authorize route belongs to.
func (ac *authCode) routeIssuer(h *Handler) string { return h.routeIssuer(ac.res) }

// redeemCode checks and consumes the code under the lock, creating the grant family.
func (h *Handler) redeemCode(c Client, tr tokenRequest, resources []string, now time.Time) (*authCode, string, *Error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	ac := h.codes[tr.Code]
	switch {
	case ac == nil:
		return nil, "", oauthErr(CodeInvalidGrant, "authorization code is unknown")
	// OAuth 2.1 §4.1.3: the authorization server "MUST return an access token only once
	// for a given authorization code."
	case ac.used:
		h.revokeFamilyLocked(ac.familyID)
		return nil, "", oauthErr(CodeInvalidGrant, "authorization code was already used; tokens issued from it are revoked")
	case !now.Before(ac.expires):
		return nil, "", oauthErr(CodeInvalidGrant, "authorization code expired")
	// OAuth 2.1 §4.1.3: "ensure that the authorization code was issued to the
	// authenticated confidential client, or if the client is public, ensure that the code
	// was issued to client_id in the request".
	case ac.clientID != c.ID:
		return nil, "", oauthErr(CodeInvalidGrant, "authorization code was issued to another client")
	// OAuth 2.1 §4.1.3: redirect_uri is REQUIRED "if the redirect_uri parameter was
	// included in the authorization request", and "their values MUST be identical".
	case ac.redirectGiven && tr.RedirectURI != ac.redirectURI, !ac.redirectGiven && tr.RedirectURI != "" && tr.RedirectURI != ac.redirectURI:
		return nil, "", oauthErr(CodeInvalidGrant, "redirect_uri does not match the authorization request")
	}
	if e := checkVerifier(tr.CodeVerifier, ac.challenge); e != nil {
		return nil, "", e
	}
	// RFC 8707 §2.2: the resource in the token request must be one the grant covers.
	if len(ac.resources) > 0 {
		for _, r := range resources {
			if !slices.Contains(ac.resources, r) {
				return nil, "", oauthErr(CodeInvalidTarget, "resource %q was not part of the authorization request", r)
			}
		}
	}
	ac.used = true
	ac.familyID = h.newFamilyLocked(&family{
		clientID: c.ID, sub: ac.sub, sid: "ses_" + randomDigits(17), nonce: ac.nonce, routeRes: ac.res,
		scopes: ac.scopes, authTime: ac.authTime, expires: ac.expires,
	})
	return ac, ac.familyID, nil
}
