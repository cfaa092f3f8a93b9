package myserver_test

// How a server author runs the mcp-conform suite from their own tests. The environment
// variable MCP_CONFORM_EXAMPLE selects the deliberate mistakes the mcp-conform repository
// drives these tests with (conformance/example_module_test.go); unset, every test passes.

import (
	"net/http/httptest"
	"os"
	"testing"

	"github.com/mcp-conform/mcp-conform/conformance"
	"github.com/mcp-conform/mcp-conform/mockas"

	"example.com/myserver"
)

// mistake is the deliberate mistake of this run: "" (none), "no-audience" (the server accepts
// tokens for any audience), "closed" (the server is closed before the suite runs), "not-mcp"
// (the target URL has the wrong path), "strict" (TestConformanceStrict runs).
var mistake = os.Getenv("MCP_CONFORM_EXAMPLE")

// startServer starts the server under test, trusting as.
func startServer(as *mockas.Server) *httptest.Server {
	srv := httptest.NewUnstartedServer(nil)
	srv.Config.Handler = myserver.New(myserver.Config{
		Issuer:            as.Issuer(),
		BaseURL:           "http://" + srv.Listener.Addr().String(),
		SkipAudienceCheck: mistake == "no-audience",
	})
	srv.Start()
	return srv
}

// TestConformance is the idiom of every Go test: start the server, defer its Close, run the
// suite (one subtest per check: go test -run 'TestConformance/RS-43').
func TestConformance(t *testing.T) {
	as := mockas.Start(t)
	srv := startServer(as)
	defer srv.Close()
	url := srv.URL + "/mcp"
	switch mistake {
	case "closed":
		srv.Close()
	case "not-mcp":
		url = srv.URL + "/api" // a typo: nothing serves MCP there
	}
	conformance.Run(t, conformance.Target{URL: url, MockAS: as})
}

// TestConformanceParallel runs in parallel with the other tests and closes its server from
// t.Cleanup.
func TestConformanceParallel(t *testing.T) {
	t.Parallel()
	as := mockas.Start(t)
	srv := startServer(as)
	t.Cleanup(srv.Close)
	conformance.Run(t, conformance.Target{URL: srv.URL + "/mcp", MockAS: as})
}

// TestConformanceStrict holds the server to every SHOULD as well: warnings fail. The server
// answers invalid tokens without error="invalid_token" (RS-33 warns), so this test fails
// unless -run excludes that check.
func TestConformanceStrict(t *testing.T) {
	if mistake != "strict" {
		t.Skip("set MCP_CONFORM_EXAMPLE=strict: this server has warnings")
	}
	as := mockas.Start(t)
	srv := startServer(as)
	defer srv.Close()
	conformance.Run(t, conformance.Target{URL: srv.URL + "/mcp", MockAS: as}, conformance.WithStrict())
}
