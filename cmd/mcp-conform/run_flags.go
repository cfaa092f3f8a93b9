package main

// This file declares the flags of "mcp-conform run" and maps them, validated, to the
// conformance.Target and conformance.Options of the run: flag parsing only.

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mcp-conform/mcp-conform/conformance"
)

// specVersions are the values --spec-version accepts.
var specVersions = []string{"auto", "2025-03-26", "2025-06-18", "2025-11-25", "2026-07-28"}

// runFlags holds the parsed flags of "run".
type runFlags struct {
	url, mockasURL, serveMockas, specVersion string
	scopes                                   scopeMap
	toolArgs                                 toolArgsMap
	toolArgsFile, writeScopes                string
	discoverScopes                           bool
	allowTools                               stringList
	rateLimit                                rateLimitFlag
	strict                                   bool
	progress, verbose                        bool
	jsonPath, junitPath, htmlPath, sarifPath string
	sarifLocation                            string
	expectedFailures, writeBaseline          string
	labelFilter                              string
	healthPath                               string
	timeout                                  time.Duration
	tokenEnv                                 string
	headerEnv                                stringList
}

// newRunFlagSet declares the flags of "run" into f.
func newRunFlagSet(f *runFlags) *flagSet {
	fs := newFlagSet("run", "mcp-conform run --url URL [--mockas URL | --serve-mockas ADDR] [flags]",
		`Probe a running MCP server and report every check of the registry.

Modes:
  anonymous       only --url: unauthenticated probes and tokens forged from the published JWKS
  cooperative     --mockas URL (a running mockas) or --serve-mockas ADDR (an in-process one):
                  the server trusts that mockas, so the suite mints valid and defective tokens
  supplied token  --token-env NAME: a valid token for the server, read from the environment`)
	f.scopes = scopeMap{}
	fs.StringVar(&f.url, "url", "", "the MCP endpoint to test (required), e.g. http://127.0.0.1:8080/mcp")
	fs.StringVar(&f.mockasURL, "mockas", "", "base `URL` of a running mockas the server trusts (its control plane mints tokens)")
	fs.StringVar(&f.serveMockas, "serve-mockas", "", "start an in-process mockas on `ADDR` (host:port) with issuer http://ADDR for the run")
	fs.StringVar(&f.specVersion, "spec-version", "auto", "MCP spec `version`: "+strings.Join(specVersions, "|"))
	f.toolArgs = toolArgsMap{}
	fs.Var(f.scopes, "scope", "declare that an operation needs a scope, as `OPERATION=SCOPE` (repeatable): TOOL=SCOPE,\nresources/read:URI=SCOPE, prompts/get:NAME=SCOPE, tools/list=SCOPE…")
	fs.Var(f.toolArgs, "tool-args", "call a tool with these arguments instead of generated ones, as `TOOL=JSON` (repeatable;\nprompts/get:NAME=JSON for a prompt)")
	fs.StringVar(&f.toolArgsFile, "tool-args-file", "", "read scope declarations and tool arguments from `FILE` (YAML or JSON; the format --write-scopes writes)")
	fs.BoolVar(&f.discoverScopes, "discover-scopes", false, "learn which operation needs which scope even when some are declared (without --scope it runs anyway)")
	fs.Var(&f.allowTools, "allow-tool", "let scope discovery call tool `NAME` although it is not annotated readOnlyHint: true (repeatable)")
	fs.StringVar(&f.writeScopes, "write-scopes", "", "write the scope map (declared and learned) and the arguments used to `FILE`, for --tool-args-file")
	fs.Var(&f.rateLimit, "rate-limit", "declared rate limit per client, as `N/DURATION` (e.g. 5/1s)")
	fs.BoolVar(&f.strict, "strict", false, "treat warnings (SHOULD violations, stale baseline entries) as failures")
	fs.BoolVar(&f.verbose, "verbose", false, "show every check's whole detail, the steps it took and its HTTP exchanges")
	fs.BoolVar(&f.progress, "progress", false, "show Ginkgo's own progress output on standard error while the suite runs")
	fs.StringVar(&f.jsonPath, "json", "", "write the JSON report to `FILE` (\"-\": standard output; the console report then goes to standard error)")
	fs.StringVar(&f.junitPath, "junit", "", "write a JUnit XML report to `FILE`")
	fs.StringVar(&f.htmlPath, "html", "", "write an HTML report to `FILE`")
	fs.StringVar(&f.sarifPath, "sarif", "", "write a SARIF 2.1.0 log (GitHub code scanning) to `FILE`")
	fs.StringVar(&f.sarifLocation, "sarif-location", "", "repository-relative `PATH` the SARIF results point at, e.g. .github/workflows/ci.yml\n(GitHub shows only results located in a file; default: the target URL)")
	fs.StringVar(&f.expectedFailures, "expected-failures", "", "baseline `FILE` of check IDs expected to fail")
	fs.StringVar(&f.writeBaseline, "write-baseline", "", "write this run's failures as a baseline to `FILE`")
	fs.StringVar(&f.labelFilter, "label-filter", "", "Ginkgo label filter `EXPR` selecting checks, e.g. 'level:MUST && area:challenge'")
	fs.StringVar(&f.healthPath, "health", "", "the server's health endpoint `PATH` on the target's origin (default /health, the Scalekit guidance's)")
	fs.durationVar(&f.timeout, "timeout", 5*time.Second, "per-request timeout, a `DURATION` such as 5s or 500ms (a bare number is seconds)")
	fs.StringVar(&f.tokenEnv, "token-env", "", "read a valid access token from environment variable `NAME` (never pass it as an argument)")
	fs.Var(&f.headerEnv, "header-env", "environment variable `NAME` holding \"Header-Name: value\" sent on every request (repeatable)")
	fs.notes = `Exit codes:
  0  no check failed (warnings allowed unless --strict)
  1  a check failed, or a result contradicts --expected-failures
  2  usage error, or the target (or mockas) cannot be reached

Examples:
  mcp-conform run --url http://127.0.0.1:8080/mcp
  mcp-conform run --url http://127.0.0.1:8080/mcp --serve-mockas 127.0.0.1:9000 \
      --scope weather=mcp:tools:weather --rate-limit 5/1s --json report.json
  mcp-conform run --url http://127.0.0.1:8080/mcp --serve-mockas 127.0.0.1:9000 \
      --tool-args weather='{"city":"Paris"}' --write-scopes scopes.yaml
  MCP_TOKEN=… mcp-conform run --url https://mcp.example.com/mcp --token-env MCP_TOKEN`
	return fs
}

// sarifOptions maps the --sarif-location flag.
func (f *runFlags) sarifOptions() conformance.SARIFOptions {
	return conformance.SARIFOptions{Location: filepath.ToSlash(f.sarifLocation)}
}

// reportFile is one report flag and the path it names.
type reportFile struct{ flag, path string }

// reportFiles lists the report flags (the baseline excluded), in the order they are written.
func (f *runFlags) reportFiles() []reportFile {
	return []reportFile{{"--json", f.jsonPath}, {"--junit", f.junitPath}, {"--html", f.htmlPath}, {"--sarif", f.sarifPath}}
}

// build validates the flags and maps them to the conformance target and options. Secrets are
// read from the environment through getenv, never from arguments.
func (f *runFlags) build(getenv func(string) string) (conformance.Target, conformance.Options, error) {
	var t conformance.Target
	var o conformance.Options
	if f.url == "" {
		return t, o, errors.New("--url is required")
	}
	if err := checkHTTPURL(f.url); err != nil {
		return t, o, fmt.Errorf("--url: %w", err)
	}
	if f.mockasURL != "" && f.serveMockas != "" {
		return t, o, errors.New("--mockas and --serve-mockas are mutually exclusive")
	}
	if f.mockasURL != "" {
		if err := checkHTTPURL(f.mockasURL); err != nil {
			return t, o, fmt.Errorf("--mockas: %w", err)
		}
	}
	if f.serveMockas != "" {
		if err := checkListenAddr(f.serveMockas); err != nil {
			return t, o, fmt.Errorf("--serve-mockas: %w", err)
		}
	}
	if !slices.Contains(specVersions, f.specVersion) {
		return t, o, fmt.Errorf("--spec-version %q: want one of %s", f.specVersion, strings.Join(specVersions, ", "))
	}
	stdout := 0
	for _, r := range f.reportFiles() {
		if r.path == "-" {
			stdout++
		}
	}
	if stdout > 1 {
		return t, o, errors.New("only one report can be written to standard output (\"-\")")
	}
	if f.writeBaseline == "-" {
		return t, o, errors.New("--write-baseline needs a file name")
	}
	if f.sarifLocation != "" && (filepath.IsAbs(f.sarifLocation) || strings.Contains(f.sarifLocation, "://")) {
		return t, o, fmt.Errorf("--sarif-location %q: want a path relative to the repository root, e.g. .github/workflows/ci.yml", f.sarifLocation)
	}
	if f.timeout <= 0 {
		return t, o, fmt.Errorf("--timeout %s: must be positive", f.timeout)
	}
	if f.healthPath != "" && !strings.HasPrefix(f.healthPath, "/") {
		return t, o, fmt.Errorf("--health %q: want a path on the target's origin, starting with /", f.healthPath)
	}
	t = conformance.Target{
		URL:            f.url,
		MockASURL:      strings.TrimRight(f.mockasURL, "/"),
		SpecVersion:    f.specVersion,
		Scopes:         map[string]string(f.scopes),
		ToolArgs:       map[string]map[string]any(f.toolArgs),
		DiscoverScopes: f.discoverScopes,
		AllowTools:     []string(f.allowTools),
		RateLimit:      f.rateLimit.limit,
		Timeout:        f.timeout,
		HealthPath:     f.healthPath,
	}
	if f.serveMockas != "" {
		t.MockASURL = "http://" + f.serveMockas
	}
	if f.toolArgsFile != "" {
		d, err := conformance.LoadDeclarations(f.toolArgsFile)
		if err != nil {
			return t, o, fmt.Errorf("--tool-args-file: %w", err)
		}
		t.Scopes, t.ToolArgs = d.Merge(t.Scopes, t.ToolArgs)
	}
	if f.tokenEnv != "" {
		tok := strings.TrimSpace(getenv(f.tokenEnv))
		if tok == "" {
			return t, o, fmt.Errorf("--token-env %s: environment variable %s is empty or unset", f.tokenEnv, f.tokenEnv)
		}
		t.Token = strings.TrimPrefix(tok, "Bearer ")
	}
	headers, err := headersFromEnv(f.headerEnv, getenv)
	if err != nil {
		return t, o, err
	}
	t.Headers = headers
	o = conformance.Options{Strict: f.strict, LabelFilter: f.labelFilter}
	if f.expectedFailures != "" {
		b, err := conformance.LoadBaseline(f.expectedFailures)
		if err != nil {
			return t, o, fmt.Errorf("--expected-failures: %w", err)
		}
		o.ExpectedFailures = b
	}
	return t, o, nil
}

// checkHTTPURL accepts an absolute http or https URL with a host.
func checkHTTPURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("parsing %q: %w", raw, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%q is not an absolute http(s) URL", raw)
	}
	return nil
}

// checkListenAddr accepts host:port with a non-empty host and a fixed, non-zero port: the
// server under test is configured to trust the issuer http://ADDR, so it must be predictable.
func checkListenAddr(addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("%q: want host:port, e.g. 127.0.0.1:9000: %w", addr, err)
	}
	if host == "" {
		return fmt.Errorf("%q: the host is needed to form the issuer http://%s", addr, addr)
	}
	if n, err := strconv.Atoi(port); err != nil || n <= 0 || n > 65535 {
		return fmt.Errorf("%q: port must be a number in 1-65535", addr)
	}
	return nil
}

// headersFromEnv reads each named environment variable as one "Header-Name: value" line.
func headersFromEnv(names []string, getenv func(string) string) (http.Header, error) {
	if len(names) == 0 {
		return nil, nil
	}
	h := http.Header{}
	for _, name := range names {
		line := getenv(name)
		if strings.TrimSpace(line) == "" {
			return nil, fmt.Errorf("--header-env %s: environment variable %s is empty or unset", name, name)
		}
		key, value, ok := strings.Cut(line, ":")
		key, value = strings.TrimSpace(key), strings.TrimSpace(value)
		if !ok || key == "" || strings.ContainsAny(key, " \t\r\n") || strings.ContainsAny(value, "\r\n") {
			// The value is a secret: name the variable, never print its content.
			return nil, fmt.Errorf("--header-env %s: want \"Header-Name: value\" in %s", name, name)
		}
		if strings.EqualFold(key, "Authorization") {
			return nil, fmt.Errorf("--header-env %s: the suite controls Authorization; pass a token with --token-env", name)
		}
		h.Add(key, value)
	}
	return h, nil
}
