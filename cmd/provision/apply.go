package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/provision/provision/internal/authentik"
	"github.com/provision/provision/internal/manifest"
	"github.com/provision/provision/internal/plan"
	"github.com/provision/provision/internal/planfile"
	"github.com/provision/provision/internal/render"
)

type applyOptions struct {
	io          IOStreams
	conn        connFlags
	Path        string
	AutoApprove bool
	DryRun      bool
	Parallelism int
	LockTimeout time.Duration
	Output      string
	OutputDir   string
	// report collects the -o json result; nil for text output.
	report *applyReport
	scope  scopeFlags
}

func newApplyCmd(streams IOStreams) *cobra.Command {
	o := &applyOptions{io: streams}
	cmd := &cobra.Command{
		Use:   "apply -f PATH | apply SAVED-PLAN",
		Short: "Make authentik match the manifest, then write the applications' outputs",
		Long: `apply computes the plan, shows it, asks for confirmation (unless
--auto-approve) and performs it, each change as soon as the objects it
references exist (a group and a provider before the application and access
that use them), --parallelism at a time; deletes in reverse. It then re-reads
authentik to prove the plan is empty, and writes each application's outputs
(such as a .env file). Running it again changes nothing.

Given a plan saved by plan --out, apply performs exactly that plan without
asking: it re-reads the manifest (whose files must be unchanged) and
authentik, and refuses with "the plan is stale" when anything the plan
touches changed since.

-o json prints one JSON report on stdout instead of text: every change with
its result (done, failed, not attempted), its error, write and retry counts,
and the outputs written; errors are reported in it too (same exit codes).`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.validate(); err != nil {
				return err
			}
			if o.Output == "json" {
				o.report = newApplyReport()
				o.conn.countRequests = true
				return o.reportErrors(o.run(cmd.Context(), args))
			}
			return o.run(cmd.Context(), args)
		},
	}
	cmd.Flags().StringVarP(&o.Path, "file", "f", "", "manifest file or directory of *.yaml/*.yml files (required unless a saved plan is given)")
	o.conn.register(cmd)
	cmd.Flags().BoolVar(&o.AutoApprove, "auto-approve", false, "apply without asking for confirmation")
	cmd.Flags().BoolVar(&o.DryRun, "dry-run", false, "show the plan and stop (same as plan)")
	cmd.Flags().IntVar(&o.Parallelism, "parallelism", plan.DefaultParallelism, "maximum concurrent changes (a default authentik serves 8 requests at once; see docs/performance.md)")
	cmd.Flags().DurationVar(&o.LockTimeout, "lock-timeout", 0, "with a stack: how long to wait for another apply's lock (0: fail at once)")
	formatFlag(cmd, &o.Output, "text", "output format: text or json (a JSON report on stdout)", streams)
	outputDirFlag(cmd, &o.OutputDir)
	o.scope.register(cmd)
	return cmd
}

func (o *applyOptions) validate() error {
	if o.Parallelism < 1 {
		return &usageError{fmt.Errorf("--parallelism must be at least 1, got %d", o.Parallelism)}
	}
	if o.Output != "text" && o.Output != "json" {
		return &usageError{fmt.Errorf("unknown output format %q: use text or json", o.Output)}
	}
	return nil
}

func (o *applyOptions) run(ctx context.Context, args []string) error {
	saved, err := o.savedPlan(args)
	if err != nil {
		return err
	}
	m, err := loadManifestIn(o.Path, o.io, o.OutputDir)
	if err != nil {
		return liveHints(ctx, err, &o.conn, o.io)
	}
	c, err := o.conn.client(o.io)
	if err != nil {
		return err
	}
	if m.Stack != "" && !o.DryRun {
		unlock, err := lockStack(ctx, c, m.Stack, o.LockTimeout, o.io)
		if err != nil {
			return err
		}
		defer unlock()
	}
	opts, err := o.scope.options()
	if err != nil {
		return err
	}
	st, err := computePlan(ctx, m, c, opts)
	if err != nil {
		return err
	}
	// Every output is checked with authentik's values before any write.
	if err := checkOutputsLive(m, o.io, o.OutputDir, c.BaseURL(), st.live); err != nil {
		return err
	}
	if err := previewOutputs(st, o.io, o.OutputDir, c.BaseURL()); err != nil {
		return err
	}
	if saved != nil {
		if err := checkSavedPlan(o.io, saved, st, o.Path); err != nil {
			return err
		}
	}
	if o.report != nil {
		o.report.planned(st.plan, resultNotAttempted)
	} else {
		color := o.io.colorEnabled()
		if err := render.Text(o.io.Out, st.plan, render.TextOptions{Color: color}); err != nil {
			return err
		}
		// (-o json: the report is the whole output, stderr stays empty.)
		noStackNote(o.io, m)
		openAppNotes(o.io, m, st.live)
	}
	if o.DryRun {
		if o.report != nil {
			o.report.planned(st.plan, "planned")
			o.report.Status = "planned"
			return o.report.write(o.io.Out)
		}
		return nil
	}
	if st.plan.HasChanges() {
		if saved == nil {
			if !o.AutoApprove && o.report == nil {
				if err := render.DestroyWarnings(o.io.Out, st.plan); err != nil {
					return err
				}
			}
			if err := o.confirm(ctx); err != nil {
				return err
			}
		}
		if st, err = o.apply(ctx, st); err != nil {
			return err
		}
	}
	// st.live is now the freshest read: outputs need no other request.
	if o.report == nil {
		if err := writeOutputs(o.io, st.manifest, o.OutputDir, st.client.BaseURL(), st.live); err != nil {
			return err
		}
		_, err := writeOutpostTokens(ctx, o.io, o.io.Out, st.manifest, o.OutputDir, st.client, st.live)
		return err
	}
	written, err := writeOutputFiles(o.io, io.Discard, st.manifest, o.OutputDir, st.client.BaseURL(), st.live)
	o.report.Outputs = append(o.report.Outputs, written...)
	if err != nil {
		return err
	}
	written, err = writeOutpostTokens(ctx, o.io, io.Discard, st.manifest, o.OutputDir, st.client, st.live)
	o.report.Outputs = append(o.report.Outputs, written...)
	if err != nil {
		return err
	}
	if o.report.Status == "" {
		o.report.Status = "no changes"
	}
	return o.report.write(o.io.Out)
}

// savedPlan reads apply's positional saved plan, if any; it checks the
// manifest's digest before the manifest is loaded, so a changed manifest
// is refused as stale even when it no longer loads.
func (o *applyOptions) savedPlan(args []string) (*planfile.File, error) {
	if len(args) == 0 {
		if o.Path == "" {
			return nil, &usageError{errors.New("apply needs a manifest (-f PATH) or a saved plan (provision apply PLAN-FILE)")}
		}
		return nil, nil
	}
	saved, err := readSavedPlan(args[0])
	if err != nil {
		return nil, err
	}
	if o.report != nil {
		o.report.SavedPlan = args[0]
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
	return saved, nil
}

// reportErrors turns an error under -o json into the JSON report on
// stdout; the exit code stays the error's.
func (o *applyOptions) reportErrors(err error) error {
	if err == nil {
		return nil
	}
	var silent *silentError
	if errors.As(err, &silent) && o.report.Status == "failed" {
		return err // the report is written
	}
	o.report.Status = "error"
	o.report.Error = err.Error()
	if werr := o.report.write(o.io.Out); werr != nil {
		return err
	}
	return &silentError{err}
}

// confirm asks on a terminal; without one, --auto-approve is required. An
// interrupt while it waits for the answer ends apply at once (exit 130):
// the read of the terminal cannot be cancelled, so it is not waited for.
func (o *applyOptions) confirm(ctx context.Context) error {
	if o.AutoApprove {
		return nil
	}
	if o.report != nil {
		return errors.New("refusing to apply without confirmation: -o json cannot ask; review the plan and pass --auto-approve, or apply a saved plan")
	}
	if !o.io.StdinTTY {
		return errors.New("refusing to apply without confirmation: no terminal to ask on; review the plan and pass --auto-approve")
	}
	fmt.Fprint(o.io.Out, "\nDo you want to perform these actions? Only 'yes' will be accepted: ")
	type answer struct {
		line string
		err  error
	}
	answered := make(chan answer, 1)
	go func() {
		line, err := bufio.NewReader(o.io.In).ReadString('\n')
		answered <- answer{line, err}
	}()
	var line string
	select {
	case <-ctx.Done():
		fmt.Fprintln(o.io.Out, "\nInterrupted: nothing was changed.")
		return errInterrupted
	case a := <-answered:
		if a.err != nil && a.line == "" {
			return fmt.Errorf("read confirmation: %w", a.err)
		}
		line = a.line
	}
	if strings.TrimSpace(line) != "yes" {
		fmt.Fprintln(o.io.Out, "Apply cancelled.")
		return &silentError{errors.New("apply cancelled")}
	}
	return nil
}

// apply performs the plan, then re-reads authentik and returns that state,
// which must have an empty plan.
func (o *applyOptions) apply(ctx context.Context, st *state) (*state, error) {
	if o.report == nil {
		fmt.Fprintln(o.io.Out)
	}
	ids := plan.NewIDs(st.live)
	rec, err := writeAhead(ctx, st)
	if err != nil {
		return nil, err
	}
	exec := st.client.Executor()
	// An interrupt stops new changes; those in flight finish (finishing.go).
	var run plan.Executor = finishInFlight{exec}
	var obs plan.Observer = render.NewProgress(o.io.Out)
	counts := &writeCounts{}
	if o.report != nil {
		run, obs = countingExecutor{next: run, counts: counts}, nil
	}
	res := plan.Apply(ctx, st.plan, run, ids, obs, o.Parallelism)
	// Retries since the client was made: the plan's reads count too.
	if o.report == nil {
		o.reportRetries(o.io.Out, st.client.Stats(), authentik.RetryStats{}, exec.Notes())
	} else {
		// stdout is the JSON report, which counts retries per change.
		o.reportRetries(o.io.ErrOut, authentik.RetryStats{}, authentik.RetryStats{}, exec.Notes())
	}
	if len(res.Failed) > 0 || len(res.Skipped) > 0 || ctx.Err() != nil {
		rec.settle(ctx, st, res.Done, o.io.ErrOut)
	}
	if ctx.Err() != nil {
		res = notStarted(res)
		fmt.Fprintf(o.io.ErrOut, "\nInterrupted: %d done, %d failed, %d not attempted.\n", len(res.Done), len(res.Failed), len(res.Skipped))
		o.listUnfinished(res)
		fmt.Fprintln(o.io.ErrOut, "Run apply again to finish: it adopts what was created and does the rest.")
		if o.report != nil {
			o.report.record(res, counts)
			o.report.Status = "failed"
			_ = o.report.write(o.io.Out)
		}
		return nil, errInterrupted
	}
	if o.report != nil {
		o.report.record(res, counts)
		if len(res.Failed) > 0 || len(res.Skipped) > 0 {
			o.report.Status = "failed"
			_ = o.report.write(o.io.Out)
			return nil, &silentError{errors.New("apply failed")}
		}
	}
	if len(res.Failed) > 0 || len(res.Skipped) > 0 {
		fmt.Fprintf(o.io.ErrOut, "\nApply failed: %d done, %d failed, %d not attempted.\n", len(res.Done), len(res.Failed), len(res.Skipped))
		o.listUnfinished(res)
		fmt.Fprintln(o.io.ErrOut, "Fix the cause and run apply again: it adopts what was created and does the rest.")
		return nil, &silentError{errors.New("apply failed")}
	}
	add, change, destroy := st.plan.Summary()
	// Prove convergence: a fresh read must give an empty plan.
	after, err := computePlan(ctx, st.manifest, st.client, st.opts)
	if err != nil {
		return nil, fmt.Errorf("re-read after apply: %w", err)
	}
	if err := rec.finish(ctx, after); err != nil {
		return nil, err
	}
	if after.plan.HasChanges() {
		var lines []string
		for _, c := range after.plan.Changes {
			for _, f := range c.Fields {
				lines = append(lines, fmt.Sprintf("%s %q field %s", c.Kind, c.Key, f.Field))
			}
			if len(c.Fields) == 0 {
				lines = append(lines, fmt.Sprintf("%s %q (%s)", c.Kind, c.Key, c.Action))
			}
		}
		return nil, fmt.Errorf("apply finished but authentik did not keep: %s", strings.Join(lines, "; "))
	}
	if o.report != nil {
		o.report.Status = "applied"
	} else {
		adopted := ""
		if st.plan.Ownership != nil && len(st.plan.Ownership.Adopt) > 0 {
			adopted = fmt.Sprintf(", %d adopted", len(st.plan.Ownership.Adopt))
		}
		fmt.Fprintf(o.io.Out, "\nApply complete: %d added, %d changed, %d destroyed%s. A fresh plan is empty.\n", add, change, destroy, adopted)
	}
	return after, nil
}

// listUnfinished lists the failed and not attempted changes on stderr.
func (o *applyOptions) listUnfinished(res plan.Result) {
	for _, f := range res.Failed {
		fmt.Fprintf(o.io.ErrOut, "  failed:        %s\n", f.Error())
	}
	for _, s := range res.Skipped {
		fmt.Fprintf(o.io.ErrOut, "  not attempted: %s %s %q\n", s.Action, s.Kind, s.Key)
	}
}
