package render

import "github.com/provision/provision/internal/plan"

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
	tw.printf("\nStack %q: %d to adopt, %d to release.\n", o.Stack, len(o.Adopt), len(o.Release))
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
}

type jsonOwnership struct {
	Stack   string        `json:"stack"`
	Adopt   []plan.Owned  `json:"adopt"`
	Release []jsonRelease `json:"release"`
}

type jsonRelease struct {
	plan.Owned
	Reason string `json:"reason"`
}

func ownershipJSON(o *plan.Ownership) *jsonOwnership {
	if o == nil {
		return nil
	}
	out := &jsonOwnership{Stack: o.Stack, Adopt: append([]plan.Owned{}, o.Adopt...), Release: []jsonRelease{}}
	for _, r := range o.Release {
		out.Release = append(out.Release, jsonRelease{r.Owned, r.Reason})
	}
	return out
}
