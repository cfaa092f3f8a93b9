package scenarios_test

// The applied fix of RS-72: the application's token verifier (tokenVerifier) followed by an
// RFC 7662 introspection whose "active": false refuses the token, with no cache.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/mcp-conform/mcp-conform/fixtures"
)

// introspectingVerifier follows RS-72's Fix text: verify the token, then ask the
// authorization server's introspection endpoint (mockas's, with its default client) on
// every request and refuse a token whose answer is "active": false.
func introspectingVerifier(id string) appliedFix {
	return appliedFix{id: id,
		says: []string{`Refuse a token whose introspection answer is "active": false (RFC 7662 §2.2) with 401 invalid_token`, "cache introspection results for seconds at most"},
		options: func(s fixSite, o *fixtures.Options) {
			verify := tokenVerifier(s, false)
			endpoint := strings.TrimSuffix(s.issuer, "/") + "/oauth/introspect"
			o.VerifyToken = func(ctx context.Context, token string) (fixtures.TokenInfo, error) {
				info, err := verify(ctx, token)
				if err != nil {
					return info, err
				}
				active, err := introspect(ctx, endpoint, token)
				if err != nil {
					return fixtures.TokenInfo{}, err
				}
				if !active {
					return fixtures.TokenInfo{}, errors.New("the token is not active")
				}
				return info, nil
			}
		}}
}

// introspect POSTs token to an RFC 7662 endpoint as mockas's default client and returns
// its "active" member.
func introspect(ctx context.Context, endpoint, token string) (bool, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, strings.NewReader(url.Values{"token": {token}}.Encode()))
	if err != nil {
		return false, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(url.QueryEscape(fixtures.MockASClientID), url.QueryEscape(fixtures.MockASClientSecret))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return false, err
	}
	defer resp.Body.Close()
	var out struct {
		Active *bool `json:"active"`
	}
	if resp.StatusCode != http.StatusOK || json.NewDecoder(io.LimitReader(resp.Body, 64<<10)).Decode(&out) != nil || out.Active == nil {
		return false, fmt.Errorf("introspection answered %d without a boolean active", resp.StatusCode)
	}
	return *out.Active, nil
}
