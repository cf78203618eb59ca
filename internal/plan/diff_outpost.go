package plan

import (
	"slices"

	"github.com/provision/provision/internal/manifest"
)

// outpost diffs one manifest outpost; providers are only detached from an
// exclusive one.
func (c *computer) outpost(o *manifest.Outpost) *Change {
	if !c.readable(KindOutpost, o.Name, o.Src.Pos) {
		return nil
	}
	live, ok := atMostOne(c, KindOutpost, c.live.Outposts, outpostName, o.Name, o.Src.Pos)
	if !ok {
		return nil
	}
	ch := &Change{Kind: KindOutpost, Key: o.Name, Source: o.Src.Pos.String()}
	if o.State.IsAbsent() {
		if live == nil {
			return nil
		}
		if live.Managed != "" {
			c.fail(o.Src.At("state"), "outpost %q is managed by authentik (%s) and cannot be deleted", o.Name, live.Managed)
			return nil
		}
		ch.Action, ch.ID = Delete, live.PK
		return ch
	}
	var l Outpost
	if live != nil {
		l = *live
	}
	f := &fields{create: live == nil}
	if f.create {
		f.add("name", nil, o.Name, false)
	}
	spec := &OutpostSpec{Name: o.Name, Type: o.Type}
	if f.create || (o.Type != "" && o.Type != l.Type) {
		f.add("type", l.Type, o.Type, false)
	}
	want := uniqueSorted(o.Providers)
	var have, after []string
	for _, pk := range l.Providers {
		name := c.providerLabel(pk)
		have = append(have, name)
		if o.Exclusive && !slices.Contains(want, name) {
			spec.RemoveProviders = append(spec.RemoveProviders, pk)
			continue
		}
		after = append(after, name)
	}
	have = uniqueSorted(have)
	for _, name := range want {
		if !slices.Contains(have, name) {
			spec.AddProviders = append(spec.AddProviders, name)
		}
	}
	if f.create || len(spec.AddProviders) > 0 || len(spec.RemoveProviders) > 0 {
		f.add("providers", have, uniqueSorted(append(after, spec.AddProviders...)), false)
	}
	spec.Config = f.object("config", o.Config, l.Config)
	ch.ID = l.PK
	return finish(ch, f, spec)
}
