package jwtrule

// RFC 7519 §4.1.4 "exp": "the current date/time MUST be before the expiration date/time
// listed in the "exp" claim. Implementers MAY provide for some small leeway, usually no more
// than a few minutes, to account for clock skew." §4.1.5 "nbf": "the current date/time MUST
// be after or equal to the not-before date/time listed in the "nbf" claim", with the same
// leeway. §4.1.6 "iat" "identifies the time at which the JWT was issued": one in the future
// means the issuer's clock is ahead.

import (
	"errors"
	"time"
)

// Why a token is outside its validity window.
var (
	ErrExpired     = errors.New("token expired")
	ErrNotYetValid = errors.New("token not valid yet")
)

// CheckExpiry returns ErrExpired unless now is before exp plus skew.
func CheckExpiry(now, exp time.Time, skew time.Duration) error {
	if !now.Before(exp.Add(skew)) {
		return ErrExpired
	}
	return nil
}

// CheckNotBefore returns ErrNotYetValid when now plus skew is before nbf.
func CheckNotBefore(now, nbf time.Time, skew time.Duration) error {
	if now.Add(skew).Before(nbf) {
		return ErrNotYetValid
	}
	return nil
}

// IssuedInFuture returns how far iat lies in the future beyond skew; ok is false when it
// does not.
func IssuedInFuture(now, iat time.Time, skew time.Duration) (ahead time.Duration, ok bool) {
	if d := iat.Sub(now); d > skew {
		return d, true
	}
	return 0, false
}
