package check

// This file sends a run's requests through its safe.Client, the one bounded HTTP client
// (timeouts, body and header caps, no redirects, allow-list, credentials only to the
// target, request budget: see safe.Client). On top of it, a Run:
//
//   - puts on the client's allow-list the URLs the target itself advertises
//     (resource_metadata → PRM authorization_servers → AS metadata URLs → jwks_uri);
//   - reads an event stream up to the event carrying the JSON-RPC response only (the server
//     SHOULD, not MUST, close the stream after it: transports 2025-11-25 §2.1);
//   - returns a redirect from the target as a response (checks judge it), never following it.
//   - caps the requests per run (MaxRequestsPerRun) and per origin other than the target's
//     (MaxRequestsPerOtherOrigin), so a target that advertises thousands of authorization
//     servers cannot aim the run at a third party; a check that must send more than the run's
//     budget (RS-60 under a declared rate limit) gets its own allowance (C.AllowRequests),
//     bounded by MaxCheckAllowance. The client charges each request (safe.Request.Charge)
//     only once it passed the allow-list and credential rules.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/mcp-conform/mcp-conform/conformance/safe"
)

// Limits of the bounded client.
const (
	// MaxBodyBytes is the most of a response body that is read; the rest is discarded and
	// Response.Truncated is set.
	MaxBodyBytes = safe.MaxBodyBytes
	// DefaultTimeout applies to each request when Config.Timeout is zero.
	DefaultTimeout = 5 * time.Second
	// MaxRequestsPerRun caps the requests one Run may send.
	MaxRequestsPerRun = 2000
	// MaxRequestsPerOtherOrigin caps the requests one Run sends to each origin other than
	// the target's (authorization servers, JWKS hosts): a twentieth of the run's budget.
	MaxRequestsPerOtherOrigin = 100
	// MaxCheckAllowance bounds the requests one check may be allowed beyond the run's budget
	// (C.AllowRequests). A declared rate limit whose probe needs more is a usage error
	// (RateLimit.Validate).
	MaxCheckAllowance = 10000
)

// Errors returned (wrapped) by the bounded client; match them with errors.Is.
var (
	// ErrUnreachable wraps why NewRun could not get any HTTP answer from the target: it
	// refused or timed out, or answered with something that is not HTTP.
	ErrUnreachable = errors.New("target not reachable")
	// ErrNotAllowed: the URL is neither on the target's origin nor advertised by the target.
	ErrNotAllowed = safe.ErrNotAllowed
	// ErrCredentialsOffOrigin: an Authorization field was to be sent to another origin.
	ErrCredentialsOffOrigin = safe.ErrCredentialsOffOrigin
	// ErrRequestBudget: the run has already sent MaxRequestsPerRun requests.
	ErrRequestBudget = errors.New("check: request budget of the run is exhausted")
	// ErrOriginBudget: the run has already sent MaxRequestsPerOtherOrigin requests to this
	// origin, which is not the target's.
	ErrOriginBudget = errors.New("check: request budget for an origin other than the target's is exhausted")
)

// Request is one HTTP request to the target (or a metadata URL it advertised).
type Request struct {
	Method        string      // default POST
	URL           string      // default: the target URL
	Query         url.Values  // added to URL's query
	Header        http.Header // extra headers
	Authorization []string    // raw Authorization field lines; nil sends none (duplicates allowed)
	Body          []byte      // raw body; nil sends none
}

// Bearer returns the Authorization field lines for "Bearer <token>".
func Bearer(token string) []string { return []string{"Bearer " + token} }

// Response is a bounded, fully read response.
type Response struct {
	Status             int
	Header             http.Header // capped (safe.MaxHeaderLines, safe.MaxHeaderBytes)
	HeaderLinesDropped int         // header field lines dropped by the cap
	Body               []byte      // at most 1 MiB
	Truncated          bool
	Request            Request // as sent: Method and URL resolved (query included)

	secrets []string // the run's secrets when it was received, for String
}

// JSON decodes the body into v.
func (r *Response) JSON(v any) error {
	if r.Truncated {
		return fmt.Errorf("decode JSON body: body truncated at %d bytes", MaxBodyBytes)
	}
	if err := json.Unmarshal(r.Body, v); err != nil {
		return fmt.Errorf("decode JSON body: %w", err)
	}
	return nil
}

// String summarises the response for failure messages (status, key headers, body prefix).
func (r *Response) String() string {
	if r == nil {
		return "<no response>"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d %s", r.Status, http.StatusText(r.Status))
	for _, k := range []string{"WWW-Authenticate", "Content-Type", "Mcp-Session-Id", "Retry-After"} {
		vs := r.Header.Values(k)
		if k == "WWW-Authenticate" && len(vs) == 0 {
			b.WriteString("; WWW-Authenticate: (none)")
		}
		for _, v := range vs {
			fmt.Fprintf(&b, "; %s: %s", k, safe.Header(k, v, r.secrets))
		}
	}
	if r.HeaderLinesDropped > 0 {
		fmt.Fprintf(&b, "; (%d more header lines dropped)", r.HeaderLinesDropped)
	}
	body := safe.Redact(string(r.Body), r.secrets) // before shortening: a cut must not leave half a secret
	fmt.Fprintf(&b, "; body: %s", describeBody(r.Header.Get("Content-Type"), body, r.Truncated))
	return b.String()
}

// urlKind says why a URL is on a run's allow-list.
type urlKind int

const (
	kindTarget urlKind = iota // on the target's origin
	kindPRM                   // advertised resource_metadata
	kindASMeta                // AS metadata candidate of an advertised authorization server
	kindJWKS                  // jwks_uri of advertised metadata
)

// sentRequest is what actually went on the wire, for transcripts.
type sentRequest struct {
	method string
	url    *url.URL
	header http.Header
	body   []byte
}

// resolve fills the defaults of req and returns the absolute URL it targets.
func (r *Run) resolve(req Request) (Request, *url.URL, error) {
	if req.Method == "" {
		req.Method = http.MethodPost
	}
	raw := req.URL
	if raw == "" {
		raw = r.cfg.URL
	}
	u, err := r.target.Parse(raw)
	if err != nil {
		return req, nil, fmt.Errorf("request URL %q: %w", raw, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return req, nil, fmt.Errorf("request URL %q: scheme must be http or https: %w", raw, ErrNotAllowed)
	}
	u.Fragment, u.RawFragment = "", ""
	if len(req.Query) > 0 {
		q := u.Query()
		for k, vs := range req.Query {
			for _, v := range vs {
				q.Add(k, v)
			}
		}
		u.RawQuery = q.Encode()
	}
	req.URL = u.String()
	return req, u, nil
}

// send performs one request through the run's client. A redirect from the target is a
// response like any other (checks judge it); it is never followed.
func (r *Run) send(ctx context.Context, req Request) (*Response, *sentRequest, error) {
	req, u, err := r.resolve(req)
	if err != nil {
		return nil, nil, err
	}
	header := http.Header{}
	for k, vs := range req.Header {
		header[http.CanonicalHeaderKey(k)] = append([]string(nil), vs...)
	}
	if req.Authorization != nil {
		// Each element becomes its own field line: net/http writes every value of a
		// header as a separate "Name: value" line, which RS-31 relies on.
		header["Authorization"] = append([]string(nil), req.Authorization...)
	}
	var sent *sentRequest
	sresp, err := r.client.Do(ctx, safe.Request{
		Method: req.Method, URL: u.String(), Header: header, Body: req.Body,
		ReadBody: readBody,
		Charge:   func() error { return r.count(ctx, r.client.OnTarget(u), originOf(u)) },
		Sent: func(h http.Header) {
			sent = &sentRequest{method: req.Method, url: u, header: h, body: req.Body}
		},
	})
	var redirect *safe.RedirectError
	if err != nil && !(errors.As(err, &redirect) && sresp != nil) {
		return nil, sent, err
	}
	resp := &Response{Status: sresp.Status, Header: sresp.Header, HeaderLinesDropped: sresp.HeaderLinesDropped,
		Body: sresp.Body, Truncated: sresp.Truncated, Request: req, secrets: r.secretList()}
	r.learn(u, r.client.OnTarget(u), resp)
	return resp, sent, nil
}

// readBody reads an event stream up to its JSON-RPC response, anything else to its end.
func readBody(h http.Header, body io.Reader) ([]byte, error) {
	if mt, _, _ := mime.ParseMediaType(h.Get("Content-Type")); mt == "text/event-stream" {
		return readEventStream(body)
	}
	return io.ReadAll(body)
}

// readEventStream reads Server-Sent Events until the end of the event that carries a
// JSON-RPC response, or the end of the stream. Transports 2025-11-25 §2.1: "After the
// JSON-RPC response has been sent, the server SHOULD terminate the SSE stream" — a server may
// keep it open, and waiting for its end would turn a correct answer into a timeout.
func readEventStream(body io.Reader) ([]byte, error) {
	br := bufio.NewReader(body)
	var buf bytes.Buffer
	var data []string
	for {
		line, err := br.ReadString('\n')
		buf.WriteString(line)
		text := strings.TrimRight(line, "\r\n")
		switch {
		case text == "" && line != "":
			if len(data) > 0 {
				var m RPCMessage
				if json.Unmarshal([]byte(strings.Join(data, "\n")), &m) == nil && m.JSONRPC == "2.0" && m.IsResponse() {
					return buf.Bytes(), nil
				}
			}
			data = nil
		case strings.HasPrefix(text, "data:"):
			data = append(data, strings.TrimPrefix(strings.TrimPrefix(text, "data:"), " "))
		}
		if errors.Is(err, io.EOF) {
			return buf.Bytes(), nil
		}
		if err != nil {
			return buf.Bytes(), err
		}
	}
}

// count charges one request: to the check's own allowance when it has one left (see
// C.AllowRequests), else to the run's budget; a request to another origin than the target's
// is also charged to that origin's budget.
func (r *Run) count(ctx context.Context, onTarget bool, origin string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !onTarget && r.perOrigin[origin] >= MaxRequestsPerOtherOrigin {
		return fmt.Errorf("%w (%d requests to %s)", ErrOriginBudget, MaxRequestsPerOtherOrigin, origin)
	}
	a, _ := ctx.Value(allowanceKey{}).(*allowance)
	switch {
	case a != nil && a.left > 0:
		a.left-- // a.left is guarded by r.mu too
	case r.charged >= r.maxRequests:
		return ErrRequestBudget
	default:
		r.charged++
	}
	r.requests++
	if !onTarget {
		r.perOrigin[origin]++
	}
	return nil
}

// allowanceKey carries a check's own request allowance in the context of its requests.
type allowanceKey struct{}

// allowance is what is left of a check's own allowance; guarded by Run.mu.
type allowance struct{ left int }

// AllowRequests lets this check send up to n requests (at most MaxCheckAllowance) that are
// not charged to the run's budget, for a check whose job is volume: RS-60 must exceed a
// declared rate limit, which can take more than the run's MaxRequestsPerRun. It runs last and
// alone, so the allowance does not let other checks send more. Calling it again replaces
// what is left.
func (c *C) AllowRequests(n int) {
	n = min(max(n, 0), MaxCheckAllowance)
	c.run.mu.Lock()
	defer c.run.mu.Unlock()
	c.allow = &allowance{left: n}
}

// RequestCount returns how many requests the run has sent so far.
func (r *Run) RequestCount() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.requests
}

// originOf returns scheme://host:port with the default port made explicit.
func originOf(u *url.URL) string { return safe.Origin(u) }

// allowKey identifies an advertised URL (the query is ignored).
func allowKey(u *url.URL) string {
	p := u.EscapedPath()
	if p == "" {
		p = "/"
	}
	return originOf(u) + p
}

func (r *Run) allowedKind(u *url.URL) (urlKind, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	k, ok := r.allow[allowKey(u)]
	return k, ok
}

// permit puts an advertised URL on the client's allow-list and remembers why it is there;
// anything unparsable is ignored.
func (r *Run) permit(raw string, kind urlKind) {
	u, err := url.Parse(raw)
	if err != nil || !u.IsAbs() || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return
	}
	r.client.Permit(raw)
	r.mu.Lock()
	defer r.mu.Unlock()
	key := allowKey(u)
	if _, ok := r.allow[key]; !ok {
		r.allow[key] = kind
	}
}

// learn extends the allow-list with what a response advertises: resource_metadata of a
// challenge from the target; authorization servers of a PRM document; jwks_uri of AS
// metadata.
func (r *Run) learn(u *url.URL, onTarget bool, resp *Response) {
	kind, listed := r.allowedKind(u)
	if onTarget {
		if chs, _ := resp.Challenges(); len(chs) > 0 {
			for _, ch := range chs {
				if v, ok := ch.Param("resource_metadata"); ok {
					r.permit(v, kindPRM)
				}
			}
		}
		if !listed {
			switch {
			case strings.HasPrefix(u.Path, "/.well-known/oauth-protected-resource"):
				kind, listed = kindPRM, true
			case strings.HasPrefix(u.Path, "/.well-known/oauth-authorization-server"),
				strings.HasPrefix(u.Path, "/.well-known/openid-configuration"),
				strings.HasSuffix(u.Path, "/.well-known/openid-configuration"):
				kind, listed = kindASMeta, true
			}
		}
	}
	if !listed || resp.Status != http.StatusOK {
		return
	}
	var doc map[string]any
	if json.Unmarshal(resp.Body, &doc) != nil {
		return
	}
	switch kind {
	case kindPRM:
		for _, as := range stringList(doc["authorization_servers"]) {
			for _, m := range ASMetadataURLs(as) {
				r.permit(m, kindASMeta)
			}
		}
		if j, ok := doc["jwks_uri"].(string); ok {
			r.permit(j, kindJWKS)
		}
	case kindASMeta:
		if j, ok := doc["jwks_uri"].(string); ok {
			r.permit(j, kindJWKS)
		}
	}
}

// stringList returns the string elements of a JSON array value.
func stringList(v any) []string {
	arr, _ := v.([]any)
	var out []string
	for _, e := range arr {
		if s, ok := e.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// Do sends req; a transport error ends the check as a failure naming the error.
func (c *C) Do(ctx context.Context, req Request) *Response {
	resp, err := c.TryDo(ctx, req)
	if err != nil {
		c.abort("request failed: %v", err)
	}
	return resp
}

// TryDo sends req and returns transport errors instead of ending the check, except when the
// target is gone (its origin refuses connections): the check then ends as skipped
// (inconclusive) and the run records the target as lost (Run.TargetLost). An
// unexpected 429 (in any check but the rate-limit check) is retried once after a
// Retry-After of at most 2 seconds; otherwise the check ends as skipped (inconclusive).
func (c *C) TryDo(ctx context.Context, req Request) (*Response, error) {
	resp, err := c.send(ctx, req)
	if err != nil {
		switch dialed, down := c.run.targetDown(ctx, req, err); {
		case down && dialed:
			c.Skip("inconclusive: the target stopped accepting connections (%v), so nothing was sent. "+
				"Start it again and rerun; if it crashed, an earlier request may be the cause (see the server's log)", err)
		case down:
			c.Skip("inconclusive: the request failed (%v) and the target stopped accepting connections: it may "+
				"have crashed on this request, or stopped for another reason. Start it again, rerun, and read the "+
				"server's log", err)
		}
	}
	if err != nil || resp.Status != http.StatusTooManyRequests || c.def.Needs&NeedsRateLimit != 0 {
		return resp, err
	}
	if d, ok := retryAfter(resp.Header.Get("Retry-After"), time.Now()); ok && d <= maxRetryAfter {
		c.Note("429 from the target; retrying once after %s", d)
		if err := sleep(ctx, d); err != nil {
			return nil, err
		}
		resp, err = c.send(ctx, req)
		if err != nil || resp.Status != http.StatusTooManyRequests {
			return resp, err
		}
	}
	c.Skip("inconclusive: target rate-limited the probe (429)")
	return nil, nil // unreachable: Skip ends the check
}

// maxRetryAfter is the longest Retry-After a probe waits for before giving up.
const maxRetryAfter = 2 * time.Second

// send performs the request and records the exchange in the check's transcript.
func (c *C) send(ctx context.Context, req Request) (*Response, error) {
	c.run.mu.Lock()
	a := c.allow
	c.run.mu.Unlock()
	if a != nil {
		ctx = context.WithValue(ctx, allowanceKey{}, a)
	}
	resp, sent, err := c.run.send(ctx, req)
	if sent != nil {
		c.record(renderExchange(sent, resp, err, c.run.secretList()))
	}
	return resp, err
}

// retryAfter parses a Retry-After value (RFC 9110 §10.2.3: HTTP-date / delay-seconds).
func retryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if n, err := parseDelaySeconds(v); err == nil {
		return n, true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	d := t.Sub(now)
	if d < 0 {
		d = 0
	}
	return d, true
}

func parseDelaySeconds(v string) (time.Duration, error) {
	var n int64
	for _, ch := range v {
		if ch < '0' || ch > '9' {
			return 0, fmt.Errorf("delay-seconds %q: not a non-negative integer", v)
		}
		n = n*10 + int64(ch-'0')
		if n > 1<<31 {
			return 0, fmt.Errorf("delay-seconds %q: too large", v)
		}
	}
	return time.Duration(n) * time.Second, nil
}

// sleep waits for d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("waiting for Retry-After: %w", ctx.Err())
	}
}
