package mockas

// This file serves OAuth 2.0 Authorization Server Metadata (RFC 8414) and OpenID Connect
// Discovery 1.0, in the places a Scalekit environment serves them:
//
//	ENV/.well-known/oauth-authorization-server                     issuer ENV
//	ENV/.well-known/openid-configuration                           issuer ENV, no registration_endpoint
//	ENV/resources/RES/.well-known/oauth-authorization-server       issuer ENV/resources/RES
//	ENV/.well-known/oauth-authorization-server/resources/RES       same document (RFC 8414 §3.1 path insertion)
//
// ENV/resources/RES/.well-known/openid-configuration and ENV/resources/RES/keys are not
// routes, so they answer 404 as Scalekit's do.

import (
	"encoding/json"
	"fmt"
	"net/http"
)

// Metadata is an RFC 8414 §2 authorization server metadata document (with the OpenID
// Connect Discovery 1.0 §3 members mockas serves on openid-configuration).
type Metadata struct {
	// Issuer is REQUIRED (RFC 8414 §2).
	Issuer string `json:"issuer"`
	// AuthorizationEndpoint is REQUIRED unless no grant type uses it.
	AuthorizationEndpoint string `json:"authorization_endpoint"`
	// TokenEndpoint is REQUIRED unless only the implicit grant is supported.
	TokenEndpoint string `json:"token_endpoint"`
	// JWKSURI is OPTIONAL in RFC 8414, REQUIRED in OIDC Discovery.
	JWKSURI string `json:"jwks_uri"`
	// RegistrationEndpoint is OPTIONAL; present iff dynamic registration is on (RFC 7591).
	RegistrationEndpoint string `json:"registration_endpoint,omitempty"`
	// ScopesSupported is RECOMMENDED.
	ScopesSupported []string `json:"scopes_supported,omitempty"`
	// ResponseTypesSupported is REQUIRED.
	ResponseTypesSupported []string `json:"response_types_supported"`
	// ResponseModesSupported is OPTIONAL.
	ResponseModesSupported []string `json:"response_modes_supported,omitempty"`
	// GrantTypesSupported is OPTIONAL (default authorization_code and implicit).
	GrantTypesSupported []string `json:"grant_types_supported,omitempty"`
	// TokenEndpointAuthMethodsSupported is OPTIONAL (default client_secret_basic).
	TokenEndpointAuthMethodsSupported []string `json:"token_endpoint_auth_methods_supported,omitempty"`
	// RevocationEndpoint is OPTIONAL (RFC 8414 §2, RFC 7009).
	RevocationEndpoint string `json:"revocation_endpoint,omitempty"`
	// RevocationEndpointAuthMethodsSupported is OPTIONAL.
	RevocationEndpointAuthMethodsSupported []string `json:"revocation_endpoint_auth_methods_supported,omitempty"`
	// IntrospectionEndpoint is OPTIONAL (RFC 8414 §2, RFC 7662).
	IntrospectionEndpoint string `json:"introspection_endpoint,omitempty"`
	// IntrospectionEndpointAuthMethodsSupported is OPTIONAL.
	IntrospectionEndpointAuthMethodsSupported []string `json:"introspection_endpoint_auth_methods_supported,omitempty"`
	// CodeChallengeMethodsSupported is OPTIONAL in RFC 8414; MCP clients refuse to proceed
	// without it, so mockas always sends ["S256"].
	CodeChallengeMethodsSupported []string `json:"code_challenge_methods_supported"`
	// AuthorizationResponseIssParameterSupported is RFC 9207 §3.
	AuthorizationResponseIssParameterSupported bool `json:"authorization_response_iss_parameter_supported"`
	// ClientIDMetadataDocumentSupported advertises client ID metadata documents.
	ClientIDMetadataDocumentSupported bool `json:"client_id_metadata_document_supported"`
	// UserinfoEndpoint is OIDC Discovery §3 RECOMMENDED.
	UserinfoEndpoint string `json:"userinfo_endpoint,omitempty"`
	// EndSessionEndpoint is OIDC RP-Initiated Logout §2.1.
	EndSessionEndpoint string `json:"end_session_endpoint,omitempty"`
	// SubjectTypesSupported is OIDC Discovery §3 REQUIRED.
	SubjectTypesSupported []string `json:"subject_types_supported,omitempty"`
	// IDTokenSigningAlgValuesSupported is OIDC Discovery §3 REQUIRED.
	IDTokenSigningAlgValuesSupported []string `json:"id_token_signing_alg_values_supported,omitempty"`
	// ClaimsSupported is OIDC Discovery §3 RECOMMENDED.
	ClaimsSupported []string `json:"claims_supported,omitempty"`
}

// metadataDocs are the pre-encoded documents; config never changes after NewHandler.
type metadataDocs struct {
	env, oidc []byte
	res       map[string][]byte
}

// Metadata returns the environment-level RFC 8414 document (issuer = Issuer()).
func (h *Handler) Metadata() Metadata { return h.buildMetadata("") }

// ResourceMetadata returns the resource-scoped document (issuer = ENV/resources/RES) and
// whether res is a configured resource.
func (h *Handler) ResourceMetadata(res string) (Metadata, bool) {
	if _, ok := h.resources[res]; !ok {
		return Metadata{}, false
	}
	return h.buildMetadata(res), true
}

// buildMetadata builds the document for the environment (res == "") or one resource.
func (h *Handler) buildMetadata(res string) Metadata {
	env := h.issuer
	scoped := h.routeIssuer(res)
	grants := []string{grantAuthorizationCode, grantClientCredentials, grantRefreshToken}
	auth := []string{authNone, authSecretPost, authSecretBasic}
	m := Metadata{
		Issuer:                                     scoped,
		AuthorizationEndpoint:                      scoped + "/oauth/authorize",
		TokenEndpoint:                              scoped + "/oauth/token",
		JWKSURI:                                    env + "/keys",
		ScopesSupported:                            h.scopesSupported(res),
		ResponseTypesSupported:                     []string{"code"},
		ResponseModesSupported:                     []string{"query"},
		GrantTypesSupported:                        grants,
		TokenEndpointAuthMethodsSupported:          auth,
		RevocationEndpoint:                         env + "/oauth/revoke",
		RevocationEndpointAuthMethodsSupported:     []string{authSecretPost, authSecretBasic},
		IntrospectionEndpoint:                      env + "/oauth/introspect",
		IntrospectionEndpointAuthMethodsSupported:  []string{authSecretPost, authSecretBasic},
		CodeChallengeMethodsSupported:              []string{"S256"},
		AuthorizationResponseIssParameterSupported: true,
		ClientIDMetadataDocumentSupported:          true,
		UserinfoEndpoint:                           env + "/userinfo",
		EndSessionEndpoint:                         env + "/oidc/logout",
	}
	if !h.cfg.DisableRegistration {
		if res == "" {
			m.RegistrationEndpoint = env + "/resource-server/oauth/register"
		} else {
			m.RegistrationEndpoint = env + "/api/v1/resources/" + res + "/clients:register"
		}
	}
	return m
}

// scopesSupported lists the resource's scopes (all resources' for the environment) and
// the OpenID Connect scopes, offline_access included so MCP clients may ask for refresh
// tokens.
func (h *Handler) scopesSupported(res string) []string {
	var out []string
	seen := map[string]bool{}
	for _, r := range h.cfg.Resources {
		if res != "" && r.ID != res {
			continue
		}
		for _, s := range r.Scopes {
			if !seen[s] {
				seen[s] = true
				out = append(out, s)
			}
		}
	}
	for _, s := range []string{"openid", "profile", "email", "offline_access"} {
		if !seen[s] {
			out = append(out, s)
		}
	}
	return out
}

// encodeMetadata pre-encodes every document.
func (h *Handler) encodeMetadata() (metadataDocs, error) {
	d := metadataDocs{res: map[string][]byte{}}
	var err error
	if d.env, err = json.Marshal(h.buildMetadata("")); err != nil {
		return d, fmt.Errorf("encode metadata: %w", err)
	}
	// Scalekit's environment-level openid-configuration has no registration_endpoint.
	oidc := h.buildMetadata("")
	oidc.RegistrationEndpoint = ""
	oidc.SubjectTypesSupported = []string{"public"}
	oidc.IDTokenSigningAlgValuesSupported = []string{"RS256"}
	oidc.ClaimsSupported = []string{"iss", "sub", "aud", "exp", "iat", "nonce", "email", "name", "sid", "at_hash"}
	if d.oidc, err = json.Marshal(oidc); err != nil {
		return d, fmt.Errorf("encode openid-configuration: %w", err)
	}
	for _, r := range h.cfg.Resources {
		b, err := json.Marshal(h.buildMetadata(r.ID))
		if err != nil {
			return d, fmt.Errorf("encode metadata of %s: %w", r.ID, err)
		}
		d.res[r.ID] = b
	}
	return d, nil
}

// serveMetadata answers both RFC 8414 forms.
//
// RFC 8414 §3.3: "The "issuer" value returned MUST be identical to the authorization
// server's issuer identifier value into which the well-known URI string was inserted to
// create the URL used to retrieve the metadata."
func (h *Handler) serveMetadata(w http.ResponseWriter, _ *http.Request, in *request) {
	b := h.meta.env
	if in.res != "" {
		b = h.meta.res[in.res]
	}
	w.Header().Set("Cache-Control", "public, max-age=3600")
	writeRawJSON(w, http.StatusOK, b)
}

// serveOpenIDConfiguration answers OIDC Discovery 1.0 §4.
func (h *Handler) serveOpenIDConfiguration(w http.ResponseWriter, _ *http.Request, _ *request) {
	w.Header().Set("Cache-Control", "public, max-age=3600")
	writeRawJSON(w, http.StatusOK, h.meta.oidc)
}
