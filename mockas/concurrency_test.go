package mockas

import (
	"fmt"
	"net/url"
	"sync"
	"testing"
)

// TestConcurrent_tokenRequests fires token, refresh, registration and control requests in
// parallel; run with -race. Each goroutine works inside its own subtest ("Run may be called
// simultaneously from multiple goroutines"), so the helpers' t.Fatal always runs on the
// goroutine of the test it belongs to.
func TestConcurrent_tokenRequests(t *testing.T) {
	s := start(t, WithRateLimit(RateLimit{ClientID: "*", Requests: 1000, Per: Duration(60e9)}))
	seed := userTokens(t, s)
	worker := func(t *testing.T, i int) {
		for j := 0; j < 4; j++ {
			if r := postForm(t, s.URL+"/oauth/token", url.Values{"grant_type": {"client_credentials"}, "scope": {"mcp:tools:x"}}, DefaultClientID, DefaultClientSecret); r.status != 200 {
				t.Errorf("client_credentials: %d %s", r.status, r.body)
			}
			q := authorize(t, s.URL, authorizeParams())
			if r := postForm(t, s.URL+"/oauth/token", codeForm(q.Get("code"))); r.status != 200 {
				t.Errorf("authorization_code: %d %s", r.status, r.body)
			}
		}
		switch i % 4 {
		case 0:
			postJSON(t, s.URL+"/resource-server/oauth/register", `{"redirect_uris":["https://a.example/cb"]}`)
		case 1:
			s.Advance(1)
			_, _ = s.Mint(TokenSpec{Defect: DefectForeignKey})
		case 2:
			_ = s.Requests()
			_ = s.Clients()
		case 3:
			postForm(t, s.URL+"/oauth/introspect", url.Values{"token": {seed.json["access_token"].(string)}}, DefaultClientID, DefaultClientSecret)
		}
	}

	// The same refresh token presented concurrently: at most one rotation can succeed. It may
	// be none: a reuse that lands while the first rotation is still being signed revokes the
	// whole family, the new token included (OAuth 2.1 §4.3.1 reuse detection).
	rt := seed.json["refresh_token"].(string)
	var okMu sync.Mutex
	ok := 0
	refresher := func(t *testing.T) {
		r := postForm(t, s.URL+"/oauth/token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}}, DefaultClientID, DefaultClientSecret)
		switch {
		case r.status == 200:
			okMu.Lock()
			ok++
			okMu.Unlock()
		case r.status != 400:
			t.Errorf("concurrent refresh: %d %s, want 200 or 400 invalid_grant", r.status, r.body)
		}
	}

	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			t.Run(fmt.Sprintf("worker%d", i), func(t *testing.T) { worker(t, i) })
		}()
	}
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			t.Run(fmt.Sprintf("refresh%d", i), refresher)
		}()
	}
	wg.Wait()
	if ok > 1 {
		t.Errorf("%d concurrent refreshes succeeded, want at most 1", ok)
	}
}
