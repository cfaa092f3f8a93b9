package scenarios

// RS-68: per-client rate limits (the seed document's "Rate Limiting by Client": keyGenerator
// req.auth?.clientId, a rate_limit_exceeded JSON body). Runs with the rate-limit checks, last
// and alone, only when the operator declared a limit.

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/mcp-conform/mcp-conform/conformance/check"
	"github.com/mcp-conform/mcp-conform/mockas"
)

func init() {
	// Seed document, "Rate Limiting by Client": "Implement client-specific rate limits";
	// keyGenerator: (req) => req.auth?.clientId; message: { error: 'rate_limit_exceeded' }.
	check.Define("RS-68", check.NeedsRateLimit|check.NeedsMinting|check.NeedsToken, rs68PerClientLimit)
}

// rs68PerClientLimit spends client A's budget, then checks that client B is still served.
func rs68PerClientLimit(ctx context.Context, c *check.C) {
	rl := c.Config().RateLimit
	suffix := randomB64(6)
	token := func(name string) string {
		id := "mcp-conform-ratelimit-" + name + "-" + suffix
		return c.Mint(ctx, mockas.TokenSpec{Subject: id, ClientID: id})
	}
	a, b := token("a"), token("b")
	budget := 2*rl.Requests + 2
	c.Step("send up to %d requests with client A's token until a 429 (declared limit %d per %s)", budget, rl.Requests, rl.Per)
	var limited *check.Response
	sent := 0
	for sent < budget && limited == nil {
		resp := c.Do(ctx, authBaseline(c, a))
		sent++
		switch {
		case resp.Status == http.StatusTooManyRequests:
			limited = resp
		case sent == 1 && resp.Status/100 != 2:
			c.Skip("inconclusive: client A's first request was refused: %s", resp.String())
		}
	}
	if limited == nil {
		c.Skip("no 429 after %d requests of one client, so client isolation cannot be observed (RS-60 judges the declared limit)", sent)
	}
	var warns []string
	if sent == 1 {
		warns = append(warns, fmt.Sprintf("client A's very first request (a client_id the server had never seen) got 429: the limit already spent by earlier requests of other clients applies to it, so it is keyed by IP or global; got %s", limited.String()))
	} else {
		c.Step("client A got its 429 after %d requests; send one request with client B's token", sent)
		respB := c.Do(ctx, authBaseline(c, b))
		switch {
		case respB.Status == http.StatusTooManyRequests:
			warns = append(warns, fmt.Sprintf("client B's first request got 429 right after client A spent its budget: the limit is keyed by IP or global, not by client_id, so one noisy client throttles every other; got %s", respB.String()))
		case respB.Status/100 == 2:
			c.Note("client B was served (%d) while client A was throttled: the limit is per client", respB.Status)
		default:
			c.Note("client B's first request got %d (not a 429; not judged)", respB.Status)
		}
	}
	if p := rateLimitBodyProblem(limited); p != "" {
		warns = append(warns, p)
	}
	if len(warns) > 0 {
		c.Warn("%s", strings.Join(warns, "\n"))
	}
}

// rateLimitBodyProblem says what departs from the seed's 429 body form, or "".
func rateLimitBodyProblem(resp *check.Response) string {
	var doc map[string]any
	if err := resp.JSON(&doc); err != nil {
		return fmt.Sprintf("the 429 body is not JSON (%s): clients cannot tell a rate limit from other errors; send {\"error\":\"rate_limit_exceeded\",\"error_description\":…}", orUnset(resp.Header.Get("Content-Type")))
	}
	if e, ok := doc["error"].(string); !ok || e == "" {
		if _, rpc := doc["jsonrpc"]; rpc {
			return ""
		}
		return "the 429 body is JSON without an \"error\" string; send {\"error\":\"rate_limit_exceeded\",\"error_description\":…}"
	}
	return ""
}
