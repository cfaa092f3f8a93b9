package mockas

import (
	"encoding/json"
	"mime"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
)

// TestCaptureRing drives the circular buffer through growth, wrap-around, the count bound,
// the byte bound and paging, and checks every entry comes back oldest first with its Seq.
func TestCaptureRing(t *testing.T) {
	var c captureRing
	seqs := func(rs []RecordedRequest) (first, last uint64, n int) {
		t.Helper()
		for i, r := range rs {
			if i > 0 && r.Seq != rs[i-1].Seq+1 {
				t.Fatalf("entry %d: seq %d after %d, want consecutive", i, r.Seq, rs[i-1].Seq)
			}
			if r.Path != pathFor(r.Seq) {
				t.Fatalf("entry seq %d holds %q, want %q", r.Seq, r.Path, pathFor(r.Seq))
			}
		}
		if len(rs) == 0 {
			return 0, 0, 0
		}
		return rs[0].Seq, rs[len(rs)-1].Seq, len(rs)
	}
	add := func(size, maxBytes int) {
		c.add(RecordedRequest{Path: pathFor(c.seq + 1), size: size}, maxBytes)
	}

	for range 5 {
		add(10, 1<<20)
	}
	if f, l, n := seqs(c.since(0, 0)); f != 1 || l != 5 || n != 5 {
		t.Fatalf("after 5: seq %d..%d (%d), want 1..5", f, l, n)
	}

	// Count bound: 2.5 times maxRecorded entries keep the newest maxRecorded, wrapping.
	for range 2*maxRecorded + maxRecorded/2 - 5 {
		add(10, 1<<30)
	}
	total := uint64(2*maxRecorded + maxRecorded/2)
	if f, l, n := seqs(c.since(0, 0)); n != maxRecorded || l != total || f != total-maxRecorded+1 {
		t.Fatalf("after %d: seq %d..%d (%d entries), want the newest %d", total, f, l, n, maxRecorded)
	}
	if c.bytes != 10*maxRecorded {
		t.Errorf("bytes = %d, want %d", c.bytes, 10*maxRecorded)
	}

	// Paging: since a Seq in the middle, with a limit.
	if f, l, n := seqs(c.since(total-10, 4)); f != total-9 || l != total-6 || n != 4 {
		t.Errorf("since %d limit 4: seq %d..%d (%d), want %d..%d", total-10, f, l, n, total-9, total-6)
	}
	if _, _, n := seqs(c.since(total, 0)); n != 0 {
		t.Errorf("since the last seq: %d entries, want 0", n)
	}

	// Byte bound: a large entry drops the oldest until the total fits; the newest always stays.
	add(10*maxRecorded-100, 10*maxRecorded)
	if f, l, n := seqs(c.since(0, 0)); l != total+1 || c.bytes > 10*maxRecorded || n != 11 || f != total-9 {
		t.Errorf("after a large entry: seq %d..%d (%d entries, %d bytes), want the large one and 10 before it", f, l, n, c.bytes)
	}
	add(1<<20, 100)
	if f, l, n := seqs(c.since(0, 0)); n != 1 || f != total+2 || l != total+2 {
		t.Errorf("an entry over the whole bound: seq %d..%d (%d), want only it", f, l, n)
	}

	// Clear keeps counting.
	c.clear()
	add(10, 1<<20)
	if f, _, n := seqs(c.since(0, 0)); n != 1 || f != total+3 {
		t.Errorf("after clear: first seq %d (%d entries), want %d", f, n, total+3)
	}
}

func pathFor(seq uint64) string { return "/r/" + strconv.FormatUint(seq, 10) }

// TestCapture_everyCredentialHeaderRedacted: a credential header is redacted whatever its
// values. Before, only a non-empty first value was, so "Authorization:" followed by a
// second Authorization line kept that line in clear; query and form secrets too.
func TestCapture_everyCredentialHeaderRedacted(t *testing.T) {
	h, err := NewHandler(Config{Issuer: "https://as.example"})
	if err != nil {
		t.Fatal(err)
	}
	r := httptest.NewRequest(http.MethodPost, "/oauth/token?code=q-s3cret&x=1", nil)
	r.Header["Authorization"] = []string{"", "Bearer a-s3cret"}
	r.Header["Proxy-Authorization"] = []string{"Basic p-s3cret"}
	r.Header["Cookie"] = []string{"session=c-s3cret"}
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	h.capture("token", r, []byte("client_secret=f-s3cret&refresh_token=r-s3cret&grant_type=refresh_token"), &statusWriter{})
	got := h.Requests()
	b, _ := json.Marshal(got)
	if strings.Contains(string(b), "s3cret") {
		t.Fatalf("a secret was captured in clear: %s", b)
	}
	rec := got[0]
	if a := rec.Header["Authorization"]; len(a) != 1 || a[0] != "[REDACTED]" {
		t.Errorf("Authorization = %q, want one [REDACTED]", a)
	}
	if a := rec.Header["Proxy-Authorization"]; len(a) != 1 || a[0] != "Basic [REDACTED]" {
		t.Errorf("Proxy-Authorization = %q, want the scheme kept", a)
	}
	if rec.Form.Get("grant_type") != "refresh_token" || rec.Query.Get("x") != "1" || rec.Form.Get("client_secret") != redacted {
		t.Errorf("form %v, query %v: non-secrets must be kept, secrets redacted", rec.Form, rec.Query)
	}
}

// TestMediaType: the shortcut for the usual Content-Type values agrees with
// mime.ParseMediaType, and anything else goes through it.
func TestMediaType(t *testing.T) {
	for _, ct := range []string{
		"application/x-www-form-urlencoded", "application/json", "Application/JSON",
		"application/x-www-form-urlencoded; charset=UTF-8", "application/jwk-set+json", "", "text/plain;;", "/",
	} {
		want, _, err := mime.ParseMediaType(ct)
		if err != nil {
			want = ""
		}
		if got := mediaType(ct); got != want {
			t.Errorf("mediaType(%q) = %q, want %q", ct, got, want)
		}
	}
}
