package main

// This file implements "mcp-conform demo": the suite run end to end with no network and no
// setup. It starts a mockas and the reference MCP servers of package fixtures (one correct,
// every broken one of the catalogue) in this process, and runs "mcp-conform run" against each
// in a child process of this same binary, because Ginkgo's RunSpecs may run once per process.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/mcp-conform/mcp-conform/fixtures"
	"github.com/mcp-conform/mcp-conform/mockas"
)

// Declarations every demo run passes to the suite; they match the fixtures' configuration.
const (
	demoScope     = "weather=mcp:tools:weather"
	demoRateLimit = "20/1s"
)

// demoOutcome is what one demo server was expected to show and showed.
type demoOutcome struct {
	name       string
	expectFail []string
	expectWarn []string
	fails      []string // observed FAILs
	warns      []string // observed WARNs
	missing    []string // expected but not observed (warns are marked "(warn)")
	err        error    // the run itself went wrong
}

// ok reports whether the server behaved as the catalogue says.
func (o demoOutcome) ok() bool {
	if o.err != nil || len(o.missing) > 0 {
		return false
	}
	// The correct server (nothing expected) must show no FAIL at all.
	return len(o.expectFail) > 0 || len(o.expectWarn) > 0 || len(o.fails) == 0
}

// demoCmd is "mcp-conform demo".
func demoCmd(ctx context.Context, c *cli, args []string) int {
	fs := newFlagSet("demo", "mcp-conform demo",
		`Run the suite against reference MCP servers embedded in this binary: one correct server and
every deliberately broken server of the fixtures catalogue, all trusting an in-process mockas.
Needs no network and no setup. Exits 0 when the correct server has no FAIL and every broken
server shows (at least) its expected FAILs and WARNs; 1 otherwise.`)
	if code, done := c.parse(fs, args); done {
		return code
	}
	if fs.NArg() > 0 {
		return c.usageError(fs, fmt.Errorf("unexpected argument %q", fs.Arg(0)))
	}
	exe, err := os.Executable()
	if err != nil {
		c.errorf("demo: locating this binary to re-execute it: %v", err)
		return exitFail
	}
	tmp, err := os.MkdirTemp("", "mcp-conform-demo-")
	if err != nil {
		c.errorf("demo: %v", err)
		return exitFail
	}
	defer os.RemoveAll(tmp)

	as := mockas.NewServer()
	defer as.Close()

	servers := append([]fixtures.Broken{{
		Name:        "correct",
		Description: "the reference server, with no flaw: it must pass every MUST",
	}}, fixtures.Catalogue()...)

	// Runs mostly wait on the network and on rate-limit windows, so a few go at once; their
	// output is buffered and printed in catalogue order.
	type job struct {
		stdout, stderr bytes.Buffer
		outcome        demoOutcome
		done           chan struct{}
	}
	jobs := make([]*job, len(servers))
	slots := make(chan struct{}, max(2, min(4, runtime.NumCPU())))
	for i, s := range servers {
		j := &job{done: make(chan struct{})}
		jobs[i] = j
		go func() {
			defer close(j.done)
			slots <- struct{}{}
			defer func() { <-slots }()
			if ctx.Err() != nil {
				j.outcome = demoOutcome{name: s.Name, err: fmt.Errorf("interrupted: %w", ctx.Err())}
				return
			}
			jsonPath := filepath.Join(tmp, fmt.Sprintf("%02d-report.json", i))
			j.outcome = demoServer(ctx, exe, as, s, jsonPath, &j.stdout, &j.stderr)
		}()
	}
	outcomes := make([]demoOutcome, 0, len(servers))
	for i, j := range jobs {
		<-j.done
		s := servers[i]
		fmt.Fprintf(c.stdout, "\n=== [%d/%d] %s: %s\n", i+1, len(servers), s.Name, oneLine(s.Description))
		_, _ = c.stdout.Write(j.stdout.Bytes())
		_, _ = c.stderr.Write(j.stderr.Bytes())
		if j.outcome.err != nil {
			c.errorf("demo: %s: %v", s.Name, j.outcome.err)
		}
		outcomes = append(outcomes, j.outcome)
	}
	if ctx.Err() != nil {
		c.errorf("demo: interrupted")
		return exitFail
	}
	return c.demoSummary(outcomes)
}

// demoServer starts the fixture server s, runs the suite against it in a child process (its
// output goes to stdout and stderr) and compares what it showed with what the catalogue expects.
func demoServer(ctx context.Context, exe string, as *mockas.Server, s fixtures.Broken, jsonPath string, stdout, stderr io.Writer) demoOutcome {
	o := demoOutcome{name: s.Name, expectFail: s.ExpectFail, expectWarn: s.ExpectWarn}
	opts := fixtures.Options{
		Issuer:    as.Issuer(),
		RateLimit: &fixtures.RateLimit{Requests: 20, Per: time.Second},
		Flaws:     s.Flaws,
	}
	if s.Options != nil {
		s.Options(&opts)
	}
	srv, err := fixtures.NewServer(opts)
	if err != nil {
		o.err = fmt.Errorf("starting the fixture server: %w", err)
		return o
	}
	defer srv.Close()

	cmd := exec.CommandContext(ctx, exe, "run",
		"--url", srv.MCPURL(),
		"--mockas", as.URL,
		"--scope", demoScope,
		"--rate-limit", demoRateLimit,
		"--json", jsonPath)
	cmd.Stdout = stdout
	cmd.Stderr = stderr
	if err := cmd.Run(); err != nil {
		var exitErr *exec.ExitError
		if !errors.As(err, &exitErr) || exitErr.ExitCode() != exitFail {
			o.err = fmt.Errorf("mcp-conform run: %w", err)
			return o
		}
	}
	statuses, err := readStatuses(jsonPath)
	if err != nil {
		o.err = err
		return o
	}
	for id, status := range statuses {
		switch status {
		case "fail":
			o.fails = append(o.fails, id)
		case "warn":
			o.warns = append(o.warns, id)
		}
	}
	sort.Strings(o.fails)
	sort.Strings(o.warns)
	for _, id := range s.ExpectFail {
		if !slices.Contains(o.fails, id) {
			o.missing = append(o.missing, id)
		}
	}
	for _, id := range s.ExpectWarn {
		if !slices.Contains(o.warns, id) && !slices.Contains(o.fails, id) {
			o.missing = append(o.missing, id+" (warn)")
		}
	}
	return o
}

// readStatuses reads the status of every check from a JSON report (its "results" array of
// {"id", "status", …}), keyed by check ID.
func readStatuses(path string) (map[string]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading the JSON report: %w", err)
	}
	var report struct {
		Results []struct {
			ID     string `json:"id"`
			Status string `json:"status"`
		} `json:"results"`
	}
	if err := json.Unmarshal(data, &report); err != nil {
		return nil, fmt.Errorf("decoding the JSON report %s: %w", path, err)
	}
	if len(report.Results) == 0 {
		return nil, fmt.Errorf("the JSON report %s holds no results", path)
	}
	statuses := make(map[string]string, len(report.Results))
	for _, r := range report.Results {
		statuses[r.ID] = r.Status
	}
	return statuses, nil
}

// demoSummary prints the final table and returns the demo's exit code.
func (c *cli) demoSummary(outcomes []demoOutcome) int {
	fmt.Fprintf(c.stdout, "\n=== demo summary\n\n")
	tw := tabwriter.NewWriter(c.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SERVER\tEXPECTED FAILS\tOBSERVED FAILS\tVERDICT")
	var bad []string
	for _, o := range outcomes {
		expected := append([]string(nil), o.expectFail...)
		for _, id := range o.expectWarn {
			expected = append(expected, id+" (warn)")
		}
		verdict := "ok"
		switch {
		case o.err != nil:
			verdict = "ERROR: " + o.err.Error()
		case len(o.missing) > 0:
			verdict = "MISSED " + strings.Join(o.missing, ", ")
		case !o.ok():
			verdict = "UNEXPECTED FAIL"
		}
		if verdict != "ok" {
			bad = append(bad, o.name)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", o.name, listOrDash(expected), listOrDash(o.fails), verdict)
	}
	if err := tw.Flush(); err != nil {
		c.errorf("demo: writing the summary: %v", err)
		return exitFail
	}
	if len(bad) > 0 {
		c.errorf("demo FAILED: %d of %d servers did not behave as expected: %s",
			len(bad), len(outcomes), strings.Join(bad, ", "))
		return exitFail
	}
	fmt.Fprintf(c.stdout, "\ndemo passed: the correct server has no FAIL and each of the %d broken servers shows its expected failures\n", len(outcomes)-1)
	return exitOK
}

// listOrDash joins ids with commas, or returns "-" when there are none.
func listOrDash(ids []string) string {
	if len(ids) == 0 {
		return "-"
	}
	return strings.Join(ids, ", ")
}
