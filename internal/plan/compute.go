package plan

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/provision/provision/internal/manifest"
)

// ResolveError is a reference in the manifest that matches zero or several
// live objects, or touches an object the client could not read.
type ResolveError struct {
	Pos manifest.Position
	Msg string
}

func (e *ResolveError) Error() string { return e.Pos.String() + ": " + e.Msg }

// KindsFor returns the kinds of live objects a manifest needs read.
func KindsFor(m *manifest.Manifest) []Kind {
	set := map[Kind]bool{}
	if len(m.Groups) > 0 {
		set[KindGroup] = true
	}
	if len(m.Providers) > 0 {
		set[KindProvider], set[KindFlow], set[KindScopeMapping], set[KindKeyPair] = true, true, true, true
	}
	if len(m.Applications) > 0 {
		set[KindApplication], set[KindProvider] = true, true
		for _, a := range m.Applications {
			if a.Access != nil {
				set[KindGroup], set[KindBinding] = true, true
			}
		}
	}
	if len(m.Outposts) > 0 {
		set[KindOutpost], set[KindProvider] = true, true
	}
	var kinds []Kind
	for _, k := range []Kind{KindFlow, KindScopeMapping, KindKeyPair, KindGroup, KindProvider, KindApplication, KindBinding, KindOutpost} {
		if set[k] {
			kinds = append(kinds, k)
		}
	}
	return kinds
}

// Compute returns the changes that make live match the manifest. It is
// pure and deterministic. Every unresolvable reference is reported (joined),
// each naming its manifest position.
func Compute(m *manifest.Manifest, live *Live) (*Plan, error) {
	c := newComputer(live)
	var stages = map[Kind][]Change{}
	var deletes = map[Kind][]Change{}
	add := func(ch *Change) {
		if ch == nil {
			return
		}
		if ch.Action == Delete {
			deletes[ch.Kind] = append(deletes[ch.Kind], *ch)
			return
		}
		stages[ch.Kind] = append(stages[ch.Kind], *ch)
	}
	for i := range m.Groups {
		add(c.group(&m.Groups[i]))
	}
	for i := range m.Providers {
		add(c.provider(&m.Providers[i]))
	}
	for i := range m.Applications {
		a := &m.Applications[i]
		add(c.application(a))
		add(c.access(a))
	}
	for i := range m.Outposts {
		add(c.outpost(&m.Outposts[i]))
	}
	if len(c.errs) > 0 {
		return nil, errors.Join(c.errs...)
	}
	p := &Plan{}
	for _, k := range applyOrder {
		p.Changes = append(p.Changes, sortedByKey(stages[k])...)
	}
	for i := len(applyOrder) - 1; i >= 0; i-- {
		p.Changes = append(p.Changes, sortedByKey(deletes[applyOrder[i]])...)
	}
	return p, nil
}

func sortedByKey(cs []Change) []Change {
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].Key < cs[j].Key })
	return cs
}

type computer struct {
	live *Live
	errs []error
	// lookups
	flowsByPK     map[string]Flow
	mappingsByPK  map[string]ScopeMapping
	keysByPK      map[string]KeyPair
	providersByPK map[int32]Provider
	groupsByPK    map[string]Group
	unreadable    map[string]Unreadable
}

func newComputer(live *Live) *computer {
	c := &computer{
		live:          live,
		flowsByPK:     map[string]Flow{},
		mappingsByPK:  map[string]ScopeMapping{},
		keysByPK:      map[string]KeyPair{},
		providersByPK: map[int32]Provider{},
		groupsByPK:    map[string]Group{},
		unreadable:    map[string]Unreadable{},
	}
	for _, f := range live.Flows {
		c.flowsByPK[f.PK] = f
	}
	for _, s := range live.ScopeMappings {
		c.mappingsByPK[s.PK] = s
	}
	for _, k := range live.KeyPairs {
		c.keysByPK[k.PK] = k
	}
	for _, p := range live.Providers {
		c.providersByPK[p.PK] = p
	}
	for _, g := range live.Groups {
		c.groupsByPK[g.PK] = g
	}
	for _, u := range live.Unreadable {
		c.unreadable[Ref(u.Kind, u.Key)] = u
	}
	return c
}

func (c *computer) fail(pos manifest.Position, format string, args ...any) {
	c.errs = append(c.errs, &ResolveError{Pos: pos, Msg: fmt.Sprintf(format, args...)})
}

// readable fails when the live object the entry names could not be decoded.
func (c *computer) readable(kind Kind, key string, pos manifest.Position) bool {
	u, ok := c.unreadable[Ref(kind, key)]
	if !ok {
		return true
	}
	field := ""
	if u.Field != "" {
		field = fmt.Sprintf(" field %q", u.Field)
	}
	c.fail(pos, "%s %q: authentik returned a value this version of provision cannot read in%s (%v); upgrade provision or fix the object in authentik", kind, key, field, u.Err)
	return false
}

// --- lookups by human key ---

// matching returns pointers to the items whose key is want.
func matching[T any](items []T, key func(*T) string, want string) []*T {
	var found []*T
	for i := range items {
		if key(&items[i]) == want {
			found = append(found, &items[i])
		}
	}
	return found
}

// exactlyOne resolves a reference that must match one live object.
func exactlyOne[T any](c *computer, what string, items []T, key func(*T) string, want string, pos manifest.Position) (*T, bool) {
	found := matching(items, key, want)
	if len(found) != 1 {
		c.fail(pos, "%s %q: %s", what, want, matches(len(found)))
		return nil, false
	}
	return found[0], true
}

// atMostOne finds the live object an entry manages: nil when it does not
// exist yet, an error when the key is ambiguous.
func atMostOne[T any](c *computer, kind Kind, items []T, key func(*T) string, want string, pos manifest.Position) (*T, bool) {
	found := matching(items, key, want)
	if len(found) > 1 {
		c.fail(pos, "%s %q: %s", kind, want, matches(len(found)))
		return nil, false
	}
	if len(found) == 0 {
		return nil, true
	}
	return found[0], true
}

func flowSlug(f *Flow) string         { return f.Slug }
func keyPairName(k *KeyPair) string   { return k.Name }
func groupName(g *Group) string       { return g.Name }
func providerName(p *Provider) string { return p.Name }
func outpostName(o *Outpost) string   { return o.Name }

func (c *computer) flow(slug string, pos manifest.Position) (Flow, bool) {
	f, ok := exactlyOne(c, "flow", c.live.Flows, flowSlug, slug, pos)
	if !ok {
		return Flow{}, false
	}
	return *f, true
}

func (c *computer) keyPair(name string, pos manifest.Position) (KeyPair, bool) {
	k, ok := exactlyOne(c, "signing key", c.live.KeyPairs, keyPairName, name, pos)
	if !ok {
		return KeyPair{}, false
	}
	if !k.PrivateKey {
		c.fail(pos, "signing key %q has no private key, so authentik cannot sign tokens with it", name)
		return KeyPair{}, false
	}
	return *k, true
}

// scopeMapping resolves a scope name: authentik's managed default mapping
// first, otherwise exactly one custom mapping with that scope name.
func (c *computer) scopeMapping(scope string, pos manifest.Position) (ScopeMapping, bool) {
	var managed, custom []ScopeMapping
	for _, s := range c.live.ScopeMappings {
		if s.ScopeName != scope {
			continue
		}
		if strings.HasPrefix(s.Managed, "goauthentik.io/providers/oauth2/scope-") {
			managed = append(managed, s)
		} else {
			custom = append(custom, s)
		}
	}
	if len(managed) == 1 {
		return managed[0], true
	}
	if len(managed) == 0 && len(custom) == 1 {
		return custom[0], true
	}
	all := append(managed, custom...)
	if len(all) == 0 {
		c.fail(pos, "scope %q: no scope mapping has this scope name", scope)
		return ScopeMapping{}, false
	}
	names := make([]string, len(all))
	for i, s := range all {
		names[i] = strconv.Quote(s.Name)
	}
	c.fail(pos, "scope %q: %d scope mappings have this scope name (%s); rename all but one", scope, len(all), strings.Join(names, ", "))
	return ScopeMapping{}, false
}

func (c *computer) liveApp(slug string) *Application {
	for i := range c.live.Applications {
		if c.live.Applications[i].Slug == slug {
			return &c.live.Applications[i]
		}
	}
	return nil
}

func matches(n int) string {
	if n == 0 {
		return "not found in authentik"
	}
	return fmt.Sprintf("%d objects match; expected exactly one", n)
}

// --- display helpers ---

func (c *computer) flowLabel(pk string) string {
	if pk == "" {
		return ""
	}
	if f, ok := c.flowsByPK[pk]; ok {
		return f.Slug
	}
	return pk
}

func (c *computer) keyLabel(pk string) string {
	if pk == "" {
		return "(none: HS256)"
	}
	if k, ok := c.keysByPK[pk]; ok {
		return k.Name
	}
	return pk
}

func (c *computer) scopeLabels(pks []string) []string {
	out := make([]string, 0, len(pks))
	for _, pk := range pks {
		if s, ok := c.mappingsByPK[pk]; ok {
			out = append(out, s.ScopeName)
		} else {
			out = append(out, pk)
		}
	}
	sort.Strings(out)
	return out
}

func (c *computer) providerLabel(pk int32) string {
	if pk == 0 {
		return ""
	}
	if p, ok := c.providersByPK[pk]; ok {
		return p.Name
	}
	return strconv.Itoa(int(pk))
}

func redirectLabels(rs []RedirectURI) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.MatchingMode + " " + r.URL
	}
	return out
}

// --- field diffing ---

// fields collects the field changes of one change. On create every value is
// listed with a nil Before.
type fields struct {
	create bool
	list   []FieldChange
}

func (f *fields) add(name string, before, after any, sensitive bool) {
	if f.create {
		before = nil
	}
	f.list = append(f.list, FieldChange{Field: name, Before: before, After: after, Sensitive: sensitive})
}

// str diffs an optional string field; it returns the value to send, or nil.
func (f *fields) str(name string, desired *string, live string) *string {
	if desired == nil || (!f.create && *desired == live) {
		return nil
	}
	f.add(name, live, *desired, false)
	return desired
}

func (f *fields) secret(name string, desired *string, live string) *string {
	if desired == nil || (!f.create && *desired == live) {
		return nil
	}
	f.add(name, live, *desired, true)
	return desired
}

func (f *fields) boolean(name string, desired *bool, live bool) *bool {
	if desired == nil || (!f.create && *desired == live) {
		return nil
	}
	f.add(name, live, *desired, false)
	return desired
}

// --- groups ---

func (c *computer) group(g *manifest.Group) *Change {
	if !c.readable(KindGroup, g.Name, g.Src.Pos) {
		return nil
	}
	live, ok := atMostOne(c, KindGroup, c.live.Groups, groupName, g.Name, g.Src.Pos)
	if !ok {
		return nil
	}
	ch := &Change{Kind: KindGroup, Key: g.Name, Source: g.Src.Pos.String()}
	if g.State.IsAbsent() {
		if live == nil {
			return nil
		}
		ch.Action, ch.ID = Delete, live.PK
		return ch
	}
	f := &fields{create: live == nil}
	if f.create {
		f.add("name", nil, g.Name, false)
	}
	spec := &GroupSpec{Name: g.Name}
	var liveSuper bool
	var liveAttrs map[string]any
	if live != nil {
		liveSuper, liveAttrs = live.IsSuperuser, live.Attributes
	}
	spec.IsSuperuser = f.boolean("is_superuser", g.IsSuperuser, liveSuper)
	if len(g.Attributes) > 0 {
		merged := map[string]any{}
		for k, v := range liveAttrs {
			merged[k] = v
		}
		changed := false
		for _, k := range sortedKeys(g.Attributes) {
			want := normalizeJSON(g.Attributes[k])
			have, exists := liveAttrs[k]
			if f.create || !exists || !reflect.DeepEqual(normalizeJSON(have), want) {
				f.add("attributes."+k, displayJSON(have, exists), displayJSON(want, true), false)
				changed = true
			}
			merged[k] = want
		}
		if changed {
			spec.Attributes = merged
		}
	}
	return finish(ch, f, live == nil, idOf(live != nil, func() string { return live.PK }), spec)
}

func finish(ch *Change, f *fields, create bool, id string, spec any) *Change {
	if create {
		ch.Action, ch.Fields, ch.Spec = Create, f.list, spec
		return ch
	}
	if len(f.list) == 0 {
		return nil
	}
	ch.Action, ch.ID, ch.Fields, ch.Spec = Update, id, f.list, spec
	return ch
}

func idOf(ok bool, get func() string) string {
	if !ok {
		return ""
	}
	return get()
}

// --- providers ---

func (c *computer) provider(mp *manifest.Provider) *Change {
	if !c.readable(KindProvider, mp.Name, mp.Src.Pos) {
		return nil
	}
	live, ok := atMostOne(c, KindProvider, c.live.Providers, providerName, mp.Name, mp.Src.Pos)
	if !ok {
		return nil
	}
	ch := &Change{Kind: KindProvider, Key: mp.Name, Source: mp.Src.Pos.String()}
	if mp.State.IsAbsent() {
		if live == nil {
			return nil
		}
		ch.Action, ch.ID = Delete, strconv.Itoa(int(live.PK))
		return ch
	}
	if live != nil && live.Type != mp.Type {
		c.fail(mp.Src.At("type"), "provider %q exists in authentik as a %s provider, not %s; provision does not change a provider's type (rename it, or delete the old one first)", mp.Name, live.Type, mp.Type)
		return nil
	}
	p := mp.WithDefaults()
	var l Provider
	if live != nil {
		l = *live
	}
	f := &fields{create: live == nil}
	if f.create {
		f.add("name", nil, p.Name, false)
		f.add("type", nil, p.Type, false)
	}
	spec := &ProviderSpec{Type: p.Type, Name: p.Name}

	flowField := func(name string, slug *string, livePK string) *string {
		if slug == nil {
			return nil
		}
		fl, ok := c.flow(*slug, p.Src.At(name))
		if !ok || (!f.create && fl.PK == livePK) {
			return nil
		}
		f.add(name, c.flowLabel(livePK), fl.Slug, false)
		return &fl.PK
	}
	spec.AuthorizationFlow = flowField("authorization_flow", p.AuthorizationFlow, l.AuthorizationFlow)
	spec.InvalidationFlow = flowField("invalidation_flow", p.InvalidationFlow, l.InvalidationFlow)
	spec.AuthenticationFlow = flowField("authentication_flow", p.AuthenticationFlow, l.AuthenticationFlow)

	if p.Scopes != nil {
		var want []string
		for j, s := range p.Scopes {
			if sm, ok := c.scopeMapping(s, p.Src.At(fmt.Sprintf("scopes[%d]", j))); ok {
				want = append(want, sm.PK)
			}
		}
		want = uniqueSorted(want)
		have := uniqueSorted(l.PropertyMappings)
		differs := !slices.Equal(want, have)
		if p.Type == manifest.TypeProxy {
			// authentik adds its proxy mappings on every write: only
			// require the declared ones to be there.
			differs = !isSubset(want, have)
			if differs {
				want = uniqueSorted(append(want, have...))
			}
		}
		if f.create || differs {
			f.add("scopes", c.scopeLabels(have), c.scopeLabels(want), false)
			spec.PropertyMappings = want
		}
	}

	if p.Type == manifest.TypeOAuth2 {
		spec.ClientType = f.str("client_type", p.ClientType, l.ClientType)
		spec.ClientID = f.str("client_id", p.ClientID, l.ClientID)
		spec.ClientSecret = f.secret("client_secret", p.ClientSecret, l.ClientSecret)
		if p.Src.Has("redirect_uris") {
			want := make([]RedirectURI, 0, len(p.RedirectURIs))
			for _, r := range p.RedirectURIs {
				mode := r.MatchingMode
				if mode == "" {
					mode = "strict"
				}
				want = append(want, RedirectURI{MatchingMode: mode, URL: r.URL})
			}
			if f.create || !slices.Equal(want, l.RedirectURIs) {
				f.add("redirect_uris", redirectLabels(l.RedirectURIs), redirectLabels(want), false)
				spec.RedirectURIs = want
			}
		}
		if p.OwnsSigningKey() {
			wantPK := ""
			if p.SigningKey != nil {
				if k, ok := c.keyPair(*p.SigningKey, p.Src.At("signing_key")); ok {
					wantPK = k.PK
				} else {
					wantPK = l.SigningKey // reported; keep the diff quiet
				}
			}
			if f.create || wantPK != l.SigningKey {
				f.add("signing_key", c.keyLabel(l.SigningKey), c.keyLabel(wantPK), false)
				spec.SigningKey = &wantPK
			}
		}
		spec.SubMode = f.str("sub_mode", p.SubMode, l.SubMode)
		spec.IssuerMode = f.str("issuer_mode", p.IssuerMode, l.IssuerMode)
		spec.IncludeClaimsInIDToken = f.boolean("include_claims_in_id_token", p.IncludeClaimsInIDToken, l.IncludeClaimsInIDToken)
		spec.AccessCodeValidity = f.str("access_code_validity", p.AccessCodeValidity, l.AccessCodeValidity)
		spec.LogoutURI = f.str("logout_uri", p.LogoutURI, l.LogoutURI)
		spec.LogoutMethod = f.str("logout_method", p.LogoutMethod, l.LogoutMethod)
	} else {
		spec.ExternalHost = f.str("external_host", p.ExternalHost, l.ExternalHost)
		spec.InternalHost = f.str("internal_host", p.InternalHost, l.InternalHost)
		spec.Mode = f.str("mode", p.Mode, l.Mode)
		spec.InternalHostSSLValidation = f.boolean("internal_host_ssl_validation", p.InternalHostSSLValidation, l.InternalHostSSLValidation)
		spec.SkipPathRegex = f.str("skip_path_regex", p.SkipPathRegex, l.SkipPathRegex)
		spec.CookieDomain = f.str("cookie_domain", p.CookieDomain, l.CookieDomain)
		spec.InterceptHeaderAuth = f.boolean("intercept_header_auth", p.InterceptHeaderAuth, l.InterceptHeaderAuth)
	}
	spec.AccessTokenValidity = f.str("access_token_validity", p.AccessTokenValidity, l.AccessTokenValidity)
	spec.RefreshTokenValidity = f.str("refresh_token_validity", p.RefreshTokenValidity, l.RefreshTokenValidity)
	return finish(ch, f, live == nil, idOf(live != nil, func() string { return strconv.Itoa(int(live.PK)) }), spec)
}

// --- applications ---

func (c *computer) application(a *manifest.Application) *Change {
	if !c.readable(KindApplication, a.Slug, a.Src.Pos) {
		return nil
	}
	live := c.liveApp(a.Slug)
	ch := &Change{Kind: KindApplication, Key: a.Slug, Source: a.Src.Pos.String()}
	if a.State.IsAbsent() {
		if live == nil {
			return nil
		}
		ch.Action, ch.ID = Delete, live.Slug
		return ch
	}
	var l Application
	if live != nil {
		l = *live
	}
	f := &fields{create: live == nil}
	spec := &ApplicationSpec{Slug: a.Slug}
	spec.Name = f.str("name", &a.Name, l.Name)
	if a.Provider != nil {
		if f.create || *a.Provider != c.providerLabel(l.Provider) {
			f.add("provider", c.providerLabel(l.Provider), *a.Provider, false)
			spec.Provider = a.Provider
		}
	}
	spec.MetaLaunchURL = f.str("meta_launch_url", a.MetaLaunchURL, l.MetaLaunchURL)
	spec.MetaDescription = f.str("meta_description", a.MetaDescription, l.MetaDescription)
	spec.MetaPublisher = f.str("meta_publisher", a.MetaPublisher, l.MetaPublisher)
	spec.MetaIcon = f.str("meta_icon", a.MetaIcon, l.MetaIcon)
	spec.Group = f.str("group", a.Group, l.Group)
	spec.OpenInNewTab = f.boolean("open_in_new_tab", a.OpenInNewTab, l.OpenInNewTab)
	spec.PolicyEngineMode = f.str("policy_engine_mode", a.PolicyEngineMode, l.PolicyEngineMode)
	return finish(ch, f, live == nil, l.Slug, spec)
}

// access diffs the group bindings of an application that declares access.
func (c *computer) access(a *manifest.Application) *Change {
	if a.Access == nil || a.State.IsAbsent() {
		return nil
	}
	live := c.liveApp(a.Slug)
	var haveGroups []string
	byGroup := map[string][]Binding{}
	var maxOrder int32 = -1
	if live != nil {
		for _, b := range c.live.Bindings {
			if b.Target != live.PK {
				continue
			}
			maxOrder = max(maxOrder, b.Order)
			if b.Group == "" {
				continue
			}
			name := b.Group
			if g, ok := c.groupsByPK[b.Group]; ok {
				name = g.Name
			}
			byGroup[name] = append(byGroup[name], b)
		}
	}
	for name := range byGroup {
		haveGroups = append(haveGroups, name)
	}
	want := uniqueSorted(a.Access.Groups)
	haveGroups = uniqueSorted(haveGroups)
	spec := &AccessSpec{AppSlug: a.Slug, FirstOrder: maxOrder + 1}
	for _, g := range want {
		if _, ok := byGroup[g]; !ok {
			spec.AddGroups = append(spec.AddGroups, g)
		}
	}
	for _, g := range haveGroups {
		if !slices.Contains(want, g) {
			for _, b := range byGroup[g] {
				spec.RemoveBindings = append(spec.RemoveBindings, b.PK)
			}
		}
	}
	if len(spec.AddGroups) == 0 && len(spec.RemoveBindings) == 0 {
		return nil
	}
	sort.Strings(spec.RemoveBindings)
	action := Update
	if len(haveGroups) == 0 {
		action = Create
	}
	var before any = haveGroups
	if action == Create {
		before = nil
	}
	return &Change{
		Kind: KindAccess, Key: a.Slug, Action: action, Source: a.Src.At("access").String(),
		Fields: []FieldChange{{Field: "groups", Before: before, After: want}},
		Spec:   spec,
	}
}

// --- outposts ---

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
	var have []string
	for _, pk := range l.Providers {
		have = append(have, c.providerLabel(pk))
	}
	have = uniqueSorted(have)
	for _, name := range uniqueSorted(o.Providers) {
		if !slices.Contains(have, name) {
			spec.AddProviders = append(spec.AddProviders, name)
		}
	}
	if f.create || len(spec.AddProviders) > 0 {
		f.add("providers", have, uniqueSorted(append(append([]string(nil), have...), spec.AddProviders...)), false)
	}
	if len(o.Config) > 0 {
		merged := map[string]any{}
		for k, v := range l.Config {
			merged[k] = v
		}
		changed := false
		for _, k := range sortedKeys(o.Config) {
			want := normalizeJSON(o.Config[k])
			have, exists := l.Config[k]
			if f.create || !exists || !reflect.DeepEqual(normalizeJSON(have), want) {
				f.add("config."+k, displayJSON(have, exists), displayJSON(want, true), false)
				changed = true
			}
			merged[k] = want
		}
		if changed {
			spec.Config = merged
		}
	}
	return finish(ch, f, live == nil, l.PK, spec)
}

// --- small helpers ---

func uniqueSorted(xs []string) []string {
	out := slices.Clone(xs)
	sort.Strings(out)
	return slices.Compact(out)
}

func isSubset(sub, set []string) bool {
	for _, s := range sub {
		if !slices.Contains(set, s) {
			return false
		}
	}
	return true
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// normalizeJSON gives a value the shape encoding/json would decode it to,
// so YAML ints and JSON float64s compare equal.
func normalizeJSON(v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		return v
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		return v
	}
	return out
}

func displayJSON(v any, exists bool) any {
	if !exists {
		return nil
	}
	switch v.(type) {
	case string, bool, nil:
		return v
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}
