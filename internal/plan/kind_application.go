package plan

import (
	"fmt"
	"slices"

	"github.com/provision/provision/internal/manifest"
)

// Application is a live application. Provider is 0 when it has none.
type Application struct {
	PK       string
	Slug     string
	Name     string
	Provider int32
	// BackchannelProviders are deleted with the application (authentik's
	// foreign key cascades).
	BackchannelProviders []int32
	MetaLaunchURL        string
	MetaDescription      string
	MetaPublisher        string
	MetaIcon             string
	Group                string
	OpenInNewTab         bool
	PolicyEngineMode     string
}

// ApplicationSpec creates or updates an application.
type ApplicationSpec struct {
	Slug string
	Name *string
	// Provider is the provider's name, resolved through IDs at apply time;
	// nil = not sent, "" = no provider.
	Provider *string
	// BackchannelProviders are the backchannel providers' names, the
	// complete list, resolved at apply time; nil = not sent.
	BackchannelProviders *[]string
	MetaLaunchURL        *string
	MetaDescription      *string
	MetaPublisher        *string
	MetaIcon             *string
	Group                *string
	OpenInNewTab         *bool
	PolicyEngineMode     *string
	// Rename sends Slug on an update: the manifest's moved: renames the
	// application in place (safe.go); the change's ID is the old slug.
	Rename bool
}

var applicationKind = &KindSpec{
	Kind: KindApplication,
	Refs: []Kind{KindProvider, KindEngineProvider},
	Reads: func(m *manifest.Manifest) Reads {
		if len(m.Applications) == 0 {
			return Reads{}
		}
		return Reads{Kinds: []Kind{KindApplication, KindProvider}}
	},
	Diff: func(c *computer, m *manifest.Manifest) []*Change {
		if c.live.ApplicationsPartial && len(m.Applications) > 0 {
			c.fail(m.Applications[0].Src.Pos, "%s", PartialApplicationsMsg)
			return nil
		}
		return each(m.Applications, c.application)
	},
	IDs: func(l *Live) map[string]string {
		return keyed(l.Applications, func(a *Application) (string, string) { return a.Slug, a.PK })
	},
	Needs: func(c *Change) []string {
		s, ok := c.Spec.(*ApplicationSpec)
		if !ok {
			return nil
		}
		var out []string
		if s.Provider != nil && *s.Provider != "" {
			out = providerNeeds(out, *s.Provider)
		}
		if s.BackchannelProviders != nil {
			for _, name := range *s.BackchannelProviders {
				out = providerNeeds(out, name)
			}
		}
		return out
	},
	// authentik keeps one application per provider: an application set to
	// a provider waits for the applications being deleted, one of which
	// may hold it (a slug renamed in a stack).
	TakesFromDeletes: func(c *Change) bool {
		s, ok := c.Spec.(*ApplicationSpec)
		return ok && s.Provider != nil && *s.Provider != ""
	},
}

func appSlug(a *Application) string { return a.Slug }

// PartialApplicationsMsg refuses to plan applications with a token whose
// user is not a superuser.
const PartialApplicationsMsg = "the API token's user is not a superuser: authentik then lists only the applications that user may access (superuser_full_list is ignored), so provision cannot see which exist; plan applications with a superuser's token"

// application diffs one manifest application; access diffs its group bindings.
func (c *computer) application(a *manifest.Application) *Change {
	live, ch, ok := lookup(c, KindApplication, c.live.Applications, appSlug, a.Slug, a.Src.Pos)
	if !ok {
		return nil
	}
	if a.State.IsAbsent() {
		ch = deletion(ch, live, appSlug)
		if ch != nil {
			for _, pk := range live.BackchannelProviders {
				name := c.providerLabel(pk)
				if at, declared := declaredProvider(c.m, name); declared {
					c.fail(a.Src.At("state"), "deleting application %q also deletes its backchannel provider %q (authentik cascades the delete), which the manifest declares at %s; detach the provider from the application in authentik first, or mark it state: absent too", a.Slug, name, at)
					return nil
				}
				ch.Notes = append(ch.Notes, fmt.Sprintf("authentik also deletes its backchannel provider %q", name))
			}
		}
		return ch
	}
	var l Application
	if live != nil {
		l = *live
	}
	f := &fields{create: live == nil}
	spec := &ApplicationSpec{Slug: a.Slug}
	spec.Name = f.str("name", &a.Name, l.Name)
	// provider: null detaches the provider; leaving the key out leaves it.
	if a.Provider != nil || a.Src.Has("provider") {
		want := ""
		if a.Provider != nil {
			want = *a.Provider
		}
		if (f.create && want != "") || (!f.create && want != c.providerLabel(l.Provider)) {
			f.add("provider", nullIfEmpty(c.providerLabel(l.Provider)), nullIfEmpty(want), false)
			spec.Provider = &want
		}
	}
	// backchannel_providers, when declared, is the complete list.
	if a.Src.Has("backchannel_providers") {
		want := uniqueSorted(a.BackchannelProviders)
		var have []string
		for _, pk := range l.BackchannelProviders {
			have = append(have, c.providerLabel(pk))
		}
		have = uniqueSorted(have)
		if (f.create && len(want) > 0) || (!f.create && !slices.Equal(want, have)) {
			f.add("backchannel_providers", have, want, false)
			spec.BackchannelProviders = &want
		}
	}
	spec.MetaLaunchURL = f.str("meta_launch_url", a.MetaLaunchURL, l.MetaLaunchURL)
	spec.MetaDescription = f.str("meta_description", a.MetaDescription, l.MetaDescription)
	spec.MetaPublisher = f.str("meta_publisher", a.MetaPublisher, l.MetaPublisher)
	spec.MetaIcon = f.str("meta_icon", a.MetaIcon, l.MetaIcon)
	spec.Group = f.str("group", a.Group, l.Group)
	spec.OpenInNewTab = f.boolean("open_in_new_tab", a.OpenInNewTab, l.OpenInNewTab)
	spec.PolicyEngineMode = f.str("policy_engine_mode", a.PolicyEngineMode, l.PolicyEngineMode)
	ch.ID = l.Slug
	if from := c.movedFrom(KindApplication, a.Slug); from != "" && live != nil {
		f.add("slug", from, a.Slug, false)
		spec.Rename, ch.ID = true, from // authentik addresses it by its slug
	}
	return finish(ch, f, spec)
}

func init() {
	owners[KindApplication] = &owner{
		exists: func(x *liveIndex, o Owned) bool { _, ok := x.apps[o.Key]; return ok },
		pk:     func(x *liveIndex, o Owned) string { return x.apps[o.Key].PK },
		prune: func(p *pruning, o Owned) {
			a := p.s.idx.apps[o.Key]
			note := []string{PruneNote}
			for _, pk := range a.BackchannelProviders {
				note = append(note, fmt.Sprintf("authentik also deletes its backchannel provider %q", p.c.providerLabel(pk)))
			}
			p.add(&Change{Kind: KindApplication, Key: o.Key, Action: Delete, ID: a.Slug, Notes: note})
		},
	}
}

// providerNeeds adds what a reference to a provider by name waits for: its
// create, by hand-written code or by the engine (RADIUS, SCIM, RAC).
func providerNeeds(out []string, name string) []string {
	return append(out, Ref(KindProvider, name), Ref(KindEngineProvider, name))
}

// declaredProvider finds a present provider the manifest declares, of
// either kind, and where.
func declaredProvider(m *manifest.Manifest, name string) (manifest.Position, bool) {
	for _, p := range m.Providers {
		if p.Name == name && !p.State.IsAbsent() {
			return p.Src.Pos, true
		}
	}
	for _, e := range m.EntriesOf(manifest.EngineProviderKind) {
		if e.Key == name && !e.State.IsAbsent() {
			return e.Src.Pos, true
		}
	}
	return manifest.Position{}, false
}
