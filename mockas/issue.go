package mockas

// This file issues access tokens in the shape Scalekit's SDKs accept (RFC 9068 claims as
// Scalekit emits them: header {"alg":"RS256","kid":"snk_…","typ":"JWT"}; iss, aud as an
// array, sub, client_id, jti "tkn_…", integer iat/nbf/exp, scope and scopes, sid, oid,
// permissions), refresh tokens, and the grant "families" that let a code replay or a
// refresh-token reuse revoke everything the grant issued.

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"
	"time"
)

// grantInfo is what one token issuance is for.
type grantInfo struct {
	client   Client
	sub      string
	user     *User // nil for client credentials
	scopes   []string
	resource Resource // the resource the token is for (its id is always in aud)
	aud      []string
	sid      string
	grant    string // grant type, for the issued-token record
}

// family tracks everything one authorization grant issued.
type family struct {
	clientID  string
	sub       string
	sid       string
	nonce     string
	routeRes  string // resource of the authorize route, for the ID token issuer
	scopes    []string
	resources []string // RFC 8707 resources the grant was for
	resource  Resource
	authTime  time.Time
	jtis      map[string]int64 // access tokens issued -> exp
	revoked   bool
	expires   time.Time
}

// refreshRecord is one refresh token, stored by SHA-256 so the store holds no secrets.
type refreshRecord struct {
	familyID string
	used     bool
	expires  time.Time
}

// hashToken is the store key of an opaque token.
func hashToken(t string) string {
	sum := sha256.Sum256([]byte(t))
	return hex.EncodeToString(sum[:])
}

// audienceFor picks the resource a token is for and builds aud: the resource id, its
// server URL when configured, then every requested resource/audience value.
func (h *Handler) audienceFor(routeRes string, requested []string) (Resource, []string) {
	res := h.cfg.Resources[0]
	if r, ok := h.resources[routeRes]; ok {
		res = r
	} else {
		for _, r := range h.cfg.Resources {
			if slices.Contains(requested, r.ID) || (r.ServerURL != "" && slices.Contains(requested, r.ServerURL)) {
				res = r
				break
			}
		}
	}
	aud := baseAudience(res)
	for _, v := range requested {
		if !slices.Contains(aud, v) {
			aud = append(aud, v)
		}
	}
	return res, aud
}

// accessTokenLifetime is the client's override or the configured default.
func (h *Handler) accessTokenLifetime(c Client) time.Duration {
	if c.AccessTokenLifetime > 0 {
		return time.Duration(c.AccessTokenLifetime)
	}
	return time.Duration(h.cfg.Lifetimes.AccessToken)
}

// accessToken signs an access token for g; it returns the token, its jti and its lifetime.
func (h *Handler) accessToken(g grantInfo, now time.Time) (string, string, time.Duration, *Error) {
	lifetime := h.accessTokenLifetime(g.client)
	jti := newJTI()
	iat := now.Unix()
	c := make(map[string]any, 16) // sized once for the usual claims: no rehash while filling
	c["iss"], c["aud"], c["sub"], c["client_id"] = h.tokenIssuer(g.resource.ID), g.aud, g.sub, g.client.ID
	c["jti"], c["iat"], c["nbf"], c["exp"] = jti, iat, iat, now.Add(lifetime).Unix()
	if len(g.scopes) > 0 {
		c["scope"] = strings.Join(g.scopes, " ")
		c["scopes"] = g.scopes
	}
	if g.sid != "" {
		c["sid"] = g.sid
	}
	if h.cfg.OrganizationID != "-" {
		c["oid"] = h.cfg.OrganizationID
	}
	if p := h.permissionsFor(g.scopes); len(p) > 0 {
		c["permissions"] = p
	}
	if g.user != nil {
		for k, v := range g.user.Claims {
			if _, taken := c[k]; !taken {
				c[k] = v
			}
		}
	}
	h.mu.Lock()
	sk := h.keys.signer()
	h.mu.Unlock()
	tok, err := h.signers.do(func() (string, error) { return signWithKey(sk, c) })
	if err != nil {
		return "", "", 0, &Error{Code: CodeServerError, Description: err.Error(), Status: 500}
	}
	h.recordToken(IssuedToken{Source: g.grant, IssuedAt: now, Claims: c,
		Header: map[string]any{"alg": "RS256", "kid": sk.kid, "typ": "JWT"}})
	return tok, jti, lifetime, nil
}

// newFamilyLocked registers a family and returns its id. Callers hold h.mu.
func (h *Handler) newFamilyLocked(f *family) string {
	id := randomToken()
	f.jtis = map[string]int64{}
	h.families[id] = f
	return id
}

// revokeFamilyLocked revokes every token a grant issued. Callers hold h.mu.
//
// OAuth 2.1 §4.1.3: if a code is used more than once the authorization server "SHOULD
// revoke all access tokens and refresh tokens previously issued based on that
// authorization code"; §4.3.1: on reuse of a rotated refresh token it "will revoke the
// active refresh token as well as the access authorization grant".
func (h *Handler) revokeFamilyLocked(id string) {
	f := h.families[id]
	if f == nil {
		return
	}
	f.revoked = true
	for jti, exp := range f.jtis {
		h.revoked[jti] = exp
	}
}

// issueForFamily issues an access token (and a refresh token when withRefresh) for
// family fid and records them; a family revoked meanwhile gets its new tokens revoked too.
func (h *Handler) issueForFamily(fid string, g grantInfo, now time.Time, withRefresh bool) (*tokenResponse, string, *Error) {
	tok, jti, lifetime, e := h.accessToken(g, now)
	if e != nil {
		return nil, "", e
	}
	resp := &tokenResponse{AccessToken: tok, TokenType: "Bearer", ExpiresIn: int64(lifetime / time.Second), Scope: strings.Join(g.scopes, " ")}
	exp := now.Add(lifetime).Unix()
	var rt string
	if withRefresh {
		rt = randomToken()
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	f := h.families[fid]
	if f == nil || f.revoked {
		h.revoked[jti] = exp
		return nil, jti, oauthErr(CodeInvalidGrant, "the grant was revoked while the request was processed")
	}
	f.jtis[jti] = exp
	f.expires = maxTime(f.expires, now.Add(lifetime))
	if withRefresh {
		rexp := now.Add(time.Duration(h.cfg.Lifetimes.RefreshToken))
		h.refresh[hashToken(rt)] = &refreshRecord{familyID: fid, expires: rexp}
		f.expires = maxTime(f.expires, rexp)
		resp.RefreshToken = rt
	}
	h.pruneLocked(now)
	return resp, jti, nil
}

// pruneLocked drops expired codes, refresh tokens, families and revocations, every 64
// insertions. Callers hold h.mu.
func (h *Handler) pruneLocked(now time.Time) {
	h.inserts++
	if h.inserts%64 != 0 {
		return
	}
	for k, c := range h.codes {
		if now.After(c.expires) {
			delete(h.codes, k)
		}
	}
	for k, r := range h.refresh {
		if now.After(r.expires) {
			delete(h.refresh, k)
		}
	}
	for k, f := range h.families {
		if now.After(f.expires) && !f.expires.IsZero() {
			delete(h.families, k)
		}
	}
	unix := now.Unix()
	for k, exp := range h.revoked {
		if exp < unix {
			delete(h.revoked, k)
		}
	}
	limit := h.cfg.Limits.MaxGrants
	capByExpiry(h.codes, limit, func(c *authCode) time.Time { return c.expires })
	capByExpiry(h.refresh, limit, func(r *refreshRecord) time.Time { return r.expires })
	capByExpiry(h.families, limit, func(f *family) time.Time { return f.expires })
	capByExpiry(h.revoked, limit, func(exp int64) time.Time { return time.Unix(exp, 0) })
}

// capByExpiry keeps m within max entries: past it, the entries that expire soonest are
// dropped, down to nine tenths of max so the sort runs rarely. A dropped code or refresh
// token is then refused as unknown (invalid_grant); a dropped family makes its refresh
// tokens fail the same way, never succeed.
func capByExpiry[K comparable, V any](m map[K]V, max int, expires func(V) time.Time) {
	if len(m) <= max {
		return
	}
	type entry struct {
		k   K
		exp time.Time
	}
	all := make([]entry, 0, len(m))
	for k, v := range m {
		all = append(all, entry{k, expires(v)})
	}
	slices.SortFunc(all, func(a, b entry) int { return a.exp.Compare(b.exp) })
	for _, e := range all[:len(all)-max*9/10] {
		delete(m, e.k)
	}
}

// cloneStrings copies s and each of its strings (see strings.Clone).
func cloneStrings(s []string) []string {
	if s == nil {
		return nil
	}
	out := make([]string, len(s))
	for i, v := range s {
		out[i] = strings.Clone(v)
	}
	return out
}

// maxTime returns the later of a and b.
func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
