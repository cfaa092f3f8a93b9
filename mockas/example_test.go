package mockas_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	jose "github.com/go-jose/go-jose/v4"

	"github.com/mcp-conform/mcp-conform/mockas"
)

// Example starts a mock environment, mints a token and verifies it as a resource server
// would: RS256 only, key from the JWKS by kid.
func Example() {
	as := mockas.NewServer(mockas.WithResource(mockas.Resource{ID: "res_1", ServerURL: "https://mcp.example/mcp"}))
	defer as.Close()

	tok, err := as.Mint(mockas.TokenSpec{Scopes: []string{"mcp:tools:weather"}})
	if err != nil {
		panic(err)
	}
	jws, err := jose.ParseSignedCompact(tok, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil {
		panic(err)
	}
	jwks := as.JWKS()
	payload, err := jws.Verify(jwks.Key(jws.Signatures[0].Header.KeyID)[0].Key)
	if err != nil {
		panic(err)
	}
	var claims struct {
		Iss    string   `json:"iss"`
		Aud    []string `json:"aud"`
		Scopes []string `json:"scopes"`
	}
	if err := json.Unmarshal(payload, &claims); err != nil {
		panic(err)
	}
	fmt.Println(claims.Iss == as.Issuer(), claims.Aud, claims.Scopes)
	// Output: true [res_1 https://mcp.example/mcp] [mcp:tools:weather]
}

// Example_clientCredentials asks the token endpoint for a token, as an M2M agent would.
func Example_clientCredentials() {
	as := mockas.NewServer()
	defer as.Close()
	form := url.Values{
		"grant_type": {"client_credentials"}, "client_id": {mockas.DefaultClientID},
		"client_secret": {mockas.DefaultClientSecret}, "scope": {"mcp:tools:inventory:check"},
	}
	resp, err := http.Post(as.URL+"/oauth/token", "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	var body map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		panic(err)
	}
	fmt.Println(resp.StatusCode, resp.Header.Get("Cache-Control"), body["token_type"], body["expires_in"], body["scope"])
	// Output: 200 no-store Bearer 3600 mcp:tools:inventory:check
}

// ExampleForge crafts an alg=none token against any authorization server's published key.
func ExampleForge() {
	as := mockas.NewServer()
	defer as.Close()
	key := as.JWKS().Keys[0]
	tok, err := mockas.Forge(mockas.TokenSpec{
		Issuer: as.Issuer(), Audience: []string{mockas.DefaultResourceID}, Defect: mockas.DefectAlgNoneCapitalized,
	}, key, time.Now())
	if err != nil {
		panic(err)
	}
	fmt.Println(strings.HasSuffix(tok, "."), strings.Count(tok, "."))
	// Output: true 2
}
