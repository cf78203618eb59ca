package operation

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
	"time"

	"github.com/provision/provision/internal/manifest"
	"github.com/provision/provision/internal/plan"
	"github.com/provision/provision/internal/planfile"
	"github.com/provision/provision/internal/render"
)

// ApplyOptions are apply's.
type ApplyOptions struct {
	Conn      Conn
	Path      string
	OutputDir string
	// SavedPlan is a plan saved by plan --out, performed exactly or
	// refused as stale; "" computes the plan from Path.
	SavedPlan   string
	DryRun      bool
	Parallelism int
	// LockTimeout is how long to wait for another apply's lock of the
	// manifest's stack (0: fail at once).
	LockTimeout time.Duration
	Scope       Scope
}

// Validate checks the options before anything is read.
func (o ApplyOptions) Validate() error {
	if o.Parallelism < 1 {
		return &UsageError{fmt.Errorf("--parallelism must be at least 1, got %d", o.Parallelism)}
	}
	return nil
}

// Applying is an apply between its plan and its walk: the stack is locked
// (Close releases it), the plan computed, the outputs checked and a saved
// plan found current.
type Applying struct {
	*State
	opts   ApplyOptions
	deps   Deps
	unlock func()
}

// PrepareApply reads a saved plan (checking the manifest's digest before
// the manifest is loaded, so a changed manifest is refused as stale even
// when it no longer loads), loads the manifest, locks the stack (not for
// a dry run) and computes the plan. Every output is checked with
// authentik's values before any write. Close the result.
func PrepareApply(ctx context.Context, d Deps, o ApplyOptions) (*Applying, error) {
	if o.SavedPlan == "" && o.Path == "" {
		return nil, &UsageError{errors.New("apply needs a manifest (-f PATH) or a saved plan (provision apply PLAN-FILE)")}
	}
	var saved *planfile.File
	if o.SavedPlan != "" {
		var err error
		if saved, err = readSavedPlan(o.SavedPlan); err != nil {
			return nil, err
		}
		fromPlan := o.Path == ""
		if fromPlan {
			o.Path = filepath.FromSlash(saved.Manifest.Path)
		}
		digest, err := manifest.Digest(o.Path)
		if fromPlan && errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("the plan's manifest %s is not here: run apply from the directory plan ran in, or give the manifest with -f", o.Path)
		}
		if err != nil {
			return nil, err
		}
		if digest != saved.Manifest.Digest {
			return nil, &planfile.StaleError{Reason: fmt.Sprintf("the manifest %s changed since the plan was made", o.Path)}
		}
	}
	m, err := LoadManifest(d, o.Path, o.OutputDir, nil)
	if err != nil {
		return nil, LiveHints(ctx, d, o.Conn, err)
	}
	c, err := Connect(ctx, d, o.Conn)
	if err != nil {
		return nil, err
	}
	a := &Applying{opts: o, deps: d, unlock: func() {}}
	if m.Stack != "" && !o.DryRun {
		if a.unlock, err = LockStack(ctx, d, c, m.Stack, o.LockTimeout); err != nil {
			return nil, err
		}
	}
	opts, err := o.Scope.options()
	if err != nil {
		a.Close()
		return nil, err
	}
	if a.State, err = ComputePlan(ctx, m, c, opts); err != nil {
		a.Close()
		return nil, err
	}
	err = checkOutputsLive(a.State, d, o.OutputDir)
	if err == nil {
		err = previewOutputs(a.State, d, o.OutputDir)
	}
	if err == nil && saved != nil {
		err = checkSavedPlan(d, saved, a.State, o.Path)
	}
	if err != nil {
		a.Close()
		return nil, err
	}
	return a, nil
}

// Close releases the stack's lock, if apply took it.
func (a *Applying) Close() { a.unlock() }

// ApplyResult is what an apply's walk did.
type ApplyResult struct {
	// Result is each change's outcome; after an interrupt, the changes it
	// kept from starting are Skipped.
	Result      plan.Result
	Interrupted bool
	// Counts are each change's requests (with ApplyOptions.Conn.CountRequests).
	Counts *WriteCounts
	// Retries are the client's retries since it was made (the plan's
	// reads too); Notes the executor's.
	Retries render.RetryCounts
	Notes   []string
	// Adopted is how many objects the plan adopted into the stack.
	Adopted int
}

// Unfinished reports whether some change failed or was not attempted.
func (r *ApplyResult) Unfinished() bool { return len(r.Result.Failed) > 0 || len(r.Result.Skipped) > 0 }

// Run performs the plan, each change as soon as what it references
// exists, with obs told of each (nil: nobody). When every change is done
// it re-reads authentik, whose plan must be empty, and a.State becomes
// that fresh read. A walk that did not finish (failed, interrupted) is a
// result, not an error; the error is for what kept it from being judged
// (with the walk's result when it ran).
func (a *Applying) Run(ctx context.Context, obs plan.Observer) (*ApplyResult, error) {
	st := a.State
	ids := plan.NewIDs(st.Live)
	rec, err := writeAhead(ctx, st)
	if err != nil {
		return nil, err
	}
	exec := st.Client.Executor()
	out := &ApplyResult{Counts: &WriteCounts{}}
	// An interrupt stops new changes; those in flight finish (finishing.go).
	var run plan.Executor = finishInFlight{exec}
	if a.opts.Conn.CountRequests {
		run = countingExecutor{next: run, counts: out.Counts}
	}
	out.Result = plan.Apply(ctx, st.Plan, run, ids, obs, a.opts.Parallelism)
	n := st.Client.Stats()
	out.Retries, out.Notes = render.RetryCounts{Reads: n.Reads, Writes: n.Writes, ReReads: n.ReReads, Settled: n.Settled}, exec.Notes()
	if out.Unfinished() || ctx.Err() != nil {
		rec.settle(ctx, st, out.Result.Done, a.deps)
	}
	if ctx.Err() != nil {
		out.Result, out.Interrupted = notStarted(out.Result), true
		return out, nil
	}
	if out.Unfinished() {
		return out, nil
	}
	// Prove convergence: a fresh read must give an empty plan.
	after, err := ComputePlan(ctx, st.Manifest, st.Client, st.Opts)
	if err != nil {
		return out, fmt.Errorf("re-read after apply: %w", err)
	}
	if err := rec.finish(ctx, after); err != nil {
		return out, err
	}
	if after.Plan.HasChanges() {
		var lines []string
		for _, c := range after.Plan.Changes {
			for _, f := range c.Fields {
				lines = append(lines, fmt.Sprintf("%s %q field %s", c.Kind, c.Key, f.Field))
			}
			if len(c.Fields) == 0 {
				lines = append(lines, fmt.Sprintf("%s %q (%s)", c.Kind, c.Key, c.Action))
			}
		}
		return out, fmt.Errorf("apply finished but authentik did not keep: %s", strings.Join(lines, "; "))
	}
	if st.Plan.Ownership != nil {
		out.Adopted = len(st.Plan.Ownership.Adopt)
	}
	a.State = after
	return out, nil
}

// finishInFlight runs each change with a context an interrupt does not
// cancel: plan.Apply stops starting changes when ctx ends, and a change
// already sent is finished (with its retries) rather than cut off midway,
// so the summary can say what was done.
type finishInFlight struct{ next plan.Executor }

func (f finishInFlight) Execute(ctx context.Context, c *plan.Change, ids *plan.IDs) error {
	return f.next.Execute(context.WithoutCancel(ctx), c, ids)
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
