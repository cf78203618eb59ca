package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/provision/provision/internal/operation"
	"github.com/provision/provision/internal/plan"
	"github.com/provision/provision/internal/render"
)

type applyOptions struct {
	io  IOStreams
	ctx context.Context
	operation.ApplyOptions
	AutoApprove bool
	Output      string
}

func newApplyCmd(streams IOStreams, runF func(*applyOptions) error) *cobra.Command {
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
			if err := o.Validate(); err != nil {
				return err
			}
			if o.Output != "text" && o.Output != "json" {
				return &usageError{Err: fmt.Errorf("unknown output format %q: use text or json", o.Output)}
			}
			if len(args) > 0 {
				o.SavedPlan = args[0]
			}
			o.ctx, o.Conn.CountRequests = cmd.Context(), o.Output == "json"
			if runF != nil {
				return runF(o)
			}
			return applyRun(o)
		},
	}
	cmd.Flags().StringVarP(&o.Path, "file", "f", "", "manifest file or directory of *.yaml/*.yml files (required unless a saved plan is given)")
	connFlags(cmd, &o.Conn)
	cmd.Flags().BoolVar(&o.AutoApprove, "auto-approve", false, "apply without asking for confirmation")
	cmd.Flags().BoolVar(&o.DryRun, "dry-run", false, "show the plan and stop (same as plan)")
	cmd.Flags().IntVar(&o.Parallelism, "parallelism", plan.DefaultParallelism, "maximum concurrent changes (a default authentik serves 8 requests at once; see docs/performance.md)")
	cmd.Flags().DurationVar(&o.LockTimeout, "lock-timeout", 0, "with a stack: how long to wait for another apply's lock (0: fail at once)")
	formatFlag(cmd, &o.Output, "text", "output format: text or json (a JSON report on stdout)", streams)
	outputDirFlag(cmd, &o.OutputDir)
	scopeFlags(cmd, &o.Scope)
	return cmd
}

// applyRun applies, and with -o json prints the outcome as one report on
// stdout, errors included; the exit code stays the error's.
func applyRun(o *applyOptions) error {
	res := render.Apply{}
	if o.Output == "json" {
		res.SavedPlan = o.SavedPlan
	}
	err := o.run(&res)
	if o.Output != "json" {
		return err
	}
	var silent *silentError
	if err != nil && !(errors.As(err, &silent) && res.Status == "failed") {
		res.Status, res.Err = "error", err
		if render.ApplyJSON(o.io.Out, res) != nil {
			return err
		}
		return &silentError{err}
	}
	if werr := render.ApplyJSON(o.io.Out, res); err == nil {
		return werr
	}
	return err
}

// run applies, filling res; as text, it prints as it goes. (-o json: the
// report is the whole output, stderr stays empty but for notes.)
func (o *applyOptions) run(res *render.Apply) error {
	text := o.Output != "json"
	a, err := operation.PrepareApply(o.ctx, o.io.ops(), o.ApplyOptions)
	if err != nil {
		return err
	}
	defer a.Close()
	res.Plan = a.Plan
	if text {
		if err := render.Text(o.io.Out, a.Plan, render.TextOptions{Color: o.io.colorEnabled()}); err != nil {
			return err
		}
		notes(o.io, a.Manifest, a.State)
	}
	if o.DryRun {
		res.Status = "planned"
		return nil
	}
	if a.Plan.HasChanges() {
		if o.SavedPlan == "" {
			if !o.AutoApprove && text {
				if err := render.DestroyWarnings(o.io.Out, a.Plan); err != nil {
					return err
				}
			}
			if err := o.confirm(); err != nil {
				return err
			}
		}
		if err := o.walk(a, res); err != nil {
			return err
		}
	}
	// a.Live is now the freshest read: outputs need no other request.
	written, printed, err := operation.WriteOutputs(o.ctx, o.io.ops(), a.State, o.OutputDir)
	res.Outputs = append(res.Outputs, written...)
	if text {
		_, _ = o.io.Out.Write(printed)
	}
	if err == nil && res.Status == "" {
		res.Status = "no changes"
	}
	return err
}

// walk performs the plan with progress (text) and says how it ended.
func (o *applyOptions) walk(a *operation.Applying, res *render.Apply) error {
	text := o.Output != "json"
	var obs plan.Observer
	if text {
		fmt.Fprintln(o.io.Out)
		obs = render.NewProgress(o.io.Out)
	}
	r, err := a.Run(o.ctx, obs)
	if r == nil {
		return err
	}
	res.Result, res.Counts, res.Adopted = &r.Result, r.Counts.Get, r.Adopted
	if text {
		render.Retries(o.io.Out, r.Retries, r.Notes)
	} else {
		// stdout is the JSON report, which counts retries per change.
		render.Retries(o.io.ErrOut, render.RetryCounts{}, r.Notes)
	}
	switch {
	case err != nil:
		return err
	case r.Interrupted:
		res.Status = "failed"
		render.ApplyUnfinished(o.io.ErrOut, r.Result, true)
		return errInterrupted
	case r.Unfinished():
		res.Status = "failed"
		if text {
			render.ApplyUnfinished(o.io.ErrOut, r.Result, false)
		}
		return &silentError{errors.New("apply failed")}
	}
	res.Status = "applied"
	if text {
		render.ApplyText(o.io.Out, *res)
	}
	return nil
}

// confirm asks on a terminal; without one, --auto-approve is required. An
// interrupt while it waits for the answer ends apply at once (exit 130):
// the read of the terminal cannot be cancelled, so it is not waited for.
func (o *applyOptions) confirm() error {
	if o.AutoApprove {
		return nil
	}
	if o.Output == "json" {
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
	case <-o.ctx.Done():
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
