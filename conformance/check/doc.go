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
//
// A driver runs the defined checks against one target through a Run:
//
//	run, err := check.NewRun(ctx, check.Config{URL: "http://127.0.0.1:8080/mcp", SpecVersion: "auto"})
//	if err != nil {
//		return err // invalid configuration or unreachable target
//	}
//	for _, def := range check.Definitions() {
//		res := run.Execute(ctx, def, check.Hooks{})
//		fmt.Println(res.ID, res.Status, res.Detail)
//	}
//
// Execute skips checks whose Needs are not met and, for checks that need a valid token,
// reports "inconclusive" (skip) when the positive control RS-50 failed — a check never
// passes on a target that refuses every token.
//
// Every request goes through the Run's bounded client: a per-request timeout, bodies capped
// at MaxBodyBytes, redirects never followed, requests only to the target's origin or to URLs
// the target advertised (resource_metadata, then authorization_servers' metadata, then
// jwks_uri), credentials and Config.Headers only to the target's origin, and at most
// MaxRequestsPerRun requests. Result transcripts redact Authorization values and tokens.
package check
