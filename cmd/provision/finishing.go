package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/provision/provision/internal/authentik"
	"github.com/provision/provision/internal/plan"
)

// finishInFlight runs each change with a context an interrupt does not
// cancel: plan.Apply stops starting changes when ctx ends, and a change
// already sent is finished (with its retries) rather than cut off midway,
// so the summary can say what was done.
type finishInFlight struct{ next plan.Executor }

func (f finishInFlight) Execute(ctx context.Context, c *plan.Change, ids *plan.IDs) error {
	return f.next.Execute(context.WithoutCancel(ctx), c, ids)
}

// reportRetries adds the retries of this apply (after - before) and the
// executor's notes to the summary.
func (o *applyOptions) reportRetries(w io.Writer, after, before authentik.RetryStats, notes []string) {
	d := authentik.RetryStats{
		Reads: after.Reads - before.Reads, Writes: after.Writes - before.Writes,
		ReReads: after.ReReads - before.ReReads, Settled: after.Settled - before.Settled,
	}
	if d.Total() > 0 {
		fmt.Fprintf(w, "\nRetries: %d reads and %d writes sent again; %d writes with an unknown outcome re-read by key (%d found already done).\n",
			d.Reads, d.Writes, d.ReReads, d.Settled)
	}
	for _, n := range notes {
		fmt.Fprintf(w, "Note: %s\n", n)
	}
}

// notStarted moves the changes an interrupt kept from starting (failed
// with the cancelled context before any request) to Skipped.
func notStarted(res plan.Result) plan.Result {
	var failed []plan.ChangeError
	for _, f := range res.Failed {
		if errors.Is(f.Err, context.Canceled) {
			res.Skipped = append(res.Skipped, f.Change)
			continue
		}
		failed = append(failed, f)
	}
	res.Failed = failed
	return res
}
