package manifest

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/provision/provision/internal/kinds"
	"github.com/provision/provision/internal/suggest"
)

// Safe changes: renames in place (moved:) and protection (protect: true).
//
//	moved:
//	  - {kind: group, from: "Chat Users", to: "AI Users"}
//
// renames the live object keyed From to To with a PATCH that keeps its pk,
// so what points at it (memberships, bindings, a provider's client
// credentials) survives. A move whose From no longer exists is a no-op, so
// entries can stay in the manifest. protect: true on an entry refuses any
// plan that would destroy the object; a stack keeps it in its record, so
// dropping a protected entry from the manifest is refused too.

// Move is one rename in place.
type Move struct {
	Kind string `yaml:"kind"`
	From string `yaml:"from"`
	To   string `yaml:"to"`
	Src  Source `yaml:"-"`
}

// MovableKinds are the kinds whose key a move may change: the hand-written
// provider (by name) and application (by slug), and every descriptor kind
// whose key is not immutable (groups by name, flows by slug...).
func MovableKinds() []string {
	out := []string{"provider", "application"}
	for _, name := range kinds.Names() {
		fam := kinds.Family(name)
		if len(fam) == 0 || slices.Contains(fam[0].Immutable, fam[0].Key) {
			continue
		}
		out = append(out, kinds.NounOf(name))
	}
	sort.Strings(out)
	return slices.Compact(out)
}

// Declared reports whether the manifest declares an object of kind with
// key present (a provider by name, an application by slug, an entry by
// key), and where.
func (m *Manifest) Declared(kind, key string) (Position, bool) {
	switch kind {
	case "provider":
		for _, p := range m.Providers {
			if p.Name == key && !p.State.IsAbsent() {
				return p.Src.Pos, true
			}
		}
		return Position{}, false
	case "application":
		for _, a := range m.Applications {
			if a.Slug == key && !a.State.IsAbsent() {
				return a.Src.Pos, true
			}
		}
		return Position{}, false
	}
	for _, e := range m.EntriesOf(kind) {
		if e.Key == key && !e.State.IsAbsent() {
			return e.Src.Pos, true
		}
	}
	return Position{}, false
}

// MoveTo returns the move renaming an object of kind to key (nil: none).
func (m *Manifest) MoveTo(kind, key string) *Move {
	for i := range m.Moved {
		if mv := &m.Moved[i]; mv.Kind == kind && mv.To == key {
			return mv
		}
	}
	return nil
}

func validateMoves(v *validation) {
	movable := MovableKinds()
	from, to := map[string]Position{}, map[string]Position{}
	for i := range v.m.Moved {
		// A move names what users call the kind; one whose new key is a
		// descriptor kind sharing that noun (a RADIUS provider is a
		// "provider") moves an object of that kind.
		if mv := &v.m.Moved[i]; mv.Kind != "" && !slices.Contains(kinds.Names(), mv.Kind) {
			for _, name := range kinds.Names() {
				if kinds.NounOf(name) == mv.Kind {
					if _, ok := v.m.Declared(name, mv.To); ok {
						mv.Kind = name
					}
				}
			}
		}
	}
	for _, mv := range v.m.Moved {
		at := mv.Src.Pos
		if !slices.Contains(movable, kinds.NounOf(mv.Kind)) {
			msg := fmt.Sprintf("moved: kind %q cannot be renamed in place", mv.Kind)
			if s := suggest.Closest(mv.Kind, movable); s != "" {
				msg += fmt.Sprintf("; did you mean %q?", s)
			} else {
				msg += "; the kinds are " + strings.Join(movable, ", ")
			}
			v.ds.add(mv.Src.At("kind"), msg)
			continue
		}
		if mv.From == "" || mv.To == "" {
			v.ds.add(at, fmt.Sprintf("moved: a %s move needs both from: (the old key) and to: (the new one)", mv.Kind))
			continue
		}
		if mv.From == mv.To {
			v.ds.add(mv.Src.At("to"), fmt.Sprintf("moved: %s %q is moved to itself; remove the move", kinds.NounOf(mv.Kind), mv.From))
			continue
		}
		if _, ok := v.m.Declared(mv.Kind, mv.To); !ok {
			v.ds.add(mv.Src.At("to"), fmt.Sprintf("moved: %s %q is not declared in the manifest; declare it, or remove the move", kinds.NounOf(mv.Kind), mv.To))
		}
		if p, ok := v.m.Declared(mv.Kind, mv.From); ok {
			v.ds.add(mv.Src.At("from"), fmt.Sprintf("moved: %s %q is still declared (%s); a moved object has only its new key, so remove that entry or the move", kinds.NounOf(mv.Kind), mv.From, p))
		}
		for _, side := range []struct {
			seen map[string]Position
			key  string
			what string
		}{{from, mv.From, "from"}, {to, mv.To, "to"}} {
			id := mv.Kind + "\x00" + side.key
			if p, dup := side.seen[id]; dup {
				v.ds.add(mv.Src.At(side.what), fmt.Sprintf("moved: another move has %s %q as its %s: too (at %s); keep one of the two", kinds.NounOf(mv.Kind), side.key, side.what, p))
			}
			side.seen[id] = mv.Src.At(side.what)
		}
	}
}

// validateProtect refuses protect: true with state: absent: the delete
// waits for an apply of protect: false.
func validateProtect(v *validation) {
	refuse := func(at Position, label string) {
		v.ds.add(at, fmt.Sprintf("%s is protected (protect: true) and marked state: absent; apply protect: false first, then mark it absent", label))
	}
	for _, e := range v.m.Entries {
		if e.Protect && e.State.IsAbsent() {
			refuse(e.Src.At("protect"), e.Label())
		}
	}
	for _, p := range v.m.Providers {
		if p.Protect && p.State.IsAbsent() {
			refuse(p.Src.At("protect"), fmt.Sprintf("provider %q", p.Name))
		}
	}
	for _, a := range v.m.Applications {
		if a.Protect && a.State.IsAbsent() {
			refuse(a.Src.At("protect"), fmt.Sprintf("application %q", a.Slug))
		}
	}
	for _, o := range v.m.Outposts {
		if o.Protect && o.State.IsAbsent() {
			refuse(o.Src.At("protect"), fmt.Sprintf("outpost %q", o.Name))
		}
	}
}
