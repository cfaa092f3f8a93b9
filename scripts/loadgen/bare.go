package main

// The bare token server is the control of the token-endpoint measurement over loopback: an
// HTTP server that does nothing but one RS256 signature per POST (same key size, same
// signing input as signRate) and a JSON answer. Loaded like mockas, on the same cores as this
// load generator, it shows how many tokens per second any net/http token endpoint can reach
// here, so mockas's tokens/s can be compared with it rather than with signatures alone.
//
// With -mockas-runtime it runs as the mockas binary does (cmd/mockas/main.go,
// mockas/signgate.go): one P more than the CPUs, and signatures through a first-come,
// first-served gate with one slot per CPU. That isolates what mockas's own request path
// costs from what that scheduling choice costs.

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"runtime"
	"time"
)

// serveBare serves the bare token endpoint on addr until the process is killed.
func serveBare(addr string, mockasRuntime bool) error {
	var gate chan struct{}
	if mockasRuntime && os.Getenv("GOMAXPROCS") == "" {
		cpus := runtime.GOMAXPROCS(0)
		runtime.GOMAXPROCS(cpus + 1)
		gate = make(chan struct{}, cpus)
	}
	sign := rs256Signer()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("bare: %w", err)
	}
	fmt.Printf("bare: serving http://%s\n", ln.Addr())
	mux := http.NewServeMux()
	mux.HandleFunc("POST /oauth/token", func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, io.LimitReader(r.Body, 1<<20))
		if gate != nil {
			gate <- struct{}{}
		}
		tok := sign()
		if gate != nil {
			<-gate
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		_, _ = io.WriteString(w, `{"access_token":"`+tok+`","token_type":"Bearer","expires_in":3600}`)
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	return srv.Serve(ln)
}
