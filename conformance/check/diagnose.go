package check

// This file diagnoses a failed positive control before it is reported. The three usual
// setup mistakes of cooperative mode — the server trusts another issuer, verifies with keys
// that are not this mockas's (another JWKS, or one cached before this mockas started), or
// expects another audience — all end in "a valid token was refused"; what the suite can
// observe tells them apart: the claims of the token it sent, the authorization servers the
// server's metadata names, whether the server fetched this mockas's metadata or JWKS (the
// requests mockas captured), and the server's answer.

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/mcp-conform/mcp-conform/conformance/jwtrule"
	"github.com/mcp-conform/mcp-conform/mockas"
)

// requestLog is implemented by minters that can list the requests their mockas answered:
// those with a Seq greater than since, oldest first.
type requestLog interface {
	CapturedRequests(ctx context.Context, since uint64) ([]mockas.RecordedRequest, error)
}

// tokenClaims is what the diagnosis reads from a minted token (never verified: it is ours).
type tokenClaims struct {
	Kid   string
	Iss   string
	Aud   []string
	Scope string
}

// peekToken decodes the header and claims of a compact JWS without verifying it.
func peekToken(tok string) (tokenClaims, bool) {
	h, claims := jwtrule.Peek(tok)
	if h == nil || claims == nil {
		return tokenClaims{}, false
	}
	t := &jwtrule.Token{Header: h, Claims: claims}
	aud, _, _ := t.Audience()
	return tokenClaims{Kid: t.HeaderString("kid"), Iss: t.String("iss"), Aud: aud, Scope: t.String("scope")}, true
}

// TokenAudience returns the aud values of a compact JWS, unverified (for messages about
// tokens the suite minted itself); nil when there is none.
func TokenAudience(tok string) []string {
	claims, _ := peekToken(tok)
	return claims.Aud
}

// FormatAudience renders aud values as they were sent: ["a", "b"].
func FormatAudience(aud []string) string {
	q := make([]string, len(aud))
	for i, a := range aud {
		q[i] = fmt.Sprintf("%q", a)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

// serverFetches returns the metadata and JWKS requests this mockas answered that the suite
// did not send (its own carry the mcp-conform User-Agent); ok is false when the minter
// cannot tell.
func serverFetches(ctx context.Context, m Minter) (fetches []mockas.RecordedRequest, ok bool) {
	all, _, err := targetASRequests(ctx, m, 0)
	if err != nil {
		return nil, false
	}
	for _, r := range all {
		switch r.Endpoint {
		case "keys", "metadata", "openid_configuration":
			fetches = append(fetches, r)
		}
	}
	return fetches, true
}

// targetASRequests returns the requests the mockas captured after seq since that the suite
// did not send (its own carry the mcp-conform User-Agent), and the last seq captured (since
// when there is none). The error says why the capture cannot be read.
func targetASRequests(ctx context.Context, m Minter, since uint64) (reqs []mockas.RecordedRequest, last uint64, err error) {
	rl, isLog := m.(requestLog)
	if !isLog {
		return nil, since, errors.New("the minter keeps no request log")
	}
	all, err := rl.CapturedRequests(ctx, since)
	if err != nil {
		return nil, since, fmt.Errorf("read the mockas's captured requests: %w", err)
	}
	last = since
	for _, r := range all {
		last = max(last, r.Seq)
		if strings.HasPrefix(r.Header.Get("User-Agent"), "mcp-conform/") {
			continue
		}
		reqs = append(reqs, r)
	}
	return reqs, last, nil
}

// diagnoseRefusal names the likely cause of a refused valid token (one line) and returns,
// separately, the fix and the evidence, one finding per line. Both are "" outside
// cooperative mode.
func (c *C) diagnoseRefusal(ctx context.Context, token string, resp *Response) (cause, details string) {
	m := c.run.cfg.Minter
	if m == nil {
		return "", ""
	}
	claims, _ := peekToken(token)
	d := c.Discover(ctx)
	issuer := m.Issuer()
	mockasName := "the mockas (Target.MockAS) is " + issuer
	if _, remote := m.(*controlPlaneMinter); remote {
		mockasName = "--mockas is " + issuer
	}
	answer := describeRefusal(resp)
	fetches, known := serverFetches(ctx, m)
	var fetched []string
	for _, f := range fetches {
		if s := f.Method + " " + f.Path; !slices.Contains(fetched, s) {
			fetched = append(fetched, s)
		}
	}

	var fix string
	trusts := func(s string) bool { return s != "" && slices.Contains(d.AuthServers, s) }
	ch, _ := resp.BearerChallenge()
	errCode, _ := ch.Param("error")
	switch {
	case resp.Status == http.StatusForbidden && errCode == "insufficient_scope":
		want, _ := ch.Param("scope")
		cause = fmt.Sprintf("the server wants scope %q, and the token carried %q", want, claims.Scope)
		fix = "list every scope a request needs in the PRM scopes_supported or the challenge scope (the suite mints those), or declare it with --scope TOOL=SCOPE"
	case len(d.AuthServers) > 0 && !trusts(issuer) && !trusts(claims.Iss):
		cause = fmt.Sprintf("the server's metadata names issuer %s but %s", strings.Join(d.AuthServers, ", "), mockasName)
		fix = fmt.Sprintf("start the server trusting %s (e.g. SCALEKIT_ENVIRONMENT_URL=%s), or point mcp-conform at the mockas it trusts", issuer, issuer)
	case mentionsAudience(answer):
		cause = fmt.Sprintf("the server refused aud %s: it expects another audience (its answer: %s)", FormatAudience(claims.Aud), answer)
		fix = fmt.Sprintf("validate aud against the resource of the server's PRM document, %s", d.Resource)
	case known && len(fetches) == 0:
		cause = fmt.Sprintf("the server never fetched /keys (or the metadata) from this mockas at %s, so it cannot know the key %q that signed the token", issuer, claims.Kid)
		fix = fmt.Sprintf("restart the server after mockas started (SDKs cache the JWKS for the life of the process), or point its JWKS URL at %s/keys", strings.TrimSuffix(issuer, "/"))
	case mentionsIssuer(answer):
		cause = fmt.Sprintf("the server refused iss %q (its answer: %s)", claims.Iss, answer)
		fix = fmt.Sprintf("configure the server's trusted issuer as %s, exactly (no trailing slash difference)", claims.Iss)
	default:
		cause = fmt.Sprintf("the server refused aud %s: it likely expects another audience (its issuer and keys look right)", FormatAudience(claims.Aud))
		fix = fmt.Sprintf("validate aud against the resource of the server's PRM document, %s", d.Resource)
	}

	var b strings.Builder
	fmt.Fprintf(&b, "Fix: %s.", fix)
	fmt.Fprintf(&b, "\nToken sent: iss %q, aud %s, kid %q, scope %q", claims.Iss, FormatAudience(claims.Aud), claims.Kid, claims.Scope)
	if len(d.AuthServers) > 0 {
		fmt.Fprintf(&b, "\nPRM authorization_servers: %s; mockas issuer: %s", strings.Join(d.AuthServers, ", "), issuer)
	} else {
		fmt.Fprintf(&b, "\nPRM authorization_servers: none found (%v); mockas issuer: %s", d.PRMErr, issuer)
	}
	switch {
	case !known:
		b.WriteString("\nServer's requests to this mockas: unknown (its request log is not available)")
	case len(fetched) == 0:
		b.WriteString("\nServer's requests to this mockas: none for its metadata or /keys")
	default:
		fmt.Fprintf(&b, "\nServer's requests to this mockas: %s", strings.Join(fetched, ", "))
	}
	fmt.Fprintf(&b, "\nServer's answer: %s", answer)
	return cause, b.String()
}

// describeRefusal is the status, the challenge's error and error_description, and the
// first line of a short body.
func describeRefusal(resp *Response) string {
	parts := []string{fmt.Sprintf("%d", resp.Status)}
	if ch, ok := resp.BearerChallenge(); ok {
		if e, ok := ch.Param("error"); ok {
			parts = append(parts, "error="+e)
		}
		if e, ok := ch.Param("error_description"); ok {
			parts = append(parts, fmt.Sprintf("error_description=%q", e))
		}
	}
	if body := strings.TrimSpace(firstLine(string(resp.Body))); body != "" {
		if len(body) > 200 {
			body = body[:200] + "…"
		}
		parts = append(parts, fmt.Sprintf("body %q", body))
	}
	return strings.Join(parts, ", ")
}

// mentionsAudience reports whether a refusal names the audience as its reason.
func mentionsAudience(answer string) bool {
	a := strings.ToLower(answer)
	return strings.Contains(a, "audience") || strings.Contains(a, "(aud)") || strings.Contains(a, "aud ") ||
		strings.Contains(a, "aud:") || strings.Contains(a, "intended for this resource") || strings.Contains(a, "\"aud\"")
}

// mentionsIssuer reports whether a refusal names the issuer as its reason.
func mentionsIssuer(answer string) bool {
	a := strings.ToLower(answer)
	return strings.Contains(a, "issuer") || strings.Contains(a, "(iss)") || strings.Contains(a, "iss ")
}
