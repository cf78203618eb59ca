package plan

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/provision/provision/internal/manifest"
)

// provider diffs one manifest provider (OAuth2 or proxy) against live state.
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
	if p.Type == manifest.TypeProxy && !f.create {
		// authentik validates a proxy PATCH without mode as mode=proxy, which
		// then needs internal_host: send the live values along (unshown).
		if spec.Mode == nil && l.Mode != "" {
			spec.Mode = &l.Mode
		}
		if spec.InternalHost == nil && l.InternalHost != "" {
			spec.InternalHost = &l.InternalHost
		}
	}
	if live != nil {
		ch.ID = strconv.Itoa(int(live.PK))
	}
	return finish(ch, f, spec)
}
