package operation

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/provision/provision/internal/authentik"
	"github.com/provision/provision/internal/plan"
)

// LockStack takes the stack's lock for an apply and returns its release.
// Notes (a dead holder's lock broken, a release that failed) go to Log.
func LockStack(ctx context.Context, d Deps, c *authentik.Client, stack string, timeout time.Duration) (func(), error) {
	log := d.log()
	l, err := c.AcquireLock(ctx, stack, authentik.LockOptions{Timeout: timeout, Poll: d.LockPoll, OnBreak: func(h authentik.Holder, why string) {
		fmt.Fprintf(log, "Note: broke the lock of stack %q held by host %s, pid %d since %s: %s.\n", stack, h.Host, h.PID, h.Since.UTC().Format(time.RFC3339), why)
	}, OnLost: func(err error) {
		fmt.Fprintf(log, "Warning: could not renew the lock of stack %q (%v); once its lease ends, another apply of the stack may start before this one finishes: run plan again afterwards.\n", stack, err)
	}})
	if err != nil {
		return nil, err
	}
	return func() {
		// Released even when the apply's context is cancelled.
		rctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := l.Release(rctx); err != nil {
			fmt.Fprintf(log, "Warning: %v; its lease expires on its own, or run provision state unlock --stack %s.\n", err, stack)
		}
	}, nil
}

// recordWrite keeps a stack's record in step with one apply.
type recordWrite struct {
	stack string
	pk    string
	ahead []plan.Owned
	prev  []plan.Owned
	// kept are the owned objects the plan did not prune (--no-prune,
	// --target): they stay in the record.
	kept []plan.Owned
}

// writeAhead stores, before the walk, the record extended with every
// object the plan adopts or creates: a crash after a create then leaves the
// object owned, and the next apply converges without a duplicate.
func writeAhead(ctx context.Context, st *State) (*recordWrite, error) {
	own := st.Plan.Ownership
	if own == nil {
		return nil, nil
	}
	rec := &recordWrite{stack: own.Stack, pk: own.RecordPK, prev: own.Previous, ahead: plan.WriteAhead(st.Plan), kept: own.Kept}
	if rec.pk != "" && slices.Equal(rec.ahead, own.Previous) {
		return rec, nil
	}
	if rec.pk == "" && len(rec.ahead) == 0 {
		return rec, nil
	}
	pk, err := st.Client.WriteRecord(ctx, rec.stack, rec.pk, rec.ahead)
	if err != nil {
		return nil, err
	}
	rec.pk = pk
	return rec, nil
}

// settle stores the record after a walk that did not finish: only what
// was done stays marked created (plan.Settled). A failure here is a
// warning: the walk's own failure is the error to report.
func (r *recordWrite) settle(ctx context.Context, st *State, done []plan.Change, d Deps) {
	if r == nil || r.pk == "" {
		return
	}
	settled := plan.Settled(st.Plan, done)
	if slices.Equal(settled, r.ahead) {
		return
	}
	// Written even when the apply's context is cancelled (an interrupt).
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if _, err := st.Client.WriteRecord(wctx, r.stack, r.pk, settled); err != nil {
		fmt.Fprintf(d.log(), "Warning: could not correct stack %q's record after the failed apply (%v); the next apply corrects it.\n", r.stack, err)
		return
	}
	r.ahead = settled
}

// finish stores the record once the walk succeeded (what the manifest
// declares and exists) and recomputes after's plan with it.
func (r *recordWrite) finish(ctx context.Context, after *State) error {
	if r == nil {
		return nil
	}
	final := plan.RecordAfter(after.Manifest, after.Live, r.ahead, r.kept...)
	if !(r.pk == "" && len(final) == 0) && !slices.Equal(final, currentRecord(after.Live, r.stack)) {
		pk, err := after.Client.WriteRecord(ctx, r.stack, r.pk, final)
		if err != nil {
			return err
		}
		r.pk = pk
	}
	after.Live = plan.WithRecord(after.Live, r.stack, r.pk, final)
	p, err := plan.ComputeWith(after.Manifest, after.Live, after.Opts)
	if err != nil {
		return err
	}
	after.Plan = p
	return nil
}

func currentRecord(live *plan.Live, stack string) []plan.Owned {
	for _, s := range live.Stacks {
		if s.Stack == stack {
			return s.Objects
		}
	}
	return nil
}
