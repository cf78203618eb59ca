package authentik

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"
)

// WaitPoll is the pause between WaitReady's readiness probes.
const WaitPoll = time.Second

// DefaultTimeout bounds each request unless Config.Timeout says otherwise.
const DefaultTimeout = 30 * time.Second

// DefaultHTTPClient builds the client New uses when Config.HTTPClient is
// nil: Timeout, and the CAs of CAPEM or Insecure. A caller wrapping the
// transport (to count requests) starts from it.
func DefaultHTTPClient(cfg Config) (*http.Client, error) {
	timeout := cfg.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	hc := &http.Client{Timeout: timeout}
	if len(cfg.CAPEM) == 0 && !cfg.Insecure {
		return hc, nil
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	if cfg.Insecure {
		tr.TLSClientConfig.InsecureSkipVerify = true //nolint:gosec // AUTHENTIK_INSECURE, warned about on every run
	} else {
		pool, err := x509.SystemCertPool()
		if err != nil || pool == nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(cfg.CAPEM) {
			return nil, errors.New("the CA file holds no PEM certificate (expected -----BEGIN CERTIFICATE-----)")
		}
		tr.TLSClientConfig.RootCAs = pool
	}
	hc.Transport = tr
	return hc, nil
}

// WaitReady waits up to d for authentik to answer: its root config (no
// token needed), then the token's user (the token accepted). It polls every
// second and writes one progress line per failed try to progress.
func (c *Client) WaitReady(ctx context.Context, d time.Duration, progress io.Writer) error {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	start := c.clock.Now()
	for try := 1; ; try++ {
		err := c.ready(ctx)
		if err == nil {
			if try > 1 {
				fmt.Fprintf(progress, "authentik at %s is ready (after %s).\n", c.baseURL, c.clock.Now().Sub(start).Round(time.Second))
			}
			return nil
		}
		var perm permanentError
		if errors.As(err, &perm) {
			return perm.error
		}
		left := start.Add(d).Sub(c.clock.Now()).Round(time.Second)
		if left <= 0 || ctx.Err() != nil {
			if parent := context.Cause(ctx); errors.Is(parent, context.Canceled) {
				return fmt.Errorf("waiting for authentik: %w", context.Canceled)
			}
			return fmt.Errorf("authentik at %s was not ready within %s: %w", c.baseURL, d, err)
		}
		fmt.Fprintf(progress, "waiting for authentik at %s (%s left): %v\n", c.baseURL, left, err)
		_ = c.sleep(ctx, WaitPoll) // a cancelled ctx ends the wait above
	}
}

// permanentError is a readiness failure waiting cannot fix (an unknown
// host, an untrusted certificate).
type permanentError struct{ error }

func (c *Client) ready(ctx context.Context) error {
	if _, resp, err := c.api.RootApi.RootConfigRetrieve(ctx).Execute(); err != nil {
		if resp == nil && permanent(err) {
			return permanentError{c.wrap("read authentik's root config", resp, err)}
		}
		return c.wrap("read authentik's root config", resp, err)
	}
	if _, err := c.Whoami(ctx); err != nil {
		return err
	}
	return nil
}
