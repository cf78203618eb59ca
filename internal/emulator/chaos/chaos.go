package chaos

import (
	"math/rand"
	"net/http"
	"strings"
	"sync"

	"github.com/provision/provision/internal/emulator/httpapi"
)

// NoFaultHeader exempts a request from chaos: tests and pipelines send it
// to inspect the state without faults.
const NoFaultHeader = "X-Provision-No-Fault"

// Kind is one kind of failure the chaos middleware injects.
type Kind int

const (
	// StatusBefore answers 500, 502, 503 or 504 without handling the request.
	StatusBefore Kind = iota + 1
	// ResetBefore closes the connection without handling the request.
	ResetBefore
	// ResetAfter handles the request (a write happens), then closes the
	// connection without answering: the response is lost.
	ResetAfter
	// StatusAfter handles the request, then answers 502 instead of its
	// response, as a proxy in front of authentik does when authentik answers
	// too late.
	StatusAfter
)

func (f Kind) String() string {
	switch f {
	case StatusBefore:
		return "5xx before processing"
	case ResetBefore:
		return "reset before processing"
	case ResetAfter:
		return "reset after processing"
	case StatusAfter:
		return "502 after processing"
	}
	return "none"
}

// Options configure New.
type Options struct {
	// Rate is the fraction (0..1) of API requests that fail.
	Rate float64
	// Seed makes the sequence of faults reproducible (for the same sequence
	// of requests). Zero picks 1.
	Seed int64
	// OnFault, if set, is called for each injected fault.
	OnFault func(method, path string, f Kind)
}

// Handler injects random faults in front of a handler; see New.
type Handler struct {
	next http.Handler
	opts Options

	mu     sync.Mutex
	rnd    *rand.Rand
	counts map[Kind]int
}

// New wraps next (normally an Emulator) so that a fraction opts.Rate of
// the requests under /api/v3/ fail, each with one of the Kinds
// chosen uniformly: the failures a pipeline meets in front of a real
// authentik (a restarting pod, a proxy timing out, a dropped connection).
// Requests carrying "X-Provision-No-Fault: 1" are never faulted.
func New(next http.Handler, opts Options) *Handler {
	seed := opts.Seed
	if seed == 0 {
		seed = 1
	}
	return &Handler{next: next, opts: opts, rnd: rand.New(rand.NewSource(seed)), counts: map[Kind]int{}}
}

// Counts returns how many faults of each kind were injected so far.
func (h *Handler) Counts() map[Kind]int {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make(map[Kind]int, len(h.counts))
	for k, v := range h.counts {
		out[k] = v
	}
	return out
}

// SetRate changes the fault rate (0 turns chaos off).
func (h *Handler) SetRate(rate float64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.opts.Rate = rate
}

// pick draws the request's fault and, for StatusBefore, its status,
// in one hold of the lock so that the sequence stays the seed's.
func (h *Handler) pick(r *http.Request) (f Kind, status int) {
	if r.Header.Get(NoFaultHeader) == "1" || !strings.HasPrefix(r.URL.Path, httpapi.APIPrefix) {
		return 0, 0
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.opts.Rate <= 0 || h.rnd.Float64() >= h.opts.Rate {
		return 0, 0
	}
	f = Kind(1 + h.rnd.Intn(4))
	h.counts[f]++
	if f == StatusBefore {
		status = chaosStatuses[h.rnd.Intn(len(chaosStatuses))]
	}
	return f, status
}

var chaosStatuses = []int{http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f, status := h.pick(r)
	if f != 0 && h.opts.OnFault != nil {
		h.opts.OnFault(r.Method, r.URL.Path, f)
	}
	switch f {
	case StatusBefore:
		httpapi.WriteResp(w, httpapi.Detail(status, "injected fault (chaos)"), false)
	case ResetBefore:
		httpapi.DropConnection(w)
	case ResetAfter:
		h.next.ServeHTTP(&discardWriter{h: http.Header{}}, r)
		httpapi.DropConnection(w)
	case StatusAfter:
		h.next.ServeHTTP(&discardWriter{h: http.Header{}}, r)
		httpapi.WriteResp(w, httpapi.Detail(http.StatusBadGateway, "injected fault (chaos): the answer was lost"), false)
	default:
		h.next.ServeHTTP(w, r)
	}
}

// discardWriter swallows a response whose delivery a fault prevents.
type discardWriter struct{ h http.Header }

func (d *discardWriter) Header() http.Header         { return d.h }
func (d *discardWriter) Write(p []byte) (int, error) { return len(p), nil }
func (d *discardWriter) WriteHeader(int)             {}
