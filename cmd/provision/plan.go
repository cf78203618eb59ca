package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/provision/provision/internal/operation"
	"github.com/provision/provision/internal/render"
)

type planOptions struct {
	io  IOStreams
	ctx context.Context
	operation.PlanOptions
	Output           string
	DetailedExitCode bool
	// Out is where --out saves the plan for apply.
	Out string
}

func newPlanCmd(streams IOStreams, runF func(*planOptions) error) *cobra.Command {
	o := &planOptions{io: streams}
	cmd := &cobra.Command{
		Use:   "plan -f PATH",
		Short: "Show what apply would change in authentik",
		Long: `plan reads the manifest and authentik's live state and shows, field by field,
what apply would create, update and delete. It changes nothing.

Exit codes: 0 success (with --detailed-exitcode: no changes), 1 error,
2 with --detailed-exitcode: there are changes.

--out FILE also saves the plan (no secrets: the manifest's digest, the
changes and a fingerprint of every live object read); provision apply FILE
then performs exactly it, or refuses it as stale.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if o.Output != "text" && o.Output != "json" && o.Output != "markdown" && o.Output != "github" {
				return &usageError{Err: fmt.Errorf("unknown output format %q: use text, json, markdown or github", o.Output)}
			}
			if o.Out != "" && !o.Scope.Whole() {
				return &usageError{Err: fmt.Errorf("--out saves a whole plan, which apply PLAN-FILE checks against a whole recompute: drop --no-prune and --target, or pass them to apply -f instead")}
			}
			o.ctx = cmd.Context()
			if runF != nil {
				return runF(o)
			}
			return planRun(o)
		},
	}
	manifestFlag(cmd, &o.Path)
	connFlags(cmd, &o.Conn)
	formatFlag(cmd, &o.Output, "text", "output format: text, json, markdown (a pull-request comment) or github (text, and each problem as a GitHub Actions annotation)", streams)
	cmd.Flags().StringVar(&o.Out, "out", "", "also save the plan to this file, for provision apply FILE (holds no secrets)")
	cmd.RunE = jsonErrors(cmd.RunE, &o.Output, streams)
	cmd.RunE = githubErrors(cmd.RunE, &o.Output, streams)
	cmd.Flags().BoolVar(&o.DetailedExitCode, "detailed-exitcode", false, "exit 2 when there are changes, 0 when none")
	outputDirFlag(cmd, &o.OutputDir)
	scopeFlags(cmd, &o.Scope)
	return cmd
}

func planRun(o *planOptions) error {
	st, err := operation.Plan(o.ctx, o.io.ops(), o.PlanOptions)
	if err != nil {
		return err
	}
	switch o.Output {
	case "json":
		err = render.JSON(o.io.Out, st.Plan)
	case "markdown":
		err = render.Markdown(o.io.Out, st.Plan)
	default:
		err = render.Text(o.io.Out, st.Plan, render.TextOptions{Color: o.io.colorEnabled()})
	}
	if err != nil {
		return err
	}
	notes(o.io, st.Manifest, st)
	if o.Out != "" {
		if err := operation.SavePlan(o.io.ops(), st, o.Path, o.Out, "provision/"+buildVersion()); err != nil {
			return err
		}
		// On stderr, so stdout stays the plan itself (text, JSON or markdown).
		fmt.Fprintf(o.io.ErrOut, "Saved the plan to %s (no secrets in it). Apply exactly this plan with:\n  provision apply %s\n", o.Out, o.Out)
	}
	if o.DetailedExitCode && st.Plan.HasChanges() {
		return errChangesPresent
	}
	return nil
}
