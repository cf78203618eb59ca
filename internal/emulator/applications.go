package emulator

import (
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/provision/provision/internal/emulator/httpapi"
)

// Applications, as authentik/core/api/applications.py
// (ApplicationSerializer, ApplicationViewSet: lookup_field "slug") on
// authentik/core/models.py (Application: slug and provider unique). Its pk
// is also its policy binding target (pbm_uuid). The serializer's fields
// live in Attrs but backchannel_providers, which is stored on the
// providers (Provider.backchannel_application).
type application struct {
	PK    string
	Attrs map[string]any
	// bcRequest is the body's backchannel_providers between validation
	// and commit; nil when the body has none.
	bcRequest *[]int32
}

func (a *application) name() string         { return httpapi.FmtVal(a.Attrs["name"]) }
func (a *application) slug() string         { return httpapi.FmtVal(a.Attrs["slug"]) }
func (a *application) attr(k string) string { return httpapi.FmtVal(a.Attrs[k]) }

// provider is the application's main provider pk, nil when none.
func (a *application) provider() *int32 {
	if n, ok := a.Attrs["provider"].(int64); ok {
		pk := int32(n)
		return &pk
	}
	return nil
}

var applicationFields = []fieldDef{
	{name: "name", typ: ftString, required: true, filter: "exact"},
	{name: "slug", typ: ftSlug, required: true, filter: "exact", unique: "Application with this slug already exists."},
	{name: "provider", typ: ftIntRef, ref: "provider", unique: "Application with this provider already exists."},
	{name: "open_in_new_tab", typ: ftBool, def: false},
	{name: "meta_launch_url", typ: ftString, blank: true, def: "", filter: "exact"},
	{name: "meta_icon", typ: ftFile, blank: true, def: ""},
	{name: "meta_description", typ: ftString, blank: true, def: "", filter: "exact"},
	{name: "meta_publisher", typ: ftString, blank: true, def: "", filter: "exact"},
	{name: "policy_engine_mode", typ: ftChoice, choices: []string{"all", "any"}, def: "any"},
	{name: "group", typ: ftString, blank: true, def: "", filter: "exact"},
}

var applicationKind = &kindDef[*application]{
	kind: "application", model: "Application", metaModel: "authentik_core.application", prefix: "core/applications/",
	keyID: true, fields: applicationFields,
	list: httpapi.ListSpec{
		SearchFields: []string{"name", "slug", "meta_launch_url", "meta_description", "meta_publisher", "group"},
		Order:        []string{"name"},
	},
	// ApplicationViewSet.list: only the applications the user may access
	// (the policy engine on their bindings) unless a superuser asks for
	// superuser_full_list; only_with_launch_url drops those without one.
	listFilter: func(e *Emulator, c *httpapi.Call) (func(*application) bool, *httpapi.Resp) {
		full := strings.EqualFold(c.Last("superuser_full_list"), "true") && e.st.isSuperuser(c.User)
		var access func(a *application) bool
		if !full {
			access = e.st.accessChecker(c.User)
		}
		onlyLaunch, err := httpapi.ParseBool(c.Last("only_with_launch_url"))
		onlyLaunch = onlyLaunch && err == nil
		return func(a *application) bool {
			return (access == nil || access(a)) && (!onlyLaunch || e.st.launchURL(a) != nil)
		}, nil
	},
	all: func(e *Emulator) []*application { return e.st.apps },
	byID: func(e *Emulator, id string) (*application, bool) {
		a := e.st.appBySlug(id)
		return a, a != nil
	},
	fresh: func(e *Emulator) *application { return &application{Attrs: map[string]any{"provider": nil}} },
	clone: func(a *application) *application { n := *a; n.Attrs = cloneAttrs(a.Attrs); return &n },
	commit: func(e *Emulator, dst, src *application) {
		bc := src.bcRequest
		src.bcRequest = nil
		*dst = *src
		e.st.setBackchannel(dst, bc)
	},
	insert: func(e *Emulator, a *application) {
		a.PK = e.newUUID()
		e.st.apps = append(e.st.apps, a)
		bc := a.bcRequest
		a.bcRequest = nil
		e.st.setBackchannel(a, bc)
	},
	remove: func(e *Emulator, a *application) { e.st.deleteApplication(a) },
	attrs:  func(a *application) map[string]any { return a.Attrs },
	key:    func(a *application) string { return a.slug() },
	pk:     func(a *application) string { return a.PK },
	urlID:  func(a *application) string { return a.slug() },
	readBase: func(e *Emulator, f *httpapi.Form, a *application) {
		var bc []int32
		if f.IntList("backchannel_providers", false, true, e.st.providerExists, &bc) {
			a.bcRequest = &bc
		}
	},
	fieldChecks: func(e *Emulator, f *httpapi.Form, a *application) {
		// validate_slug (authentik/core/api/applications.py).
		if slug := a.slug(); f.Has("slug") && f.Errs["slug"] == nil && slices.Contains(reservedSlugs, slug) {
			f.Fail("slug", fmt.Sprintf("The slug '%s' is reserved and cannot be used for applications.", slug))
		}
		// meta_launch_url: Application's URL validator.
		if u := a.attr("meta_launch_url"); f.Has("meta_launch_url") && f.Errs["meta_launch_url"] == nil &&
			u != "" && !validLaunchURL(u) {
			f.Fail("meta_launch_url", "Enter a valid URL.")
		}
	},
	render: func(e *Emulator, _ *httpapi.Call, a *application) map[string]any { return e.renderAppComputed(a) },
}

var reservedSlugs = []string{"authorize", "token", "device", "userinfo", "introspect", "revoke"}

var slugRe = regexp.MustCompile(`^[-a-zA-Z0-9_]+$`)

const msgSlug = "Enter a valid “slug” consisting of letters, numbers, underscores or hyphens."

func (s *state) appBySlug(slug string) *application {
	if s.idx != nil {
		return s.appIndex().appsBySlug[slug]
	}
	for _, a := range s.apps {
		if a.slug() == slug {
			return a
		}
	}
	return nil
}

func (s *state) appByPK(pk string) *application {
	if pk == "" {
		return nil
	}
	if s.idx != nil {
		return s.appIndex().appsByPK[lowerKey(pk)]
	}
	for _, a := range s.apps {
		if strings.EqualFold(a.PK, pk) {
			return a
		}
	}
	return nil
}

func (s *state) appUsingProvider(pk int32) *application {
	if s.idx != nil {
		return s.appIndex().appByProvider[pk]
	}
	for _, a := range s.apps {
		if p := a.provider(); p != nil && *p == pk {
			return a
		}
	}
	return nil
}

func (s *state) backchannelOf(a *application) []*provider {
	if s.idx != nil {
		s.providerIndex()
		return s.idx.backchannel[a.PK]
	}
	var out []*provider
	for _, p := range s.providers {
		if p.BackchannelApp == a.PK {
			out = append(out, p)
		}
	}
	return out
}

// launchURL is Application.get_launch_url: meta_launch_url, else the
// provider's guess.
func (s *state) launchURL(a *application) *string {
	if u := a.attr("meta_launch_url"); u != "" {
		return strPtr(u)
	}
	if a.provider() == nil {
		return nil
	}
	p := s.providerByPK(*a.provider())
	if p == nil {
		return nil
	}
	switch p.Kind {
	case kindProxy:
		return strPtr(p.attr("external_host"))
	case kindSAML:
		// SAMLProvider.launch_url: reverse() of the IdP-initiated view, a path.
		return strPtr("/application/saml/" + a.slug() + "/sso/binding/init/")
	case kindLDAP:
		return nil
	}
	uris := p.redirectURIs()
	if len(uris) == 0 {
		return nil
	}
	u, err := url.Parse(uris[0].URL)
	if err != nil {
		return nil
	}
	u.Path, u.RawPath = "", ""
	return strPtr(u.String())
}

// renderAppComputed renders ApplicationSerializer's computed fields.
func (e *Emulator) renderAppComputed(a *application) map[string]any {
	m := map[string]any{"pk": a.PK, "provider_obj": nil, "launch_url": nil, "meta_icon_url": nil}
	if u := e.st.launchURL(a); u != nil {
		m["launch_url"] = *u
	}
	if p := a.provider(); p != nil {
		if p := e.st.providerByPK(*p); p != nil {
			m["provider_obj"] = e.renderProviderAs(p, p.concreteClass())
		}
	}
	var pks []int32
	for _, p := range e.st.backchannelOf(a) {
		pks = append(pks, p.PK)
	}
	bcs, objs := []any{}, []any{}
	for _, pk := range scramble(e.seed, pks) {
		bcs = append(bcs, json.Number(strconv.Itoa(int(pk))))
		p := e.st.providerByPK(pk)
		objs = append(objs, e.renderProviderAs(p, p.concreteClass()))
	}
	m["backchannel_providers"], m["backchannel_providers_obj"] = bcs, objs
	if u := e.icons.metaIconURL(a.attr("meta_icon")); u != nil {
		m["meta_icon_url"] = *u
	}
	return m
}

// accessChecker evaluates applications' policy bindings for one user, as
// authentik's PolicyEngine does for group and user bindings, with the
// user's groups and the bindings by target looked up once for a whole list.
func (s *state) accessChecker(userPK int32) func(a *application) bool {
	byTarget := map[string][]*binding{}
	for _, b := range s.bindings {
		t := lowerKey(b.Target)
		byTarget[t] = append(byTarget[t], b)
	}
	var groups []*group
	groupsRead := false
	return func(a *application) bool {
		return s.evalBindings(a, userPK, byTarget[lowerKey(a.PK)], func() []*group {
			if !groupsRead {
				groups, groupsRead = s.userGroups(userPK), true
			}
			return groups
		})
	}
}

func (s *state) evalBindings(a *application, userPK int32, bindings []*binding, userGroups func() []*group) bool {
	var results []bool
	for _, b := range bindings {
		if b.Attrs["enabled"] != true {
			continue
		}
		var pass bool
		switch {
		case b.Attrs["group"] != nil:
			// The user's groups plus their ancestors: a binding to a parent
			// group passes for members of its child groups.
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

// setBackchannel makes exactly these providers backchannel providers of a
// (moving them away from other applications silently). nil means unchanged.
func (s *state) setBackchannel(a *application, pks *[]int32) {
	if pks == nil {
		return
	}
	for _, p := range s.providers {
		if p.BackchannelApp == a.PK {
			p.BackchannelApp = ""
		}
	}
	for _, pk := range *pks {
		if p := s.providerByPK(pk); p != nil {
			p.BackchannelApp = a.PK
		}
	}
}

// validLaunchURL is Application's URL validator: no domain check, schemes
// http, https, ssh, sftp, ftp, ftps; %(...)s placeholders allowed.
func validLaunchURL(s string) bool {
	s = regexp.MustCompile(`%\([^)]*\)s`).ReplaceAllString(s, "x")
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return false
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https", "ssh", "sftp", "ftp", "ftps":
		return true
	}
	return false
}

// deleteApplication removes the application; its provider stays (orphaned),
// bindings targeting it are deleted, and its backchannel providers are
// deleted with it: Provider.backchannel_application is a ForeignKey with
// on_delete=CASCADE (authentik/core/models.py).
func (s *state) deleteApplication(a *application) {
	for _, p := range s.backchannelOf(a) {
		s.deleteProvider(p)
	}
	s.clearBrandRefs(a.PK)
	s.deleteBindingsFor(a.PK)
	s.apps = slices.DeleteFunc(s.apps, func(x *application) bool { return x == a })
}
