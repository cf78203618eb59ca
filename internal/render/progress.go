package render

import (
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/provision/provision/internal/plan"
)

// Progress reports apply progress, one line per finished change. It
// implements plan.Observer and is safe for concurrent use.
type Progress struct {
	mu      sync.Mutex
	w       io.Writer
	started map[*plan.Change]time.Time
	now     func() time.Time
}

var _ plan.Observer = (*Progress)(nil)

// NewProgress writes progress lines to w.
func NewProgress(w io.Writer) *Progress {
	return &Progress{w: w, started: map[*plan.Change]time.Time{}, now: time.Now}
}

// Started records when a change began.
func (p *Progress) Started(c *plan.Change) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.started[c] = p.now()
}

// Finished prints the outcome of a change.
func (p *Progress) Finished(c *plan.Change, err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	d := p.now().Sub(p.started[c]).Round(time.Millisecond)
	if err != nil {
		fmt.Fprintf(p.w, "%s: %s failed after %s\n", objectLabel(c.Kind, c.Key), c.Action, d)
		return
	}
	fmt.Fprintf(p.w, "%s: %s [%s]\n", objectLabel(c.Kind, c.Key), pastTense(c.Action), d)
}

func pastTense(a plan.Action) string {
	switch a {
	case plan.Create:
		return "created"
	case plan.Delete:
		return "destroyed"
	}
	return "updated"
}
