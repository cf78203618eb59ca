package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/provision/provision/internal/authentik"
	"github.com/provision/provision/internal/plan"
	"github.com/provision/provision/internal/suggest"
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
	cmd.AddCommand(newStateListCmd(streams), newStateReleaseCmd(streams), newStateUnlockCmd(streams))
	return cmd
}

func newStateListCmd(streams IOStreams) *cobra.Command {
	var conn connFlags
	var stack string
	cmd := &cobra.Command{
		Use:   "list [--stack NAME]",
		Short: "Show the objects each stack owns",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := conn.client(streams)
			if err != nil {
				return err
			}
			recs, err := c.Records(cmd.Context())
			if err != nil {
				return err
			}
			if stack != "" && !slices.ContainsFunc(recs, func(r plan.StackRecord) bool { return r.Stack == stack }) {
				var names []string
				for _, r := range recs {
					names = append(names, r.Stack)
				}
				msg := fmt.Sprintf("authentik holds no record of stack %q: no apply of it has run", stack)
				if near := suggest.Closest(stack, names); near != "" {
					msg += fmt.Sprintf("; did you mean %q?", near)
				}
				return errors.New(msg)
			}
			tw := tabwriter.NewWriter(streams.Out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "STACK\tKIND\tOBJECT\tORIGIN")
			for _, r := range recs {
				if stack != "" && r.Stack != stack {
					continue
				}
				if r.Err != nil {
					fmt.Fprintf(tw, "%s\t(unreadable)\t%v\t\n", r.Stack, r.Err)
					continue
				}
				for _, o := range r.Objects {
					origin := "adopted"
					if o.Created {
						origin = "created"
					}
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.Stack, o.Kind, objectLabel(o), origin)
				}
			}
			return tw.Flush()
		},
	}
	conn.register(cmd)
	cmd.Flags().StringVar(&stack, "stack", "", "only this stack")
	return cmd
}

func objectLabel(o plan.Owned) string {
	switch {
	case o.Group != "":
		return o.Key + " -> group " + o.Group
	case o.Provider != "":
		return o.Key + " <- provider " + o.Provider
	}
	return o.Key
}

func newStateReleaseCmd(streams IOStreams) *cobra.Command {
	var conn connFlags
	var stack, kind, key, group, provider string
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
			if err := checkReleaseKind(kind); err != nil {
				return err
			}
			c, err := conn.client(streams)
			if err != nil {
				return err
			}
			return releaseOwned(cmd.Context(), streams, c, stack, plan.Owned{Kind: plan.Kind(kind), Key: key, Group: group, Provider: provider})
		},
	}
	conn.register(cmd)
	cmd.Flags().StringVar(&stack, "stack", "", "the stack whose record to change (required)")
	cmd.Flags().StringVar(&kind, "kind", "", "the object's kind (required)")
	cmd.Flags().StringVar(&key, "key", "", "the object's name, or an application's slug (required)")
	cmd.Flags().StringVar(&group, "group", "", "for kind access: the bound group's name")
	cmd.Flags().StringVar(&provider, "provider", "", "for kind outpost attachment: the provider's name")
	for _, f := range []string{"stack", "kind", "key"} {
		_ = cmd.MarkFlagRequired(f)
	}
	kinds := make([]cobra.Completion, len(releaseKinds))
	for i, k := range releaseKinds {
		kinds[i] = string(k)
	}
	_ = cmd.RegisterFlagCompletionFunc("kind", cobra.FixedCompletions(kinds, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// releaseKinds are the kinds a stack's record holds, as --kind spells them.
var releaseKinds = plan.OwnedKinds()

// checkReleaseKind refuses a --kind no record can hold, before any request.
func checkReleaseKind(kind string) error {
	var names []string
	for _, k := range releaseKinds {
		if string(k) == kind {
			return nil
		}
		names = append(names, string(k))
	}
	if s := suggest.Closest(kind, names); s != "" {
		return fmt.Errorf("unknown --kind %q; did you mean %q?", kind, s)
	}
	return fmt.Errorf("unknown --kind %q: use one of %s", kind, strings.Join(names, ", "))
}

func releaseOwned(ctx context.Context, streams IOStreams, c *authentik.Client, stack string, o plan.Owned) error {
	unlock, err := lockStack(ctx, c, stack, 0, streams)
	if err != nil {
		return err
	}
	defer unlock()
	recs, err := c.Records(ctx)
	if err != nil {
		return err
	}
	for _, r := range recs {
		if r.Stack != stack {
			continue
		}
		if r.Err != nil {
			return fmt.Errorf("the ownership record of stack %q cannot be read: %v; repair or delete the blueprint instance %q in authentik", stack, r.Err, plan.RecordName(stack))
		}
		kept := slices.DeleteFunc(slices.Clone(r.Objects), func(x plan.Owned) bool {
			return x.Kind == o.Kind && x.Key == o.Key && x.Group == o.Group && x.Provider == o.Provider
		})
		if len(kept) == len(r.Objects) {
			var keys []string
			for _, x := range r.Objects {
				if x.Kind == o.Kind {
					keys = append(keys, x.Key)
				}
			}
			if s := suggest.Closest(o.Key, keys); s != "" && s != o.Key {
				return fmt.Errorf("stack %q does not own %s; did you mean %q? (provision state list --stack %s shows what it owns)", stack, o, s, stack)
			}
			return fmt.Errorf("stack %q does not own %s; provision state list --stack %s shows what it owns", stack, o, stack)
		}
		if _, err := c.WriteRecord(ctx, stack, r.PK, kept); err != nil {
			return err
		}
		fmt.Fprintf(streams.Out, "Released %s from stack %q: it stays in authentik, and the stack no longer prunes it.\n", o, stack)
		return nil
	}
	return fmt.Errorf("stack %q has no ownership record in authentik (no blueprint instance %q)", stack, plan.RecordName(stack))
}

func newStateUnlockCmd(streams IOStreams) *cobra.Command {
	var conn connFlags
	var stack string
	cmd := &cobra.Command{
		Use:   "unlock --stack NAME",
		Short: "Break a stack's apply lock (only when the apply holding it is dead)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := conn.client(streams)
			if err != nil {
				return err
			}
			h, err := c.BreakLock(cmd.Context(), stack)
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
	conn.register(cmd)
	cmd.Flags().StringVar(&stack, "stack", "", "the stack to unlock (required)")
	_ = cmd.MarkFlagRequired("stack")
	return cmd
}
