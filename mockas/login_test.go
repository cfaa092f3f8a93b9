package mockas

import (
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

// browser is an HTTP client with a cookie jar that does not follow redirects.
type browser struct {
	t *testing.T
	c *http.Client
}

func newBrowser(t *testing.T) *browser {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &browser{t: t, c: &http.Client{Jar: jar, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (b *browser) do(method, u string, form url.Values) response {
	b.t.Helper()
	var body *strings.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	} else {
		body = strings.NewReader("")
	}
	req, err := http.NewRequestWithContext(b.t.Context(), method, u, body)
	if err != nil {
		b.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	var sb strings.Builder
	buf := make([]byte, 32<<10)
	for {
		n, err := resp.Body.Read(buf)
		sb.Write(buf[:n])
		if err != nil {
			break
		}
	}
	return response{status: resp.StatusCode, header: resp.Header, body: []byte(sb.String())}
}

var csrfRE = regexp.MustCompile(`name="mockas_consent" value="([^"]+)"`)

// openLogin opens the login page for p and returns its CSRF token.
func (b *browser) openLogin(base string, p url.Values) (string, response) {
	b.t.Helper()
	r := b.do("GET", base+"/oauth/authorize?"+p.Encode(), nil)
	if r.status != 200 {
		b.t.Fatalf("login page: %d %s", r.status, r.body)
	}
	m := csrfRE.FindSubmatch(r.body)
	if m == nil {
		b.t.Fatalf("no CSRF token in the page:\n%s", r.body)
	}
	return string(m[1]), r
}

func redirectQuery(t *testing.T, r response) url.Values {
	t.Helper()
	if r.status != http.StatusFound {
		t.Fatalf("want a redirect, got %d %s", r.status, r.body)
	}
	loc, err := url.Parse(r.header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	return loc.Query()
}

func TestLogin_pageHeadersAndEscaping(t *testing.T) {
	hostile := `<script>alert(1)</script>"'&`
	s := start(t, WithLoginPage(), WithClient(Client{ID: "skc_30000000000000003", Secret: "x", Name: hostile, RedirectURIs: []string{"http://127.0.0.1:7777/cb"}}),
		WithUser(User{Subject: "usr_1", Name: `<img src=x onerror=alert(2)>`, Email: "a@example.com"}))
	p := authorizeParams()
	p.Set("client_id", "skc_30000000000000003")
	p.Set("redirect_uri", "http://127.0.0.1:7777/cb")
	_, r := newBrowser(t).openLogin(s.URL, p)
	body := string(r.body)
	if strings.Contains(body, "<script>alert(1)") || strings.Contains(body, "<img src=x") {
		t.Errorf("unescaped value in the page:\n%s", body)
	}
	if !strings.Contains(body, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Errorf("client name not shown escaped:\n%s", body)
	}
	csp := r.header.Get("Content-Security-Policy")
	for _, want := range []string{"frame-ancestors 'none'", "default-src 'none'", "form-action 'self' http://127.0.0.1:7777"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	if r.header.Get("X-Frame-Options") != "DENY" {
		t.Error("no X-Frame-Options: DENY")
	}
	for _, ext := range []string{"http://", "https://"} {
		for _, attr := range []string{`src="` + ext, `href="` + ext} {
			if strings.Contains(body, attr) {
				t.Errorf("page loads an external asset (%s)", attr)
			}
		}
	}
}

func TestLogin_headlessChecksComeFirst(t *testing.T) {
	s := start(t, WithLoginPage())
	for _, tc := range []struct {
		name     string
		edit     func(url.Values)
		status   int
		wantCode string
	}{
		{"unknown client: page, no redirect", func(p url.Values) { p.Set("client_id", "skc_nope") }, 401, ""},
		{"bad redirect URI: page, no redirect", func(p url.Values) { p.Set("redirect_uri", "http://evil.example/cb") }, 400, ""},
		{"no PKCE: redirect with the error", func(p url.Values) { p.Del("code_challenge") }, 302, "invalid_request"},
		{"bad response_type: redirect with the error", func(p url.Values) { p.Set("response_type", "token") }, 302, "unsupported_response_type"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := authorizeParams()
			tc.edit(p)
			r := newBrowser(t).do("GET", s.URL+"/oauth/authorize?"+p.Encode(), nil)
			if tc.status == 302 {
				if q := redirectQuery(t, r); q.Get("error") != tc.wantCode {
					t.Errorf("error = %q; want %q", q.Get("error"), tc.wantCode)
				}
				return
			}
			if r.status == 200 || r.status == 302 || strings.Contains(string(r.body), "mockas_consent") {
				t.Errorf("status %d; want the error page, not the login page or a redirect", r.status)
			}
		})
	}
}

func TestLogin_approveAsTypedUserWithFewerScopes(t *testing.T) {
	s := start(t, WithLoginPage())
	b := newBrowser(t)
	csrf, _ := b.openLogin(s.URL, authorizeParams())
	form := url.Values{consentField: {csrf}, "decision": {"approve"}, "user": {customUser}, "custom_sub": {"usr_alice"},
		"custom_email": {"alice@example.com"}, "custom_name": {"Alice"}, "custom_claims": {`{"roles":["admin"],"sub":"ignored"}`},
		"scope": {"openid", "mcp:tools:weather"}}

	// Bad JSON re-shows the form with an error and keeps the request usable.
	bad := url.Values{}
	for k, v := range form {
		bad[k] = v
	}
	bad.Set("custom_claims", `{"roles":`)
	r := b.do("POST", s.URL+"/oauth/authorize", bad)
	if r.status != 400 || !strings.Contains(string(r.body), "extra claims must be a JSON object") || !strings.Contains(string(r.body), "mockas_consent") {
		t.Fatalf("bad claims JSON: %d %s", r.status, r.body)
	}

	q := redirectQuery(t, b.do("POST", s.URL+"/oauth/authorize", form))
	if q.Get("code") == "" || q.Get("state") != "st-123" || q.Get("iss") != s.URL {
		t.Fatalf("approve redirect: %v", q)
	}
	tok := postForm(t, s.URL+"/oauth/token", codeForm(q.Get("code")))
	if tok.status != 200 || tok.json["scope"] != "openid mcp:tools:weather" {
		t.Fatalf("token: %d %s", tok.status, tok.body)
	}
	claims := verify(t, s.JWKS(), tok.json["access_token"].(string))
	if claims["sub"] != "usr_alice" || claims["scope"] != "openid mcp:tools:weather" {
		t.Errorf("claims = %v", claims)
	}
	if roles, _ := claims["roles"].([]any); len(roles) != 1 || roles[0] != "admin" {
		t.Errorf("extra claims missing: %v", claims)
	}
	if _, refreshed := tok.json["refresh_token"]; refreshed {
		t.Error("offline_access was unchecked, yet a refresh token was issued")
	}

	// The form is single use.
	if r := b.do("POST", s.URL+"/oauth/authorize", form); r.status != 400 {
		t.Errorf("replayed form: %d", r.status)
	}
}

func TestLogin_denyRedirectsAccessDenied(t *testing.T) {
	s := start(t, WithLoginPage())
	b := newBrowser(t)
	csrf, _ := b.openLogin(s.URL, authorizeParams())
	q := redirectQuery(t, b.do("POST", s.URL+"/oauth/authorize", url.Values{consentField: {csrf}, "decision": {"deny"}}))
	if q.Get("error") != "access_denied" || q.Get("state") != "st-123" || q.Get("iss") != s.URL || q.Get("code") != "" {
		t.Errorf("deny redirect: %v", q)
	}
}

func TestLogin_formBoundToBrowser(t *testing.T) {
	s := start(t, WithLoginPage())
	csrf, _ := newBrowser(t).openLogin(s.URL, authorizeParams())
	other := newBrowser(t)
	r := other.do("POST", s.URL+"/oauth/authorize", url.Values{consentField: {csrf}, "decision": {"approve"}, "user": {DefaultUserSubject}})
	if r.status != 400 || !strings.Contains(string(r.body), "CSRF") {
		t.Errorf("form posted from another browser: %d %s", r.status, r.body)
	}
	if r := other.do("POST", s.URL+"/oauth/authorize", url.Values{consentField: {"forged"}, "decision": {"approve"}}); r.status != 400 {
		t.Errorf("forged token: %d", r.status)
	}
}

func TestLogin_promptNone(t *testing.T) {
	s := start(t, WithLoginPage())
	b := newBrowser(t)
	p := authorizeParams()
	p.Set("prompt", "none")
	if q := redirectQuery(t, b.do("GET", s.URL+"/oauth/authorize?"+p.Encode(), nil)); q.Get("error") != "login_required" || q.Get("state") != "st-123" {
		t.Fatalf("prompt=none, nobody logged in: %v", q)
	}
	csrf, _ := b.openLogin(s.URL, authorizeParams())
	q := redirectQuery(t, b.do("POST", s.URL+"/oauth/authorize", url.Values{consentField: {csrf}, "decision": {"approve"},
		"user": {DefaultUserSubject}, "scope": {"openid", "mcp:tools:weather"}}))
	if q.Get("code") == "" {
		t.Fatalf("approve: %v", q)
	}
	if q := redirectQuery(t, b.do("GET", s.URL+"/oauth/authorize?"+p.Encode(), nil)); q.Get("error") != "consent_required" {
		t.Errorf("prompt=none, offline_access not consented: %v", q)
	}
	p.Set("scope", "openid mcp:tools:weather")
	if q := redirectQuery(t, b.do("GET", s.URL+"/oauth/authorize?"+p.Encode(), nil)); q.Get("code") == "" {
		t.Errorf("prompt=none within the consent: %v", q)
	}
	p.Set("prompt", "none login")
	if q := redirectQuery(t, b.do("GET", s.URL+"/oauth/authorize?"+p.Encode(), nil)); q.Get("error") != "invalid_request" {
		t.Errorf("prompt=none login: %v", q)
	}
}

func TestLogin_offByDefault(t *testing.T) {
	s := start(t)
	if q := authorize(t, s.URL, authorizeParams()); q.Get("code") == "" {
		t.Errorf("headless authorize: %v", q)
	}
}
