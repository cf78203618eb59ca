package manifest

import (
	"fmt"
	"path"
	"regexp"
	"slices"
	"strings"
)

func validateApplications(v *validation) {
	seen := map[string]Position{}
	usedProvider := map[string]*Application{}
	usedBackchannel := map[string]*Application{}
	mains := map[string]*Application{}
	for i := range v.m.Applications {
		if a := &v.m.Applications[i]; a.Provider != nil && !a.State.IsAbsent() {
			if _, dup := mains[*a.Provider]; !dup {
				mains[*a.Provider] = a
			}
		}
	}
	for i := range v.m.Applications {
		a := &v.m.Applications[i]
		if a.Slug == "" {
			v.ds.add(a.Src.Pos, "application: slug is required")
			continue
		}
		dup(&v.ds, seen, a.Slug, a.Src.Pos, "application slug")
		checkState(&v.ds, a.State, a.Src)
		switch {
		case !slugRE.MatchString(a.Slug):
			v.ds.add(a.Src.At("slug"), fmt.Sprintf("application slug %q may contain only letters, digits, '-' and '_'", a.Slug))
		case slices.Contains(ReservedSlugs, a.Slug):
			v.ds.add(a.Src.At("slug"), fmt.Sprintf("application slug %q is reserved by authentik for its OAuth2 endpoints", a.Slug))
		}
		if a.State.IsAbsent() {
			continue
		}
		if a.Name == "" {
			v.ds.add(a.Src.Pos, fmt.Sprintf("application %q: name is required", a.Slug))
		}
		checkEnum(&v.ds, "policy_engine_mode", a.PolicyEngineMode, a.Src)
		if a.MetaLaunchURL != nil && *a.MetaLaunchURL != "" {
			checkURL(&v.ds, a.Src.At("meta_launch_url"), "meta_launch_url", *a.MetaLaunchURL)
		}
		if a.MetaIcon != nil && *a.MetaIcon != "" {
			if msg := iconProblem(*a.MetaIcon); msg != "" {
				v.ds.add(a.Src.At("meta_icon"), fmt.Sprintf("application %q: meta_icon %q: %s", a.Slug, *a.MetaIcon, msg))
			}
		}
		var prov *Provider
		if a.Provider != nil {
			name := *a.Provider
			prov = v.providers[name]
			typ, absent, declared := v.providerOf(name)
			switch {
			case !declared:
				v.undeclared(a.Src.At("provider"), fmt.Sprintf("application %q uses provider %q", a.Slug, name), "provider", name, v.providerNames())
			case absent:
				v.ds.add(a.Src.At("provider"), fmt.Sprintf("application %q uses provider %q, which the manifest marks state: absent", a.Slug, name))
			case typ == "scim":
				// SCIMProvider is a BackchannelProvider (authentik/providers/scim/models.py).
				v.ds.add(a.Src.At("provider"), fmt.Sprintf("application %q uses SCIM provider %q as its provider: a SCIM provider only pushes users and groups, so list it in backchannel_providers instead", a.Slug, name))
			}
			if other, ok := usedProvider[name]; ok {
				v.ds.add(a.Src.At("provider"), fmt.Sprintf("provider %q is already used by application %q (%s); authentik allows one application per provider", name, other.Slug, other.Src.At("provider")))
			} else {
				usedProvider[name] = a
			}
		}
		v.validateBackchannel(a, mains, usedBackchannel)
		if a.Access != nil {
			for j, g := range a.Access.Groups {
				if !v.groups[g] {
					v.undeclared(a.Src.At(fmt.Sprintf("access.groups[%d]", j)), fmt.Sprintf("application %q allows group %q", a.Slug, g), "group", g, v.groupNames())
				}
			}
		}
		// access.groups is the short form of group bindings: a group is
		// bound once, by one of the two.
		if h := v.m.HostedOf("application", a.Slug); h != nil && a.Access != nil {
			for _, b := range h.Children["policies"] {
				if g, ok := b.Fields["group"].(string); ok && slices.Contains(a.Access.Groups, g) {
					v.ds.add(b.Src.At("group"), fmt.Sprintf("application %q: group %q is bound both by access.groups (%s) and by policies:; keep one (access.groups binds it at the next free order, policies: with its own fields)",
						a.Slug, g, a.Src.At(fmt.Sprintf("access.groups[%d]", slices.Index(a.Access.Groups, g)))))
				}
			}
		}
		if len(a.Outputs) > 0 && v.extra != nil {
			v.ds = append(v.ds, v.extra(a, prov)...)
		}
	}
}

var iconNameRE = regexp.MustCompile(`^[a-zA-Z0-9._/-]+$`)

// iconProblem checks meta_icon as authentik's validate_file_name does
// (authentik/admin/files/validation.py at 2026.2): URLs, fa:// icons and
// /static paths pass; anything else is a file name in authentik's storage.
func iconProblem(name string) string {
	for _, prefix := range []string{"fa://", "http:", "https://", "/static"} {
		if strings.HasPrefix(name, prefix) {
			return ""
		}
	}
	clean := path.Clean(name)
	switch {
	case !iconNameRE.MatchString(strings.ReplaceAll(name, "%(theme)s", "theme")):
		return "a file name may contain only letters, digits, '.', '-', '_', '/' and %(theme)s (or give an http(s) URL)"
	case strings.Contains(name, "//"):
		return "a file name cannot contain //"
	case strings.HasPrefix(name, "/"):
		return "absolute paths are not allowed (or give an http(s) URL)"
	case slices.Contains(strings.Split(name, "/"), ".."):
		return "parent directory references ('..') are not allowed"
	case strings.HasPrefix(clean, "."):
		return "a file name cannot start with '.'"
	}
	return ""
}
