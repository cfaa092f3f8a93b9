package mockas

// This file implements JWS Compact Serialization (RFC 7515 §7.1) for the JWTs mockas issues
// (RFC 7519, RFC 9068 shape as Scalekit emits it), and the verification of mockas's own
// tokens for introspection, userinfo, revocation and logout.

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"hash"

	jose "github.com/go-jose/go-jose/v4"

	"github.com/mcp-conform/mcp-conform/conformance/jwtrule"
)

// jwsSigner produces a JWS signature over the signing input.
type jwsSigner interface {
	alg() string
	sign(input []byte) ([]byte, error)
}

// rsaSigner signs with RSASSA-PKCS1-v1_5 (RFC 7518 §3.3).
type rsaSigner struct {
	priv *rsa.PrivateKey
	name string // RS256, RS384 or RS512
}

func (s rsaSigner) alg() string { return s.name }

func (s rsaSigner) sign(input []byte) ([]byte, error) {
	h, hf := hashFor(s.name)
	h.Write(input)
	sig, err := rsa.SignPKCS1v15(rand.Reader, s.priv, hf, h.Sum(nil))
	if err != nil {
		return nil, fmt.Errorf("RSA sign: %w", err)
	}
	return sig, nil
}

// ecSigner signs with ECDSA (RFC 7518 §3.4): R and S, each left-padded to the curve size.
type ecSigner struct {
	priv *ecdsa.PrivateKey
	name string // ES256, ES384 or ES512
}

func (s ecSigner) alg() string { return s.name }

func (s ecSigner) sign(input []byte) ([]byte, error) {
	h, _ := hashFor(s.name)
	h.Write(input)
	r, ss, err := ecdsa.Sign(rand.Reader, s.priv, h.Sum(nil))
	if err != nil {
		return nil, fmt.Errorf("ECDSA sign: %w", err)
	}
	size := (s.priv.Curve.Params().BitSize + 7) / 8
	out := make([]byte, 2*size)
	r.FillBytes(out[:size])
	ss.FillBytes(out[size:])
	return out, nil
}

// hmacSigner MACs with HMAC-SHA-256 (RFC 7518 §3.2).
type hmacSigner struct{ key []byte }

func (hmacSigner) alg() string { return "HS256" }

func (s hmacSigner) sign(input []byte) ([]byte, error) {
	m := hmac.New(sha256.New, s.key)
	m.Write(input)
	return m.Sum(nil), nil
}

// hashFor maps a JWS alg to its hash.
func hashFor(alg string) (hash.Hash, crypto.Hash) {
	switch alg[len(alg)-3:] {
	case "384":
		return sha512.New384(), crypto.SHA384
	case "512":
		return sha512.New(), crypto.SHA512
	default:
		return sha256.New(), crypto.SHA256
	}
}

// b64 is base64url without padding (RFC 7515 §2 "Base64url Encoding").
func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// signingInput returns the JWS Signing Input, BASE64URL(header) "." BASE64URL(payload)
// (RFC 7515 §5.1 step 8).
func signingInput(header, claims map[string]any) (string, error) {
	h, err := jwtrule.EncodeSegment(header)
	if err != nil {
		return "", err
	}
	p, err := jwtrule.EncodeSegment(claims)
	if err != nil {
		return "", err
	}
	return h + "." + p, nil
}

// signCompact builds header.payload.signature with s; header "alg" is set from s.
func signCompact(header, claims map[string]any, s jwsSigner) (string, error) {
	header["alg"] = s.alg()
	input, err := signingInput(header, claims)
	if err != nil {
		return "", err
	}
	sig, err := s.sign([]byte(input))
	if err != nil {
		return "", err
	}
	return input + "." + b64(sig), nil
}

// signWithKey is the hot path for issued tokens: the pre-encoded header of sk and RS256.
// The token is built in one buffer: header, payload, then the signature over the first two
// (RFC 7515 §5.1).
func signWithKey(sk *signingKey, claims map[string]any) (string, error) {
	buf := make([]byte, 0, 1024)
	buf = append(buf, sk.header...)
	buf = append(buf, '.')
	buf, err := jwtrule.AppendSegment(buf, claims)
	if err != nil {
		return "", err
	}
	sig, err := rsaSigner{priv: sk.priv, name: "RS256"}.sign(buf)
	if err != nil {
		return "", err
	}
	buf = append(buf, '.')
	return string(base64.RawURLEncoding.AppendEncode(buf, sig)), nil
}

// tokenClaims are the claims mockas reads back from its own tokens.
type tokenClaims struct {
	Issuer    string           `json:"iss"`
	Subject   string           `json:"sub"`
	Audience  jwtrule.Audience `json:"aud"`
	ClientID  string           `json:"client_id"`
	ID        string           `json:"jti"`
	Expiry    *int64           `json:"exp"`
	NotBefore *int64           `json:"nbf"`
	IssuedAt  *int64           `json:"iat"`
	Scope     string           `json:"scope"`
	Session   string           `json:"sid"`
	Nonce     string           `json:"nonce"`
}

// errTokenInvalid is the cause for any token mockas did not issue or no longer honours.
var errTokenInvalid = errors.New("token is not valid")

// verifyJWT checks token's RS256 signature against one of keys (by kid, which it must carry)
// and decodes its claims. It does not check times, issuer or revocation.
func verifyJWT(token string, keys []*signingKey) (tokenClaims, error) {
	var tc tokenClaims
	set := &jose.JSONWebKeySet{Keys: make([]jose.JSONWebKey, len(keys))}
	for i, sk := range keys {
		set.Keys[i] = sk.jwk
	}
	v := jwtrule.Verifier{Keys: set, Algorithms: []jose.SignatureAlgorithm{jose.RS256}, RequireKid: true}
	_, payload, err := v.Verify(token)
	if err != nil {
		return tc, fmt.Errorf("%w: %w", errTokenInvalid, err)
	}
	if err := json.Unmarshal(payload, &tc); err != nil {
		return tc, fmt.Errorf("%w: claims: %w", errTokenInvalid, err)
	}
	return tc, nil
}
