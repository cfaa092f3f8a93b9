package jwtrule

// RFC 9068 §4: "Resource servers […] MUST validate the signature of all incoming JWT access
// tokens according to [RFC7515] using the algorithm specified in the JWT "alg" Header
// Parameter. The resource server MUST reject any JWT in which the value of "alg" is "none".
// The resource server MUST use the keys provided by the authorization server." RFC 7515
// §4.1.4 "kid": "The "kid" (key ID) Header Parameter is a hint indicating which key was used
// to secure the JWS." RFC 7517 §4.4: "When "kid" values are used within a JWK Set, different
// keys within the JWK Set SHOULD use distinct "kid" values."

import (
	"errors"
	"fmt"

	"github.com/go-jose/go-jose/v4"
)

// Why a signature is refused.
var (
	ErrMalformedJWS = errors.New("the JWS does not parse")
	ErrUnknownKid   = errors.New("kid is not in the key set")
	ErrBadSignature = errors.New("the signature does not verify")
)

// Verifier verifies compact JWS signatures with the keys of a JWK Set, using go-jose.
type Verifier struct {
	// Keys is the key set the authorization server published.
	Keys *jose.JSONWebKeySet
	// Algorithms is the allow-list; nil means Algorithms().
	Algorithms []jose.SignatureAlgorithm
	// RequireKid refuses a token without kid (as Scalekit's SDKs do); otherwise every key is
	// tried, as a lenient validator would.
	RequireKid bool
}

// Candidates returns the keys a validator tries for kid: those named kid, or every key
// when kid is "" and RequireKid is off.
func (v Verifier) Candidates(kid string) []jose.JSONWebKey {
	if v.Keys == nil {
		return nil
	}
	if kid == "" && !v.RequireKid {
		return v.Keys.Keys
	}
	return v.Keys.Key(kid)
}

// Verify verifies tok and returns the key that verified it and the payload. Errors wrap
// ErrMalformedJWS, ErrUnknownKid or ErrBadSignature (with the last key's failure). A key
// whose alg member differs from the token's alg is not used (RFC 8725 §3.1: "each key MUST
// be used with exactly one algorithm").
func (v Verifier) Verify(tok string) (jose.JSONWebKey, []byte, error) {
	algs := v.Algorithms
	if algs == nil {
		algs = Algorithms()
	}
	jws, err := jose.ParseSignedCompact(tok, algs)
	if err != nil {
		return jose.JSONWebKey{}, nil, fmt.Errorf("%w: %w", ErrMalformedJWS, err)
	}
	if len(jws.Signatures) != 1 {
		return jose.JSONWebKey{}, nil, fmt.Errorf("%w: want one signature", ErrMalformedJWS)
	}
	h := jws.Signatures[0].Header
	candidates := v.Candidates(h.KeyID)
	if len(candidates) == 0 {
		return jose.JSONWebKey{}, nil, fmt.Errorf("%w: %q", ErrUnknownKid, h.KeyID)
	}
	verr := errors.New("no usable public key")
	for _, k := range candidates {
		pub := k.Public()
		if !pub.Valid() {
			continue
		}
		if k.Algorithm != "" && k.Algorithm != h.Algorithm {
			verr = fmt.Errorf("key %q is for alg %s, the token says %s", k.KeyID, k.Algorithm, h.Algorithm)
			continue
		}
		payload, err := jws.Verify(pub)
		if err == nil {
			return k, payload, nil
		}
		verr = err
	}
	return jose.JSONWebKey{}, nil, fmt.Errorf("%w: %w", ErrBadSignature, verr)
}
