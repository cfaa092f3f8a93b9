package scenarios_test

// Proof for the protected resource metadata checks (RS-11…RS-25): each passes on the correct
// reference server and fails or warns on the reference server broken in exactly that way.

import (
	"testing"

	"github.com/mcp-conform/mcp-conform/conformance/check"
	"github.com/mcp-conform/mcp-conform/fixtures"
)

var prmIDs = []string{"RS-11", "RS-12", "RS-13", "RS-14", "RS-15", "RS-16", "RS-17", "RS-18", "RS-19", "RS-20",
	"RS-21", "RS-22", "RS-23", "RS-24", "RS-25"}

var prmCases = []rsCase{
	{id: "RS-11", want: check.StatusPass},
	{id: "RS-11", flaw: fixtures.FlawNoPRM, want: check.StatusFail},

	{id: "RS-12", want: check.StatusPass},
	{id: "RS-12", flaw: fixtures.FlawNoPRM, want: check.StatusFail},
	// Without resource_metadata the well-known documents are found.
	{id: "RS-12", flaw: fixtures.FlawNoResourceMetadata, want: check.StatusPass},

	{id: "RS-13", want: check.StatusPass},
	{id: "RS-13", flaw: fixtures.FlawPRMHTML, want: check.StatusFail},
	{id: "RS-13", flaw: fixtures.FlawNoPRM, want: check.StatusSkip},

	{id: "RS-14", want: check.StatusPass},
	{id: "RS-14", flaw: fixtures.FlawPRMRequiresAuth, want: check.StatusFail},
	{id: "RS-14", flaw: fixtures.FlawPRMRejectsProtocolHeader, want: check.StatusWarn},

	{id: "RS-15", want: check.StatusPass},
	{id: "RS-15", flaw: fixtures.FlawPRMNoResource, want: check.StatusFail},

	{id: "RS-16", want: check.StatusPass},
	{id: "RS-16", flaw: fixtures.FlawPRMResourceTrailingSlash, want: check.StatusFail},
	{id: "RS-16", flaw: fixtures.FlawPRMResourceOrigin, want: check.StatusFail},
	{id: "RS-16", flaw: fixtures.FlawPRMRootResourceEndpoint, want: check.StatusFail},
	{id: "RS-16", flaw: fixtures.FlawPRMUppercaseResource, want: check.StatusFail},
	// Pointing the challenge at the root document breaks RS-17, not RS-16.
	{id: "RS-16", flaw: fixtures.FlawChallengePointsToRootPRM, want: check.StatusPass},

	{id: "RS-17", want: check.StatusPass},
	{id: "RS-17", flaw: fixtures.FlawPRMResourceTrailingSlash, want: check.StatusFail},
	{id: "RS-17", flaw: fixtures.FlawPRMResourceOrigin, want: check.StatusFail},
	{id: "RS-17", flaw: fixtures.FlawChallengePointsToRootPRM, want: check.StatusFail},
	{id: "RS-17", flaw: fixtures.FlawPRMUppercaseResource, want: check.StatusFail},
	{id: "RS-17", flaw: fixtures.FlawNoResourceMetadata, want: check.StatusSkip},
	// The root document's resource is not what RS-17 reads.
	{id: "RS-17", flaw: fixtures.FlawPRMRootResourceEndpoint, want: check.StatusPass},

	{id: "RS-18", want: check.StatusPass},
	{id: "RS-18", flaw: fixtures.FlawPRMNoAuthorizationServers, want: check.StatusFail},

	{id: "RS-19", want: check.StatusPass},
	{id: "RS-19", flaw: fixtures.FlawPRMASEndpoint, want: check.StatusFail},
	{id: "RS-19", flaw: fixtures.FlawPRMNoAuthorizationServers, want: check.StatusSkip},

	{id: "RS-20", want: check.StatusPass},
	{id: "RS-20", flaw: fixtures.FlawPRMEmptyArray, want: check.StatusFail},

	{id: "RS-21", want: check.StatusPass},
	{id: "RS-21", flaw: fixtures.FlawPRMNoScopesSupported, want: check.StatusWarn},
	// offline_access is only discouraged from 2026-07-28 on.
	{id: "RS-21", flaw: fixtures.FlawPRMOfflineAccess, version: check.Version20260728, want: check.StatusWarn},
	{id: "RS-21", flaw: fixtures.FlawPRMOfflineAccess, version: check.Version20251125, want: check.StatusPass},

	{id: "RS-22", want: check.StatusPass},
	{id: "RS-22", flaw: fixtures.FlawPRMBearerQuery, want: check.StatusWarn},

	{id: "RS-23", want: check.StatusPass},
	{id: "RS-23", flaw: fixtures.FlawPRMBadJWKSURI, want: check.StatusFail},
	{id: "RS-23", flaw: fixtures.FlawPRMSigningAlgNone, want: check.StatusFail},
	{id: "RS-23", flaw: fixtures.FlawPRMMistypedField, want: check.StatusFail},

	{id: "RS-24", want: check.StatusPass},
	{id: "RS-24", flaw: fixtures.FlawNoncanonicalEndpoint, want: check.StatusWarn},
	{id: "RS-24", flaw: fixtures.FlawPRMUppercaseResource, want: check.StatusWarn},

	// An INFO row records behaviour: both end in info, told apart by what they record.
	{id: "RS-25", want: check.StatusInfo, detail: "max-age="},
	{id: "RS-25", flaw: fixtures.FlawPRMNoCache, want: check.StatusInfo, detail: "no max-age or Expires"},
}

func TestPRM_Checks(t *testing.T) {
	runRSCases(t, prmCases)
}

func TestPRM_FlawCoverage(t *testing.T) {
	assertFlawCoverage(t, prmCases, prmIDs)
}
