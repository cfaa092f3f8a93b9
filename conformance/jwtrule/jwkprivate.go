package jwtrule

// RFC 7517 §7: "Access to JWKs containing non-public key material by parties without
// legitimate access to the non-public information MUST be prevented." RFC 7517 §9.2:
// "Private and symmetric keys must be protected from disclosure to unintended parties."
// The members that carry such material are RFC 7518 §6.2.2 (EC: "d"), §6.3.2 (RSA: "d", "p",
// "q", "dp", "dq", "qi", "oth"), §6.4.1 (symmetric: "k") and RFC 8037 §2 (OKP: "d"). A
// jwks_uri document is public (RFC 8414 §2: "The referenced document contains the signing
// key(s) the client uses to validate signatures"), so any of them there is a leak: whoever
// reads it can sign tokens every resource server trusting the issuer accepts.

import (
	"encoding/json"
	"fmt"
)

// PrivateJWKMembers are the JWK members that carry private or symmetric key material.
func PrivateJWKMembers() []string { return []string{"d", "p", "q", "dp", "dq", "qi", "oth", "k"} }

// LeakedKey is a key of a JWK Set that carries non-public key material.
type LeakedKey struct {
	Index   int      // position in the keys array
	Kid     string   // its kid, or ""
	Kty     string   // its kty
	Members []string // the private members present, in PrivateJWKMembers order
}

// String is "keys[0] (kid \"k1\", kty RSA): d, p, q".
func (l LeakedKey) String() string {
	s := fmt.Sprintf("keys[%d] (kid %q, kty %s): ", l.Index, l.Kid, l.Kty)
	for i, m := range l.Members {
		if i > 0 {
			s += ", "
		}
		s += m
	}
	return s
}

// PrivateKeys returns the keys of the JWK Set document doc that carry private or symmetric
// key material. It reads the raw members, so it also finds keys a JWK library would reject
// (a "p" without "d") or silently turn into private keys.
func PrivateKeys(doc []byte) ([]LeakedKey, error) {
	var set struct {
		Keys []map[string]json.RawMessage `json:"keys"`
	}
	if err := json.Unmarshal(doc, &set); err != nil {
		return nil, fmt.Errorf("not a JWK Set: %w", err)
	}
	var out []LeakedKey
	for i, k := range set.Keys {
		var members []string
		for _, m := range PrivateJWKMembers() {
			if _, ok := k[m]; ok {
				members = append(members, m)
			}
		}
		if len(members) == 0 {
			continue
		}
		l := LeakedKey{Index: i, Members: members}
		_ = json.Unmarshal(k["kid"], &l.Kid) // a missing or odd kid stays ""
		_ = json.Unmarshal(k["kty"], &l.Kty)
		out = append(out, l)
	}
	return out, nil
}
