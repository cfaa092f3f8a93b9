package jwtrule

// The JOSE header parameters a validator must not be tricked by. RFC 7515 §4.1.11 "crit":
// "If any of the listed extension Header Parameters are not understood and supported by the
// recipient, then the JWS is invalid." RFC 8725 §3.10 and RFC 9068 §4: the resource server
// "MUST validate the signature of all incoming JWT access tokens according to [RFC7515]
// using the algorithm specified in the JWT "alg" Header Parameter" with the keys the
// authorization server provides, so keys the token names itself (jwk, jku, x5u, x5c) are
// ignored. RFC 9068 §2.1: "Resource servers MUST verify that the "typ" header value is
// "at+jwt" or "application/at+jwt" and reject tokens carrying any other value" — Scalekit
// issues typ JWT, which its SDKs accept.

import "strings"

// EmbeddedKeyParams returns the header parameters of h that name or carry a key (jwk, jku,
// x5u, x5c), in that order.
func EmbeddedKeyParams(h map[string]any) []string {
	var out []string
	for _, name := range []string{"jwk", "jku", "x5u", "x5c"} {
		if _, ok := h[name]; ok {
			out = append(out, name)
		}
	}
	return out
}

// AccessTokenTyp reports whether typ is a type an access token may carry: absent, JWT (as
// Scalekit issues), at+jwt or application/at+jwt (RFC 9068 §2.1), case-insensitively.
func AccessTokenTyp(typ string) bool {
	for _, ok := range []string{"", "JWT", "at+jwt", "application/at+jwt"} {
		if strings.EqualFold(typ, ok) {
			return true
		}
	}
	return false
}
