package store

import (
	"net/url"
	"slices"
	"strings"

	"github.com/provision/provision/internal/emulator/httpapi"
)

// Applications, as authentik/core/api/applications.py
// (ApplicationSerializer, ApplicationViewSet: lookup_field "slug") on
// authentik/core/models.py (Application: slug and provider unique). Its pk
// is also its policy binding target (pbm_uuid). The serializer's fields
// live in Attrs but backchannel_providers, which is stored on the
// Providers (Provider.backchannel_application).
type Application struct {
	PK    string
	Attrs map[string]any
	// BcRequest is the body's backchannel_providers between validation
	// and commit; nil when the body has none.
	BcRequest *[]int32
}

func (a *Application) Name() string { return httpapi.FmtVal(a.Attrs["name"]) }

func (a *Application) Slug() string { return httpapi.FmtVal(a.Attrs["slug"]) }

func (a *Application) Attr(k string) string { return httpapi.FmtVal(a.Attrs[k]) }

// Provider is the application's main provider pk, nil when none.
func (a *Application) Provider() *int32 {
	if n, ok := a.Attrs["provider"].(int64); ok {
		pk := int32(n)
		return &pk
	}
	return nil
}

func (s *State) AppBySlug(slug string) *Application {
	if s.Idx != nil {
		return s.appIndex().appsBySlug[slug]
	}
	for _, a := range s.Apps {
		if a.Slug() == slug {
			return a
		}
	}
	return nil
}

func (s *State) AppByPK(pk string) *Application {
	if pk == "" {
		return nil
	}
	if s.Idx != nil {
		return s.appIndex().appsByPK[lowerKey(pk)]
	}
	for _, a := range s.Apps {
		if strings.EqualFold(a.PK, pk) {
			return a
		}
	}
	return nil
}

func (s *State) AppUsingProvider(pk int32) *Application {
	if s.Idx != nil {
		return s.appIndex().appByProvider[pk]
	}
	for _, a := range s.Apps {
		if p := a.Provider(); p != nil && *p == pk {
			return a
		}
	}
	return nil
}

func (s *State) BackchannelOf(a *Application) []*Provider {
	if s.Idx != nil {
		s.providerIndex()
		return s.Idx.Backchannel[a.PK]
	}
	var out []*Provider
	for _, p := range s.Providers {
		if p.BackchannelApp == a.PK {
			out = append(out, p)
		}
	}
	return out
}

// LaunchURL is Application.get_launch_url: meta_launch_url, else the
// Provider's guess.
func (s *State) LaunchURL(a *Application) *string {
	if u := a.Attr("meta_launch_url"); u != "" {
		return StrPtr(u)
	}
	if a.Provider() == nil {
		return nil
	}
	p := s.ProviderByPK(*a.Provider())
	if p == nil {
		return nil
	}
	switch p.Kind {
	case KindProxy:
		return StrPtr(p.Attr("external_host"))
	case KindSAML:
		// SAMLProvider.launch_url: reverse() of the IdP-initiated view, a path.
		return StrPtr("/application/saml/" + a.Slug() + "/sso/binding/init/")
	case KindLDAP:
		return nil
	}
	uris := p.RedirectURIs()
	if len(uris) == 0 {
		return nil
	}
	u, err := url.Parse(uris[0].URL)
	if err != nil {
		return nil
	}
	u.Path, u.RawPath = "", ""
	return StrPtr(u.String())
}

// AccessChecker evaluates applications' policy bindings for one user, as
// authentik's PolicyEngine does for group and user bindings, with the
// User's groups and the bindings by target looked up once for a whole list.
func (s *State) AccessChecker(userPK int32) func(a *Application) bool {
	byTarget := map[string][]*Binding{}
	for _, b := range s.Bindings {
		t := lowerKey(b.Target)
		byTarget[t] = append(byTarget[t], b)
	}
	var groups []*Group
	groupsRead := false
	return func(a *Application) bool {
		return s.evalBindings(a, userPK, byTarget[lowerKey(a.PK)], func() []*Group {
			if !groupsRead {
				groups, groupsRead = s.UserGroups(userPK), true
			}
			return groups
		})
	}
}

func (s *State) evalBindings(a *Application, userPK int32, bindings []*Binding, userGroups func() []*Group) bool {
	var results []bool
	for _, b := range bindings {
		if b.Attrs["enabled"] != true {
			continue
		}
		var pass bool
		switch {
		case b.Attrs["group"] != nil:
			// The user's groups plus their ancestors: a binding to a parent
			// Group passes for members of its child groups.
			for _, g := range userGroups() {
				pass = pass || g.PK == b.Attrs["group"]
			}
		case b.Attrs["user"] != nil:
			pass = b.Attrs["user"] == int64(userPK)
		default:
			pass = b.Attrs["failure_result"] == true // no policies exist in the emulator
		}
		if b.Attrs["negate"] == true {
			pass = !pass
		}
		results = append(results, pass)
	}
	if len(results) == 0 {
		return true
	}
	if a.Attrs["policy_engine_mode"] == "all" {
		for _, r := range results {
			if !r {
				return false
			}
		}
		return true
	}
	for _, r := range results {
		if r {
			return true
		}
	}
	return false
}

// SetBackchannel makes exactly these providers backchannel providers of a
// (moving them away from other applications silently). nil means unchanged.
func (s *State) SetBackchannel(a *Application, pks *[]int32) {
	if pks == nil {
		return
	}
	for _, p := range s.Providers {
		if p.BackchannelApp == a.PK {
			p.BackchannelApp = ""
		}
	}
	for _, pk := range *pks {
		if p := s.ProviderByPK(pk); p != nil {
			p.BackchannelApp = a.PK
		}
	}
}

// DeleteApplication removes the application; its provider stays (orphaned),
// Bindings targeting it are deleted, and its backchannel providers are
// deleted with it: Provider.backchannel_application is a ForeignKey with
// on_delete=CASCADE (authentik/core/models.py).
func (s *State) DeleteApplication(a *Application) {
	for _, p := range s.BackchannelOf(a) {
		s.DeleteProvider(p)
	}
	s.clearBrandRefs(a.PK)
	s.deleteEntitlementsOf(a.PK)
	s.deleteBindingsFor(a.PK)
	s.Apps = slices.DeleteFunc(s.Apps, func(x *Application) bool { return x == a })
}
