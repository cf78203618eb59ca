package main

import (
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/provision/provision/internal/authentik"
)

// debugEnabled reports --debug or PROVISION_DEBUG set to a true value.
func (s IOStreams) debugEnabled() bool {
	if s.debug != nil && *s.debug {
		return true
	}
	on, _ := strconv.ParseBool(s.Getenv("PROVISION_DEBUG"))
	return on
}

// debugClient returns cfg's HTTP client logging every request to stderr
// when debugging is on, else cfg.HTTPClient unchanged. It sits under the
// client's read retries, so each attempt is a line of its own.
func debugClient(cfg authentik.Config, streams IOStreams) *http.Client {
	if !streams.debugEnabled() {
		return cfg.HTTPClient
	}
	hc := cfg.HTTPClient
	if hc == nil {
		var err error
		if hc, err = authentik.DefaultHTTPClient(cfg); err != nil {
			return nil // authentik.New reports the same error
		}
	}
	copied := *hc
	copied.Transport = &debugTransport{next: hc.Transport, out: streams.ErrOut, attempts: map[*http.Request]int{}}
	return &copied
}

// debugTransport writes one line per request: method, path with query,
// status (or the transport error), duration, and which attempt it was. It
// never writes a header (the token is one) or a body (secrets are in
// them); the line goes through the run's redactor like all stderr.
type debugTransport struct {
	next     http.RoundTripper
	out      io.Writer
	mu       sync.Mutex
	attempts map[*http.Request]int // a read retried is the same request
}

func (t *debugTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	t.mu.Lock()
	t.attempts[req]++
	attempt := t.attempts[req]
	t.mu.Unlock()
	next := t.next
	if next == nil {
		next = http.DefaultTransport
	}
	start := time.Now()
	resp, err := next.RoundTrip(req)
	took := time.Since(start).Round(time.Millisecond)
	result := ""
	if err != nil {
		result = "failed: " + err.Error()
	} else {
		result = resp.Status
	}
	note := ""
	switch {
	case attempt > 1:
		note = fmt.Sprintf(" (attempt %d)", attempt)
	case authentik.IsRetry(req.Context()):
		note = " (write sent again)"
	}
	fmt.Fprintf(t.out, "debug: %s %s -> %s in %s%s\n", req.Method, req.URL.RequestURI(), result, took, note)
	return resp, err
}
