package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/provision/provision/internal/render"
)

type planOptions struct {
	io               IOStreams
	conn             connFlags
	Path             string
	Output           string
	DetailedExitCode bool
	OutputDir        string
	// Out is where --out saves the plan for apply.
	Out   string
	scope scopeFlags
}

func newPlanCmd(streams IOStreams) *cobra.Command {
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
			if err := o.validate(); err != nil {
				return err
			}
			m, err := loadManifestIn(o.Path, o.io, o.OutputDir)
			if err != nil {
				return liveHints(cmd.Context(), err, &o.conn, o.io)
			}
			c, err := o.conn.client(o.io)
			if err != nil {
				return err
			}
			opts, err := o.scope.options()
			if err != nil {
				return err
			}
			st, err := computePlan(cmd.Context(), m, c, opts)
			if err != nil {
				return err
			}
			if err := checkOutputsLive(m, o.io, o.OutputDir, c.BaseURL(), st.live); err != nil {
				return err
			}
			if err := previewOutputs(st, o.io, o.OutputDir, c.BaseURL()); err != nil {
				return err
			}
			if err := o.print(st); err != nil {
				return err
			}
			noStackNote(o.io, m)
			openAppNotes(o.io, m, st.live)
			if o.Out != "" {
				if err := savePlan(o.io, st, o.Path, o.Out); err != nil {
					return err
				}
			}
			if o.DetailedExitCode && st.plan.HasChanges() {
				return errChangesPresent
			}
			return nil
		},
	}
	manifestFlag(cmd, &o.Path)
	o.conn.register(cmd)
	formatFlag(cmd, &o.Output, "text", "output format: text, json, markdown (a pull-request comment) or github (text, and each problem as a GitHub Actions annotation)", streams)
	cmd.Flags().StringVar(&o.Out, "out", "", "also save the plan to this file, for provision apply FILE (holds no secrets)")
	cmd.RunE = jsonErrors(cmd.RunE, &o.Output, streams)
	cmd.RunE = githubErrors(cmd.RunE, &o.Output, streams)
	cmd.Flags().BoolVar(&o.DetailedExitCode, "detailed-exitcode", false, "exit 2 when there are changes, 0 when none")
	outputDirFlag(cmd, &o.OutputDir)
	o.scope.register(cmd)
	return cmd
}

func (o *planOptions) validate() error {
	if o.Output != "text" && o.Output != "json" && o.Output != "markdown" && o.Output != "github" {
		return &usageError{fmt.Errorf("unknown output format %q: use text, json, markdown or github", o.Output)}
	}
	if o.Out != "" && (o.scope.noPrune || len(o.scope.targets) > 0) {
		return &usageError{fmt.Errorf("--out saves a whole plan, which apply PLAN-FILE checks against a whole recompute: drop --no-prune and --target, or pass them to apply -f instead")}
	}
	return nil
}

func (o *planOptions) print(st *state) error {
	if o.Output == "json" {
		return render.JSON(o.io.Out, st.plan)
	}
	if o.Output == "markdown" {
		return render.Markdown(o.io.Out, st.plan)
	}
	return render.Text(o.io.Out, st.plan, render.TextOptions{Color: o.io.colorEnabled()})
}
