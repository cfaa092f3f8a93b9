package mockas

// This file implements Proof Key for Code Exchange (RFC 7636) as OAuth 2.1 §4.1.1 requires
// it: S256 only, mandatory for every client.

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
)

// checkChallenge validates the authorization request's code_challenge and method.
//
// OAuth 2.1 §4.1.2.1: the authorization server "MUST reject requests without a
// code_challenge from public clients"; mockas requires it from every client, as MCP does.
// OAuth 2.1 §4.1.1: code_challenge_method "Defaults to plain if not present in the
// request"; mockas supports only S256, so an absent or plain method is invalid_request.
func checkChallenge(challenge, method string) *Error {
	if challenge == "" {
		return oauthErr(CodeInvalidRequest, "code_challenge is required (PKCE)")
	}
	if method != "S256" {
		if method == "" {
			method = "plain"
		}
		return oauthErr(CodeInvalidRequest, "code_challenge_method %q is not supported; use S256", method)
	}
	// BASE64URL(SHA256(verifier)) is 43 characters of the base64url alphabet.
	if len(challenge) != 43 || !isBase64URL(challenge) {
		return oauthErr(CodeInvalidRequest, "code_challenge is not a base64url SHA-256 digest")
	}
	return nil
}

// checkVerifier checks code_verifier against the S256 challenge stored with the code.
//
// RFC 7636 §4.1: code-verifier = 43*128unreserved; unreserved = ALPHA / DIGIT / "-" / "." /
// "_" / "~". RFC 7636 §4.6: "If the values are not equal, an error response indicating
// "invalid_grant" as described in Section 5.2 of [RFC6749] MUST be returned."
func checkVerifier(verifier, challenge string) *Error {
	if verifier == "" {
		return oauthErr(CodeInvalidGrant, "code_verifier is required: the authorization request had a code_challenge")
	}
	if len(verifier) < 43 || len(verifier) > 128 || !isUnreserved(verifier) {
		return oauthErr(CodeInvalidRequest, "code_verifier must be 43 to 128 unreserved characters")
	}
	sum := sha256.Sum256([]byte(verifier))
	got := base64.RawURLEncoding.EncodeToString(sum[:])
	if subtle.ConstantTimeCompare([]byte(got), []byte(challenge)) != 1 {
		return oauthErr(CodeInvalidGrant, "code_verifier does not match the code_challenge")
	}
	return nil
}

// S256Challenge returns BASE64URL-ENCODE(SHA256(ASCII(verifier))) (RFC 7636 §4.2), for
// tests and clients that drive the authorize endpoint by hand.
func S256Challenge(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// isBase64URL reports whether s uses only the base64url alphabet.
func isBase64URL(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// isUnreserved reports whether s uses only RFC 3986 unreserved characters.
func isUnreserved(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~') {
			return false
		}
	}
	return true
}
