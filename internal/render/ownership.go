package render

import (
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/provision/provision/internal/plan"
)

// ownershipText shows the record part of a plan: each adoption on its own
// line, and record entries dropped without touching authentik.
func ownershipText(tw *textWriter, o *plan.Ownership) {
	if !o.Changes() {
		return
	}
	for _, a := range o.Adopt {
		tw.printf("\n  %s# %s will be adopted%s by stack %q (it exists; from now on the stack owns it)\n", tw.c(bold), a, tw.c(reset), o.Stack)
	}
	for _, r := range o.Release {
		tw.printf("\n  %s# %s will be released%s from stack %q's record (%s)\n", tw.c(bold), r.Owned, tw.c(reset), o.Stack, r.Reason)
	}
	for _, p := range o.Protect {
		tw.printf("\n  %s# %s will be %s%s in stack %q's record\n", tw.c(bold), p, protection(p), tw.c(reset), o.Stack)
	}
	tw.printf("\nStack %q: %d to adopt, %d to release.\n", o.Stack, len(o.Adopt), len(o.Release))
}

func protection(o plan.Owned) string {
	if o.Protect {
		return "protected (protect: true)"
	}
	return "unprotected (protect: false)"
}

// notPrunedText lists the owned objects the manifest dropped that this
// plan keeps (--no-prune, --target).
func notPrunedText(tw *textWriter, o *plan.Ownership) {
	if o == nil {
		return
	}
	for _, k := range o.Kept {
		tw.printf("\n  %s# %s is not pruned%s: no longer in the manifest, kept in authentik and in stack %q's record (--no-prune or --target)\n", tw.c(bold), k, tw.c(reset), o.Stack)
	}
}

func notPrunedMarkdown(tw *textWriter, o *plan.Ownership) {
	if o == nil || len(o.Kept) == 0 {
		return
	}
	tw.printf("\n**Not pruned** (no longer in the manifest, kept by --no-prune or --target):\n\n")
	for _, k := range o.Kept {
		tw.printf("- %s\n", cell(k.String()))
	}
}

// ownershipMarkdown lists adoptions and releases after the changes.
func ownershipMarkdown(tw *textWriter, o *plan.Ownership) {
	if !o.Changes() {
		return
	}
	tw.printf("\n**Stack %s**: %d to adopt, %d to release.\n\n", cell(o.Stack), len(o.Adopt), len(o.Release))
	for _, a := range o.Adopt {
		tw.printf("- %s will be adopted\n", cell(a.String()))
	}
	for _, r := range o.Release {
		tw.printf("- %s will be released from the record (%s)\n", cell(r.Owned.String()), cell(r.Reason))
	}
	for _, p := range o.Protect {
		tw.printf("- %s will be %s in the record\n", cell(p.String()), protection(p))
	}
}

type jsonOwnership struct {
	Stack   string        `json:"stack"`
	Adopt   []plan.Owned  `json:"adopt"`
	Release []jsonRelease `json:"release"`
	// Protect are the owned objects whose protection the record changes.
	Protect []plan.Owned `json:"protect,omitempty"`
	// NotPruned are owned objects the manifest dropped that the plan
	// keeps (--no-prune, --target).
	NotPruned []plan.Owned `json:"not_pruned,omitempty"`
}

type jsonRelease struct {
	plan.Owned
	Reason string `json:"reason"`
}

func ownershipJSON(o *plan.Ownership) *jsonOwnership {
	if o == nil {
		return nil
	}
	out := &jsonOwnership{Stack: o.Stack, Adopt: append([]plan.Owned{}, o.Adopt...), Release: []jsonRelease{}, Protect: o.Protect, NotPruned: o.Kept}
	for _, r := range o.Release {
		out.Release = append(out.Release, jsonRelease{r.Owned, r.Reason})
	}
	return out
}

// keptText lists what the plan leaves alone on targets the manifest
// manages (bindings made by hand): nothing is hidden.
func keptText(tw *textWriter, kept []plan.Kept) {
	for _, k := range kept {
		tw.printf("\n  %s# %s %q is kept%s: %s (%s)\n", tw.c(bold), k.Kind, k.Key, tw.c(reset), k.Reason, k.Source)
	}
}

// warningsText shows the plan's own warnings (plan.Plan.Warnings).
func warningsText(tw *textWriter, ws []string) {
	for _, w := range ws {
		tw.printf("\n  %s# warning: %s%s\n", tw.c(bold), w, tw.c(reset))
	}
}

func warningsMarkdown(tw *textWriter, ws []string) {
	for _, w := range ws {
		tw.printf("\n> **Warning:** %s\n", cell(w))
	}
}

func keptMarkdown(tw *textWriter, kept []plan.Kept) {
	if len(kept) == 0 {
		return
	}
	tw.printf("\n**Kept** (not in the manifest, left in authentik):\n\n")
	for _, k := range kept {
		tw.printf("- %s %s: %s (%s)\n", cell(k.Kind.String()), cell(k.Key), cell(k.Reason), cell(k.Source))
	}
}

type jsonKept struct {
	Kind   string `json:"kind"`
	Key    string `json:"key"`
	Source string `json:"source,omitempty"`
	Reason string `json:"reason"`
}

// StateList writes the stacks' records as a table: stack, kind, object,
// origin (created or adopted); an unreadable record says so.
func StateList(w io.Writer, recs []plan.StackRecord) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "STACK\tKIND\tOBJECT\tORIGIN")
	for _, r := range recs {
		if r.Err != nil {
			fmt.Fprintf(tw, "%s\t(unreadable)\t%v\t\n", r.Stack, r.Err)
			continue
		}
		for _, o := range r.Objects {
			origin := "adopted"
			if o.Created {
				origin = "created"
			}
			label := o.Key
			switch {
			case o.Group != "":
				label = o.Key + " -> group " + o.Group
			case o.Provider != "":
				label = o.Key + " <- provider " + o.Provider
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.Stack, o.Kind, label, origin)
		}
	}
	return tw.Flush()
}
