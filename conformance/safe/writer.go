package safe

import (
	"fmt"
	"io"
)

// Writer is an io.Writer for plain-text output that carries bytes from a target (probe,
// token inspect, logs): each Write is redacted with Secrets and escaped with Text before it
// reaches W. Each Write must hold whole lines or at least whole UTF-8 sequences (fmt.Fprintf
// writes once per call). Not for output that carries its own ANSI colour.
type Writer struct {
	W       io.Writer
	Secrets []string
}

// Write implements io.Writer; it reports len(p) written when W took the escaped text.
func (w *Writer) Write(p []byte) (int, error) {
	if _, err := io.WriteString(w.W, Text(Redact(string(p), w.Secrets))); err != nil {
		return 0, fmt.Errorf("safe writer: %w", err)
	}
	return len(p), nil
}
