package jwtrule

// RFC 8725 §3.1: "Libraries MUST enable the caller to specify a supported set of algorithms
// and MUST NOT use any other algorithms when performing cryptographic operations. […] each
// key MUST be used with exactly one algorithm, and this MUST be checked when the
// cryptographic operation is performed." RFC 9068 §2.1: "JWT access tokens MUST NOT use
// "none" as the signing algorithm." RFC 8725 §2.1 describes the key-confusion attack an
// HMAC alg enables against a validator holding an RSA public key.

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/go-jose/go-jose/v4"
)

// Algorithms returns the signature allow-list: what Scalekit signs with (RS256) and the one
// other asymmetric algorithm MCP resource servers commonly accept. "none" and the HMAC
// algorithms are never in it.
func Algorithms() []jose.SignatureAlgorithm { return []jose.SignatureAlgorithm{jose.RS256, jose.ES256} }

// Why an alg is refused.
var (
	ErrAlgNone       = errors.New("an unsigned token; a resource server must never accept it (RFC 8725 §3.1)")
	ErrAlgHMAC       = errors.New("HMAC; verifying it with the issuer's public key is the key-confusion attack (RFC 8725 §2.1)")
	ErrAlgNotAllowed = errors.New("not in the allow-list")
)

// CheckAlg returns nil when alg is in allowed, else an error wrapping ErrAlgNone, ErrAlgHMAC
// or ErrAlgNotAllowed.
func CheckAlg(alg string, allowed []jose.SignatureAlgorithm) error {
	switch {
	case slices.Contains(allowed, jose.SignatureAlgorithm(alg)):
		return nil
	case strings.EqualFold(alg, "none"):
		return fmt.Errorf("%q: %w", alg, ErrAlgNone)
	case strings.HasPrefix(strings.ToUpper(alg), "HS"):
		return fmt.Errorf("%s: %w", alg, ErrAlgHMAC)
	default:
		return fmt.Errorf("%q is %w %s", alg, ErrAlgNotAllowed, AlgList(allowed))
	}
}

// AlgList renders algorithms as "RS256, ES256".
func AlgList(algs []jose.SignatureAlgorithm) string {
	s := make([]string, len(algs))
	for i, a := range algs {
		s[i] = string(a)
	}
	return strings.Join(s, ", ")
}
