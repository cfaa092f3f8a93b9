package mockas

// Tests for the abuse cases of issue 11: what clients send must not make mockas grow without
// bound, hang, or leak a secret into the capture.

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math"
	"net"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"testing"
	"time"
)

// TestCapture_boundedInBytes: 1 MiB token requests used to be kept whole (1,500 of them
// took mockas to 2.4 GB); now each entry is cut to CaptureEntryBytes with a marker and the
// ring holds at most CaptureBytes.
func TestCapture_boundedInBytes(t *testing.T) {
	h, err := NewHandler(Config{Issuer: "http://127.0.0.1:9", SigningKey: testKeyPEM,
		Limits: Limits{CaptureBytes: 256 << 10, CaptureEntryBytes: 4 << 10}})
	if err != nil {
		t.Fatal(err)
	}
	big := strings.Repeat("é", (maxBodyBytes-100)/2) // multi-byte, so a cut must respect UTF-8
	body := url.Values{"grant_type": {"client_credentials"}, "scope": {big}}.Encode()
	if len(body) > maxBodyBytes {
		body = body[:maxBodyBytes] // still a form; the value is cut mid-escape at worst
	}
	hdr := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}, "X-Big": {strings.Repeat("h", 200<<10)}}
	for range 100 {
		serve(h, http.MethodPost, "/oauth/token", body, hdr)
	}
	rs := h.Requests()
	if len(rs) == 0 {
		t.Fatal("nothing captured")
	}
	all, _ := json.Marshal(rs)
	if len(all) > 300<<10 {
		t.Errorf("capture holds %d bytes of JSON, want about 256 KiB at most", len(all))
	}
	last := rs[len(rs)-1]
	one, _ := json.Marshal(last)
	if len(one) > 6<<10 {
		t.Errorf("one entry is %d bytes of JSON, want about 4 KiB", len(one))
	}
	if !last.Truncated || !strings.Contains(string(one), "…[truncated ") {
		t.Errorf("a cut entry must say so: truncated=%v %.300s", last.Truncated, one)
	}
	if last.Seq != 100 || rs[0].Seq != 100-uint64(len(rs))+1 {
		t.Errorf("seq of the kept entries: first %d last %d (%d kept)", rs[0].Seq, last.Seq, len(rs))
	}
	// Small requests are kept whole.
	h.ClearRequests()
	serve(h, http.MethodGet, "/health", "", nil)
	if rs := h.Requests(); len(rs) != 1 || rs[0].Truncated {
		t.Errorf("small request: %+v", rs)
	}
}

// TestCapture_keepsNoBodyAlive: a kept value such as grant_type=client_credentials is a
// substring of the parsed body; keeping it used to keep each 1 MiB body alive (1,500
// rejected requests took the binary to 1 GB even with the capture cut to 16 KiB each).
func TestCapture_keepsNoBodyAlive(t *testing.T) {
	h, err := NewHandler(Config{Issuer: "http://127.0.0.1:9", SigningKey: testKeyPEM})
	if err != nil {
		t.Fatal(err)
	}
	hdr := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}
	for i := range 150 {
		body := fmt.Sprintf("grant_type=client_credentials&client_id=c%d&pad=%s", i, strings.Repeat("p", maxBodyBytes-100))
		serve(h, http.MethodPost, "/oauth/token", body, hdr)
	}
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	if ms.HeapAlloc > 100<<20 {
		t.Errorf("heap after 150 captured 1 MiB requests: %d MB, want well under 100", ms.HeapAlloc>>20)
	}
	if n := len(h.Requests()); n != 150 {
		t.Errorf("%d captured", n)
	}
}

// TestCapture_paginated: GET /_mockas/requests pages with since and limit instead of
// answering everything at once.
func TestCapture_paginated(t *testing.T) {
	s := start(t)
	for range 5 {
		get(t, s.URL+"/health")
	}
	var page []RecordedRequest
	if err := json.Unmarshal(get(t, s.URL+"/_mockas/requests?limit=2").body, &page); err != nil || len(page) != 2 || page[0].Seq != 1 {
		t.Fatalf("first page: %v %+v", err, page)
	}
	if err := json.Unmarshal(get(t, s.URL+"/_mockas/requests?since=4").body, &page); err != nil || len(page) != 1 || page[0].Seq != 5 {
		t.Fatalf("since=4: %v %+v", err, page)
	}
	if r := get(t, s.URL+"/_mockas/requests?since=99"); r.status != 200 || string(r.body) != "[]\n" && string(r.body) != "[]" {
		t.Errorf("past the end: %d %q", r.status, r.body)
	}
	for _, q := range []string{"limit=0", "limit=x", "since=-1"} {
		if r := get(t, s.URL+"/_mockas/requests?"+q); r.status != 400 {
			t.Errorf("%s: %d, want 400", q, r.status)
		}
	}
}

// TestCapture_nestedSecretsRedacted: a client_secret nested in a registration body used to
// be captured in clear.
func TestCapture_nestedSecretsRedacted(t *testing.T) {
	s := start(t)
	postJSON(t, s.URL+"/resource-server/oauth/register", `{"grant_types":["client_credentials"],"client_secret":"top-s3cret",
		"software_statement_claims":{"client_secret":"nested-s3cret","n":1.50},"list":[{"refresh_token":"rt-s3cret"}]}`)
	b, _ := json.Marshal(s.Requests())
	for _, secret := range []string{"top-s3cret", "nested-s3cret", "rt-s3cret"} {
		if strings.Contains(string(b), secret) {
			t.Errorf("%s captured in clear: %s", secret, b)
		}
	}
	if !strings.Contains(string(b), `1.50`) {
		t.Errorf("numbers must be kept as sent: %s", b)
	}
}

// TestFault_noInterimStatus: a 101 fault used to hang clients waiting for a final answer.
func TestFault_noInterimStatus(t *testing.T) {
	s := start(t)
	for _, st := range []int{100, 101, 103, 199} {
		r := postJSON(t, s.URL+"/_mockas/faults", fmt.Sprintf(`{"endpoint":"token","status":%d}`, st))
		if r.status != 400 {
			t.Errorf("fault status %d: %d, want 400", st, r.status)
		}
	}
	if err := (Config{Faults: []Fault{{Endpoint: "token", Status: 101}}}).Validate(); err == nil {
		t.Error("Config with a 101 fault is valid")
	}
	if r := postJSON(t, s.URL+"/_mockas/faults", `{"endpoint":"token","status":204}`); r.status != 201 {
		t.Errorf("fault status 204: %d", r.status)
	}
}

// TestClock_offsetSaturates: advancing by the largest duration twice used to wrap the
// offset and move the clock backwards.
func TestClock_offsetSaturates(t *testing.T) {
	s := start(t)
	real := time.Now()
	s.Advance(math.MaxInt64)
	s.Advance(math.MaxInt64)
	if now := s.Now(); !now.After(real.Add(MaxClockOffset - time.Hour)) {
		t.Errorf("after two huge advances the clock is %v", now)
	}
	s.Advance(math.MinInt64)
	s.Advance(math.MinInt64)
	s.Advance(math.MinInt64)
	if now := s.Now(); !now.Before(real.Add(-MaxClockOffset + time.Hour)) {
		t.Errorf("after huge moves back the clock is %v", now)
	}
	s.SetNow(time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC))
	if now := s.Now(); now.Year() > real.Year()+101 {
		t.Errorf("SetNow beyond the bound: %v", now)
	}

	// The control plane refuses instead, and leaves the clock alone.
	s.Reset()
	before := s.Now()
	for _, c := range []struct{ path, body string }{
		{"/_mockas/clock/advance", `{"by":"2562047h"}`},
		{"/_mockas/clock/advance", `{"by":"-900000h"}`},
		{"/_mockas/clock/set", `{"now":"9999-01-01T00:00:00Z"}`},
	} {
		if r := postJSON(t, s.URL+c.path, c.body); r.status != 400 {
			t.Errorf("%s %s: %d %s", c.path, c.body, r.status, r.body)
		}
	}
	if d := s.Now().Sub(before); d < 0 || d > time.Minute {
		t.Errorf("refused moves changed the clock by %v", d)
	}
	if r := postJSON(t, s.URL+"/_mockas/clock/advance", `{"by":"8760h"}`); r.status != 200 {
		t.Errorf("a year ahead: %d %s", r.status, r.body)
	}
}

// TestServer_slowBodyTimesOut: a body that never arrives used to hold the connection
// forever (only a header timeout was set).
func TestServer_slowBodyTimesOut(t *testing.T) {
	s := start(t, func(c *Config) { c.Limits.ReadTimeout = Duration(300 * time.Millisecond) })
	conn, err := net.Dial("tcp", strings.TrimPrefix(s.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /oauth/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\ngrant_type")
	_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	br := bufio.NewReader(conn)
	for {
		if _, err := br.ReadString('\n'); err != nil {
			if ne, ok := err.(net.Error); ok && ne.Timeout() {
				t.Fatal("the connection is still open 5s after the read timeout")
			}
			return // closed by the server
		}
	}
}

// TestToken_scopeBounded: a 1 MiB scope used to be granted and copied into the token, the
// grant and the ring of issued tokens.
func TestToken_scopeBounded(t *testing.T) {
	s := start(t)
	r := postForm(t, s.URL+"/oauth/token", url.Values{"grant_type": {"client_credentials"}, "scope": {strings.Repeat("s", 5000)}}, DefaultClientID, DefaultClientSecret)
	if r.status != 400 || r.json["error"] != string(CodeInvalidScope) {
		t.Errorf("5,000-byte scope: %d %s", r.status, r.body)
	}
}

// TestGrants_bounded: authorization codes (and refresh tokens, grants, revocations) had no
// bound but their expiry, so a client could make mockas hold millions of them.
func TestGrants_bounded(t *testing.T) {
	s := start(t, func(c *Config) { c.Limits.MaxGrants = 10 })
	var last string
	for range 300 {
		last = authorize(t, s.URL, authorizeParams()).Get("code")
	}
	s.h.mu.Lock()
	n := len(s.h.codes)
	s.h.mu.Unlock()
	if n > 10+64 {
		t.Errorf("%d codes held, want at most the limit plus one pruning interval", n)
	}
	if r := postForm(t, s.URL+"/oauth/token", codeForm(last)); r.status != 200 {
		t.Errorf("the newest code must survive the bound: %d %s", r.status, r.body)
	}
}

// TestLimits_validate: negative limits are configuration errors.
func TestLimits_validate(t *testing.T) {
	if err := (Config{Limits: Limits{MaxClients: -1}}).Validate(); err == nil || !strings.Contains(err.Error(), "max_clients") {
		t.Errorf("negative max_clients: %v", err)
	}
}
