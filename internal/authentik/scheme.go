package authentik

import (
	"crypto/tls"
	"errors"
	"net/http"
	"net/url"
	"strings"
)

// SchemeMismatchError is a URL whose scheme the server does not speak:
// https:// to a plain-http server, or http:// to a TLS one. Every request
// fails the same way, so it names no list or object.
type SchemeMismatchError struct {
	URL    string // the URL as configured
	Speaks string // "http" or "https"
}

func (e *SchemeMismatchError) Error() string {
	u, err := url.Parse(e.URL)
	fixed := e.URL
	if err == nil {
		u.Scheme = e.Speaks
		fixed = u.String()
	}
	return "cannot talk to authentik at " + e.URL + ": the server speaks " + e.Speaks + "; use " + fixed
}

// schemeMismatch recognises either mismatch from a failed request: a TLS
// handshake answered in plain HTTP, or the 400 a TLS server (Go's, nginx's)
// gives a plain-HTTP request.
func (c *Client) schemeMismatch(resp *http.Response, err error, body []byte) error {
	var recordErr tls.RecordHeaderError
	// net/http turns the handshake's record error into a plain error
	// with this text when the answer starts "HTTP/".
	if err != nil && (errors.As(err, &recordErr) || strings.Contains(err.Error(), "server gave HTTP response to HTTPS client")) && strings.HasPrefix(c.baseURL, "https://") {
		return &SchemeMismatchError{URL: c.baseURL, Speaks: "http"}
	}
	if resp != nil && resp.StatusCode == http.StatusBadRequest && strings.HasPrefix(c.baseURL, "http://") {
		s := string(body)
		if strings.Contains(s, "Client sent an HTTP request to an HTTPS server") || strings.Contains(s, "plain HTTP request was sent to HTTPS port") {
			return &SchemeMismatchError{URL: c.baseURL, Speaks: "https"}
		}
	}
	return nil
}
