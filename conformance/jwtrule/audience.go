package jwtrule

// RFC 9068 §4: "The resource server MUST validate that the "aud" claim contains a resource
// indicator value corresponding to an identifier the resource server expects for itself.
// The JWT access token MUST be rejected if "aud" does not contain a resource indicator of
// the current resource server as a valid audience." Scalekit (scalekit-profile.md §6): "aud"
// always contains the registered resource id (res_…) and, when the resource has one, its
// server URL.

import "slices"

// MatchAudience returns the first value of aud that accepted contains; ok is false when
// there is none (the token must be rejected).
func MatchAudience(aud, accepted []string) (match string, ok bool) {
	for _, a := range aud {
		if slices.Contains(accepted, a) {
			return a, true
		}
	}
	return "", false
}

// ScalekitAudience is the aud a Scalekit environment puts in a token for a resource: its id
// (res_…) followed by its server URL; either alone when the other is empty, and one value
// when they are equal.
func ScalekitAudience(resourceID, serverURL string) []string {
	switch {
	case resourceID == "":
		return []string{serverURL}
	case serverURL == "" || serverURL == resourceID:
		return []string{resourceID}
	default:
		return []string{resourceID, serverURL}
	}
}
