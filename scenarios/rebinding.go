package scenarios

// RS-70: DNS rebinding (MCP transports "Security Warning"). A page on attacker.example that
// rebinds its DNS name to 127.0.0.1 reaches a local MCP server with its own Host and Origin;
// the server must refuse them.

import (
	"context"
	"net"
	"net/http"

	"github.com/mcp-conform/mcp-conform/conformance/check"
)

// rebindHost is the foreign name the probe claims (RFC 6761 reserves .invalid).
const rebindHost = "mcp-conform.invalid"

func init() {
	// MCP 2025-11-25 transports §2 "Security Warning": "Servers MUST validate the Origin header
	// on all incoming connections to prevent DNS rebinding attacks".
	check.Define("RS-70", check.Anonymous, rs70DNSRebinding)
}

// rs70DNSRebinding sends the baseline request as a rebinding page would.
func rs70DNSRebinding(ctx context.Context, c *check.C) {
	u, err := parseHTTPURL(c.Config().URL)
	if err != nil {
		c.Skip("the target URL is not an http(s) URL: %v", err)
	}
	if !hostIsLoopback(u) {
		c.Info("the server is reached on %s, not a loopback address: DNS rebinding targets local servers, so this is only recorded (bind a local server to 127.0.0.1)", u.Hostname())
	}
	host := rebindHost
	if p := u.Port(); p != "" {
		host = net.JoinHostPort(rebindHost, p)
	}
	token := ""
	cfg := c.Config()
	if cfg.Minter != nil || cfg.Token != "" {
		token = c.ValidToken(ctx)
	}
	build := func(origin bool) check.Request {
		req := c.BaselineRequest()
		if token != "" {
			req.Authorization = check.Bearer(token)
		}
		req = withHeader(req, "Host", host)
		if origin {
			req = withHeader(req, "Origin", "http://"+host)
		}
		return req
	}
	c.Step("send the baseline request%s with Host: %s and Origin: http://%s", withTokenText(token), host, host)
	both := c.Do(ctx, build(true))
	switch {
	case both.Status/100 == 2:
		c.Fail("a request with Host %s and Origin http://%s (a page that rebound its DNS name to this loopback server) was served: any web page the user opens can drive this server; got %s", host, host, both.String())
	case both.Status == http.StatusUnauthorized:
		c.Warn("a request with a foreign Host %s and Origin was answered 401, so Host and Origin are judged after authentication or not at all; refuse them first (403): got %s", host, both.String())
	}
	c.Step("send the baseline request%s with only Host: %s", withTokenText(token), host)
	hostOnly := c.Do(ctx, build(false))
	if hostOnly.Status/100 == 2 {
		c.Warn("a request with the foreign Host %s (no Origin) was served (%d): the Origin check stops browsers, but validating Host as well closes DNS rebinding for any client; got %s", host, hostOnly.Status, hostOnly.String())
	}
	c.Note("foreign Host and Origin: %d; foreign Host alone: %d", both.Status, hostOnly.Status)
}

func withTokenText(token string) string {
	if token == "" {
		return " (no credentials: no valid token in this mode)"
	}
	return " with a valid token"
}
