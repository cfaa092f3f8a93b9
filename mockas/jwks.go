package mockas

// This file serves the JSON Web Key Set (RFC 7517 §5) at ENV/keys, as Scalekit does:
// RSA keys with "use":"sig", "alg":"RS256" and a "kid" of the form snk_<digits>.

import "net/http"

// serveKeys writes the pre-encoded JWKS; it is re-encoded only when keys change.
func (h *Handler) serveKeys(w http.ResponseWriter, _ *http.Request, _ *request) {
	h.mu.Lock()
	b := h.keys.jwksJSON
	h.mu.Unlock()
	w.Header().Set("Cache-Control", "public, max-age=300")
	writeRawJSON(w, http.StatusOK, b)
}
