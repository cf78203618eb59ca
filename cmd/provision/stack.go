package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/provision/provision/internal/authentik"
	"github.com/provision/provision/internal/manifest"
	"github.com/provision/provision/internal/plan"
)

// noStackNote says once, on stderr, that a manifest without a stack prunes
// nothing.
func noStackNote(streams IOStreams, m *manifest.Manifest) {
	if m.Stack == "" && streams.once("no stack") {
		fmt.Fprintln(streams.ErrOut, "Note: the manifest names no stack, so nothing will be pruned: objects removed from it stay in authentik. Add \"stack: NAME\" to let provision own and prune what it manages.")
	}
}

// openAppNotes warns, on stderr, of each application the manifest declares
// without access: authentik lets every user log in to an application no
// binding restricts. With live state (plan, apply) an application bound in
// authentik (a policy or user binding made by hand) is left out.
func openAppNotes(streams IOStreams, m *manifest.Manifest, live *plan.Live) {
	bound := map[string]bool{}
	if live != nil {
		for _, b := range live.Bindings {
			bound[b.Target] = true
		}
	}
	for _, a := range openApps(m) {
		if live != nil && slices.ContainsFunc(live.Applications, func(la plan.Application) bool { return la.Slug == a.Slug && bound[la.PK] }) {
			continue
		}
		fmt.Fprintf(streams.ErrOut, "Warning: %s: application %q declares no access, so it is open to every user; add \"access: {groups: [...]}\" to say who may use it.\n", a.Src.Pos, a.Slug)
	}
}

// openApps are the applications the manifest declares without access groups.
func openApps(m *manifest.Manifest) []manifest.Application {
	var out []manifest.Application
	for _, a := range m.Applications {
		if !a.State.IsAbsent() && (a.Access == nil || len(a.Access.Groups) == 0) {
			out = append(out, a)
		}
	}
	return out
}

// lockStack takes the stack's lock for an apply and returns its release.
// Notes (a dead holder's lock broken, a release that failed) go to stderr.
func lockStack(ctx context.Context, c *authentik.Client, stack string, timeout time.Duration, streams IOStreams) (func(), error) {
	errOut := streams.ErrOut
	l, err := c.AcquireLock(ctx, stack, authentik.LockOptions{Timeout: timeout, Poll: streams.deps.lockPoll, OnBreak: func(h authentik.Holder, why string) {
		fmt.Fprintf(errOut, "Note: broke the lock of stack %q held by host %s, pid %d since %s: %s.\n", stack, h.Host, h.PID, h.Since.UTC().Format(time.RFC3339), why)
	}, OnLost: func(err error) {
		fmt.Fprintf(errOut, "Warning: could not renew the lock of stack %q (%v); once its lease ends, another apply of the stack may start before this one finishes: run plan again afterwards.\n", stack, err)
	}})
	if err != nil {
		return nil, err
	}
	return func() {
		// Released even when the apply's context is cancelled.
		rctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := l.Release(rctx); err != nil {
			fmt.Fprintf(errOut, "Warning: %v; its lease expires on its own, or run provision state unlock --stack %s.\n", err, stack)
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
func writeAhead(ctx context.Context, st *state) (*recordWrite, error) {
	own := st.plan.Ownership
	if own == nil {
		return nil, nil
	}
	rec := &recordWrite{stack: own.Stack, pk: own.RecordPK, prev: own.Previous, ahead: plan.WriteAhead(st.plan), kept: own.Kept}
	if rec.pk != "" && slices.Equal(rec.ahead, own.Previous) {
		return rec, nil
	}
	if rec.pk == "" && len(rec.ahead) == 0 {
		return rec, nil
	}
	pk, err := st.client.WriteRecord(ctx, rec.stack, rec.pk, rec.ahead)
	if err != nil {
		return nil, err
	}
	rec.pk = pk
	return rec, nil
}

// settle stores the record after a walk that did not finish: only what
// was done stays marked created (plan.Settled). A failure here is a
// warning: the walk's own failure is the error to report.
func (r *recordWrite) settle(ctx context.Context, st *state, done []plan.Change, errOut io.Writer) {
	if r == nil || r.pk == "" {
		return
	}
	settled := plan.Settled(st.plan, done)
	if slices.Equal(settled, r.ahead) {
		return
	}
	// Written even when the apply's context is cancelled (an interrupt).
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if _, err := st.client.WriteRecord(wctx, r.stack, r.pk, settled); err != nil {
		fmt.Fprintf(errOut, "Warning: could not correct stack %q's record after the failed apply (%v); the next apply corrects it.\n", r.stack, err)
		return
	}
	r.ahead = settled
}

// finish stores the record once the walk succeeded (what the manifest
// declares and exists) and recomputes after's plan with it.
func (r *recordWrite) finish(ctx context.Context, after *state) error {
	if r == nil {
		return nil
	}
	final := plan.RecordAfter(after.manifest, after.live, r.ahead, r.kept...)
	if !(r.pk == "" && len(final) == 0) && !slices.Equal(final, currentRecord(after.live, r.stack)) {
		pk, err := after.client.WriteRecord(ctx, r.stack, r.pk, final)
		if err != nil {
			return err
		}
		r.pk = pk
	}
	after.live = plan.WithRecord(after.live, r.stack, r.pk, final)
	p, err := plan.ComputeWith(after.manifest, after.live, after.opts)
	if err != nil {
		return err
	}
	after.plan = p
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
