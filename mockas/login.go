package mockas

// This file implements the login and consent page of the authorization endpoint
// (Config.LoginPage): the developer picks a user (configured, or typed in), unchecks
// scopes to try step-up, and approves or denies. Every check of the headless path runs
// before the page is shown. The form is bound to its authorization request and to the
// browser (a single-use token in the form plus a cookie), and the page refuses framing.

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/mail"
	"net/url"
	"slices"
	"strings"
	"time"
)

const (
	// consentField names the form field carrying the CSRF token of a pending request.
	consentField = "mockas_consent"
	// browserCookie binds login forms and sessions to one browser.
	browserCookie = "mockas_browser"
	// customUser is the user picker value for the free fields.
	customUser = "_custom"
	// maxLoginEntries bounds each map of login state (pending forms, sessions, typed-in users).
	maxLoginEntries = 256
	// maxClaimsJSON bounds the extra-claims field.
	maxClaimsJSON = 16 << 10
	// sessionLifetime is how long a browser stays "logged in" for prompt=none.
	sessionLifetime = 12 * time.Hour
)

// pendingAuthz is an authorization request waiting on the login page.
type pendingAuthz struct {
	ar      *authzRequest
	ca      *checkedAuthz
	res     string
	browser string
	expires time.Time
}

// loginSession is what a browser approved: who it logged in as and, per client, the
// scopes it consented to. It answers prompt=none.
type loginSession struct {
	sub      string
	consents map[string][]string
	expires  time.Time
}

// userBySub returns a configured user or one typed into the login page.
func (h *Handler) userBySub(sub string) (User, bool) {
	if u, ok := h.users[sub]; ok {
		return u, true
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	u, ok := h.loginUsers[sub]
	return u, ok
}

// serveLogin answers a checked-so-far authorization request with the login page, or for
// prompt=none with a redirect.
func (h *Handler) serveLogin(w http.ResponseWriter, r *http.Request, ar *authzRequest, res string) {
	ca, e := h.checkAuthz(ar)
	if e != nil {
		h.audit("oauth_authorize", false, slog.String("client_id", ar.client.ID), slog.String("error", string(e.Code)), slog.String("error_description", e.Description))
		redirectWith(w, r, ar, url.Values{"error": {string(e.Code)}, "error_description": {e.Description}}, string(e.Code))
		return
	}
	browser := browserID(r)
	if prompt := strings.Fields(ar.params.Get("prompt")); slices.Contains(prompt, "none") {
		h.promptNone(w, r, ar, ca, res, browser, len(prompt) > 1)
		return
	}
	if browser == "" {
		browser = randomToken()
	}
	csrf := randomToken()
	now := h.Now()
	h.mu.Lock()
	pruneLogin(h.pendingAuthz, now, func(p *pendingAuthz) time.Time { return p.expires })
	h.pendingAuthz[csrf] = &pendingAuthz{ar: ar, ca: ca, res: res, browser: browser,
		expires: now.Add(time.Duration(h.cfg.Lifetimes.AuthorizationCode))}
	h.mu.Unlock()
	setBrowserCookie(w, r, browser)
	h.renderLogin(w, http.StatusOK, r.URL.Path, csrf, ar, ca, loginForm{User: h.approvingUser(ar.params.Get("login_hint")).Subject, Scopes: ca.scopes}, "")
}

// promptNone answers prompt=none without showing anything.
//
// OIDC Core §3.1.2.6: "login_required: The Authorization Server requires End-User
// authentication. This error MAY be returned when the prompt parameter value in the
// Authentication Request is none, but the Authentication Request cannot be completed
// without displaying a user interface for End-User authentication." and
// "consent_required: The Authorization Server requires End-User consent." §3.1.2.1: "If
// this parameter contains none with any other value, an error is returned."
func (h *Handler) promptNone(w http.ResponseWriter, r *http.Request, ar *authzRequest, ca *checkedAuthz, res, browser string, combined bool) {
	fail := func(code ErrorCode, desc string) {
		h.audit("oauth_authorize", false, slog.String("client_id", ar.client.ID), slog.String("error", string(code)), slog.String("error_description", desc))
		redirectWith(w, r, ar, url.Values{"error": {string(code)}, "error_description": {desc}}, string(code))
	}
	if combined {
		fail(CodeInvalidRequest, "prompt=none cannot be combined with other prompt values")
		return
	}
	now := h.Now()
	h.mu.Lock()
	s := h.sessions[browser]
	if s != nil && !now.Before(s.expires) {
		s = nil
	}
	var sub string
	var consented []string
	if s != nil {
		sub, consented = s.sub, s.consents[ar.client.ID]
	}
	h.mu.Unlock()
	switch {
	case s == nil:
		fail(CodeLoginRequired, "no one is logged in to mockas in this browser; authorize once without prompt=none")
		return
	case !coveredBy(ca.scopes, consented):
		fail(CodeConsentRequired, fmt.Sprintf("%s has not consented to every requested scope for this client", sub))
		return
	}
	code := h.issueCode(ar, ca, res, sub, ca.scopes)
	h.audit("oauth_authorize", true, slog.String("client_id", ar.client.ID), slog.Any("requested_scopes", nonNil(ca.scopes)), slog.String("sub", sub), slog.String("prompt", "none"))
	redirectWith(w, r, ar, url.Values{"code": {code}}, "")
}

// coveredBy reports whether every scope in want is in have.
func coveredBy(want, have []string) bool {
	for _, s := range want {
		if !slices.Contains(have, s) {
			return false
		}
	}
	return true
}

// loginForm is what the developer entered.
type loginForm struct {
	User   string
	Sub    string
	Email  string
	Name   string
	Claims string
	Scopes []string
}

// serveConsent handles the login form's submission.
func (h *Handler) serveConsent(w http.ResponseWriter, r *http.Request, p url.Values, res string) {
	csrf := p.Get(consentField)
	now := h.Now()
	h.mu.Lock()
	pa := h.pendingAuthz[csrf]
	if pa != nil && !now.Before(pa.expires) {
		delete(h.pendingAuthz, csrf)
		pa = nil
	}
	h.mu.Unlock()
	if pa == nil || pa.res != res {
		writeErrorPage(w, oauthErr(CodeInvalidRequest, "this login form has expired or was already used; start the authorization again from your client"))
		return
	}
	if b := browserID(r); b == "" || b != pa.browser {
		writeErrorPage(w, oauthErr(CodeInvalidRequest, "this login form was not opened in this browser (CSRF check failed); start the authorization again from your client"))
		return
	}
	ar, ca := pa.ar, pa.ca
	if p.Get("decision") == "deny" {
		h.takePending(csrf)
		// RFC 6749 §4.1.2.1: "access_denied: The resource owner or authorization server
		// denied the request."
		h.audit("oauth_authorize", false, slog.String("client_id", ar.client.ID), slog.String("error", string(CodeAccessDenied)))
		redirectWith(w, r, ar, url.Values{"error": {string(CodeAccessDenied)}, "error_description": {"the user denied the request"}}, string(CodeAccessDenied))
		return
	}
	f := loginForm{User: p.Get("user"), Sub: strings.TrimSpace(p.Get("custom_sub")), Email: strings.TrimSpace(p.Get("custom_email")),
		Name: strings.TrimSpace(p.Get("custom_name")), Claims: strings.TrimSpace(p.Get("custom_claims")), Scopes: p["scope"]}
	user, msg := h.chosenUser(f)
	if msg == "" {
		for _, s := range f.Scopes {
			if !slices.Contains(ca.scopes, s) {
				msg = fmt.Sprintf("scope %q was not requested; only requested scopes can be granted", s)
				break
			}
		}
	}
	if msg != "" {
		h.renderLogin(w, http.StatusBadRequest, r.URL.Path, csrf, ar, ca, f, msg)
		return
	}
	if !h.takePending(csrf) {
		writeErrorPage(w, oauthErr(CodeInvalidRequest, "this login form was already used; start the authorization again from your client"))
		return
	}
	var granted []string // in the order requested
	for _, s := range ca.scopes {
		if slices.Contains(f.Scopes, s) {
			granted = append(granted, s)
		}
	}
	h.mu.Lock()
	if f.User == customUser {
		pruneLoginUsers(h.loginUsers)
		h.loginUsers[user.Subject] = user
	}
	pruneLogin(h.sessions, now, func(s *loginSession) time.Time { return s.expires })
	s := h.sessions[pa.browser]
	if s == nil || s.sub != user.Subject {
		s = &loginSession{sub: user.Subject, consents: map[string][]string{}}
		h.sessions[pa.browser] = s
	}
	s.expires = now.Add(sessionLifetime)
	for _, g := range granted {
		if !slices.Contains(s.consents[ar.client.ID], g) {
			s.consents[ar.client.ID] = append(s.consents[ar.client.ID], g)
		}
	}
	h.mu.Unlock()
	code := h.issueCode(ar, ca, pa.res, user.Subject, granted)
	h.audit("oauth_authorize", true, slog.String("client_id", ar.client.ID), slog.Any("requested_scopes", nonNil(ca.scopes)),
		slog.Any("granted_scopes", nonNil(granted)), slog.String("sub", user.Subject))
	redirectWith(w, r, ar, url.Values{"code": {code}}, "")
}

// takePending removes a pending request; false when it was already gone.
func (h *Handler) takePending(csrf string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	_, ok := h.pendingAuthz[csrf]
	delete(h.pendingAuthz, csrf)
	return ok
}

// chosenUser resolves the picker and free fields to a user, or a message for the form.
func (h *Handler) chosenUser(f loginForm) (User, string) {
	if f.User != customUser {
		u, ok := h.users[f.User]
		if !ok {
			return User{}, "pick one of the users, or \"another user\" and type a sub"
		}
		return u, ""
	}
	u := User{Subject: f.Sub, Email: f.Email, Name: f.Name}
	switch {
	case f.Sub == "":
		return u, "sub is required for another user"
	case len(f.Sub) > 256 || len(f.Name) > 256 || len(f.Email) > 256:
		return u, "sub, email and name are limited to 256 characters"
	case h.users[f.Sub].Subject != "":
		return u, fmt.Sprintf("%s is a configured user: pick it from the list instead", f.Sub)
	}
	if f.Email != "" {
		if a, err := mail.ParseAddress(f.Email); err != nil || a.Address != f.Email {
			return u, fmt.Sprintf("email %q is not an address like dev@example.com", f.Email)
		}
	}
	if f.Claims != "" {
		if len(f.Claims) > maxClaimsJSON {
			return u, "extra claims are limited to 16 KiB"
		}
		if err := json.Unmarshal([]byte(f.Claims), &u.Claims); err != nil {
			return u, fmt.Sprintf(`extra claims must be a JSON object such as {"roles":["admin"]}: %v`, err)
		}
		if u.Claims == nil {
			return u, `extra claims must be a JSON object such as {"roles":["admin"]}, not null`
		}
	}
	return u, ""
}

// pruneLogin drops expired entries of m, and when it is still full, arbitrary ones, so
// that one more fits within maxLoginEntries.
func pruneLogin[V any](m map[string]V, now time.Time, expires func(V) time.Time) {
	if len(m) < maxLoginEntries {
		return
	}
	for k, v := range m {
		if !now.Before(expires(v)) {
			delete(m, k)
		}
	}
	for k := range m {
		if len(m) < maxLoginEntries {
			break
		}
		delete(m, k)
	}
}

// pruneLoginUsers makes room for one more typed-in user.
func pruneLoginUsers(m map[string]User) {
	for k := range m {
		if len(m) < maxLoginEntries {
			break
		}
		delete(m, k)
	}
}

// browserID is the browser cookie's value, or "".
func browserID(r *http.Request) string {
	c, err := r.Cookie(browserCookie)
	if err != nil || len(c.Value) > 64 {
		return ""
	}
	return c.Value
}

// setBrowserCookie (re)sets the browser cookie: HttpOnly, SameSite=Lax (the form posts
// from the same origin), Secure on https.
func setBrowserCookie(w http.ResponseWriter, r *http.Request, v string) {
	http.SetCookie(w, &http.Cookie{Name: browserCookie, Value: v, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil, MaxAge: int(sessionLifetime / time.Second)})
}

// renderLogin shows the login page for a pending request.
func (h *Handler) renderLogin(w http.ResponseWriter, status int, action, csrf string, ar *authzRequest, ca *checkedAuthz, f loginForm, msg string) {
	type scopeView struct {
		Name    string
		Checked bool
	}
	type userView struct {
		User
		Selected bool
	}
	data := struct {
		pageBase
		Action, CSRF, Error  string
		ClientName, ClientID string
		ClientURI, LogoURI   string
		RedirectHost, Issuer string
		Resources            []string
		Scopes               []scopeView
		Users                []userView
		Custom               bool
		Form                 loginForm
	}{pageBase: newPageBase("Sign in"), Action: action, CSRF: csrf, Error: msg,
		ClientName: ar.client.Name, ClientID: ar.client.ID, Issuer: ar.iss, Resources: ca.resources,
		Custom: f.User == customUser, Form: f}
	data.ClientURI, data.LogoURI = h.clientLinks(ar.client.ID)
	if u, err := url.Parse(ar.redirect); err == nil {
		data.RedirectHost = u.Host
		if u.Host == "" {
			data.RedirectHost = u.Scheme + ":"
		}
	}
	for _, s := range ca.scopes {
		data.Scopes = append(data.Scopes, scopeView{Name: s, Checked: slices.Contains(f.Scopes, s)})
	}
	for _, u := range h.cfg.Users {
		data.Users = append(data.Users, userView{User: u, Selected: f.User == u.Subject})
	}
	h.writePage(w, status, "login.html", data.Nonce, []string{formActionSource(ar.redirect)}, data)
}

// clientLinks returns the client_uri and logo_uri a registered client gave, if any. They
// are shown as text: the page loads nothing from elsewhere.
func (h *Handler) clientLinks(id string) (string, string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	rc := h.dynamic[id]
	if rc == nil {
		return "", ""
	}
	return rc.ClientURI, rc.LogoURI
}

// formActionSource is the CSP source of the redirect URI: browsers apply form-action to
// the redirect that follows the form post, so the client's callback must be allowed.
func formActionSource(redirect string) string {
	u, err := url.Parse(redirect)
	if err != nil || u.Scheme == "" {
		return "'none'"
	}
	src := u.Scheme + "://" + u.Host
	if u.Host == "" {
		src = u.Scheme + ":"
	}
	if strings.ContainsAny(src, " ;,'\"\t\r\n") {
		return "'none'"
	}
	return src
}

// OIDC Core §3.1.2.6 error codes, answered to prompt=none with the login page on.
const (
	// CodeLoginRequired is "login_required": no one is logged in to mockas in this browser.
	CodeLoginRequired ErrorCode = "login_required"
	// CodeConsentRequired is "consent_required": the user has not consented to every scope.
	CodeConsentRequired ErrorCode = "consent_required"
)

// WithLoginPage sets Config.LoginPage: the authorization endpoint shows a login and
// consent page instead of approving at once.
func WithLoginPage() Option { return func(c *Config) { c.LoginPage = true } }
