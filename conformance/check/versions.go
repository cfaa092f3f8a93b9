package check

// This file names the MCP specification versions the suite knows (MCP versioning:
// a version is the date of the last backwards-incompatible revision, "YYYY-MM-DD").

// MCP specification versions the suite can test against.
const (
	Version20250326 = "2025-03-26"
	Version20250618 = "2025-06-18"
	Version20251125 = "2025-11-25"
	Version20260728 = "2026-07-28"

	// LatestInitializeVersion is the newest version that still opens a session with
	// initialize; "auto" resolution starts from it.
	LatestInitializeVersion = Version20251125
)

// KnownVersions returns the spec versions the suite knows, oldest first.
func KnownVersions() []string {
	return []string{Version20250326, Version20250618, Version20251125, Version20260728}
}

// IsKnownVersion reports whether v is one of KnownVersions.
func IsKnownVersion(v string) bool {
	for _, k := range KnownVersions() {
		if k == v {
			return true
		}
	}
	return false
}

// versionsFrom returns the known versions from v on (inclusive).
func versionsFrom(v string) []string {
	var out []string
	for _, k := range KnownVersions() {
		if k >= v {
			out = append(out, k)
		}
	}
	return out
}

// versionsUntil returns the known versions up to v (inclusive).
func versionsUntil(v string) []string {
	var out []string
	for _, k := range KnownVersions() {
		if k <= v {
			out = append(out, k)
		}
	}
	return out
}

// usesInitialize reports whether version v opens sessions with initialize (every version
// before 2026-07-28, whose Streamable HTTP "Removal of protocol-level sessions").
func usesInitialize(v string) bool { return v < Version20260728 }
