package mockas

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestIndex_pageAndJSONListRoutesIssuerClients(t *testing.T) {
	s := start(t, WithClient(Client{ID: "skc_20000000000000002", Secret: "s3cret-value", Name: "<b>evil</b>", RedirectURIs: []string{"http://127.0.0.1/cb"}}))

	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, s.URL+"/", nil)
	req.Header.Set("Accept", "application/json")
	r := do(t, req)
	if r.status != 200 || r.json["issuer"] != s.URL {
		t.Fatalf("GET / (JSON) = %d %s", r.status, r.body)
	}
	var in Index
	if err := json.Unmarshal(r.body, &in); err != nil {
		t.Fatal(err)
	}
	if len(in.Clients) != 1 || in.Clients[0].ID != "skc_20000000000000002" || !in.Clients[0].Confidential {
		t.Errorf("clients = %+v", in.Clients)
	}
	if !routeListed(in.Routes, "/oauth/token") || !routeListed(in.Routes, "/_mockas/mint") {
		t.Errorf("routes or dashboard missing: %+v", in)
	}
	if bytes.Contains(r.body, []byte("s3cret-value")) {
		t.Error("GET / leaks a client secret")
	}

	page := get(t, s.URL+"/")
	body := string(page.body)
	if page.status != 200 || !strings.HasPrefix(page.header.Get("Content-Type"), "text/html") {
		t.Fatalf("GET / (page) = %d %s", page.status, page.header.Get("Content-Type"))
	}
	for _, want := range []string{s.URL + "/oauth/token", "skc_20000000000000002", "&lt;b&gt;evil&lt;/b&gt;"} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if strings.Contains(body, "<b>evil</b>") || strings.Contains(body, "s3cret-value") {
		t.Error("page shows an unescaped client name or a secret")
	}
	if csp := page.header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'none'") || page.header.Get("X-Frame-Options") != "DENY" {
		t.Errorf("page may be framed: CSP %q", csp)
	}
	if r := get(t, s.URL+"/nope"); r.status != 404 {
		t.Errorf("GET /nope = %d; the index must match / only", r.status)
	}
}

func routeListed(rs []Route, path string) bool {
	for _, r := range rs {
		if slices.Contains(r.Paths, path) {
			return true
		}
	}
	return false
}

// TestRoutes_tableMatchesServedControlPlane keeps the documentation table and the handlers
// of the control plane in step.
func TestRoutes_tableMatchesServedControlPlane(t *testing.T) {
	s := start(t)
	served := s.h.controlHandlers()
	var documented []string
	for _, op := range controlOps {
		documented = append(documented, op.path)
		ms, ok := served[op.path]
		if !ok {
			t.Errorf("controlOps documents %s, which is not served", op.path)
			continue
		}
		if got := slices.Sorted(maps.Keys(ms)); !slices.Equal(got, slices.Sorted(slices.Values(op.methods))) {
			t.Errorf("%s: serves %v, documented %v", op.path, got, op.methods)
		}
	}
	for p := range served {
		if !slices.Contains(documented, p) {
			t.Errorf("%s is served but missing from controlOps (GET / and -h list it from there)", p)
		}
	}
}

func TestControl_clientsWithoutSecrets(t *testing.T) {
	s := start(t)
	reg := postJSON(t, s.URL+"/resource-server/oauth/register", `{"redirect_uris":["http://127.0.0.1:7/cb"],"client_name":"dcr","token_endpoint_auth_method":"none"}`)
	if reg.status != 201 {
		t.Fatalf("register: %d %s", reg.status, reg.body)
	}
	r := get(t, s.URL+"/_mockas/clients")
	var cs []ClientInfo
	if err := json.Unmarshal(r.body, &cs); err != nil || r.status != 200 {
		t.Fatalf("clients: %d %s", r.status, r.body)
	}
	if len(cs) != 2 || cs[0].ID != DefaultClientID || cs[1].Source != "registered" || cs[1].Confidential ||
		!slices.Equal(cs[1].RedirectURIs, []string{"http://127.0.0.1:7/cb"}) || !slices.Contains(cs[0].GrantTypes, "client_credentials") {
		t.Errorf("clients = %+v", cs)
	}
	if bytes.Contains(r.body, []byte(DefaultClientSecret)) || bytes.Contains(r.body, []byte("client_secret\"")) {
		t.Errorf("clients leak a secret: %s", r.body)
	}
}

func TestControl_mintRejectsUnknownFieldsAndDefectsListingValidNames(t *testing.T) {
	s := start(t)
	r := postJSON(t, s.URL+"/_mockas/mint", `{"scope":"a b"}`)
	desc, _ := r.json["error_description"].(string)
	if r.status != 400 || !strings.Contains(desc, `"scope"`) || !strings.Contains(desc, "valid fields: sub, client_id, aud,") || !strings.Contains(desc, "scopes") {
		t.Errorf("unknown field: %d %s", r.status, r.body)
	}
	r = postJSON(t, s.URL+"/_mockas/mint", `{"defect":"expird"}`)
	desc, _ = r.json["error_description"].(string)
	if r.status != 400 || !strings.Contains(desc, `"expird"`) || !strings.Contains(desc, "expired, not_yet_valid,") || !strings.Contains(desc, string(DefectTruncatedSignature)) {
		t.Errorf("unknown defect: %d %s", r.status, r.body)
	}
	if r := postJSON(t, s.URL+"/_mockas/mint", `{"scopes":["a"],"defect":"expired"}`); r.status != 200 {
		t.Errorf("valid mint: %d %s", r.status, r.body)
	}
}

func TestIssuedTokens_recordsGrantsAndMintsBounded(t *testing.T) {
	s := start(t)
	cc := postForm(t, s.URL+"/oauth/token", url.Values{"grant_type": {"client_credentials"}, "scope": {"mcp:tools:read"}}, DefaultClientID, DefaultClientSecret)
	if cc.status != 200 {
		t.Fatalf("token: %d %s", cc.status, cc.body)
	}
	if _, err := s.Mint(TokenSpec{Defect: DefectAlgNoneNoDot}); err != nil {
		t.Fatal(err)
	}
	toks := s.h.IssuedTokens()
	if len(toks) != 2 || toks[0].Source != "mint" || toks[0].Defect != DefectAlgNoneNoDot || toks[1].Source != "client_credentials" ||
		toks[1].JTI == "" || toks[1].Claims["scope"] != "mcp:tools:read" || toks[1].Header["kid"] == nil || toks[1].Expires.IsZero() {
		t.Fatalf("issued = %+v", toks)
	}
	if rv := postForm(t, s.URL+"/oauth/revoke", url.Values{"token": {cc.json["access_token"].(string)}}, DefaultClientID, DefaultClientSecret); rv.status != 200 {
		t.Fatalf("revoke: %d", rv.status)
	}
	r := get(t, s.URL+"/_mockas/tokens")
	var listed []IssuedToken
	if err := json.Unmarshal(r.body, &listed); err != nil || len(listed) != 2 || !listed[1].Revoked {
		t.Fatalf("tokens after revoke: %s", r.body)
	}
	if bytes.Contains(r.body, []byte(cc.json["access_token"].(string))) {
		t.Error("GET /_mockas/tokens holds a whole bearer token")
	}
	for range maxIssued + 5 {
		if _, err := s.Mint(TokenSpec{Defect: DefectAlgNone}); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(s.h.IssuedTokens()); n != maxIssued {
		t.Errorf("ring holds %d tokens; want at most %d", n, maxIssued)
	}
	s.Reset()
	if n := len(s.h.IssuedTokens()); n != 0 {
		t.Errorf("Reset kept %d tokens", n)
	}
}

func TestDebugLogs_JWKSMetadataAndControlCalls(t *testing.T) {
	var buf syncBuffer
	s := start(t, WithLogger(slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	get(t, s.URL+"/keys")
	get(t, s.URL+"/.well-known/oauth-authorization-server")
	get(t, s.URL+"/_mockas/info")
	// The line is written once the response is sent, so the test may read first: wait a little.
	var out string
	for i := 0; i < 200 && !strings.Contains(out, "/_mockas/info"); i++ {
		time.Sleep(10 * time.Millisecond)
		out = buf.String()
	}
	for _, want := range []string{`"event":"keys_request"`, `"event":"metadata_request"`, `"event":"control_request"`, `"path":"/_mockas/info"`} {
		if !strings.Contains(out, want) {
			t.Errorf("debug log lacks %s:\n%s", want, out)
		}
	}
}

// syncBuffer is a bytes.Buffer safe for the server's goroutines and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
