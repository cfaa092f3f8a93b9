package mockas

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func ctl(t *testing.T, method, u, body string) response {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, u, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	return do(t, req)
}

func TestControl_infoAndMint(t *testing.T) {
	s := start(t)
	info := ctl(t, "GET", s.URL+"/_mockas/info", "")
	if info.status != 200 || info.json["issuer"] != s.URL || info.json["token_issuer"] != s.URL || info.json["jwks_uri"] != s.URL+"/keys" ||
		info.json["active_kid"] != s.JWKS().Keys[0].KeyID {
		t.Fatalf("info: %s", info.body)
	}
	if res := info.json["resources"].([]any); len(res) != 1 || res[0] != DefaultResourceID {
		t.Errorf("resources %v", res)
	}
	if cl := info.json["clients"].([]any); len(cl) != 1 || cl[0] != DefaultClientID {
		t.Errorf("clients %v", cl)
	}
	m := ctl(t, "POST", s.URL+"/_mockas/mint", `{"sub":"usr_x","scopes":["a"],"defect":"expired"}`)
	tok, _ := m.json["token"].(string)
	if m.status != 200 || tok == "" {
		t.Fatalf("mint: %d %s", m.status, m.body)
	}
	if c := decodePart(t, tok, 1); c["sub"] != "usr_x" || c["exp"].(float64) >= float64(time.Now().Unix()) {
		t.Errorf("minted claims %v", c)
	}
	for _, body := range []string{`{"defect":"bogus"}`, `{"sub":`, `{"lifetime":"forever"}`, `[]`} {
		if r := ctl(t, "POST", s.URL+"/_mockas/mint", body); r.status != 400 || r.json["error"] != "invalid_request" {
			t.Errorf("mint %s: %d %s", body, r.status, r.body)
		}
	}
	if r := ctl(t, "GET", s.URL+"/_mockas/mint", ""); r.status != 405 {
		t.Errorf("GET mint: %d", r.status)
	}
}

func TestControl_keys(t *testing.T) {
	s := start(t)
	old := s.JWKS().Keys[0].KeyID
	r := ctl(t, "POST", s.URL+"/_mockas/keys/rotate", "")
	kid, _ := r.json["kid"].(string)
	if r.status != 200 || kid == old || len(s.JWKS().Keys) != 2 {
		t.Fatalf("rotate: %s", r.body)
	}
	if r := ctl(t, "POST", s.URL+"/_mockas/keys/retire", `{"kid":"`+kid+`"}`); r.status != 400 {
		t.Errorf("retire active: %d", r.status)
	}
	if r := ctl(t, "POST", s.URL+"/_mockas/keys/retire", `{"kid":"`+old+`"}`); r.status != 200 || len(s.JWKS().Keys) != 1 {
		t.Errorf("retire old: %d %s", r.status, r.body)
	}
	r = ctl(t, "POST", s.URL+"/_mockas/keys/rotate", `{"retire_previous":true}`)
	if r.status != 200 || len(s.JWKS().Keys) != 1 || s.JWKS().Keys[0].KeyID != r.json["kid"] {
		t.Errorf("rotate retiring previous: %s, jwks %d", r.body, len(s.JWKS().Keys))
	}
	r = ctl(t, "POST", s.URL+"/_mockas/keys/unpublished", "")
	ukid, _ := r.json["kid"].(string)
	if r.status != 200 || r.json["enabled"] != true || ukid == "" {
		t.Fatalf("unpublished: %s", r.body)
	}
	m := ctl(t, "POST", s.URL+"/_mockas/mint", `{}`)
	if h := decodePart(t, m.json["token"].(string), 0); h["kid"] != ukid {
		t.Errorf("minted with %v, want unpublished %s", h["kid"], ukid)
	}
	if r := ctl(t, "POST", s.URL+"/_mockas/keys/unpublished", `{"enabled":false}`); r.json["enabled"] != false {
		t.Errorf("disable: %s", r.body)
	}
	m = ctl(t, "POST", s.URL+"/_mockas/mint", `{}`)
	verify(t, s.JWKS(), m.json["token"].(string))
}

func TestControl_clock(t *testing.T) {
	base := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	s := start(t, WithClock(fixedClock(base)))
	if r := ctl(t, "POST", s.URL+"/_mockas/clock/advance", `{"by":"10m"}`); r.json["now"] != "2030-01-01T00:10:00Z" {
		t.Fatalf("advance: %s", r.body)
	}
	if r := ctl(t, "POST", s.URL+"/_mockas/clock/advance", `{"by":30}`); r.json["now"] != "2030-01-01T00:10:30Z" {
		t.Fatalf("advance seconds: %s", r.body)
	}
	if r := ctl(t, "POST", s.URL+"/_mockas/clock/set", `{"now":"2031-02-03T04:05:06Z"}`); r.json["now"] != "2031-02-03T04:05:06Z" {
		t.Fatalf("set: %s", r.body)
	}
	if got := s.Now(); !got.Equal(time.Date(2031, 2, 3, 4, 5, 6, 0, time.UTC)) {
		t.Errorf("Now() = %v", got)
	}
	if r := ctl(t, "GET", s.URL+"/_mockas/clock", ""); r.json["now"] != "2031-02-03T04:05:06Z" {
		t.Errorf("get: %s", r.body)
	}
	for _, tc := range []struct{ path, body string }{{"advance", `{}`}, {"advance", `{"by":"soon"}`}, {"set", `{"now":"yesterday"}`}, {"set", `{}`}} {
		if r := ctl(t, "POST", s.URL+"/_mockas/clock/"+tc.path, tc.body); r.status != 400 {
			t.Errorf("%s %s: %d", tc.path, tc.body, r.status)
		}
	}
}

func TestControl_faultsRateLimitsRequestsReset(t *testing.T) {
	s := start(t)
	if r := ctl(t, "POST", s.URL+"/_mockas/faults", `{"endpoint":"token","status":503,"count":2}`); r.status != 201 {
		t.Fatalf("queue fault: %d %s", r.status, r.body)
	}
	if r := ctl(t, "POST", s.URL+"/_mockas/faults", `{"endpoint":"nowhere"}`); r.status != 400 {
		t.Errorf("bad fault: %d", r.status)
	}
	var faults []Fault
	if err := json.Unmarshal(ctl(t, "GET", s.URL+"/_mockas/faults", "").body, &faults); err != nil || len(faults) != 1 || faults[0].Count != 2 {
		t.Fatalf("faults %v %v", faults, err)
	}
	cc := url.Values{"grant_type": {"client_credentials"}}
	if r := postForm(t, s.URL+"/oauth/token", cc, DefaultClientID, DefaultClientSecret); r.status != 503 || r.json["error"] != "temporarily_unavailable" {
		t.Errorf("faulted token: %d %s", r.status, r.body)
	}
	if r := ctl(t, "DELETE", s.URL+"/_mockas/faults", ""); r.status != 204 {
		t.Errorf("clear: %d", r.status)
	}
	if r := postForm(t, s.URL+"/oauth/token", cc, DefaultClientID, DefaultClientSecret); r.status != 200 {
		t.Errorf("after clear: %d", r.status)
	}
	if r := ctl(t, "POST", s.URL+"/_mockas/rate-limits", `{"client_id":"*","requests":1,"per":"1h"}`); r.status != 200 {
		t.Fatalf("rate limit: %d %s", r.status, r.body)
	}
	postForm(t, s.URL+"/oauth/token", cc, DefaultClientID, DefaultClientSecret)
	if r := postForm(t, s.URL+"/oauth/token", cc, DefaultClientID, DefaultClientSecret); r.status != 429 {
		t.Errorf("limited: %d", r.status)
	}
	if r := ctl(t, "POST", s.URL+"/_mockas/rate-limits", `{"requests":1}`); r.status != 400 {
		t.Errorf("limit without client: %d", r.status)
	}
	ctl(t, "POST", s.URL+"/_mockas/rate-limits", `{"client_id":"*","requests":0}`)
	if r := postForm(t, s.URL+"/oauth/token", cc, DefaultClientID, DefaultClientSecret); r.status != 200 {
		t.Errorf("after removing the limit: %d", r.status)
	}
	var reqs []RecordedRequest
	if err := json.Unmarshal(ctl(t, "GET", s.URL+"/_mockas/requests", "").body, &reqs); err != nil || len(reqs) < 4 {
		t.Fatalf("requests: %d %v", len(reqs), err)
	}
	if bytes.Contains(ctl(t, "GET", s.URL+"/_mockas/requests", "").body, []byte(DefaultClientSecret)) {
		t.Error("captured requests contain the client secret")
	}
	postJSON(t, s.URL+"/resource-server/oauth/register", `{"redirect_uris":["https://a.example/cb"]}`)
	s.Advance(time.Hour)
	if r := ctl(t, "POST", s.URL+"/_mockas/reset", ""); r.status != 204 {
		t.Fatalf("reset: %d", r.status)
	}
	if len(s.Requests()) != 0 || len(s.Clients()) != 1 || time.Until(s.Now()) > time.Minute {
		t.Errorf("reset left state: %d requests, %d clients, now %v", len(s.Requests()), len(s.Clients()), s.Now())
	}
	if r := ctl(t, "DELETE", s.URL+"/_mockas/requests", ""); r.status != 204 {
		t.Errorf("clear requests: %d", r.status)
	}
}

func TestControl_disabled(t *testing.T) {
	s := start(t, WithoutControl())
	if r := ctl(t, "GET", s.URL+"/_mockas/info", ""); r.status != 404 {
		t.Fatalf("control plane reachable when disabled: %d", r.status)
	}
}

// TestControl_publishKey: a published-but-inactive key joins the JWKS, signs only the mints
// that name it, survives in the JWKS until retired, and an unknown kid is refused.
func TestControl_publishKey(t *testing.T) {
	s := start(t)
	active := s.JWKS().Keys[0].KeyID
	r := ctl(t, "POST", s.URL+"/_mockas/keys/publish", "")
	kid, _ := r.json["kid"].(string)
	if r.status != 200 || kid == "" || kid == active || r.json["active_kid"] != active || len(s.JWKS().Keys) != 2 {
		t.Fatalf("publish: %d %s", r.status, r.body)
	}
	if h := decodePart(t, mustMint(t, s, TokenSpec{}), 0); h["kid"] != active {
		t.Errorf("a default mint is signed with %v, want the active %s", h["kid"], active)
	}
	m := ctl(t, "POST", s.URL+"/_mockas/mint", `{"kid":"`+kid+`"}`)
	tok, _ := m.json["token"].(string)
	if m.status != 200 || decodePart(t, tok, 0)["kid"] != kid {
		t.Fatalf("mint with kid: %d %s", m.status, m.body)
	}
	if r := ctl(t, "POST", s.URL+"/_mockas/mint", `{"kid":"snk_unknown"}`); r.status != 400 {
		t.Errorf("mint with an unknown kid: %d %s", r.status, r.body)
	}
	if err := s.RetireKey(kid); err != nil || len(s.JWKS().Keys) != 1 || s.JWKS().Keys[0].KeyID != active {
		t.Fatalf("retire the published key: %v, JWKS %v", err, s.JWKS().Keys)
	}
}

func mustMint(t *testing.T, s *Server, spec TokenSpec) string {
	t.Helper()
	tok, err := s.Mint(spec)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}
