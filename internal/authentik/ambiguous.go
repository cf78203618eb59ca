package authentik

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/provision/provision/internal/plan"
)

// maxWriteAttempts bounds how often one write is sent.
const maxWriteAttempts = 5

// maxWriteWait caps the doubling wait between write attempts.
const maxWriteWait = 10 * time.Second

// retryStats counts retries over the client's life (safe for concurrent use).
type retryStats struct {
	reads   atomic.Int64 // reads re-sent by the transport
	writes  atomic.Int64 // writes re-sent after a failure
	rereads atomic.Int64 // re-reads after a write whose outcome was unknown
	settled atomic.Int64 // writes found done by such a re-read (not re-sent)
}

// RetryStats counts the retries of a client since it was made.
type RetryStats struct {
	// Reads is how many reads were sent again after a transient failure.
	Reads int64
	// Writes is how many writes were sent again after a failure.
	Writes int64
	// ReReads is how many times a write whose outcome was unknown (a lost
	// connection, a 5xx) was checked by reading the object by its key.
	ReReads int64
	// Settled is how many of those re-reads found the write had happened,
	// so it was not sent again.
	Settled int64
}

// Total is every retried request: re-sent reads and writes and re-reads.
func (s RetryStats) Total() int64 { return s.Reads + s.Writes + s.ReReads }

// Stats returns the client's retry counters.
func (c *Client) Stats() RetryStats {
	return RetryStats{Reads: c.stats.reads.Load(), Writes: c.stats.writes.Load(),
		ReReads: c.stats.rereads.Load(), Settled: c.stats.settled.Load()}
}

type retryKey struct{}

// IsRetry reports whether a request's context marks it as a write sent
// again after a failure, for transports that count requests.
func IsRetry(ctx context.Context) bool {
	v, _ := ctx.Value(retryKey{}).(bool)
	return v
}

// write is one write request whose outcome may be unknown.
type write struct {
	// what names the write in errors, e.g. `create group "staff"`.
	what string
	// send performs the request once.
	send func(ctx context.Context) (*http.Response, error)
	// done re-reads the object by its key after an unknown outcome and
	// reports whether the write took effect (a create: the object exists,
	// and done records its pk). Nil when sending again is harmless: a PATCH
	// of the same values, or a DELETE, whose 404 says it is gone.
	done func(ctx context.Context) (bool, error)
}

// outcome classifies a failed request.
type outcome int

const (
	refused  outcome = iota // authentik said no (4xx): do not retry
	rejected                // not processed (429): send again after a wait
	unknown                 // 5xx or lost connection: it may have happened
)

func classify(resp *http.Response, err error) outcome {
	if resp == nil {
		if permanent(err) {
			return refused
		}
		return unknown
	}
	switch {
	case resp.StatusCode < 300:
		return unknown // done, but the answer could not be read
	case resp.StatusCode == http.StatusTooManyRequests:
		return rejected
	case resp.StatusCode == http.StatusRequestTimeout || resp.StatusCode >= 500:
		return unknown
	}
	return refused
}

// perform sends w until it succeeds, authentik refuses it, or the attempts
// run out. After an unknown outcome it re-reads by key before sending
// again, so a create whose answer was lost is never sent twice. Waits
// honour Retry-After and otherwise double from the client's backoff.
func (e *Executor) perform(ctx context.Context, w write) error {
	st := e.c.stats
	wait := e.c.backoff
	check := false // the last send's outcome is unknown
	var resp *http.Response
	var err error
	for attempt := 1; ; attempt++ {
		if check && w.done != nil {
			st.rereads.Add(1)
			ok, rerr := w.done(ctx)
			switch {
			case rerr == nil && ok:
				st.settled.Add(1)
				return nil
			case rerr != nil:
				// Still unknown: never send a create blind. Wait and re-read.
				err, resp = rerr, nil
				if attempt >= maxWriteAttempts || ctx.Err() != nil {
					return fmt.Errorf("%s: its outcome is unknown (%v); run apply again: it adopts what was created", w.what, e.c.redact(rerr.Error()))
				}
				if serr := e.c.sleep(ctx, wait); serr != nil {
					return fmt.Errorf("%s: %w", w.what, serr)
				}
				wait = min(wait*2, maxWriteWait)
				continue
			}
		}
		sendCtx := ctx
		if attempt > 1 {
			st.writes.Add(1)
			sendCtx = context.WithValue(ctx, retryKey{}, true)
		}
		resp, err = w.send(sendCtx)
		if err == nil {
			return nil
		}
		oc := classify(resp, err)
		if oc == refused || attempt >= maxWriteAttempts || ctx.Err() != nil {
			return e.c.wrap(w.what, resp, err)
		}
		check = oc == unknown
		if resp != nil {
			if after := retryAfter(resp); after > 0 {
				wait = after
			}
		}
		if serr := e.c.sleep(ctx, wait); serr != nil {
			return e.c.wrap(w.what, resp, err)
		}
		wait = min(wait*2, maxWriteWait)
	}
}

// del is the write of a DELETE: 404 counts as done (already gone), and
// sending it again after an unknown outcome is the re-read.
func (e *Executor) del(ctx context.Context, what string, send func(ctx context.Context) (*http.Response, error)) error {
	return e.perform(ctx, write{what: what, send: func(ctx context.Context) (*http.Response, error) {
		resp, err := send(ctx)
		if gone(resp, err) {
			return resp, nil
		}
		return resp, err
	}})
}

// created runs a create: send posts the object and records its pk; find
// looks the object up by its key and, when found, records its pk.
func (e *Executor) created(ctx context.Context, what string, send func(ctx context.Context) (*http.Response, error), find func(ctx context.Context) (bool, error)) error {
	return e.perform(ctx, write{what: what, send: send, done: find})
}

// notes collects what the apply summary must say beyond counts.
type notes struct {
	mu   sync.Mutex
	list []string
}

func (n *notes) add(format string, args ...any) {
	n.mu.Lock()
	defer n.mu.Unlock()
	s := fmt.Sprintf(format, args...)
	if !slices.Contains(n.list, s) { // a retried write notes once
		n.list = append(n.list, s)
	}
}

// noteOverridden says which declared keys of a merged object were edited
// after the plan and overwritten with the manifest's value.
func (e *Executor) noteOverridden(ch *plan.Change, field string, keys []string) {
	for _, k := range keys {
		e.notes.add("%s %q: %s.%s was edited in authentik after the plan; the manifest's value was written", ch.Kind, ch.Key, field, k)
	}
}

// Notes returns what the executor had to decide on its own so far, such
// as a manifest value that overrode an admin's edit made after the plan.
func (e *Executor) Notes() []string {
	e.notes.mu.Lock()
	defer e.notes.mu.Unlock()
	return append([]string(nil), e.notes.list...)
}
