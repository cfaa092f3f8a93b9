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
	"time"
	"unicode/utf8"

	"github.com/mcp-conform/mcp-conform/fixtures"
	"github.com/mcp-conform/mcp-conform/mockas"
)

// Declarations every demo run passes to the suite; they match the fixtures' configuration.
// Every run also learns the other scope requirements (--discover-scopes) and prints the
// scope map.
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
	scopeMap   []string // the run's scope map, one "operation → scopes (source)" per line
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
			j.outcome = demoServer(ctx, exe, as, s, jsonPath, c.color && *full, &j.stdout, &j.stderr)
		}()
	}
	fmt.Fprintf(c.stdout, "mcp-conform demo: the suite against %d reference MCP servers in this process (one correct,\n"+
		"%d broken on purpose), all trusting an in-process mockas at %s\n", len(servers), len(servers)-1, as.URL)
	table := newDemoTable(c, servers)
	if !*full {
		table.header()
	}
	outcomes := make([]demoOutcome, 0, len(servers))
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
		if j.outcome.err != nil {
			c.errorf("demo: %s: %v", s.Name, j.outcome.err)
		}
		outcomes = append(outcomes, j.outcome)
	}
	if ctx.Err() != nil {
		c.errorf("demo: interrupted")
		return exitFail
	}
	if !*full && len(outcomes) > 0 && len(outcomes[0].scopeMap) > 0 {
		fmt.Fprintf(c.stdout, "\nScope map of the correct server (weather declared, the rest learned by --discover-scopes):\n")
		for _, l := range outcomes[0].scopeMap {
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
// output goes to stdout and stderr) and compares what it showed with what the catalogue expects.
func demoServer(ctx context.Context, exe string, as *mockas.Server, s fixtures.Broken, jsonPath string, color bool, stdout, stderr io.Writer) demoOutcome {
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
		"--discover-scopes",
		"--rate-limit", demoRateLimit,
		"--json", jsonPath)
	cmd.Stdout = stdout
	cmd.Stderr = stderr
	if color {
		// The report is buffered, not written to the terminal: ask the child for colour.
		cmd.Env = append(os.Environ(), "CLICOLOR_FORCE=1")
	}
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
	o.scopeMap = readScopeMap(jsonPath)
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

// readScopeMap reads the scope_map of a JSON report as lines: the operations needing a
// scope, then how many need none (nil when absent).
func readScopeMap(path string) []string {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	var report struct {
		ScopeMap []struct {
			Operation string   `json:"operation"`
			Scopes    []string `json:"scopes"`
			Source    string   `json:"source"`
		} `json:"scope_map"`
	}
	if json.Unmarshal(data, &report) != nil {
		return nil
	}
	var out, free []string
	for _, e := range report.ScopeMap {
		switch {
		case e.Operation == "":
		case len(e.Scopes) == 0:
			free = append(free, oneLine(e.Operation))
		default:
			out = append(out, fmt.Sprintf("%s → %s (%s)", oneLine(e.Operation), oneLine(strings.Join(e.Scopes, " ")), e.Source))
		}
	}
	if len(free) > 0 {
		out = append(out, fmt.Sprintf("%d more operations served to a token with no scopes", len(free)))
	}
	return out
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

// demoTable prints one row per demo server: the verdict, the server, the checks it is
// expected to fail (or warn on), and the FAILs and WARNs the suite showed.
type demoTable struct {
	c         *cli
	nameWidth int // the longest server name, at most demoNameWidth
}

// ANSI colours of the demo table (the console report has its own, in package conformance).
const (
	ansiReset  = "\x1b[0m"
	ansiRed    = "\x1b[31m"
	ansiGreen  = "\x1b[32m"
	ansiYellow = "\x1b[33m"
)

// Column widths of the demo table; the last column takes the rest of 100 columns.
const (
	demoVerdictWidth = 4
	demoNameWidth    = 36
	demoExpectWidth  = 20
	demoWidth        = 100
)

func newDemoTable(c *cli, servers []fixtures.Broken) *demoTable {
	t := &demoTable{c: c, nameWidth: len("SERVER")}
	for _, s := range servers {
		t.nameWidth = max(t.nameWidth, min(len(s.Name), demoNameWidth))
	}
	return t
}

// header prints the column titles.
func (t *demoTable) header() {
	fmt.Fprintf(t.c.stdout, "\n  %-*s  %-*s  %-*s  %s\n", demoVerdictWidth, "", t.nameWidth, "SERVER", demoExpectWidth, "SHOULD SHOW", "SHOWED")
}

// row prints one server's row; colour (on a terminal) marks the verdict, FAILs and WARNs.
func (t *demoTable) row(o demoOutcome) {
	verdict, code := "ok", ansiGreen
	if o.err != nil || len(o.missing) > 0 || !o.ok() {
		verdict, code = "BAD", ansiRed
	}
	expected := append([]string(nil), o.expectFail...)
	for _, id := range o.expectWarn {
		expected = append(expected, id+"(w)")
	}
	name := o.name
	if len(name) > t.nameWidth {
		name = name[:t.nameWidth-1] + "…"
	}
	exp := listOrDash(expected)
	if len(exp) > demoExpectWidth {
		exp = exp[:demoExpectWidth-1] + "…"
	}
	room := demoWidth - 2 - demoVerdictWidth - t.nameWidth - demoExpectWidth - 6
	var showed []string
	switch {
	case o.err != nil:
		showed = []string{t.paint(ansiRed, "error: "+firstLine(o.err.Error(), room-7))}
	default:
		var parts []string
		if len(o.fails) > 0 {
			parts = append(parts, t.paint(ansiRed, "FAIL")+" "+strings.Join(o.fails, " "))
		}
		if len(o.warns) > 0 {
			parts = append(parts, t.paint(ansiYellow, "WARN")+" "+strings.Join(o.warns, " "))
		}
		if len(parts) == 0 {
			parts = []string{"no FAIL, no WARN"}
		}
		if len(o.missing) > 0 {
			parts = append(parts, t.paint(ansiRed, "MISSED")+" "+strings.Join(o.missing, " "))
		}
		showed = parts
	}
	fmt.Fprintf(t.c.stdout, "  %s  %-*s  %-*s  %s\n", t.paint(code, fmt.Sprintf("%-*s", demoVerdictWidth, verdict)),
		t.nameWidth, name, demoExpectWidth, exp, fitANSI(strings.Join(showed, " · "), room))
}

// paint colours s when the demo writes to a terminal.
func (t *demoTable) paint(code, s string) string {
	if !t.c.color {
		return s
	}
	return code + s + ansiReset
}

// fitANSI cuts s, which may hold ANSI colour sequences, to width visible runes; a cut is
// marked with "…" and resets the colour.
func fitANSI(s string, width int) string {
	if visibleLen(s) <= width {
		return s
	}
	var b strings.Builder
	visible := 0
	for i := 0; i < len(s); {
		if s[i] == 0x1b {
			end := strings.IndexByte(s[i:], 'm')
			if end < 0 {
				break
			}
			b.WriteString(s[i : i+end+1])
			i += end + 1
			continue
		}
		if visible == width-1 {
			break
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		b.WriteRune(r)
		visible++
		i += size
	}
	b.WriteString("…")
	if strings.Contains(s, "\x1b[") {
		b.WriteString(ansiReset)
	}
	return b.String()
}

// visibleLen counts the runes of s outside ANSI colour sequences.
func visibleLen(s string) int {
	n := 0
	for i := 0; i < len(s); {
		if s[i] == 0x1b {
			if end := strings.IndexByte(s[i:], 'm'); end >= 0 {
				i += end + 1
				continue
			}
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		n++
		i += size
	}
	return n
}

// demoVerdict prints the verdict and the next steps, and returns the demo's exit code.
func (c *cli) demoVerdict(outcomes []demoOutcome) int {
	var bad []string
	for _, o := range outcomes {
		if o.err != nil || len(o.missing) > 0 || !o.ok() {
			bad = append(bad, o.name)
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

// listOrDash joins ids with commas, or returns "-" when there are none.
func listOrDash(ids []string) string {
	if len(ids) == 0 {
		return "-"
	}
	return strings.Join(ids, ", ")
}
