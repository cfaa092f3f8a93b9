package mockas

// This file implements OAuth 2.0 Dynamic Client Registration (RFC 7591) at the paths a
// Scalekit environment uses: ENV/resource-server/oauth/register (Scalekit's guide),
// ENV/api/v1/resources/RES/clients:register (current) and ENV/resources/RES/client_register.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// registeredClient is a dynamically registered client: what mockas issued plus the
// registered metadata, each member held once (in memory and in its state file).
type registeredClient struct {
	// ID is the issued client_id.
	ID string `json:"client_id"`
	// Secret is the issued client_secret; empty for a public client.
	Secret string `json:"client_secret,omitempty"`
	// IssuedAt is client_id_issued_at (seconds since the epoch, instance clock).
	IssuedAt int64 `json:"client_id_issued_at"`
	registrationRequest
}

// client is the Client the token and authorization endpoints see.
func (rc *registeredClient) client() Client {
	return Client{
		ID: rc.ID, Secret: rc.Secret, Name: rc.ClientName, RedirectURIs: rc.RedirectURIs,
		GrantTypes: rc.GrantTypes, AuthMethod: rc.TokenEndpointAuthMethod,
	}
}

// validate checks a client read back from the state directory by the rules a
// registration must pass, so a hand-edited file cannot smuggle in what the endpoint
// refuses (a javascript: redirect URI, a public client with client_credentials…).
func (rc *registeredClient) validate(l Limits) error {
	if rc.ID == "" || strings.ContainsAny(rc.ID, `/\.`) {
		return fmt.Errorf("client_id %q is empty or not a plain identifier", rc.ID)
	}
	req := rc.registrationRequest
	if e := req.checkLimits(l); e != nil {
		return fmt.Errorf("client %s: %s", rc.ID, e.Description)
	}
	if e := req.normalize(); e != nil {
		return fmt.Errorf("client %s: %s", rc.ID, e.Description)
	}
	if (req.TokenEndpointAuthMethod == authNone) != (rc.Secret == "") {
		return fmt.Errorf("client %s: a client_secret goes with a confidential client, and only with one", rc.ID)
	}
	rc.registrationRequest = req // defaults applied, as at registration
	return nil
}

// registrationRequest is the RFC 7591 §2 client metadata mockas understands; unknown
// members are ignored.
//
// RFC 7591 §2: "The authorization server MUST ignore any client metadata sent by the client
// that it does not understand".
type registrationRequest struct {
	RedirectURIs            []string        `json:"redirect_uris,omitempty"`
	TokenEndpointAuthMethod string          `json:"token_endpoint_auth_method,omitempty"`
	GrantTypes              []string        `json:"grant_types,omitempty"`
	ResponseTypes           []string        `json:"response_types,omitempty"`
	ClientName              string          `json:"client_name,omitempty"`
	ClientURI               string          `json:"client_uri,omitempty"`
	LogoURI                 string          `json:"logo_uri,omitempty"`
	Scope                   string          `json:"scope,omitempty"`
	Contacts                []string        `json:"contacts,omitempty"`
	TOSURI                  string          `json:"tos_uri,omitempty"`
	PolicyURI               string          `json:"policy_uri,omitempty"`
	JWKSURI                 string          `json:"jwks_uri,omitempty"`
	JWKS                    json.RawMessage `json:"jwks,omitempty"`
	SoftwareID              string          `json:"software_id,omitempty"`
	SoftwareVersion         string          `json:"software_version,omitempty"`
	ApplicationType         string          `json:"application_type,omitempty"`
}

// parseRegistration decodes and validates a registration body, applying the RFC 7591 §2
// defaults and the size limits. It returns invalid_client_metadata or invalid_redirect_uri
// errors only.
//
// RFC 7591 §3.2.2: invalid_client_metadata: "The value of one of the client metadata
// fields is invalid and the server has rejected this request."
func parseRegistration(contentType string, body []byte, l Limits) (registrationRequest, *Error) {
	var req registrationRequest
	if len(body) > l.RegistrationBytes {
		return req, oauthErr(CodeInvalidClientMetadata, "the registration is %d bytes; this server accepts at most %d (limits.registration_bytes)", len(body), l.RegistrationBytes)
	}
	if contentType != "" {
		if mt := mediaType(contentType); mt != "application/json" && !strings.HasSuffix(mt, "+json") {
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
	if e := req.checkLimits(l); e != nil {
		return req, e
	}
	return req, req.normalize()
}

// checkLimits bounds every string and list a client can make mockas store.
func (r *registrationRequest) checkLimits(l Limits) *Error {
	if len(r.RedirectURIs) > l.RedirectURIs {
		return oauthErr(CodeInvalidClientMetadata, "%d redirect_uris; this server accepts at most %d (limits.redirect_uris)", len(r.RedirectURIs), l.RedirectURIs)
	}
	if len(r.Contacts) > l.RedirectURIs {
		return oauthErr(CodeInvalidClientMetadata, "%d contacts; this server accepts at most %d (limits.redirect_uris)", len(r.Contacts), l.RedirectURIs)
	}
	if n := len(r.GrantTypes) + len(r.ResponseTypes); n > 16 {
		return oauthErr(CodeInvalidClientMetadata, "%d grant and response types; mockas supports 4", n)
	}
	fields := map[string]string{
		"client_name": r.ClientName, "client_uri": r.ClientURI, "logo_uri": r.LogoURI, "scope": r.Scope,
		"tos_uri": r.TOSURI, "policy_uri": r.PolicyURI, "jwks_uri": r.JWKSURI, "software_id": r.SoftwareID,
		"software_version": r.SoftwareVersion, "application_type": r.ApplicationType,
		"token_endpoint_auth_method": r.TokenEndpointAuthMethod,
	}
	for name, v := range fields {
		if len(v) > l.FieldBytes {
			return oauthErr(CodeInvalidClientMetadata, "%s is %d bytes; this server accepts at most %d (limits.field_bytes)", name, len(v), l.FieldBytes)
		}
	}
	for name, list := range map[string][]string{"redirect_uris": r.RedirectURIs, "contacts": r.Contacts, "grant_types": r.GrantTypes, "response_types": r.ResponseTypes} {
		for i, v := range list {
			if len(v) > l.FieldBytes {
				return oauthErr(CodeInvalidClientMetadata, "%s[%d] is %d bytes; this server accepts at most %d (limits.field_bytes)", name, i, len(v), l.FieldBytes)
			}
		}
	}
	return nil
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

// serveRegister answers a registration request. The 201 is sent only once the client is
// on disk (with a state directory); a failed write is a 500 and registers nothing.
func (h *Handler) serveRegister(w http.ResponseWriter, r *http.Request, in *request) {
	req, e := parseRegistration(r.Header.Get("Content-Type"), in.body, h.cfg.Limits)
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
	rc := &registeredClient{ID: "m2m_" + randomDigits(17), IssuedAt: h.Now().Unix(), registrationRequest: req}
	// RFC 7591 §3.2.1: client_secret_expires_at is "REQUIRED if "client_secret" is issued";
	// 0 means it never expires. Public clients (none) get no secret.
	if req.TokenEndpointAuthMethod != authNone {
		rc.Secret = randomToken()
	}
	if e := h.register(rc); e != nil {
		h.audit("client_registration", false, slog.String("error", string(e.Code)), slog.String("error_description", e.Description))
		writeError(w, e, false)
		return
	}
	// Sizes, not contents: a client chooses these strings, and a log is no place for them.
	h.audit("client_registration", true, slog.String("client_id", rc.ID),
		slog.String("token_endpoint_auth_method", rc.TokenEndpointAuthMethod), slog.Int("grant_types", len(rc.GrantTypes)),
		slog.Int("redirect_uris", len(rc.RedirectURIs)), slog.Int("client_name_bytes", len(rc.ClientName)),
		slog.Int("request_bytes", len(in.body)))
	resp := rc.echo()
	resp["client_id"] = rc.ID
	resp["client_id_issued_at"] = rc.IssuedAt
	if rc.Secret != "" {
		resp["client_secret"] = rc.Secret
		resp["client_secret_expires_at"] = 0
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusCreated, resp)
}

// register stores rc: a slot under Limits.MaxClients is reserved, the client written to
// the state directory, and only then added to memory. Registrations write in parallel;
// Reset and Close wait for them.
func (h *Handler) register(rc *registeredClient) *Error {
	h.stateMu.RLock()
	defer h.stateMu.RUnlock()
	h.mu.Lock()
	if n := len(h.dynamic) + h.pending; n >= h.cfg.Limits.MaxClients {
		h.mu.Unlock()
		return oauthErr(CodeInvalidClientMetadata, "this server already holds %d registered clients, its limit (limits.max_clients); reset it or raise the limit", n)
	}
	h.pending++
	h.mu.Unlock()
	var err error
	if h.store != nil {
		err = h.store.writeClient(rc)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.pending--
	if err != nil {
		h.log.Error("state_write_failed", slog.String("event", "state_write_failed"), slog.String("error", err.Error()))
		return &Error{Code: CodeServerError, Description: "the client could not be saved: " + err.Error(), Status: http.StatusInternalServerError}
	}
	h.dynamic[rc.ID] = rc
	h.dynOrder = append(h.dynOrder, rc.ID)
	return nil
}
