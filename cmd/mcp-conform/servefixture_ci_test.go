package main

// The CI wiring driving a serve-fixture server: the composite action's bash steps, run with
// GitHub's environment emulated (inputs substituted, $GITHUB_OUTPUT and $GITHUB_STEP_SUMMARY
// files), and the failure paths of scripts/mcp-conform-ci.sh, which must all end in exit
// code 2 with outputs.txt saying so — never a 1 that reads as "a check failed".

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

// actionStep is one step of the composite action.
type actionStep struct {
	Name  string            `yaml:"name"`
	ID    string            `yaml:"id"`
	If    string            `yaml:"if"`
	Uses  string            `yaml:"uses"`
	Shell string            `yaml:"shell"`
	Env   map[string]string `yaml:"env"`
	Run   string            `yaml:"run"`
}

// compositeAction is the part of action.yml the emulation reads.
type compositeAction struct {
	Inputs map[string]struct {
		Default string `yaml:"default"`
	} `yaml:"inputs"`
	Outputs map[string]struct {
		Value string `yaml:"value"`
	} `yaml:"outputs"`
	Runs struct {
		Using string       `yaml:"using"`
		Steps []actionStep `yaml:"steps"`
	} `yaml:"runs"`
}

// actionRun is the result of an emulated run of the action's steps.
type actionRun struct {
	outputs   map[string]string // the action's outputs, as its outputs: section maps them
	summary   string            // what was appended to $GITHUB_STEP_SUMMARY
	verdictRC int               // exit code of the "fail on the verdict" step (-1: skipped)
	log       string
}

var ghExpr = regexp.MustCompile(`\$\{\{\s*([^}]*?)\s*\}\}`)

// runAction runs the bash steps of the composite action in order, as GitHub would: the
// "uses:" steps (setup-go, upload-artifact) are skipped, expressions over inputs,
// github.action_path and steps.*.outputs are substituted, each step runs with
// "bash --noprofile --norc -e -o pipefail" in the workspace.
func runAction(t *testing.T, inputs map[string]string) actionRun {
	t.Helper()
	var act compositeAction
	if err := yaml.Unmarshal([]byte(readText(t, actionPath)), &act); err != nil {
		t.Fatalf("parsing %s: %v", actionPath, err)
	}
	if act.Runs.Using != "composite" {
		t.Fatalf("%s: runs.using %q, want composite", actionPath, act.Runs.Using)
	}
	actionDir, err := filepath.Abs(filepath.Dir(actionPath))
	if err != nil {
		t.Fatal(err)
	}
	in := map[string]string{}
	for name, def := range act.Inputs {
		in[name] = def.Default
	}
	for name, v := range inputs {
		if _, ok := act.Inputs[name]; !ok {
			t.Fatalf("the action has no input %q", name)
		}
		in[name] = v
	}
	stepOutputs := map[string]map[string]string{}
	eval := func(s string) string {
		return ghExpr.ReplaceAllStringFunc(s, func(m string) string {
			e := ghExpr.FindStringSubmatch(m)[1]
			switch {
			case strings.HasPrefix(e, "inputs."):
				return in[strings.TrimPrefix(e, "inputs.")]
			case e == "github.action_path":
				return actionDir
			case strings.HasPrefix(e, "steps."):
				parts := strings.SplitN(e, ".", 4) // steps ID outputs NAME
				if len(parts) == 4 && parts[2] == "outputs" {
					return stepOutputs[parts[1]][parts[3]]
				}
			}
			t.Fatalf("%s: the emulation does not handle the expression %q", actionPath, m)
			return ""
		})
	}

	workspace, tmp := t.TempDir(), t.TempDir()
	summaryFile := filepath.Join(tmp, "step_summary.md")
	if err := os.WriteFile(summaryFile, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	run := actionRun{verdictRC: -1}
	var log bytes.Buffer
	for i, st := range act.Runs.Steps {
		if st.Uses != "" {
			continue
		}
		if st.Shell != "bash" {
			t.Fatalf("step %q: shell %q, want bash", st.Name, st.Shell)
		}
		verdictStep := strings.Contains(st.If, "exit-code != '0'")
		if verdictStep && stepOutputs["run"]["exit-code"] == "0" {
			continue
		}
		outFile := filepath.Join(tmp, fmt.Sprintf("output-%d", i))
		if err := os.WriteFile(outFile, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		env := append(os.Environ(),
			"GITHUB_ACTIONS=true", "CI=true", "NO_COLOR=1", execEnv+"=1",
			"GITHUB_WORKSPACE="+workspace, "GITHUB_ACTION_PATH="+actionDir,
			"GITHUB_OUTPUT="+outFile, "GITHUB_STEP_SUMMARY="+summaryFile,
			"GITHUB_WORKFLOW_REF=octo/server/.github/workflows/conformance.yml@refs/pull/7/merge")
		for k, v := range st.Env {
			env = append(env, k+"="+eval(v))
		}
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
		cmd := exec.CommandContext(ctx, "bash", "--noprofile", "--norc", "-e", "-o", "pipefail", "-c", eval(st.Run))
		cmd.Dir, cmd.Env, cmd.Stdout, cmd.Stderr = workspace, env, &log, &log
		err := cmd.Run()
		cancel()
		rc := 0
		if err != nil {
			var exitErr *exec.ExitError
			if !errors.As(err, &exitErr) {
				t.Fatalf("step %q: %v", st.Name, err)
			}
			rc = exitErr.ExitCode()
		}
		if verdictStep {
			run.verdictRC = rc
		} else if rc != 0 {
			t.Fatalf("step %q exited %d; it must record the verdict, not fail:\n%s", st.Name, rc, tail(log.String()))
		}
		outs := map[string]string{}
		for _, line := range strings.Split(readText(t, outFile), "\n") {
			if k, v, ok := strings.Cut(line, "="); ok {
				outs[k] = v
			}
		}
		stepOutputs[st.ID] = outs
	}
	run.outputs = map[string]string{}
	for name, o := range act.Outputs {
		run.outputs[name] = eval(o.Value)
	}
	run.summary = readText(t, summaryFile)
	run.log = log.String()
	return run
}

// fixtureStart is a start-command running this test binary as "mcp-conform serve-fixture".
func fixtureStart(t *testing.T, addr string, flaws ...string) string {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatalf("os.Executable: %v", err)
	}
	s := fmt.Sprintf(`%s=1 exec %q serve-fixture --addr %s --issuer "$MOCKAS_URL" --rate-limit 5/1s`, execEnv, exe, addr)
	for _, f := range flaws {
		s += " --flaw " + f
	}
	return s
}

func TestCIAction_stepsWithGitHubEnvironment(t *testing.T) {
	skipShort(t)
	for _, tool := range []string{"bash", "curl", "go"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("the action needs %s: %v", tool, err)
		}
	}
	tests := []struct {
		name           string
		flaws          []string
		startCommand   string // overrides the fixture
		exitCode       string
		verdictRC      int
		summary        string
		wantUnexpected string
	}{
		{name: "correct server", exitCode: "0", verdictRC: -1, summary: "### mcp-conform: ✅ no check failed"},
		{name: "alg none accepted", flaws: []string{"alg-none-accepted"}, exitCode: "1", verdictRC: 1, summary: "❌ 1 failed", wantUnexpected: "RS-35"},
		{name: "start command fails", startCommand: "echo no server here >&2; exit 3", exitCode: "2", verdictRC: 2, summary: "the run did not complete (exit 2)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			addr := closedPort(t)
			start := tt.startCommand
			if start == "" {
				start = fixtureStart(t, addr, tt.flaws...)
			}
			r := runAction(t, map[string]string{
				"url":           "http://" + addr + "/mcp",
				"start-command": start,
				"scopes":        "weather=mcp:tools:weather",
				"rate-limit":    "5/1s",
				"mockas-addr":   closedPort(t),
				"wait-seconds":  "60",
			})
			o := r.outputs
			if o["exit-code"] != tt.exitCode {
				t.Fatalf("output exit-code %q, want %s:\n%s", o["exit-code"], tt.exitCode, tail(r.log))
			}
			if r.verdictRC != tt.verdictRC {
				t.Errorf("the verdict step exited %d, want %d (-1: skipped)", r.verdictRC, tt.verdictRC)
			}
			if !strings.Contains(r.summary, tt.summary) {
				t.Errorf("the job summary lacks %q:\n%s", tt.summary, r.summary)
			}
			if o["unexpected"] != tt.wantUnexpected {
				t.Errorf("output unexpected %q, want %q", o["unexpected"], tt.wantUnexpected)
			}
			for _, name := range []string{"pass", "fail", "warn", "skip", "info", "total"} {
				if !regexp.MustCompile(`^[0-9]+$`).MatchString(o[name]) {
					t.Errorf("output %s = %q, want a count", name, o[name])
				}
			}
			if tt.exitCode == "2" {
				return
			}
			if o["pass"] == "0" || o["total"] == "0" {
				t.Errorf("outputs count no check: %v", o)
			}
			for _, f := range []string{"mcp-conform.json", "mcp-conform.xml", "mcp-conform.html", "mcp-conform.sarif", "summary.md"} {
				if fi, err := os.Stat(filepath.Join(o["report-dir"], f)); err != nil || fi.Size() == 0 {
					t.Errorf("report %s missing or empty in %q: %v", f, o["report-dir"], err)
				}
			}
			// The SARIF results point at the calling workflow, so code scanning can show them.
			if o["sarif-file"] != filepath.Join(o["report-dir"], "mcp-conform.sarif") {
				t.Errorf("output sarif-file %q, want the report directory's mcp-conform.sarif", o["sarif-file"])
			}
			if tt.exitCode == "1" {
				if s := readText(t, o["sarif-file"]); !strings.Contains(s, `"uri": ".github/workflows/conformance.yml"`) {
					t.Errorf("the SARIF results do not point at the workflow file:\n%.2000s", s)
				}
			}
		})
	}
}

// TestCIScript_cannotStart: every way the script can fail before the suite runs ends in exit
// code 2 with outputs.txt and summary.md saying the run did not complete, and a log line
// saying why.
func TestCIScript_cannotStart(t *testing.T) {
	skipShort(t)
	busy := httptest.NewServer(http.NotFoundHandler())
	t.Cleanup(busy.Close)
	src, err := filepath.Abs(repoRoot)
	if err != nil {
		t.Fatal(err)
	}
	script := fmt.Sprintf("%q", filepath.Join(src, "scripts", "mcp-conform-ci.sh"))
	tests := []struct {
		name, script, inOutput string
	}{
		{"no MCP_URL", "MCP_URL= " + script, "MCP_URL is required"},
		{"not a checkout", "MCP_CONFORM_SRC=$(mktemp -d) " + script, "building mockas and mcp-conform from"},
		{"start command fails", `START_COMMAND="exit 3" ` + script, "exited (status 3) before answering"},
		{"mockas address taken", "MOCKAS_ADDR=" + strings.TrimPrefix(busy.URL, "http://") + " " + script, "something already listens on"},
		{"server port taken", "MCP_URL=" + busy.URL + "/mcp " + script, "something already answers at " + busy.URL + "/mcp"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runRecipe(t, tt.script, nil)
			if r.code != exitUsage {
				t.Fatalf("exit code %d, want 2:\n%s", r.code, tail(r.output))
			}
			if !strings.Contains(r.output, tt.inOutput) {
				t.Errorf("the output does not say %q:\n%s", tt.inOutput, tail(r.output))
			}
			dir := filepath.Join(r.dir, "mcp-conform-reports")
			if out := readText(t, filepath.Join(dir, "outputs.txt")); !strings.Contains(out, "\nexit-code=2\n") {
				t.Errorf("outputs.txt lacks exit-code=2:\n%s", out)
			}
			if s := readText(t, filepath.Join(dir, "summary.md")); !strings.Contains(s, "did not complete") {
				t.Errorf("summary.md does not say the run did not complete:\n%s", s)
			}
		})
	}
}

// TestCIScript_daemonizingStartCommand: a start command that puts the server in the
// background itself and exits 0 (START_COMMAND="… &") is waited for, and stopped at the end.
// The server starts a second after the command exits, so the script sees the exit first.
func TestCIScript_daemonizingStartCommand(t *testing.T) {
	skipShort(t)
	src, err := filepath.Abs(repoRoot)
	if err != nil {
		t.Fatal(err)
	}
	r := runRecipe(t, fmt.Sprintf(`START_COMMAND="(sleep 1; $START_COMMAND) >/dev/null 2>&1 &" %q`, filepath.Join(src, "scripts", "mcp-conform-ci.sh")), nil)
	if r.code != exitOK {
		t.Fatalf("exit code %d, want 0:\n%s", r.code, tail(r.output))
	}
	if !strings.Contains(r.output, "the start command exited (status 0)") {
		t.Errorf("the script did not say the start command exited:\n%s", tail(r.output))
	}
}
