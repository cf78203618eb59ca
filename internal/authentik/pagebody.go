package authentik

import (
	"bytes"
	"io"
	"net/http"
	"sync"
)

// pageBodyKey marks a list request whose body fetchPage decodes itself;
// its value is the *pageBody that receives the body.
type pageBodyKey struct{}

type pageBody struct {
	body  []byte
	taken bool
}

// emptyPage is what the generated client is given to decode instead of a
// list page fetchPage decodes itself: at 10,000 objects, decoding every
// page twice was a third of a plan's CPU.
const emptyPage = `{"results":[]}`

// pageBodyTransport takes the body of a successful list response marked
// with pageBodyKey, leaving the generated client an empty page. Any other
// response, an error's included, passes through untouched.
type pageBodyTransport struct{ next http.RoundTripper }

func (t *pageBodyTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	held, _ := req.Context().Value(pageBodyKey{}).(*pageBody)
	shared, _ := req.Context().Value(sharedPagesKey{}).(*sharedPages)
	if held == nil || shared == nil || req.Method != http.MethodGet {
		return t.roundTrip(req, held)
	}
	key := req.URL.Path + "?" + req.URL.Query().Encode()
	shared.mu.Lock()
	p, asked := shared.pages[key]
	if !asked {
		p = &sharedPage{done: make(chan struct{})}
		shared.pages[key] = p
	}
	shared.mu.Unlock()
	if !asked {
		resp, err := t.roundTrip(req, held)
		if err == nil && held.taken {
			// Copied before net/http takes the answer back (it sets
			// fields of it once RoundTrip returns).
			p.resp = &http.Response{Status: resp.Status, StatusCode: resp.StatusCode, Proto: resp.Proto,
				ProtoMajor: resp.ProtoMajor, ProtoMinor: resp.ProtoMinor, Header: resp.Header.Clone()}
			p.body = held.body
		}
		close(p.done)
		return resp, err
	}
	select {
	case <-p.done:
	case <-req.Context().Done():
		return nil, req.Context().Err()
	}
	if p.resp == nil { // the first asker failed: ask again
		return t.roundTrip(req, held)
	}
	held.body, held.taken = p.body, true
	resp := *p.resp
	resp.Header = p.resp.Header.Clone()
	resp.Body = io.NopCloser(bytes.NewReader([]byte(emptyPage)))
	resp.ContentLength = int64(len(emptyPage))
	resp.Request = req
	return &resp, nil
}

// sharedPagesKey marks the list requests of one read round: a page two
// readers ask for (providers/all/ by the hand-written providers' reader
// and the engine's, policies/bindings/ by access and by policy bindings)
// is fetched once, and both decode its body (fetchPage only reads it).
type sharedPagesKey struct{}

type sharedPages struct {
	mu    sync.Mutex
	pages map[string]*sharedPage // by path and sorted query
}

type sharedPage struct {
	done chan struct{} // closed once the first asker has its answer
	resp *http.Response
	body []byte // nil resp: the first asker failed
}

func (t *pageBodyTransport) roundTrip(req *http.Request, held *pageBody) (*http.Response, error) {
	resp, err := t.next.RoundTrip(req)
	if err != nil || held == nil || resp.StatusCode < 200 || resp.StatusCode >= 300 {
		return resp, err
	}
	var buf bytes.Buffer
	if n := resp.ContentLength; n > 0 && n < 64<<20 {
		buf.Grow(int(n) + bytes.MinRead) // one allocation, not io.ReadAll's doublings
	}
	_, rerr := buf.ReadFrom(resp.Body)
	resp.Body.Close()
	if rerr != nil {
		return nil, rerr
	}
	held.body, held.taken = buf.Bytes(), true
	resp.Body = io.NopCloser(bytes.NewReader([]byte(emptyPage)))
	resp.ContentLength = int64(len(emptyPage))
	resp.Header.Del("Content-Length")
	return resp, nil
}
