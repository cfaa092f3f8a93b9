package scenarios

// What the server asks the authorization server (area "as", cooperative mode): the mockas
// records every request it answers, so the suite can see whether the target fetches the
// JWKS once or for every request (RS-71), discovers the metadata, and introspects tokens —
// and whether an introspecting target refuses a token revoked at the authorization server
// (RS-72, RFC 7662, RFC 7009). Both count requests at the mockas, so they run last and
// alone (NeedsQuietAS): no other check's tokens — attack tokens with unknown kids, RS-67's
// new key — can cause a fetch inside their windows.

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/mcp-conform/mcp-conform/conformance/check"
	"github.com/mcp-conform/mcp-conform/mockas"
)

// knownKidProbe is how many requests with a known kid RS-71 sends to count JWKS fetches.
const knownKidProbe = 4

// revocationRetries are the delays after the revocation, as fractions of
// Config.RevocationWait, at which RS-72 sends the revoked token again while it is accepted.
var revocationRetries = []float64{0.1, 0.3, 0.6, 1.0}

func init() {
	// Scalekit docs: "Cache JWKS responses; refetch when verification fails with an
	// unknown kid (key rotation)."
	check.Define("RS-71", check.NeedsMinting|check.NeedsToken|check.NeedsQuietAS, rs71ASUse)
	// RFC 7662 §2.2: a true "active" value indicates a token that "has not been revoked".
	check.Define("RS-72", check.NeedsMinting|check.NeedsToken|check.NeedsQuietAS, rs72Revocation)
}

// asUse counts what a target asked the mockas.
type asUse struct {
	keys, metadata, introspect, other int
	metadataPaths                     []string
}

// countASUse sorts captured requests by what they ask.
func countASUse(reqs []mockas.RecordedRequest) asUse {
	var u asUse
	for _, r := range reqs {
		switch r.Endpoint {
		case "keys":
			u.keys++
		case "metadata", "openid_configuration":
			u.metadata++
			if !slices.Contains(u.metadataPaths, r.Path) {
				u.metadataPaths = append(u.metadataPaths, r.Path)
			}
		case "introspect":
			u.introspect++
		default:
			u.other++
		}
	}
	return u
}

// String is the report line: JWKS fetches, metadata discovery, introspection.
func (u asUse) String() string {
	var parts []string
	if u.keys == 0 {
		parts = append(parts, "JWKS never fetched")
	} else {
		parts = append(parts, fmt.Sprintf("JWKS fetched %d time(s)", u.keys))
	}
	if u.metadata == 0 {
		parts = append(parts, "metadata discovery not used")
	} else {
		parts = append(parts, fmt.Sprintf("metadata discovery used (%d request(s): %s)", u.metadata, strings.Join(u.metadataPaths, ", ")))
	}
	if u.introspect == 0 {
		parts = append(parts, "token introspection not used")
	} else {
		parts = append(parts, fmt.Sprintf("token introspection used (%d request(s))", u.introspect))
	}
	if u.other > 0 {
		parts = append(parts, fmt.Sprintf("%d other request(s)", u.other))
	}
	return strings.Join(parts, "; ")
}

// rs71ASUse reports what the target asked the mockas during the run, then counts the JWKS
// fetches that requests with a kid it already knows cause.
func rs71ASUse(ctx context.Context, c *check.C) {
	c.Step("read the requests the mockas captured during the run that the suite did not send")
	all, mark, err := c.ASRequestsSince(ctx, 0)
	if err != nil {
		c.Skip("the mockas's request log cannot be read, so what the server asks the authorization server is unknown: %v", err)
	}
	c.Note("during the whole run the server asked the mockas: %s (counting the fetches the suite's own unknown-kid tokens caused, which are never judged)", countASUse(all))

	c.Step("alone, send %d baseline requests, each with a new valid token signed by the active key (a kid the server already knows), and count the JWKS fetches they cause", knownKidProbe)
	for i := range knownKidProbe {
		resp := c.Do(ctx, authBaseline(c, c.Mint(ctx, mockas.TokenSpec{})))
		if resp.Status/100 != 2 {
			c.Skip("valid token %d of %d was refused, so JWKS fetches cannot be attributed to accepted requests: %s", i+1, knownKidProbe, resp.String())
		}
	}
	probe, _, err := c.ASRequestsSince(ctx, mark)
	if err != nil {
		c.Skip("the mockas's request log cannot be read after the probe: %v", err)
	}
	u := countASUse(probe)
	c.Note("%d requests with a known kid: %s", knownKidProbe, u)
	switch {
	case u.keys >= knownKidProbe:
		c.Warn("the server fetched the JWKS %d times for %d requests whose tokens name a kid it already knows: it fetches the key set for every request, "+
			"so each request depends on the authorization server being up, and a burst of requests is a burst on the authorization server. Cache the JWKS and refetch only on an unknown kid",
			u.keys, knownKidProbe)
	case u.keys > 1:
		c.Info("the server fetched the JWKS %d times for %d requests whose tokens name a kid it already knows: neither once nor every time "+
			"(a cache that expires within a second, or several server instances each with its own cache); not judged", u.keys, knownKidProbe)
	case u.keys == 1:
		c.Note("one JWKS fetch for %d requests with a known kid: a cached key set that was refreshed meanwhile", knownKidProbe)
	default:
		c.Note("no JWKS fetch for %d requests with a known kid: the server caches its key set", knownKidProbe)
	}
}

// rs72Revocation revokes a token minted for this check only and sends it again to a target
// that introspects.
func rs72Revocation(ctx context.Context, c *check.C) {
	tok := c.Mint(ctx, mockas.TokenSpec{})
	_, mark, err := c.ASRequestsSince(ctx, 0)
	if err != nil {
		c.Skip("the mockas's request log cannot be read, so whether the server introspects tokens is unknown: %v", err)
	}
	c.Step("alone, send the baseline request with a valid token minted for this check only and see whether the server introspects it")
	resp := c.Do(ctx, authBaseline(c, tok))
	if resp.Status/100 != 2 {
		c.Skip("the valid token minted for this check was refused, so a revocation cannot be observed: %s", resp.String())
	}
	seen, mark, err := c.ASRequestsSince(ctx, mark)
	if err != nil {
		c.Skip("the mockas's request log cannot be read: %v", err)
	}
	if countASUse(seen).introspect == 0 {
		c.Info("the server accepted a token it had never seen without asking the authorization server (no introspection request): it validates tokens locally, " +
			"so a token revoked at the authorization server stays usable until it expires; expected of self-contained JWTs (keep their lifetime short)")
	}

	c.Step("revoke that token at the mockas (as RFC 7009 revocation does) and send it again")
	if err := c.RevokeToken(ctx, tok); err != nil {
		c.Skip("the mockas control plane refused to revoke the token, so a revocation cannot be provoked: %v", err)
	}
	revoked := time.Now()
	introspected := 0 // introspection requests since the revocation
	wait := c.Config().RevocationWait
	attempts := 0
	for i := -1; i < len(revocationRetries); i++ {
		if i >= 0 {
			select {
			case <-ctx.Done():
				c.Skip("interrupted while waiting for the server's introspection cache to expire: %v", ctx.Err())
			case <-time.After(time.Until(revoked.Add(time.Duration(revocationRetries[i] * float64(wait))))):
			}
		}
		resp = c.Do(ctx, authBaseline(c, tok))
		attempts++
		after, last, err := c.ASRequestsSince(ctx, mark)
		if err != nil {
			c.Skip("the mockas's request log cannot be read after the revocation: %v", err)
		}
		mark = last
		introspected += countASUse(after).introspect
		took := time.Since(revoked).Round(100 * time.Millisecond)
		switch {
		case resp.Status/100 != 2 && attempts == 1:
			c.Note("the revoked token was refused at once (%d)", resp.Status)
			if resp.Status != http.StatusUnauthorized {
				c.Note("RFC 6750 §3.1 answers an invalid (revoked) token with 401 invalid_token; the server answered %d", resp.Status)
			}
			return
		case resp.Status/100 != 2:
			c.Note("the revoked token was refused %s after its revocation (%d tries): the server caches introspection results for about that long (RFC 7662 §4 allows a short cache; the token stays usable that long)", took, attempts)
			return
		case introspected > 0:
			c.Fail("the server asked the authorization server about the revoked token, was told \"active\": false, and still accepted it (%d): it ignores the introspection answer, so revoking a token at the authorization server does not stop it. Refuse a token whose introspection says \"active\": false with 401 invalid_token.\nAnswer: %s",
				resp.Status, resp.String())
		}
	}
	c.Fail("a token revoked at the authorization server was still accepted %s after its revocation (%d tries), and the server never asked the authorization server about it again: "+
		"it caches introspection results for longer than %s, so a revocation does not take effect for a token it has seen. Cache introspection results for seconds at most.\nLast answer: %s",
		time.Since(revoked).Round(100*time.Millisecond), attempts, wait, resp.String())
}
