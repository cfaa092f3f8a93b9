package mockas

// This file declares TokenSpec and Defect: a token described as data, with at most one
// deliberate defect. The Go API (Server.Mint, Handler.Mint, Forge) and the control plane
// (POST /_mockas/mint) take the same JSON.

// Defect names one deliberate flaw in a minted token. The string values are stable: they are
// part of the control-plane API and of mcp-conform's reports.
type Defect string

// Defects. Each one breaks exactly one property of an otherwise valid token.
const (
	// DefectNone mints a valid token.
	DefectNone Defect = ""
	// DefectExpired sets exp in the past (RFC 7519 §4.1.4), iat and nbf before it.
	DefectExpired Defect = "expired"
	// DefectNotYetValid sets nbf (and iat) in the future (RFC 7519 §4.1.5).
	DefectNotYetValid Defect = "not_yet_valid"
	// DefectWrongIssuer sets iss to an issuer that is not this authorization server.
	DefectWrongIssuer Defect = "wrong_issuer"
	// DefectWrongAudience sets aud to a resource that is not the intended one.
	DefectWrongAudience Defect = "wrong_audience"
	// DefectNoAudience removes aud.
	DefectNoAudience Defect = "no_audience"
	// DefectNoExpiry removes exp.
	DefectNoExpiry Defect = "no_expiry"
	// DefectForeignKey signs with a key the AS never published while carrying the real kid.
	DefectForeignKey Defect = "foreign_key"
	// DefectUnknownKID signs with a key the AS never published under a kid it never published.
	DefectUnknownKID Defect = "unknown_kid"
	// DefectAlgNone is an unsigned token, header alg "none", empty signature segment.
	DefectAlgNone Defect = "alg_none"
	// DefectAlgNoneCapitalized uses alg "None".
	DefectAlgNoneCapitalized Defect = "alg_none_capitalized"
	// DefectAlgNoneUpper uses alg "NONE".
	DefectAlgNoneUpper Defect = "alg_none_upper"
	// DefectAlgNoneMixed uses alg "nOnE".
	DefectAlgNoneMixed Defect = "alg_none_mixed"
	// DefectAlgNoneNoDot is alg "none" with the signature segment and its dot removed.
	DefectAlgNoneNoDot Defect = "alg_none_no_dot"
	// DefectHS256JWK is HS256 MACed with the AS public key's JWK JSON as the secret.
	DefectHS256JWK Defect = "hs256_jwk"
	// DefectHS256SPKIPEM is HS256 MACed with the public key as SPKI PEM (trailing newline).
	DefectHS256SPKIPEM Defect = "hs256_spki_pem"
	// DefectHS256SPKIPEMNoNewline is HS256 MACed with the SPKI PEM without its trailing newline.
	DefectHS256SPKIPEMNoNewline Defect = "hs256_spki_pem_no_newline"
	// DefectHS256SPKIDER is HS256 MACed with the SPKI DER bytes.
	DefectHS256SPKIDER Defect = "hs256_spki_der"
	// DefectHS256PKCS1PEM is HS256 MACed with the PKCS#1 PEM of the RSA public key.
	DefectHS256PKCS1PEM Defect = "hs256_pkcs1_pem"
	// DefectHS256PKCS1DER is HS256 MACed with the PKCS#1 DER of the RSA public key.
	DefectHS256PKCS1DER Defect = "hs256_pkcs1_der"
	// DefectCritUnknown is validly signed but lists an unknown extension in crit (RFC 7515 §4.1.11).
	DefectCritUnknown Defect = "crit_unknown"
	// DefectBadSignature is a valid token whose payload was altered after signing (RFC 7515 §5.2).
	DefectBadSignature Defect = "bad_signature"
	// DefectTruncatedSignature is a valid token whose signature segment was cut short.
	DefectTruncatedSignature Defect = "truncated_signature"
)

// TokenSpec describes an access token to mint. Zero fields take the server's defaults.
type TokenSpec struct {
	// Subject is the sub claim; default: the client ID (client credentials shape).
	Subject string `json:"sub,omitempty" yaml:"sub,omitempty"`
	// ClientID is the client_id claim; default "mockas-test-client".
	ClientID string `json:"client_id,omitempty" yaml:"client_id,omitempty"`
	// Audience is the aud claim, always emitted as an array; default: the default resource ID.
	Audience []string `json:"aud,omitempty" yaml:"aud,omitempty"`
	// AudienceAsString emits aud as a single string (RFC 7519 allows it; Scalekit never does).
	AudienceAsString bool `json:"aud_as_string,omitempty" yaml:"aud_as_string,omitempty"`
	// Scopes go into both scope (space-delimited) and scopes (array).
	Scopes []string `json:"scopes,omitempty" yaml:"scopes,omitempty"`
	// Lifetime is exp - iat; default: the configured access-token lifetime.
	Lifetime Duration `json:"lifetime,omitempty" yaml:"lifetime,omitempty"`
	// Issuer overrides iss; default: the server's token issuer.
	Issuer string `json:"iss,omitempty" yaml:"iss,omitempty"`
	// Type is the JOSE header typ; default "JWT" (what Scalekit emits).
	Type string `json:"typ,omitempty" yaml:"typ,omitempty"`
	// Claims are extra claims, set last (they may override standard ones).
	Claims map[string]any `json:"claims,omitempty" yaml:"claims,omitempty"`
	// RemoveClaims are deleted after everything else is set.
	RemoveClaims []string `json:"remove_claims,omitempty" yaml:"remove_claims,omitempty"`
	// Defect is at most one deliberate flaw.
	Defect Defect `json:"defect,omitempty" yaml:"defect,omitempty"`
	// KeyID signs the token with the published key of this kid instead of the active one
	// (e.g. a key added with PublishKey, which nothing else signs with). Unknown: an error.
	KeyID string `json:"kid,omitempty" yaml:"kid,omitempty"`
}
