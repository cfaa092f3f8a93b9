package conformance

// This file applies the one redaction policy (package safe) to what reports print. Package
// check already redacts results with the run's secrets; newReport redacts them again with the
// run's final secret list (a token minted late in the run may have been echoed early), and
// every writer passes each result through sanitize, so a report can never re-introduce a
// credential that slipped through.

import (
	"github.com/mcp-conform/mcp-conform/conformance/check"
	"github.com/mcp-conform/mcp-conform/conformance/safe"
)

// redactURL hides a password in the userinfo and credential query parameters of a URL.
func redactURL(raw string) string { return safe.URL(raw, nil) }

// sanitize returns a copy of res fit to print: no credential the policy recognises without
// the run's secrets (Report.Results were redacted with them already), and every character a
// terminal would interpret escaped (safe.Text; the title on one line). Every writer prints
// sanitized results only.
func sanitize(res check.Result) check.Result {
	res = res.Redacted(nil)
	res.Title = safe.Line(res.Title)
	res.Detail = safe.Text(res.Detail)
	for i, s := range res.Steps {
		res.Steps[i] = safe.Text(s)
	}
	for i, e := range res.Exchanges {
		res.Exchanges[i] = check.Exchange{Request: safe.Text(e.Request), Response: safe.Text(e.Response)}
	}
	if res.Refs != nil {
		refs := make([]string, len(res.Refs))
		for i, ref := range res.Refs {
			refs[i] = safe.Line(ref)
		}
		res.Refs = refs
	}
	return res
}
