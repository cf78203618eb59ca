package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/provision/provision/internal/manifest"
	"github.com/provision/provision/internal/plan"
	"github.com/provision/provision/internal/suggest"
)

// liveHints completes the manifest's "not declared" problems with what
// authentik has, for commands that can read it: a group or provider that
// exists only in authentik is adopted by declaring it, and a typo may be
// closest to a live name. It only reads; when it cannot, err is returned
// unchanged.
func liveHints(ctx context.Context, err error, conn *connFlags, streams IOStreams) error {
	var ds manifest.Diagnostics
	if !errors.As(err, &ds) {
		return err
	}
	var kinds []plan.Kind
	for _, d := range ds {
		if d.Ref == nil {
			continue
		}
		k := plan.KindGroup
		if d.Ref.Kind == "provider" {
			k = plan.KindProvider
		}
		if !slices.Contains(kinds, k) {
			kinds = append(kinds, k)
		}
	}
	if len(kinds) == 0 {
		return err
	}
	c, cerr := conn.client(streams)
	if cerr != nil {
		return err
	}
	live, lerr := c.Snapshot(ctx, plan.Reads{Kinds: kinds})
	if lerr != nil {
		return err
	}
	names := map[string][]string{}
	for _, g := range live.Groups() {
		names["group"] = append(names["group"], g.Name)
	}
	for _, p := range live.Providers {
		names["provider"] = append(names["provider"], p.Name)
	}
	section := map[string]string{"group": "groups", "provider": "providers"}
	out := slices.Clone(ds)
	for i, d := range out {
		if d.Ref == nil {
			continue
		}
		r := d.Ref
		adopt := fmt.Sprintf("declare it under %s to adopt it", section[r.Kind])
		if r.Kind == "group" {
			adopt += " (its members untouched)"
		}
		switch s := suggest.Closest(r.Name, names[r.Kind]); {
		case slices.Contains(names[r.Kind], r.Name):
			out[i].Msg = fmt.Sprintf("%s, which exists in authentik but is not declared in the manifest; %s", r.Subject, adopt)
		case s != "" && !strings.Contains(d.Msg, "did you mean"):
			// The manifest had nothing close; authentik has.
			out[i].Msg = fmt.Sprintf("%s, which is not declared in the manifest; did you mean %q? It exists in authentik: %s", r.Subject, s, adopt)
		}
	}
	return out
}
