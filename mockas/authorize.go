package mockas

// This file implements the authorization endpoint (OAuth 2.1 §4.1.1-§4.1.2, RFC 6749 §4.1)
// at ENV/oauth/authorize and ENV/resources/RES/oauth/authorize. It is headless: a valid
// request is approved at once as the default user (or the configured user named by
// login_hint) and answered 302 with code, state and iss (RFC 9207).

import (
	"context"
	"html"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// authCode is an issued authorization code and what it is bound to.
type authCode struct {
	clientID      string
	redirectURI   string
	redirectGiven bool
	challenge     string
	scopes        []string
	resources     []string
	res           string // resource id of the route ("" for the environment route)
	sub           string
	nonce         string
	authTime      time.Time
	expires       time.Time
	used          bool
	familyID      string
}

// authzRequest is a parsed authorization request after client and redirect checks.
type authzRequest struct {
	client   Client
	redirect string
	given    bool
	state    string
	iss      string
	params   url.Values
}

// serveAuthorize answers an authorization request.
func (h *Handler) serveAuthorize(w http.ResponseWriter, r *http.Request, in *request) {
	params := r.URL.Query()
	if r.Method == http.MethodPost {
		form, err := url.ParseQuery(string(in.body))
		if err != nil {
			writeErrorPage(w, oauthErr(CodeInvalidRequest, "malformed form body"))
			return
		}
		params = form
	}
	if h.cfg.LoginPage && r.Method == http.MethodPost && params.Has(consentField) {
		h.serveConsent(w, r, params, in.res)
		return
	}
	ar, e := h.authzTarget(r.Context(), params, in.res)
	if e != nil {
		h.audit("oauth_authorize", false, slog.String("client_id", params.Get("client_id")), slog.String("error", string(e.Code)))
		writeErrorPage(w, e)
		return
	}
	if h.cfg.LoginPage {
		h.serveLogin(w, r, ar, in.res)
		return
	}
	code, scopes, e := h.approve(ar, in.res)
	if e != nil {
		h.audit("oauth_authorize", false, slog.String("client_id", ar.client.ID), slog.String("error", string(e.Code)), slog.String("error_description", e.Description))
		redirectWith(w, r, ar, url.Values{"error": {string(e.Code)}, "error_description": {e.Description}}, string(e.Code))
		return
	}
	h.audit("oauth_authorize", true, slog.String("client_id", ar.client.ID), slog.Any("requested_scopes", nonNil(scopes)))
	redirectWith(w, r, ar, url.Values{"code": {code}}, "")
}

// authzTarget resolves the client and redirect URI. Errors here are shown as a page.
//
// OAuth 2.1 §4.1.2.1: "If the request fails due to a missing, invalid, or mismatching
// redirect URI, or if the client identifier is missing or invalid, the authorization
// server SHOULD inform the resource owner of the error and MUST NOT automatically redirect
// the user agent to the invalid redirect URI."
func (h *Handler) authzTarget(ctx context.Context, p url.Values, res string) (*authzRequest, *Error) {
	for _, k := range []string{"client_id", "redirect_uri"} {
		if len(p[k]) > 1 {
			return nil, oauthErr(CodeInvalidRequest, "%s is repeated", k)
		}
	}
	id := p.Get("client_id")
	if id == "" {
		return nil, oauthErr(CodeInvalidRequest, "client_id is required")
	}
	c, e := h.lookupClient(ctx, id)
	if e != nil {
		return nil, e
	}
	ar := &authzRequest{client: c, redirect: p.Get("redirect_uri"), state: p.Get("state"), iss: h.routeIssuer(res), params: p}
	switch {
	case ar.redirect == "" && len(c.RedirectURIs) == 1:
		ar.redirect = c.RedirectURIs[0]
	case ar.redirect == "":
		return nil, oauthErr(CodeInvalidRequest, "redirect_uri is required")
	// OAuth 2.1 §4.1.1: "The authorization server MUST compare the two URIs using simple
	// string comparison as defined in [RFC3986], Section 6.2.1."
	case !slices.Contains(c.RedirectURIs, ar.redirect):
		return nil, oauthErr(CodeInvalidRequest, "redirect_uri %q is not registered for client %s", ar.redirect, c.ID)
	default:
		ar.given = true
	}
	return ar, nil
}

// checkedAuthz is an authorization request that passed every check.
type checkedAuthz struct {
	scopes    []string
	resources []string
}

// approve checks the rest of the request and issues a code for the approving user.
func (h *Handler) approve(ar *authzRequest, res string) (string, []string, *Error) {
	ca, e := h.checkAuthz(ar)
	if e != nil {
		return "", nil, e
	}
	code := h.issueCode(ar, ca, res, h.approvingUser(ar.params.Get("login_hint")).Subject, ca.scopes)
	return code, ca.scopes, nil
}

// checkAuthz checks everything after the client and redirect URI: the checks that make a
// request fit to be approved, by the headless path or on the login page.
func (h *Handler) checkAuthz(ar *authzRequest) (*checkedAuthz, *Error) {
	p := ar.params
	for k, v := range p {
		// OAuth 2.1 §3.1: "Request and response parameters MUST NOT be included more than
		// once." RFC 8707 §2 lets resource repeat.
		if len(v) > 1 && k != "resource" {
			return nil, oauthErr(CodeInvalidRequest, "parameter %s is repeated", k)
		}
	}
	switch rt := p.Get("response_type"); rt {
	case "code":
	case "":
		return nil, oauthErr(CodeInvalidRequest, "response_type is required")
	default:
		return nil, oauthErr(CodeUnsupportedResponseType, "response_type %q is not supported; use code", rt)
	}
	if !allowsGrant(ar.client, grantAuthorizationCode) {
		return nil, oauthErr(CodeUnauthorizedClient, "client %s may not use the authorization_code grant", ar.client.ID)
	}
	if e := checkChallenge(p.Get("code_challenge"), p.Get("code_challenge_method")); e != nil {
		return nil, e
	}
	scopes, e := parseScope(p.Get("scope"))
	if e != nil {
		return nil, e
	}
	if e := checkScopes(ar.client, scopes); e != nil {
		return nil, e
	}
	resources, e := checkResources(p["resource"])
	if e != nil {
		return nil, e
	}
	return &checkedAuthz{scopes: scopes, resources: resources}, nil
}

// issueCode stores a code for a checked request, approved by sub for scopes.
func (h *Handler) issueCode(ar *authzRequest, ca *checkedAuthz, res, sub string, scopes []string) string {
	now := h.Now()
	ac := &authCode{
		clientID: ar.client.ID, redirectURI: ar.redirect, redirectGiven: ar.given,
		// Copies: a query value is a substring of the whole request line, which must not
		// stay alive as long as the code.
		challenge: strings.Clone(ar.params.Get("code_challenge")), scopes: cloneStrings(scopes),
		resources: cloneStrings(ca.resources), res: res, sub: sub, nonce: strings.Clone(ar.params.Get("nonce")),
		authTime: now, expires: now.Add(time.Duration(h.cfg.Lifetimes.AuthorizationCode)),
	}
	code := randomToken()
	h.mu.Lock()
	h.codes[code] = ac
	h.pruneLocked(now)
	h.mu.Unlock()
	return code
}

// approvingUser is the user named by login_hint (sub or email), else the default user.
func (h *Handler) approvingUser(hint string) User {
	if hint != "" {
		if u, ok := h.users[hint]; ok {
			return u
		}
		for _, u := range h.cfg.Users {
			if u.Email != "" && u.Email == hint {
				return u
			}
		}
	}
	return h.users[h.cfg.DefaultUser]
}

// checkResources validates RFC 8707 resource indicators.
//
// RFC 8707 §2: "Its value MUST be an absolute URI, as specified by Section 4.3 of
// [RFC3986], which MAY include a query component, but MUST NOT include a fragment
// component." Otherwise: "invalid_target".
func checkResources(rs []string) ([]string, *Error) {
	var out []string
	for _, r := range rs {
		u, err := url.Parse(r)
		if err != nil || !u.IsAbs() || u.Fragment != "" || strings.Contains(r, "#") {
			return nil, oauthErr(CodeInvalidTarget, "resource %q is not an absolute URI without a fragment", r)
		}
		if !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	return out, nil
}

// redirectWith answers 302 to the client's redirect URI with extra, state and iss.
//
// RFC 9207 §2: "Authorization servers supporting this specification MUST provide their
// issuer identifier to clients by adding the iss parameter to authorization responses".
func redirectWith(w http.ResponseWriter, r *http.Request, ar *authzRequest, extra url.Values, errCode string) {
	u, err := url.Parse(ar.redirect)
	if err != nil { // registered URIs were validated; this cannot happen
		writeErrorPage(w, oauthErr(CodeServerError, "registered redirect_uri is not a URL"))
		return
	}
	q := u.Query() // RFC 6749 §3.1.2: the query component "MUST be retained"
	for k, v := range extra {
		q[k] = v
	}
	if ar.state != "" {
		q.Set("state", ar.state)
	}
	q.Set("iss", ar.iss)
	u.RawQuery = q.Encode()
	if sw, ok := w.(*statusWriter); ok {
		sw.errCode = errCode
	}
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, u.String(), http.StatusFound)
}

// writeErrorPage shows an error to the resource owner without redirecting.
func writeErrorPage(w http.ResponseWriter, e *Error) {
	if sw, ok := w.(*statusWriter); ok {
		sw.errCode = string(e.Code)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'; base-uri 'none'")
	w.Header().Set("X-Frame-Options", "DENY")
	w.WriteHeader(e.HTTPStatus())
	_, _ = w.Write([]byte("<!doctype html><html><head><title>Authorization error</title></head><body><h1>Authorization error</h1><p><code>" +
		html.EscapeString(string(e.Code)) + "</code>: " + html.EscapeString(e.Description) + "</p></body></html>\n"))
}
