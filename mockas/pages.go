package mockas

// This file holds what every HTML page of mockas shares: templates parsed once from
// embedded files, a per-response CSP nonce, and the security headers. Pages load nothing
// from elsewhere: the stylesheet and scripts are inlined under the nonce.

import (
	"bytes"
	"crypto/rand"
	"embed"
	"encoding/base64"
	"html/template"
	"log/slog"
	"net/http"
	"strings"
)

//go:embed ui/*.html ui/style.css
var uiFiles embed.FS

// pageTemplates are parsed once; html/template escapes every value by context.
var pageTemplates = template.Must(template.New("").Funcs(template.FuncMap{
	"join": strings.Join,
}).ParseFS(uiFiles, "ui/*.html"))

// pageCSS is the inlined stylesheet.
var pageCSS = func() template.CSS {
	b, err := uiFiles.ReadFile("ui/style.css")
	if err != nil {
		panic(err)
	}
	return template.CSS(b) //nolint:gosec // our own embedded file
}()

// pageBase is what the layout needs; every page's data embeds it.
type pageBase struct {
	Title string
	Nonce string
	CSS   template.CSS
}

// newPageBase returns a base with a fresh nonce.
func newPageBase(title string) pageBase {
	b := make([]byte, 18)
	_, _ = rand.Read(b)
	return pageBase{Title: title, Nonce: base64.RawURLEncoding.EncodeToString(b), CSS: pageCSS}
}

// writePage renders template name with data and the security headers. formAction lists
// extra form-action sources (the login page's redirect origin: browsers apply form-action
// to the redirect that follows a form post).
//
// CSP frame-ancestors 'none' and X-Frame-Options DENY refuse framing (clickjacking of the
// consent form, OAuth 2.1 §7.4.4 / RFC 6819 §4.4.1.9); the nonce admits only the page's
// own inline style and script.
func (h *Handler) writePage(w http.ResponseWriter, status int, name string, nonce string, formAction []string, data any) {
	var buf bytes.Buffer
	if err := pageTemplates.ExecuteTemplate(&buf, name, data); err != nil {
		h.log.Error("page_render_failed", slog.String("event", "page_render_failed"), slog.String("page", name), slog.String("error", err.Error()))
		http.Error(w, "page rendering failed", http.StatusInternalServerError)
		return
	}
	fa := "'self'"
	for _, s := range formAction {
		fa += " " + s
	}
	hd := w.Header()
	hd.Set("Content-Security-Policy", "default-src 'none'; style-src 'nonce-"+nonce+"'; script-src 'nonce-"+nonce+
		"'; img-src data:; connect-src 'self'; form-action "+fa+"; frame-ancestors 'none'; base-uri 'none'")
	hd.Set("X-Frame-Options", "DENY")
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Referrer-Policy", "no-referrer")
	hd.Set("Cache-Control", "no-store")
	hd.Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}
