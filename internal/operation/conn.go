package operation

import (
	"context"
	"crypto/x509"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/provision/provision/internal/authentik"
)

// Conn says how to reach authentik: its fields first, then the
// environment (AUTHENTIK_URL, AUTHENTIK_TOKEN, AUTHENTIK_CA_FILE,
// AUTHENTIK_INSECURE).
type Conn struct {
	URL       string
	TokenFile string
	CAFile    string
	// Timeout is the time limit of each request.
	Timeout time.Duration
	// Wait waits up to this long for authentik to answer (root config,
	// then the token accepted), with progress on Deps.Log.
	Wait time.Duration
	// CountRequests counts each change's requests (apply -o json).
	CountRequests bool
}

// Connect builds the API client. The token is read from TokenFile or
// AUTHENTIK_TOKEN; it is never a flag value, so it stays out of shell
// history and process lists.
func Connect(ctx context.Context, d Deps, f Conn) (*authentik.Client, error) {
	url := f.URL
	if url == "" {
		url = d.Getenv("AUTHENTIK_URL")
	}
	d.secretURL(url)
	if authentik.PlainHTTPRemote(url) {
		fmt.Fprintln(d.log(), "Warning: AUTHENTIK_URL is plain http to a host other than this machine: the API token crosses the network unencrypted; use https.")
	}
	token := d.Getenv("AUTHENTIK_TOKEN")
	d.Secret(token)
	if f.TokenFile != "" {
		b, err := os.ReadFile(f.TokenFile)
		if err != nil {
			return nil, fmt.Errorf("read token file: %w", err)
		}
		token = strings.TrimSpace(string(b))
		d.Secret(token)
		if token == "" {
			return nil, fmt.Errorf("token file %s is empty", f.TokenFile)
		}
	}
	cfg := authentik.Config{URL: url, Token: token, UserAgent: d.UserAgent, OnSecret: d.Secret,
		RetryBackoff: d.RetryBackoff, Clock: d.Clock}
	if err := f.configure(&cfg, d); err != nil {
		return nil, err
	}
	if d.HTTPClient != nil {
		hc, err := d.HTTPClient(cfg)
		if err != nil {
			return nil, err
		}
		cfg.HTTPClient = hc
	}
	if f.CountRequests {
		cfg.HTTPClient = wrapTransport(cfg, func(next http.RoundTripper) http.RoundTripper { return countingTransport{next: next} })
	}
	if d.Debug != nil && d.Debug() {
		log := d.log()
		cfg.HTTPClient = wrapTransport(cfg, func(next http.RoundTripper) http.RoundTripper {
			return &debugTransport{next: next, out: log, attempts: map[*http.Request]int{}}
		})
	}
	c, err := authentik.New(cfg)
	if err != nil {
		return nil, err
	}
	if f.Wait <= 0 {
		return c, nil
	}
	return c, c.WaitReady(ctx, f.Wait, d.log())
}

// secretURL registers the password of a URL's userinfo.
func (d Deps) secretURL(raw string) {
	if d.Redactor == nil {
		return
	}
	d.Redactor.AddURL(raw)
	if u, err := url.Parse(raw); err == nil && u.User != nil {
		if pw, ok := u.User.Password(); ok {
			d.Redactor.Add(pw, url.QueryEscape(pw))
		}
	}
}

// configure sets trust and timeout: CAFile or AUTHENTIK_CA_FILE, and
// AUTHENTIK_INSECURE=true, which is warned about on every run.
func (f Conn) configure(cfg *authentik.Config, d Deps) error {
	if f.Timeout <= 0 {
		return &UsageError{fmt.Errorf("--timeout must be positive, got %s", f.Timeout)}
	}
	cfg.Timeout = f.Timeout
	caFile := f.CAFile
	if caFile == "" {
		caFile = d.Getenv("AUTHENTIK_CA_FILE")
	}
	if v := d.Getenv("AUTHENTIK_INSECURE"); v != "" {
		insecure, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("AUTHENTIK_INSECURE=%q is not true or false", v)
		}
		if insecure {
			cfg.Insecure = true
			fmt.Fprintln(d.log(), "Warning: AUTHENTIK_INSECURE=true: authentik's TLS certificate is not verified; anyone on the path can read the API token. Use --ca-file instead.")
			return nil
		}
	}
	if caFile == "" {
		return nil
	}
	pem, err := os.ReadFile(caFile)
	if err != nil {
		return fmt.Errorf("read the CA file: %w", err)
	}
	if !x509.NewCertPool().AppendCertsFromPEM(pem) {
		return fmt.Errorf("CA file %s holds no PEM certificate (expected -----BEGIN CERTIFICATE-----)", caFile)
	}
	cfg.CAPEM = pem
	return nil
}

// wrapTransport returns cfg's HTTP client (the one authentik.New would
// build when nil: timeout, CAs) with its transport wrapped.
func wrapTransport(cfg authentik.Config, wrap func(http.RoundTripper) http.RoundTripper) *http.Client {
	hc := cfg.HTTPClient
	if hc == nil {
		var err error
		if hc, err = authentik.DefaultHTTPClient(cfg); err != nil {
			return nil // authentik.New reports the same error
		}
	}
	copied := *hc
	copied.Transport = wrap(hc.Transport)
	return &copied
}

// debugTransport writes one line per request: method, path with query,
// status (or the transport error), duration, and which attempt it was. It
// never writes a header (the token is one) or a body (secrets are in
// them); the line goes through the run's redactor like all stderr. It
// sits under the client's read retries, so each attempt is a line of its
// own.
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
