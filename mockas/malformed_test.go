package mockas

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// failingTransport refuses every outbound request, so a client_id URL in the garbage never
// reaches the network.
type failingTransport struct{}

func (failingTransport) RoundTrip(*http.Request) (*http.Response, error) {
	return nil, errors.New("mockas test: no network")
}

// routeKind says what a route answers errors with.
type routeKind int

const (
	// kindOAuth routes answer every error with an RFC 6749 §5.2 JSON body.
	kindOAuth routeKind = iota
	// kindPage routes (authorize, logout) show errors to the resource owner as an HTML page
	// (or redirect with error=); pipeline errors (method, size, resource) are still JSON.
	kindPage
	// kindControl is the /_mockas control plane: JSON errors.
	kindControl
	// kindNotFound is a path Scalekit does not serve: 404 for every method.
	kindNotFound
)

// garbageRoute is one path and the methods it serves.
type garbageRoute struct {
	path    string
	kind    routeKind
	methods []string // methods that reach the endpoint (others are 405)
}

// garbageBody is one request body with the Content-Type sent with it.
type garbageBody struct {
	name, ct string
	body     string
	chunked  bool // hide the length so the 1 MiB limit is enforced while reading
	tooLarge bool
}

// TestMalformedInput_everyRoute throws malformed input at every route with every method:
// bad JSON, bad forms, wrong content types, duplicate parameters, unicode, NUL bytes,
// garbage credentials and bodies over 1 MiB. No answer may be a 5xx or a panic; OAuth
// endpoints answer errors with an RFC 6749 §5.2 JSON body; a body over 1 MiB is a 413 on
// every route that accepts the method; every 401 names its scheme in WWW-Authenticate and
// every 405 lists the allowed methods.
func TestMalformedInput_everyRoute(t *testing.T) {
	h, err := NewHandler(Config{
		Issuer: "http://127.0.0.1:9", SigningKey: testKeyPEM,
		HTTPClient: &http.Client{Transport: failingTransport{}},
	})
	if err != nil {
		t.Fatal(err)
	}
	const res = DefaultResourceID
	get, post, getPost := []string{"GET", "HEAD"}, []string{"POST"}, []string{"GET", "POST"}
	routes := []garbageRoute{
		{"/.well-known/oauth-authorization-server", kindOAuth, get},
		{"/.well-known/openid-configuration", kindOAuth, get},
		{"/resources/" + res + "/.well-known/oauth-authorization-server", kindOAuth, get},
		{"/.well-known/oauth-authorization-server/resources/" + res, kindOAuth, get},
		{"/.well-known/oauth-authorization-server/resources/res_404", kindOAuth, nil},
		{"/keys", kindOAuth, get},
		{"/health", kindOAuth, get},
		{"/oauth/authorize", kindPage, getPost},
		{"/resources/" + res + "/oauth/authorize", kindPage, getPost},
		{"/resources/%D1%80%D0%B5%D1%81/oauth/authorize", kindPage, nil},
		{"/oauth/token", kindOAuth, post},
		{"/oauth2/token", kindOAuth, post},
		{"/resources/" + res + "/oauth/token", kindOAuth, post},
		{"/resources/res_404/oauth/token", kindOAuth, nil},
		{"/resource-server/oauth/register", kindOAuth, post},
		{"/api/v1/resources/" + res + "/clients:register", kindOAuth, post},
		{"/api/v1/resources/res_404/clients:register", kindOAuth, nil},
		{"/resources/" + res + "/client_register", kindOAuth, post},
		{"/oauth/revoke", kindOAuth, post},
		{"/oauth/introspect", kindOAuth, post},
		{"/userinfo", kindOAuth, getPost},
		{"/oidc/logout", kindPage, getPost},
		{"/resources/" + res + "/keys", kindNotFound, nil},
		{"/resources/" + res + "/.well-known/openid-configuration", kindNotFound, nil},
		{"/_mockas/info", kindControl, []string{"GET"}},
		{"/_mockas/mint", kindControl, post},
		{"/_mockas/keys", kindControl, []string{"GET"}},
		{"/_mockas/keys/rotate", kindControl, post},
		{"/_mockas/keys/retire", kindControl, post},
		{"/_mockas/keys/unpublished", kindControl, post},
		{"/_mockas/clock", kindControl, []string{"GET"}},
		{"/_mockas/clock/advance", kindControl, post},
		{"/_mockas/clock/set", kindControl, post},
		{"/_mockas/faults", kindControl, []string{"GET", "POST", "DELETE"}},
		{"/_mockas/rate-limits", kindControl, []string{"GET", "POST"}},
		{"/_mockas/requests", kindControl, []string{"GET", "DELETE"}},
		{"/_mockas/reset", kindControl, post},
	}
	const form, js = "application/x-www-form-urlencoded", "application/json"
	big := strings.Repeat("a", maxBodyBytes)
	bodies := []garbageBody{
		{name: "empty"},
		{name: "truncated JSON", ct: js, body: `{"redirect_uris":["https://a.example/cb"`},
		{name: "JSON array", ct: js, body: `[1,2,3]`},
		{name: "JSON null", ct: js, body: `null`},
		{name: "JSON wrong types", ct: js, body: `{"redirect_uris":"x","grant_types":{},"scope":5,"retire_previous":"y","by":[],"now":1,"enabled":"x","client_id":7,"endpoint":[],"defect":{}}`},
		{name: "JSON unknown fields only", ct: js, body: `{"zzz_unknown":true,"nested":{"x":[1,{"y":null}]}}`},
		{name: "JSON trailing data", ct: js, body: `{}{}`},
		{name: "JSON invalid UTF-8", ct: js, body: "{\"client_name\":\"\xff\xfe\"}"},
		{name: "JSON deep nesting", ct: js, body: strings.Repeat("[", 100000) + strings.Repeat("]", 100000)},
		{name: "form bad escapes", ct: form, body: "grant_type=%zz&client_id=%&token=%G1"},
		{name: "form semicolons", ct: form, body: "grant_type=client_credentials;client_id=x"},
		{name: "form duplicates", ct: form, body: "grant_type=client_credentials&grant_type=authorization_code&client_id=a&client_id=b&token=x&token=y&response_type=code&response_type=token"},
		{name: "form unicode", ct: form, body: "grant_type=%C3%BC&client_id=%E5%AE%A2%E6%88%B7&scope=%E6%97%A5%E6%9C%AC+%F0%9F%9A%80&redirect_uri=javascript%3Aalert(1)&token=%E2%88%9A&code=%00"},
		{name: "form NUL and control bytes", ct: form, body: "grant_type=\x00\x01&client_id=\x7f&\x00=\x00"},
		{name: "form long value", ct: form, body: "grant_type=refresh_token&client_id=" + DefaultClientID + "&refresh_token=" + strings.Repeat("r", 200000)},
		{name: "form with JSON type", ct: js, body: "grant_type=client_credentials&client_id=" + DefaultClientID},
		{name: "plain text", ct: "text/plain", body: "hello"},
		{name: "multipart without boundary", ct: "multipart/form-data", body: "--x\r\n\r\n"},
		{name: "invalid media type", ct: ";;;=", body: "grant_type=client_credentials"},
		{name: "form utf-16 charset", ct: form + "; charset=utf-16", body: "\xff\xfeg\x00=\x00"},
		{name: "over 1 MiB with length", ct: form, body: "grant_type=client_credentials&x=" + big, tooLarge: true},
		{name: "over 1 MiB chunked", ct: js, body: `{"client_name":"` + big + `"}`, chunked: true, tooLarge: true},
	}
	auths := []string{
		"", "Basic", "Basic !!!", "Basic " + base64.StdEncoding.EncodeToString([]byte("::")),
		"Basic " + base64.StdEncoding.EncodeToString([]byte("ghost:x")),
		"Basic " + base64.StdEncoding.EncodeToString([]byte(DefaultClientID+":wrong")),
		"Bearer", "Bearer a.b.c", "Bearer eyJhbGciOiJub25lIn0.e30.", "Bearer \u00fc", "Digest x",
	}
	garbageQuery := "?client_id=%zz&client_id=" + DefaultClientID + "&response_type=code&response_type=token" +
		"&scope=%F0%9F%9A%80&redirect_uri=javascript:alert(1)&id_token_hint=x.y.z&post_logout_redirect_uri=javascript:x" +
		"&code_challenge_method=plain&resource=%00"
	methods := []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "PROPFIND"}
	n := 0
	for _, rt := range routes {
		for _, m := range methods {
			for bi, b := range append(bodies, garbageBody{name: "garbage query"}) {
				n++
				path := rt.path
				if bi == len(bodies) {
					path += garbageQuery
				}
				auth := auths[n%len(auths)]
				name := fmt.Sprintf("%s %s [%s] auth=%q", m, path, b.name, auth)
				rec := serveGarbage(t, h, m, path, b, auth)
				checkGarbageAnswer(t, name, rt, m, b, rec)
			}
		}
	}
	t.Logf("%d requests", n)
}

// serveGarbage sends one malformed request through h and returns the recorded answer; a
// panic in the handler fails the test with the request named.
func serveGarbage(t *testing.T, h http.Handler, method, path string, b garbageBody, auth string) (rec *httptest.ResponseRecorder) {
	t.Helper()
	var body io.Reader = strings.NewReader(b.body)
	if b.chunked {
		body = io.MultiReader(body) // no Len method: ContentLength stays unknown
	}
	req := httptest.NewRequest(method, "http://127.0.0.1:9"+path, body)
	if b.chunked {
		req.ContentLength = -1
	}
	if b.ct != "" {
		req.Header.Set("Content-Type", b.ct)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	rec = httptest.NewRecorder()
	defer func() {
		if p := recover(); p != nil {
			t.Fatalf("%s %s [%s]: panic: %v", method, path, b.name, p)
		}
	}()
	h.ServeHTTP(rec, req)
	return rec
}

// checkGarbageAnswer asserts what every answer to malformed input must satisfy.
func checkGarbageAnswer(t *testing.T, name string, rt garbageRoute, method string, b garbageBody, rec *httptest.ResponseRecorder) {
	t.Helper()
	status, ct := rec.Code, rec.Header().Get("Content-Type")
	if status >= 500 {
		t.Fatalf("%s: status %d: %s", name, status, rec.Body)
	}
	// RFC 9110 §15.5.2: "The server generating a 401 response MUST send a WWW-Authenticate
	// header field".
	if status == http.StatusUnauthorized && rec.Header().Get("WWW-Authenticate") == "" {
		t.Errorf("%s: 401 without WWW-Authenticate", name)
	}
	// RFC 9110 §15.5.6: "The origin server MUST generate an Allow header field in a 405
	// response".
	if status == http.StatusMethodNotAllowed && rec.Header().Get("Allow") == "" {
		t.Errorf("%s: 405 without Allow", name)
	}
	if rt.kind == kindNotFound {
		if status != http.StatusNotFound {
			t.Errorf("%s: status %d, want 404", name, status)
		}
		return
	}
	allowed := slices.Contains(rt.methods, method)
	switch {
	case rt.methods == nil && status != http.StatusNotFound:
		t.Errorf("%s: unknown resource answered %d, want 404", name, status)
	case rt.methods != nil && !allowed && status != http.StatusMethodNotAllowed:
		t.Errorf("%s: method not served but answered %d, want 405", name, status)
	case b.tooLarge && allowed && status != http.StatusRequestEntityTooLarge:
		t.Errorf("%s: body over 1 MiB answered %d, want 413", name, status)
	}
	if status < 400 {
		if status >= 300 && rt.kind == kindPage && strings.HasSuffix(strings.SplitN(rt.path, "?", 2)[0], "/authorize") {
			loc, err := url.Parse(rec.Header().Get("Location"))
			if err != nil || loc.Query().Get("error") == "" {
				t.Errorf("%s: authorize redirected without error: %q", name, rec.Header().Get("Location"))
			}
		}
		return
	}
	if strings.HasPrefix(ct, "application/json") {
		var e struct {
			Error string `json:"error"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || e.Error == "" {
			t.Errorf("%s: %d with a JSON body that is not an OAuth error (%v): %s", name, status, err, rec.Body)
		}
		return
	}
	if rt.kind == kindPage && strings.HasPrefix(ct, "text/html") && bytes.Contains(rec.Body.Bytes(), []byte("<code>")) {
		return // the error page of OAuth 2.1 §4.1.2.1, naming the error code
	}
	t.Errorf("%s: %d with Content-Type %q: %s", name, status, ct, rec.Body)
}
