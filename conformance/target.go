package conformance

// This file maps a Target (what the user points the tool at) onto a check.Run (what the
// checks execute against), and declares the run Options shared by the three drivers.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/mcp-conform/mcp-conform/conformance/check"
	"github.com/mcp-conform/mcp-conform/mockas"
)

// DefaultTimeout is the per-request timeout when Target.Timeout is zero.
const DefaultTimeout = 5 * time.Second

// Target is the MCP server under test and what the tool may use against it. At most one of
// MockAS and MockASURL is set (cooperative mode: the target trusts that mockas, so the suite
// can mint crafted tokens); with neither, Token enables the checks that need a valid token
// (supplied-token mode); with nothing, only anonymous checks and forged tokens run.
type Target struct {
	URL         string         // MCP endpoint
	MockAS      *mockas.Server // in-process mockas the server trusts (cooperative mode; check.LocalMinter)
	MockASURL   string         // a running mockas the server trusts (cooperative mode; check.ControlPlaneMinter)
	Token       string         // a supplied valid token (supplied-token mode)
	Headers     http.Header    // extra headers for the target
	SpecVersion string         // "" or "auto" = detect
	// Scopes declares which operation needs which scopes (space-separated): "weather" (a
	// tool), "resources/read:URI", "prompts/get:NAME", "tools/list"… (--scope).
	Scopes map[string]string
	// ToolArgs replace the generated arguments, by tool (or "prompts/get:NAME")
	// (--tool-args, --tool-args-file).
	ToolArgs map[string]map[string]any
	// DiscoverScopes learns scope requirements even when some are declared
	// (--discover-scopes); with no declaration, discovery runs in cooperative mode anyway.
	DiscoverScopes bool
	// AllowTools names tools scope discovery may call although they are not annotated
	// readOnlyHint: true (--allow-tool).
	AllowTools []string
	RateLimit  *check.RateLimit // declared rate limit, or nil
	Timeout    time.Duration    // per request, default 5s
	HealthPath string           // the server's health endpoint path; "" = /health
}

// Options tune a run. The zero value runs every check, without a baseline, non-strict.
type Options struct {
	Strict           bool      // warnings fail the run (and stale baseline entries)
	ExpectedFailures *Baseline // nil = none
	LabelFilter      string    // Ginkgo label-filter expression (e.g. "level:must && area:challenge"); "" = all
	// OnReport, when set, receives Run's report once every check has finished (Execute and
	// RunSuite return theirs). A test can log the summary or write report files from it.
	OnReport func(*Report)
	// GinkgoOutput receives the Ginkgo reporter's own progress output during RunSuite
	// (succinct, no colour); nil discards it, since the caller prints the report.
	GinkgoOutput io.Writer
	// SARIFPath, when set, is where Run writes a SARIF 2.1.0 log of its report (see
	// WithSARIF); SARIF tunes it.
	SARIFPath string
	SARIF     SARIFOptions
}

// writeFiles writes the report files the options ask for (the SARIF log).
func (o Options) writeFiles(r *Report) error {
	if o.SARIFPath == "" {
		return nil
	}
	f, err := os.Create(o.SARIFPath)
	if err != nil {
		return fmt.Errorf("SARIF report: %w", err)
	}
	if err := r.WriteSARIF(f, o.SARIF); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("SARIF report: %w", err)
	}
	return nil
}

// Option sets one field of Options for Run.
type Option func(*Options)

// WithStrict makes warnings and stale baseline entries fail the test.
func WithStrict() Option { return func(o *Options) { o.Strict = true } }

// WithExpectedFailures applies a baseline: its failing checks are logged, not failed.
func WithExpectedFailures(b *Baseline) Option {
	return func(o *Options) { o.ExpectedFailures = b }
}

// WithReport hands Run's report to fn once every check has finished, before Run returns,
// e.g. to log the summary or write a JUnit or HTML file next to the test.
func WithReport(fn func(*Report)) Option { return func(o *Options) { o.OnReport = fn } }

// WithLabelFilter selects the checks whose labels (see Labels) match the Ginkgo
// label-filter expression.
func WithLabelFilter(filter string) Option {
	return func(o *Options) { o.LabelFilter = filter }
}

// Mode names the run's mode as "mcp-conform run" prints it before the report: "cooperative
// (mockas URL)", "supplied token" or "anonymous".
func (t Target) Mode() string {
	switch {
	case t.MockASURL != "":
		return "cooperative (mockas " + t.MockASURL + ")"
	case t.MockAS != nil:
		return "cooperative (mockas " + t.MockAS.URL + ")"
	case t.Token != "":
		return "supplied token"
	default:
		return "anonymous"
	}
}

// config validates t and builds the check configuration, minter excluded.
func (t Target) config() (check.Config, error) {
	if strings.TrimSpace(t.URL) == "" {
		return check.Config{}, errors.New("target: URL is required")
	}
	u, err := url.Parse(t.URL)
	if err != nil {
		return check.Config{}, fmt.Errorf("target: URL %q: %w", t.URL, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return check.Config{}, fmt.Errorf("target: URL %q is not an absolute http(s) URL", t.URL)
	}
	if t.MockAS != nil && t.MockASURL != "" {
		return check.Config{}, errors.New("target: MockAS and MockASURL are mutually exclusive")
	}
	if t.Timeout < 0 {
		return check.Config{}, fmt.Errorf("target: negative timeout %s", t.Timeout)
	}
	if rl := t.RateLimit; rl != nil {
		if err := rl.Validate(); err != nil {
			return check.Config{}, fmt.Errorf("target: %w", err)
		}
	}
	version := t.SpecVersion
	if strings.EqualFold(version, "auto") {
		version = ""
	}
	timeout := t.Timeout
	if timeout == 0 {
		timeout = DefaultTimeout
	}
	return check.Config{
		URL:            t.URL,
		SpecVersion:    version,
		Token:          t.Token,
		Headers:        t.Headers.Clone(),
		Scopes:         cloneMap(t.Scopes),
		ToolArgs:       cloneArgs(t.ToolArgs),
		DiscoverScopes: t.DiscoverScopes,
		AllowTools:     append([]string(nil), t.AllowTools...),
		RateLimit:      t.RateLimit,
		Timeout:        timeout,
		HealthPath:     t.HealthPath,
	}, nil
}

// Prepare validates t, picks the minter for its mode (MockAS → check.LocalMinter, MockASURL →
// check.ControlPlaneMinter) and opens a check.Run: the target must be reachable and its spec
// version is resolved. Errors are configuration or connection problems (the CLI exits 2).
func Prepare(ctx context.Context, t Target) (*check.Run, error) {
	cfg, err := t.config()
	if err != nil {
		return nil, err
	}
	switch {
	case t.MockAS != nil:
		cfg.Minter = check.LocalMinter(t.MockAS)
	case t.MockASURL != "":
		m, err := check.ControlPlaneMinter(ctx, t.MockASURL, cfg.Timeout)
		if err != nil {
			return nil, fmt.Errorf("mockas control plane at %s: %w", t.MockASURL, err)
		}
		cfg.Minter = m
	}
	run, err := check.NewRun(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("target %s: %w", redactURL(t.URL), err)
	}
	return run, nil
}

// cloneArgs copies m (nil stays nil); the argument values are not modified by the run.
func cloneArgs(m map[string]map[string]any) map[string]map[string]any {
	if m == nil {
		return nil
	}
	out := make(map[string]map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// cloneMap copies m (nil stays nil) so the run never aliases the caller's map.
func cloneMap(m map[string]string) map[string]string {
	if m == nil {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
