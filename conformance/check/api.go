package check

// CONTRACT SKELETON: the exported surface the scenarios are written against. The framework
// helper replaces every panic("unimplemented") with the real implementation (and may split
// this file), but must keep these names and signatures.

import (
	"context"
	"net/http"
	"net/url"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/onsi/gomega/types"

	"github.com/mcp-conform/mcp-conform/mockas"
)

// Level is the normative strength of a requirement.
type Level string

// Levels. DERIVED rows of the catalogue are registered as SHOULD (a violation warns).
const (
	MUST   Level = "MUST"
	SHOULD Level = "SHOULD"
	MAY    Level = "MAY"
	INFO   Level = "INFO"
)

// Status is the verdict of one check.
type Status string

// Statuses, as written in reports.
const (
	StatusPass Status = "pass"
	StatusFail Status = "fail"
	StatusWarn Status = "warn"
	StatusSkip Status = "skip"
	StatusInfo Status = "info"
)

// Area groups requirements for reports and Ginkgo containers.
type Area struct {
	Key   string // label-safe slug, e.g. "challenge"
	Title string // e.g. "The 401 challenge (RFC 6750 §3)"
}

// Requirement is one registry entry: the single source of truth for a check's identity.
type Requirement struct {
	ID       string   // stable, never positional, e.g. "RS-02"
	Title    string   // one line, starts with the obligation
	Level    Level    // MUST, SHOULD, MAY or INFO
	Area     Area     // report grouping
	Versions []string // spec versions it applies to; empty means all
	Refs     []string // sources: "MCP 2025-11-25 §10", "RFC 6750 §3"
	Quote    string   // the normative sentence the check enforces
	Sends    string   // what the probe sends
	Expects  string   // what it expects back
	Fix      string   // one paragraph: how to fix a failure
}

// Needs says what a check requires beyond the target URL. Checks whose needs are not met are
// skipped with a reason, never passed.
type Needs uint

// Needs flags.
const (
	Anonymous      Needs = 0
	NeedsToken     Needs = 1 << iota // a valid access token (minted or supplied); implies the positive control passed
	NeedsMinting                     // crafted tokens from a mockas the target trusts (cooperative mode)
	NeedsScopes                      // a declared (--scope) or advertised scope requirement
	NeedsRateLimit                   // a declared rate limit (--rate-limit); runs last
)

// Definition is a registered check: its requirement plus the function that probes it.
type Definition struct {
	Requirement
	Needs Needs
	Run   func(ctx context.Context, c *C)
}

// Define registers the check for a requirement ID. It must be called from an init function;
// it panics if the ID is unknown to the registry or already defined.
func Define(id string, needs Needs, run func(ctx context.Context, c *C)) {
	panic("unimplemented")
}

// Lookup returns the registry entry for id.
func Lookup(id string) (Requirement, bool) { panic("unimplemented") }

// Requirements returns every registry entry in report order (area order, then ID).
func Requirements() []Requirement { panic("unimplemented") }

// Definitions returns every defined check in report order.
func Definitions() []Definition { panic("unimplemented") }

// RateLimit is a declared limit: one client may make Requests requests per Per.
type RateLimit struct {
	Requests int
	Per      time.Duration
}

// Minter mints tokens the target trusts: an in-process *mockas.Server or a running mockas
// reached through its control plane.
type Minter interface {
	Issuer() string
	Mint(ctx context.Context, spec mockas.TokenSpec) (string, error)
}

// Config describes one run against one target.
type Config struct {
	URL         string            // the MCP endpoint
	SpecVersion string            // resolved version, e.g. "2025-11-25"
	Token       string            // a supplied valid token (supplied-token mode)
	Headers     http.Header       // extra headers sent on every request to the target origin
	Scopes      map[string]string // tool name -> scope it needs (declared)
	RateLimit   *RateLimit        // declared rate limit, or nil
	Timeout     time.Duration     // per request; default 5s
	Minter      Minter            // non-nil in cooperative mode
}

// C is the probe context handed to one check. It is not shared between checks.
type C struct{}

// Expect starts a Gomega assertion bound to this check; a failure ends the check with a
// violation of its requirement.
func (c *C) Expect(actual any, extra ...any) types.Assertion { panic("unimplemented") }

// Step records what the tool is doing (Ginkgo's By).
func (c *C) Step(format string, args ...any) { panic("unimplemented") }

// Note adds a line to the result detail without ending the check.
func (c *C) Note(format string, args ...any) { panic("unimplemented") }

// Skip ends the check as skipped with the reason.
func (c *C) Skip(format string, args ...any) { panic("unimplemented") }

// Warn ends the check with a warning whatever the requirement's level.
func (c *C) Warn(format string, args ...any) { panic("unimplemented") }

// Info ends the check recording behaviour only.
func (c *C) Info(format string, args ...any) { panic("unimplemented") }

// Fail ends the check with a violation of its requirement (FAIL for MUST, WARN for SHOULD).
func (c *C) Fail(format string, args ...any) { panic("unimplemented") }

// ID returns the requirement ID of the running check.
func (c *C) ID() string { panic("unimplemented") }

// Config returns the run configuration.
func (c *C) Config() Config { panic("unimplemented") }

// SpecVersion returns the resolved MCP spec version of the run.
func (c *C) SpecVersion() string { panic("unimplemented") }

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
	Status    int
	Header    http.Header
	Body      []byte // at most 1 MiB
	Truncated bool
	Request   Request
}

// Challenges parses every WWW-Authenticate field line (RFC 9110 §11.6.1).
func (r *Response) Challenges() ([]Challenge, error) { panic("unimplemented") }

// BearerChallenge returns the first challenge whose scheme is Bearer (case-insensitive).
func (r *Response) BearerChallenge() (Challenge, bool) { panic("unimplemented") }

// JSON decodes the body into v.
func (r *Response) JSON(v any) error { panic("unimplemented") }

// String summarises the response for failure messages (status, key headers, body prefix).
func (r *Response) String() string { panic("unimplemented") }

// Challenge is one parsed authentication challenge.
type Challenge struct {
	Scheme  string
	Token68 string
	Params  []Param // in order, duplicates kept
}

// Param is one auth-param; Quoted reports whether the value was a quoted-string.
type Param struct {
	Name, Value string
	Quoted      bool
}

// Param returns the first value of the named parameter (case-insensitive name).
func (ch Challenge) Param(name string) (string, bool) { panic("unimplemented") }

// ParseChallenges parses WWW-Authenticate field values.
func ParseChallenges(fields []string) ([]Challenge, error) { panic("unimplemented") }

// Do sends req; a transport error ends the check as a failure naming the error.
func (c *C) Do(ctx context.Context, req Request) *Response { panic("unimplemented") }

// TryDo sends req and returns transport errors instead of ending the check.
func (c *C) TryDo(ctx context.Context, req Request) (*Response, error) { panic("unimplemented") }

// MCPRequest builds the baseline JSON-RPC POST for the run's spec version (initialize for
// versions up to 2025-11-25; a stateless request with the required headers for 2026-07-28).
func (c *C) MCPRequest(method string, params any) Request { panic("unimplemented") }

// Unauthenticated returns the target's answer to the baseline request without credentials;
// it is fetched once per run and shared.
func (c *C) Unauthenticated(ctx context.Context) *Response { panic("unimplemented") }

// Discovery is what the discovery chain yielded, fetched once per run.
type Discovery struct {
	Challenge           *Challenge                 // Bearer challenge of the unauthenticated 401, if any
	ResourceMetadataURL string                     // from the challenge, else the first well-known URL that worked
	PRM                 map[string]any             // the protected resource metadata document, or nil
	PRMErr              error                      // why no PRM was found
	Resource            string                     // PRM resource, else the target URL
	AuthServers         []string                   // PRM authorization_servers
	ASMetadata          map[string]any             // metadata of the first authorization server, or nil
	JWKS                *jose.JSONWebKeySet        // keys from the AS metadata jwks_uri, or nil
	Scopes              []string                   // challenge scope, else PRM scopes_supported
}

// Discover runs (once per run) the discovery chain: 401 challenge, PRM, AS metadata, JWKS.
func (c *C) Discover(ctx context.Context) *Discovery { panic("unimplemented") }

// ValidToken returns a valid token for this check's own client and subject with the given
// scopes: minted in cooperative mode, the supplied token otherwise (scopes then ignored). It
// skips the check when no token can be had, and when the positive control failed.
func (c *C) ValidToken(ctx context.Context, scopes ...string) string { panic("unimplemented") }

// Mint mints a token from spec, filling defaults: issuer of the minter, audience = the
// resource the target declares, subject and client_id unique to this check. It skips the
// check outside cooperative mode.
func (c *C) Mint(ctx context.Context, spec mockas.TokenSpec) string { panic("unimplemented") }

// Forge crafts a token that needs no AS private key (alg none, HMAC key confusion, foreign
// key, unknown kid) from the published JWKS; it works in every mode and skips the check when
// no JWKS was discovered.
func (c *C) Forge(ctx context.Context, spec mockas.TokenSpec) string { panic("unimplemented") }

// Session is an initialized MCP session (versions up to 2025-11-25).
type Session struct {
	ID      string // Mcp-Session-Id, may be empty for stateless servers
	Version string // negotiated protocol version
	Token   string
}

// Initialize opens a session with token and sends notifications/initialized.
func (c *C) Initialize(ctx context.Context, token string) *Session { panic("unimplemented") }

// SessionRequest builds a JSON-RPC POST inside an open session (session and version headers set,
// no Authorization: callers add it).
func (c *C) SessionRequest(s *Session, method string, params any) Request {
	panic("unimplemented")
}

// CallTool calls tools/call for tool with token, inside a fresh session when needed.
func (c *C) CallTool(ctx context.Context, token, tool string, args map[string]any) *Response {
	panic("unimplemented")
}

// HaveStatus succeeds when the actual *Response has one of the status codes.
func HaveStatus(codes ...int) types.GomegaMatcher { panic("unimplemented") }

// ChallengeOption refines HaveBearerChallenge.
type ChallengeOption func(*ChallengeSpec)

// ChallengeSpec is what HaveBearerChallenge expects; built from ChallengeOptions.
type ChallengeSpec struct {
	With    map[string]any // param name -> expected value (string) or Gomega matcher
	Without []string       // params that must be absent
}

// WithParam expects the named param; value is a string (exact) or a Gomega matcher.
func WithParam(name string, value any) ChallengeOption { panic("unimplemented") }

// WithoutParam expects the named param to be absent.
func WithoutParam(name string) ChallengeOption { panic("unimplemented") }

// HaveBearerChallenge succeeds when the actual *Response carries a WWW-Authenticate Bearer
// challenge matching the options. Failure messages show what was sent, expected and received.
func HaveBearerChallenge(opts ...ChallengeOption) types.GomegaMatcher { panic("unimplemented") }

// HaveOAuthError succeeds when the actual *Response names the OAuth error code, in the Bearer
// challenge's error param or in a JSON body's "error" member.
func HaveOAuthError(code string) types.GomegaMatcher { panic("unimplemented") }

// Run is one execution context against one target: the bounded HTTP client, the minter and
// the per-run caches (baseline response, discovery, positive control). Safe for concurrent use.
type Run struct{}

// NewRun validates cfg, checks the target is reachable (a connection error is returned, so
// the CLI can exit 2) and resolves SpecVersion "auto"/"" by initializing a session (falls back
// to 2025-11-25).
func NewRun(ctx context.Context, cfg Config) (*Run, error) { panic("unimplemented") }

// Config returns the resolved configuration.
func (r *Run) Config() Config { panic("unimplemented") }

// Hooks let a driver observe a check while it runs.
type Hooks struct {
	Step func(text string) // called for every c.Step (Ginkgo's By)
}

// Execute runs one check and returns its verdict. It never panics: a panic inside the check
// is reported as a failure with the panic value. Unmet Needs and a failed positive control
// yield StatusSkip with the reason.
func (r *Run) Execute(ctx context.Context, def Definition, hooks Hooks) Result {
	panic("unimplemented")
}

// Result is the verdict of one check.
type Result struct {
	ID        string        `json:"id"`
	Title     string        `json:"title"`
	Level     Level         `json:"level"`
	Area      Area          `json:"-"`
	Status    Status        `json:"status"`
	Detail    string        `json:"detail"`
	Refs      []string      `json:"refs"`
	Duration  time.Duration `json:"-"`
	Steps     []string      `json:"steps,omitempty"`
	Exchanges []Exchange    `json:"exchanges,omitempty"`
}

// Exchange is one request and its response as HTTP/1.1 text, credentials redacted.
type Exchange struct {
	Request  string `json:"request"`
	Response string `json:"response"`
}

// LocalMinter adapts an in-process mockas server (or handler) to Minter.
func LocalMinter(as interface {
	Issuer() string
	Mint(mockas.TokenSpec) (string, error)
}) Minter {
	panic("unimplemented")
}

// ControlPlaneMinter reaches a running mockas at baseURL through its control plane
// (GET /_mockas/info, POST /_mockas/mint).
func ControlPlaneMinter(ctx context.Context, baseURL string, client *http.Client) (Minter, error) {
	panic("unimplemented")
}
