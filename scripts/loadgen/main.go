// Command loadgen is the one load generator behind the mockas rows of docs/benchmarks.md. It
// loads mockas and the anchor (oauth2-mock-server) with the same requests, interleaved in one
// run, and prints a Markdown table of ratios; the ratios, not the absolute numbers, are what
// a shared machine can compare. It also measures the machine's RS256 signing rate on every
// core (the ceiling of any token endpoint), and, with -abuse, mockas's resident memory after
// the abuse cases of issue 11.
//
// Usage (scripts/bench-mockas.sh starts both servers and runs it):
//
//	go run ./scripts/loadgen -mockas http://127.0.0.1:9501 -anchor http://127.0.0.1:9502 \
//	    [-c 8] [-d 3s] [-rounds 2] [-abuse -mockas-pid PID]
//
// It is not a tool of the project (those live in cmd/); it has no tests and asserts nothing.
package main

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// tokenName names the token endpoint's phase.
const tokenName = "token (client_credentials, RS256)"

// bareServer is a bare token server (bare.go) loaded alongside mockas's token endpoint.
type bareServer struct {
	name, url string
	pid       int
}

// target is one request shape against one server.
type target struct {
	method, url, body, contentType string
	basic                          [2]string
}

// result is what one load phase measured.
type result struct {
	reqs, errs    int
	rps           float64
	p50, p99, max time.Duration
	// all counts every completed request of the phase, warm-up included; serverCPU is the
	// server process's CPU time over the same phase (0 without its pid) and selfCPU the load
	// generator's.
	all                int
	serverCPU, selfCPU time.Duration
}

func main() {
	mockasURL := flag.String("mockas", "", "mockas base URL")
	anchorURL := flag.String("anchor", "", "oauth2-mock-server base URL (optional)")
	conc := flag.Int("c", 8, "concurrent clients")
	dur := flag.Duration("d", 3*time.Second, "duration of each phase")
	rounds := flag.Int("rounds", 2, "rounds; each round loads every endpoint of both servers in turn")
	abuse := flag.Bool("abuse", false, "then send the abuse cases to mockas and report its VmRSS")
	pid := flag.Int("mockas-pid", 0, "mockas process id, for -abuse and CPU accounting (Linux /proc)")
	anchorPid := flag.Int("anchor-pid", 0, "anchor process id, for CPU accounting (Linux /proc)")
	only := flag.String("only", "", "load only the endpoints whose name contains this (JWKS, metadata, token)")
	serve := flag.String("serve-bare", "", "instead of loading: serve the bare token endpoint (bare.go) on this address")
	mockasRuntime := flag.Bool("mockas-runtime", false, "with -serve-bare: one P more than the CPUs and a signing gate, as the mockas binary runs")
	var bares []bareServer
	flag.Func("bare", "a bare token server to load with the token endpoint, NAME=URL@PID (repeatable)", func(v string) error {
		name, rest, ok1 := strings.Cut(v, "=")
		u, pid, ok2 := strings.Cut(rest, "@")
		n, err := strconv.Atoi(pid)
		if !ok1 || !ok2 || err != nil {
			return fmt.Errorf("want NAME=URL@PID, got %q", v)
		}
		bares = append(bares, bareServer{name: name, url: u, pid: n})
		return nil
	})
	flag.Parse()
	if *serve != "" {
		if err := serveBare(*serve, *mockasRuntime); err != nil {
			fmt.Fprintln(os.Stderr, "loadgen:", err)
		}
		return
	}
	if *mockasURL == "" {
		// Only cmd/ may set an exit code (policy_test.go); the script always passes -mockas.
		fmt.Fprintln(os.Stderr, "loadgen: -mockas is required; nothing measured")
		return
	}
	form := url.Values{"grant_type": {"client_credentials"}, "scope": {"mcp:tools:weather"}}.Encode()
	const ct = "application/x-www-form-urlencoded"
	basic := [2]string{"skc_10000000000000001", "mockas-secret"}
	type pair struct {
		name, unit     string
		mockas, anchor target
	}
	pairs := []pair{
		{"JWKS", "req/s", target{method: "GET", url: *mockasURL + "/keys"}, target{method: "GET", url: *anchorURL + "/jwks"}},
		{"OIDC metadata", "req/s", target{method: "GET", url: *mockasURL + "/.well-known/openid-configuration"},
			target{method: "GET", url: *anchorURL + "/.well-known/openid-configuration"}},
		{tokenName, "req/s", target{method: "POST", url: *mockasURL + "/oauth/token", body: form, contentType: ct, basic: basic},
			target{method: "POST", url: *anchorURL + "/token", body: form, contentType: ct, basic: basic}},
	}
	res := map[string][]result{}
	var signRates []float64
	var signCPUs []time.Duration
	for r := range *rounds {
		for _, p := range pairs {
			if !strings.Contains(p.name, *only) {
				continue
			}
			res[p.name+"/mockas"] = append(res[p.name+"/mockas"], load(p.mockas, *conc, *dur, *pid))
			if p.name == tokenName { // the controls right after mockas: the same machine state
				for _, b := range bares {
					t := p.mockas
					t.url = b.url + "/oauth/token"
					res["bare/"+b.name] = append(res["bare/"+b.name], load(t, *conc, *dur, b.pid))
				}
			}
			if *anchorURL != "" {
				res[p.name+"/anchor"] = append(res[p.name+"/anchor"], load(p.anchor, *conc, *dur, *anchorPid))
			}
		}
		rate, cpu := signRate(*dur)
		signRates, signCPUs = append(signRates, rate), append(signCPUs, cpu)
		fmt.Fprintf(os.Stderr, "loadgen: round %d of %d done\n", r+1, *rounds)
	}

	fmt.Printf("%d concurrent keep-alive clients, %s per phase, %d rounds interleaved; GOMAXPROCS %d, %d CPUs\n\n",
		*conc, *dur, *rounds, runtime.GOMAXPROCS(0), runtime.NumCPU())
	fmt.Println("| Endpoint | Server | req/s (best round) | p50 | p99 | errors |")
	fmt.Println("| --- | --- | --- | --- | --- | --- |")
	best := func(rs []result) result {
		return slices.MaxFunc(rs, func(a, b result) int { return int(a.rps - b.rps) })
	}
	for _, p := range pairs {
		for _, who := range []string{"mockas", "anchor"} {
			rs := res[p.name+"/"+who]
			if len(rs) == 0 {
				continue
			}
			b := best(rs)
			errs := 0
			for _, r := range rs {
				errs += r.errs
			}
			fmt.Printf("| %s | %s | %.0f | %s | %s | %d |\n", p.name, who, b.rps, ms(b.p50), ms(b.p99), errs)
		}
	}
	fmt.Println()
	if *anchorURL != "" {
		for _, p := range pairs {
			m, a := res[p.name+"/mockas"], res[p.name+"/anchor"]
			var ratios, p99 []string
			for i := range m {
				ratios = append(ratios, fmt.Sprintf("%.2fx", m[i].rps/a[i].rps))
				p99 = append(p99, fmt.Sprintf("%s vs %s", ms(m[i].p99), ms(a[i].p99)))
			}
			fmt.Printf("* %s, mockas/anchor req/s per round: %s; p99 mockas vs anchor: %s\n", p.name, strings.Join(ratios, ", "), strings.Join(p99, "; "))
		}
	}
	tok := res[pairs[2].name+"/mockas"]
	var tr []string
	for i := range tok {
		tr = append(tr, fmt.Sprintf("%.0f/%.0f = %.0f%%", tok[i].rps, signRates[i], 100*tok[i].rps/signRates[i]))
	}
	fmt.Printf("* mockas tokens/s over raw RS256 signatures/s on %d goroutines, per round: %s\n", runtime.GOMAXPROCS(0), strings.Join(tr, ", "))
	// The ratio above shares the machine with this load generator, which needs CPU too. The
	// ratio below is the token path's own efficiency: CPU time of one raw signature over the
	// CPU time mockas spent per token (parsing, authentication, claims, signing, response,
	// capture, logging, net/http), from /proc/PID/stat over the same phases.
	if *pid != 0 {
		var eff []string
		for i := range tok {
			if tok[i].all == 0 || tok[i].serverCPU == 0 {
				continue
			}
			per := tok[i].serverCPU / time.Duration(tok[i].all)
			eff = append(eff, fmt.Sprintf("%s / %s = %.0f%% (load generator: %.0f%% of %d CPUs)", ms(signCPUs[i]), ms(per),
				100*float64(signCPUs[i])/float64(per), 100*tok[i].selfCPU.Seconds()/dur.Seconds()/float64(runtime.NumCPU()), runtime.NumCPU()))
		}
		fmt.Printf("* CPU per raw RS256 signature over mockas CPU per token, per round: %s\n", strings.Join(eff, ", "))
	}
	for _, b := range bares {
		br := res["bare/"+b.name]
		var ratio, p99, cpu []string
		for i := range tok {
			ratio = append(ratio, fmt.Sprintf("%.0f/%.0f = %.0f%%", tok[i].rps, br[i].rps, 100*tok[i].rps/br[i].rps))
			p99 = append(p99, ms(br[i].p99))
			if br[i].all > 0 && br[i].serverCPU > 0 {
				cpu = append(cpu, ms(br[i].serverCPU/time.Duration(br[i].all)))
			}
		}
		fmt.Printf("* mockas tokens/s over the bare token server's (%s), per round: %s; bare p99: %s; bare CPU per token: %s\n",
			b.name, strings.Join(ratio, ", "), strings.Join(p99, ", "), strings.Join(cpu, ", "))
	}
	if *anchorPid != 0 {
		var per []string
		for _, r := range res[pairs[2].name+"/anchor"] {
			if r.all > 0 && r.serverCPU > 0 {
				per = append(per, ms(r.serverCPU/time.Duration(r.all)))
			}
		}
		fmt.Printf("* anchor CPU per token, per round: %s\n", strings.Join(per, ", "))
	}
	if *abuse {
		abuseCases(*mockasURL, *pid)
	}
}

// load runs conc workers against t for d and measures throughput and latency.
func load(t target, conc int, d time.Duration, pid int) result {
	tr := &http.Transport{MaxIdleConns: conc, MaxIdleConnsPerHost: conc, DisableCompression: true}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	warm := time.Now().Add(d / 10) // the first tenth warms connections up and is not counted
	var mu sync.Mutex
	var lat []time.Duration
	var errs, all atomic.Int64
	var wg sync.WaitGroup
	server0, self0 := cpuTime(pid), selfCPU()
	for range conc {
		wg.Go(func() {
			mine := make([]time.Duration, 0, 4096)
			for ctx.Err() == nil {
				start := time.Now()
				err := do(ctx, client, t)
				if ctx.Err() != nil {
					break
				}
				if err == nil {
					all.Add(1)
				}
				if start.Before(warm) {
					continue
				}
				if err != nil {
					errs.Add(1)
					continue
				}
				mine = append(mine, time.Since(start))
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		})
	}
	wg.Wait()
	slices.Sort(lat)
	r := result{reqs: len(lat), errs: int(errs.Load()), all: int(all.Load()), selfCPU: selfCPU() - self0}
	if pid != 0 {
		r.serverCPU = cpuTime(pid) - server0
	}
	if len(lat) > 0 {
		r.rps = float64(len(lat)) / (d - d/10).Seconds()
		r.p50, r.p99, r.max = lat[len(lat)/2], lat[len(lat)*99/100], lat[len(lat)-1]
	}
	return r
}

// do sends one request and reads the whole answer; a non-2xx is an error.
func do(ctx context.Context, c *http.Client, t target) error {
	var body io.Reader
	if t.body != "" {
		body = strings.NewReader(t.body)
	}
	req, err := http.NewRequestWithContext(ctx, t.method, t.url, body)
	if err != nil {
		return err
	}
	if t.contentType != "" {
		req.Header.Set("Content-Type", t.contentType)
	}
	if t.basic[0] != "" {
		req.SetBasicAuth(t.basic[0], t.basic[1])
	}
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("status %d", resp.StatusCode)
	}
	return nil
}

// signRate is RS256 signatures per second on GOMAXPROCS goroutines (2048-bit key with
// precomputed CRT values, as mockas signs), over a typical access token's signing input, and
// the CPU time one signature took.
func signRate(d time.Duration) (float64, time.Duration) {
	sign := rs256Signer()
	var n atomic.Int64
	cpu0 := selfCPU()
	deadline := time.Now().Add(d)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for time.Now().Before(deadline) {
				sign()
				n.Add(1)
			}
		})
	}
	wg.Wait()
	return float64(n.Load()) / d.Seconds(), (selfCPU() - cpu0) / time.Duration(max(n.Load(), 1))
}

// rs256Signer returns a function making one RS256 signature with a fresh 2048-bit key
// (precomputed CRT values, as mockas signs) over a typical access token's signing input; it
// returns the compact token.
func rs256Signer() func() string {
	priv, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	priv.Precompute()
	input := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"RS256","kid":"snk_10000000000000001","typ":"JWT"}`)) + "." +
		base64.RawURLEncoding.EncodeToString([]byte(`{"iss":"http://127.0.0.1:9501","aud":["res_10000000000000001"],"sub":"skc_10000000000000001","client_id":"skc_10000000000000001","jti":"tkn_10000000000000001","iat":1767225600,"nbf":1767225600,"exp":1767229200,"scope":"mcp:tools:weather","scopes":["mcp:tools:weather"],"oid":"org_10000000000000001"}`))
	return func() string {
		sum := sha256.Sum256([]byte(input))
		sig, err := rsa.SignPKCS1v15(nil, priv, crypto.SHA256, sum[:])
		if err != nil {
			panic(err)
		}
		return input + "." + base64.RawURLEncoding.EncodeToString(sig)
	}
}

// cpuTime is the user+system CPU time of process pid (Linux /proc/PID/stat, fields 14 and 15,
// in clock ticks of 1/100 s); 0 when pid is 0 or unreadable.
func cpuTime(pid int) time.Duration {
	if pid == 0 {
		return 0
	}
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0
	}
	// The command name (field 2) is in parentheses and may hold spaces: split after it.
	_, rest, ok := strings.Cut(string(b), ") ")
	if !ok {
		return 0
	}
	f := strings.Fields(rest) // f[0] is field 3
	if len(f) < 13 {
		return 0
	}
	u, _ := strconv.ParseInt(f[11], 10, 64)
	s, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(u+s) * 10 * time.Millisecond
}

// selfCPU is this process's user+system CPU time.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// abuseCases sends what took mockas to gigabytes before issue 11 and prints its VmRSS after
// each: 1,500 rejected 1 MiB token requests, 200 registrations with 1 MiB names, one full
// GET /_mockas/requests.
func abuseCases(base string, pid int) {
	client := &http.Client{Timeout: 30 * time.Second}
	big := strings.Repeat("a", 1<<20-64)
	fmt.Printf("\nAbuse cases (mockas VmRSS after each):\n\n")
	fmt.Printf("* at start: %s\n", rss(pid))
	send := func(n int, t target) (codes map[int]int) {
		codes = map[int]int{}
		for range n {
			req, _ := http.NewRequest(t.method, t.url, strings.NewReader(t.body))
			req.Header.Set("Content-Type", t.contentType)
			resp, err := client.Do(req)
			if err != nil {
				codes[0]++
				continue
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			codes[resp.StatusCode]++
		}
		return codes
	}
	codes := send(1500, target{method: "POST", url: base + "/oauth/token", contentType: "application/x-www-form-urlencoded",
		body: "grant_type=client_credentials&client_id=nobody&scope=" + big})
	fmt.Printf("* after 1,500 rejected 1 MiB token requests (statuses %v): %s\n", codes, rss(pid))
	codes = send(200, target{method: "POST", url: base + "/resource-server/oauth/register", contentType: "application/json",
		body: `{"grant_types":["client_credentials"],"client_name":"` + big + `"}`})
	fmt.Printf("* after 200 registrations with 1 MiB names (statuses %v): %s\n", codes, rss(pid))
	resp, err := client.Get(base + "/_mockas/requests")
	if err == nil {
		n, _ := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		fmt.Printf("* GET /_mockas/requests answered %d bytes; VmRSS %s\n", n, rss(pid))
	}
}

// rss reads VmRSS of pid from /proc (Linux).
func rss(pid int) string {
	if pid == 0 {
		return "(no -mockas-pid)"
	}
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return "(" + errors.Unwrap(err).Error() + ")"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
			return fmt.Sprintf("%.1f MB", float64(kb)/1024)
		}
	}
	return "(no VmRSS)"
}

// ms prints d in milliseconds with two decimals.
func ms(d time.Duration) string { return strconv.FormatFloat(float64(d)/1e6, 'f', 2, 64) + " ms" }
