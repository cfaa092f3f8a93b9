package scenarios_test

// Shared test harness: a mockas, a fixture server trusting it, and a way to run one check.

import (
	"context"
	"testing"
	"time"

	"github.com/mcp-conform/mcp-conform/conformance/check"
	"github.com/mcp-conform/mcp-conform/fixtures"
	"github.com/mcp-conform/mcp-conform/mockas"
	_ "github.com/mcp-conform/mcp-conform/scenarios"
)

// env is one authorization server plus one fixture server trusting it.
type env struct {
	AS     *mockas.Server
	Server *fixtures.Server
}

// newEnv starts a mockas and a fixture MCP server with the given flaws (none = the correct server).
func newEnv(t *testing.T, tweak func(*fixtures.Options), flaws ...fixtures.Flaw) *env {
	t.Helper()
	as := mockas.Start(t)
	opts := fixtures.Options{Issuer: as.Issuer(), Flaws: flaws}
	if tweak != nil {
		tweak(&opts)
	}
	srv, err := fixtures.NewServer(opts)
	if err != nil {
		t.Fatalf("fixtures.NewServer: %v", err)
	}
	t.Cleanup(srv.Close)
	return &env{AS: as, Server: srv}
}

// config is the cooperative-mode run configuration for e, with the fixture's scoped tools declared.
func (e *env) config() check.Config {
	return check.Config{
		URL:    e.Server.MCPURL(),
		Minter: check.LocalMinter(e.AS),
		Scopes: map[string]string{"weather": "mcp:tools:weather"},
	}
}

// fixtureToolArgs are arguments the fixture's typed tools accept, for the cases that prove
// supplied arguments (--tool-args) replace generated ones.
func fixtureToolArgs() map[string]map[string]any {
	return map[string]map[string]any{
		"weather": {"city": "Paris", "units": "metric"},
		"echo":    {"text": "hi"},
		"report":  {"from": "2026-01-01"},
	}
}

// run executes the check id against e with cfg (modify before calling) and returns its result.
func run(t *testing.T, cfg check.Config, id string) check.Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	r, err := check.NewRun(ctx, cfg)
	if err != nil {
		t.Fatalf("check.NewRun: %v", err)
	}
	for _, def := range check.Definitions() {
		if def.ID == id {
			// A driver running this one check (a focused run): a check that keeps observing
			// the target does so for its whole window.
			r.BeginConcurrent(1)
			defer r.EndConcurrent()
			return r.Execute(ctx, def, check.Hooks{})
		}
	}
	t.Fatalf("check %s is not defined", id)
	return check.Result{}
}
