package check

// This file executes one check and turns how it ended into a verdict, following the
// catalogue's convention (requirements.md §0): "MUST/REQUIRED → FAIL; SHOULD/RECOMMENDED/
// SHOULD NOT → WARN; MAY/INFO → INFO", and "If the positive control (RS-50) fails, report the
// token-validation negatives as inconclusive rather than PASS."

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/mcp-conform/mcp-conform/conformance/safe"
	"github.com/mcp-conform/mcp-conform/mockas"
)

// ControlID is the requirement ID of the positive control.
const ControlID = "RS-50"

// Hooks let a driver observe a check while it runs.
type Hooks struct {
	Step func(text string) // called for every c.Step (Ginkgo's By)
}

// Result is the verdict of one check.
type Result struct {
	ID        string        `json:"id"`
	Title     string        `json:"title"`
	Level     Level         `json:"level"`
	Area      Area          `json:"-"`
	Status    Status        `json:"status"`
	Detail    string        `json:"detail"`
	Refs      []string      `json:"refs"`
	Duration  time.Duration `json:"-"`
	Steps     []string      `json:"steps,omitempty"`
	Exchanges []Exchange    `json:"exchanges,omitempty"`
}

// Exchange is one request and its response as HTTP/1.1 text, credentials redacted.
type Exchange struct {
	Request  string `json:"request"`
	Response string `json:"response"`
}

// Redacted returns a copy of res whose text (detail, steps, exchanges) passes through the one
// redaction policy with secrets. Run.Execute returns redacted results; report writers apply
// it again with the run's final secret list.
func (res Result) Redacted(secrets []string) Result {
	res.Detail = safe.Redact(res.Detail, secrets)
	res.Title = safe.Redact(res.Title, secrets)
	if res.Steps != nil {
		steps := make([]string, len(res.Steps))
		for i, s := range res.Steps {
			steps[i] = safe.Redact(s, secrets)
		}
		res.Steps = steps
	}
	if res.Exchanges != nil {
		ex := make([]Exchange, len(res.Exchanges))
		for i, e := range res.Exchanges {
			ex[i] = Exchange{Request: safe.Redact(e.Request, secrets), Response: safe.Redact(e.Response, secrets)}
		}
		res.Exchanges = ex
	}
	return res
}

// controlResult is the memoized outcome of the positive control.
type controlResult struct {
	ok     bool
	detail string
}

// Execute runs one check and returns its verdict. It never panics: a panic inside the check
// is reported as a failure with the panic value. Unmet Needs and a failed positive control
// yield StatusSkip with the reason.
func (r *Run) Execute(ctx context.Context, def Definition, hooks Hooks) Result {
	return r.execute(ctx, def, hooks, def.ID == ControlID)
}

func (r *Run) execute(ctx context.Context, def Definition, hooks Hooks, control bool) Result {
	start := time.Now()
	res := Result{
		ID: def.ID, Title: def.Title, Level: def.Level, Area: def.Area,
		Refs: append([]string(nil), def.Refs...),
	}
	if !def.AppliesTo(r.cfg.SpecVersion) {
		res.Status = StatusSkip
		res.Detail = fmt.Sprintf("not applicable to spec version %s (applies to %s)", r.cfg.SpecVersion, strings.Join(def.Versions, ", "))
		res.Duration = time.Since(start)
		return res
	}
	c := newC(r, def, hooks, control)
	end := c.protect(func() {
		c.checkNeeds(ctx)
		if def.Needs&NeedsToken != 0 && !control {
			c.requireControl(ctx)
		}
		if def.Run == nil {
			c.abort("check %s has no function", def.ID)
		}
		def.Run(ctx, c)
	})
	c.runCleanups(ctx)
	c.mu.Lock()
	res.Status, res.Detail = verdict(def.Level, end, c.notes)
	res.Steps = append([]string(nil), c.steps...)
	res.Exchanges = append([]Exchange(nil), c.exchanges...)
	c.mu.Unlock()
	res = res.Redacted(r.secretList())
	res.Duration = time.Since(start)
	return res
}

// protect runs f and converts the check's ending (or any other panic) into a checkEnd; a
// normal return yields nil.
func (c *C) protect(f func()) (end *checkEnd) {
	defer func() {
		v := recover()
		if v == nil {
			return
		}
		if e, ok := v.(*checkEnd); ok {
			end = e
			return
		}
		end = &checkEnd{kind: endError, msg: fmt.Sprintf("check panicked: %v", v)}
	}()
	f()
	return nil
}

// verdict maps how a check ended onto a status for the requirement's level.
func verdict(level Level, end *checkEnd, notes []string) (Status, string) {
	detail := strings.Join(notes, "\n")
	if end == nil {
		if level == INFO || level == MAY {
			return StatusInfo, detail
		}
		return StatusPass, detail
	}
	if detail != "" {
		detail = end.msg + "\n" + detail
	} else {
		detail = end.msg
	}
	switch end.kind {
	case endSkip:
		return StatusSkip, detail
	case endWarn:
		return StatusWarn, detail
	case endInfo:
		return StatusInfo, detail
	case endViolation:
		switch level {
		case MUST:
			return StatusFail, detail
		case SHOULD:
			return StatusWarn, detail
		default:
			return StatusInfo, detail
		}
	default:
		return StatusFail, detail
	}
}

// checkNeeds skips the check when what it needs is missing.
func (c *C) checkNeeds(ctx context.Context) {
	n, cfg := c.def.Needs, c.run.cfg
	if n&NeedsMinting != 0 && cfg.Minter == nil {
		c.Skip("needs cooperative mode (crafted tokens from a mockas the target trusts); no minter is configured")
	}
	if n&NeedsToken != 0 && cfg.Minter == nil && cfg.Token == "" {
		c.Skip("needs a valid access token: supply one (--token-env NAME) or run in cooperative mode (--mockas or --serve-mockas)")
	}
	if n&NeedsRateLimit != 0 && cfg.RateLimit == nil {
		c.Skip("needs a declared rate limit (--rate-limit)")
	}
	if n&NeedsScopes != 0 && len(cfg.Scopes) == 0 && cfg.Minter == nil {
		c.Skip("needs a scope requirement: declare one (--scope OPERATION=SCOPE), or run in cooperative mode so that scope discovery can learn them")
	}
}

// requireControl skips the check as inconclusive when the positive control failed.
func (c *C) requireControl(ctx context.Context) {
	if c.isControl {
		return
	}
	if pc := c.run.positiveControl(ctx); !pc.ok {
		c.Skip("inconclusive: positive control %s failed: %s", ControlID, pc.detail)
	}
}

// positiveControl runs (once per run) the RS-50 definition when one is defined, else the
// built-in PositiveControl, and reports whether a valid token was accepted.
func (r *Run) positiveControl(ctx context.Context) controlResult {
	r.ctrlMu.Lock()
	defer r.ctrlMu.Unlock()
	if r.ctrl != nil {
		return *r.ctrl
	}
	def, ok := r.reg.definition(ControlID)
	if !ok {
		req, found := r.reg.lookup(ControlID)
		if !found {
			req = Requirement{ID: ControlID, Title: "MUST accept a valid token (positive control)", Level: MUST}
		}
		def = Definition{Requirement: req, Needs: NeedsToken, Run: PositiveControl}
	}
	res := r.execute(ctx, def, Hooks{}, true)
	pc := controlResult{ok: res.Status == StatusPass, detail: fmt.Sprintf("%s: %s", res.Status, firstLine(res.Detail))}
	// An interrupted control (429, cancelled context) is tried again later; any other
	// outcome, a skip included, holds for the whole run.
	if ctx.Err() == nil && !(res.Status == StatusSkip && strings.Contains(res.Detail, "(429)")) {
		r.ctrl = &pc
	}
	return pc
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// PositiveControl is the RS-50 probe: the baseline MCP request with a valid token must get
// a 2xx JSON-RPC result. Scenarios may Define RS-50 with it; Run uses it when RS-50 is not
// defined.
func PositiveControl(ctx context.Context, c *C) {
	c.Step("send the baseline MCP request with a valid token")
	req := c.BaselineRequest()
	token := c.ValidToken(ctx)
	req.Authorization = Bearer(token)
	resp := c.Do(ctx, req)
	if _, challenged := resp.BearerChallenge(); resp.Status == http.StatusBadRequest && !challenged {
		// A 400 with no Bearer challenge refuses the request, not the token (RFC 6750 §3.1
		// answers a bad token with 401 or a challenge): most often a spec version the
		// server does not speak. Judging the token checks on it would mislead.
		c.Skip("inconclusive: the request with a valid token was answered 400 without a Bearer challenge, a protocol refusal rather than an authorization one; "+
			"the server may not support MCP %s (see --spec-version).\nReceived: %s", c.SpecVersion(), resp)
	}
	if resp.Status == http.StatusUnauthorized && c.run.cfg.Minter != nil {
		// RFC 9068 §4 has a server implementing its profile reject any typ but at+jwt, and
		// the catalogue (RS-46) counts that profile as the server's choice. The minted tokens
		// are typed JWT, as Scalekit's are; when the server refuses them, try at+jwt once, and
		// if that is accepted mint at+jwt for the rest of the run.
		c.Step("the token typed JWT was refused: send the baseline MCP request with a valid token typed at+jwt (RFC 9068)")
		retry := c.BaselineRequest()
		retry.Authorization = Bearer(c.Mint(ctx, mockas.TokenSpec{Type: typAtJWT}))
		if r := c.Do(ctx, retry); r.Status/100 == 2 {
			c.run.setMintType(typAtJWT)
			c.Note("a valid token typed JWT was refused (%d) but one typed at+jwt was accepted: the server implements "+
				"the RFC 9068 profile (RS-46), so this run mints at+jwt tokens", resp.Status)
			resp = r
		}
	}
	if resp.Status/100 != 2 {
		// Diagnose before reporting: every check that needs a valid token is skipped with
		// this verdict's first line, so it names the likely cause.
		if cause, details := c.diagnoseRefusal(ctx, token, resp); cause != "" {
			c.Fail("a valid token was refused: %s.\n%s\nSent:     %s\nExpected: 2xx with a JSON-RPC result\nReceived: %s",
				cause, details, describeSent(resp.Request), resp)
		}
		c.Fail("a valid token was refused.\nSent:     %s\nExpected: 2xx with a JSON-RPC result\nReceived: %s", describeSent(resp.Request), resp)
	}
	msg, err := resp.JSONRPC()
	if err != nil {
		c.Fail("a valid token was accepted but the answer is not a JSON-RPC message: %v\nReceived: %s", err, resp)
	}
	if msg.Error != nil {
		c.Fail("a valid token was accepted but the request failed with JSON-RPC error %d %q\nReceived: %s", msg.Error.Code, msg.Error.Message, resp)
	}
}
