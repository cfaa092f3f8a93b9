package mockas

// This file issues OpenID Connect ID tokens (OpenID Connect Core 1.0 §2, §3.1.3.6) when a
// user grant includes the openid scope: signed RS256, aud = client_id, nonce echoed, with
// the user's sub, email and name.

import (
	"crypto/sha256"
	"time"
)

// idToken signs an ID token for user.
func (h *Handler) idToken(clientID string, user User, iss, sid, nonce string, authTime time.Time, accessToken string, now time.Time) (string, error) {
	c := map[string]any{
		"iss": iss, "sub": user.Subject, "aud": clientID, "azp": clientID,
		"iat": now.Unix(), "exp": now.Add(time.Duration(h.cfg.Lifetimes.IDToken)).Unix(),
		"auth_time": authTime.Unix(), "at_hash": atHash(accessToken),
	}
	// OIDC Core §3.1.2.1 nonce: "The value is passed through unmodified from the
	// Authentication Request to the ID Token."
	if nonce != "" {
		c["nonce"] = nonce
	}
	if sid != "" {
		c["sid"] = sid
	}
	if user.Email != "" {
		c["email"] = user.Email
		c["email_verified"] = true
	}
	if user.Name != "" {
		c["name"] = user.Name
	}
	for k, v := range user.Claims {
		if _, taken := c[k]; !taken {
			c[k] = v
		}
	}
	h.mu.Lock()
	sk := h.keys.signer()
	h.mu.Unlock()
	return h.signers.do(func() (string, error) { return signWithKey(sk, c) })
}

// atHash is OIDC Core §3.1.3.6: "Its value is the base64url encoding of the left-most half
// of the hash of the octets of the ASCII representation of the access_token value".
func atHash(accessToken string) string {
	sum := sha256.Sum256([]byte(accessToken))
	return b64(sum[:len(sum)/2])
}
