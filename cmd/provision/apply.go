package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/provision/provision/internal/plan"
	"github.com/provision/provision/internal/render"
)

type applyOptions struct {
	io          IOStreams
	conn        connFlags
	Path        string
	AutoApprove bool
	DryRun      bool
	Parallelism int
}

func newApplyCmd(streams IOStreams) *cobra.Command {
	o := &applyOptions{io: streams}
	cmd := &cobra.Command{
		Use:   "apply -f PATH",
		Short: "Make authentik match the manifest, then write the applications' outputs",
		Long: `apply computes the plan, shows it, asks for confirmation (unless
--auto-approve) and performs it, each change as soon as the objects it
references exist (a group and a provider before the application and access
that use them), --parallelism at a time; deletes in reverse. It then re-reads
authentik to prove the plan is empty, and writes each application's outputs
(such as LibreChat's .env). Running it again changes nothing.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := o.validate(); err != nil {
				return err
			}
			return o.run(cmd.Context())
		},
	}
	manifestFlag(cmd, &o.Path)
	o.conn.register(cmd)
	cmd.Flags().BoolVar(&o.AutoApprove, "auto-approve", false, "apply without asking for confirmation")
	cmd.Flags().BoolVar(&o.DryRun, "dry-run", false, "show the plan and stop (same as plan)")
	cmd.Flags().IntVar(&o.Parallelism, "parallelism", plan.DefaultParallelism, "maximum concurrent changes (authentik serialises writes on its database: more buys little; see README, Performance)")
	return cmd
}

func (o *applyOptions) validate() error {
	if o.Parallelism < 1 {
		return &usageError{fmt.Errorf("--parallelism must be at least 1, got %d", o.Parallelism)}
	}
	return nil
}

func (o *applyOptions) run(ctx context.Context) error {
	m, err := loadManifest(o.Path, o.io)
	if err != nil {
		return err
	}
	c, err := o.conn.client(o.io)
	if err != nil {
		return err
	}
	st, err := computePlan(ctx, m, c)
	if err != nil {
		return err
	}
	color := o.io.colorEnabled()
	if err := render.Text(o.io.Out, st.plan, render.TextOptions{Color: color}); err != nil {
		return err
	}
	if o.DryRun {
		return nil
	}
	if st.plan.HasChanges() {
		if err := o.confirm(); err != nil {
			return err
		}
		if st, err = o.apply(ctx, st); err != nil {
			return err
		}
	}
	// st.live is now the freshest read: outputs need no other request.
	return writeOutputs(o.io, st.manifest, st.client, st.live)
}

// confirm asks on a terminal; without one, --auto-approve is required.
func (o *applyOptions) confirm() error {
	if o.AutoApprove {
		return nil
	}
	if !o.io.StdinTTY {
		return errors.New("refusing to apply without confirmation: no terminal to ask on; review the plan and pass --auto-approve")
	}
	fmt.Fprint(o.io.Out, "\nDo you want to perform these actions? Only 'yes' will be accepted: ")
	line, err := bufio.NewReader(o.io.In).ReadString('\n')
	if err != nil && line == "" {
		return fmt.Errorf("read confirmation: %w", err)
	}
	if strings.TrimSpace(line) != "yes" {
		return &silentError{errors.New("apply cancelled")}
	}
	return nil
}

// apply performs the plan, then re-reads authentik and returns that state,
// which must have an empty plan.
func (o *applyOptions) apply(ctx context.Context, st *state) (*state, error) {
	fmt.Fprintln(o.io.Out)
	ids := plan.NewIDs(st.live)
	res := plan.Apply(ctx, st.plan, st.client.Executor(), ids, render.NewProgress(o.io.Out), o.Parallelism)
	if len(res.Failed) > 0 || len(res.Skipped) > 0 {
		fmt.Fprintf(o.io.ErrOut, "\nApply failed: %d done, %d failed, %d not attempted.\n", len(res.Done), len(res.Failed), len(res.Skipped))
		for _, f := range res.Failed {
			fmt.Fprintf(o.io.ErrOut, "  failed:        %s\n", f.Error())
		}
		for _, s := range res.Skipped {
			fmt.Fprintf(o.io.ErrOut, "  not attempted: %s %s %q\n", s.Action, s.Kind, s.Key)
		}
		fmt.Fprintln(o.io.ErrOut, "Fix the cause and run apply again: it adopts what was created and does the rest.")
		return nil, &silentError{errors.New("apply failed")}
	}
	add, change, destroy := st.plan.Summary()
	// Prove convergence: a fresh read must give an empty plan.
	after, err := computePlan(ctx, st.manifest, st.client)
	if err != nil {
		return nil, fmt.Errorf("re-read after apply: %w", err)
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
	fmt.Fprintf(o.io.Out, "\nApply complete: %d added, %d changed, %d destroyed. A fresh plan is empty.\n", add, change, destroy)
	return after, nil
}
