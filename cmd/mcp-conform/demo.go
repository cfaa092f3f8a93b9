package main

// This file implements "mcp-conform demo": the suite run end to end with no network and no
// setup. It starts a mockas and the reference MCP servers of package fixtures (one correct,
// every broken one of the catalogue) in this process, and runs "mcp-conform run" against each
// in a child process of this same binary, because Ginkgo's RunSpecs may run once per process.
// By default it prints one row per server (what it should show, what it showed); --full
// prints every run's whole report as well. It ends with the next steps to take.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/mcp-conform/mcp-conform/conformance/demo"
	"github.com/mcp-conform/mcp-conform/fixtures"
	"github.com/mcp-conform/mcp-conform/mockas"
)

// demoCmd is "mcp-conform demo".
func demoCmd(ctx context.Context, c *cli, args []string) int {
	fs := newFlagSet("demo", "mcp-conform demo",
		`Run the suite against reference MCP servers embedded in this binary: one correct server and
every deliberately broken server of the fixtures catalogue, each trusting its own in-process mockas.
Needs no network and no setup. Prints one row per server: the checks it is expected to fail,
and the FAILs and WARNs the suite showed. Exits 0 when the correct server has no FAIL and
every broken server shows (at least) its expected FAILs and WARNs; 1 otherwise.`)
	full := fs.Bool("full", false, "also print the whole console report of every server")
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

	servers := demo.Servers()

	// Runs mostly wait on the network and on rate-limit windows, so a few go at once; their
	// output is buffered and printed in catalogue order.
	type job struct {
		stdout, stderr bytes.Buffer
		outcome        demo.Outcome
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
				j.outcome = demo.Outcome{Name: s.Name, Err: fmt.Errorf("interrupted: %w", ctx.Err())}
				return
			}
			// Each server gets its own mockas: the suite changes the AS's shared state (fault
			// injection for RS-69, key rotation, revocation) and reads what the server asked it
			// (RS-71), and runs going at once must not see each other's.
			as := mockas.NewServer()
			defer as.Close()
			jsonPath := filepath.Join(tmp, fmt.Sprintf("%02d-report.json", i))
			j.outcome = demoServer(ctx, exe, as, s, jsonPath, c.color && *full, &j.stdout, &j.stderr)
		}()
	}
	fmt.Fprintf(c.stdout, "mcp-conform demo: the suite against %d reference MCP servers in this process (one correct,\n"+
		"%d broken on purpose), each trusting its own in-process mockas\n", len(servers), len(servers)-1)
	table := newDemoTable(c, servers)
	if !*full {
		table.header()
	}
	outcomes := make([]demo.Outcome, 0, len(servers))
	for i, j := range jobs {
		<-j.done
		s := servers[i]
		if *full {
			fmt.Fprintf(c.stdout, "\n=== [%d/%d] %s: %s\n", i+1, len(servers), s.Name, oneLine(s.Description))
			_, _ = c.stdout.Write(j.stdout.Bytes())
		} else {
			table.row(j.outcome)
		}
		_, _ = c.stderr.Write(j.stderr.Bytes())
		if j.outcome.Err != nil {
			c.errorf("demo: %s: %v", s.Name, j.outcome.Err)
		}
		outcomes = append(outcomes, j.outcome)
	}
	if ctx.Err() != nil {
		c.errorf("demo: interrupted")
		return exitFail
	}
	if !*full && len(outcomes) > 0 && len(outcomes[0].ScopeMap) > 0 {
		fmt.Fprintf(c.stdout, "\nScope map of the correct server (weather declared, the rest learned by --discover-scopes):\n")
		for _, l := range outcomes[0].ScopeMap {
			fmt.Fprintf(c.stdout, "  %s\n", l)
		}
	}
	if *full {
		fmt.Fprintf(c.stdout, "\n=== demo summary\n\n")
		table.header()
		for _, o := range outcomes {
			table.row(o)
		}
	}
	return c.demoVerdict(outcomes)
}

// demoServer starts the fixture server s, runs the suite against it in a child process (its
// output goes to stdout and stderr) and judges its JSON report (demo.Judge).
func demoServer(ctx context.Context, exe string, as *mockas.Server, s fixtures.Broken, jsonPath string, color bool, stdout, stderr io.Writer) demo.Outcome {
	fail := func(err error) demo.Outcome {
		return demo.Outcome{Name: s.Name, ExpectFail: s.ExpectFail, ExpectWarn: s.ExpectWarn, Err: err}
	}
	srv, err := fixtures.NewServer(demo.Options(s, as.Issuer()))
	if err != nil {
		return fail(fmt.Errorf("starting the fixture server: %w", err))
	}
	defer srv.Close()

	cmd := exec.CommandContext(ctx, exe, demo.RunArgs(srv.MCPURL(), as.URL, jsonPath)...)
	cmd.Stdout = stdout
	cmd.Stderr = stderr
	if color {
		// The report is buffered, not written to the terminal: ask the child for colour.
		cmd.Env = append(os.Environ(), "CLICOLOR_FORCE=1")
	}
	if err := cmd.Run(); err != nil {
		var exitErr *exec.ExitError
		if !errors.As(err, &exitErr) || exitErr.ExitCode() != exitFail {
			return fail(fmt.Errorf("mcp-conform run: %w", err))
		}
	}
	data, err := os.ReadFile(jsonPath)
	if err != nil {
		return fail(fmt.Errorf("reading the JSON report: %w", err))
	}
	return demo.Judge(s, data)
}

// demoVerdict prints the verdict and the next steps, and returns the demo's exit code.
func (c *cli) demoVerdict(outcomes []demo.Outcome) int {
	var bad []string
	for _, o := range outcomes {
		if o.Err != nil || len(o.Missing) > 0 || !o.OK() {
			bad = append(bad, o.Name)
		}
	}
	example := "alg-none-accepted"
	fmt.Fprintf(c.stdout, `
Next steps:
  mcp-conform explain RS-35
      what a check sends and expects, where the rule comes from, and how to fix a failure
  mcp-conform serve-fixture --issuer http://127.0.0.1:9000 --flaw %s
      serve one of these servers (here: one that accepts unsigned tokens) to try the suite,
      your client or your CI on it; --list-flaws lists the flaws
  mcp-conform run --url http://127.0.0.1:3000/mcp --serve-mockas 127.0.0.1:9000
      test your own server, configured to trust the issuer http://127.0.0.1:9000
  mcp-conform demo --full
      this demo with every server's whole report
`, example)
	if len(bad) > 0 {
		c.errorf("demo FAILED: %d of %d servers did not behave as expected: %s",
			len(bad), len(outcomes), strings.Join(bad, ", "))
		return exitFail
	}
	fmt.Fprintf(c.stdout, "\ndemo passed: no FAIL on the correct server, and each of the %d broken servers shows its failures\n", len(outcomes)-1)
	return exitOK
}
