package emulator

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
)

// application is a core.Application. Its pk is also its policy binding
// target (pbm_uuid).
type application struct {
	PK               string
	Name             string
	Slug             string
	Provider         *int32
	OpenInNewTab     bool
	MetaLaunchURL    string
	MetaIcon         string
	MetaDescription  string
	MetaPublisher    string
	Group            string
	PolicyEngineMode string
}

type applicationOut struct {
	PK                      string           `json:"pk"`
	Name                    string           `json:"name"`
	Slug                    string           `json:"slug"`
	Provider                *int32           `json:"provider"`
	ProviderObj             map[string]any   `json:"provider_obj"`
	BackchannelProviders    []int32          `json:"backchannel_providers"`
	BackchannelProvidersObj []map[string]any `json:"backchannel_providers_obj"`
	LaunchURL               *string          `json:"launch_url"`
	OpenInNewTab            bool             `json:"open_in_new_tab"`
	MetaLaunchURL           string           `json:"meta_launch_url"`
	MetaIcon                string           `json:"meta_icon"`
	MetaIconURL             *string          `json:"meta_icon_url"`
	MetaDescription         string           `json:"meta_description"`
	MetaPublisher           string           `json:"meta_publisher"`
	PolicyEngineMode        string           `json:"policy_engine_mode"`
	Group                   string           `json:"group"`
}

var reservedSlugs = []string{"authorize", "token", "device", "userinfo", "introspect", "revoke"}

var slugRe = regexp.MustCompile(`^[-a-zA-Z0-9_]+$`)

const msgSlug = "Enter a valid “slug” consisting of letters, numbers, underscores or hyphens."

func (s *state) appBySlug(slug string) *application {
	if s.idx != nil {
		return s.appIndex().appsBySlug[slug]
	}
	for _, a := range s.apps {
		if a.Slug == slug {
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
		if a.Provider != nil && *a.Provider == pk {
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
	if a.MetaLaunchURL != "" {
		return strPtr(a.MetaLaunchURL)
	}
	if a.Provider == nil {
		return nil
	}
	p := s.providerByPK(*a.Provider)
	if p == nil {
		return nil
	}
	switch p.Kind {
	case kindProxy:
		return strPtr(p.ExternalHost)
	case kindSAML:
		// SAMLProvider.launch_url: reverse() of the IdP-initiated view, a path.
		return strPtr("/application/saml/" + a.Slug + "/sso/binding/init/")
	case kindLDAP:
		return nil
	}
	if len(p.RedirectURIs) == 0 {
		return nil
	}
	u, err := url.Parse(p.RedirectURIs[0].URL)
	if err != nil {
		return nil
	}
	u.Path, u.RawPath = "", ""
	return strPtr(u.String())
}

func (e *Emulator) renderApp(a *application) map[string]any {
	out := applicationOut{
		PK: a.PK, Name: a.Name, Slug: a.Slug, Provider: a.Provider, OpenInNewTab: a.OpenInNewTab,
		MetaLaunchURL: a.MetaLaunchURL, MetaIcon: a.MetaIcon, MetaDescription: a.MetaDescription,
		MetaPublisher: a.MetaPublisher, PolicyEngineMode: a.PolicyEngineMode, Group: a.Group,
		LaunchURL: e.st.launchURL(a), BackchannelProviders: []int32{}, BackchannelProvidersObj: []map[string]any{},
	}
	if a.Provider != nil {
		if p := e.st.providerByPK(*a.Provider); p != nil {
			out.ProviderObj = e.renderProviderAs(p, p.concreteClass())
		}
	}
	bc := e.st.backchannelOf(a)
	var pks []int32
	for _, p := range bc {
		pks = append(pks, p.PK)
	}
	for _, pk := range scramble(e.seed, pks) {
		out.BackchannelProviders = append(out.BackchannelProviders, pk)
		p := e.st.providerByPK(pk)
		out.BackchannelProvidersObj = append(out.BackchannelProvidersObj, e.renderProviderAs(p, p.concreteClass()))
	}
	out.MetaIconURL = e.icons.metaIconURL(a.MetaIcon)
	m := toMap(out)
	e.applyOverrides("application", a.Slug, m)
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
		if !b.Enabled {
			continue
		}
		var pass bool
		switch {
		case b.Group != nil:
			// The user's groups plus their ancestors: a binding to a parent
			// group passes for members of its child groups.
			for _, g := range userGroups() {
				pass = pass || g.PK == *b.Group
			}
		case b.User != nil:
			pass = *b.User == userPK
		default:
			pass = b.FailureResult // no policies exist in the emulator
		}
		if b.Negate {
			pass = !pass
		}
		results = append(results, pass)
	}
	if len(results) == 0 {
		return true
	}
	if a.PolicyEngineMode == "all" {
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

func (e *Emulator) listApplications(c *call) resp {
	full := strings.EqualFold(c.last("superuser_full_list"), "true") && e.st.isSuperuser(c.user)
	var access func(a *application) bool
	if !full {
		access = e.st.accessChecker(c.user)
	}
	onlyLaunch, err := parseBool(c.last("only_with_launch_url"))
	onlyLaunch = onlyLaunch && err == nil
	apps := e.st.apps
	l := lazyList{n: len(apps), render: func(i int) map[string]any { return e.renderApp(apps[i]) },
		keep: func(i int) bool {
			return (access == nil || access(apps[i])) && (!onlyLaunch || e.st.launchURL(apps[i]) != nil)
		}}
	if len(e.overrides["application"]) == 0 {
		l.fast = func(i int, name string) (any, bool) {
			a := apps[i]
			switch name {
			case "name":
				return a.Name, true
			case "slug":
				return a.Slug, true
			case "group":
				return a.Group, true
			case "meta_launch_url":
				return a.MetaLaunchURL, true
			case "meta_description":
				return a.MetaDescription, true
			case "meta_publisher":
				return a.MetaPublisher, true
			}
			return nil, false
		}
	}
	return e.listLazy(c, l, listSpec{
		filters: []filterSpec{exact("name", "name"), exact("slug", "slug"), exact("group", "group"),
			exact("meta_launch_url", "meta_launch_url"), exact("meta_description", "meta_description"),
			exact("meta_publisher", "meta_publisher")},
		searchFields: []string{"name", "slug", "meta_launch_url", "meta_description", "meta_publisher", "group"},
		order:        []string{"name"},
	})
}

func (e *Emulator) appFromURL(c *call) (*application, *resp) {
	a := e.st.appBySlug(c.id)
	if a == nil {
		r := noMatch("Application")
		return nil, &r
	}
	return a, nil
}

func (e *Emulator) getApplication(c *call) resp {
	a, r := e.appFromURL(c)
	if r != nil {
		return *r
	}
	return resp{status: 200, body: e.renderApp(a)}
}

func (e *Emulator) createApplication(c *call) resp {
	a := &application{PolicyEngineMode: "any"}
	bc, r := e.writeApp(c, a, false)
	if r.status != 0 {
		return r
	}
	a.PK = e.newUUID()
	e.st.apps = append(e.st.apps, a)
	e.st.setBackchannel(a, bc)
	return resp{status: http.StatusCreated, body: e.renderApp(a)}
}

func (e *Emulator) putApplication(c *call) resp   { return e.updateApplication(c, false) }
func (e *Emulator) patchApplication(c *call) resp { return e.updateApplication(c, true) }

func (e *Emulator) updateApplication(c *call, partial bool) resp {
	a, r := e.appFromURL(c)
	if r != nil {
		return *r
	}
	next := *a
	bc, r2 := e.writeApp(c, &next, partial)
	if r2.status != 0 {
		return r2
	}
	*a = next
	e.st.setBackchannel(a, bc)
	return resp{status: 200, body: e.renderApp(a)}
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

// writeApp validates an application body into a. It returns the requested
// backchannel providers (nil if absent) and a zero resp on success.
func (e *Emulator) writeApp(c *call, a *application, partial bool) (*[]int32, resp) {
	f, perr := parseForm(c.body, partial)
	if perr != nil {
		return nil, *perr
	}
	f.str("name", true, false, &a.Name)
	var slug string
	if f.str("slug", true, false, &slug) {
		switch {
		case !slugRe.MatchString(slug):
			f.fail("slug", msgSlug)
		case slices.Contains(reservedSlugs, slug):
			f.fail("slug", fmt.Sprintf("The slug '%s' is reserved and cannot be used for applications.", slug))
		default:
			if o := e.st.appBySlug(slug); o != nil && o.PK != a.PK {
				f.fail("slug", "Application with this slug already exists.")
			}
		}
		a.Slug = slug
	}
	if f.intRef("provider", false, true, e.st.providerExists, &a.Provider) && a.Provider != nil {
		if o := e.st.appUsingProvider(*a.Provider); o != nil && o.PK != a.PK {
			f.fail("provider", "Application with this provider already exists.")
		}
	}
	var bc []int32
	hasBC := f.intList("backchannel_providers", false, true, e.st.providerExists, &bc)
	f.boolean("open_in_new_tab", &a.OpenInNewTab)
	var launch string
	if f.str("meta_launch_url", false, true, &launch) {
		if launch != "" && !validLaunchURL(launch) {
			f.fail("meta_launch_url", "Enter a valid URL.")
		}
		a.MetaLaunchURL = launch
	}
	if f.str("meta_icon", false, true, &a.MetaIcon) && a.MetaIcon != "" {
		if msg := validateIconName(a.MetaIcon); msg != "" {
			f.fail("meta_icon", msg)
		}
	}
	f.str("meta_description", false, true, &a.MetaDescription)
	f.str("meta_publisher", false, true, &a.MetaPublisher)
	f.str("group", false, true, &a.Group)
	f.choice("policy_engine_mode", false, []string{"all", "any"}, &a.PolicyEngineMode)
	if !f.ok() {
		return nil, f.result()
	}
	if hasBC {
		return &bc, resp{}
	}
	return nil, resp{}
}

// deleteApplication removes the application; its provider stays (orphaned),
// bindings targeting it are deleted, and its backchannel providers are
// deleted with it: Provider.backchannel_application is a ForeignKey with
// on_delete=CASCADE (authentik/core/models.py).
func (e *Emulator) deleteApplication(c *call) resp {
	a, r := e.appFromURL(c)
	if r != nil {
		return *r
	}
	for _, p := range e.st.backchannelOf(a) {
		e.st.deleteProvider(p)
	}
	e.st.clearBrandRefs(a.PK)
	e.st.deleteBindingsFor(a.PK)
	out := e.st.apps[:0]
	for _, x := range e.st.apps {
		if x != a {
			out = append(out, x)
		}
	}
	e.st.apps = out
	return resp{status: http.StatusNoContent}
}
