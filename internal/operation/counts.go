package operation

import (
	"context"
	"net/http"
	"sync"

	"github.com/provision/provision/internal/authentik"
	"github.com/provision/provision/internal/plan"
)

// WriteCounts counts the requests each change sends, through a transport
// (countingTransport) that finds the change's counter in the request's
// context, put there by countingExecutor.
type WriteCounts struct {
	mu sync.Mutex
	m  map[string]*requestCount
}

type requestCount struct {
	mu      sync.Mutex
	seen    map[*http.Request]bool
	writes  int
	retries int
}

type countKey struct{}

func changeID(c *plan.Change) string { return string(c.Action) + " " + plan.Ref(c.Kind, c.Key) }

func (w *WriteCounts) counter(c *plan.Change) *requestCount {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.m == nil {
		w.m = map[string]*requestCount{}
	}
	n := w.m[changeID(c)]
	if n == nil {
		n = &requestCount{seen: map[*http.Request]bool{}}
		w.m[changeID(c)] = n
	}
	return n
}

// Get returns the write requests (POST, PUT, PATCH, DELETE) change c sent,
// and the requests sent again after a retryable failure.
func (w *WriteCounts) Get(c *plan.Change) (writes, retries int) {
	if w == nil {
		return 0, 0
	}
	n := w.counter(c)
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.writes, n.retries
}

// countingExecutor gives each change's context its counter.
type countingExecutor struct {
	next   plan.Executor
	counts *WriteCounts
}

func (e countingExecutor) Execute(ctx context.Context, c *plan.Change, ids *plan.IDs) error {
	return e.next.Execute(context.WithValue(ctx, countKey{}, e.counts.counter(c)), c, ids)
}

// countingTransport counts requests per change. It sits below the client's
// retry layer, so a request it sees again is a retry.
type countingTransport struct{ next http.RoundTripper }

func (t countingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if n, ok := req.Context().Value(countKey{}).(*requestCount); ok {
		n.mu.Lock()
		switch {
		case n.seen[req] || authentik.IsRetry(req.Context()):
			n.retries++
		case req.Method != http.MethodGet && req.Method != http.MethodHead:
			n.writes++
		}
		n.seen[req] = true
		n.mu.Unlock()
	}
	next := t.next
	if next == nil {
		next = http.DefaultTransport
	}
	return next.RoundTrip(req)
}
