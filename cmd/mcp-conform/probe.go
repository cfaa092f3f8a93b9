package main

// This file implements "mcp-conform probe": a view over conformance.Probe, which walks the
// discovery chain on a check.Run and judges each step with the same checks as "run"
// (RS-01…RS-25, RS-73, RS-74). This file parses flags and prints; it holds no verdict logic.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/mcp-conform/mcp-conform/conformance"
	"github.com/mcp-conform/mcp-conform/conformance/check"
	"github.com/mcp-conform/mcp-conform/conformance/safe"
)

// probeCmd is "mcp-conform probe".
func probeCmd(ctx context.Context, c *cli, args []string) int {
	fs := newFlagSet("probe", "mcp-conform probe --url URL [--timeout DURATION] [--header-env NAME]...",
		`Walk the discovery chain of an MCP server the way a client does, step by step, and judge
each step with the checks "mcp-conform run" uses (RS-01…RS-25, RS-73, RS-74, same requests, same verdicts):

  1. the unauthenticated request and its 401 WWW-Authenticate Bearer challenge
  2. the protected resource metadata (resource_metadata, else the well-known URLs; RFC 9728)
  3. the authorization server metadata of the first authorization server (RFC 8414 / OIDC)
  4. the JWKS named by its jwks_uri

Requests are bounded (timeout, 1 MiB bodies, capped headers, redirects reported, never
followed) and go only to the target and to URLs it advertises. No token is sent.`)
	target := fs.String("url", "", "the MCP endpoint (required), e.g. http://127.0.0.1:3000/mcp")
	timeout := fs.Duration("timeout", 5*time.Second, "per-request timeout")
	var headerEnv stringList
	fs.Var(&headerEnv, "header-env", "environment variable `NAME` holding \"Header-Name: value\" sent to the target (repeatable)")
	fs.notes = `Exit codes: 0 no check FAILed (warnings allowed), 1 a check FAILed, 2 usage error or the
target cannot be reached.`
	if code, done := c.parse(fs, args); done {
		return code
	}
	if fs.NArg() > 0 {
		return c.usageError(fs, fmt.Errorf("unexpected argument %q", fs.Arg(0)))
	}
	if *target == "" {
		return c.usageError(fs, errors.New("--url is required"))
	}
	if err := checkHTTPURL(*target); err != nil {
		return c.usageError(fs, fmt.Errorf("--url: %w", err))
	}
	if *timeout <= 0 {
		return c.usageError(fs, fmt.Errorf("--timeout %s: must be positive", *timeout))
	}
	headers, err := headersFromEnv(headerEnv, c.getenv)
	if err != nil {
		return c.usageError(fs, err)
	}
	var secrets []string
	for _, vs := range headers {
		secrets = append(secrets, vs...)
	}
	out := &safe.Writer{W: c.stdout, Secrets: secrets} // target bytes: redacted and escaped
	fmt.Fprintf(out, "probe %s\n", safe.URL(*target, nil))
	p, err := conformance.Probe(ctx, conformance.Target{URL: *target, Headers: headers, Timeout: *timeout})
	if err != nil {
		c.errorf("cannot reach %s: %v", safe.Line(safe.URL(*target, nil)), safe.Line(safe.Redact(err.Error(), secrets)))
		return exitUsage
	}
	printProbe(out, p)
	s := p.Report.Summary
	fmt.Fprintf(out, "\nprobe: %d passed, %d failed, %d warned, %d skipped, %d info", s.Pass, s.Fail, s.Warn, s.Skip, s.Info)
	if p.Report.ExitCode(false) != exitOK {
		fmt.Fprintf(out, ": the discovery chain is broken; see the FAIL lines above\n")
		return exitFail
	}
	fmt.Fprintf(out, ": the discovery chain is complete\n")
	return exitOK
}

// printProbe prints the steps: what was sent and received, what the step found, and the
// verdicts of the checks that judge it (the reason under a FAIL or WARN; "mcp-conform run"
// or "explain ID" tells more).
func printProbe(w io.Writer, p *conformance.ProbeReport) {
	for i, s := range p.Steps {
		fmt.Fprintf(w, "\n%d. %s\n", i+1, s.Title)
		for _, ex := range s.Exchanges {
			fmt.Fprintf(w, "   %s\n", requestLine(ex.Request))
			for _, line := range responseSummary(ex.Response) {
				fmt.Fprintf(w, "     %s\n", line)
			}
		}
		for _, f := range s.Found {
			for i, line := range strings.Split(f, "\n") {
				if i == 0 {
					fmt.Fprintf(w, "   → %s\n", line)
				} else {
					fmt.Fprintf(w, "     %s\n", line)
				}
			}
		}
		for _, res := range s.Results {
			fmt.Fprintf(w, "   %-5s %s  %s\n", strings.ToUpper(string(res.Status)), res.ID, res.Title)
			if res.Status == check.StatusFail || res.Status == check.StatusWarn {
				if d := firstLine(res.Detail, 200); d != "" {
					fmt.Fprintf(w, "         %s\n", d)
				}
			}
		}
	}
}

// requestLine is "GET /path (Host: h)" from a transcript's request (which carries no scheme).
func requestLine(req string) string {
	first, rest, _ := strings.Cut(req, "\n")
	first = strings.TrimSuffix(first, " HTTP/1.1")
	for _, line := range strings.Split(rest, "\n") {
		if strings.HasPrefix(line, "Host: ") {
			return first + " (" + line + ")"
		}
	}
	return first
}

// responseSummary is the status line and the WWW-Authenticate, Content-Type and Location
// lines of a transcript's response.
func responseSummary(resp string) []string {
	lines := strings.Split(resp, "\n")
	out := []string{"→ " + strings.TrimPrefix(lines[0], "HTTP/1.1 ")}
	for _, line := range lines[1:] {
		if line == "" {
			break
		}
		name, _, _ := strings.Cut(line, ":")
		switch strings.ToLower(name) {
		case "www-authenticate", "content-type", "location":
			out = append(out, line)
		}
		if strings.HasPrefix(line, "[") { // dropped header lines
			out = append(out, line)
		}
	}
	return out
}
