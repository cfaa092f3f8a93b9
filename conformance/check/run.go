package check

// This file defines Run, one execution context against one target: configuration checks,
// the reachability probe, spec-version resolution (MCP lifecycle "Version Negotiation": the
// server answers initialize with the version it will speak) and the shared, memoized
// unauthenticated baseline response.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net"
	"net/http"
	"net/url"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/mcp-conform/mcp-conform/conformance/safe"
	"github.com/mcp-conform/mcp-conform/mockas"
)

// RateLimit is a declared limit: one client may make Requests requests per Per.
type RateLimit struct {
	Requests int
	Per      time.Duration
}

// RateLimitProbe is how many requests RS-60 sends at most to exceed rl: twice the limit,
// plus two.
func RateLimitProbe(rl RateLimit) int { return 2*rl.Requests + 2 }

// Validate reports a limit the suite cannot probe: non-positive values, or one whose probe
// (RateLimitProbe) needs more than MaxCheckAllowance requests. Such a declaration is a
// usage error, found before any request is sent, rather than a check that runs out of
// budget against a correct server.
func (rl RateLimit) Validate() error {
	switch {
	case rl.Requests <= 0 || rl.Per <= 0:
		return fmt.Errorf("rate limit %d per %s: both must be positive", rl.Requests, rl.Per)
	case rl.Requests > (MaxCheckAllowance-2)/2:
		return fmt.Errorf("rate limit %d per %s: proving it takes up to %d requests, and the rate-limit check sends at most %d; "+
			"declare a limit of at most %d per window (configure a lower limit for the test run)",
			rl.Requests, rl.Per, RateLimitProbe(rl), MaxCheckAllowance, (MaxCheckAllowance-2)/2)
	}
	return nil
}

// Minter mints tokens the target trusts: an in-process *mockas.Server or a running mockas
// reached through its control plane.
type Minter interface {
	Issuer() string
	Mint(ctx context.Context, spec mockas.TokenSpec) (string, error)
}

// Config describes one run against one target.
type Config struct {
	URL         string      // the MCP endpoint
	SpecVersion string      // resolved version, e.g. "2025-11-25"
	Token       string      // a supplied valid token (supplied-token mode)
	Headers     http.Header // extra headers sent on every request to the target origin
	// Scopes declares which operation needs which scopes (space-separated, all required).
	// Keys are operations in ParseOperation form: "weather" (a tool, same as
	// "tools/call:weather"), "resources/read:URI", "prompts/get:NAME", "tools/list"…;
	// NewRun rewrites them in canonical form (Operation.String).
	Scopes map[string]string
	// ToolArgs are arguments that replace the generated ones, by operation (same keys as
	// Scopes: a tool name, or "prompts/get:NAME" for a prompt's arguments).
	ToolArgs map[string]map[string]any
	// DiscoverScopes learns the scope each eligible operation needs even when some are
	// declared (with no declaration, discovery runs anyway in cooperative mode).
	DiscoverScopes bool
	// AllowTools names tools scope discovery may call although they are not annotated
	// readOnlyHint: true (tools named in Scopes or ToolArgs are allowed too).
	AllowTools []string
	RateLimit  *RateLimit    // declared rate limit, or nil
	Timeout    time.Duration // per request; default 5s
	Minter     Minter        // non-nil in cooperative mode
	// KeyRotationWait bounds how long RS-67 keeps retrying a token signed by a newly
	// published key that the target refused (a JWKS cache with a refetch cooldown, such as
	// jose's 30 s, accepts it later); default DefaultKeyRotationWait. The wait happens only
	// after a first refusal, concurrently with the other checks.
	KeyRotationWait time.Duration
	// RevocationWait bounds how long RS-72 keeps retrying a token revoked at the
	// authorization server that an introspecting target still accepted without asking the
	// authorization server again (a short introspection cache); default
	// DefaultRevocationWait.
	RevocationWait time.Duration
	// HealthPath is the path of the target's health endpoint (on the target's origin);
	// "" means /health, the seed document's.
	HealthPath string
	// Transport carries every request of the run; nil means a clone of
	// http.DefaultTransport. The safety rules (allow-list, timeouts, body cap, no
	// redirects) apply whatever the transport. Tests use it to reach a loopback listener
	// under another host name.
	Transport http.RoundTripper
}

// DefaultKeyRotationWait covers jose's createRemoteJWKSet cooldown (30 s between JWKS
// fetches) plus a margin.
const DefaultKeyRotationWait = 35 * time.Second

// DefaultRevocationWait is how long an introspection cache may keep a revoked token usable
// before RS-72 fails it.
const DefaultRevocationWait = 10 * time.Second

// Run is one execution context against one target: the bounded HTTP client, the minter and
// the per-run caches (baseline response, discovery, positive control). Safe for concurrent use.
type Run struct {
	cfg           Config
	target        *url.URL
	origin        string
	client        *safe.Client
	reg           *registry
	clientVersion string
	maxRequests   int // the run's budget (MaxRequestsPerRun)

	mu        sync.Mutex         // guards allow, requests, charged, perOrigin and every C.allow
	allow     map[string]urlKind // why each advertised URL is on the client's allow-list
	requests  int                // every request sent
	charged   int                // requests charged to the run's budget (not to a check's allowance)
	perOrigin map[string]int     // requests sent to each origin other than the target's

	baseMu sync.Mutex // guards base, baseEx
	base   *Response
	baseEx Exchange

	discMu sync.Mutex // guards disc
	disc   *Discovery

	ctrlMu sync.Mutex // guards ctrl
	ctrl   *controlResult

	secMu   sync.Mutex // guards secrets
	secrets safe.Secrets

	typMu   sync.Mutex // guards mintTyp
	mintTyp string     // typ of minted tokens when a check asks for none; "" = the minter's default

	lostMu sync.Mutex // guards lost
	lost   string     // why the target stopped accepting connections during the run ("" = it did not)

	catMu sync.Mutex // guards cat
	cat   *Catalog

	scopeMu sync.Mutex // guards learned
	learned *scopeDiscovery

	phase phase // the checks executing concurrently (OthersDone)

	callMu sync.Mutex // guards calls
	calls  []callRecord

	argMu    sync.Mutex // guards toolArgs
	toolArgs map[string]generatedArgs
}

// addSecret registers a value that must never leave the process.
func (r *Run) addSecret(v string) {
	r.secMu.Lock()
	defer r.secMu.Unlock()
	r.secrets.Add(v)
}

// secretList returns a copy of the run's secrets.
func (r *Run) secretList() []string {
	r.secMu.Lock()
	defer r.secMu.Unlock()
	return append([]string(nil), r.secrets...)
}

// Secrets returns every secret value the run has used so far: the supplied token, the
// values of Config.Headers, every minted or obtained token. Everything that reports on the
// run (transcripts, details, report writers, logs) redacts them with safe.Redact; results of
// Execute already are.
func (r *Run) Secrets() []string { return r.secretList() }

// typAtJWT is the RFC 9068 §2.1 typ of JWT access tokens.
const typAtJWT = "at+jwt"

// setMintType makes typ the default typ of the tokens minted for the rest of the run.
func (r *Run) setMintType(typ string) {
	r.typMu.Lock()
	defer r.typMu.Unlock()
	r.mintTyp = typ
}

// mintType is the default typ of minted tokens ("" = the minter's own default).
func (r *Run) mintType() string {
	r.typMu.Lock()
	defer r.typMu.Unlock()
	return r.mintTyp
}

// NewRun validates cfg, checks the target is reachable (a connection error is returned, so
// the CLI can exit 2) and resolves SpecVersion "auto"/"" by initializing a session (falls back
// to 2025-11-25; a server that refuses initialize with a protocol 400 but serves a stateless
// 2026-07-28 request resolves to 2026-07-28).
func NewRun(ctx context.Context, cfg Config) (*Run, error) {
	r, err := newRun(cfg)
	if err != nil {
		return nil, err
	}
	auto := cfg.SpecVersion == "" || cfg.SpecVersion == "auto"
	if auto {
		r.cfg.SpecVersion = LatestInitializeVersion
	} else if !IsKnownVersion(cfg.SpecVersion) {
		return nil, fmt.Errorf("spec version %q: want one of %s or auto", cfg.SpecVersion, strings.Join(KnownVersions(), ", "))
	}
	base, _, err := r.baseline(ctx)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrUnreachable, err)
	}
	if why := notMCPEndpoint(base); why != "" {
		return nil, fmt.Errorf("%w: %s", ErrNotMCP, why)
	}
	if auto {
		if v := r.resolveVersion(ctx); v != r.cfg.SpecVersion {
			r.cfg.SpecVersion = v
			r.resetCaches()
		}
	}
	return r, nil
}

// ErrNotMCP: the target answers HTTP, but not as an MCP endpoint (a web page, 404 or 405 to
// POST, a success without JSON-RPC); NewRun returns it wrapped, and the CLI exits 2.
var ErrNotMCP = errors.New("not an MCP endpoint")

// notMCPEndpoint says why the answer to the unauthenticated baseline request (an MCP POST)
// cannot come from an MCP endpoint, or "" when it can. Any 401 or 403 can (a protected
// endpoint, however its challenge is written), as can a 400 (a protocol refusal), a 429
// and a 5xx (judged by the checks); a redirect is reported by the checks too.
func notMCPEndpoint(resp *Response) string {
	mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	switch {
	case resp.Status == http.StatusUnauthorized, resp.Status == http.StatusForbidden,
		resp.Status == http.StatusBadRequest, resp.Status == http.StatusTooManyRequests,
		resp.Status >= 500, resp.Status/100 == 3:
		return ""
	case resp.Status == http.StatusNotFound || resp.Status == http.StatusMethodNotAllowed || resp.Status == http.StatusGone:
		return fmt.Sprintf("POST %s was answered %d %s: nothing serves MCP at this URL (check the path, e.g. /mcp)",
			resp.Request.URL, resp.Status, http.StatusText(resp.Status))
	case mt == "text/html" || mt == "application/xhtml+xml":
		return fmt.Sprintf("POST %s was answered %d with an HTML page (%d bytes): a web page, not an MCP endpoint",
			resp.Request.URL, resp.Status, len(resp.Body))
	case resp.Status/100 == 2:
		if _, err := resp.JSONRPC(); err != nil {
			return fmt.Sprintf("POST %s (an MCP initialize request) was answered %d without a JSON-RPC message (Content-Type %q)",
				resp.Request.URL, resp.Status, mt)
		}
	}
	return ""
}

// newRun validates the configuration and builds the Run without sending anything.
func newRun(cfg Config) (*Run, error) {
	u, err := url.Parse(cfg.URL)
	if err != nil {
		return nil, fmt.Errorf("target URL %q: %w", cfg.URL, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("target URL %q: must be an absolute http or https URL", cfg.URL)
	}
	if u.Fragment != "" {
		return nil, fmt.Errorf("target URL %q: must not have a fragment", cfg.URL)
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.RevocationWait <= 0 {
		cfg.RevocationWait = DefaultRevocationWait
	}
	if cfg.KeyRotationWait <= 0 {
		cfg.KeyRotationWait = DefaultKeyRotationWait
	}
	if cfg.Scopes, err = canonicalKeys(cfg.Scopes, "scope declarations"); err != nil {
		return nil, err
	}
	if cfg.ToolArgs, err = canonicalKeys(cfg.ToolArgs, "tool arguments"); err != nil {
		return nil, err
	}
	cfg.AllowTools = append([]string(nil), cfg.AllowTools...)
	cfg.Headers = cfg.Headers.Clone()
	for k := range cfg.Headers {
		if strings.EqualFold(k, "Authorization") {
			return nil, fmt.Errorf("config headers: Authorization is set per request; use Config.Token")
		}
	}
	version := clientVersion()
	client, err := safe.NewClient(safe.Options{
		Target:    cfg.URL,
		Headers:   cfg.Headers,
		Timeout:   cfg.Timeout,
		UserAgent: "mcp-conform/" + version, // the budgets are the Run's (count)
		Transport: cfg.Transport,
	})
	if err != nil {
		return nil, err
	}
	r := &Run{
		cfg:           cfg,
		target:        u,
		origin:        originOf(u),
		client:        client,
		reg:           defaultRegistry,
		clientVersion: version,
		maxRequests:   MaxRequestsPerRun,
		allow:         map[string]urlKind{},
		perOrigin:     map[string]int{},
	}
	r.secrets.Add(cfg.Token)
	for _, vs := range cfg.Headers {
		r.secrets.Add(vs...)
	}
	return r, nil
}

// clientVersion is the module version of the binary, for clientInfo and User-Agent.
func clientVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "devel"
}

// Config returns the resolved configuration.
func (r *Run) Config() Config {
	cfg := r.cfg
	cfg.Headers = cfg.Headers.Clone()
	if cfg.Scopes != nil {
		m := make(map[string]string, len(cfg.Scopes))
		for k, v := range cfg.Scopes {
			m[k] = v
		}
		cfg.Scopes = m
	}
	if cfg.ToolArgs != nil {
		m := make(map[string]map[string]any, len(cfg.ToolArgs))
		for k, v := range cfg.ToolArgs {
			m[k] = v
		}
		cfg.ToolArgs = m
	}
	cfg.AllowTools = append([]string(nil), cfg.AllowTools...)
	return cfg
}

// resetCaches forgets version-dependent results; only NewRun calls it, before the Run is
// shared.
func (r *Run) resetCaches() {
	r.baseMu.Lock()
	r.base = nil
	r.baseMu.Unlock()
	r.discMu.Lock()
	r.disc = nil
	r.discMu.Unlock()
}

// baselineRequest builds the unauthenticated baseline request for the run's version.
func (r *Run) baselineRequest(id int) (Request, error) {
	if usesInitialize(r.cfg.SpecVersion) {
		return buildMCPRequest(r.cfg.SpecVersion, r.clientVersion, "initialize", nil, id)
	}
	return buildMCPRequest(r.cfg.SpecVersion, r.clientVersion, "tools/list", map[string]any{}, id)
}

// baseline returns the target's answer to the unauthenticated baseline request. A response
// other than 429 is cached for the run; errors and 429s are not.
func (r *Run) baseline(ctx context.Context) (*Response, Exchange, error) {
	r.baseMu.Lock()
	defer r.baseMu.Unlock()
	if r.base != nil {
		return r.base, r.baseEx, nil
	}
	req, err := r.baselineRequest(1)
	if err != nil {
		return nil, Exchange{}, err
	}
	resp, sent, err := r.send(ctx, req)
	var ex Exchange
	if sent != nil {
		ex = renderExchange(sent, resp, err, r.secretList())
	}
	if err != nil {
		return nil, ex, err
	}
	if resp.Status != http.StatusTooManyRequests {
		r.base, r.baseEx = resp, ex
	}
	return resp, ex, nil
}

// Unauthenticated returns the target's answer to the baseline request without credentials;
// it is fetched once per run and shared.
func (c *C) Unauthenticated(ctx context.Context) *Response {
	resp, ex, err := c.run.baseline(ctx)
	c.recordBaseline(ex)
	if err != nil {
		c.abort("baseline request failed: %v", err)
	}
	if resp.Status == http.StatusTooManyRequests && c.def.Needs&NeedsRateLimit == 0 {
		c.Skip("inconclusive: target rate-limited the probe (429)")
	}
	cp := *resp
	cp.Header = resp.Header.Clone()
	return &cp
}

// recordBaseline adds the shared baseline exchange to this check's transcript, once.
func (c *C) recordBaseline(ex Exchange) {
	if ex.Request == "" && ex.Response == "" {
		return
	}
	c.mu.Lock()
	first := !c.sawBaseline
	c.sawBaseline = true
	c.mu.Unlock()
	if first {
		c.record(ex)
	}
}

// resolveVersion initializes with the latest initialize-based version, authenticated when a
// token can be had, and returns the version the server answers with when it is known.
func (r *Run) resolveVersion(ctx context.Context) string {
	token := r.cfg.Token
	if r.cfg.Minter != nil {
		spec := mockas.TokenSpec{
			Subject:  "mcp-conform-run",
			ClientID: "mcp-conform-run",
			Audience: []string{r.discover(ctx).Resource},
			Scopes:   r.defaultScopes(ctx),
		}
		if t, err := r.cfg.Minter.Mint(ctx, spec); err == nil {
			r.addSecret(t)
			token = t
		}
	}
	var resp *Response
	if token == "" {
		resp, _, _ = r.baseline(ctx)
	} else if req, err := r.baselineRequest(1); err == nil {
		req.Authorization = Bearer(token)
		resp, _, _ = r.send(ctx, req)
	}
	if _, challenged := resp.BearerChallenge(); token != "" && resp != nil && resp.Status == http.StatusBadRequest && !challenged {
		// initialize refused as a protocol error, not an authorization one: a server that
		// speaks only 2026-07-28 (no initialize; streamable-http §6.1 answers 400) is
		// recognised by a stateless request it serves.
		if req, err := buildMCPRequest(Version20260728, r.clientVersion, "tools/list", map[string]any{}, 1); err == nil {
			req.Authorization = Bearer(token)
			if sr, _, err := r.send(ctx, req); err == nil && sr.Status/100 == 2 {
				if msg, err := sr.JSONRPC(); err == nil && msg.Error == nil {
					return Version20260728
				}
			}
		}
	}
	if resp == nil || resp.Status/100 != 2 {
		return LatestInitializeVersion
	}
	msg, err := resp.JSONRPC()
	if err != nil || msg.Error != nil {
		return LatestInitializeVersion
	}
	var res struct {
		ProtocolVersion string `json:"protocolVersion"`
	}
	if json.Unmarshal(msg.Result, &res) != nil || !IsKnownVersion(res.ProtocolVersion) {
		return LatestInitializeVersion
	}
	return res.ProtocolVersion
}

// TargetLost returns why the target stopped accepting connections during the run (the
// first such error), or "" when it never did. Checks that needed it then were skipped as
// inconclusive.
func (r *Run) TargetLost() string {
	r.lostMu.Lock()
	defer r.lostMu.Unlock()
	return r.lost
}

// targetDown reports whether a request to the target's own origin failed because the
// target is gone, and records the first such error: the connection was refused (nothing was
// sent), or it broke and a new one is refused too (the target stopped, perhaps crashed on
// this very request). Either way the check cannot judge its requirement from it.
func (r *Run) targetDown(ctx context.Context, req Request, err error) (dialed bool, down bool) {
	u := r.target
	if req.URL != "" {
		parsed, perr := url.Parse(req.URL)
		if perr != nil {
			return false, false
		}
		u = parsed
	}
	if originOf(u) != r.origin || ctx.Err() != nil {
		return false, false
	}
	dialed = isDialFailure(err)
	if !dialed && !r.refusesConnections(ctx) {
		return false, false
	}
	r.lostMu.Lock()
	defer r.lostMu.Unlock()
	if r.lost == "" {
		r.lost = err.Error()
	}
	return dialed, true
}

// refusesConnections reports whether a TCP connection to the target's host and port is
// refused now (at most 2 s; a timeout counts as not refused: the target may be busy).
func (r *Run) refusesConnections(ctx context.Context) bool {
	port := r.target.Port()
	if port == "" {
		port = "80"
		if r.target.Scheme == "https" {
			port = "443"
		}
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	conn, err := (&net.Dialer{}).DialContext(ctx, "tcp", net.JoinHostPort(r.target.Hostname(), port))
	if err != nil {
		return isDialFailure(err) && !errors.Is(err, context.DeadlineExceeded)
	}
	_ = conn.Close()
	return false
}
