package mockas

// This file implements the token endpoint (OAuth 2.1 §3.2, RFC 6749 §3.2 and §5) at
// ENV/oauth/token, its alias ENV/oauth2/token (used in Scalekit's guide) and
// ENV/resources/RES/oauth/token: request parsing, client authentication (RFC 6749 §2.3.1),
// rate limiting, and a plain switch on grant_type.

import (
	"context"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
)

// tokenRequest is a parsed token request.
type tokenRequest struct {
	GrantType    string
	Code         string
	RedirectURI  string
	CodeVerifier string
	RefreshToken string
	Scope        string
	ScopeGiven   bool
	Resources    []string
	Audiences    []string
	ClientID     string
	ClientSecret string
	// Basic is true when the client authenticated with the Authorization header.
	Basic bool
}

// tokenResponse is the OAuth 2.1 §3.2.3 success body.
type tokenResponse struct {
	AccessToken  string `json:"access_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int64  `json:"expires_in"`
	Scope        string `json:"scope,omitempty"`
	RefreshToken string `json:"refresh_token,omitempty"`
	IDToken      string `json:"id_token,omitempty"`
}

// repeatable are the token request parameters that may appear more than once.
var repeatable = map[string]bool{"resource": true, "audience": true}

// parseTokenForm parses a token request body and its Authorization header.
//
// OAuth 2.1 §3.2: the client sends parameters "using the application/x-www-form-urlencoded
// format"; "Request and response parameters MUST NOT be included more than once."
func parseTokenForm(header http.Header, body []byte) (tokenRequest, *Error) {
	var tr tokenRequest
	form, cr, e := parseAuthForm(header, body)
	tr.ClientID, tr.ClientSecret, tr.Basic = cr.id, cr.secret, cr.basic
	if e != nil {
		return tr, e
	}
	tr.GrantType = form.Get("grant_type")
	tr.Code = form.Get("code")
	tr.RedirectURI = form.Get("redirect_uri")
	tr.CodeVerifier = form.Get("code_verifier")
	tr.RefreshToken = form.Get("refresh_token")
	tr.Scope = form.Get("scope")
	_, tr.ScopeGiven = form["scope"]
	tr.Resources = form["resource"]
	for _, a := range form["audience"] {
		if a != "" {
			tr.Audiences = append(tr.Audiences, a)
		}
	}
	if tr.GrantType == "" {
		return tr, oauthErr(CodeInvalidRequest, "grant_type is required")
	}
	return tr, nil
}

// clientCreds are the credentials a request carries.
type clientCreds struct {
	id, secret string
	basic      bool
}

// parseAuthForm parses a form body (token, revocation, introspection) and the client
// credentials, from the Authorization header or the body.
//
// OAuth 2.1 §2.4: "The client MUST NOT use more than one authentication method in each
// request".
func parseAuthForm(header http.Header, body []byte) (url.Values, clientCreds, *Error) {
	var cr clientCreds
	if auth := header.Get("Authorization"); len(auth) > 6 && strings.EqualFold(auth[:6], "basic ") {
		cr.basic = true
		id, secret, e := parseBasic(strings.TrimSpace(auth[6:]))
		if e != nil {
			return nil, cr, e
		}
		cr.id, cr.secret = id, secret
	}
	if mediaType(header.Get("Content-Type")) != "application/x-www-form-urlencoded" {
		return nil, cr, oauthErr(CodeInvalidRequest, "content type must be application/x-www-form-urlencoded")
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, cr, oauthErr(CodeInvalidRequest, "malformed form body: %s", err.Error())
	}
	for k, v := range form {
		if len(v) > 1 && !repeatable[k] {
			return nil, cr, oauthErr(CodeInvalidRequest, "parameter %s is repeated", k)
		}
	}
	if cr.basic {
		if form.Has("client_secret") {
			return nil, cr, oauthErr(CodeInvalidRequest, "client authenticated with both the Authorization header and client_secret")
		}
		if id := form.Get("client_id"); id != "" && id != cr.id {
			return nil, cr, &Error{Code: CodeInvalidClient, Description: "client_id does not match the Authorization header"}
		}
	} else {
		cr.id, cr.secret = form.Get("client_id"), form.Get("client_secret")
	}
	return form, cr, nil
}

// parseBasic decodes HTTP Basic credentials.
//
// RFC 6749 §2.3.1: "The client identifier is encoded using the
// "application/x-www-form-urlencoded" encoding algorithm per Appendix B, and the encoded
// value is used as the username; the client password is encoded using the same algorithm
// and used as the password."
func parseBasic(cred string) (string, string, *Error) {
	bad := &Error{Code: CodeInvalidClient, Description: "malformed Basic credentials"}
	raw, err := base64.StdEncoding.DecodeString(cred)
	if err != nil {
		return "", "", bad
	}
	u, p, ok := strings.Cut(string(raw), ":")
	if !ok {
		return "", "", bad
	}
	id, err1 := url.QueryUnescape(u)
	secret, err2 := url.QueryUnescape(p)
	if err1 != nil || err2 != nil || id == "" {
		return "", "", bad
	}
	return id, secret, nil
}

// serveToken answers a token request.
func (h *Handler) serveToken(w http.ResponseWriter, r *http.Request, in *request) {
	tr, e := parseTokenForm(r.Header, in.body)
	scopes, _ := parseScope(tr.Scope)
	if e != nil {
		h.auditToken(tr.ClientID, tr.GrantType, scopes, "", e)
		writeError(w, e, tr.Basic)
		return
	}
	if ok, retry := h.allow(tr.ClientID, h.Now()); !ok {
		h.auditToken(tr.ClientID, tr.GrantType, scopes, "", &Error{Code: CodeRateLimitExceeded})
		writeRateLimited(w, retry)
		return
	}
	resp, jti, e := h.token(r.Context(), tr, in.res)
	h.auditToken(tr.ClientID, tr.GrantType, scopes, jti, e)
	if e != nil {
		writeError(w, e, tr.Basic)
		return
	}
	w.Header().Set("Cache-Control", "no-store") // OAuth 2.1 §3.2.3: MUST
	w.Header().Set("Pragma", "no-cache")
	writeJSON(w, http.StatusOK, resp)
}

// token authenticates the client and runs the grant.
func (h *Handler) token(ctx context.Context, tr tokenRequest, res string) (*tokenResponse, string, *Error) {
	c, e := h.authenticate(ctx, tr)
	if e != nil {
		return nil, "", e
	}
	switch tr.GrantType {
	case grantAuthorizationCode, grantClientCredentials, grantRefreshToken:
	default:
		return nil, "", oauthErr(CodeUnsupportedGrantType, "grant_type %q is not supported", tr.GrantType)
	}
	if !allowsGrant(c, tr.GrantType) {
		return nil, "", oauthErr(CodeUnauthorizedClient, "client %s may not use the %s grant", c.ID, tr.GrantType)
	}
	switch tr.GrantType {
	case grantAuthorizationCode:
		return h.grantCode(c, tr, res)
	case grantClientCredentials:
		return h.grantClientCredentials(c, tr, res)
	default:
		return h.grantRefresh(c, tr)
	}
}

// authenticate identifies and authenticates the client of a token request.
func (h *Handler) authenticate(ctx context.Context, tr tokenRequest) (Client, *Error) {
	return h.authenticateCreds(ctx, clientCreds{id: tr.ClientID, secret: tr.ClientSecret, basic: tr.Basic})
}

// authenticateCreds authenticates cr; a public client passes with its client_id alone.
//
// RFC 6749 §5.2 invalid_client: "Client authentication failed (e.g., unknown client, no
// client authentication included, or unsupported authentication method)."
func (h *Handler) authenticateCreds(ctx context.Context, cr clientCreds) (Client, *Error) {
	if cr.id == "" {
		return Client{}, &Error{Code: CodeInvalidClient, Description: "client_id is required"}
	}
	c, e := h.lookupClient(ctx, cr.id)
	if e != nil {
		return Client{}, &Error{Code: CodeInvalidClient, Description: e.Description}
	}
	if isPublic(c) {
		if cr.secret != "" {
			return Client{}, &Error{Code: CodeInvalidClient, Description: "public client " + c.ID + " must not send a client secret"}
		}
		return c, nil
	}
	if cr.secret == "" {
		return Client{}, &Error{Code: CodeInvalidClient, Description: "client authentication is required for confidential client " + c.ID}
	}
	if subtle.ConstantTimeCompare([]byte(cr.secret), []byte(c.Secret)) != 1 {
		return Client{}, &Error{Code: CodeInvalidClient, Description: "client authentication failed"}
	}
	switch {
	case c.AuthMethod == authSecretBasic && !cr.basic:
		return Client{}, &Error{Code: CodeInvalidClient, Description: "client " + c.ID + " is registered for client_secret_basic"}
	case c.AuthMethod == authSecretPost && cr.basic:
		return Client{}, &Error{Code: CodeInvalidClient, Description: "client " + c.ID + " is registered for client_secret_post"}
	}
	return c, nil
}
