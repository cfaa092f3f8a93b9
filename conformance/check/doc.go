// Package check is the framework the conformance checks are written against: the requirement
// registry, check definitions, the per-check probe context C, the bounded HTTP client, discovery
// helpers (WWW-Authenticate parsing, protected resource metadata, authorization server metadata)
// and the Gomega matchers that recur across checks.
//
// A check is registered at init time by the scenarios package:
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
// Every ID passed to Define must be registered in the requirement registry (Requirements);
// Define panics otherwise, at init, so a typo can never ship.
//
// Inside a check, a failed c.Expect assertion ends the check with a violation. The verdict
// follows the requirement's level: a violated MUST is a FAIL, a violated SHOULD (or a
// DERIVED rule) is a WARN, an INFO requirement only records behaviour. A check can also end
// itself explicitly with c.Skip, c.Warn, c.Info or c.Fail.
package check
