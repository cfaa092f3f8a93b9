package safe

// This file is the one bounded HTTP client of mcp-conform. Every outbound request — to the
// target, along the metadata chain it advertises, to the mockas control plane, to the issuer
// of token inspect --issuer — goes through a Client; policy_test.go forbids building any other
// HTTP client outside this file.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
)

// Limits of every Client.
const (
	// MaxBodyBytes is the most of a response body that is read; the rest is discarded and
	// Response.Truncated is set.
	MaxBodyBytes = 1 << 20
	// MaxHeaderWireBytes is the most response-header bytes the transport accepts; a response
	// whose header section is larger fails with an error naming the limit.
	MaxHeaderWireBytes = 2 << 20
	// MaxHeaderLines and MaxHeaderBytes bound the header fields a Response keeps: field lines
	// past either limit are dropped and counted in Response.HeaderLinesDropped, so a target
	// answering with thousands of WWW-Authenticate lines costs every later step (challenge
	// parsing, transcripts, reports) a fixed amount.
	MaxHeaderLines = 100
	MaxHeaderBytes = 32 << 10
	// DefaultTimeout bounds one request (connect, send, headers and body) when
	// Options.Timeout is zero.
	DefaultTimeout = 5 * time.Second
)

// Errors of the client (wrapped; match them with errors.Is).
var (
	// ErrNotAllowed: the URL is neither on the target's origin nor permitted (advertised).
	ErrNotAllowed = errors.New("URL is neither on the target's origin nor advertised by the target")
	// ErrCredentialsOffOrigin: credentials were to be sent to an origin other than the target's.
	ErrCredentialsOffOrigin = errors.New("refusing to send credentials to an origin other than the target's")
	// ErrRequestBudget: the client has already sent Options.MaxRequests requests.
	ErrRequestBudget = errors.New("request budget exhausted")
	// ErrRedirect: the response is a redirect, which is never followed (see RedirectError).
	ErrRedirect = errors.New("redirect not followed")
)

// RedirectError is returned with a 3xx response: the client never follows it, and says
// where it pointed.
type RedirectError struct {
	Status   int
	Location string
}

func (e *RedirectError) Error() string {
	loc := e.Location
	if loc == "" {
		loc = "(no Location)"
	}
	return fmt.Sprintf("%d redirect to %s not followed (mcp-conform never follows redirects)", e.Status, Line(URL(loc, nil)))
}

// Unwrap makes errors.Is(err, ErrRedirect) true.
func (e *RedirectError) Unwrap() error { return ErrRedirect }

// Options configure a Client.
type Options struct {
	// Target is the URL whose origin may receive credentials (the MCP server, or the mockas
	// or issuer a command talks to). Requests to any other origin must be Permitted and
	// carry no credentials.
	Target string
	// Headers are sent on every request to the target's origin, and nowhere else
	// (--header-env). Their values are credentials.
	Headers http.Header
	// Timeout bounds each request; zero means DefaultTimeout.
	Timeout time.Duration
	// MaxRequests caps the requests the client sends in its lifetime; zero means no cap.
	MaxRequests int
	// UserAgent is sent as User-Agent (default "mcp-conform").
	UserAgent string
	// Transport carries the requests; nil means a clone of http.DefaultTransport with the
	// header limit set. The rules hold whatever the transport (tests use it to reach a
	// loopback listener under another host name).
	Transport http.RoundTripper
}

// Request is one outbound request.
type Request struct {
	Method string      // default GET
	URL    string      // absolute http or https URL
	Header http.Header // sent as given (a Host member becomes the Host field); Authorization, Proxy-Authorization and Cookie are credentials
	Body   []byte      // nil sends none
	// ReadBody, when set, reads the (already size-limited) body instead of reading it to its
	// end; package check uses it to stop an event stream after the JSON-RPC response.
	ReadBody func(h http.Header, body io.Reader) ([]byte, error)
	// Charge, when set, is called once the request passed the rules, before it is sent; an
	// error stops it (package check charges its per-run and per-origin budgets here).
	Charge func() error
	// Sent, when set, is called with the complete header once the request passed the rules,
	// just before it is sent (package check records it in transcripts).
	Sent func(header http.Header)
}

// Response is a bounded, fully read response.
type Response struct {
	Status             int
	Header             http.Header // at most MaxHeaderLines field lines, MaxHeaderBytes bytes
	HeaderLinesDropped int         // field lines dropped by the header caps
	Body               []byte      // at most MaxBodyBytes
	Truncated          bool        // the body was longer than MaxBodyBytes
}

// Client is the one bounded HTTP client. Its rules, for every request:
//
//   - redirects are never followed: a 3xx response comes back with a *RedirectError naming
//     its Location (RFC 9110 §15.4 lets a client choose; following one could carry
//     credentials or a mint request's body to another origin);
//   - each request is bounded by Options.Timeout (connect, send, headers and body);
//   - bodies are read up to MaxBodyBytes, then Response.Truncated;
//   - header sections larger than MaxHeaderWireBytes fail; the fields kept are capped at
//     MaxHeaderLines lines and MaxHeaderBytes bytes (Response.HeaderLinesDropped);
//   - requests go only to the target's origin or to URLs Permitted (those the target
//     advertised): anything else is ErrNotAllowed, before a byte is sent;
//   - credentials (Authorization, Proxy-Authorization, Cookie and Options.Headers) go only to
//     the target's origin: ErrCredentialsOffOrigin otherwise;
//   - at most Options.MaxRequests requests (ErrRequestBudget).
//
// A Client is safe for concurrent use.
type Client struct {
	hc      *http.Client
	target  string // origin of Options.Target
	headers http.Header
	timeout time.Duration
	agent   string
	max     int

	mu    sync.Mutex // guards allow and sent
	allow map[string]bool
	sent  int
}

// NewClient returns a Client for opts; the target must be an absolute http(s) URL.
func NewClient(opts Options) (*Client, error) {
	u, err := url.Parse(opts.Target)
	if err != nil {
		return nil, fmt.Errorf("client target %q: %w", opts.Target, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("client target %q: must be an absolute http or https URL", opts.Target)
	}
	transport := opts.Transport
	if transport == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.MaxResponseHeaderBytes = MaxHeaderWireBytes
		transport = t
	}
	c := &Client{
		target:  Origin(u),
		headers: opts.Headers.Clone(),
		timeout: opts.Timeout,
		agent:   opts.UserAgent,
		max:     opts.MaxRequests,
		allow:   map[string]bool{},
	}
	if c.timeout <= 0 {
		c.timeout = DefaultTimeout
	}
	if c.agent == "" {
		c.agent = "mcp-conform"
	}
	// The only http.Client of mcp-conform: redirects are returned, never followed.
	c.hc = &http.Client{Transport: transport, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return c, nil
}

// Origin returns scheme://host:port of u, lower case, the default port made explicit.
func Origin(u *url.URL) string {
	scheme := strings.ToLower(u.Scheme)
	port := u.Port()
	if port == "" {
		switch scheme {
		case "http":
			port = "80"
		case "https":
			port = "443"
		}
	}
	return scheme + "://" + strings.ToLower(u.Hostname()) + ":" + port
}

// permitKey identifies a permitted URL: origin and path (the query is ignored).
func permitKey(u *url.URL) string {
	p := u.EscapedPath()
	if p == "" {
		p = "/"
	}
	return Origin(u) + p
}

// Permit allows requests (without credentials) to raw, a URL the target advertised;
// anything that is not an absolute http(s) URL is ignored.
func (c *Client) Permit(raw string) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.allow[permitKey(u)] = true
}

// OnTarget reports whether u is on the target's origin.
func (c *Client) OnTarget(u *url.URL) bool { return Origin(u) == c.target }

// Permitted reports whether a request to u is allowed.
func (c *Client) Permitted(u *url.URL) bool {
	if c.OnTarget(u) {
		return true
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.allow[permitKey(u)]
}

// Requests returns how many requests the client has sent.
func (c *Client) Requests() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.sent
}

// Timeout returns the per-request timeout.
func (c *Client) Timeout() time.Duration { return c.timeout }

// charge counts one request against the budget.
func (c *Client) charge() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.max > 0 && c.sent >= c.max {
		return fmt.Errorf("%w (%d requests)", ErrRequestBudget, c.max)
	}
	c.sent++
	return nil
}

// credentialFields are request header fields whose values are credentials.
var credentialFields = []string{"Authorization", "Proxy-Authorization", "Cookie"}

// prepare returns the header a request to u carries: User-Agent, Options.Headers on the
// target's origin, then header. It enforces the allow-list and the credential rule.
func (c *Client) prepare(method string, u *url.URL, header http.Header) (http.Header, error) {
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("%s %s: scheme must be http or https: %w", method, Line(u.Redacted()), ErrNotAllowed)
	}
	h := http.Header{"User-Agent": {c.agent}}
	onTarget := c.OnTarget(u)
	if onTarget {
		for k, vs := range c.headers {
			h[http.CanonicalHeaderKey(k)] = append([]string(nil), vs...)
		}
	} else {
		if !c.Permitted(u) {
			return nil, fmt.Errorf("%s %s: %w", method, Line(u.Redacted()), ErrNotAllowed)
		}
		for _, f := range credentialFields {
			if len(header.Values(f)) > 0 {
				return nil, fmt.Errorf("%s %s: %w", method, Line(u.Redacted()), ErrCredentialsOffOrigin)
			}
		}
		if u.User != nil {
			return nil, fmt.Errorf("%s %s: userinfo: %w", method, Line(u.Redacted()), ErrCredentialsOffOrigin)
		}
	}
	for k, vs := range header {
		h[http.CanonicalHeaderKey(k)] = append([]string(nil), vs...)
	}
	return h, nil
}

// Do sends req under the client's rules. A 3xx response is returned together with a
// *RedirectError; every other error comes without a response.
func (c *Client) Do(ctx context.Context, req Request) (*Response, error) {
	if req.Method == "" {
		req.Method = http.MethodGet
	}
	u, err := url.Parse(req.URL)
	if err != nil {
		return nil, fmt.Errorf("request URL %q: %w", Line(req.URL), err)
	}
	header, err := c.prepare(req.Method, u, req.Header)
	if err != nil {
		return nil, err
	}
	return c.send(ctx, req, u, header)
}

// send performs a prepared request.
func (c *Client) send(ctx context.Context, req Request, u *url.URL, header http.Header) (*Response, error) {
	what := req.Method + " " + Line(u.Redacted())
	if err := c.charge(); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	if req.Charge != nil {
		if err := req.Charge(); err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
	}
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	var body io.Reader
	if req.Body != nil {
		body = bytes.NewReader(req.Body)
	}
	hreq, err := http.NewRequestWithContext(ctx, req.Method, u.String(), body)
	if err != nil {
		return nil, fmt.Errorf("build %s: %w", what, err)
	}
	hreq.Header = header
	if h := header.Get("Host"); h != "" {
		// net/http sends req.Host, never a Host member of the header: a DNS-rebinding
		// probe names a foreign host on the same connection (nothing else is redirected).
		hreq.Host = h
		header.Del("Host")
	}
	if req.Sent != nil {
		req.Sent(header.Clone())
	}
	hresp, err := c.hc.Do(hreq)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // its text repeats the method and URL
		}
		if ctx.Err() != nil && errors.Is(err, context.DeadlineExceeded) {
			err = fmt.Errorf("no answer within %s: %w", c.timeout, err)
		}
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	defer hresp.Body.Close()
	limited := io.LimitReader(hresp.Body, MaxBodyBytes+1)
	var data []byte
	if req.ReadBody != nil {
		data, err = req.ReadBody(hresp.Header, limited)
	} else {
		data, err = io.ReadAll(limited)
	}
	if err != nil {
		if ctx.Err() != nil {
			err = fmt.Errorf("body not complete within %s: %w", c.timeout, err)
		}
		return nil, fmt.Errorf("%s: read body: %w", what, err)
	}
	resp := &Response{Status: hresp.StatusCode, Body: data}
	resp.Header, resp.HeaderLinesDropped = capHeader(hresp.Header)
	if len(data) > MaxBodyBytes {
		resp.Body, resp.Truncated = data[:MaxBodyBytes], true
	}
	if resp.Status >= 300 && resp.Status < 400 {
		return resp, fmt.Errorf("%s: %w", what, &RedirectError{Status: resp.Status, Location: resp.Header.Get("Location")})
	}
	return resp, nil
}

// maxValuesPerField bounds the lines one field name keeps, so one flooded field cannot crowd
// out the others.
const maxValuesPerField = 20

// firstFields are kept before any other field: the ones checks and reports read.
var firstFields = []string{"Www-Authenticate", "Content-Type", "Location", "Mcp-Session-Id", "Retry-After",
	"Ratelimit", "Ratelimit-Policy", "Ratelimit-Limit", "Ratelimit-Remaining", "Ratelimit-Reset", "Content-Length"}

// capHeader keeps at most MaxHeaderLines field lines and MaxHeaderBytes bytes of h (at most
// maxValuesPerField per name; firstFields first, then the others by name) and returns how
// many lines it dropped.
func capHeader(h http.Header) (http.Header, int) {
	lines, size, most := 0, 0, 0
	for k, vs := range h {
		lines += len(vs)
		most = max(most, len(vs))
		for _, v := range vs {
			size += len(k) + len(v) + 4
		}
	}
	if lines <= MaxHeaderLines && size <= MaxHeaderBytes && most <= maxValuesPerField {
		return h, 0
	}
	names := make([]string, 0, len(h))
	for _, k := range firstFields {
		if _, ok := h[k]; ok {
			names = append(names, k)
		}
	}
	rest := make([]string, 0, len(h))
	for k := range h {
		if !slices.Contains(firstFields, k) {
			rest = append(rest, k)
		}
	}
	sort.Strings(rest)
	names = append(names, rest...)
	out, kept, used := http.Header{}, 0, 0
	for _, k := range names {
		for i, v := range h[k] {
			n := len(k) + len(v) + 4
			if i >= maxValuesPerField || kept >= MaxHeaderLines || used+n > MaxHeaderBytes {
				break
			}
			out[k] = append(out[k], v)
			kept++
			used += n
		}
	}
	return out, lines - kept
}
