package mockas

// This file crafts the token defects that need no authorization-server private key, from a
// published public JWK: unsigned tokens (RFC 7515 §4.1.1 / RFC 7518 §3.6 "none", which a
// resource server must never accept), HMAC key confusion (RFC 8725 §2.1 and §3.1: an HS256
// token MACed with the RSA public key in one of its common encodings), and tokens signed by
// a foreign key under the real or an unknown kid. It also builds the claims every minted
// token shares.

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"strings"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

// Values the defects put in place of the real ones.
const (
	// WrongIssuer is the iss of a DefectWrongIssuer token.
	WrongIssuer = "https://wrong-issuer.mockas.invalid"
	// WrongAudience is the aud of a DefectWrongAudience token.
	WrongAudience = "https://wrong-audience.mockas.invalid/mcp"
	// UnknownCriticalHeader is the header parameter a DefectCritUnknown token lists in crit.
	UnknownCriticalHeader = "urn:mockas:unknown-critical-extension"
	// defectSkew is how far in the past or future expired and not-yet-valid tokens are:
	// well beyond any validator's leeway (the Java SDK allows 30 s).
	defectSkew = time.Hour
)

// defectForgeable maps every known Defect to whether Forge can craft it without the AS
// private key. Written only at init.
var defectForgeable = map[Defect]bool{
	DefectNone: false, DefectExpired: false, DefectNotYetValid: false, DefectWrongIssuer: false,
	DefectWrongAudience: false, DefectNoAudience: false, DefectNoExpiry: false,
	DefectCritUnknown: false, DefectBadSignature: false, DefectTruncatedSignature: false,
	DefectForeignKey: true, DefectUnknownKID: true,
	DefectAlgNone: true, DefectAlgNoneCapitalized: true, DefectAlgNoneUpper: true,
	DefectAlgNoneMixed: true, DefectAlgNoneNoDot: true,
	DefectHS256JWK: true, DefectHS256SPKIPEM: true, DefectHS256SPKIPEMNoNewline: true,
	DefectHS256SPKIDER: true, DefectHS256PKCS1PEM: true, DefectHS256PKCS1DER: true,
}

// Defects returns every known Defect except DefectNone, in a stable order.
func Defects() []Defect {
	return []Defect{
		DefectExpired, DefectNotYetValid, DefectWrongIssuer, DefectWrongAudience,
		DefectNoAudience, DefectNoExpiry, DefectForeignKey, DefectUnknownKID,
		DefectAlgNone, DefectAlgNoneCapitalized, DefectAlgNoneUpper, DefectAlgNoneMixed,
		DefectAlgNoneNoDot, DefectHS256JWK, DefectHS256SPKIPEM, DefectHS256SPKIPEMNoNewline,
		DefectHS256SPKIDER, DefectHS256PKCS1PEM, DefectHS256PKCS1DER, DefectCritUnknown,
		DefectBadSignature, DefectTruncatedSignature,
	}
}

// Forgeable reports whether Forge can craft d from a public key alone.
func (d Defect) Forgeable() bool { return defectForgeable[d] }

// Known reports whether d is a Defect mockas implements.
func (d Defect) Known() bool {
	_, ok := defectForgeable[d]
	return ok
}

// Forge crafts a token with spec.Defect from key, a public JWK the target authorization
// server publishes, at time now. It handles the defects that need no AS private key (the
// alg none variants, the hs256_* key confusions, foreign_key carrying key.KeyID, and
// unknown_kid); for the others it returns an error wrapping ErrNeedsPrivateKey.
// spec.Issuer and spec.Audience are required; other zero fields default as in Mint
// (sub and client_id "mockas-test-client", lifetime 1h, typ "JWT").
func Forge(spec TokenSpec, key jose.JSONWebKey, now time.Time) (string, error) {
	if !spec.Defect.Known() {
		return "", fmt.Errorf("%w: %q", ErrUnknownDefect, spec.Defect)
	}
	if !spec.Defect.Forgeable() {
		return "", fmt.Errorf("%w: defect %q", ErrNeedsPrivateKey, spec.Defect)
	}
	if spec.Issuer == "" {
		return "", fmt.Errorf("%w: Forge needs spec.Issuer", ErrInvalidSpec)
	}
	if len(spec.Audience) == 0 {
		return "", fmt.Errorf("%w: Forge needs spec.Audience", ErrInvalidSpec)
	}
	spec = specDefaults(spec)
	lifetime := time.Duration(spec.Lifetime)
	if lifetime == 0 {
		lifetime = defaultAccessTokenLifetime
	}
	claims := specClaims(spec, now, lifetime)
	return forge(spec, claims, key, foreignSignerLike)
}

// specDefaults fills sub and client_id.
func specDefaults(spec TokenSpec) TokenSpec {
	switch {
	case spec.ClientID == "" && spec.Subject == "":
		spec.ClientID, spec.Subject = DefaultMintClientID, DefaultMintClientID
	case spec.ClientID == "":
		spec.ClientID = DefaultMintClientID
	case spec.Subject == "":
		spec.Subject = spec.ClientID
	}
	return spec
}

// specClaims builds the claims of spec (iss and aud already defaulted) with the claim
// defects applied, then spec.Claims, then spec.RemoveClaims.
func specClaims(spec TokenSpec, now time.Time, lifetime time.Duration) map[string]any {
	iat := now.Unix()
	exp := now.Add(lifetime).Unix()
	c := map[string]any{
		"iss": spec.Issuer, "sub": spec.Subject, "client_id": spec.ClientID,
		"jti": newJTI(), "iat": iat, "nbf": iat, "exp": exp,
	}
	aud := append([]string(nil), spec.Audience...)
	switch spec.Defect {
	case DefectExpired:
		exp = now.Add(-defectSkew).Unix()
		c["exp"], c["iat"], c["nbf"] = exp, exp-int64(lifetime/time.Second), exp-int64(lifetime/time.Second)
	case DefectNotYetValid:
		nbf := now.Add(defectSkew).Unix()
		c["iat"], c["nbf"], c["exp"] = nbf, nbf, nbf+int64(lifetime/time.Second)
	case DefectWrongIssuer:
		c["iss"] = WrongIssuer
	case DefectWrongAudience:
		aud = []string{WrongAudience}
	case DefectNoExpiry:
		delete(c, "exp")
	}
	if spec.Defect != DefectNoAudience {
		if spec.AudienceAsString && len(aud) == 1 {
			c["aud"] = aud[0]
		} else {
			c["aud"] = aud
		}
	}
	if len(spec.Scopes) > 0 {
		c["scope"] = strings.Join(spec.Scopes, " ")
		c["scopes"] = append([]string(nil), spec.Scopes...)
	}
	for k, v := range spec.Claims {
		c[k] = v
	}
	for _, k := range spec.RemoveClaims {
		delete(c, k)
	}
	return c
}

// newJTI returns a Scalekit-style token id "tkn_<17 digits>".
func newJTI() string { return "tkn_" + randomDigits(17) }

// specHeader is the JOSE header without alg: kid plus typ ("-" leaves typ out).
func specHeader(spec TokenSpec, kid string) map[string]any {
	h := map[string]any{"kid": kid}
	switch spec.Type {
	case "":
		h["typ"] = "JWT"
	case "-":
	default:
		h["typ"] = spec.Type
	}
	return h
}

// foreignFunc returns a signer with a key the target never published, of the same kind as pub.
type foreignFunc func(pub jose.JSONWebKey) (jwsSigner, error)

// forge crafts a forgeable defect over claims.
func forge(spec TokenSpec, claims map[string]any, pub jose.JSONWebKey, foreign foreignFunc) (string, error) {
	header := specHeader(spec, pub.KeyID)
	switch spec.Defect {
	case DefectAlgNone, DefectAlgNoneCapitalized, DefectAlgNoneUpper, DefectAlgNoneMixed, DefectAlgNoneNoDot:
		return unsigned(spec.Defect, header, claims)
	case DefectForeignKey, DefectUnknownKID:
		s, err := foreign(pub)
		if err != nil {
			return "", err
		}
		if spec.Defect == DefectUnknownKID {
			header["kid"] = unknownKID(pub.KeyID)
		}
		return signCompact(header, claims, s)
	default:
		secret, err := keyConfusionSecret(spec.Defect, pub)
		if err != nil {
			return "", err
		}
		return signCompact(header, claims, hmacSigner{key: secret})
	}
}

// unsigned builds an alg "none" token (RFC 7519 §6.1: "the JWS Signature is the empty
// octet sequence"), with the alg casing of the defect.
func unsigned(d Defect, header, claims map[string]any) (string, error) {
	alg := map[Defect]string{
		DefectAlgNone: "none", DefectAlgNoneNoDot: "none", DefectAlgNoneCapitalized: "None",
		DefectAlgNoneUpper: "NONE", DefectAlgNoneMixed: "nOnE",
	}[d]
	header["alg"] = alg
	input, err := signingInput(header, claims)
	if err != nil {
		return "", err
	}
	if d == DefectAlgNoneNoDot {
		return input, nil
	}
	return input + ".", nil
}

// unknownKID returns a well-formed snk_ kid different from kid.
func unknownKID(kid string) string {
	for {
		if k := newKID(); k != kid {
			return k
		}
	}
}

// keyConfusionSecret is the public key in the encoding the hs256_* defect names.
func keyConfusionSecret(d Defect, pub jose.JSONWebKey) ([]byte, error) {
	pk := pub.Public()
	if pk.Key == nil {
		return nil, fmt.Errorf("%w: key %q has no public part", ErrUnsupportedKey, pub.KeyID)
	}
	switch d {
	case DefectHS256JWK:
		b, err := pk.MarshalJSON()
		if err != nil {
			return nil, fmt.Errorf("encode JWK: %w", err)
		}
		return b, nil
	case DefectHS256SPKIPEM, DefectHS256SPKIPEMNoNewline, DefectHS256SPKIDER:
		der, err := x509.MarshalPKIXPublicKey(pk.Key)
		if err != nil {
			return nil, fmt.Errorf("%w: SPKI: %w", ErrUnsupportedKey, err)
		}
		if d == DefectHS256SPKIDER {
			return der, nil
		}
		p := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
		if d == DefectHS256SPKIPEMNoNewline {
			p = []byte(strings.TrimRight(string(p), "\n"))
		}
		return p, nil
	case DefectHS256PKCS1PEM, DefectHS256PKCS1DER:
		rk, ok := pk.Key.(*rsa.PublicKey)
		if !ok {
			return nil, fmt.Errorf("%w: PKCS#1 needs an RSA key, got %T", ErrUnsupportedKey, pk.Key)
		}
		der := x509.MarshalPKCS1PublicKey(rk)
		if d == DefectHS256PKCS1DER {
			return der, nil
		}
		return pem.EncodeToMemory(&pem.Block{Type: "RSA PUBLIC KEY", Bytes: der}), nil
	}
	return nil, fmt.Errorf("%w: %q", ErrUnknownDefect, d)
}

// foreignSignerLike generates a fresh key of the same kind as pub and signs with the
// algorithm pub advertises (RS256 by default for RSA).
func foreignSignerLike(pub jose.JSONWebKey) (jwsSigner, error) {
	switch k := pub.Public().Key.(type) {
	case *rsa.PublicKey:
		priv, err := rsa.GenerateKey(rand.Reader, max(k.N.BitLen(), rsaKeyBits))
		if err != nil {
			return nil, fmt.Errorf("generate foreign RSA key: %w", err)
		}
		alg := "RS256"
		if pub.Algorithm == "RS384" || pub.Algorithm == "RS512" {
			alg = pub.Algorithm
		}
		return rsaSigner{priv: priv, name: alg}, nil
	case *ecdsa.PublicKey:
		alg := map[elliptic.Curve]string{elliptic.P256(): "ES256", elliptic.P384(): "ES384", elliptic.P521(): "ES512"}[k.Curve]
		if alg == "" {
			return nil, fmt.Errorf("%w: curve %s", ErrUnsupportedKey, k.Curve.Params().Name)
		}
		priv, err := ecdsa.GenerateKey(k.Curve, rand.Reader)
		if err != nil {
			return nil, fmt.Errorf("generate foreign EC key: %w", err)
		}
		return ecSigner{priv: priv, name: alg}, nil
	default:
		return nil, fmt.Errorf("%w: %T", ErrUnsupportedKey, pub.Key)
	}
}
