package mockas

// This file implements the OAuth 2.0 error model: RFC 6749 §5.2 (token endpoint errors),
// §4.1.2.1 (authorization endpoint errors), RFC 6750 §3.1 (bearer token errors),
// RFC 7591 §3.2.2 (registration errors), RFC 8707 §2 (invalid_target) and RFC 7009 §2.2.1,
// plus the sentinel errors of the Go API.

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
)

// ErrorCode is an OAuth 2.0 error code, the exact string sent in the "error" member.
type ErrorCode string

// Error codes. The strings are those of the RFCs named on each constant.
const (
	// CodeInvalidRequest is RFC 6749 §5.2 "invalid_request".
	CodeInvalidRequest ErrorCode = "invalid_request"
	// CodeInvalidClient is RFC 6749 §5.2 "invalid_client".
	CodeInvalidClient ErrorCode = "invalid_client"
	// CodeInvalidGrant is RFC 6749 §5.2 "invalid_grant".
	CodeInvalidGrant ErrorCode = "invalid_grant"
	// CodeUnauthorizedClient is RFC 6749 §5.2 "unauthorized_client".
	CodeUnauthorizedClient ErrorCode = "unauthorized_client"
	// CodeUnsupportedGrantType is RFC 6749 §5.2 "unsupported_grant_type".
	CodeUnsupportedGrantType ErrorCode = "unsupported_grant_type"
	// CodeInvalidScope is RFC 6749 §5.2 "invalid_scope".
	CodeInvalidScope ErrorCode = "invalid_scope"
	// CodeAccessDenied is RFC 6749 §4.1.2.1 "access_denied".
	CodeAccessDenied ErrorCode = "access_denied"
	// CodeUnsupportedResponseType is RFC 6749 §4.1.2.1 "unsupported_response_type".
	CodeUnsupportedResponseType ErrorCode = "unsupported_response_type"
	// CodeServerError is RFC 6749 §4.1.2.1 "server_error".
	CodeServerError ErrorCode = "server_error"
	// CodeTemporarilyUnavailable is RFC 6749 §4.1.2.1 "temporarily_unavailable".
	CodeTemporarilyUnavailable ErrorCode = "temporarily_unavailable"
	// CodeInvalidTarget is RFC 8707 §2 "invalid_target".
	CodeInvalidTarget ErrorCode = "invalid_target"
	// CodeInvalidToken is RFC 6750 §3.1 "invalid_token".
	CodeInvalidToken ErrorCode = "invalid_token"
	// CodeInsufficientScope is RFC 6750 §3.1 "insufficient_scope".
	CodeInsufficientScope ErrorCode = "insufficient_scope"
	// CodeUnsupportedTokenType is RFC 7009 §2.2.1 "unsupported_token_type".
	CodeUnsupportedTokenType ErrorCode = "unsupported_token_type"
	// CodeInvalidRedirectURI is RFC 7591 §3.2.2 "invalid_redirect_uri".
	CodeInvalidRedirectURI ErrorCode = "invalid_redirect_uri"
	// CodeInvalidClientMetadata is RFC 7591 §3.2.2 "invalid_client_metadata".
	CodeInvalidClientMetadata ErrorCode = "invalid_client_metadata"
	// CodeInvalidClientMetadataURL is Scalekit's error for a client ID metadata document
	// URL that cannot be resolved or is invalid.
	CodeInvalidClientMetadataURL ErrorCode = "invalid_client_metadata_url"
	// CodeRateLimitExceeded is the error sent with 429 by the token endpoint's rate limiter.
	CodeRateLimitExceeded ErrorCode = "rate_limit_exceeded"
	// CodeNotFound is sent by mockas for an unknown resource in a resource-scoped path.
	CodeNotFound ErrorCode = "not_found"
)

// Error is an OAuth 2.0 error response (RFC 6749 §5.2): the JSON body and the HTTP status.
// Use errors.As to read it; errors.Is matches any *Error with the same Code.
type Error struct {
	// Code is the "error" member. REQUIRED.
	Code ErrorCode `json:"error"`
	// Description is the "error_description" member. OPTIONAL.
	Description string `json:"error_description,omitempty"`
	// URI is the "error_uri" member. OPTIONAL.
	URI string `json:"error_uri,omitempty"`
	// Status is the HTTP status code sent with the body; 0 means 400.
	Status int `json:"-"`
}

// Error formats the error as "code: description".
func (e *Error) Error() string {
	if e.Description == "" {
		return "mockas: " + string(e.Code)
	}
	return "mockas: " + string(e.Code) + ": " + e.Description
}

// Is reports whether target is an *Error with the same Code.
func (e *Error) Is(target error) bool {
	var t *Error
	if !errors.As(target, &t) {
		return false
	}
	return t.Code == e.Code
}

// HTTPStatus returns the status the error is sent with.
func (e *Error) HTTPStatus() int {
	if e.Status == 0 {
		return http.StatusBadRequest
	}
	return e.Status
}

// oauthErr builds an *Error with status 400 and a formatted description.
func oauthErr(code ErrorCode, format string, args ...any) *Error {
	return &Error{Code: code, Description: fmt.Sprintf(format, args...), Status: http.StatusBadRequest}
}

// Sentinel errors returned by the Go API. Callers branch on them with errors.Is.
var (
	// ErrIssuerRequired is returned by NewHandler when Config.Issuer is empty.
	ErrIssuerRequired = errors.New("mockas: issuer is required for NewHandler")
	// ErrInvalidConfig wraps every problem Config.Validate finds.
	ErrInvalidConfig = errors.New("mockas: invalid config")
	// ErrNeedsPrivateKey is returned by Forge for a defect that needs the AS private key.
	ErrNeedsPrivateKey = errors.New("mockas: defect needs the authorization server's private key")
	// ErrUnknownDefect is returned for a Defect value mockas does not know.
	ErrUnknownDefect = errors.New("mockas: unknown defect")
	// ErrUnsupportedKey is returned when a key's type does not allow the requested operation.
	ErrUnsupportedKey = errors.New("mockas: unsupported key")
	// ErrUnknownKey is returned by RetireKey for a kid the instance does not hold.
	ErrUnknownKey = errors.New("mockas: unknown key id")
	// ErrActiveKey is returned by RetireKey for the key currently used to sign.
	ErrActiveKey = errors.New("mockas: cannot retire the active signing key; rotate first")
	// ErrInvalidSpec is returned by Mint and Forge for a TokenSpec they cannot honour.
	ErrInvalidSpec = errors.New("mockas: invalid token spec")
	// ErrState is returned when the state directory cannot be read or written.
	ErrState = errors.New("mockas: state directory")
	// ErrStateLocked is returned by NewHandler when another process (or Handler) owns the
	// state directory; the message names its pid and address. It wraps ErrState.
	ErrStateLocked = fmt.Errorf("%w is locked", ErrState)
	// ErrClosed is returned by operations that must persist a change after Handler.Close
	// released the state directory.
	ErrClosed = errors.New("mockas: handler closed; its state directory is released")
)

// writeJSON writes v as a JSON body with the given status. Encoding errors cannot happen
// for the types mockas writes; if one does, the client gets a 500 with an OAuth body.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		b = []byte(`{"error":"server_error","error_description":"response encoding failed"}`)
	}
	writeRawJSON(w, status, b)
}

// writeRawJSON writes pre-encoded JSON.
func writeRawJSON(w http.ResponseWriter, status int, b []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// writeError writes e as an RFC 6749 §5.2 body. basic says the client authenticated with
// the Authorization header.
//
// RFC 6749 §5.2: "If the client attempted to authenticate via the "Authorization" request
// header field, the authorization server MUST respond with an HTTP 401 (Unauthorized)
// status code and include the "WWW-Authenticate" response header field matching the
// authentication scheme used by the client."
func writeError(w http.ResponseWriter, e *Error, basic bool) {
	status := e.HTTPStatus()
	if e.Code == CodeInvalidClient && basic {
		status = http.StatusUnauthorized
		w.Header().Set("WWW-Authenticate", `Basic realm="mockas", error="invalid_client"`)
	}
	if sw, ok := w.(*statusWriter); ok {
		sw.errCode = string(e.Code)
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, status, e)
}
