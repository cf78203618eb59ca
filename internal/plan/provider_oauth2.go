package plan

import (
	"fmt"
	"slices"

	"github.com/provision/provision/internal/manifest"
)

// OAuth2Detail is a live OAuth2 provider's own fields.
type OAuth2Detail struct {
	ClientType             string
	ClientID               string
	ClientSecret           string
	RedirectURIs           []RedirectURI
	SigningKey             string // "" when null (HS256)
	SubMode                string
	IssuerMode             string
	IncludeClaimsInIDToken bool
	AccessCodeValidity     string
	AccessTokenValidity    string
	RefreshTokenValidity   string
	LogoutURI              string
	LogoutMethod           string
}

// RedirectURI is one entry of a provider's redirect_uris.
type RedirectURI struct {
	MatchingMode string `json:"matching_mode"`
	URL          string `json:"url"`
}

// OAuth2Spec is what an OAuth2 provider write sends of its own fields.
type OAuth2Spec struct {
	ClientType             *string
	ClientID               *string
	ClientSecret           *string
	RedirectURIs           []RedirectURI // nil = not sent
	SigningKey             *string       // key pair uuid; "" sends null
	SubMode                *string
	IssuerMode             *string
	IncludeClaimsInIDToken *bool
	AccessCodeValidity     *string
	AccessTokenValidity    *string
	RefreshTokenValidity   *string
	LogoutURI              *string
	LogoutMethod           *string
}

// OAuth2 returns the provider's OAuth2 fields (zero when not read or not OAuth2).
func (p *Provider) OAuth2() *OAuth2Detail { return detail[OAuth2Detail](p) }

var oauth2Type = &providerType{
	reads: []Kind{KindScopeMapping, KindKeyPair},
	diff: func(c *computer, f *fields, p *manifest.Provider, l *Provider, spec *ProviderSpec) {
		d := detail[OAuth2Detail](l)
		s := &OAuth2Spec{}
		spec.Detail = s
		spec.PropertyMappings = c.scopesField(f, p, l, false)
		s.ClientType = f.str("client_type", p.ClientType, d.ClientType)
		s.ClientID = f.str("client_id", p.ClientID, d.ClientID)
		s.ClientSecret = f.secret("client_secret", p.ClientSecret, d.ClientSecret)
		// Declared, or derived from the application's outputs.
		if p.Src.Has("redirect_uris") || len(p.RedirectURIs) > 0 {
			want := make([]RedirectURI, 0, len(p.RedirectURIs))
			for _, r := range p.RedirectURIs {
				mode := r.MatchingMode
				if mode == "" {
					mode = "strict"
				}
				want = append(want, RedirectURI{MatchingMode: mode, URL: r.URL})
			}
			if f.create || !slices.Equal(want, d.RedirectURIs) {
				f.add("redirect_uris", redirectLabels(d.RedirectURIs), redirectLabels(want), false)
				s.RedirectURIs = want
			}
		}
		s.SigningKey = c.keyPairField(f, spec, "signing_key", p.SigningKey, p.OwnsSigningKey(), d.SigningKey, p.Src, true, "(none: HS256)")
		s.SubMode = f.str("sub_mode", p.SubMode, d.SubMode)
		s.IssuerMode = f.str("issuer_mode", p.IssuerMode, d.IssuerMode)
		s.IncludeClaimsInIDToken = f.boolean("include_claims_in_id_token", p.IncludeClaimsInIDToken, d.IncludeClaimsInIDToken)
		s.AccessCodeValidity = f.str("access_code_validity", p.AccessCodeValidity, d.AccessCodeValidity)
		s.AccessTokenValidity = f.str("access_token_validity", p.AccessTokenValidity, d.AccessTokenValidity)
		s.RefreshTokenValidity = f.str("refresh_token_validity", p.RefreshTokenValidity, d.RefreshTokenValidity)
		s.LogoutURI = f.str("logout_uri", p.LogoutURI, d.LogoutURI)
		s.LogoutMethod = f.str("logout_method", p.LogoutMethod, d.LogoutMethod)
	},
}

// scopesField diffs an OAuth2 or proxy provider's scopes against its
// property mappings. With subset, the declared mappings need only be
// present (authentik adds its proxy mappings on every proxy write). It
// returns the whole mapping list to send, or nil.
func (c *computer) scopesField(f *fields, p *manifest.Provider, l *Provider, subset bool) []Reference {
	if p.Scopes == nil {
		return nil
	}
	var want []Reference
	var wantLabels []string
	for j, s := range p.Scopes {
		if r, ok := c.scopeRef(s, p.Src.At(fmt.Sprintf("scopes[%d]", j))); ok {
			want = append(want, r)
			wantLabels = append(wantLabels, s)
		}
	}
	have := uniqueSorted(l.PropertyMappings)
	var wantPKs []string
	pending := false
	for _, r := range want {
		if r.PK == "" {
			pending = true
			continue
		}
		wantPKs = append(wantPKs, r.PK)
	}
	wantPKs = uniqueSorted(wantPKs)
	differs := pending || !slices.Equal(wantPKs, have)
	if subset {
		differs = pending || !isSubset(wantPKs, have)
		if differs {
			for _, pk := range have {
				if !slices.Contains(wantPKs, pk) {
					want = append(want, Known(pk))
					wantLabels = append(wantLabels, c.scopeLabels([]string{pk})...)
				}
			}
		}
	}
	if !f.create && !differs {
		return nil
	}
	f.add("scopes", c.scopeLabels(have), uniqueSorted(wantLabels), false)
	if len(want) == 0 {
		return []Reference{} // scopes: []: send an empty list (nil sends nothing)
	}
	return dedupe(want)
}

func dedupe(rs []Reference) []Reference {
	var out []Reference
	for _, r := range rs {
		if !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	return out
}
