package main

// "token inspect" against an in-process mockas: a valid token passes every check, and each
// defect mockas can mint fails the check that must catch it.

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/mcp-conform/mcp-conform/mockas"
)

// testAudience is the MCP server URL the tokens are minted for (no server needs to run).
const testAudience = "http://127.0.0.1:3000/mcp"

// mint mints a token from as, failing the test on error.
func mint(t *testing.T, as *mockas.Server, spec mockas.TokenSpec) string {
	t.Helper()
	tok, err := as.Mint(spec)
	if err != nil {
		t.Fatalf("Mint(%+v): %v", spec, err)
	}
	return tok
}

// verdicts returns the check lines of a "token inspect" or "probe" output by verdict and
// name, e.g. "FAIL sig", "OK aud".
func verdicts(out string) []string {
	re := regexp.MustCompile(`(?m)^\s*(OK|WARN|FAIL|SKIP)\s+(\S+)`)
	var got []string
	for _, m := range re.FindAllStringSubmatch(out, -1) {
		got = append(got, m[1]+" "+m[2])
	}
	return got
}

// hasVerdict reports whether out has a line with verdict for the named check.
func hasVerdict(out, verdict, name string) bool {
	for _, v := range verdicts(out) {
		if v == verdict+" "+name {
			return true
		}
	}
	return false
}

// inspect runs "token inspect" in-process with tok in the environment variable TEST_TOKEN.
func inspect(t *testing.T, tok string, args ...string) result {
	t.Helper()
	all := append([]string{"token", "inspect", "--token-env", "TEST_TOKEN"}, args...)
	return runInProcess(t, map[string]string{"TEST_TOKEN": tok}, all...)
}

func TestToken_inspectValidToken(t *testing.T) {
	as := mockas.NewServer()
	t.Cleanup(as.Close)
	tok := mint(t, as, mockas.TokenSpec{Audience: []string{testAudience}, Scopes: []string{"mcp:tools:weather"}})
	r := inspect(t, tok, "--issuer", as.Issuer(), "--audience", testAudience, "--require-scope", "mcp:tools:weather")
	wantCode(t, r, exitOK, "token inspect (valid)")
	for _, name := range []string{"format", "alg", "metadata", "jwks", "sig", "iss", "aud", "exp", "nbf", "iat", "scope"} {
		if !hasVerdict(r.stdout, verdictOK, name) {
			t.Errorf("no OK line for %s:\n%s", name, r.stdout)
		}
	}
	for _, v := range verdicts(r.stdout) {
		if !strings.HasPrefix(v, verdictOK+" ") {
			t.Errorf("unexpected verdict %q on a valid token:\n%s", v, r.stdout)
		}
	}
	for _, want := range []string{`"iss": "` + as.Issuer() + `"`, `"alg": "RS256"`, "clock skew allowed 0s", "token inspect: "} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
		}
	}
	if strings.Contains(r.stdout+r.stderr, tok) {
		t.Error("the token itself is printed")
	}
}

func TestToken_inspectDefects(t *testing.T) {
	as := mockas.NewServer()
	t.Cleanup(as.Close)
	tests := []struct {
		name     string
		spec     mockas.TokenSpec
		args     []string
		wantFail []string // checks that must FAIL
		wantOK   []string // checks that must still be OK
	}{
		{"expired", mockas.TokenSpec{Defect: mockas.DefectExpired}, nil, []string{"exp"}, []string{"sig", "aud"}},
		{"not yet valid", mockas.TokenSpec{Defect: mockas.DefectNotYetValid}, nil, []string{"nbf"}, []string{"sig", "exp"}},
		{"wrong audience", mockas.TokenSpec{Defect: mockas.DefectWrongAudience}, nil, []string{"aud"}, []string{"sig", "exp"}},
		{"no audience", mockas.TokenSpec{Defect: mockas.DefectNoAudience}, nil, []string{"aud"}, []string{"sig"}},
		{"wrong issuer", mockas.TokenSpec{Defect: mockas.DefectWrongIssuer}, nil, []string{"iss"}, []string{"aud"}},
		{"foreign key", mockas.TokenSpec{Defect: mockas.DefectForeignKey}, nil, []string{"sig"}, []string{"alg", "aud", "exp"}},
		{"bad signature", mockas.TokenSpec{Defect: mockas.DefectBadSignature}, nil, []string{"sig"}, []string{"alg", "aud"}},
		{"unknown kid", mockas.TokenSpec{Defect: mockas.DefectUnknownKID}, nil, []string{"sig"}, []string{"alg"}},
		{"alg none", mockas.TokenSpec{Defect: mockas.DefectAlgNone}, nil, []string{"alg", "sig"}, []string{"aud"}},
		{"hmac key confusion", mockas.TokenSpec{Defect: mockas.DefectHS256SPKIPEM}, nil, []string{"alg", "sig"}, nil},
		{"unknown crit", mockas.TokenSpec{Defect: mockas.DefectCritUnknown}, nil, []string{"header", "sig"}, nil},
		{"no exp", mockas.TokenSpec{Defect: mockas.DefectNoExpiry}, nil, []string{"exp"}, []string{"sig"}},
		{"missing scope", mockas.TokenSpec{Scopes: []string{"mcp:tools:weather"}}, []string{"--require-scope", "mcp:admin"}, []string{"scope"}, []string{"sig"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spec := tt.spec
			if spec.Defect != mockas.DefectWrongAudience && spec.Defect != mockas.DefectNoAudience {
				spec.Audience = []string{testAudience}
			}
			tok := mint(t, as, spec)
			args := append([]string{"--issuer", as.Issuer(), "--audience", testAudience}, tt.args...)
			r := inspect(t, tok, args...)
			wantCode(t, r, exitFail, "token inspect ("+tt.name+")")
			for _, name := range tt.wantFail {
				if !hasVerdict(r.stdout, verdictFail, name) {
					t.Errorf("no FAIL line for %s:\n%s", name, r.stdout)
				}
			}
			for _, name := range tt.wantOK {
				if !hasVerdict(r.stdout, verdictOK, name) {
					t.Errorf("no OK line for %s:\n%s", name, r.stdout)
				}
			}
		})
	}
}

func TestToken_inspectWithoutIssuerSkipsTheSignature(t *testing.T) {
	as := mockas.NewServer()
	t.Cleanup(as.Close)
	r := inspect(t, mint(t, as, mockas.TokenSpec{Audience: []string{testAudience}}))
	wantCode(t, r, exitOK, "token inspect")
	for _, name := range []string{"sig", "iss", "aud", "scope"} {
		if !hasVerdict(r.stdout, verdictSkip, name) {
			t.Errorf("no SKIP line for %s:\n%s", name, r.stdout)
		}
	}
}

func TestToken_inspectIssuerMismatch(t *testing.T) {
	as := mockas.NewServer()
	t.Cleanup(as.Close)
	// A trailing slash is a different issuer identifier (RFC 8414 §3.3 compares exactly).
	r := inspect(t, mint(t, as, mockas.TokenSpec{Audience: []string{testAudience}}), "--issuer", as.Issuer()+"/")
	wantCode(t, r, exitFail, "token inspect")
	for _, name := range []string{"metadata", "iss"} {
		if !hasVerdict(r.stdout, verdictFail, name) {
			t.Errorf("no FAIL line for %s:\n%s", name, r.stdout)
		}
	}
}

func TestToken_inspectNotAJWT(t *testing.T) {
	for _, tok := range []string{"opaque-token", "a.b", "a.b.c.d.e", "e30.!!!.sig"} {
		r := inspect(t, tok)
		wantCode(t, r, exitFail, "token inspect "+tok)
		if !hasVerdict(r.stdout, verdictFail, "format") {
			t.Errorf("%q: no FAIL format line:\n%s", tok, r.stdout)
		}
	}
}

func TestToken_inspectUnreachableIssuer(t *testing.T) {
	as := mockas.NewServer()
	t.Cleanup(as.Close)
	r := inspect(t, mint(t, as, mockas.TokenSpec{}), "--issuer", "http://"+closedPort(t), "--timeout", "2s")
	wantCode(t, r, exitUsage, "token inspect")
	if !strings.Contains(r.stderr, "cannot reach the issuer") {
		t.Errorf("stderr does not say the issuer is unreachable:\n%s", r.stderr)
	}
}

func TestToken_usageErrors(t *testing.T) {
	tests := []struct {
		name     string
		env      map[string]string
		args     []string
		inStderr string
	}{
		{"no subcommand", nil, []string{"token"}, "missing subcommand"},
		{"unknown subcommand", nil, []string{"token", "verify"}, `unknown subcommand "verify"`},
		{"empty token env", nil, []string{"token", "inspect", "--token-env", "T"}, "environment variable T is empty or unset"},
		{"env and argument", map[string]string{"T": "x.y.z"}, []string{"token", "inspect", "--token-env", "T", "a.b.c"}, "mutually exclusive"},
		{"two arguments", nil, []string{"token", "inspect", "a.b.c", "d.e.f"}, "at most one token"},
		{"bad issuer", map[string]string{"T": "x.y.z"}, []string{"token", "inspect", "--token-env", "T", "--issuer", "example.com"}, "--issuer"},
		{"negative skew", map[string]string{"T": "x.y.z"}, []string{"token", "inspect", "--token-env", "T", "--clock-skew", "-1s"}, "must not be negative"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runInProcess(t, tt.env, tt.args...)
			wantCode(t, r, exitUsage, tt.args...)
			if !strings.Contains(r.stderr, tt.inStderr) {
				t.Errorf("stderr does not contain %q:\n%s", tt.inStderr, r.stderr)
			}
		})
	}
}

// runWithStdin runs the CLI as a child process with stdin as its standard input.
func runWithStdin(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatalf("os.Executable: %v", err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, exe, args...)
	cmd.Env = append(os.Environ(), execEnv+"=1", "NO_COLOR=1")
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	code := 0
	if err := cmd.Run(); err != nil {
		var exitErr *exec.ExitError
		if !errors.As(err, &exitErr) {
			t.Fatalf("running %v: %v", args, err)
		}
		code = exitErr.ExitCode()
	}
	return result{stdout: stdout.String(), stderr: stderr.String(), code: code}
}

func TestToken_inspectReadsStdin(t *testing.T) {
	as := mockas.NewServer()
	t.Cleanup(as.Close)
	tok := mint(t, as, mockas.TokenSpec{Audience: []string{testAudience}})
	for _, args := range [][]string{
		{"token", "inspect", "--issuer", as.Issuer()},
		{"token", "inspect", "-", "--issuer", as.Issuer()}, // flags after "-" are parsed too
	} {
		r := runWithStdin(t, "Bearer "+tok+"\n", args...)
		wantCode(t, r, exitOK, args...)
		if !hasVerdict(r.stdout, verdictOK, "sig") {
			t.Errorf("%v: the signature was not verified:\n%s", args, r.stdout)
		}
		if r.stderr != "" {
			t.Errorf("%v: unexpected stderr:\n%s", args, r.stderr)
		}
	}
	r := runWithStdin(t, "  \n", "token", "inspect")
	wantCode(t, r, exitUsage, "token inspect (empty stdin)")
	if !strings.Contains(r.stderr, "no token") {
		t.Errorf("stderr does not say there is no token:\n%s", r.stderr)
	}
}

func TestToken_inspectArgumentWarns(t *testing.T) {
	as := mockas.NewServer()
	t.Cleanup(as.Close)
	tok := mint(t, as, mockas.TokenSpec{Audience: []string{testAudience}})
	r := runInProcess(t, nil, "token", "inspect", tok)
	wantCode(t, r, exitOK, "token inspect TOKEN")
	if !strings.Contains(r.stderr, "warning: a token on the command line is visible to other users") {
		t.Errorf("no warning about argv:\n%s", r.stderr)
	}
	if strings.Contains(r.stderr, tok) {
		t.Error("the warning repeats the token")
	}
}

// TestToken_inspectMalformedSegments: a header or claims segment that is JSON but not one
// object is a FAIL format line that says what it is, never a crash or a Go type name.
func TestToken_inspectMalformedSegments(t *testing.T) {
	seg := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	obj := seg(`{"alg":"RS256"}`)
	for _, tt := range []struct{ tok, want string }{
		{seg(`[]`) + "." + obj + ".sig", "header: a JSON array, not an object"},
		{obj + "." + seg(`"claims"`) + ".sig", "claims: a JSON string, not an object"},
		{obj + "." + seg(`42`) + ".sig", "claims: a JSON number or boolean, not an object"},
		{obj + "." + seg(`null`) + ".sig", "claims: JSON null, not an object"},
		{seg(`{"alg":"RS256"}{"alg":"none"}`) + "." + obj + ".sig", "header: trailing data after the JSON object"},
	} {
		r := inspect(t, tt.tok)
		wantCode(t, r, exitFail, "token inspect "+tt.tok)
		if !strings.Contains(r.stdout, "FAIL  format     "+tt.want) {
			t.Errorf("%s: stdout lacks the FAIL format line %q:\n%s", tt.tok, tt.want, r.stdout)
		}
	}
}

// TestToken_inspectRefusesSeveralTokens: two pasted tokens (or a header block) on stdin are a
// usage error naming the problem, not a misleading "5 segments: JWE" verdict.
func TestToken_inspectRefusesSeveralTokens(t *testing.T) {
	for _, in := range []string{"a.b.c\nd.e.f\n", "Bearer a.b.c d.e.f", "Authorization: Bearer a.b.c"} {
		r := runWithStdin(t, in, "token", "inspect")
		wantCode(t, r, exitUsage, "token inspect", in)
		if !strings.Contains(r.stderr, "want exactly one token") {
			t.Errorf("%q: stderr does not say one token is wanted:\n%s", in, r.stderr)
		}
	}
}
