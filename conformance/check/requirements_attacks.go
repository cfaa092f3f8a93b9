package check

// This file continues the requirement registry's data (see requirements.go): the tokens JWT
// attack tools try (jwt_tool's playbook) beyond the catalogue's rows RS-35…RS-39.

func attackRequirements() []Requirement {
	all := KnownVersions()
	return []Requirement{
		{
			ID: "RS-66", Title: "MUST reject the JWT attack playbook's tokens: HS256 with an empty key, no alg, a null RS256 signature",
			Level: MUST, Area: areaValidation, Versions: all,
			Refs:    []string{"RFC 7515 §4.1.1", "RFC 8725 §2.1", "RFC 8725 §3.1", "RFC 9068 §4", "jwt_tool attack playbook (practice)"},
			Quote:   "The \"alg\" (algorithm) Header Parameter identifies the cryptographic algorithm used to secure the JWS. […] This Header Parameter MUST be present and MUST be understood and processed by implementations.\n\nThe resource server MUST validate the signature of all incoming JWT access tokens according to [RFC7515] using the algorithm specified in the JWT 'alg' Header Parameter. The resource server MUST use the keys provided by the authorization server.",
			Sends:   "Tokens carrying valid-looking claims for this server: HS256 MACed with an empty key (with the AS kid, and without kid); a header without alg (kid of the AS), unsigned and with a random signature; RS256 with the AS kid and an empty signature segment.",
			Expects: "401 for every token; any other status FAILs. Without a valid token (anonymous mode) the check still runs and says it proves less.",
			Fix:     fixValidateFirst + " Reject a header without alg before anything else, and never fall back to HMAC with an empty or default secret.",
		},
	}
}
