package plan

import (
	"slices"

	"github.com/provision/provision/internal/manifest"
)

// Outpost is a live outpost.
type Outpost struct {
	PK        string
	Name      string
	Type      string
	Providers []int32
	Config    map[string]any
	Managed   string
}

// OutpostSpec creates an outpost or changes its providers. The change is
// applied to the providers attached when it runs (add, then remove), so
// providers others attached meanwhile are kept unless the outpost is
// exclusive.
type OutpostSpec struct {
	Name string
	Type string
	// AddProviders are provider names to attach.
	AddProviders []string
	// RemoveProviders are pks of providers to detach (exclusive outposts).
	RemoveProviders []int32
	// Config is the whole config to store (live config merged with the
	// declared keys); nil leaves it alone.
	Config map[string]any
	// ConfigMerge, with Config, redoes the merge at write time.
	ConfigMerge *ObjectMerge
}

var outpostKind = &KindSpec{
	Kind: KindOutpost,
	Refs: []Kind{KindProvider},
	Reads: func(m *manifest.Manifest) Reads {
		if len(m.Outposts) == 0 {
			return Reads{}
		}
		return Reads{Kinds: []Kind{KindOutpost, KindProvider}}
	},
	Diff: func(c *computer, m *manifest.Manifest) []*Change {
		return each(m.Outposts, c.outpost)
	},
	IDs: func(l *Live) map[string]string {
		return keyed(l.Outposts, func(o *Outpost) (string, string) { return o.Name, o.PK })
	},
	Needs: func(c *Change) []string {
		s, ok := c.Spec.(*OutpostSpec)
		if !ok {
			return nil
		}
		var out []string
		for _, p := range s.AddProviders {
			out = append(out, Ref(KindProvider, p))
		}
		return out
	},
}

// outpost diffs one manifest outpost; providers are only detached from an
// exclusive one.
func (c *computer) outpost(o *manifest.Outpost) *Change {
	live, ch, ok := lookup(c, KindOutpost, c.live.Outposts, outpostName, o.Name, o.Src.Pos)
	if !ok {
		return nil
	}
	if o.State.IsAbsent() {
		if live != nil && live.Managed != "" {
			c.fail(o.Src.At("state"), "outpost %q is managed by authentik (%s) and cannot be deleted", o.Name, live.Managed)
			return nil
		}
		return deletion(ch, live, func(l *Outpost) string { return l.PK })
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
		if (o.Exclusive || c.prunesAttachment(o.Name, name)) && !slices.Contains(want, name) {
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
	spec.ConfigMerge = newObjectMerge(spec.Config, o.Config, l.Config)
	ch.ID = l.PK
	return finish(ch, f, spec)
}
