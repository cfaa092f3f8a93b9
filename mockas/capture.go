package mockas

// This file records the requests mockas answered, with credentials redacted, so tests can
// assert what a client sent (e.g. resource=, code_challenge_method=S256).

import (
	"bytes"
	"cmp"
	"encoding/json"
	"maps"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// maxRecorded bounds the number of captured requests; Limits.CaptureBytes bounds their
// size. The oldest requests are dropped first.
const maxRecorded = 1000

// redacted replaces every secret in a captured request.
const redacted = "[REDACTED]"

// entryOverhead is what a captured request costs beyond its strings (struct, maps, slices),
// counted against Limits.CaptureBytes so many tiny requests are bounded too.
const entryOverhead = 256

// secretParams are form and query parameters, and JSON members at any depth, never
// recorded in clear. Written only at init.
var secretParams = map[string]bool{
	"client_secret": true, "code": true, "code_verifier": true, "refresh_token": true,
	"token": true, "client_assertion": true, "assertion": true, "password": true,
	"id_token_hint": true, "access_token": true, "id_token": true,
}

// secretHeaders are headers never recorded in clear. Written only at init.
var secretHeaders = []string{"Authorization", "Cookie", "Proxy-Authorization"}

// RecordedRequest is one request mockas answered, secrets redacted.
type RecordedRequest struct {
	// Seq numbers captured requests from 1, in capture order; GET /_mockas/requests?since=
	// takes the last Seq seen.
	Seq uint64 `json:"seq"`
	// Time on the instance clock.
	Time time.Time `json:"time"`
	// Endpoint is the fault endpoint name (token, authorize, metadata, …).
	Endpoint string `json:"endpoint"`
	// Method is the HTTP method.
	Method string `json:"method"`
	// Path is the URL path.
	Path string `json:"path"`
	// Query is the URL query.
	Query url.Values `json:"query,omitempty"`
	// Form is the parsed application/x-www-form-urlencoded body.
	Form url.Values `json:"form,omitempty"`
	// JSON is a JSON body (registration), top-level client_secret redacted.
	JSON json.RawMessage `json:"json,omitempty"`
	// Header holds the request headers; Authorization keeps only its scheme.
	Header http.Header `json:"header,omitempty"`
	// Status is the response status.
	Status int `json:"status"`
	// Error is the OAuth error code of the response, if any.
	Error string `json:"error,omitempty"`
	// Truncated is set when the request exceeded Limits.CaptureEntryBytes: values were cut
	// (each ending in "…[truncated N bytes]") or left out.
	Truncated bool `json:"truncated,omitempty"`

	size int // bytes counted against Limits.CaptureBytes
}

// captureRing holds the captured requests, bounded in count and bytes. It has its own
// lock so capture does not contend with the OAuth state behind Handler.mu.
type captureRing struct {
	mu    sync.Mutex
	buf   []RecordedRequest // buf[start:] are live, oldest first
	start int
	bytes int
	seq   uint64
}

// add appends rec, then drops the oldest entries until the ring fits max bytes.
func (c *captureRing) add(rec RecordedRequest, maxBytes int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.seq++
	rec.Seq = c.seq
	c.buf = append(c.buf, rec)
	c.bytes += rec.size
	for len(c.buf)-c.start > 1 && (c.bytes > maxBytes || len(c.buf)-c.start > maxRecorded) {
		c.bytes -= c.buf[c.start].size
		c.buf[c.start] = RecordedRequest{} // let the dropped entry be collected
		c.start++
	}
	if c.start > maxRecorded && c.start*2 > len(c.buf) { // compact rarely: amortised O(1)
		c.buf = append([]RecordedRequest(nil), c.buf[c.start:]...)
		c.start = 0
	}
}

// since returns at most limit entries with Seq > after, oldest first (limit <= 0: all).
func (c *captureRing) since(after uint64, limit int) []RecordedRequest {
	c.mu.Lock()
	defer c.mu.Unlock()
	live := c.buf[c.start:]
	i, _ := slices.BinarySearchFunc(live, after+1, func(r RecordedRequest, seq uint64) int { return cmp.Compare(r.Seq, seq) })
	live = live[i:]
	if limit > 0 && len(live) > limit {
		live = live[:limit]
	}
	return append([]RecordedRequest(nil), live...)
}

// clear drops every entry; Seq keeps counting.
func (c *captureRing) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.buf, c.start, c.bytes = nil, 0, 0
}

// Requests returns the captured requests, oldest first: at most the latest 1000, and no
// more than Limits.CaptureBytes of them.
func (h *Handler) Requests() []RecordedRequest { return h.captured.since(0, 0) }

// RequestsSince returns at most limit captured requests with Seq greater than after, oldest
// first (limit <= 0: no limit), for paging through the capture.
func (h *Handler) RequestsSince(after uint64, limit int) []RecordedRequest {
	return h.captured.since(after, limit)
}

// ClearRequests drops the captured requests.
func (h *Handler) ClearRequests() { h.captured.clear() }

// capture records one answered request, redacted, then cut to Limits.CaptureEntryBytes.
func (h *Handler) capture(endpoint string, r *http.Request, body []byte, sw *statusWriter) {
	b := &captureBudget{left: h.cfg.Limits.CaptureEntryBytes}
	rec := RecordedRequest{
		Time: h.Now(), Endpoint: endpoint, Method: b.str(r.Method), Path: b.str(r.URL.Path),
		Status: sw.status, Error: sw.errCode,
	}
	rec.Header = b.header(redactHeader(r.Header))
	rec.Query = b.values(redactValues(r.URL.Query()))
	if rec.Status == 0 {
		rec.Status = http.StatusOK
	}
	if len(body) > 0 {
		mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		switch {
		case mt == "application/x-www-form-urlencoded":
			if v, err := url.ParseQuery(string(body)); err == nil {
				rec.Form = b.values(redactValues(v))
			}
		case mt == "application/json" || strings.HasSuffix(mt, "+json"):
			rec.JSON = b.json(redactJSON(body))
		}
	}
	rec.Truncated = b.cut
	rec.size = h.cfg.Limits.CaptureEntryBytes - b.left + entryOverhead
	h.captured.add(rec, h.cfg.Limits.CaptureBytes)
}

// captureBudget hands out the bytes one captured request may keep.
type captureBudget struct {
	left int
	cut  bool
}

// str returns a copy of s, or of its longest UTF-8-valid prefix that fits followed by a
// marker saying how much was cut. It copies because a parsed value is often a substring of
// the whole body: keeping "client_credentials" must not keep the 1 MiB body around it.
func (b *captureBudget) str(s string) string {
	if len(s) <= b.left {
		b.left -= len(s)
		return strings.Clone(s)
	}
	keep := max(b.left, 0)
	for keep > 0 && !utf8.RuneStart(s[keep]) {
		keep--
	}
	b.left, b.cut = 0, true
	return s[:keep] + "…[truncated " + strconv.Itoa(len(s)-keep) + " bytes]"
}

// values applies the budget to v: keys in sorted order, values cut; once the budget is
// spent the remaining keys are left out.
func (b *captureBudget) values(v url.Values) url.Values {
	if len(v) == 0 {
		return nil
	}
	out := make(url.Values, min(len(v), 64))
	for _, k := range slices.Sorted(maps.Keys(v)) {
		if b.left <= 0 {
			b.cut = true
			break
		}
		k2 := b.str(k)
		for _, s := range v[k] {
			if b.left <= 0 {
				b.cut = true
				break
			}
			out[k2] = append(out[k2], b.str(s))
		}
	}
	return out
}

// header is values for headers.
func (b *captureBudget) header(h http.Header) http.Header {
	return http.Header(b.values(url.Values(h)))
}

// json keeps a JSON body that fits; one that does not becomes a JSON string holding its
// cut text (redacted before it was cut, so no secret survives the cut).
func (b *captureBudget) json(raw json.RawMessage) json.RawMessage {
	if len(raw) <= b.left {
		b.left -= len(raw)
		return raw
	}
	out, err := json.Marshal(b.str(string(raw)))
	if err != nil {
		return nil
	}
	return out
}

// redactValues copies v with secret parameters replaced.
func redactValues(v url.Values) url.Values {
	if len(v) == 0 {
		return nil
	}
	out := make(url.Values, len(v))
	for k, vs := range v {
		if secretParams[k] {
			vs = []string{redacted}
		}
		out[k] = append([]string(nil), vs...)
	}
	return out
}

// redactHeader copies hd keeping only the scheme of credential headers.
func redactHeader(hd http.Header) http.Header {
	out := hd.Clone()
	for _, k := range secretHeaders {
		if v := out.Get(k); v != "" {
			scheme, _, _ := strings.Cut(v, " ")
			if k != "Authorization" && k != "Proxy-Authorization" {
				scheme = ""
			}
			out.Set(k, strings.TrimSpace(scheme+" "+redacted))
		}
	}
	return out
}

// redactJSON replaces every secret member (secretParams) at any depth of a JSON body, in
// objects nested in objects and arrays; invalid JSON is recorded as a string.
func redactJSON(b []byte) json.RawMessage {
	var v any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber() // keep numbers exactly as sent
	if err := dec.Decode(&v); err != nil || dec.More() {
		s, _ := json.Marshal(string(b))
		return s
	}
	out, err := json.Marshal(redactAny(v))
	if err != nil {
		return nil
	}
	return out
}

// redactAny walks a decoded JSON value, replacing the values of secret members.
func redactAny(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, x := range t {
			if secretParams[k] {
				t[k] = redacted
				continue
			}
			t[k] = redactAny(x)
		}
	case []any:
		for i, x := range t {
			t[i] = redactAny(x)
		}
	}
	return v
}
