package mockas

import (
	"net/http"
	"net/http/httptest"
	"strings"
)

// serve runs one request through h in process.
func serve(h http.Handler, method, path, body string, hdr http.Header) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	for k, v := range hdr {
		req.Header[k] = v
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}
