package mockas

// This file records the requests mockas answered, with credentials redacted, so tests can
// assert what a client sent (e.g. resource=, code_challenge_method=S256).

import (
	"encoding/json"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// maxRecorded bounds the capture buffer; the oldest requests are dropped first.
const maxRecorded = 1000

// redacted replaces every secret in a captured request.
const redacted = "[REDACTED]"

// secretParams are form and query parameters never recorded in clear. Written only at init.
var secretParams = map[string]bool{
	"client_secret": true, "code": true, "code_verifier": true, "refresh_token": true,
	"token": true, "client_assertion": true, "assertion": true, "password": true,
	"id_token_hint": true, "access_token": true,
}

// secretHeaders are headers never recorded in clear. Written only at init.
var secretHeaders = []string{"Authorization", "Cookie", "Proxy-Authorization"}

// RecordedRequest is one request mockas answered, secrets redacted.
type RecordedRequest struct {
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
}

// Requests returns the captured requests (at most the latest 1000), oldest first.
func (h *Handler) Requests() []RecordedRequest {
	h.mu.Lock()
	defer h.mu.Unlock()
	rs := h.requests
	if len(rs) > maxRecorded {
		rs = rs[len(rs)-maxRecorded:]
	}
	return append([]RecordedRequest(nil), rs...)
}

// ClearRequests drops the captured requests.
func (h *Handler) ClearRequests() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.requests = nil
}

// capture records one answered request.
func (h *Handler) capture(endpoint string, r *http.Request, body []byte, sw *statusWriter) {
	rec := RecordedRequest{
		Time: h.Now(), Endpoint: endpoint, Method: r.Method, Path: r.URL.Path,
		Query: redactValues(r.URL.Query()), Header: redactHeader(r.Header),
		Status: sw.status, Error: sw.errCode,
	}
	if rec.Status == 0 {
		rec.Status = http.StatusOK
	}
	if len(body) > 0 {
		mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		switch {
		case mt == "application/x-www-form-urlencoded":
			if v, err := url.ParseQuery(string(body)); err == nil {
				rec.Form = redactValues(v)
			}
		case mt == "application/json" || strings.HasSuffix(mt, "+json"):
			rec.JSON = redactJSON(body)
		}
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.requests = append(h.requests, rec)
	if len(h.requests) >= 2*maxRecorded { // compact rarely: amortised O(1) per request
		h.requests = append([]RecordedRequest(nil), h.requests[len(h.requests)-maxRecorded:]...)
	}
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

// redactJSON replaces a top-level client_secret; invalid JSON is recorded as a string.
func redactJSON(b []byte) json.RawMessage {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		s, _ := json.Marshal(string(b))
		return s
	}
	if _, ok := m["client_secret"]; ok {
		m["client_secret"] = json.RawMessage(`"` + redacted + `"`)
	}
	out, err := json.Marshal(m)
	if err != nil {
		return nil
	}
	return out
}
