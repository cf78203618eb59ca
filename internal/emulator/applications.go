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
	"github.com/provision/provision/internal/emulator/store"
)

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

var applicationKind = &kindDef[*store.Application]{
	kind: "application", model: "Application", metaModel: "authentik_core.application", prefix: "core/applications/",
	keyID: true, fields: applicationFields,
	list: httpapi.ListSpec{
		SearchFields: []string{"name", "slug", "meta_launch_url", "meta_description", "meta_publisher", "group"},
		Order:        []string{"name"},
	},
	// ApplicationViewSet.list: only the applications the user may access
	// (the policy engine on their bindings) unless a superuser asks for
	// superuser_full_list; only_with_launch_url drops those without one.
	listFilter: func(e *Emulator, c *httpapi.Call) (func(*store.Application) bool, *httpapi.Resp) {
		full := strings.EqualFold(c.Last("superuser_full_list"), "true") && e.st.IsSuperuser(c.User)
		var access func(a *store.Application) bool
		if !full {
			access = e.st.AccessChecker(c.User)
		}
		onlyLaunch, err := httpapi.ParseBool(c.Last("only_with_launch_url"))
		onlyLaunch = onlyLaunch && err == nil
		return func(a *store.Application) bool {
			return (access == nil || access(a)) && (!onlyLaunch || e.st.LaunchURL(a) != nil)
		}, nil
	},
	all: func(e *Emulator) []*store.Application { return e.st.Apps },
	byID: func(e *Emulator, id string) (*store.Application, bool) {
		a := e.st.AppBySlug(id)
		return a, a != nil
	},
	fresh: func(e *Emulator) *store.Application {
		return &store.Application{Attrs: map[string]any{"provider": nil}}
	},
	clone: func(a *store.Application) *store.Application { n := *a; n.Attrs = cloneAttrs(a.Attrs); return &n },
	commit: func(e *Emulator, dst, src *store.Application) {
		bc := src.BcRequest
		src.BcRequest = nil
		*dst = *src
		e.st.SetBackchannel(dst, bc)
	},
	insert: func(e *Emulator, a *store.Application) {
		a.PK = e.newUUID()
		e.st.Apps = append(e.st.Apps, a)
		bc := a.BcRequest
		a.BcRequest = nil
		e.st.SetBackchannel(a, bc)
	},
	remove: func(e *Emulator, a *store.Application) { e.st.DeleteApplication(a) },
	attrs:  func(a *store.Application) map[string]any { return a.Attrs },
	key:    func(a *store.Application) string { return a.Slug() },
	pk:     func(a *store.Application) string { return a.PK },
	urlID:  func(a *store.Application) string { return a.Slug() },
	readBase: func(e *Emulator, f *httpapi.Form, a *store.Application) {
		var bc []int32
		if f.IntList("backchannel_providers", false, true, e.st.ProviderExists, &bc) {
			a.BcRequest = &bc
		}
	},
	fieldChecks: func(e *Emulator, f *httpapi.Form, a *store.Application) {
		// validate_slug (authentik/core/api/applications.py).
		if slug := a.Slug(); f.Has("slug") && f.Errs["slug"] == nil && slices.Contains(reservedSlugs, slug) {
			f.Fail("slug", fmt.Sprintf("The slug '%s' is reserved and cannot be used for applications.", slug))
		}
		// meta_launch_url: Application's URL validator.
		if u := a.Attr("meta_launch_url"); f.Has("meta_launch_url") && f.Errs["meta_launch_url"] == nil &&
			u != "" && !validLaunchURL(u) {
			f.Fail("meta_launch_url", "Enter a valid URL.")
		}
	},
	render: func(e *Emulator, _ *httpapi.Call, a *store.Application) map[string]any { return e.renderAppComputed(a) },
}

var reservedSlugs = []string{"authorize", "token", "device", "userinfo", "introspect", "revoke"}

var slugRe = regexp.MustCompile(`^[-a-zA-Z0-9_]+$`)

const msgSlug = "Enter a valid “slug” consisting of letters, numbers, underscores or hyphens."

// renderAppComputed renders ApplicationSerializer's computed fields.
func (e *Emulator) renderAppComputed(a *store.Application) map[string]any {
	m := map[string]any{"pk": a.PK, "provider_obj": nil, "launch_url": nil, "meta_icon_url": nil}
	if u := e.st.LaunchURL(a); u != nil {
		m["launch_url"] = *u
	}
	if p := a.Provider(); p != nil {
		if p := e.st.ProviderByPK(*p); p != nil {
			m["provider_obj"] = e.renderProviderAs(p, p.ConcreteClass())
		}
	}
	var pks []int32
	for _, p := range e.st.BackchannelOf(a) {
		pks = append(pks, p.PK)
	}
	bcs, objs := []any{}, []any{}
	for _, pk := range scramble(e.seed, pks) {
		bcs = append(bcs, json.Number(strconv.Itoa(int(pk))))
		p := e.st.ProviderByPK(pk)
		objs = append(objs, e.renderProviderAs(p, p.ConcreteClass()))
	}
	m["backchannel_providers"], m["backchannel_providers_obj"] = bcs, objs
	if u := e.icons.metaIconURL(a.Attr("meta_icon")); u != nil {
		m["meta_icon_url"] = *u
	}
	return m
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
