package jwtrule

// RFC 7515 §7.1: "the JWS Compact Serialization [is] BASE64URL(UTF8(JWS Protected Header))
// || '.' || BASE64URL(JWS Payload) || '.' || BASE64URL(JWS Signature)"; RFC 7519 §7.2: "Let
// the Message be the result of base64url decoding the JWS Payload […] verify that the
// resulting octet sequence is a UTF-8-encoded representation of a completely valid JSON
// object".

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Token is a decoded, unverified JWS in compact serialization. Numbers in Header and Claims
// are json.Number, so integers keep their exact value and spelling.
type Token struct {
	Header    map[string]any // the JOSE header
	Claims    map[string]any // the JWT claims set
	Signature string         // the third segment as sent (base64url text, possibly "")
}

// ErrJWE is the cause of a FormatError for a five-segment token: RFC 7516 §7.1 "JWE Compact
// Serialization" has five segments, and a JWE cannot be read without the decryption key.
var ErrJWE = errors.New("an encrypted token (JWE) cannot be inspected without the decryption key")

// FormatError says why a string is not a JWS compact serialization holding JSON objects.
type FormatError struct {
	Part     string // "segments", "header" or "claims"
	Segments int    // how many dot-separated segments the string has
	Err      error  // the cause
}

// Error describes the failure, naming the part.
func (e *FormatError) Error() string {
	switch {
	case e.Part != "segments":
		return e.Part + ": " + e.Err.Error()
	case e.Segments == 5:
		return "5 segments: " + e.Err.Error()
	default:
		return fmt.Sprintf("%d segment(s), want 3 (header.claims.signature): %v", e.Segments, e.Err)
	}
}

// Unwrap returns the cause.
func (e *FormatError) Unwrap() error { return e.Err }

// Decode splits tok into its three segments and decodes the header and the claims. On a
// claims error the returned Token still holds the decoded header. The signature is not
// verified (see Verifier).
func Decode(tok string) (*Token, error) {
	parts := strings.Split(tok, ".")
	switch len(parts) {
	case 3:
	case 5:
		return nil, &FormatError{Part: "segments", Segments: 5, Err: ErrJWE}
	default:
		return nil, &FormatError{Part: "segments", Segments: len(parts), Err: errors.New("is this a JWT, or an opaque token?")}
	}
	t := &Token{Signature: parts[2]}
	var err error
	if t.Header, err = DecodeSegment(parts[0]); err != nil {
		return nil, &FormatError{Part: "header", Segments: 3, Err: err}
	}
	if t.Claims, err = DecodeSegment(parts[1]); err != nil {
		return t, &FormatError{Part: "claims", Segments: 3, Err: err}
	}
	return t, nil
}

// Peek decodes what it can of tok for display: the first segment as the header and the
// second as the claims, whatever the number of segments; either is nil when it does not
// decode. It never verifies anything: use it for tokens this process minted or records.
func Peek(tok string) (header, claims map[string]any) {
	parts := strings.Split(tok, ".")
	if len(parts) < 2 {
		return nil, nil
	}
	header, _ = DecodeSegment(parts[0])
	claims, _ = DecodeSegment(parts[1])
	return header, claims
}

// DecodeSegment decodes one base64url JWT segment holding a JSON object. RFC 7515 §2
// "Base64url Encoding": "with all trailing '=' characters omitted".
func DecodeSegment(seg string) (map[string]any, error) {
	data, err := base64.RawURLEncoding.DecodeString(seg)
	if err != nil {
		if _, perr := base64.URLEncoding.DecodeString(seg); perr == nil {
			return nil, errors.New("base64url with padding: JWTs use unpadded base64url (RFC 7515 §2)")
		}
		return nil, fmt.Errorf("not base64url: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("not JSON: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("trailing data after the JSON object")
	}
	switch v := v.(type) {
	case map[string]any:
		return v, nil
	case nil:
		return nil, errors.New("JSON null, not an object")
	case []any:
		return nil, errors.New("a JSON array, not an object")
	case string:
		return nil, errors.New("a JSON string, not an object")
	default: // json.Number or bool
		return nil, errors.New("a JSON number or boolean, not an object")
	}
}

// EncodeSegment is the inverse of DecodeSegment: base64url (unpadded) of the JSON of v.
func EncodeSegment(v any) (string, error) {
	b, err := AppendSegment(nil, v)
	if err != nil {
		return "", err
	}
	return string(b), nil
}
