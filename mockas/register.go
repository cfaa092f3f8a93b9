package mockas

// This file implements OAuth 2.0 Dynamic Client Registration (RFC 7591) at the paths a
// Scalekit environment uses: ENV/resource-server/oauth/register (Scalekit's guide),
// ENV/api/v1/resources/RES/clients:register (current) and ENV/resources/RES/client_register.

import (
	"bytes"
	"encoding/json"
	"errors"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// registeredClient is a dynamically registered client and the metadata echoed for it.
type registeredClient struct {
	Client
	// IssuedAt is client_id_issued_at (seconds since the epoch, instance clock).
	IssuedAt int64 `json:"client_id_issued_at"`
	// Metadata is the registered metadata as returned in the registration response.
	Metadata map[string]any `json:"metadata"`
}

// registrationRequest is the RFC 7591 §2 client metadata mockas understands; unknown
// members are ignored.
//
// RFC 7591 §2: "The authorization server MUST ignore any client metadata sent by the client
// that it does not understand".
type registrationRequest struct {
	RedirectURIs            []string        `json:"redirect_uris"`
	TokenEndpointAuthMethod string          `json:"token_endpoint_auth_method"`
	GrantTypes              []string        `json:"grant_types"`
	ResponseTypes           []string        `json:"response_types"`
	ClientName              string          `json:"client_name"`
	ClientURI               string          `json:"client_uri"`
	LogoURI                 string          `json:"logo_uri"`
	Scope                   string          `json:"scope"`
	Contacts                []string        `json:"contacts"`
	TOSURI                  string          `json:"tos_uri"`
	PolicyURI               string          `json:"policy_uri"`
	JWKSURI                 string          `json:"jwks_uri"`
	JWKS                    json.RawMessage `json:"jwks"`
	SoftwareID              string          `json:"software_id"`
	SoftwareVersion         string          `json:"software_version"`
	ApplicationType         string          `json:"application_type"`
}

// parseRegistration decodes and validates a registration body, applying the RFC 7591 §2
// defaults. It returns invalid_client_metadata or invalid_redirect_uri errors only.
func parseRegistration(contentType string, body []byte) (registrationRequest, *Error) {
	var req registrationRequest
	if contentType != "" {
		mt, _, err := mime.ParseMediaType(contentType)
		if err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
			return req, oauthErr(CodeInvalidClientMetadata, "content type must be application/json")
		}
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&req); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field == "" {
			return req, oauthErr(CodeInvalidClientMetadata, "body must be a JSON object, got %s", te.Value)
		}
		if errors.As(err, &te) {
			return req, oauthErr(CodeInvalidClientMetadata, "%s: wrong JSON type %s", te.Field, te.Value)
		}
		return req, oauthErr(CodeInvalidClientMetadata, "malformed JSON: %s", err.Error())
	}
	if dec.More() {
		return req, oauthErr(CodeInvalidClientMetadata, "malformed JSON: trailing data after the object")
	}
	return req, req.normalize()
}

// normalize applies defaults and checks consistency.
func (r *registrationRequest) normalize() *Error {
	// RFC 7591 §2: token_endpoint_auth_method "If unspecified or omitted, the default is
	// "client_secret_basic""; grant_types default "authorization_code"; response_types
	// default "code".
	if r.TokenEndpointAuthMethod == "" {
		r.TokenEndpointAuthMethod = authSecretBasic
	}
	if len(r.GrantTypes) == 0 {
		r.GrantTypes = []string{grantAuthorizationCode}
	}
	if len(r.ResponseTypes) == 0 && slices.Contains(r.GrantTypes, grantAuthorizationCode) {
		r.ResponseTypes = []string{"code"}
	}
	switch r.TokenEndpointAuthMethod {
	case authNone, authSecretBasic, authSecretPost:
	default:
		return oauthErr(CodeInvalidClientMetadata, "token_endpoint_auth_method %q is not supported", r.TokenEndpointAuthMethod)
	}
	for _, g := range r.GrantTypes {
		switch g {
		case grantAuthorizationCode, grantRefreshToken:
		case grantClientCredentials:
			if r.TokenEndpointAuthMethod == authNone {
				return oauthErr(CodeInvalidClientMetadata, "client_credentials needs a confidential client, not token_endpoint_auth_method none")
			}
		default:
			return oauthErr(CodeInvalidClientMetadata, "grant type %q is not supported", g)
		}
	}
	for _, rt := range r.ResponseTypes {
		if rt != "code" {
			return oauthErr(CodeInvalidClientMetadata, "response type %q is not supported", rt)
		}
	}
	// RFC 7591 §2.1: authorization_code goes with response type code, and back.
	if slices.Contains(r.GrantTypes, grantAuthorizationCode) != slices.Contains(r.ResponseTypes, "code") {
		return oauthErr(CodeInvalidClientMetadata, "grant_types authorization_code and response_types code must go together")
	}
	if slices.Contains(r.GrantTypes, grantAuthorizationCode) && len(r.RedirectURIs) == 0 {
		return oauthErr(CodeInvalidRedirectURI, "redirect_uris is required for the authorization_code grant")
	}
	for _, u := range r.RedirectURIs {
		if e := checkRedirectURI(u); e != nil {
			return e
		}
	}
	return r.checkOther()
}

// checkOther checks the informational members.
func (r *registrationRequest) checkOther() *Error {
	for name, v := range map[string]string{"client_uri": r.ClientURI, "logo_uri": r.LogoURI, "tos_uri": r.TOSURI, "policy_uri": r.PolicyURI, "jwks_uri": r.JWKSURI} {
		if v == "" {
			continue
		}
		if u, err := url.Parse(v); err != nil || !u.IsAbs() || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
			return oauthErr(CodeInvalidClientMetadata, "%s %q is not an http(s) URL", name, v)
		}
	}
	// RFC 7591 §2: "The "jwks_uri" and "jwks" parameters MUST NOT both be present in the
	// same request or response."
	if r.JWKSURI != "" && len(r.JWKS) > 0 && string(r.JWKS) != "null" {
		return oauthErr(CodeInvalidClientMetadata, "jwks_uri and jwks must not both be present")
	}
	if len(r.JWKS) > 0 && string(r.JWKS) != "null" && (r.JWKS[0] != '{') {
		return oauthErr(CodeInvalidClientMetadata, "jwks must be a JSON object")
	}
	if r.Scope != "" {
		if _, e := parseScope(r.Scope); e != nil {
			return oauthErr(CodeInvalidClientMetadata, "%s", e.Description)
		}
	}
	switch r.ApplicationType {
	case "", "web", "native":
	default:
		return oauthErr(CodeInvalidClientMetadata, "application_type %q is neither web nor native", r.ApplicationType)
	}
	return nil
}

// echo is the registered metadata as returned (RFC 7591 §3.2.1: "the authorization server
// MUST return all registered metadata about the client").
func (r *registrationRequest) echo() map[string]any {
	m := map[string]any{
		"redirect_uris": nonNil(r.RedirectURIs), "token_endpoint_auth_method": r.TokenEndpointAuthMethod,
		"grant_types": r.GrantTypes, "response_types": nonNil(r.ResponseTypes),
	}
	for k, v := range map[string]string{
		"client_name": r.ClientName, "client_uri": r.ClientURI, "logo_uri": r.LogoURI, "scope": r.Scope,
		"tos_uri": r.TOSURI, "policy_uri": r.PolicyURI, "jwks_uri": r.JWKSURI, "software_id": r.SoftwareID,
		"software_version": r.SoftwareVersion, "application_type": r.ApplicationType,
	} {
		if v != "" {
			m[k] = v
		}
	}
	if len(r.Contacts) > 0 {
		m["contacts"] = r.Contacts
	}
	if len(r.JWKS) > 0 && string(r.JWKS) != "null" {
		m["jwks"] = r.JWKS
	}
	return m
}

// serveRegister answers a registration request.
func (h *Handler) serveRegister(w http.ResponseWriter, r *http.Request, in *request) {
	req, e := parseRegistration(r.Header.Get("Content-Type"), in.body)
	if e != nil {
		h.audit("client_registration", false, slog.String("error", string(e.Code)), slog.String("error_description", e.Description))
		writeError(w, e, false)
		return
	}
	// The registered scope is echoed but not enforced as an allow-list. RFC 7591 §2 makes it
	// the list "that the client can use when requesting access tokens", and MCP's step-up
	// flow (2025-11-25 authorization §10.1.2) has a registered client re-authorize with the
	// scopes a 403 challenge names, which are rarely those it registered with. Pre-registered
	// clients (Config.Clients) keep their Scopes allow-list.
	now := h.Now()
	rc := &registeredClient{
		Client: Client{
			ID: "m2m_" + randomDigits(17), Name: req.ClientName, RedirectURIs: req.RedirectURIs,
			GrantTypes: req.GrantTypes, AuthMethod: req.TokenEndpointAuthMethod,
		},
		IssuedAt: now.Unix(),
		Metadata: req.echo(),
	}
	resp := map[string]any{}
	for k, v := range rc.Metadata {
		resp[k] = v
	}
	resp["client_id"] = rc.ID
	resp["client_id_issued_at"] = rc.IssuedAt
	// RFC 7591 §3.2.1: client_secret_expires_at is "REQUIRED if "client_secret" is issued";
	// 0 means it never expires. Public clients (none) get no secret.
	if req.TokenEndpointAuthMethod != authNone {
		rc.Secret = randomToken()
		resp["client_secret"] = rc.Secret
		resp["client_secret_expires_at"] = 0
	}
	h.mu.Lock()
	h.dynamic[rc.ID] = rc
	h.dynOrder = append(h.dynOrder, rc.ID)
	err := h.saveClientsLocked()
	h.mu.Unlock()
	if err != nil {
		h.log.Error("state_write_failed", slog.String("event", "state_write_failed"), slog.String("error", err.Error()))
	}
	h.audit("client_registration", true, slog.String("client_id", rc.ID), slog.String("client_name", rc.Name),
		slog.String("token_endpoint_auth_method", rc.AuthMethod), slog.Any("grant_types", rc.GrantTypes),
		slog.Any("redirect_uris", rc.RedirectURIs))
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusCreated, resp)
}
