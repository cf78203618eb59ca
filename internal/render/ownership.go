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
		tw.printf("- %s %s: %s (%s)\n", cell(string(k.Kind)), cell(k.Key), cell(k.Reason), cell(k.Source))
	}
}

type jsonKept struct {
	Kind   string `json:"kind"`
	Key    string `json:"key"`
	Source string `json:"source,omitempty"`
	Reason string `json:"reason"`
}
