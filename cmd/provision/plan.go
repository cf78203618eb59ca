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
}

func newPlanCmd(streams IOStreams) *cobra.Command {
	o := &planOptions{io: streams}
	cmd := &cobra.Command{
		Use:   "plan -f PATH",
		Short: "Show what apply would change in authentik",
		Long: `plan reads the manifest and authentik's live state and shows, field by field,
what apply would create, update and delete. It changes nothing.

Exit codes: 0 success (with --detailed-exitcode: no changes), 1 error,
2 with --detailed-exitcode: there are changes.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := o.validate(); err != nil {
				return err
			}
			m, err := loadManifest(o.Path, o.io)
			if err != nil {
				return err
			}
			c, err := o.conn.client(o.io)
			if err != nil {
				return err
			}
			st, err := computePlan(cmd.Context(), m, c)
			if err != nil {
				return err
			}
			if err := o.print(st); err != nil {
				return err
			}
			noStackNote(o.io, m)
			if o.DetailedExitCode && st.plan.HasChanges() {
				return errChangesPresent
			}
			return nil
		},
	}
	manifestFlag(cmd, &o.Path)
	o.conn.register(cmd)
	cmd.Flags().StringVarP(&o.Output, "output", "o", "text", "output format: text or json")
	cmd.Flags().BoolVar(&o.DetailedExitCode, "detailed-exitcode", false, "exit 2 when there are changes, 0 when none")
	return cmd
}

func (o *planOptions) validate() error {
	if o.Output != "text" && o.Output != "json" {
		return &usageError{fmt.Errorf("unknown output format %q: use text or json", o.Output)}
	}
	return nil
}

func (o *planOptions) print(st *state) error {
	if o.Output == "json" {
		return render.JSON(o.io.Out, st.plan)
	}
	return render.Text(o.io.Out, st.plan, render.TextOptions{Color: o.io.colorEnabled()})
}
