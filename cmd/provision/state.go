package main

import (
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/provision/provision/internal/authentik"
	"github.com/provision/provision/internal/operation"
	"github.com/provision/provision/internal/plan"
	"github.com/provision/provision/internal/render"
)

// provision state: read and repair the stacks' ownership records and locks
// kept in authentik (blueprint instances provision-stack-NAME and
// provision-lock-NAME).
func newStateCmd(streams IOStreams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "state",
		Short: "List, release or unlock what stacks own in authentik",
		Long: `A manifest with "stack: NAME" owns the objects it created or adopted; the
record lives in authentik, in the disabled blueprint instance
provision-stack-NAME. "state list" shows the records, "state release" drops an
object from a stack's record (it stays in authentik; another stack may then
adopt it), and "state unlock" breaks a stack's apply lock.`,
	}
	cmd.AddCommand(newStateListCmd(streams), newStateReleaseCmd(streams, nil), newStateUnlockCmd(streams))
	return cmd
}

func newStateListCmd(streams IOStreams) *cobra.Command {
	var conn operation.Conn
	var stack string
	cmd := &cobra.Command{
		Use:   "list [--stack NAME]",
		Short: "Show the objects each stack owns",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			recs, err := operation.StateList(cmd.Context(), streams.ops(), conn, stack)
			if err != nil {
				return err
			}
			return render.StateList(streams.Out, recs)
		},
	}
	connFlags(cmd, &conn)
	cmd.Flags().StringVar(&stack, "stack", "", "only this stack")
	return cmd
}

// releaseOptions are state release's.
type releaseOptions struct {
	Conn  operation.Conn
	Stack string
	plan.Owned
	kind string
}

func newStateReleaseCmd(streams IOStreams, runF func(*releaseOptions) error) *cobra.Command {
	o := &releaseOptions{}
	cmd := &cobra.Command{
		Use:   "release --stack NAME --kind KIND --key KEY",
		Short: "Drop an object from a stack's record; it stays in authentik",
		Long: `release drops one object from a stack's ownership record without touching
authentik: the stack no longer prunes it, and another stack's manifest may
declare (adopt) it. KIND is one of: group, scope mapping, provider,
application, outpost, access (with --group), outpost attachment (with
--provider). To move an object from stack A to stack B: release it from A,
then apply B, which adopts it.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o.Kind = plan.Kind(o.kind)
			if runF != nil {
				return runF(o)
			}
			if err := operation.StateRelease(cmd.Context(), streams.ops(), o.Conn, o.Stack, o.Owned); err != nil {
				return err
			}
			fmt.Fprintf(streams.Out, "Released %s from stack %q: it stays in authentik, and the stack no longer prunes it.\n", o.Owned, o.Stack)
			return nil
		},
	}
	connFlags(cmd, &o.Conn)
	cmd.Flags().StringVar(&o.Stack, "stack", "", "the stack whose record to change (required)")
	cmd.Flags().StringVar(&o.kind, "kind", "", "the object's kind (required)")
	cmd.Flags().StringVar(&o.Key, "key", "", "the object's name, or an application's slug (required)")
	cmd.Flags().StringVar(&o.Group, "group", "", "for kind access: the bound group's name")
	cmd.Flags().StringVar(&o.Provider, "provider", "", "for kind outpost attachment: the provider's name")
	for _, f := range []string{"stack", "kind", "key"} {
		_ = cmd.MarkFlagRequired(f)
	}
	var kinds []cobra.Completion
	for _, k := range operation.ReleaseKindNames() {
		kinds = append(kinds, k)
	}
	_ = cmd.RegisterFlagCompletionFunc("kind", cobra.FixedCompletions(kinds, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func newStateUnlockCmd(streams IOStreams) *cobra.Command {
	var conn operation.Conn
	var stack string
	cmd := &cobra.Command{
		Use:   "unlock --stack NAME",
		Short: "Break a stack's apply lock (only when the apply holding it is dead)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			h, err := operation.StateUnlock(cmd.Context(), streams.ops(), conn, stack)
			if errors.Is(err, authentik.ErrNotLocked) {
				fmt.Fprintf(streams.Out, "Stack %q is not locked.\n", stack)
				return nil
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(streams.Out, "Broke the lock of stack %q held by host %s, pid %d, since %s.\n", stack, h.Host, h.PID, h.Since.UTC().Format(time.RFC3339))
			return nil
		},
	}
	connFlags(cmd, &conn)
	cmd.Flags().StringVar(&stack, "stack", "", "the stack to unlock (required)")
	_ = cmd.MarkFlagRequired("stack")
	return cmd
}
