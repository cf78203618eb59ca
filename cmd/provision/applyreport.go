package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"sync"

	"github.com/spf13/cobra"

	"github.com/provision/provision/internal/authentik"
	"github.com/provision/provision/internal/manifest"
	"github.com/provision/provision/internal/plan"
	"github.com/provision/provision/internal/render"
)

// applyReport is `apply -o json`: every change with its result, and the
// outputs written. Errors are reported in it too (Status "error").
type applyReport struct {
	FormatVersion string `json:"format_version"`
	// Status is applied, no changes, planned (--dry-run), failed (some
	// change failed) or error (nothing was attempted, see Error).
	Status    string          `json:"status"`
	SavedPlan string          `json:"saved_plan,omitempty"`
	Changes   []changeReport  `json:"changes"`
	Summary   reportSummary   `json:"summary"`
	Outputs   []writtenOutput `json:"outputs"`
	Error     string          `json:"error,omitempty"`
}

type changeReport struct {
	Kind   string `json:"kind"`
	Key    string `json:"key"`
	Action string `json:"action"`
	ID     string `json:"id,omitempty"`
	// Result is done, failed or not attempted ("planned" under --dry-run).
	Result string `json:"result"`
	Error  string `json:"error,omitempty"`
	// Writes are the write requests (POST, PUT, PATCH, DELETE) the change
	// sent; Retries the requests sent again after a retryable failure.
	Writes  int `json:"writes"`
	Retries int `json:"retries"`
}

type reportSummary struct {
	Done         int `json:"done"`
	Failed       int `json:"failed"`
	NotAttempted int `json:"not_attempted"`
}

const (
	resultDone         = "done"
	resultFailed       = "failed"
	resultNotAttempted = "not attempted"
)

func newApplyReport() *applyReport {
	return &applyReport{FormatVersion: plan.FormatVersion, Changes: []changeReport{}, Outputs: []writtenOutput{}}
}

// planned lists the plan's changes, none attempted yet.
func (r *applyReport) planned(p *plan.Plan, result string) {
	r.Changes = r.Changes[:0]
	for _, c := range p.Changes {
		r.Changes = append(r.Changes, changeReport{Kind: string(c.Kind), Key: c.Key, Action: string(c.Action), ID: c.ID, Result: result})
	}
}

// record fills each change's result from the apply walk and the counters.
func (r *applyReport) record(res plan.Result, counts *writeCounts) {
	r.Summary = reportSummary{}
	set := func(c plan.Change, result string, err error) {
		for i := range r.Changes {
			rc := &r.Changes[i]
			if rc.Kind == string(c.Kind) && rc.Key == c.Key && rc.Action == string(c.Action) {
				rc.Result = result
				if err != nil {
					rc.Error = err.Error()
				}
				n := counts.get(&c)
				rc.Writes, rc.Retries = n.writes, n.retries
				if rc.ID == "" {
					rc.ID = c.ID
				}
			}
		}
	}
	for _, c := range res.Done {
		set(c, resultDone, nil)
		r.Summary.Done++
	}
	for _, f := range res.Failed {
		set(f.Change, resultFailed, f.Err)
		r.Summary.Failed++
	}
	for _, c := range res.Skipped {
		set(c, resultNotAttempted, nil)
		r.Summary.NotAttempted++
	}
}

func (r *applyReport) write(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// writeCounts counts the requests each change sends, through a transport
// (countingTransport) that finds the change's counter in the request's
// context, put there by countingExecutor.
type writeCounts struct {
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

func (w *writeCounts) counter(c *plan.Change) *requestCount {
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

func (w *writeCounts) get(c *plan.Change) (out struct{ writes, retries int }) {
	if w == nil {
		return out
	}
	n := w.counter(c)
	n.mu.Lock()
	defer n.mu.Unlock()
	out.writes, out.retries = n.writes, n.retries
	return out
}

// countingExecutor gives each change's context its counter.
type countingExecutor struct {
	next   plan.Executor
	counts *writeCounts
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

// httpClient is the HTTP client for authentik.Config: nil (the client's
// default) unless requests are counted for apply -o json.
func (f *connFlags) httpClient(cfg authentik.Config) *http.Client {
	if !f.countRequests {
		return cfg.HTTPClient
	}
	// The client authentik.New would build (timeout, CAs), counting.
	hc := cfg.HTTPClient
	if hc == nil {
		var err error
		if hc, err = authentik.DefaultHTTPClient(cfg); err != nil {
			return nil // New reports the same error
		}
	}
	copied := *hc
	copied.Transport = countingTransport{next: hc.Transport}
	return &copied
}

// jsonErrors makes a command that prints JSON with -o json print its
// errors as JSON on stdout too ({"format_version", "error"}); the exit
// code is the error's, and the error is not printed again on stderr.
func jsonErrors(run func(*cobra.Command, []string) error, output *string, streams IOStreams) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		err := run(cmd, args)
		if err == nil || *output != "json" || errors.Is(err, errChangesPresent) {
			return err
		}
		var silent *silentError
		if errors.As(err, &silent) {
			return err
		}
		out := struct {
			FormatVersion string `json:"format_version"`
			Error         string `json:"error"`
		}{plan.FormatVersion, err.Error()}
		enc := json.NewEncoder(streams.Out)
		enc.SetIndent("", "  ")
		if enc.Encode(out) != nil {
			return err
		}
		return &silentError{err}
	}
}

// githubErrors wraps a command's RunE: with -o github, its error is
// written to stdout as GitHub Actions annotations, one per manifest
// problem at its file:line:column (render.GitHub), and not again on stderr.
func githubErrors(run func(*cobra.Command, []string) error, output *string, streams IOStreams) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		err := run(cmd, args)
		if err == nil || *output != "github" || errors.Is(err, errChangesPresent) {
			return err
		}
		var silent *silentError
		var usage *usageError
		if errors.As(err, &silent) || errors.As(err, &usage) {
			return err
		}
		var problems []render.Annotation
		var ds manifest.Diagnostics
		if errors.As(err, &ds) {
			for _, d := range ds {
				problems = append(problems, render.Annotation{File: d.Pos.File, Line: d.Pos.Line, Col: d.Pos.Column, Message: d.Msg})
			}
		} else {
			problems = []render.Annotation{{Message: err.Error()}}
		}
		if render.GitHub(streams.Out, problems) != nil {
			return err
		}
		return &silentError{err}
	}
}
