package mockas

// This file keeps the recently issued access tokens, decoded, in a fixed-size ring so the
// dashboard and GET /_mockas/tokens can show what a client received. Whole tokens are
// never kept: a token is a bearer credential, and the record holds only its decoded
// header and claims, as the audit log holds only its jti.

import (
	"time"

	"github.com/mcp-conform/mcp-conform/conformance/jwtrule"
)

// maxIssued bounds the ring of recently issued tokens; the oldest are dropped first.
const maxIssued = 100

// IssuedToken is one access token mockas issued or minted, decoded.
type IssuedToken struct {
	// JTI is the token's jti claim ("" when a minted token has none).
	JTI string `json:"jti,omitempty"`
	// Source is the grant type that issued it (authorization_code, refresh_token,
	// client_credentials) or "mint".
	Source string `json:"source"`
	// Defect is the deliberate flaw of a minted token, if any.
	Defect Defect `json:"defect,omitempty"`
	// IssuedAt is when mockas issued it, on the instance clock.
	IssuedAt time.Time `json:"issued_at"`
	// Expires is the exp claim (zero when absent).
	Expires time.Time `json:"expires,omitzero"`
	// Revoked reports whether the token was revoked (revocation endpoint, code replay,
	// refresh-token reuse) and is not yet expired.
	Revoked bool `json:"revoked"`
	// Header is the decoded JOSE header.
	Header map[string]any `json:"header"`
	// Claims is the decoded claims set.
	Claims map[string]any `json:"claims"`
}

// tokenRing is a fixed-size ring of IssuedToken, guarded by Handler.mu.
type tokenRing struct {
	buf  [maxIssued]IssuedToken
	next int // index of the next write
	n    int // records held, at most maxIssued
}

// add stores t, overwriting the oldest record when full.
func (r *tokenRing) add(t IssuedToken) {
	r.buf[r.next] = t
	r.next = (r.next + 1) % maxIssued
	if r.n < maxIssued {
		r.n++
	}
}

// newestFirst returns copies of the records, newest first.
func (r *tokenRing) newestFirst() []IssuedToken {
	out := make([]IssuedToken, 0, r.n)
	for i := 1; i <= r.n; i++ {
		out = append(out, r.buf[(r.next-i+maxIssued)%maxIssued])
	}
	return out
}

// recordIssued decodes tok and adds it to the ring. A token that does not decode (some
// defects break the encoding on purpose) is kept with what could be read.
func (h *Handler) recordIssued(tok, source string, defect Defect, now time.Time) {
	t := IssuedToken{Source: source, Defect: defect, IssuedAt: now}
	t.Header, t.Claims = jwtrule.Peek(tok)
	h.recordToken(t)
}

// recordToken adds t to the ring, its jti and expiry read from its claims. The token
// endpoint hands over the header and claims it signed, so nothing is decoded on that path;
// the maps must not be changed afterwards.
func (h *Handler) recordToken(t IssuedToken) {
	if jti, ok := t.Claims["jti"].(string); ok {
		t.JTI = jti
	}
	if exp, ok := jwtrule.NumericDate(t.Claims["exp"]); ok {
		t.Expires = time.Unix(exp.Unix(), 0).UTC()
	}
	h.mu.Lock()
	h.issued.add(t)
	h.mu.Unlock()
}

// IssuedTokens returns the recently issued and minted access tokens (at most 100),
// decoded, newest first, with their revocation state now.
func (h *Handler) IssuedTokens() []IssuedToken {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := h.issued.newestFirst()
	for i := range out {
		if out[i].JTI != "" {
			_, out[i].Revoked = h.revoked[out[i].JTI]
		}
	}
	return out
}

// IssuedTokens returns the recently issued and minted access tokens; see Handler.IssuedTokens.
func (s *Server) IssuedTokens() []IssuedToken { return s.h.IssuedTokens() }
