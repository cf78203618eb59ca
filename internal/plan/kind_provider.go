package plan

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/provision/provision/internal/manifest"
)

// Provider is a live provider of any type. Every provider is read with its
// base fields and type (authentik's providers/all); Detail holds its type's
// own fields when the manifest manages providers of that type.
type Provider struct {
	PK   int32
	Name string
	// Type is the manifest's type name (oauth2, proxy, saml, ldap) or, for
	// types provision does not manage, authentik's model name
	// (radiusprovider, scimprovider, ...).
	Type string
	// TypeLabel is authentik's name for the type ("RADIUS Provider").
	TypeLabel          string
	AuthorizationFlow  string
	InvalidationFlow   string
	AuthenticationFlow string // "" when null
	PropertyMappings   []string
	// Detail is the type's own fields (*OAuth2Detail, *ProxyDetail,
	// *SAMLDetail or *LDAPDetail), of the type Type names; nil when the
	// type's own list was not read. Compute refuses a Live where they
	// disagree.
	Detail ProviderDetail
}

// ProviderDetail is a live provider's own fields: *OAuth2Detail,
// *ProxyDetail, *SAMLDetail or *LDAPDetail. It is sealed (its method is
// unexported), so Provider.Detail cannot hold anything else.
type ProviderDetail interface {
	// detailType is the manifest's name of the type the fields belong to.
	detailType() string
}

// ProviderTypeSpec is what a provider write sends of its type's own
// fields: *OAuth2Spec, *ProxySpec, *SAMLSpec or *LDAPSpec. Sealed like
// ProviderDetail; the spec's type is its Detail's.
type ProviderTypeSpec interface {
	// specType is the manifest's name of the type the fields belong to.
	specType() string
}

func (*OAuth2Detail) detailType() string { return manifest.TypeOAuth2 }
func (*ProxyDetail) detailType() string  { return manifest.TypeProxy }
func (*SAMLDetail) detailType() string   { return manifest.TypeSAML }
func (*LDAPDetail) detailType() string   { return manifest.TypeLDAP }

func (*OAuth2Spec) specType() string { return manifest.TypeOAuth2 }
func (*ProxySpec) specType() string  { return manifest.TypeProxy }
func (*SAMLSpec) specType() string   { return manifest.TypeSAML }
func (*LDAPSpec) specType() string   { return manifest.TypeLDAP }

// checkDetail refuses a provider whose fields are another type's than
// its type: the accessors (OAuth2, SAML...) would read them as zero.
func (p *Provider) checkDetail() error {
	if p.Detail == nil || p.Detail.detailType() == p.Type {
		return nil
	}
	return fmt.Errorf("provider %q is a %s provider, but the fields read for it are %s fields", p.Name, p.Type, p.Detail.detailType())
}

// ProviderSpec creates or updates a provider. A nil field is not sent.
type ProviderSpec struct {
	Name string

	AuthorizationFlow  *string // flow uuid
	InvalidationFlow   *string
	AuthenticationFlow *string
	// LaterFlows are flow fields naming a flow the manifest declares and
	// the same apply creates, by slug; apply sets their uuid when the
	// flow exists (the *Flow field above is nil until then).
	LaterFlows map[string]string
	// LaterKeys are key pair fields naming a certificate the manifest
	// declares and the same apply creates, by name; apply sets their uuid
	// (SetKeyPair) once it exists.
	LaterKeys map[string]string
	// PropertyMappings are the whole mapping list to store; nil = not sent.
	PropertyMappings []Reference
	// Detail is the type's own fields: *OAuth2Spec, *ProxySpec, *SAMLSpec
	// or *LDAPSpec (never nil in a plan).
	Detail ProviderTypeSpec
	// Rename sends Name on an update: the manifest's moved: renames the
	// provider in place (safe.go).
	Rename bool
}

// Type is the provider's type (oauth2, proxy, saml, ldap): its Detail's,
// "" without one.
func (s *ProviderSpec) Type() string {
	if s.Detail == nil {
		return ""
	}
	return s.Detail.specType()
}

// providerType is the plan's part of a provider type: how its own fields
// are diffed. One file per type (provider_<type>.go); providerTypes lists
// them, keyed like manifest's provider types.
type providerType struct {
	// diff compares the type's own fields (and property mappings), adding
	// field changes to f and filling spec.Detail and spec.PropertyMappings.
	diff func(c *computer, f *fields, p *manifest.Provider, l *Provider, spec *ProviderSpec)
	// reads are the live kinds diff needs beyond flows.
	reads []Kind
}

var providerTypes = map[string]*providerType{
	manifest.TypeOAuth2: oauth2Type,
	manifest.TypeProxy:  proxyType,
	manifest.TypeSAML:   samlType,
	manifest.TypeLDAP:   ldapType,
}

var providerKind = &KindSpec{
	Kind: KindProvider,
	Refs: []Kind{KindScopeMapping, KindFlow, KindCertificate, KindPropertyMapping},
	Reads: func(m *manifest.Manifest) Reads {
		if len(m.Providers) == 0 {
			return Reads{}
		}
		r := Reads{Kinds: []Kind{KindProvider, KindFlow}}
		for _, p := range m.Providers {
			if t := providerTypes[p.Type]; t != nil {
				r = r.Add(Reads{Kinds: t.reads, ProviderTypes: []string{p.Type}})
			}
			if p.Certificate != nil || p.Src.Has("certificate") {
				r = r.Add(Reads{Kinds: []Kind{KindKeyPair}})
			}
		}
		if len(m.EntriesOf(string(KindScopeMapping))) > 0 {
			r = r.Add(Reads{Kinds: []Kind{KindScopeMapping}})
		}
		return r
	},
	Diff: func(c *computer, m *manifest.Manifest) []*Change {
		return each(m.Providers, c.provider)
	},
	IDs: func(l *Live) map[string]string {
		return keyed(l.Providers, func(p *Provider) (string, string) { return p.Name, strconv.Itoa(int(p.PK)) })
	},
	Needs: func(c *Change) []string {
		s, ok := c.Spec.(*ProviderSpec)
		if !ok {
			return nil
		}
		var out []string
		for _, r := range s.PropertyMappings {
			if r.PK == "" {
				out = append(out, Ref(r.Kind, r.Key))
			}
		}
		for _, slug := range s.LaterFlows {
			out = append(out, Ref(KindFlow, slug))
		}
		for _, name := range s.LaterKeys {
			out = append(out, Ref(KindCertificate, name))
		}
		slices.Sort(out)
		return out
	},
}

func providerName(p *Provider) string { return p.Name }

// detail returns a live provider's type fields, or the zero value when
// they were not read (a create compares against nothing) or the provider
// is of another type (a SAML provider has no OAuth2 fields). Fields of
// another type than the provider's own are refused by Compute
// (checkDetail), so a provider's own accessor never reads them as zero.
func detail[T any, P interface {
	*T
	ProviderDetail
}](l *Provider) *T {
	if d, ok := l.Detail.(P); ok && d != nil {
		return d
	}
	return new(T)
}

// provider diffs one manifest provider: the fields every type has here,
// the type's own through its providerType.
func (c *computer) provider(mp *manifest.Provider) *Change {
	live, ch, ok := lookup(c, KindProvider, c.live.Providers, providerName, mp.Name, mp.Src.Pos)
	if !ok {
		return nil
	}
	if live != nil && live.Type != mp.Type {
		// Refused for deletes too: an entry never touches a provider of
		// another type that happens to have its name.
		label := live.TypeLabel
		if label == "" {
			label = live.Type + " provider"
		}
		c.fail(mp.Src.At("type"), "provider %q exists in authentik as a %s, not a %s provider; provision does not change a provider's type (rename the entry, or delete the other provider first)", mp.Name, label, mp.Type)
		return nil
	}
	if mp.State.IsAbsent() {
		return deletion(ch, live, func(l *Provider) string { return strconv.Itoa(int(l.PK)) })
	}
	t := providerTypes[mp.Type]
	if t == nil {
		return nil // refused by validation
	}
	if live != nil && live.Detail == nil {
		c.fail(mp.Src.Pos, "provider %q: its %s fields were not read from authentik", mp.Name, mp.Type)
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
	spec := &ProviderSpec{Name: p.Name}
	if from := c.movedFrom(KindProvider, p.Name); from != "" && live != nil {
		f.add("name", from, p.Name, false)
		spec.Rename = true
	}
	spec.AuthorizationFlow = c.flowField(f, spec, "authorization_flow", p.AuthorizationFlow, l.AuthorizationFlow, p.Src)
	spec.InvalidationFlow = c.flowField(f, spec, "invalidation_flow", p.InvalidationFlow, l.InvalidationFlow, p.Src)
	spec.AuthenticationFlow = c.flowField(f, spec, "authentication_flow", p.AuthenticationFlow, l.AuthenticationFlow, p.Src)
	t.diff(c, f, &p, &l, spec)
	if live != nil {
		ch.ID = strconv.Itoa(int(live.PK))
	}
	return finish(ch, f, spec)
}

// flowField diffs a flow reference (by slug); it returns the flow uuid to send.
func (c *computer) flowField(f *fields, spec *ProviderSpec, name string, slug *string, livePK string, src manifest.Source) *string {
	if slug == nil {
		return nil
	}
	at := src.At(name)
	if name == "authorization_flow" && src.Has("bind_flow") {
		at = src.At("bind_flow")
	} else if name == "invalidation_flow" && src.Has("unbind_flow") {
		at = src.At("unbind_flow")
	}
	if c.createsFlow(*slug) {
		f.add(name, c.flowLabel(livePK), *slug, false)
		if spec.LaterFlows == nil {
			spec.LaterFlows = map[string]string{}
		}
		spec.LaterFlows[name] = *slug
		return nil
	}
	fl, ok := c.flow(*slug, at)
	if !ok || (!f.create && fl.PK == livePK) {
		return nil
	}
	f.add(name, c.flowLabel(livePK), fl.Slug, false)
	return &fl.PK
}

// createsFlow reports whether the manifest declares a flow that does not
// exist yet: the same apply creates it before the providers naming it.
func (c *computer) createsFlow(slug string) bool {
	for _, f := range c.live.Flows {
		if f.Slug == slug {
			return false
		}
	}
	for _, e := range c.m.EntriesOf(string(KindFlow)) {
		if e.Key == slug && !e.State.IsAbsent() {
			return true
		}
	}
	return false
}

// keyPairField diffs a key pair reference by name; a nil name with owned
// set means none (shown as none). It returns the pk to send ("" sends
// null), or nil when nothing is sent.
func (c *computer) keyPairField(f *fields, spec *ProviderSpec, name string, want *string, owned bool, livePK string, src manifest.Source, needPrivate bool, none string) *string {
	if want == nil && !owned {
		return nil
	}
	if want != nil && *want != "" {
		if e := c.createsCertificate(*want); e != nil {
			if needPrivate && !e.Declares("key_data") && e.Via == nil {
				c.fail(src.At(name), "signing key %q has no private key (its entry gives no key_file or key_data), so authentik cannot sign with it", *want)
				return nil
			}
			f.add(name, c.keyLabel(livePK, none), *want, false)
			if spec.LaterKeys == nil {
				spec.LaterKeys = map[string]string{}
			}
			spec.LaterKeys[name] = *want
			return nil
		}
	}
	wantPK := ""
	if want != nil && *want != "" {
		k, ok := c.keyPair(*want, src.At(name), needPrivate)
		if !ok {
			return nil // reported
		}
		wantPK = k.PK
	}
	if !f.create && wantPK == livePK {
		return nil
	}
	f.add(name, c.keyLabel(livePK, none), c.keyLabel(wantPK, none), false)
	return &wantPK
}

// certificateField diffs a proxy or LDAP provider's TLS certificate, by
// name; declared null, none. The outpost serves TLS with it, which authentik
// does not check for a private key when it is set.
func (c *computer) certificateField(f *fields, spec *ProviderSpec, p *manifest.Provider, livePK string) *string {
	return c.keyPairField(f, spec, "certificate", p.Certificate, p.Src.Has("certificate"), livePK, p.Src, false, "(none)")
}

func init() {
	owners[KindProvider] = &owner{
		exists: func(x *liveIndex, o Owned) bool { _, ok := x.providers[o.Key]; return ok },
		pk: func(x *liveIndex, o Owned) string {
			if p, ok := x.providers[o.Key]; ok {
				return strconv.Itoa(int(p.PK))
			}
			return ""
		},
		prune: func(p *pruning, o Owned) {
			p.add(&Change{Kind: KindProvider, Key: o.Key, Action: Delete, ID: strconv.Itoa(int(p.s.idx.providers[o.Key].PK)), Notes: []string{PruneNote}})
		},
	}
}

// createsCertificate returns the manifest's certificate entry of that name
// when no key pair of that name exists yet: the same apply creates it
// before the providers naming it.
func (c *computer) createsCertificate(name string) *manifest.Entry {
	for _, k := range c.live.KeyPairs {
		if k.Name == name {
			return nil
		}
	}
	for _, e := range c.m.EntriesOf(string(KindCertificate)) {
		if e.Key == name && !e.State.IsAbsent() {
			return e
		}
	}
	return nil
}

// KindCertificate is the certificates' descriptor kind (internal/kinds).
const KindCertificate Kind = "certificate"

// SetKeyPair sets a key pair field of the spec's type fields to pk (a
// certificate created earlier in the same apply).
func (s *ProviderSpec) SetKeyPair(field, pk string) bool {
	switch d := s.Detail.(type) {
	case *OAuth2Spec:
		if field == "signing_key" {
			n := *d
			n.SigningKey = &pk
			s.Detail = &n
			return true
		}
	case *SAMLSpec:
		n := *d
		switch field {
		case "signing_kp":
			n.SigningKP = &pk
		case "verification_kp":
			n.VerificationKP = &pk
		default:
			return false
		}
		s.Detail = &n
		return true
	case *ProxySpec:
		if field == "certificate" {
			n := *d
			n.Certificate = &pk
			s.Detail = &n
			return true
		}
	case *LDAPSpec:
		if field == "certificate" {
			n := *d
			n.Certificate = &pk
			s.Detail = &n
			return true
		}
	}
	return false
}

func init() {
	// A certificate a provider signs or verifies with, or its outpost serves
	// TLS with: authentik sets the provider's field to null when the
	// certificate is deleted (on_delete=SET_NULL in the models.py of
	// providers/oauth2, providers/saml, providers/ldap and providers/proxy).
	usedByReads[KindCertificate] = Reads{Kinds: []Kind{KindProvider}, ProviderTypes: []string{manifest.TypeOAuth2, manifest.TypeSAML, manifest.TypeProxy, manifest.TypeLDAP}}
	usedByHand["certificate"] = func(c *computer, pk string) []string {
		var out []string
		note := func(p *Provider, field, ref string) {
			if ref != "" && strings.EqualFold(ref, pk) {
				out = append(out, fmt.Sprintf("used by provider %q as %s: authentik sets it to null", p.Name, field))
			}
		}
		for i := range c.live.Providers {
			p := &c.live.Providers[i]
			switch d := p.Detail.(type) {
			case *OAuth2Detail:
				note(p, "signing_key", d.SigningKey)
			case *SAMLDetail:
				note(p, "signing_kp", d.SigningKP)
				note(p, "verification_kp", d.VerificationKP)
			case *ProxyDetail:
				note(p, "certificate", d.Certificate)
			case *LDAPDetail:
				note(p, "certificate", d.Certificate)
			}
		}
		return out
	}
}

// A provider's destroy takes its client credentials with it: each
// application on it that the manifest moves to another provider gets new
// ones, so the plan names the output files apply rewrites and the
// application to restart (safe.go).
func init() {
	deleteWarnings[KindProvider] = func(c *computer, ch *Change) []string {
		out := []string{fmt.Sprintf("provider %q is destroyed with its client credentials (client id and secret, signing setup): whatever logs in with them stops working", ch.Key)}
		for _, la := range c.live.Applications {
			if strconv.Itoa(int(la.Provider)) != ch.ID {
				continue
			}
			for _, a := range c.m.Applications {
				if a.Slug != la.Slug || a.State.IsAbsent() || a.Provider == nil || *a.Provider == ch.Key {
					continue
				}
				var files []string
				for _, name := range slices.Sorted(maps.Keys(a.Outputs)) {
					if o := a.Outputs[name]; o != nil && o.File != "" && o.File != "-" {
						files = append(files, strconv.Quote(o.File))
					}
				}
				w := fmt.Sprintf("application %q moves to provider %q, whose client credentials are new", a.Slug, *a.Provider)
				if len(files) > 0 {
					w += fmt.Sprintf(": apply rewrites %s; restart %q once it has", strings.Join(files, ", "), a.Name)
				} else {
					w += fmt.Sprintf(": give %q the new client id and secret, and restart it", a.Name)
				}
				out = append(out, w)
			}
		}
		return out
	}
}
