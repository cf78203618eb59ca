package authentik

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sort"
	"strings"
)

// ErrNotFound is wrapped by errors for objects authentik does not have.
var ErrNotFound = errors.New("not found")

// APIError is a response authentik refused, with its status and the
// messages it gave (field-keyed 400 bodies are flattened to "field: msg").
type APIError struct {
	Status   int
	Messages []string
	// NotAPI is the content type of an answer that is not authentik's
	// JSON (a web server's HTML error page): the URL is wrong, and the
	// page itself says nothing useful.
	NotAPI string
}

func (e *APIError) Error() string {
	switch {
	case e.NotAPI != "":
		return fmt.Sprintf("the server answered HTTP %d with %s, not authentik's JSON API: check that AUTHENTIK_URL is authentik's address", e.Status, e.NotAPI)
	case e.Status == http.StatusForbidden:
		return "authentik refused the token: " + strings.Join(e.Messages, "; ")
	case len(e.Messages) == 0:
		return fmt.Sprintf("authentik answered HTTP %d", e.Status)
	default:
		return fmt.Sprintf("authentik answered HTTP %d: %s", e.Status, strings.Join(e.Messages, "; "))
	}
}

func (e *APIError) Unwrap() error {
	if e.Status == http.StatusNotFound {
		return ErrNotFound
	}
	return nil
}

// wrap turns a generated-client error into one sentence that says what was
// being done, and never includes the token or a raw dump.
func (c *Client) wrap(doing string, resp *http.Response, err error) error {
	if errors.Is(err, context.Canceled) {
		return fmt.Errorf("%s: %w", doing, err)
	}
	var tooLarge *bodyTooLarge
	if errors.As(err, &tooLarge) {
		return fmt.Errorf("%s: %s", doing, tooLarge.Error())
	}
	if resp == nil && isTimeout(err) {
		// A request over --timeout (http.Client's timeout wraps
		// context.DeadlineExceeded since Go 1.23): one sentence, no URL dump.
		return fmt.Errorf("%s: %s", doing, c.transportMessage(err))
	}
	// The generated client's errors and raw requests' (entries.go) both
	// carry authentik's answer.
	var apiErr interface{ Body() []byte }
	var body []byte
	if errors.As(err, &apiErr) {
		body = apiErr.Body()
	}
	if se := c.schemeMismatch(resp, err, body); se != nil {
		return se
	}
	if resp != nil && resp.StatusCode >= 300 && errors.As(err, &apiErr) {
		if ct := notJSON(resp, body); ct != "" {
			return fmt.Errorf("%s: %w", doing, &APIError{Status: resp.StatusCode, NotAPI: ct})
		}
		return fmt.Errorf("%s: %w", doing, &APIError{Status: resp.StatusCode, Messages: bodyMessages(body)})
	}
	if resp != nil && resp.StatusCode < 300 {
		// The request worked but the body did not decode.
		return fmt.Errorf("%s: authentik's answer could not be read: %s", doing, c.redact(err.Error()))
	}
	return fmt.Errorf("%s: %s", doing, c.transportMessage(err))
}

// transportMessage explains a failure to talk to authentik at all.
func (c *Client) transportMessage(err error) string {
	var dnsErr *net.DNSError
	var opErr *net.OpError
	var unknownAuth x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var certErr *tls.CertificateVerificationError
	var recordErr tls.RecordHeaderError
	switch {
	case errors.As(err, &dnsErr):
		return fmt.Sprintf("cannot resolve authentik's host %q (check the URL)", dnsErr.Name)
	case errors.As(err, &unknownAuth), errors.As(err, &hostErr), errors.As(err, &certErr):
		return fmt.Sprintf("TLS verification of %s failed (%s); trust the CA that signed its certificate with --ca-file PATH (or AUTHENTIK_CA_FILE), or fix the URL", c.baseURL, tlsReason(err))
	case errors.As(err, &recordErr):
		return fmt.Sprintf("%s did not answer TLS; is it plain http?", c.baseURL)
	case errors.As(err, &opErr) && opErr.Op == "dial":
		return fmt.Sprintf("cannot reach authentik at %s (%s)", c.baseURL, causeText(opErr.Err))
	case isTimeout(err):
		return fmt.Sprintf("authentik at %s did not answer in time (each request may take up to --timeout, default %s)", c.baseURL, DefaultTimeout)
	}
	return fmt.Sprintf("request to authentik at %s failed: %s", c.baseURL, c.redact(causeText(err)))
}

func tlsReason(err error) string {
	var unknownAuth x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	switch {
	case errors.As(err, &unknownAuth):
		return "certificate signed by an unknown authority"
	case errors.As(err, &hostErr):
		return "certificate is not valid for this host name"
	}
	return "certificate not trusted"
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// causeText is the innermost message, without Go's URL/op prefixes.
func causeText(err error) string {
	for {
		u := errors.Unwrap(err)
		if u == nil {
			return err.Error()
		}
		err = u
	}
}

func (c *Client) redact(s string) string {
	if c.token == "" {
		return s
	}
	return strings.ReplaceAll(s, c.token, "(token)")
}

// bodyMessages flattens authentik's error body: {"detail": "..."},
// {"field": ["msg", ...]}, {"non_field_errors": [...]}, or per-item lists.
func bodyMessages(body []byte) []string {
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		s := strings.TrimSpace(string(body))
		if len(s) > 200 {
			s = s[:200] + "..."
		}
		if s == "" {
			return nil
		}
		return []string{s}
	}
	var out []string
	flatten("", v, &out)
	sort.Strings(out)
	return out
}

func flatten(prefix string, v any, out *[]string) {
	switch t := v.(type) {
	case map[string]any:
		for k, sub := range t {
			p := k
			if k == "detail" || k == "non_field_errors" {
				p = prefix
			} else if prefix != "" {
				p = prefix + "." + k
			}
			flatten(p, sub, out)
		}
	case []any:
		for i, sub := range t {
			if _, isMap := sub.(map[string]any); isMap {
				flatten(fmt.Sprintf("%s[%d]", prefix, i), sub, out)
				continue
			}
			flatten(prefix, sub, out)
		}
	case string:
		if prefix == "" {
			*out = append(*out, t)
		} else {
			*out = append(*out, prefix+": "+t)
		}
	}
}

// notJSON returns the content type of an answer that is neither declared
// nor shaped as JSON ("text/html"), or "" for a JSON one or an empty body.
func notJSON(resp *http.Response, body []byte) string {
	ct := resp.Header.Get("Content-Type")
	mt, _, _ := strings.Cut(ct, ";")
	mt = strings.TrimSpace(strings.ToLower(mt))
	if strings.HasSuffix(mt, "json") || len(strings.TrimSpace(string(body))) == 0 || json.Valid(body) {
		return ""
	}
	if mt == "" {
		return "a body that is not JSON"
	}
	return sanitizeType(mt)
}

// sanitizeType keeps a media type printable: it comes from the server.
func sanitizeType(mt string) string {
	if len(mt) > 60 {
		mt = mt[:60]
	}
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r > 0x7e {
			return '?'
		}
		return r
	}, mt)
}
