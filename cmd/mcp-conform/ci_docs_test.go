package main

// The CI recipes of docs/ci.md are executed here so they cannot rot: the shell script and the
// GitLab job's script lines run with bash against a real serve-fixture server (correct: exit 0
// and reports; broken: exit 1), and the GitHub Actions step must be the step this repository's
// workflow runs, word for word but for the action reference.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// Paths relative to this package.
const (
	ciDocPath      = "../../docs/ci.md"
	actionPath     = "../../.github/actions/mcp-conform/action.yml"
	actionWorkflow = "../../.github/workflows/action.yml"
	repoRoot       = "../.."
)

// ciSnippet returns the fenced code block that follows "<!-- ci-snippet: NAME -->" in doc.
func ciSnippet(t *testing.T, doc, name string) string {
	t.Helper()
	marker := "<!-- ci-snippet: " + name + " -->"
	i := strings.Index(doc, marker)
	if i < 0 {
		t.Fatalf("%s has no %q marker", ciDocPath, marker)
	}
	rest := doc[i+len(marker):]
	open := strings.Index(rest, "```")
	if open < 0 || strings.TrimSpace(rest[:open]) != "" {
		t.Fatalf("%s: %q is not followed by a fenced code block", ciDocPath, marker)
	}
	rest = rest[open:]
	nl := strings.Index(rest, "\n")
	end := strings.Index(rest[nl+1:], "\n```")
	if nl < 0 || end < 0 {
		t.Fatalf("%s: the code block after %q is not closed", ciDocPath, marker)
	}
	return rest[nl+1 : nl+1+end+1]
}

// readText reads a file of the repository.
func readText(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading %s: %v", path, err)
	}
	return string(data)
}

// yamlStep returns the lines of the workflow step that starts with "- name: NAME", up to the
// next line indented as much as its dash or less.
func yamlStep(t *testing.T, text, name, where string) []string {
	t.Helper()
	lines := strings.Split(text, "\n")
	for i, line := range lines {
		if strings.TrimSpace(line) != "- name: "+name {
			continue
		}
		indent := strings.Index(line, "-")
		step := []string{line}
		for _, l := range lines[i+1:] {
			if strings.TrimSpace(l) != "" && len(l)-len(strings.TrimLeft(l, " ")) <= indent {
				break
			}
			step = append(step, l)
		}
		for len(step) > 0 && strings.TrimSpace(step[len(step)-1]) == "" {
			step = step[:len(step)-1]
		}
		return step
	}
	t.Fatalf("%s has no step named %q", where, name)
	return nil
}

var usesLine = regexp.MustCompile(`^(\s*uses: )(\S+)$`)

// normalizeUses replaces the action reference of a step and returns the reference.
func normalizeUses(step []string) (out []string, ref string) {
	for _, l := range step {
		if m := usesLine.FindStringSubmatch(l); m != nil {
			ref = m[2]
			l = m[1] + "<the mcp-conform action>"
		}
		out = append(out, l)
	}
	return out, ref
}

func TestCIDocs_githubSnippetIsTheWorkflowStep(t *testing.T) {
	doc := readText(t, ciDocPath)
	snippet := ciSnippet(t, doc, "github-actions")
	docStep, docRef := normalizeUses(yamlStep(t, snippet, "mcp-conform", ciDocPath))
	wfStep, wfRef := normalizeUses(yamlStep(t, readText(t, actionWorkflow), "mcp-conform", actionWorkflow))
	if diff := cmp.Diff(wfStep, docStep); diff != "" {
		t.Errorf("the GitHub Actions step of %s differs from the one %s runs (-workflow +doc):\n%s", ciDocPath, actionWorkflow, diff)
	}
	if wfRef != "./.github/actions/mcp-conform" {
		t.Errorf("the workflow uses %q, want the action of the same commit, ./.github/actions/mcp-conform", wfRef)
	}
	if !strings.HasPrefix(docRef, "mcp-conform/mcp-conform/.github/actions/mcp-conform@") {
		t.Errorf("the doc uses %q, want mcp-conform/mcp-conform/.github/actions/mcp-conform@REF", docRef)
	}
	if !strings.Contains(snippet, "permissions:\n  contents: read\n") {
		t.Errorf("the documented workflow does not restrict permissions to contents: read:\n%s", snippet)
	}
}

var pinned = regexp.MustCompile(`^\s*(?:- )?uses: (\S+)`)

func TestCIDocs_actionsArePinned(t *testing.T) {
	sha := regexp.MustCompile(`@[0-9a-f]{40}$`)
	for _, path := range []string{actionPath, actionWorkflow, "../../.github/workflows/ci.yml"} {
		for i, line := range strings.Split(readText(t, path), "\n") {
			m := pinned.FindStringSubmatch(line)
			if m == nil || strings.HasPrefix(m[1], "./") {
				continue
			}
			if !sha.MatchString(m[1]) {
				t.Errorf("%s:%d: %s is not pinned to a commit SHA", path, i+1, m[1])
			}
		}
	}
}

func TestCIDocs_everyActionInputDocumented(t *testing.T) {
	action := readText(t, actionPath)
	doc := readText(t, ciDocPath)
	section := action[strings.Index(action, "\ninputs:\n"):strings.Index(action, "\noutputs:\n")]
	names := regexp.MustCompile(`(?m)^  ([a-z-]+):$`).FindAllStringSubmatch(section, -1)
	if len(names) < 7 {
		t.Fatalf("found %d inputs in %s, want at least the 7 of the issue", len(names), actionPath)
	}
	for _, m := range names {
		if !strings.Contains(doc, "| `"+m[1]+"` |") {
			t.Errorf("action input %q is not in the inputs table of %s", m[1], ciDocPath)
		}
	}
	for _, want := range []string{"url", "start-command", "scopes", "rate-limit", "spec-version", "strict", "expected-failures"} {
		if !regexp.MustCompile(`(?m)^  ` + want + `:$`).MatchString(section) {
			t.Errorf("the action lacks input %q", want)
		}
	}
	outputs := action[strings.Index(action, "\noutputs:\n"):strings.Index(action, "\nruns:\n")]
	for _, want := range []string{"pass", "fail", "warn", "skip", "info", "exit-code"} {
		if !regexp.MustCompile(`(?m)^  ` + want + `:$`).MatchString(outputs) {
			t.Errorf("the action lacks output %q", want)
		}
	}
}

// gitlabJob extracts the variables and the script lines of the documented GitLab job.
func gitlabJob(t *testing.T, snippet string) (vars map[string]string, script []string, junit string) {
	t.Helper()
	vars = map[string]string{}
	section := ""
	for _, line := range strings.Split(snippet, "\n") {
		trimmed := strings.TrimSpace(line)
		indent := len(line) - len(strings.TrimLeft(line, " "))
		switch {
		case trimmed == "":
		case indent == 2:
			section = strings.TrimSuffix(trimmed, ":")
		case section == "variables" && indent == 4:
			k, v, ok := strings.Cut(trimmed, ": ")
			if !ok {
				t.Fatalf("GitLab variables line %q: want KEY: value", line)
			}
			vars[k] = v
		case section == "script" && strings.HasPrefix(trimmed, "- "):
			script = append(script, strings.TrimPrefix(trimmed, "- "))
		case section == "artifacts" && strings.HasPrefix(trimmed, "junit: "):
			junit = strings.TrimPrefix(trimmed, "junit: ")
		}
	}
	if len(script) == 0 || junit == "" {
		t.Fatalf("the GitLab job has no script lines or no junit report:\n%s", snippet)
	}
	return vars, script, junit
}

// ciRun is one execution of a documented recipe against a serve-fixture server.
type ciRun struct {
	code   int
	dir    string // working directory: the reports are under it
	output string
}

// runRecipe runs script with bash in a fresh directory, with a serve-fixture server (with
// flaws) as START_COMMAND and free loopback ports for it and mockas. vars are set first;
// the test's own settings override them.
func runRecipe(t *testing.T, script string, vars map[string]string, flaws ...string) ciRun {
	t.Helper()
	for _, tool := range []string{"bash", "curl", "go"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("the CI recipes need %s: %v", tool, err)
		}
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatalf("os.Executable: %v", err)
	}
	src, err := filepath.Abs(repoRoot)
	if err != nil {
		t.Fatal(err)
	}
	serverAddr, mockasAddr := closedPort(t), closedPort(t)
	start := fmt.Sprintf(`%s=1 exec %q serve-fixture --addr %s --issuer "$MOCKAS_URL" --rate-limit 5/1s`, execEnv, exe, serverAddr)
	for _, f := range flaws {
		start += " --flaw " + f
	}
	env := os.Environ()
	for k, v := range vars {
		env = append(env, k+"="+v)
	}
	env = append(env,
		"MCP_URL=http://"+serverAddr+"/mcp",
		"START_COMMAND="+start,
		"MOCKAS_ADDR="+mockasAddr,
		"MCP_CONFORM_SRC="+src,
		"WAIT_SECONDS=60",
		"NO_COLOR=1",
	)
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "-c", script)
	cmd.Dir, cmd.Env = dir, env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err = cmd.Run()
	r := ciRun{dir: dir, output: out.String()}
	if err != nil {
		var exitErr *exec.ExitError
		if !errors.As(err, &exitErr) {
			t.Fatalf("running the recipe: %v\n%s", err, tail(r.output))
		}
		r.code = exitErr.ExitCode()
	}
	return r
}

// wantReports fails unless every named file exists, non-empty, in dir.
func wantReports(t *testing.T, dir string, names ...string) {
	t.Helper()
	for _, name := range names {
		if fi, err := os.Stat(filepath.Join(dir, name)); err != nil || fi.Size() == 0 {
			t.Errorf("report %s missing or empty: %v", name, err)
		}
	}
}

func TestCIDocs_shellScript(t *testing.T) {
	skipShort(t)
	script := ciSnippet(t, readText(t, ciDocPath), "shell")
	reports := []string{"mcp-conform.json", "mcp-conform.xml", "mcp-conform.html", "summary.md", "outputs.txt"}

	r := runRecipe(t, script, nil)
	if r.code != exitOK {
		t.Fatalf("the shell recipe against the correct server exited %d, want 0:\n%s", r.code, tail(r.output))
	}
	wantReports(t, filepath.Join(r.dir, "mcp-conform-reports"), reports...)
	if !strings.Contains(r.output, "### mcp-conform: ✅ no check failed") {
		t.Errorf("the recipe did not print the summary:\n%s", tail(r.output))
	}

	r = runRecipe(t, script, nil, "alg-none-accepted")
	if r.code != exitFail {
		t.Fatalf("the shell recipe against the alg-none-accepted server exited %d, want 1:\n%s", r.code, tail(r.output))
	}
	dir := filepath.Join(r.dir, "mcp-conform-reports")
	wantReports(t, dir, reports...)
	outputs := readText(t, filepath.Join(dir, "outputs.txt"))
	for _, want := range []string{"\nexit-code=1\n", "RS-35"} {
		if !strings.Contains(outputs, want) {
			t.Errorf("outputs.txt lacks %q:\n%s", want, outputs)
		}
	}
}

func TestCIDocs_gitlabJob(t *testing.T) {
	skipShort(t)
	vars, script, junit := gitlabJob(t, ciSnippet(t, readText(t, ciDocPath), "gitlab-ci"))
	for _, k := range []string{"MCP_URL", "START_COMMAND", "MCP_CONFORM_SRC"} {
		if _, ok := vars[k]; !ok {
			t.Errorf("the GitLab job does not set %s", k)
		}
	}
	// GitLab runs the script lines in one shell and stops at the first that fails.
	r := runRecipe(t, "set -e\n"+strings.Join(script, "\n")+"\n", vars)
	if r.code != exitOK {
		t.Fatalf("the GitLab job's script exited %d, want 0:\n%s", r.code, tail(r.output))
	}
	wantReports(t, r.dir, junit, "mcp-conform-reports/mcp-conform.html")

	r = runRecipe(t, "set -e\n"+strings.Join(script, "\n")+"\n", vars, "audience-unchecked")
	if r.code != exitFail {
		t.Fatalf("the GitLab job's script against the audience-unchecked server exited %d, want 1:\n%s", r.code, tail(r.output))
	}
	wantReports(t, r.dir, junit)
}
