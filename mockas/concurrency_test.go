package mockas

import (
	"net/url"
	"sync"
	"testing"
)

// TestConcurrent_tokenRequests fires token, refresh, registration and control requests in
// parallel; run with -race.
func TestConcurrent_tokenRequests(t *testing.T) {
	s := start(t, WithRateLimit(RateLimit{ClientID: "*", Requests: 1000, Per: Duration(60e9)}))
	seed := userTokens(t, s)
	var wg sync.WaitGroup
	errs := make(chan string, 64)
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			for j := 0; j < 4; j++ {
				r := postForm(t, s.URL+"/oauth/token", url.Values{"grant_type": {"client_credentials"}, "scope": {"mcp:tools:x"}}, DefaultClientID, DefaultClientSecret)
				if r.status != 200 {
					errs <- string(r.body)
				}
				q := authorize(t, s.URL, authorizeParams())
				if r := postForm(t, s.URL+"/oauth/token", codeForm(q.Get("code"))); r.status != 200 {
					errs <- string(r.body)
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
		}(i)
	}
	// The same refresh token presented concurrently: at most one rotation can succeed. It may
	// be none: a reuse that lands while the first rotation is still being signed revokes the
	// whole family, the new token included (OAuth 2.1 §4.3.1 reuse detection).
	rt := seed.json["refresh_token"].(string)
	var okMu sync.Mutex
	ok := 0
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := postForm(t, s.URL+"/oauth/token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}}, DefaultClientID, DefaultClientSecret)
			if r.status == 200 {
				okMu.Lock()
				ok++
				okMu.Unlock()
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	if ok > 1 {
		t.Errorf("%d concurrent refreshes succeeded, want at most 1", ok)
	}
}
