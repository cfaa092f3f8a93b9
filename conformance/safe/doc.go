// Package safe is the one place of mcp-conform's safety rules, which every command and every
// report goes through:
//
//   - Redact (redact.go): the one redaction policy. Everything that leaves the process —
//     console, JSON, JUnit, HTML, SARIF, logs, probe and token inspect output — passes
//     through it, with the run's secrets (supplied token, --header-env values, minted tokens,
//     client secrets) as well as the patterns that catch credentials nobody registered.
//   - Text, Line and HTML (escape.go): the one terminal-safety rule. Every byte that came
//     from a target is escaped before it is printed: control characters, ANSI/CSI/OSC
//     sequences, Unicode bidi controls and invalid UTF-8 become visible escapes, so a hostile
//     body cannot clear the screen or forge a "PASS" line.
//
// The package imports only the standard library, so package check, package conformance and
// the commands can all import it.
package safe
