// Package jwtrule holds the JWT access-token rules of this module, one place per rule: how a
// JWS Compact Serialization is decoded (compact.go, RFC 7515), how its claims are read
// (claims.go, RFC 7519), the algorithm allow-list (alg.go, RFC 8725), the header parameters a
// validator must distrust (header.go), iss (issuer.go), aud and Scalekit's res_… audience
// (audience.go, RFC 9068 §4), exp/nbf/iat with a clock skew (time.go), the scope claims
// (scope.go), signature verification with the key a JWK Set names by kid (jwks.go) and the
// rule that a published JWK Set holds no private key material (jwkprivate.go, RFC 7517 §7).
//
// "mcp-conform token inspect", the checks (conformance/check, scenarios) and mockas (its
// introspection, userinfo, revocation and its ring of issued tokens) all read tokens through
// it, so a rule fixed here is fixed everywhere. Decoding is hand-written because its errors
// are the product (which segment, padded base64url, a JWE, trailing data); signatures are
// verified by github.com/go-jose/go-jose/v4. The package imports nothing else, so mockas,
// which anyone may import into their tests, can use it.
package jwtrule
