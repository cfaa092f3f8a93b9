package jwtrule

// RFC 9068 §4: "The issuer identifier for the authorization server (which is typically
// obtained during discovery) MUST exactly match the value of the "iss" claim." RFC 7519
// §4.1.1: "The "iss" value is a case-sensitive string". Scalekit (scalekit-profile.md §6)
// also issues tokens whose iss is a resource-scoped issuer, the environment URL followed by
// /resources/<resource id>.

import (
	"errors"
	"fmt"
	"strings"
)

// Why iss is refused.
var (
	ErrIssuerMissing        = errors.New("iss missing")
	ErrIssuerMismatch       = errors.New("iss is another issuer")
	ErrResourceScopedIssuer = errors.New("iss is a resource-scoped issuer of the environment")
)

// ResourceScopedIssuer reports whether iss is a Scalekit resource-scoped issuer of the
// environment env: env (without a trailing "/") followed by "/resources/".
func ResourceScopedIssuer(iss, env string) bool {
	return strings.HasPrefix(iss, strings.TrimRight(env, "/")+"/resources/")
}

// CheckIssuer compares iss with the trusted issuer want, exactly. A resource-scoped issuer of
// want is an error wrapping ErrResourceScopedIssuer (a validator configured with the
// environment URL refuses it; mockas, which issues both, accepts it explicitly).
func CheckIssuer(iss, want string) error {
	switch {
	case iss == "":
		return ErrIssuerMissing
	case iss == want:
		return nil
	case ResourceScopedIssuer(iss, want):
		return fmt.Errorf("%q: %w %s", iss, ErrResourceScopedIssuer, want)
	default:
		return fmt.Errorf("%q, want %q: %w", iss, want, ErrIssuerMismatch)
	}
}
