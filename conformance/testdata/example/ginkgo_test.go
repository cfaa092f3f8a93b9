package myserver_test

// A server author whose tests are already a Ginkgo suite declares the checks inside their own
// container with conformance.DeclareSpecs: one It per check, labelled from the registry
// (ginkgo --label-filter 'level:must').

import (
	"net/http/httptest"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/mcp-conform/mcp-conform/conformance"
	"github.com/mcp-conform/mcp-conform/mockas"
)

func TestGinkgoSuite(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "myserver")
}

var _ = Describe("myserver", Ordered, ContinueOnFailure, func() {
	var as *mockas.Server
	var srv *httptest.Server
	BeforeAll(func() {
		as = mockas.NewServer()
		srv = startServer(as)
		DeferCleanup(func() { srv.Close(); as.Close() })
	})

	It("serves the MCP endpoint", func() {
		Expect(srv.URL).To(HavePrefix("http://127.0.0.1:"))
	})

	conformance.DeclareSpecs(func() conformance.Target {
		return conformance.Target{URL: srv.URL + "/mcp", MockAS: as}
	})
})
