package scenarios

// RS-69: the health endpoint of the seed document's "Health Check Endpoints" (practice). Its
// shape is checked in every mode; in cooperative mode the mockas's metadata is made to fail
// (fault injection), so the check runs last and alone (NeedsQuietAS).

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/mcp-conform/mcp-conform/conformance/check"
	"github.com/mcp-conform/mcp-conform/mockas"
)

// healthyWords are the status values that say "healthy"; unhealthyWords say it is not.
var (
	healthyWords   = map[string]bool{"healthy": true, "ok": true, "up": true, "pass": true, "green": true, "ready": true, "available": true}
	unhealthyWords = map[string]bool{"degraded": true, "unhealthy": true, "down": true, "fail": true, "failed": true, "failing": true,
		"error": true, "unavailable": true, "unreachable": true, "critical": true, "warn": true, "red": true}
)

func init() {
	// Seed document, "Health Check Endpoints": health.services.oauth_server = oauthTest.ok ?
	// 'healthy' : 'degraded'; const statusCode = health.status === 'healthy' ? 200 : 503.
	check.Define("RS-69", check.NeedsQuietAS, rs69Health)
}

// rs69Health reads the health endpoint, then (cooperative mode) reads it again while the
// authorization server fails.
func rs69Health(ctx context.Context, c *check.C) {
	u, err := parseHTTPURL(c.Config().URL)
	if err != nil {
		c.Skip("the target URL is not an http(s) URL: %v", err)
	}
	path := c.Config().HealthPath
	if path == "" {
		path = "/health"
	}
	url := u.Scheme + "://" + u.Host + path
	c.Step("GET %s without credentials", url)
	resp := c.Do(ctx, check.Request{Method: http.MethodGet, URL: url, Header: http.Header{"Accept": {"application/json"}}})
	switch {
	case resp.Status == http.StatusNotFound || resp.Status == http.StatusMethodNotAllowed:
		c.Info("no health endpoint at %s (%d); the Scalekit guidance suggests one reporting the authorization server's reachability (set --health PATH if it lives elsewhere)", url, resp.Status)
	case resp.Status == http.StatusUnauthorized || resp.Status == http.StatusForbidden:
		c.Info("the health endpoint %s requires credentials (%d); not judged", url, resp.Status)
	}
	var doc map[string]any
	if err := resp.JSON(&doc); err != nil {
		c.Warn("the health endpoint %s does not answer a JSON object (%v), so monitors cannot read which dependency failed; answer {\"status\":…,\"services\":{…}}: %s", url, err, resp.String())
	}
	st, ok := doc["status"].(string)
	if !ok {
		c.Warn("the health answer of %s has no status string member: %s", url, resp.String())
	}
	c.Note("health: %d, status %q", resp.Status, st)
	if !healthyWords[strings.ToLower(st)] || resp.Status/100 != 2 {
		c.Info("the health endpoint already reports a problem before any fault is injected (%d, status %q); degradation not judged: %s", resp.Status, st, resp.String())
	}
	if c.Config().Minter == nil {
		c.Note("degradation not checked: it needs cooperative mode (the suite makes the mockas fail)")
		return
	}
	before := unhealthyValues(doc)
	c.Step("make the mockas fail its metadata, OpenID configuration and JWKS endpoints (503) and GET %s again", url)
	for _, ep := range []string{"metadata", "openid_configuration", "keys"} {
		if err := c.InjectFault(ctx, mockas.Fault{Endpoint: ep, Count: -1, Status: http.StatusServiceUnavailable}); err != nil {
			_ = c.ClearFaults(context.WithoutCancel(ctx))
			c.Note("degradation not checked: the mockas control plane refused fault injection: %v", err)
			return
		}
	}
	defer func() {
		if err := c.ClearFaults(context.WithoutCancel(ctx)); err != nil {
			c.Note("could not clear the injected faults: %v", err)
		}
	}()
	var last *check.Response
	for i := range 2 {
		if i > 0 {
			select {
			case <-ctx.Done():
				c.Skip("interrupted: %v", ctx.Err())
			case <-time.After(time.Second):
			}
		}
		last = c.Do(ctx, check.Request{Method: http.MethodGet, URL: url, Header: http.Header{"Accept": {"application/json"}}})
		if why := degraded(last, before); why != "" {
			c.Note("with the authorization server failing, the health endpoint reported it: %s", why)
			return
		}
	}
	c.Warn("with the authorization server's metadata and JWKS failing (503), %s still reported healthy (twice, one second apart): monitors and load balancers will keep sending traffic to a server that cannot validate a single new token; got %s",
		url, last.String())
}

// degraded says how the health answer reports a problem, or "".
func degraded(resp *check.Response, before map[string]bool) string {
	if resp.Status/100 == 5 {
		return fmt.Sprintf("status %d", resp.Status)
	}
	var doc map[string]any
	if resp.JSON(&doc) != nil {
		return ""
	}
	if st, _ := doc["status"].(string); st != "" && !healthyWords[strings.ToLower(st)] {
		return fmt.Sprintf("status %q", st)
	}
	var turned []string
	for v := range unhealthyValues(doc) {
		if !before[v] {
			turned = append(turned, v)
		}
	}
	if len(turned) > 0 {
		sort.Strings(turned)
		return "members turned " + strings.Join(turned, ", ")
	}
	return ""
}

// unhealthyValues collects "path=value" for every string member, at any depth (bounded),
// whose value is an unhealthy word.
func unhealthyValues(doc map[string]any) map[string]bool {
	out := map[string]bool{}
	var walk func(prefix string, v any, depth int)
	walk = func(prefix string, v any, depth int) {
		if depth > 6 {
			return
		}
		switch x := v.(type) {
		case map[string]any:
			for k, vv := range x {
				walk(prefix+"."+k, vv, depth+1)
			}
		case []any:
			for i, vv := range x {
				walk(fmt.Sprintf("%s[%d]", prefix, i), vv, depth+1)
			}
		case string:
			if unhealthyWords[strings.ToLower(x)] {
				out[strings.TrimPrefix(prefix, ".")+"="+x] = true
			}
		}
	}
	walk("", doc, 0)
	return out
}
