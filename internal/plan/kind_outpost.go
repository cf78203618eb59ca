package plan

import (
	"fmt"
	"maps"
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
	// ServiceConnection is the service connection's pk ("" for none).
	ServiceConnection string
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
	// ServiceConnection is the service connection to set (a zero
	// Reference: null); nil leaves it alone.
	ServiceConnection *Reference
}

var outpostKind = &KindSpec{
	Kind: KindOutpost,
	Refs: []Kind{KindProvider, KindEngineProvider, KindServiceConnection},
	Reads: func(m *manifest.Manifest) Reads {
		if len(m.Outposts) == 0 {
			return Reads{}
		}
		r := Reads{Kinds: []Kind{KindOutpost, KindProvider}}
		for _, o := range m.Outposts {
			if o.Src.Has("service_connection") {
				r.Kinds = append(r.Kinds, KindServiceConnection)
				break
			}
		}
		return r
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
			out = providerNeeds(out, p)
		}
		if r := s.ServiceConnection; r != nil && r.PK == "" && r.Key != "" {
			out = append(out, Ref(r.Kind, r.Key))
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
	if o.Src.Has("service_connection") && !c.outpostConnection(o, l, f, spec) {
		return nil
	}
	spec.Config = f.object("config", o.Config, l.Config)
	spec.ConfigMerge = newObjectMerge(spec.Config, o.Config, l.Config)
	ch.ID = l.PK
	return finish(ch, f, spec)
}

func init() {
	owners[KindOutpost] = &owner{
		exists: func(x *liveIndex, o Owned) bool { _, ok := x.outposts[o.Key]; return ok },
		pk:     func(x *liveIndex, o Owned) string { return x.outposts[o.Key].PK },
		makes: func(c *Change) []Owned {
			sp, _ := c.Spec.(*OutpostSpec)
			var out []Owned
			for _, prov := range sp.addProviders() {
				out = append(out, Owned{Kind: KindAttachment, Key: c.Key, Provider: prov, Created: true})
			}
			return out
		},
		prune: func(p *pruning, o Owned) {
			if p.s.idx.outposts[o.Key].Managed != "" {
				p.release(o, "managed by authentik, never deleted")
				return
			}
			p.add(&Change{Kind: KindOutpost, Key: o.Key, Action: Delete, ID: p.s.idx.outposts[o.Key].PK, Notes: []string{PruneNote}})
		},
	}
	// Providers a stack attached to an outpost: detached when dropped, one
	// outpost update each.
	owners[KindAttachment] = &owner{
		label: func(o Owned) string { return fmt.Sprintf("provider %q attached to outpost %q", o.Provider, o.Key) },
		exists: func(x *liveIndex, o Owned) bool {
			op, ok := x.outposts[o.Key]
			p, pok := x.providers[o.Provider]
			return ok && pok && slices.Contains(op.Providers, p.PK)
		},
		prune: func(p *pruning, o Owned) {
			if p.declared[o.Key] || p.s.prunedWith(o) {
				return // detached by the outpost's diff, or with the provider/outpost
			}
			detach, _ := p.gathered[KindAttachment].(map[string]*OutpostSpec)
			if detach == nil {
				detach = map[string]*OutpostSpec{}
				p.gathered[KindAttachment] = detach
			}
			sp := detach[o.Key]
			if sp == nil {
				sp = &OutpostSpec{Name: o.Key}
				detach[o.Key] = sp
			}
			sp.RemoveProviders = append(sp.RemoveProviders, p.s.idx.providers[o.Provider].PK)
		},
		finish: func(p *pruning) {
			detach, _ := p.gathered[KindAttachment].(map[string]*OutpostSpec)
			for _, name := range slices.Sorted(maps.Keys(detach)) {
				sp := detach[name]
				op := p.s.idx.outposts[name]
				var before, after []string
				for _, pk := range op.Providers {
					label := p.c.providerLabel(pk)
					before = append(before, label)
					if !slices.Contains(sp.RemoveProviders, pk) {
						after = append(after, label)
					}
				}
				p.add(&Change{Kind: KindOutpost, Key: name, Action: Update, ID: op.PK, Notes: []string{"providers this stack attached are " + PruneNote},
					Fields: []FieldChange{{Field: "providers", Before: uniqueSorted(before), After: uniqueSorted(after)}}, Spec: sp})
			}
		},
	}
}

// addProviders are the providers the spec attaches (none for a nil spec).
func (s *OutpostSpec) addProviders() []string {
	if s == nil {
		return nil
	}
	return s.AddProviders
}

// outpostConnection diffs an outpost's service_connection (a service
// connection by name; null: none); false when the reference fails.
func (c *computer) outpostConnection(o *manifest.Outpost, l Outpost, f *fields, spec *OutpostSpec) bool {
	have := c.keyOfPK(string(KindServiceConnection), l.ServiceConnection)
	want := ""
	if o.ServiceConnection != nil {
		want = *o.ServiceConnection
	}
	if want == have && !f.create || want == "" && f.create {
		return true
	}
	ref, ok := c.entryRef(string(KindServiceConnection), want, o.Src.At("service_connection"))
	if !ok {
		return false
	}
	f.add("service_connection", nullIfEmpty(have), nullIfEmpty(want), false)
	spec.ServiceConnection = &ref
	return true
}

// An outpost's destroy deletes its API token: its deployment stops
// connecting (safe.go).
func init() {
	deleteWarnings[KindOutpost] = func(_ *computer, ch *Change) []string {
		return []string{fmt.Sprintf("outpost %q is destroyed with its API token: the outpost deployment using that token stops working", ch.Key)}
	}
}
