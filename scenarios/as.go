package scenarios

// Living with the authorization server (area "as"): what only a tester that runs the
// target's authorization server (mockas, cooperative mode) can provoke. RS-67: a key
// rotation (OpenID Connect Core §10.1.1, RFC 7517 §5).

import (
	"context"
	"net/http"
	"time"

	"github.com/mcp-conform/mcp-conform/conformance/check"
	"github.com/mcp-conform/mcp-conform/mockas"
)

// rotationRetries are the delays, from the first refusal, at which RS-67 tries the new-key
// token again: a handful of requests spread so the last lands after jose's 30 s cooldown.
var rotationRetries = []float64{0.05, 0.15, 0.35, 0.6, 0.86, 1.0} // fractions of Config.KeyRotationWait

func init() {
	// OpenID Connect Core 1.0 §10.1.1: "The verifier knows to go back to the jwks_uri
	// location to re-retrieve the keys when it sees an unfamiliar kid value."
	check.Define("RS-67", check.NeedsMinting|check.NeedsToken, rs67KeyRotation)
}

// rs67KeyRotation publishes a key only this check signs with, so every other check is
// undisturbed, and watches the target accept it; it retires the key afterwards.
func rs67KeyRotation(ctx context.Context, c *check.C) {
	c.Step("have the mockas publish a new key without making it active")
	kid, err := c.PublishKey(ctx)
	if err != nil {
		c.Skip("the mockas control plane refused the key operation, so a key rotation cannot be provoked: %v", err)
	}
	retired := false
	defer func() {
		if !retired {
			if err := c.RetireKey(context.WithoutCancel(ctx), kid); err != nil {
				c.Note("could not withdraw the published key %s again: %v", kid, err)
			}
		}
	}()
	spec := mockas.TokenSpec{KeyID: kid, Subject: "mcp-conform-rotation", ClientID: "mcp-conform-rotation"}
	fresh, later := c.Mint(ctx, spec), c.Mint(ctx, spec)
	wait := c.Config().KeyRotationWait
	c.Step("send the baseline request with a valid token signed by the new key (kid %s); retry a refusal for up to %s", kid, wait)
	start := time.Now()
	resp := c.Do(ctx, authBaseline(c, fresh))
	attempts := 1
	for _, f := range rotationRetries {
		if resp.Status/100 == 2 {
			break
		}
		at := time.Duration(f * float64(wait))
		select {
		case <-ctx.Done():
			c.Skip("interrupted while waiting for the server to refetch its JWKS: %v", ctx.Err())
		case <-time.After(time.Until(start.Add(at))):
		}
		resp = c.Do(ctx, authBaseline(c, fresh))
		attempts++
	}
	took := time.Since(start).Round(100 * time.Millisecond)
	if resp.Status/100 != 2 {
		c.Warn("a valid token signed by a key the authorization server published after the server started (kid %s) was still refused after %d tries over %s: "+
			"the server does not refetch the JWKS when a token names an unknown kid, so the authorization server's first key rotation will lock every client out until the server restarts.\nLast answer: %s",
			kid, attempts, took, resp.String())
	}
	if attempts == 1 {
		c.Note("a token signed by the newly published key %s was accepted at once (%d): the server refetches its JWKS on an unknown kid", kid, resp.Status)
	} else {
		c.Note("a token signed by the newly published key %s was accepted after %s (%d tries): the server refetches its JWKS on an unknown kid, rate-limited", kid, took, attempts)
	}
	c.Step("withdraw the key from the JWKS and send a token signed with it again, at growing intervals while it is accepted, until the window ends or the other checks are done")
	if err := c.RetireKey(ctx, kid); err != nil {
		c.Note("could not withdraw the key to observe its removal: %v", err)
		return
	}
	retired = true
	observeWithdrawal(ctx, c, later, start.Add(wait))
}

// withdrawalProbes are the delays after the withdrawal at which RS-67 sends the withdrawn
// key's token again while it is accepted: doubling from 100 ms, so a handful of requests
// covers the window and the first seconds are observed closely, then the window's end.
func withdrawalProbes(window time.Duration) []time.Duration {
	var out []time.Duration
	for d := 100 * time.Millisecond; d < window; d *= 2 {
		out = append(out, d)
	}
	if window > 0 {
		out = append(out, window) // the last look, as the window ends
	}
	return out
}

// observeWithdrawal sends tok, signed by a key just withdrawn from the JWKS, until the
// target refuses it, deadline passes, or the run's other checks are done (the observation
// never makes the run longer), and notes how long the target kept accepting it.
func observeWithdrawal(ctx context.Context, c *check.C, tok string, deadline time.Time) {
	removed := time.Now()
	others, release := c.OthersDone()
	defer release()
	var accepted time.Duration // the latest time after the withdrawal the token was accepted
	tries := 0
	for _, at := range append([]time.Duration{0}, withdrawalProbes(time.Until(deadline))...) {
		if at > 0 {
			select {
			case <-ctx.Done():
				c.Note("after the key left the JWKS a token signed with it was still accepted %s later; observation interrupted: %v", accepted.Round(time.Millisecond), ctx.Err())
				return
			case <-others:
				c.Note("after the key left the JWKS a token signed with it was still accepted %s later (%d tries), when the run's other checks were done: the server caches keys, "+
					"so a withdrawn key stays usable until its cache expires (allowed; not observed longer, to keep the run short)", accepted.Round(time.Millisecond), tries)
				return
			case <-time.After(time.Until(removed.Add(at))):
			}
		}
		resp := c.Do(ctx, authBaseline(c, tok))
		tries++
		took := time.Since(removed)
		switch {
		case resp.Status/100 == 2:
			accepted = took
			continue
		case tries == 1 && resp.Status == http.StatusUnauthorized:
			c.Note("after the key left the JWKS a token signed with it was refused at once (401)")
		case tries == 1:
			c.Note("after the key left the JWKS a token signed with it got %d at once", resp.Status)
		default:
			c.Note("after the key left the JWKS a token signed with it was still accepted %s later and refused (%d) %s later: the server stopped trusting the withdrawn key within that time (it refetched its JWKS: its cache expired, or another token's unknown kid made it refetch)",
				accepted.Round(time.Millisecond), resp.Status, took.Round(time.Millisecond))
		}
		return
	}
	c.Note("after the key left the JWKS a token signed with it was still accepted %s later (%d tries), when the rotation window ended: the server caches keys, "+
		"so a withdrawn key stays usable until its cache expires (allowed)", accepted.Round(time.Millisecond), tries)
}
