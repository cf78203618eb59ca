package contract

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
)

// Middleware returns a handler that serves next and reports every contract
// violation to report (which must be safe for concurrent use). Traffic is
// never altered: responses are buffered, checked, then written unchanged.
//
// Only paths below /api/v3/ are checked. The rules, chosen so that an
// emulator may deliberately answer bad input the way authentik does:
//   - a request for a route the schema lacks is reported only if answered
//     with a status < 400;
//   - a request that breaks the contract (body, parameters) is reported only
//     if answered with 2xx, i.e. the server accepted it;
//   - a response is checked against the operation's declaration of its
//     status; statuses the operation does not declare (404, 405, ...) pass;
//   - a handler that hijacks the connection, or sends less body than its
//     Content-Length promises (a simulated truncation), is not checked.
func (v *Validator) Middleware(next http.Handler, report func(Violation)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, BasePath+"/") {
			next.ServeHTTP(w, r)
			return
		}
		reqBody, err := readBody(r)
		if err != nil {
			// Cannot check what could not be read; let the handler see the failure.
			next.ServeHTTP(w, r)
			return
		}
		rec := &recorder{w: w, header: make(http.Header)}
		defer func() {
			if p := recover(); p != nil {
				// E.g. http.ErrAbortHandler: send what was written, then abort as the handler meant to.
				rec.flush()
				panic(p)
			}
		}()
		next.ServeHTTP(rec, r)
		if rec.hijacked {
			return
		}
		for _, viol := range v.check(r, reqBody, rec) {
			report(viol)
		}
		rec.flush()
	})
}

// check returns the violations of one exchange.
func (v *Validator) check(r *http.Request, reqBody []byte, rec *recorder) []Violation {
	status := rec.statusCode()
	base := Violation{Method: r.Method, Path: r.URL.Path, Status: status}

	rr := routingRequest(r)
	route, params, err := v.router.FindRoute(rr)
	if err == nil && !exactMatch(route.Path, rr.URL.Path) {
		err = errors.New("no such operation (path differs from " + BasePath + route.Path + ")")
	}
	if err != nil {
		if status >= 400 {
			return nil
		}
		base.Kind = KindRequest
		var re *routers.RouteError
		if errors.As(err, &re) {
			err = fmt.Errorf("no such operation (%s)", re.Reason)
		}
		base.Err = err
		return []Violation{base}
	}
	base.Operation = route.Operation.OperationID

	reqInput := &openapi3filter.RequestValidationInput{
		Request:    r.Clone(r.Context()),
		PathParams: params,
		Route:      route,
		Options: &openapi3filter.Options{
			AuthenticationFunc:      openapi3filter.NoopAuthenticationFunc,
			SkipSettingDefaults:     true,
			MultiError:              true,
			SchemaValidationOptions: v.formats,
		},
	}
	reqInput.Request.Body = io.NopCloser(bytes.NewReader(reqBody))

	var out []Violation
	if status >= 200 && status < 300 {
		if err := openapi3filter.ValidateRequest(r.Context(), reqInput); err != nil {
			viol := base
			viol.Kind, viol.Err = KindRequest, err
			out = append(out, viol)
		}
	}

	if rec.truncated() {
		return out
	}
	respInput := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: reqInput,
		Status:                 status,
		Header:                 rec.header,
		Options: &openapi3filter.Options{
			MultiError:              true,
			SchemaValidationOptions: v.formats,
			// kin-openapi decodes only JSON-like bodies; a file the schema
			// declares (application/xml metadata, PEM downloads) is checked
			// for its Content-Type only.
			ExcludeResponseBody: !isJSON(rec.header.Get("Content-Type")),
		},
	}
	respInput.SetBodyBytes(rec.body.Bytes())
	// An answer byte-identical to one already found valid for the same
	// operation and status is valid: validation is a pure function of
	// them. Every test's fresh install answers its lists alike, and
	// validating each again was a sixth of the e2e suite's CPU.
	sum := sha256.New()
	fmt.Fprintf(sum, "%s\x00%d\x00%s\x00", route.Operation.OperationID, status, rec.header.Get("Content-Type"))
	sum.Write(rec.body.Bytes())
	key := string(sum.Sum(nil))
	if _, ok := v.valid.Load(key); ok {
		return out
	}
	if err := openapi3filter.ValidateResponse(r.Context(), respInput); err != nil {
		viol := base
		viol.Kind, viol.Err = KindResponse, err
		out = append(out, viol)
	} else {
		v.valid.Store(key, struct{}{})
	}
	return out
}

// readBody reads r's body and replaces it with an in-memory copy.
func readBody(r *http.Request) ([]byte, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return nil, nil
	}
	b, err := io.ReadAll(r.Body)
	r.Body.Close()
	r.Body = io.NopCloser(io.MultiReader(bytes.NewReader(b), errReader{err}))
	if err != nil {
		return nil, fmt.Errorf("contract: reading request body: %w", err)
	}
	return b, nil
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	return 0, io.EOF
}

// routingRequest is a shallow copy of r whose path is relative to BasePath,
// as the document's paths are.
func routingRequest(r *http.Request) *http.Request {
	u := *r.URL
	u.Path = strings.TrimPrefix(u.Path, BasePath)
	u.RawPath = ""
	rr := *r
	rr.URL = &u
	return &rr
}

// exactMatch reports whether path matches the template segment by segment,
// every {param} matching one non-empty segment. The legacy router is lenient
// about trailing and empty segments ("/core/applications" finds the list
// operation, PUT "/core/applications/" finds the update of {slug} ""), which
// authentik is not.
func exactMatch(template, path string) bool {
	ts, ps := strings.Split(template, "/"), strings.Split(path, "/")
	if len(ts) != len(ps) {
		return false
	}
	for i, t := range ts {
		if strings.HasPrefix(t, "{") && strings.HasSuffix(t, "}") {
			if ps[i] == "" {
				return false
			}
		} else if t != ps[i] {
			return false
		}
	}
	return true
}

// recorder buffers a response so it can be checked before it is sent.
type recorder struct {
	w           http.ResponseWriter
	header      http.Header
	status      int
	body        bytes.Buffer
	wroteHeader bool
	hijacked    bool
	flushed     bool
}

func (rec *recorder) Header() http.Header { return rec.header }

func (rec *recorder) WriteHeader(code int) {
	if code < 200 { // informational: not part of the checked response
		rec.w.WriteHeader(code)
		return
	}
	if rec.wroteHeader {
		return
	}
	rec.status, rec.wroteHeader = code, true
}

func (rec *recorder) Write(b []byte) (int, error) {
	if !rec.wroteHeader {
		rec.WriteHeader(http.StatusOK)
	}
	return rec.body.Write(b)
}

// Flush is accepted and ignored: the body is sent once it is complete.
func (rec *recorder) Flush() {}

// Hijack sends what was written so far (as net/http does) and hands over
// the underlying connection; the exchange is then not checked.
func (rec *recorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	hj, ok := rec.w.(http.Hijacker)
	if !ok {
		return nil, nil, errors.New("contract: underlying ResponseWriter cannot hijack")
	}
	if rec.wroteHeader {
		rec.flush()
		if f, ok := rec.w.(http.Flusher); ok {
			f.Flush()
		}
	}
	conn, brw, err := hj.Hijack()
	if err == nil {
		rec.hijacked = true
	}
	return conn, brw, err
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (rec *recorder) Unwrap() http.ResponseWriter { return rec.w }

func (rec *recorder) statusCode() int {
	if rec.status == 0 {
		return http.StatusOK
	}
	return rec.status
}

// truncated reports whether fewer body bytes were written than the
// Content-Length header announced.
func (rec *recorder) truncated() bool {
	n, err := strconv.Atoi(rec.header.Get("Content-Length"))
	return err == nil && n > rec.body.Len()
}

// flush writes the buffered response to the underlying writer, once.
func (rec *recorder) flush() {
	if rec.flushed {
		return
	}
	rec.flushed = true
	h := rec.w.Header()
	for k, vs := range rec.header {
		h[k] = vs
	}
	if !rec.wroteHeader {
		return // nothing written: net/http sends its implicit 200
	}
	rec.w.WriteHeader(rec.status)
	_, _ = rec.w.Write(rec.body.Bytes())
}

// isJSON says whether a Content-Type is JSON (or absent, as for 204).
func isJSON(contentType string) bool {
	mt, _, _ := strings.Cut(contentType, ";")
	mt = strings.TrimSpace(mt)
	return mt == "" || mt == "application/json" || strings.HasSuffix(mt, "+json")
}
