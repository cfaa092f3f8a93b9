package mockas

// This file holds the signing keys: RSA keys used with RS256 (RFC 7518 §3.3), identified by
// Scalekit-style kids "snk_<digits>", plus key rotation and the unpublished-key mode of the
// control plane.

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"strconv"
	"strings"

	jose "github.com/go-jose/go-jose/v4"
)

// rsaKeyBits is the size of generated keys. RFC 7518 §3.3: "A key of size 2048 bits or
// larger MUST be used with these algorithms."
const rsaKeyBits = 2048

// signingKey is one RSA key with everything the hot path needs pre-computed.
type signingKey struct {
	kid  string
	priv *rsa.PrivateKey
	// jwk is the public JWK as published: use sig, kty RSA, kid, alg RS256, n, e.
	jwk jose.JSONWebKey
	// header is the base64url JOSE header {"alg":"RS256","kid":kid,"typ":"JWT"}.
	header string
}

// newSigningKey wraps priv under kid.
func newSigningKey(kid string, priv *rsa.PrivateKey) (*signingKey, error) {
	if priv.N.BitLen() < rsaKeyBits {
		return nil, fmt.Errorf("%w: RSA key of %d bits, RS256 needs at least %d", ErrUnsupportedKey, priv.N.BitLen(), rsaKeyBits)
	}
	priv.Precompute()
	h, err := json.Marshal(map[string]string{"alg": "RS256", "kid": kid, "typ": "JWT"})
	if err != nil {
		return nil, fmt.Errorf("encode header: %w", err)
	}
	return &signingKey{
		kid:    kid,
		priv:   priv,
		jwk:    jose.JSONWebKey{Key: &priv.PublicKey, KeyID: kid, Algorithm: "RS256", Use: "sig"},
		header: base64.RawURLEncoding.EncodeToString(h),
	}, nil
}

// generateSigningKey makes a fresh RSA key under a random kid.
func generateSigningKey() (*signingKey, error) {
	priv, err := rsa.GenerateKey(rand.Reader, rsaKeyBits)
	if err != nil {
		return nil, fmt.Errorf("generate RSA key: %w", err)
	}
	return newSigningKey(newKID(), priv)
}

// newKID returns a random "snk_<17 digits>".
func newKID() string { return "snk_" + randomDigits(17) }

// kidFor derives a stable "snk_<17 digits>" from the public key, so a configured key keeps
// its kid across restarts.
func kidFor(pub *rsa.PublicKey) string {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return newKID()
	}
	sum := sha256.Sum256(der)
	n := binary.BigEndian.Uint64(sum[:8])%9e16 + 1e16
	return "snk_" + strconv.FormatUint(n, 10)
}

// randomDigits returns n decimal digits from crypto/rand, the first one non-zero.
func randomDigits(n int) string {
	var b strings.Builder
	b.Grow(n)
	buf := make([]byte, n+16)
	for b.Len() < n {
		_, _ = rand.Read(buf) // crypto/rand.Read never returns an error (Go 1.24+).
		for _, c := range buf {
			if c >= 250 || (b.Len() == 0 && c%10 == 0) {
				continue // rejection sampling keeps digits uniform
			}
			b.WriteByte('0' + c%10)
			if b.Len() == n {
				break
			}
		}
	}
	return b.String()
}

// randomToken returns 32 random bytes, base64url-encoded.
func randomToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// parseSigningKey reads Config.SigningKey: a private JWK, or a PEM block holding a PKCS#1
// or PKCS#8 RSA private key.
func parseSigningKey(s string) (*signingKey, error) {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "{") {
		var jwk jose.JSONWebKey
		if err := jwk.UnmarshalJSON([]byte(s)); err != nil {
			return nil, fmt.Errorf("parse JWK: %w", err)
		}
		priv, ok := jwk.Key.(*rsa.PrivateKey)
		if !ok {
			return nil, fmt.Errorf("%w: JWK is %T, want an RSA private key", ErrUnsupportedKey, jwk.Key)
		}
		kid := jwk.KeyID
		if kid == "" {
			kid = kidFor(&priv.PublicKey)
		}
		return newSigningKey(kid, priv)
	}
	priv, err := parseRSAPrivatePEM([]byte(s))
	if err != nil {
		return nil, err
	}
	return newSigningKey(kidFor(&priv.PublicKey), priv)
}

// parseRSAPrivatePEM decodes a PKCS#1 ("RSA PRIVATE KEY") or PKCS#8 ("PRIVATE KEY") block.
func parseRSAPrivatePEM(b []byte) (*rsa.PrivateKey, error) {
	block, _ := pem.Decode(b)
	if block == nil {
		return nil, errors.New("signing key: neither a JWK nor a PEM block")
	}
	switch block.Type {
	case "RSA PRIVATE KEY":
		k, err := x509.ParsePKCS1PrivateKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("parse PKCS#1 key: %w", err)
		}
		return k, nil
	case "PRIVATE KEY":
		k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("parse PKCS#8 key: %w", err)
		}
		rk, ok := k.(*rsa.PrivateKey)
		if !ok {
			return nil, fmt.Errorf("%w: PKCS#8 key is %T, want RSA", ErrUnsupportedKey, k)
		}
		return rk, nil
	default:
		return nil, fmt.Errorf("%w: PEM block %q", ErrUnsupportedKey, block.Type)
	}
}

// keyring is the instance's key state. It is guarded by Handler.mu.
type keyring struct {
	// published keys, oldest first; they form the JWKS.
	published []*signingKey
	// active signs issued tokens; it is always in published.
	active *signingKey
	// unpublished, when non-nil, signs issued tokens instead of active (a key the JWKS
	// never lists, under a fresh snk_ kid).
	unpublished *signingKey
	// foreign is a cached key for the foreign_key and unknown_kid defects.
	foreign *signingKey
	// jwksJSON is the encoded JWKS, rebuilt whenever published changes.
	jwksJSON []byte
	// retired are the kids removed from the JWKS, the latest maxRetiredKIDs, for the dashboard.
	retired []string
}

// maxRetiredKIDs bounds keyring.retired.
const maxRetiredKIDs = 20

// signer returns the key issued tokens are signed with.
func (k *keyring) signer() *signingKey {
	if k.unpublished != nil {
		return k.unpublished
	}
	return k.active
}

// jwks returns the published key set.
func (k *keyring) jwks() jose.JSONWebKeySet {
	set := jose.JSONWebKeySet{Keys: make([]jose.JSONWebKey, 0, len(k.published))}
	for _, sk := range k.published {
		set.Keys = append(set.Keys, sk.jwk)
	}
	return set
}

// reencode rebuilds jwksJSON.
func (k *keyring) reencode() error {
	b, err := json.Marshal(k.jwks())
	if err != nil {
		return fmt.Errorf("encode JWKS: %w", err)
	}
	k.jwksJSON = b
	return nil
}

// add publishes sk and makes it active.
func (k *keyring) add(sk *signingKey) error {
	k.published = append(k.published, sk)
	k.active = sk
	return k.reencode()
}

// publishedKey returns the published key with kid, or nil.
func (k *keyring) publishedKey(kid string) *signingKey {
	for _, sk := range k.published {
		if sk.kid == kid {
			return sk
		}
	}
	return nil
}

// retire removes kid from the JWKS.
func (k *keyring) retire(kid string) error {
	if k.active != nil && k.active.kid == kid {
		return fmt.Errorf("%w: %s", ErrActiveKey, kid)
	}
	for i, sk := range k.published {
		if sk.kid == kid {
			k.published = append(k.published[:i:i], k.published[i+1:]...)
			k.retired = append(k.retired, kid)
			if len(k.retired) > maxRetiredKIDs {
				k.retired = append([]string(nil), k.retired[len(k.retired)-maxRetiredKIDs:]...)
			}
			return k.reencode()
		}
	}
	return fmt.Errorf("%w: %s", ErrUnknownKey, kid)
}
