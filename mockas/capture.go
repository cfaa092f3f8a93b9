package mockas

// This file records the requests mockas answered, with credentials redacted, so tests can
// assert what a client sent (e.g. resource=, code_challenge_method=S256).

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"sort"
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

// captureRing holds the captured requests, bounded in count and bytes: a circular buffer
// of at most maxRecorded entries, allocated as it fills, so adding one moves no other. It
// has its own lock so capture does not contend with the OAuth state behind Handler.mu.
type captureRing struct {
	mu    sync.Mutex
	buf   []RecordedRequest // live entries are buf[(head+i)%len(buf)], i < n, oldest first
	head  int
	n     int
	bytes int
	seq   uint64
}

// at returns the i-th live entry, oldest first.
func (c *captureRing) at(i int) *RecordedRequest { return &c.buf[(c.head+i)%len(c.buf)] }

// add appends rec, then drops the oldest entries until the ring fits max bytes.
func (c *captureRing) add(rec RecordedRequest, maxBytes int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.seq++
	rec.Seq = c.seq
	if c.n == maxRecorded {
		c.dropOldest()
	}
	if c.n == len(c.buf) { // not full yet: grow, oldest first at index 0
		grown := make([]RecordedRequest, c.n, min(max(2*c.n, 16), maxRecorded))
		for i := range c.n {
			grown[i] = *c.at(i)
		}
		c.buf, c.head = grown[:cap(grown)], 0
	}
	*c.at(c.n) = rec
	c.n++
	c.bytes += rec.size
	for c.n > 1 && c.bytes > maxBytes {
		c.dropOldest()
	}
}

// dropOldest removes the oldest entry.
func (c *captureRing) dropOldest() {
	old := c.at(0)
	c.bytes -= old.size
	*old = RecordedRequest{} // let the dropped entry be collected
	c.head = (c.head + 1) % len(c.buf)
	c.n--
}

// since returns at most limit entries with Seq > after, oldest first (limit <= 0: all).
func (c *captureRing) since(after uint64, limit int) []RecordedRequest {
	c.mu.Lock()
	defer c.mu.Unlock()
	first := sort.Search(c.n, func(i int) bool { return c.at(i).Seq > after })
	n := c.n - first
	if limit > 0 && n > limit {
		n = limit
	}
	out := make([]RecordedRequest, n)
	for i := range out {
		out[i] = *c.at(first + i)
	}
	return out
}

// clear drops every entry; Seq keeps counting.
func (c *captureRing) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.buf, c.head, c.n, c.bytes = nil, 0, 0, 0
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
// Redaction and the cut happen in one copy of each value.
func (h *Handler) capture(endpoint string, r *http.Request, body []byte, sw *statusWriter) {
	b := &captureBudget{left: h.cfg.Limits.CaptureEntryBytes}
	rec := RecordedRequest{
		Time: h.Now(), Endpoint: endpoint, Method: b.str(r.Method), Path: b.str(r.URL.Path),
		Status: sw.status, Error: sw.errCode,
	}
	rec.Header = http.Header(b.values(r.Header, redactHeaderValue))
	if r.URL.RawQuery != "" {
		rec.Query = b.values(r.URL.Query(), redactParam)
	}
	if rec.Status == 0 {
		rec.Status = http.StatusOK
	}
	if len(body) > 0 {
		switch mt := mediaType(r.Header.Get("Content-Type")); {
		case mt == "application/x-www-form-urlencoded":
			if v, err := url.ParseQuery(string(body)); err == nil {
				rec.Form = b.values(v, redactParam)
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

// redactor says whether key holds a secret and, if so, the one value recorded in place of
// its values (first is the first of them).
type redactor func(key, first string) (replacement string, secret bool)

// values copies v through the budget, secrets redacted: keys in sorted order, values cut;
// once the budget is spent the remaining keys are left out.
func (b *captureBudget) values(v map[string][]string, redact redactor) url.Values {
	if len(v) == 0 {
		return nil
	}
	keys := make([]string, 0, 16)
	n := 0
	for k, vs := range v {
		keys = append(keys, k)
		n += len(vs)
	}
	slices.Sort(keys)
	out := make(url.Values, min(len(v), 64))
	backing := make([]string, 0, min(n, 256)) // one allocation for the usual handful of values
	for _, k := range keys {
		if b.left <= 0 {
			b.cut = true
			break
		}
		vs := v[k]
		if len(vs) > 0 {
			if r, secret := redact(k, vs[0]); secret {
				vs = []string{r}
			}
		}
		k2, from := b.str(k), len(backing)
		for _, s := range vs {
			if b.left <= 0 {
				b.cut = true
				break
			}
			backing = append(backing, b.str(s))
		}
		out[k2] = backing[from:len(backing):len(backing)]
	}
	return out
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

// redactParam redacts a form or query parameter named in secretParams.
func redactParam(key, _ string) (string, bool) { return redacted, secretParams[key] }

// redactHeaderValue redacts credential headers, keeping only the scheme of Authorization
// and Proxy-Authorization ("Bearer [REDACTED]"), whatever the case of the header name.
func redactHeaderValue(key, first string) (string, bool) {
	switch {
	case strings.EqualFold(key, "Authorization"), strings.EqualFold(key, "Proxy-Authorization"):
		scheme, _, _ := strings.Cut(strings.TrimSpace(first), " ")
		return strings.TrimSpace(scheme + " " + redacted), true
	case strings.EqualFold(key, "Cookie"):
		return redacted, true
	}
	return "", false
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
