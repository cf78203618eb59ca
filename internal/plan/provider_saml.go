package plan

import (
	"fmt"
	"slices"
	"strings"

	"github.com/provision/provision/internal/manifest"
)

// SAMLDetail is a live SAML provider's own fields, plus the URLs authentik
// computes for the service provider.
type SAMLDetail struct {
	ACSURL                     string
	Audience                   string
	Issuer                     string
	SPBinding                  string
	SigningKP                  string // key pair uuid; "" when none
	VerificationKP             string
	NameIDMapping              string // SAML property mapping uuid; "" when none
	DigestAlgorithm            string
	SignatureAlgorithm         string
	AssertionValidNotBefore    string
	AssertionValidNotOnOrAfter string
	SessionValidNotOnOrAfter   string
	SignAssertion              bool
	SignResponse               bool

	// Read-only: what the service provider needs.
	MetadataURL    string
	SSOPostURL     string
	SSORedirectURL string
	SSOInitURL     string
	SLOPostURL     string
	SLORedirectURL string
}

// SAMLSpec is what a SAML provider write sends of its own fields.
type SAMLSpec struct {
	ACSURL                     *string
	Audience                   *string
	Issuer                     *string
	SPBinding                  *string
	SigningKP                  *string // "" sends null
	VerificationKP             *string // "" sends null
	NameIDMapping              *string // "" sends null
	DigestAlgorithm            *string
	SignatureAlgorithm         *string
	AssertionValidNotBefore    *string
	AssertionValidNotOnOrAfter *string
	SessionValidNotOnOrAfter   *string
	SignAssertion              *bool
	SignResponse               *bool
}

// SAML returns the provider's SAML fields (zero when not read or not SAML).
func (p *Provider) SAML() *SAMLDetail { return detail[SAMLDetail](p) }

var samlType = &providerType{
	reads: []Kind{KindKeyPair, KindSAMLMapping},
	diff: func(c *computer, f *fields, p *manifest.Provider, l *Provider, spec *ProviderSpec) {
		d := detail[SAMLDetail](l)
		s := &SAMLSpec{}
		spec.Detail = s
		s.ACSURL = f.str("acs_url", p.ACSURL, d.ACSURL)
		s.Audience = f.str("audience", p.Audience, d.Audience)
		s.Issuer = f.str("issuer", p.Issuer, d.Issuer)
		s.SPBinding = f.str("sp_binding", p.SPBinding, d.SPBinding)
		s.SigningKP = c.keyPairField(f, spec, "signing_kp", p.SigningKP, p.Src.Has("signing_kp") || p.SigningKP != nil, d.SigningKP, p.Src, true, "(none: unsigned)")
		s.VerificationKP = c.keyPairField(f, spec, "verification_kp", p.VerificationKP, p.Src.Has("verification_kp"), d.VerificationKP, p.Src, false, "(none)")
		if p.NameIDMapping != nil || p.Src.Has("name_id_mapping") {
			wantPK := ""
			if p.NameIDMapping != nil && *p.NameIDMapping != "" {
				if m, ok := c.samlMapping(*p.NameIDMapping, p.Src.At("name_id_mapping")); ok {
					wantPK = m.PK
				} else {
					wantPK = d.NameIDMapping // reported
				}
			}
			if (f.create && wantPK != "") || (!f.create && wantPK != d.NameIDMapping) {
				f.add("name_id_mapping", nullIfEmpty(c.samlLabel(d.NameIDMapping)), nullIfEmpty(c.samlLabel(wantPK)), false)
				s.NameIDMapping = &wantPK
			}
		}
		if p.PropertyMappings != nil || !p.Src.Has("property_mappings") {
			var want, later []string
			for j, name := range p.PropertyMappings {
				if c.laterSAMLMapping(name) {
					later = append(later, name)
					continue
				}
				if m, ok := c.samlMapping(name, p.Src.At(fmt.Sprintf("property_mappings[%d]", j))); ok {
					want = append(want, m.PK)
				}
			}
			if !p.Src.Has("property_mappings") {
				// The form's default: every managed SAML mapping.
				for _, m := range c.live.SAMLMappings {
					if strings.HasPrefix(m.Managed, "goauthentik.io/providers/saml") {
						want = append(want, m.PK)
					}
				}
			}
			want = uniqueSorted(want)
			have := uniqueSorted(l.PropertyMappings)
			if f.create || !slices.Equal(want, have) || len(later) > 0 {
				f.add("property_mappings", c.samlLabels(have), uniqueSorted(append(c.samlLabels(want), later...)), false)
				spec.PropertyMappings = make([]Reference, len(want))
				for i, pk := range want {
					spec.PropertyMappings[i] = Known(pk)
				}
				for _, name := range later {
					spec.PropertyMappings = append(spec.PropertyMappings, Later(KindPropertyMapping, name))
				}
			}
		}
		s.DigestAlgorithm = f.str("digest_algorithm", p.DigestAlgorithm, d.DigestAlgorithm)
		s.SignatureAlgorithm = f.str("signature_algorithm", p.SignatureAlgorithm, d.SignatureAlgorithm)
		s.AssertionValidNotBefore = f.str("assertion_valid_not_before", p.AssertionValidNotBefore, d.AssertionValidNotBefore)
		s.AssertionValidNotOnOrAfter = f.str("assertion_valid_not_on_or_after", p.AssertionValidNotOnOrAfter, d.AssertionValidNotOnOrAfter)
		s.SessionValidNotOnOrAfter = f.str("session_valid_not_on_or_after", p.SessionValidNotOnOrAfter, d.SessionValidNotOnOrAfter)
		s.SignAssertion = f.boolean("sign_assertion", p.SignAssertion, d.SignAssertion)
		s.SignResponse = f.boolean("sign_response", p.SignResponse, d.SignResponse)
		if s.SigningKP != nil && *s.SigningKP != "" && s.SignAssertion == nil && s.SignResponse == nil {
			// authentik checks the signing flags of the request body
			// only: send the live ones along (unshown).
			s.SignAssertion, s.SignResponse = &d.SignAssertion, &d.SignResponse
		}
	},
}

func (c *computer) samlMapping(name string, pos manifest.Position) (PropertyMapping, bool) {
	m, ok := exactlyOne(c, "SAML property mapping", c.live.SAMLMappings, func(m *PropertyMapping) string { return m.Name }, name, pos)
	if !ok {
		return PropertyMapping{}, false
	}
	return *m, true
}

func (c *computer) samlLabel(pk string) string {
	if m, ok := c.samlByPK[pk]; ok {
		return m.Name
	}
	return pk
}

func (c *computer) samlLabels(pks []string) []string {
	out := make([]string, len(pks))
	for i, pk := range pks {
		out[i] = c.samlLabel(pk)
	}
	slices.Sort(out)
	return out
}

// laterSAMLMapping reports whether a SAML property mapping is one the
// manifest declares (a property_mappings: entry of type provider_saml)
// that authentik does not have yet: the apply creates it first.
func (c *computer) laterSAMLMapping(name string) bool {
	for _, m := range c.live.SAMLMappings {
		if m.Name == name {
			return false
		}
	}
	for _, e := range c.m.EntriesOf(string(KindPropertyMapping)) {
		if e.Key == name && e.Kind.Type == "provider_saml" && !e.State.IsAbsent() {
			return true
		}
	}
	return false
}
