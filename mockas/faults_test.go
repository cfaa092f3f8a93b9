package mockas

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestFaults(t *testing.T) {
	cc := url.Values{"grant_type": {"client_credentials"}}
	tests := []struct {
		name       string
		fault      Fault
		wantStatus int
		wantBody   string
		wantCT     string
	}{
		{"status only", Fault{Endpoint: "token", Status: 500}, 500, `"error":"server_error"`, "application/json"},
		{"oauth error", Fault{Endpoint: "token", Error: "invalid_grant", Description: "nope"}, 400, `{"error":"invalid_grant","error_description":"nope"}`, "application/json"},
		{"error in 200", Fault{Endpoint: "token", Error: "invalid_client", ErrorIn200: true}, 200, `"error":"invalid_client"`, "application/json"},
		{"malformed body", Fault{Endpoint: "token", Status: 200, Body: `{"access_token":`}, 200, `{"access_token":`, "application/json"},
		{"text/plain error", Fault{Endpoint: "token", Status: 400, Body: "bad", ContentType: "text/plain"}, 400, "bad", "text/plain"},
		{"rate limited", Fault{Endpoint: "token", Status: 429}, 429, `"error":"rate_limit_exceeded"`, "application/json"},
		{"latency only", Fault{Endpoint: "token", Latency: Duration(time.Millisecond)}, 200, `"access_token"`, "application/json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := start(t, WithFault(tt.fault))
			r := postForm(t, s.URL+"/oauth/token", cc, DefaultClientID, DefaultClientSecret)
			if r.status != tt.wantStatus || !strings.Contains(string(r.body), tt.wantBody) || r.header.Get("Content-Type") != tt.wantCT {
				t.Fatalf("got %d %q %s", r.status, r.header.Get("Content-Type"), r.body)
			}
			// Count 0 means one request.
			if r := postForm(t, s.URL+"/oauth/token", cc, DefaultClientID, DefaultClientSecret); r.status != 200 {
				t.Errorf("second request still faulted: %d", r.status)
			}
		})
	}
}

func TestFaults_endpointsAndCount(t *testing.T) {
	s := start(t)
	s.QueueFault(Fault{Endpoint: "keys", Status: 503, Count: -1})
	s.QueueFault(Fault{Endpoint: "metadata", Error: "server_error", Status: 502, Count: 2})
	s.QueueFault(Fault{Endpoint: "bogus"}) // dropped
	for i := 0; i < 3; i++ {
		if r := get(t, s.URL+"/keys"); r.status != 503 {
			t.Fatalf("keys #%d: %d", i, r.status)
		}
	}
	for i, want := range []int{502, 502, 200} {
		if r := get(t, s.URL+"/.well-known/oauth-authorization-server"); r.status != want {
			t.Errorf("metadata #%d: %d, want %d", i, r.status, want)
		}
	}
	if f := s.Faults(); len(f) != 1 || f[0].Endpoint != "keys" || f[0].Count != -1 {
		t.Errorf("Faults() = %+v", f)
	}
	s.ClearFaults()
	if r := get(t, s.URL+"/keys"); r.status != 200 {
		t.Errorf("keys after clear: %d", r.status)
	}
}

func TestRateLimit(t *testing.T) {
	s := start(t, WithClock(fixedClock(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC))),
		WithRateLimit(RateLimit{ClientID: DefaultClientID, Requests: 2, Per: Duration(time.Minute)}),
		WithClient(Client{ID: DefaultClientID, Secret: DefaultClientSecret}), WithClient(Client{ID: "free", Secret: "f"}))
	cc := url.Values{"grant_type": {"client_credentials"}}
	for i := 0; i < 2; i++ {
		if r := postForm(t, s.URL+"/oauth/token", cc, DefaultClientID, DefaultClientSecret); r.status != 200 {
			t.Fatalf("#%d: %d", i, r.status)
		}
	}
	r := postForm(t, s.URL+"/oauth/token", cc, DefaultClientID, DefaultClientSecret)
	if r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") != "60" || r.json["error"] != "rate_limit_exceeded" || r.json["error_description"] == nil {
		t.Fatalf("limited: %d %q %s", r.status, r.header.Get("Retry-After"), r.body)
	}
	if r := postForm(t, s.URL+"/oauth/token", cc, "free", "f"); r.status != 200 {
		t.Errorf("other client limited: %d", r.status)
	}
	s.Advance(59 * time.Second)
	if r := postForm(t, s.URL+"/oauth/token", cc, DefaultClientID, DefaultClientSecret); r.header.Get("Retry-After") != "1" {
		t.Errorf("Retry-After near the end: %q", r.header.Get("Retry-After"))
	}
	s.Advance(time.Second)
	if r := postForm(t, s.URL+"/oauth/token", cc, DefaultClientID, DefaultClientSecret); r.status != 200 {
		t.Errorf("new window: %d", r.status)
	}
}

func TestCapture_redacts(t *testing.T) {
	s := start(t)
	q := authorize(t, s.URL, authorizeParams())
	postForm(t, s.URL+"/oauth/token", codeForm(q.Get("code")))
	postForm(t, s.URL+"/oauth/token", url.Values{"grant_type": {"client_credentials"}}, DefaultClientID, DefaultClientSecret)
	reqs := s.Requests()
	if len(reqs) != 3 {
		t.Fatalf("%d requests", len(reqs))
	}
	if a := reqs[0]; a.Endpoint != "authorize" || a.Query.Get("code_challenge_method") != "S256" || a.Status != 302 {
		t.Errorf("authorize record %+v", a)
	}
	tok := reqs[1]
	if tok.Form.Get("client_secret") != redacted || tok.Form.Get("code") != redacted || tok.Form.Get("code_verifier") != redacted || tok.Form.Get("grant_type") != "authorization_code" {
		t.Errorf("token form %v", tok.Form)
	}
	if got := reqs[2].Header.Get("Authorization"); got != "Basic "+redacted {
		t.Errorf("Authorization recorded as %q", got)
	}
	postForm(t, s.URL+"/oauth/token", url.Values{"grant_type": {"client_credentials"}}, DefaultClientID, "wrong")
	if last := s.Requests()[3]; last.Status != 401 || last.Error != "invalid_client" {
		t.Errorf("error not recorded: %+v", last)
	}
}

func TestCapture_bounded(t *testing.T) {
	h, err := NewHandler(Config{Issuer: "http://127.0.0.1:9", SigningKey: testKeyPEM})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2*maxRecorded+10; i++ {
		serve(h, http.MethodGet, "/health", "", nil)
	}
	if n := len(h.Requests()); n != maxRecorded {
		t.Fatalf("%d recorded, want %d", n, maxRecorded)
	}
}
