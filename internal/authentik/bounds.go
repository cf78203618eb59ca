package authentik

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/url"
	"reflect"
	"strings"
)

// A hostile or broken server must not crash or exhaust the CLI: every
// answer is bounded in size, a list in pages, and the client in requests
// in flight; a malformed answer is one sentence (exit 1), never a panic.
const (
	// MaxBody is the largest answer read: authentik's pages (100 objects)
	// are far smaller, so a larger one is an endless or hostile body.
	MaxBody = 32 << 20
	// MaxPages is the most pages one list may have: 100,000 objects of a
	// kind, ten times the largest instance the performance tests run.
	MaxPages = 1000
	// pagesInFlight bounds the pages of one list fetched at once, and
	// requestsInFlight the requests of the whole client.
	pagesInFlight    = 8
	requestsInFlight = 16
)

// boundTransport caps the requests in flight and the size of every body.
type boundTransport struct {
	next  http.RoundTripper
	slots chan struct{}
}

func newBoundTransport(next http.RoundTripper) *boundTransport {
	if next == nil {
		next = http.DefaultTransport
	}
	return &boundTransport{next: next, slots: make(chan struct{}, requestsInFlight)}
}

func (t *boundTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	select {
	case t.slots <- struct{}{}:
	case <-req.Context().Done():
		return nil, req.Context().Err()
	}
	resp, err := t.next.RoundTrip(req)
	<-t.slots
	if resp != nil && resp.Body != nil {
		resp.Body = &cappedBody{rc: resp.Body, left: MaxBody, what: req.Method + " " + req.URL.Path}
	}
	return resp, err
}

// cappedBody fails a read past MaxBody.
type cappedBody struct {
	rc   io.ReadCloser
	left int64
	what string
}

// ErrBodyTooLarge is returned by a read past MaxBody.
var ErrBodyTooLarge = errors.New("answer too large")

type bodyTooLarge struct{ what string }

func (e *bodyTooLarge) Error() string {
	return fmt.Sprintf("authentik's answer to %s is larger than %d MB, more than provision reads; is AUTHENTIK_URL authentik?", e.what, MaxBody>>20)
}
func (e *bodyTooLarge) Unwrap() error { return ErrBodyTooLarge }

func (b *cappedBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		// One more byte tells a body of exactly MaxBody from a longer one.
		var one [1]byte
		if n, _ := b.rc.Read(one[:]); n > 0 {
			return 0, &bodyTooLarge{b.what}
		}
		return b.rc.Read(p[:0])
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.rc.Read(p)
	b.left -= int64(n)
	return n, err
}

func (b *cappedBody) Close() error { return b.rc.Close() }

// pageCount checks a list's total_pages: a whole number from 1 to
// MaxPages (0 for an empty list). Anything else is a malformed answer.
func pageCount(total float64, doing string) (int, error) {
	switch {
	case total != math.Trunc(total) || total < 0:
		return 0, fmt.Errorf("%s: authentik's answer is malformed: total_pages is %v, not a page count", doing, total)
	case total > MaxPages:
		return 0, fmt.Errorf("%s: authentik says there are %.0f pages, more than the %d provision reads (%d objects); is AUTHENTIK_URL authentik?", doing, total, MaxPages, MaxPages*pageSize)
	}
	return int(total), nil
}

// origin is a URL's scheme, host and port (the default port spelt out).
func origin(u *url.URL) string {
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[u.Scheme]
	}
	return strings.ToLower(u.Scheme) + "://" + strings.ToLower(u.Hostname()) + ":" + port
}

// keepTokenInOrigin is the client's CheckRedirect: a redirect keeps the
// Authorization header (the token) only within the origin of the first
// request (scheme, host and port). Go's own rule keeps it for another port
// of the same host, and from https to http (in plaintext).
func keepTokenInOrigin(req *http.Request, via []*http.Request) error {
	if len(via) >= 10 {
		return errors.New("stopped after 10 redirects")
	}
	if origin(req.URL) != origin(via[0].URL) {
		req.Header.Del("Authorization")
	}
	return nil
}

// PlainHTTPRemote reports whether raw is a plain http URL to a host other
// than this machine (the token would cross a network unencrypted).
func PlainHTTPRemote(raw string) bool {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Scheme != "http" {
		return false
	}
	host := u.Hostname()
	if strings.EqualFold(host, "localhost") || strings.HasSuffix(strings.ToLower(host), ".localhost") {
		return false
	}
	ip := net.ParseIP(host)
	return ip == nil || !ip.IsLoopback()
}

// jsonReason says in JSON's terms (never Go's) why an answer did not
// decode.
func jsonReason(err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Sprintf("not JSON at byte %d", syn.Offset)
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			field = "the answer"
		}
		return fmt.Sprintf("%s is a JSON %s where %s belongs", field, typ.Value, jsonKind(typ.Type))
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "it ends early"
	}
	return "not JSON"
}

func jsonKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Float32, reflect.Float64, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a number"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Slice, reflect.Array:
		return "a list"
	}
	return "an object"
}
