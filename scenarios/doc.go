// Package scenarios holds the conformance checks of mcp-conform: one plain function per
// requirement of the catalogue (docs/requirements.md), registered at init time with
// check.Define and executed by the drivers of package conformance (Ginkgo for the CLI,
// testing for conformance.Run).
//
// One file per area of the catalogue:
//
//	challenge.go     RS-01…RS-10b  the 401 challenge (RFC 6750 §3, MCP "Authorization" error handling)
//	prm.go           RS-11…RS-25   protected resource metadata (RFC 9728) and the discovery chain
//	presentation.go  RS-26…RS-32   how the access token is presented (OAuth 2.1 §5.1)
//	validation.go    RS-33…RS-50   token validation, negative tests and the positive control
//	scope.go         RS-51…RS-54   insufficient scope and step-up
//	transport.go     RS-55…RS-62   protocol version, Origin, TLS, CORS, rate limits, bodies
//
// A check only holds the probe. Its identity — title, level, spec versions, the quoted
// normative text and the fix — lives in the requirement registry of package
// conformance/check, so reports, labels and the generated requirements matrix never drift
// from the code. Every check is registered like this, with the sentence it enforces quoted
// directly above it:
//
//	func init() {
//		// RFC 6750 §3: "If the protected resource request does not include authentication
//		// credentials [...] the resource server MUST include the HTTP WWW-Authenticate
//		// response header field".
//		check.Define("RS-02", check.Anonymous, func(ctx context.Context, c *check.C) {
//			c.Step("POST the baseline MCP request without credentials")
//			resp := c.Unauthenticated(ctx)
//			c.Expect(resp).To(check.HaveBearerChallenge())
//		})
//	}
//
// Conventions:
//
//   - The second argument of Define states what the check needs beyond the target URL
//     (check.Anonymous, check.NeedsToken, check.NeedsMinting, …); the runner skips the check
//     with a reason when the run cannot provide it, so a check never passes for lack of data.
//   - Version gating is automatic (the registry's Versions); c.SpecVersion() is only used for
//     differences inside a check body.
//   - c.Step says what the tool does; failures come from the matchers of package check or
//     from c.Fail with a message naming what was sent, what was expected and what came back.
//   - A FAIL is reserved for a violation a careful server author would agree with. Where the
//     specification leaves a choice to the server, a check ends with c.Warn, c.Info or c.Skip.
//   - Checks share nothing mutable: the cached baseline response and discovery results are
//     owned by the run (c.Unauthenticated, c.Discover) and read-only for checks.
//
// Importing the package for its side effects registers every check:
//
//	import _ "github.com/mcp-conform/mcp-conform/scenarios"
package scenarios
