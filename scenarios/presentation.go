package scenarios

// How the access token is presented: OAuth 2.1 (draft-ietf-oauth-v2-1-13) §5.1 (Authorization
// request header field, form body, no query parameter) and §5.3.2 (invalid_request), RFC 6750
// §2, RFC 9110 §5.3 and §11.6.2. Catalogue rows RS-26…RS-32.

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/mcp-conform/mcp-conform/conformance/check"
)

func init() {
	// OAuth 2.1 §5.1.1: "As described in Section 11.1 of [RFC9110], the string bearer is
	// case-insensitive. This means all of the following are valid uses of the Authorization
	// header: Authorization: Bearer mF_9.B5f-4.1JqM [...] Authorization: bearer [...]
	// Authorization: BEARER [...] Authorization: bEaReR";
	// RFC 9110 §11.1: "It uses a case-insensitive token to identify the authentication scheme".
	check.Define("RS-26", check.Anonymous, func(ctx context.Context, c *check.C) {
		base := protectedBaseline(ctx, c)
		garbage := randomToken()
		c.Step("POST with Authorization: Bearer <random token> and with Authorization: bearer <random token>")
		upper := c.Do(ctx, withAuth(base.Request, "Bearer "+garbage))
		lower := c.Do(ctx, withAuth(base.Request, "bearer "+garbage))
		if is2xx(lower.Status) {
			c.Fail("sent Authorization: bearer <random token>; expected 401; got %s", lower.String())
		}
		// The anonymous probe can only suggest that the lowercase scheme is not recognised;
		// valid tokens under every spelling settle it.
		var suspicion string
		inconclusive := false
		_, upperErr := challengeParam(upper, "error")
		lowerCode, _ := challengeParam(lower, "error")
		switch {
		case lower.Status != upper.Status:
			suspicion = fmt.Sprintf("sent the same random token as \"Bearer <t>\" (got %d) and as \"bearer <t>\"; "+
				"expected the same answer; got %s: the lowercase scheme is not handled like \"Bearer\"",
				upper.Status, lower.String())
		case lowerCode.Value != "invalid_token" && upperErr:
			suspicion = fmt.Sprintf("sent Authorization: bearer <random token>; expected 401 with error=\"invalid_token\" "+
				"as for \"Bearer <random token>\"; got %s: the lowercase scheme looks unrecognised", lower.String())
		case lowerCode.Value != "invalid_token":
			inconclusive = true
		}
		if c.Config().Token == "" && c.Config().Minter == nil {
			switch {
			case suspicion != "":
				c.Warn("%s", suspicion)
			case inconclusive:
				c.Skip("inconclusive: \"Bearer <random token>\" and \"bearer <random token>\" both got %d without "+
					"error=\"invalid_token\", so an anonymous probe cannot tell whether the lowercase scheme is "+
					"recognised; supply a valid token (--token-env NAME) or run in cooperative mode (--mockas) "+
					"to probe bearer/BEARER/bEaReR with it", lower.Status)
			}
			return
		}
		token := c.ValidToken(ctx)
		req := tokenControl(ctx, c, base.Request, token)
		var fails []string
		for _, scheme := range []string{"bearer", "BEARER", "bEaReR"} {
			c.Step("POST with Authorization: %s <valid token>", scheme)
			if r := c.Do(ctx, withAuth(req, scheme+" "+token)); !is2xx(r.Status) {
				fails = append(fails, fmt.Sprintf("Authorization: %s <valid token> got %s", scheme, r.String()))
			}
		}
		if len(fails) > 0 {
			c.Fail("expected the same 2xx as with \"Bearer <valid token>\" (the scheme is case-insensitive); "+
				"got: %s", strings.Join(fails, "; "))
		}
		if suspicion != "" {
			c.Note("a valid token was accepted as bearer, BEARER and bEaReR, so the scheme is matched "+
				"case-insensitively; the anonymous probe differed: %s", suspicion)
		}
	})

	// OAuth 2.1 §5.1.1: credentials = "bearer" 1*SP token68 — one or more spaces separate the
	// scheme from the token.
	check.Define("RS-27", check.NeedsToken, func(ctx context.Context, c *check.C) {
		base := protectedBaseline(ctx, c)
		token := c.ValidToken(ctx)
		req := tokenControl(ctx, c, base.Request, token)
		c.Step("POST with Authorization: Bearer␠␠<valid token> (two spaces)")
		resp := c.Do(ctx, withAuth(req, "Bearer  "+token))
		if !is2xx(resp.Status) {
			c.Fail("sent Authorization: Bearer␠␠<valid token>; expected the same 2xx as with one space "+
				"(the grammar is \"bearer\" 1*SP token68); got %s", resp.String())
		}
	})

	// OAuth 2.1 §5.1: "clients MUST NOT send the access token in a URI query parameter, and
	// resource servers MUST ignore access tokens in a URI query parameter."
	check.Define("RS-28", check.Anonymous, func(ctx context.Context, c *check.C) {
		base := protectedBaseline(ctx, c)
		garbage := randomToken()
		c.Step("POST %s with a random token as the access_token query parameter, without Authorization", c.Config().URL)
		resp := c.Do(ctx, withQueryToken(base.Request, garbage))
		if is2xx(resp.Status) {
			c.Fail("sent a random token as the access_token query parameter and no Authorization; expected 401; got %s", resp.String())
		}
		if _, baseErr := challengeParam(base, "error"); baseErr {
			c.Note("the no-credentials 401 already carries an error code, so the anonymous probe cannot tell " +
				"whether the query token was parsed")
		} else if e, ok := challengeParam(resp, "error"); ok && e.Value == "invalid_token" {
			c.Fail("sent a random token as the access_token query parameter and no Authorization; expected the same challenge as "+
				"without credentials (the query must be ignored); got error=\"invalid_token\", so the query "+
				"token was read and validated: %s", resp.String())
		}
		if c.Config().Token == "" && c.Config().Minter == nil {
			c.Note("no valid token (supply one or run cooperatively) to probe that a valid query token is ignored")
			return
		}
		token := c.ValidToken(ctx)
		req := tokenControl(ctx, c, base.Request, token)
		c.Step("POST %s with a valid token as the access_token query parameter, without Authorization", c.Config().URL)
		valid := c.Do(ctx, withQueryToken(withAuth(req), token))
		switch {
		case is2xx(valid.Status):
			c.Fail("sent a valid token as the access_token query parameter and no Authorization; expected 401 (tokens in the query "+
				"MUST be ignored); got %s: the query token authenticated the request", valid.String())
		case valid.Status != http.StatusUnauthorized:
			c.Note("a valid token in the access_token query parameter → %d (rejected; 401 expected)", valid.Status)
		}
	})

	// OAuth 2.1 §5.1: "resource servers MUST ignore access tokens in a URI query parameter";
	// "Clients [...] MUST NOT use more than one method to transmit the token in each request";
	// §5.3.2 invalid_request: the request "uses more than one method for including an access
	// token".
	check.Define("RS-29", check.NeedsToken, func(ctx context.Context, c *check.C) {
		base := protectedBaseline(ctx, c)
		token := c.ValidToken(ctx)
		req := tokenControl(ctx, c, base.Request, token)
		garbage := randomToken()
		c.Step("POST with a valid token as the access_token query parameter and Authorization: Bearer <random token>")
		r1 := c.Do(ctx, withQueryToken(withAuth(req, "Bearer "+garbage), token))
		if is2xx(r1.Status) {
			c.Fail("sent Authorization: Bearer <random token> and a valid token as the access_token query parameter; expected 401 or "+
				"400 invalid_request; got %s: the query token authenticated the request", r1.String())
		}
		if r1.Status != http.StatusUnauthorized && r1.Status != http.StatusBadRequest {
			c.Note("header garbage + query valid → %d", r1.Status)
		}
		c.Step("POST with a random token as the access_token query parameter and Authorization: Bearer <valid token>")
		r2 := c.Do(ctx, withQueryToken(withAuth(req, "Bearer "+token), garbage))
		if !is2xx(r2.Status) && r2.Status != http.StatusBadRequest {
			c.Warn("sent Authorization: Bearer <valid token> and a random token as the access_token query parameter; expected 2xx "+
				"(query ignored) or 400 invalid_request (two methods); got %s: the query token was not ignored",
				r2.String())
		}
	})

	// OAuth 2.1 §5.1.2: the form-encoded body parameter applies only to an
	// "application/x-www-form-urlencoded" entity-body (and RS support is optional); MCP bodies
	// are JSON-RPC, so a token inside the JSON body is no credential. DERIVED. MCP 2025-11-25
	// §9.1: "MCP client MUST use the Authorization request header field defined in OAuth 2.1
	// Section 5.1.1".
	check.Define("RS-30", check.NeedsToken, func(ctx context.Context, c *check.C) {
		base := protectedBaseline(ctx, c)
		token := c.ValidToken(ctx)
		req := tokenControl(ctx, c, base.Request, token)
		var body map[string]any
		if err := json.Unmarshal(req.Body, &body); err != nil || body == nil {
			c.Skip("the baseline request body is not a JSON object (%v)", err)
		}
		variants := []struct {
			where string
			set   func(map[string]any)
		}{
			{"a top-level \"access_token\" member", func(m map[string]any) { m["access_token"] = token }},
			{"params._meta.access_token and params._meta.authorization", func(m map[string]any) {
				params, _ := m["params"].(map[string]any)
				if params == nil {
					params = map[string]any{}
				}
				meta, _ := params["_meta"].(map[string]any)
				if meta == nil {
					meta = map[string]any{}
				}
				meta["access_token"], meta["authorization"] = token, "Bearer "+token
				params["_meta"], m["params"] = meta, params
			}},
		}
		for _, v := range variants {
			var m map[string]any
			_ = json.Unmarshal(req.Body, &m) // decoded once above: cannot fail
			v.set(m)
			b, err := json.Marshal(m)
			if err != nil {
				c.Skip("cannot encode the probe body: %v", err)
			}
			c.Step("POST the baseline request with the valid token in %s and no Authorization", v.where)
			probe := withAuth(req)
			probe.Body = b
			if resp := c.Do(ctx, probe); is2xx(resp.Status) {
				c.Fail("sent the valid token in %s of the JSON-RPC body and no Authorization; expected 401; "+
					"got %s: a token in a JSON body authenticated the request", v.where, resp.String())
			} else if resp.Status != http.StatusUnauthorized {
				c.Note("token in %s → %d", v.where, resp.Status)
			}
		}
	})

	// RFC 9110 §5.3: "a sender MUST NOT generate multiple field lines with the same name in a
	// message [...] unless that field's definition allows multiple field line values to be
	// recombined as a comma-separated list"; §11.6.2: Authorization = credentials (one value);
	// OAuth 2.1 §5.3.2 invalid_request: the request "repeats the same parameter". DERIVED; the
	// expected status is unconfirmed (400 preferred, 401 acceptable). The 5xx FAIL rests on MCP
	// 2025-11-25 §9.2: "Invalid or expired tokens MUST receive a HTTP 401 response."
	check.Define("RS-31", check.NeedsToken, func(ctx context.Context, c *check.C) {
		base := protectedBaseline(ctx, c)
		token := c.ValidToken(ctx)
		req := tokenControl(ctx, c, base.Request, token)
		garbage := randomToken()
		variants := []struct {
			what  string
			lines []string
		}{
			{"two Authorization lines: Bearer <random>, then Bearer <valid>", []string{"Bearer " + garbage, "Bearer " + token}},
			{"two Authorization lines: Bearer <valid>, then Bearer <random>", []string{"Bearer " + token, "Bearer " + garbage}},
			{"one Authorization line: Bearer <valid>, Bearer <random>", []string{"Bearer " + token + ", Bearer " + garbage}},
		}
		var crashes, accepted []string
		for _, v := range variants {
			c.Step("POST the baseline request with %s", v.what)
			resp := c.Do(ctx, withAuth(req, v.lines...))
			switch s := resp.Status; {
			case s >= 500:
				crashes = append(crashes, fmt.Sprintf("%s → %s", v.what, resp.String()))
			case is2xx(s):
				accepted = append(accepted, fmt.Sprintf("%s → %d", v.what, s))
			case s != http.StatusBadRequest && s != http.StatusUnauthorized:
				c.Note("%s → %d", v.what, s)
			}
		}
		if len(crashes) > 0 {
			c.Fail("expected 400 invalid_request (or 401) for duplicated credentials; got a server error: %s",
				strings.Join(crashes, "; "))
		}
		if len(accepted) > 0 {
			c.Warn("expected 400 invalid_request (or 401) for duplicated credentials; the server silently "+
				"picked one: %s", strings.Join(accepted, "; "))
		}
	})

	// OAuth 2.1 §5.1.1: credentials = "bearer" 1*SP token68, token68 = 1*( ALPHA / DIGIT / "-" /
	// "." / "_" / "~" / "+" / "/" ) *"="; §5.3.2 invalid_request: "The request is missing a
	// required parameter, includes an unsupported parameter or parameter value, [...] or is
	// otherwise malformed." DERIVED: malformed credentials are rejected, never accepted and
	// never a server error (MCP 2025-11-25 §9.2: "Invalid or expired tokens MUST receive a HTTP
	// 401 response.").
	check.Define("RS-32", check.Anonymous, func(ctx context.Context, c *check.C) {
		base := protectedBaseline(ctx, c)
		var problems []string
		for _, line := range []string{"Bearer", "Bearer ", "Bearer a b", "Bearer ä", "Bearer a,b", "Bearer =abc"} {
			c.Step("POST the baseline request with Authorization: %q", line)
			resp, err := c.TryDo(ctx, withAuth(base.Request, line))
			if err != nil {
				c.Note("Authorization: %q could not be sent or answered: %v", line, err)
				continue
			}
			switch s := resp.Status; {
			case is2xx(s) || s >= 500:
				problems = append(problems, fmt.Sprintf("Authorization: %q → %s", line, resp.String()))
			case s != http.StatusBadRequest && s != http.StatusUnauthorized:
				c.Note("Authorization: %q → %d", line, s)
			}
		}
		if len(problems) > 0 {
			c.Fail("expected 400 invalid_request or 401 invalid_token for malformed credentials; got: %s",
				strings.Join(problems, "; "))
		}
	})
}

// is2xx reports a success status.
func is2xx(status int) bool { return status >= 200 && status < 300 }

// tokenControl sends base with Authorization: Bearer <token> and skips the check unless the
// server accepts it; it returns base without credentials, ready for variants.
func tokenControl(ctx context.Context, c *check.C, base check.Request, token string) check.Request {
	c.Step("control: POST the baseline request with Authorization: Bearer <valid token>")
	resp := c.Do(ctx, withAuth(base, "Bearer "+token))
	if !is2xx(resp.Status) {
		c.Skip("control failed: the baseline request with Authorization: Bearer <valid token> got %s, so "+
			"a rejection of the variants would prove nothing", resp.String())
	}
	return withAuth(base)
}

// withQueryToken returns a copy of req with access_token=token added to its query.
func withQueryToken(req check.Request, token string) check.Request {
	out := cloneRequest(req)
	if out.Query == nil {
		out.Query = url.Values{}
	}
	out.Query.Set("access_token", token)
	return out
}
