package scenarios

import "testing"

// TestFindLeak: every stack-trace shape of the languages MCP servers are written in is
// recognised, and ordinary error prose (URLs, "at" in a sentence, JSON) is not.
func TestFindLeak(t *testing.T) {
	leaks := map[string]string{
		"go":     "panic: runtime error\n\ngoroutine 1 [running]:\nmain.main()",
		"node":   "TypeError: Cannot read properties of undefined (reading 'kid')\n    at verify (/app/dist/auth.js:42:17)\n    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)",
		"python": "Traceback (most recent call last):\n  File \"/srv/app/auth.py\", line 12, in verify\n",
		"java":   "Exception in thread \"main\" java.lang.IllegalStateException",
		"java2":  "io.jsonwebtoken.MalformedJwtException: bad\n\tat io.jsonwebtoken.impl.DefaultJwtParser.parse(DefaultJwtParser.java:264)",
		"dotnet": "System.Exception: bad\n   at Api.Auth.Verify(String token) in C:\\src\\Api\\Auth.cs:line 31",
		"ruby":   "/app/lib/auth.rb:17:in `verify'",
		"path":   "error decoding token at /home/dev/server/internal/auth/verify.go:87",
	}
	for name, body := range leaks {
		if what, _, ok := findLeak(body); !ok {
			t.Errorf("%s: no leak found in %q", name, body)
		} else {
			t.Logf("%s: %s", name, what)
		}
	}
	clean := []string{
		`{"error":"invalid_token","error_description":"The access token expired at 2026-01-01T00:00:00Z"}`,
		`{"error":"invalid_request","error_uri":"https://example.com/docs/errors.html"}`,
		"Unauthorized: see https://example.com/.well-known/oauth-protected-resource/mcp",
		"invalid token: token is malformed: could not JSON decode header",
		"401 Unauthorized: the token was issued at the wrong audience, look at /docs/auth.md",
		`{"jsonrpc":"2.0","error":{"code":-32001,"message":"Unauthorized"}}`,
	}
	for _, body := range clean {
		if what, ex, ok := findLeak(body); ok {
			t.Errorf("false positive %s (%q) in %q", what, ex, body)
		}
	}
}
