package authentik

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"net/http"
	"strconv"
	"time"
)

// retryTransport retries safe requests (GET, HEAD) that failed in a way a
// second try can fix: a dropped connection, 429, 500, 502, 503 or 504
// (a GET changes nothing, so a 500 from a worker that was restarting is
// worth a second try). Writes are not retried here: a POST whose answer
// was lost may have been applied; the executor retries them after checking
// (ambiguous.go).
type retryTransport struct {
	next     http.RoundTripper
	stats    *retryStats
	attempts int
	backoff  time.Duration // doubled after each try
	sleep    func(context.Context, time.Duration) error
}

func newRetryTransport(next http.RoundTripper, stats *retryStats, backoff time.Duration, sleep func(context.Context, time.Duration) error) *retryTransport {
	if next == nil {
		next = http.DefaultTransport
	}
	return &retryTransport{next: next, stats: stats, attempts: 4, backoff: backoff, sleep: sleep}
}

func (t *retryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method != http.MethodGet && req.Method != http.MethodHead {
		return t.next.RoundTrip(req)
	}
	wait := t.backoff
	for attempt := 1; ; attempt++ {
		resp, err := t.next.RoundTrip(req)
		if attempt >= t.attempts || !retryable(resp, err) || req.Context().Err() != nil {
			return resp, err
		}
		if resp != nil {
			if after := retryAfter(resp); after > 0 {
				wait = after
			}
			resp.Body.Close()
		}
		if err := t.sleep(req.Context(), wait); err != nil {
			return nil, err
		}
		if t.stats != nil {
			t.stats.reads.Add(1)
		}
		wait *= 2
	}
}

func retryable(resp *http.Response, err error) bool {
	if err != nil {
		return !permanent(err)
	}
	switch resp.StatusCode {
	case http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// permanent reports transport errors a retry cannot fix: an unknown host
// or a certificate that does not verify.
func permanent(err error) bool {
	var dnsErr *net.DNSError
	var unknownAuth x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var certErr *tls.CertificateVerificationError
	return (errors.As(err, &dnsErr) && dnsErr.IsNotFound) ||
		errors.As(err, &unknownAuth) || errors.As(err, &hostErr) || errors.As(err, &certErr)
}

// retryAfter reads a Retry-After of whole seconds, capped at 10s.
func retryAfter(resp *http.Response) time.Duration {
	s, err := strconv.Atoi(resp.Header.Get("Retry-After"))
	if err != nil || s <= 0 {
		return 0
	}
	return min(time.Duration(s)*time.Second, 10*time.Second)
}
