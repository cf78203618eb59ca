// Package export writes a manifest of live authentik objects, in the
// manifest's own conventions: references by name or slug, no pks, defaults
// left out, secrets left out (with a comment saying how to supply them).
// What a manifest cannot express is reported, never dropped silently. It
// does no HTTP: it works on a plan.Live snapshot, and proves its output by
// planning it against that same snapshot.
package export

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/provision/provision/internal/kinds"
	"github.com/provision/provision/internal/manifest"
	"github.com/provision/provision/internal/plan"
	"github.com/provision/provision/internal/suggest"
)

// Options select what to export.
type Options struct {
	// Apps are application slugs; each comes with its provider, access
	// groups, outpost attachments and custom scope mappings.
	Apps []string
	// Flows are flow slugs; each comes with its stage bindings and the
	// stages and prompts they use (authentik's own are named only).
	Flows []string
	// All exports every application, provider, custom scope mapping and
	// outpost of a type the manifest can express, and every flow, stage
	// and prompt authentik's blueprints did not create.
	All bool
	// Source names where the objects were read (for the header comment).
	Source string
}

// Result is an export.
type Result struct {
	YAML []byte
	// Skipped lists what the manifest cannot express, one sentence each.
	Skipped []string
}

// Reads is what an export needs read.
func Reads() plan.Reads {
	return plan.Reads{
		Kinds: []plan.Kind{plan.KindFlow, plan.KindKeyPair, plan.KindSAMLMapping, plan.KindBinding, plan.KindGroup,
			plan.KindScopeMapping, plan.KindProvider, plan.KindApplication, plan.KindOutpost},
		ProviderTypes: manifest.ProviderTypeNames(),
		AllExtras:     true, // every role's permissions
	}.Add(entryReads())
}

type exporter struct {
	live      *plan.Live
	skipped   []string
	providers []*entry
	apps      []*entry
	outposts  []*entry
	entries   []*entry          // descriptor kinds' (entries.go)
	byKey     map[string]*entry // "kind key"
	// lookups
	flows     map[string]string // pk -> slug
	keys      map[string]string // pk -> name
	saml      map[string]string // pk -> name
	scopes    map[string]plan.ScopeMapping
	provByPK  map[int32]*plan.Provider
	groupByPK map[string]plan.Group
	// unexported holds the pks of negated or disabled group bindings: the
	// export leaves them out of access, so its plan removes them.
	unexported map[string]bool
}

// Export builds the manifest.
func Export(live *plan.Live, o Options) (*Result, error) {
	x := &exporter{live: live, byKey: map[string]*entry{}, flows: map[string]string{}, keys: map[string]string{},
		saml: map[string]string{}, scopes: map[string]plan.ScopeMapping{}, provByPK: map[int32]*plan.Provider{}, groupByPK: map[string]plan.Group{}}
	for _, f := range live.Flows {
		x.flows[f.PK] = f.Slug
	}
	for _, k := range live.KeyPairs {
		x.keys[k.PK] = k.Name
	}
	for _, m := range live.SAMLMappings {
		x.saml[m.PK] = m.Name
	}
	for _, s := range live.ScopeMappings() {
		x.scopes[s.PK] = s
	}
	for i := range live.Providers {
		x.provByPK[live.Providers[i].PK] = &live.Providers[i]
	}
	for _, g := range live.Groups() {
		x.groupByPK[g.PK] = g
	}
	for _, u := range live.Unreadable {
		x.skip("%s %q: authentik returned a value this version of provision cannot read (%v); left out", u.Kind, u.Key, u.Err)
	}
	apps, err := x.selectApps(o)
	if err != nil {
		return nil, err
	}
	selected := map[int32]bool{}
	for _, a := range apps {
		if p := x.app(a); p != 0 {
			selected[p] = true
		}
	}
	if o.All {
		for i := range live.Providers {
			p := &live.Providers[i]
			if !selected[p.PK] {
				if x.anyProvider(p) {
					selected[p.PK] = true
				}
			}
		}
		// custom scope mappings come with the descriptor kinds below

	}
	if err := x.selectFlows(o.Flows); err != nil {
		return nil, err
	}
	if o.All {
		for _, name := range kinds.Names() {
			if kinds.Family(name)[0].ExportWhenNamed {
				continue
			}
			for i := range live.Objects[plan.Kind(name)] {
				x.entryObject(name, &live.Objects[plan.Kind(name)][i], false)
			}
		}
	}
	x.outpostsFor(selected, o.All)
	if err := x.converge(); err != nil {
		return nil, err
	}
	doc, err := x.render(o)
	if err != nil {
		return nil, err
	}
	return &Result{YAML: doc, Skipped: x.skipped}, nil
}

func (x *exporter) skip(format string, args ...any) {
	x.skipped = append(x.skipped, fmt.Sprintf(format, args...))
}

func (x *exporter) selectApps(o Options) ([]*plan.Application, error) {
	var out []*plan.Application
	if o.All {
		for i := range x.live.Applications {
			out = append(out, &x.live.Applications[i])
		}
		return out, nil
	}
	for _, slug := range o.Apps {
		i := slices.IndexFunc(x.live.Applications, func(a plan.Application) bool { return a.Slug == slug })
		if i < 0 {
			var slugs []string
			for _, a := range x.live.Applications {
				slugs = append(slugs, a.Slug)
			}
			if near := suggest.Closest(slug, slugs); near != "" {
				return nil, fmt.Errorf("authentik has no application with slug %q; did you mean %q?", slug, near)
			}
			return nil, fmt.Errorf("authentik has no application with slug %q", slug)
		}
		if !slices.ContainsFunc(out, func(a *plan.Application) bool { return a.Slug == slug }) {
			out = append(out, &x.live.Applications[i])
		}
	}
	return out, nil
}

// app adds an application and what comes with it; it returns its provider's
// pk when the provider is exported, else 0.
func (x *exporter) app(a *plan.Application) int32 {
	e := newEntry(plan.KindApplication, a.Slug)
	e.set("name", a.Name)
	e.set("slug", a.Slug)
	var exported int32
	if a.Provider != 0 {
		if p := x.provByPK[a.Provider]; p != nil && x.anyProvider(p) {
			e.set("provider", p.Name)
			exported = p.PK
		}
	}
	var backchannel []string
	for _, pk := range a.BackchannelProviders {
		if p := x.provByPK[pk]; p != nil && x.anyProvider(p) {
			backchannel = append(backchannel, p.Name)
		}
	}
	if len(backchannel) > 0 {
		e.set("backchannel_providers", uniqueSorted(backchannel))
	}
	setIf(e, "meta_launch_url", a.MetaLaunchURL, "")
	setIf(e, "meta_description", a.MetaDescription, "")
	setIf(e, "meta_publisher", a.MetaPublisher, "")
	setIf(e, "meta_icon", a.MetaIcon, "")
	setIf(e, "group", a.Group, "")
	if a.OpenInNewTab {
		e.set("open_in_new_tab", true)
	}
	setIf(e, "policy_engine_mode", a.PolicyEngineMode, "any")
	var groups []string
	for _, b := range x.live.Bindings {
		if b.Target != a.PK {
			continue
		}
		switch {
		case b.Group != "":
			g, ok := x.groupByPK[b.Group]
			if !ok {
				continue
			}
			if !x.bindingFlags(a.Slug, g.Name, b) {
				continue
			}
			x.group(g)
			groups = append(groups, g.Name)
		}
	}
	// Policy and user bindings are its policies: (group bindings are
	// access, above).
	x.hostedChildren(e, string(plan.KindApplication), a.PK, func(o *plan.Object) bool { return o.Fields["group"] == nil })
	if len(groups) > 0 {
		e.set("access", map[string]any{"groups": uniqueSorted(groups)})
	}
	x.add(e, &x.apps)
	return exported
}

func (x *exporter) group(g plan.Group) {
	if slices.Contains(manifest.DefaultGroups, g.Name) {
		return
	}
	if o := x.object(string(plan.KindGroup), g.Name); o != nil {
		x.entryObject(string(plan.KindGroup), o, false)
	}
}

// anyProvider adds a provider written by hand or by the engine (RADIUS,
// SCIM, RAC); false for a type neither expresses (reported).
func (x *exporter) anyProvider(p *plan.Provider) bool {
	if o := x.object(string(plan.KindEngineProvider), p.Name); o != nil && descriptor(string(plan.KindEngineProvider), o.Type) != nil {
		x.entryObject(string(plan.KindEngineProvider), o, false)
		return true
	}
	return x.provider(p)
}

// provider adds a provider of a type the manifest expresses; false for
// another type (reported).
func (x *exporter) provider(p *plan.Provider) bool {
	if x.byKey[ref(plan.KindProvider, p.Name)] != nil {
		return true
	}
	if manifest.ProviderTypeOf(p.Type) == nil {
		label := p.TypeLabel
		if label == "" {
			label = p.Type
		}
		x.skip("provider %q is a %s, which the manifest cannot express; left out", p.Name, label)
		return false
	}
	if p.Detail == nil {
		x.skip("provider %q: its %s fields were not read; left out", p.Name, p.Type)
		return false
	}
	e := newEntry(plan.KindProvider, p.Name)
	e.set("name", p.Name)
	e.set("type", p.Type)
	switch d := p.Detail.(type) {
	case *plan.OAuth2Detail:
		e.set("client_id", d.ClientID)
		uris := make([]any, 0, len(d.RedirectURIs))
		for _, r := range d.RedirectURIs {
			u := map[string]any{"url": r.URL}
			if r.MatchingMode != "strict" {
				u["matching_mode"] = r.MatchingMode
			}
			uris = append(uris, u)
		}
		e.set("redirect_uris", uris)
		// Fields the manifest has no default for are compared only when
		// declared: each is exported when it is not authentik's model
		// default (authentik/providers/oauth2/models.py).
		setIf(e, "sub_mode", d.SubMode, "hashed_user_id")
		setIf(e, "issuer_mode", d.IssuerMode, "per_provider")
		setIf(e, "include_claims_in_id_token", d.IncludeClaimsInIDToken, true)
		setIf(e, "access_code_validity", d.AccessCodeValidity, "minutes=1")
		setIf(e, "access_token_validity", d.AccessTokenValidity, "hours=1")
		setIf(e, "refresh_token_validity", d.RefreshTokenValidity, "days=30")
		setIf(e, "logout_uri", d.LogoutURI, "")
		setIf(e, "logout_method", d.LogoutMethod, "backchannel")
		if d.ClientType == "confidential" {
			e.comment = "client_secret is not exported (secrets never are), and its absence is not a change: authentik keeps the current one. To set it from the manifest, declare a sensitive variable (variables: {CLIENT_SECRET: {sensitive: true}}) and add client_secret: ${CLIENT_SECRET}."
		}
	case *plan.ProxyDetail:
		e.set("external_host", d.ExternalHost)
		setIf(e, "internal_host", d.InternalHost, "")
		setIf(e, "mode", d.Mode, "proxy")
		setIf(e, "internal_host_ssl_validation", d.InternalHostSSLValidation, true)
		setIf(e, "skip_path_regex", d.SkipPathRegex, "")
		setIf(e, "cookie_domain", d.CookieDomain, "")
		setIf(e, "intercept_header_auth", d.InterceptHeaderAuth, true)
		setIf(e, "access_token_validity", d.AccessTokenValidity, "hours=1")
		setIf(e, "refresh_token_validity", d.RefreshTokenValidity, "days=30")
		x.certificate(e, d.Certificate)
	case *plan.SAMLDetail:
		e.set("acs_url", d.ACSURL)
		setIf(e, "audience", d.Audience, "")
		setIf(e, "issuer", d.Issuer, "authentik")
		if d.VerificationKP != "" {
			e.set("verification_kp", x.keys[d.VerificationKP])
		}
		if d.NameIDMapping != "" {
			e.set("name_id_mapping", x.saml[d.NameIDMapping])
		}
		setIf(e, "digest_algorithm", d.DigestAlgorithm, "http://www.w3.org/2001/04/xmlenc#sha256")
		setIf(e, "signature_algorithm", d.SignatureAlgorithm, "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256")
		setIf(e, "assertion_valid_not_before", d.AssertionValidNotBefore, "minutes=-5")
		setIf(e, "assertion_valid_not_on_or_after", d.AssertionValidNotOnOrAfter, "minutes=5")
		setIf(e, "session_valid_not_on_or_after", d.SessionValidNotOnOrAfter, "minutes=86400")
		setIf(e, "sign_response", d.SignResponse, false)
	case *plan.LDAPDetail:
		e.set("base_dn", d.BaseDN)
		setIf(e, "mfa_support", d.MFASupport, true)
		if d.UIDStartNumber != 2000 {
			e.set("uid_start_number", d.UIDStartNumber)
		}
		if d.GIDStartNumber != 4000 {
			e.set("gid_start_number", d.GIDStartNumber)
		}
		x.certificate(e, d.Certificate)
	}
	if p.Type == manifest.TypeOAuth2 || p.Type == manifest.TypeProxy {
		for _, pk := range p.PropertyMappings {
			if s, ok := x.scopes[pk]; ok && s.Managed == "" {
				if o := x.object(string(plan.KindScopeMapping), s.Name); o != nil {
					x.entryObject(string(plan.KindScopeMapping), o, false)
				}
			}
		}
	}
	x.add(e, &x.providers)
	return true
}

// outpostsFor adds the outposts serving exported providers, each listing
// those providers (others attached stay attached: a manifest outpost is
// not exclusive).
func (x *exporter) outpostsFor(selected map[int32]bool, all bool) {
	for _, o := range x.live.Outposts {
		var names []string
		for _, pk := range o.Providers {
			if selected[pk] {
				names = append(names, x.provByPK[pk].Name)
			}
		}
		if len(names) == 0 && !(all && o.Managed == "") {
			continue
		}
		if len(names) == 0 { // all, and not managed
			x.skip("outpost %q serves no provider the manifest can express, and a manifest outpost lists at least one; left out", o.Name)
			continue
		}
		e := newEntry(plan.KindOutpost, o.Name)
		e.set("name", o.Name)
		e.set("type", o.Type)
		e.set("providers", uniqueSorted(names))
		if o.ServiceConnection != "" {
			if c := x.objectByPK(string(plan.KindServiceConnection), o.ServiceConnection); c != nil {
				x.entryObject(string(plan.KindServiceConnection), c, false)
				e.set("service_connection", c.Key)
			}
		}
		if c := x.outpostConfig(o.Name, o.Config); len(c) > 0 {
			e.set("config", c)
		}
		x.add(e, &x.outposts)
	}
}

func (x *exporter) add(e *entry, list *[]*entry) {
	x.byKey[ref(e.kind, e.key)] = e
	*list = append(*list, e)
}

func ref(k plan.Kind, key string) string { return plan.Ref(k, key) }

// converge plans the export against the snapshot it came from, and writes
// every field the plan would change (a default that differs from the live
// value) into its entry, until the plan is empty. Every field a plan diffs
// is expressible in a manifest (an OAuth2 provider without scope mappings
// is scopes: []).
func (x *exporter) converge() error {
	for range 5 {
		doc, err := x.render(Options{})
		if err != nil {
			return err
		}
		m, diags := manifest.Parse("export.yaml", doc, func(string) (string, bool) { return "", false })
		if len(diags) > 0 {
			return fmt.Errorf("internal error: the export does not load: %v", diags)
		}
		if err := m.Validate(nil); err != nil {
			return fmt.Errorf("the exported manifest does not validate (a live value provision refuses): %v", err)
		}
		p, err := plan.Compute(m, x.live)
		if err != nil {
			return fmt.Errorf("the exported manifest does not plan: %v", err)
		}
		changed := false
		for _, c := range p.Changes {
			if x.removesOnlyUnexported(c) {
				continue // reported on stderr by bindingFlags
			}
			e := x.byKey[ref(c.Kind, c.Key)]
			if e == nil || c.Action != plan.Update {
				return fmt.Errorf("internal error: the export plans %s %s %q", c.Action, c.Kind, c.Key)
			}
			for _, f := range c.Fields {
				if f.Sensitive {
					continue
				}
				e.set(f.Field, manifestValue(f.Before))
				changed = true
			}
		}
		if !changed {
			return nil
		}
	}
	return fmt.Errorf("internal error: the export does not converge")
}

// manifestValue turns a plan display value back into a manifest value.
func manifestValue(v any) any {
	if s, ok := v.(string); ok && strings.HasPrefix(s, "(none") {
		return nil
	}
	return v
}

// setIf sets k unless v is its default.
func setIf[T comparable](e *entry, k string, v, def T) {
	if v != def {
		e.set(k, v)
	}
}

func uniqueSorted(xs []string) []string {
	out := slices.Clone(xs)
	sort.Strings(out)
	return slices.Compact(out)
}

// entry is one manifest entry with its keys in order.
type entry struct {
	kind    plan.Kind
	section string // a descriptor kind's section
	key     string
	keys    []string
	vals    map[string]any
	comment string
	// notes are comments written above a key, by key.
	notes map[string][]string
}

func newEntry(k plan.Kind, key string) *entry {
	return &entry{kind: k, key: key, vals: map[string]any{}}
}

func (e *entry) set(k string, v any) {
	if _, ok := e.vals[k]; !ok {
		e.keys = append(e.keys, k)
	}
	e.vals[k] = v
}

func (x *exporter) render(o Options) ([]byte, error) {
	root := &yaml.Node{Kind: yaml.MappingNode}
	if o.Source != "" {
		root.HeadComment = "Exported by provision export from " + o.Source + ".\n" +
			"Add \"stack: NAME\" to let provision own (and prune) these objects."
	}
	addKV(root, "version", &yaml.Node{Kind: yaml.ScalarNode, Value: "1", Tag: "!!int"})
	type section struct {
		name    string
		entries []*entry
	}
	var secs []section
	for _, name := range kinds.Sections() {
		var es []*entry
		for _, e := range x.entries {
			if e.section == name {
				es = append(es, e)
			}
		}
		secs = append(secs, section{name, es})
	}
	secs = append(secs, section{"providers", x.providers}, section{"applications", x.apps}, section{"outposts", x.outposts})
	for _, sec := range secs {
		if len(sec.entries) == 0 {
			continue
		}
		seq := &yaml.Node{Kind: yaml.SequenceNode}
		if fam := kinds.InSection(sec.name); len(fam) == 1 && fam[0].Singleton {
			seq = &yaml.Node{Kind: yaml.MappingNode} // its one entry's mapping
		}
		for _, e := range sorted(sec.entries) {
			n := &yaml.Node{Kind: yaml.MappingNode}
			if seq.Kind == yaml.MappingNode {
				n = seq
			}
			for i, k := range e.keys {
				v := &yaml.Node{}
				if err := v.Encode(e.vals[k]); err != nil {
					return nil, err
				}
				escape(v)
				addKV(n, k, v)
				var head []string
				if i == 0 && e.comment != "" {
					head = append(head, e.comment)
				}
				head = append(head, e.notes[k]...)
				if len(head) > 0 {
					n.Content[len(n.Content)-2].HeadComment = strings.Join(head, "\n")
				}
			}
			if n != seq {
				seq.Content = append(seq.Content, n)
			}
		}
		addKV(root, sec.name, seq)
	}
	out, err := yaml.Marshal(&yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{root}})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func sorted(es []*entry) []*entry {
	out := slices.Clone(es)
	sort.SliceStable(out, func(i, j int) bool { return out[i].key < out[j].key })
	return out
}

func addKV(m *yaml.Node, k string, v *yaml.Node) {
	m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: k}, v)
}

// escape keeps literal "${" from being read as a variable.
func escape(n *yaml.Node) {
	if n.Kind == yaml.ScalarNode && n.Tag == "!!str" {
		n.Value = strings.ReplaceAll(n.Value, "${", "$${")
	}
	for _, c := range n.Content {
		escape(c)
	}
}

// certificate exports a proxy or LDAP provider's TLS certificate by name,
// when it has one.
func (x *exporter) certificate(e *entry, pk string) {
	if name, ok := x.keys[pk]; ok && pk != "" {
		e.set("certificate", name)
	}
}
