package manifest

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
)

// Reserved application slugs: authentik refuses them because they collide
// with its global OAuth2 endpoints.
var ReservedSlugs = []string{"authorize", "token", "device", "userinfo", "introspect", "revoke"}

var (
	slugRE       = regexp.MustCompile(`^[-a-zA-Z0-9_]+$`)
	durationPart = regexp.MustCompile(`^(microseconds|milliseconds|seconds|minutes|hours|days|weeks)=\d+(\.\d+)?$`)
	enumValues   = map[string][]string{
		"client_type":        {"confidential", "public"},
		"sub_mode":           {"hashed_user_id", "user_id", "user_uuid", "user_username", "user_email", "user_upn"},
		"issuer_mode":        {"global", "per_provider"},
		"logout_method":      {"backchannel", "frontchannel"},
		"mode":               {"proxy", "forward_single", "forward_domain"},
		"matching_mode":      {"strict", "regex"},
		"policy_engine_mode": {"all", "any"},
		"outpost type":       {"proxy", "ldap", "radius", "rac"},
	}
)

// Validate runs the semantic checks authentik would otherwise make late (or
// not at all), offline. extra is called for each application output so that
// client-specific rules (e.g. LibreChat's) can add problems; it may be nil.
// Every problem is reported, sorted by position.
func (m *Manifest) Validate(extra func(*Application, *Provider) []Diagnostic) error {
	var ds Diagnostics
	providers := map[string]*Provider{}
	groups := map[string]bool{}
	for _, g := range DefaultGroups {
		groups[g] = true
	}

	seenGroup := map[string]Position{}
	for i := range m.Groups {
		g := &m.Groups[i]
		if g.Name == "" {
			ds.add(g.Src.Pos, "group: name is required")
			continue
		}
		dup(&ds, seenGroup, g.Name, g.Src.Pos, "group")
		checkState(&ds, g.State, g.Src)
		if !g.State.IsAbsent() {
			groups[g.Name] = true
		}
	}

	seenProvider := map[string]Position{}
	for i := range m.Providers {
		p := &m.Providers[i]
		if p.Name == "" {
			ds.add(p.Src.Pos, "provider: name is required")
			continue
		}
		dup(&ds, seenProvider, p.Name, p.Src.Pos, "provider")
		providers[p.Name] = p
		checkState(&ds, p.State, p.Src)
		validateProvider(&ds, p)
	}

	seenSlug := map[string]Position{}
	usedProvider := map[string]*Application{}
	for i := range m.Applications {
		a := &m.Applications[i]
		if a.Slug == "" {
			ds.add(a.Src.Pos, "application: slug is required")
			continue
		}
		dup(&ds, seenSlug, a.Slug, a.Src.Pos, "application slug")
		checkState(&ds, a.State, a.Src)
		switch {
		case !slugRE.MatchString(a.Slug):
			ds.add(a.Src.At("slug"), fmt.Sprintf("application slug %q may contain only letters, digits, '-' and '_'", a.Slug))
		case slices.Contains(ReservedSlugs, a.Slug):
			ds.add(a.Src.At("slug"), fmt.Sprintf("application slug %q is reserved by authentik for its OAuth2 endpoints", a.Slug))
		}
		if a.State.IsAbsent() {
			continue
		}
		if a.Name == "" {
			ds.add(a.Src.Pos, fmt.Sprintf("application %q: name is required", a.Slug))
		}
		checkEnum(&ds, "policy_engine_mode", a.PolicyEngineMode, a.Src)
		if a.MetaLaunchURL != nil && *a.MetaLaunchURL != "" {
			checkURL(&ds, a.Src.At("meta_launch_url"), "meta_launch_url", *a.MetaLaunchURL)
		}
		var prov *Provider
		if a.Provider != nil {
			name := *a.Provider
			prov = providers[name]
			switch {
			case prov == nil:
				ds.add(a.Src.At("provider"), fmt.Sprintf("application %q uses provider %q, which is not declared in the manifest", a.Slug, name))
			case prov.State.IsAbsent():
				ds.add(a.Src.At("provider"), fmt.Sprintf("application %q uses provider %q, which the manifest marks state: absent", a.Slug, name))
			}
			if other, ok := usedProvider[name]; ok {
				ds.add(a.Src.At("provider"), fmt.Sprintf("provider %q is already used by application %q (%s); authentik allows one application per provider", name, other.Slug, other.Src.At("provider")))
			} else {
				usedProvider[name] = a
			}
		}
		if a.Access != nil {
			for j, g := range a.Access.Groups {
				if !groups[g] {
					ds.add(a.Src.At(fmt.Sprintf("access.groups[%d]", j)), fmt.Sprintf("application %q allows group %q, which is not declared in the manifest", a.Slug, g))
				}
			}
		}
		if a.Outputs != nil && a.Outputs.LibreChat != nil {
			if prov != nil && prov.Type != TypeOAuth2 {
				ds.add(a.Src.At("outputs.librechat"), fmt.Sprintf("application %q: librechat output needs an oauth2 provider, but %q is %s", a.Slug, prov.Name, prov.Type))
			}
			if a.Provider == nil {
				ds.add(a.Src.At("outputs.librechat"), fmt.Sprintf("application %q: librechat output needs an oauth2 provider", a.Slug))
			}
			if extra != nil {
				ds = append(ds, extra(a, prov)...)
			}
		}
	}

	seenOutpost := map[string]Position{}
	for i := range m.Outposts {
		o := &m.Outposts[i]
		if o.Name == "" {
			ds.add(o.Src.Pos, "outpost: name is required")
			continue
		}
		dup(&ds, seenOutpost, o.Name, o.Src.Pos, "outpost")
		checkState(&ds, o.State, o.Src)
		if o.State.IsAbsent() {
			continue
		}
		if o.Type == "" {
			ds.add(o.Src.Pos, fmt.Sprintf("outpost %q: type is required (proxy, ldap, radius or rac)", o.Name))
		} else {
			checkEnum(&ds, "outpost type", &o.Type, o.Src)
		}
		if o.Exclusive && o.Name == EmbeddedOutpostName {
			ds.add(o.Src.At("exclusive"), fmt.Sprintf("outpost %q is shared: exclusive would detach the providers others attached; list only the providers to attach", o.Name))
		}
		if len(o.Providers) == 0 && o.Name != EmbeddedOutpostName {
			ds.add(o.Src.Pos, fmt.Sprintf("outpost %q: list at least one provider (authentik refuses an outpost without providers, except the embedded one)", o.Name))
		}
		for j, name := range o.Providers {
			at := o.Src.At(fmt.Sprintf("providers[%d]", j))
			p := providers[name]
			switch {
			case p == nil:
				ds.add(at, fmt.Sprintf("outpost %q lists provider %q, which is not declared in the manifest", o.Name, name))
			case p.Type == TypeOAuth2:
				ds.add(at, fmt.Sprintf("outpost %q lists OAuth2 provider %q: outposts serve only proxy, LDAP, RADIUS and RAC providers, while OAuth2/OIDC is served by authentik itself, so remove it from the outpost (the application needs no outpost)", o.Name, name))
			case o.Type != "" && o.Type != p.Type:
				ds.add(at, fmt.Sprintf("outpost %q of type %s cannot serve %s provider %q", o.Name, o.Type, p.Type, name))
			}
		}
	}
	return ds.err()
}

func validateProvider(ds *Diagnostics, p *Provider) {
	switch p.Type {
	case TypeOAuth2, TypeProxy:
	case "":
		ds.add(p.Src.Pos, fmt.Sprintf("provider %q: type is required (oauth2 or proxy)", p.Name))
		return
	default:
		ds.add(p.Src.At("type"), fmt.Sprintf("provider %q: type %q is not supported; use oauth2 or proxy", p.Name, p.Type))
		return
	}
	if p.State.IsAbsent() {
		return
	}
	for _, f := range []struct {
		key string
		v   *string
	}{{"authorization_flow", p.AuthorizationFlow}, {"invalidation_flow", p.InvalidationFlow}, {"authentication_flow", p.AuthenticationFlow}} {
		if f.v != nil && !slugRE.MatchString(*f.v) {
			ds.add(p.Src.At(f.key), fmt.Sprintf("provider %q: %s must be a flow slug, got %q", p.Name, f.key, *f.v))
		}
	}
	for j, s := range p.Scopes {
		if s == "" || strings.ContainsAny(s, " \t") {
			ds.add(p.Src.At(fmt.Sprintf("scopes[%d]", j)), fmt.Sprintf("provider %q: scope %q must be one word", p.Name, s))
		}
	}
	for _, f := range []struct {
		key string
		v   *string
	}{{"access_code_validity", p.AccessCodeValidity}, {"access_token_validity", p.AccessTokenValidity}, {"refresh_token_validity", p.RefreshTokenValidity}} {
		if f.v != nil && !validDuration(*f.v) {
			ds.add(p.Src.At(f.key), fmt.Sprintf("provider %q: %s %q is not in authentik's duration format, e.g. \"hours=1\" or \"days=1;hours=12\"", p.Name, f.key, *f.v))
		}
	}
	if p.Type == TypeProxy {
		for _, key := range []string{"client_type", "client_id", "client_secret", "redirect_uris", "signing_key", "include_claims_in_id_token", "sub_mode", "issuer_mode"} {
			if p.Src.Has(key) {
				ds.add(p.Src.At(key), fmt.Sprintf("provider %q: %s cannot be set on a proxy provider (authentik sets it itself on every write)", p.Name, key))
			}
		}
		if p.ExternalHost == nil {
			ds.add(p.Src.Pos, fmt.Sprintf("provider %q: external_host is required for a proxy provider", p.Name))
		} else {
			checkURL(ds, p.Src.At("external_host"), "external_host", *p.ExternalHost)
		}
		mode := "proxy"
		if p.Mode != nil {
			mode = *p.Mode
		}
		checkEnum(ds, "mode", p.Mode, p.Src)
		if mode == "proxy" && (p.InternalHost == nil || *p.InternalHost == "") {
			ds.add(p.Src.Pos, fmt.Sprintf("provider %q: internal_host is required when mode is proxy", p.Name))
		}
		if p.InternalHost != nil && *p.InternalHost != "" {
			checkURL(ds, p.Src.At("internal_host"), "internal_host", *p.InternalHost)
		}
		return
	}
	for _, key := range []string{"external_host", "internal_host", "mode", "internal_host_ssl_validation", "skip_path_regex", "cookie_domain", "intercept_header_auth"} {
		if p.Src.Has(key) {
			ds.add(p.Src.At(key), fmt.Sprintf("provider %q: %s applies to proxy providers only", p.Name, key))
		}
	}
	if p.Scopes != nil && len(p.Scopes) == 0 {
		ds.add(p.Src.At("scopes"), fmt.Sprintf("provider %q: scopes is empty; an OAuth2 provider needs at least openid (leave scopes out for openid, profile, email)", p.Name))
	}
	if p.Src.Has("redirect_uris") && len(p.RedirectURIs) == 0 {
		ds.add(p.Src.At("redirect_uris"), fmt.Sprintf("provider %q: redirect_uris is empty, so authentik would trust the first redirect URI it sees; list the allowed URIs", p.Name))
	}
	checkEnum(ds, "client_type", p.ClientType, p.Src)
	checkEnum(ds, "sub_mode", p.SubMode, p.Src)
	checkEnum(ds, "issuer_mode", p.IssuerMode, p.Src)
	checkEnum(ds, "logout_method", p.LogoutMethod, p.Src)
	if p.LogoutURI != nil && *p.LogoutURI != "" {
		checkURL(ds, p.Src.At("logout_uri"), "logout_uri", *p.LogoutURI)
	}
	for j, r := range p.RedirectURIs {
		at := p.Src.At(fmt.Sprintf("redirect_uris[%d]", j))
		mode := r.MatchingMode
		if mode == "" {
			mode = "strict"
		}
		switch mode {
		case "strict":
			if u, err := url.Parse(r.URL); err != nil || u.Scheme == "" {
				ds.add(at, fmt.Sprintf("provider %q: redirect URI %q is not an absolute URL", p.Name, r.URL))
			}
		case "regex":
			if _, err := regexp.Compile(r.URL); err != nil {
				ds.add(at, fmt.Sprintf("provider %q: redirect URI regex %q does not compile: %v", p.Name, r.URL, regexErr(err)))
			}
		default:
			ds.add(at, fmt.Sprintf("provider %q: matching_mode %q is not one of strict, regex", p.Name, r.MatchingMode))
		}
	}
}

func regexErr(err error) string {
	var msg = err.Error()
	return strings.TrimPrefix(msg, "error parsing regexp: ")
}

func validDuration(s string) bool {
	if s == "" {
		return false
	}
	for part := range strings.SplitSeq(s, ";") {
		if !durationPart.MatchString(strings.TrimSpace(part)) {
			return false
		}
	}
	return true
}

func checkURL(ds *Diagnostics, at Position, field, v string) {
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		ds.add(at, fmt.Sprintf("%s %q is not an absolute http(s) URL", field, v))
	}
}

func checkEnum(ds *Diagnostics, field string, v *string, src Source) {
	if v == nil {
		return
	}
	allowed := enumValues[field]
	if slices.Contains(allowed, *v) {
		return
	}
	key := field
	if field == "outpost type" {
		key = "type"
	}
	ds.add(src.At(key), fmt.Sprintf("%s %q is not one of %s", field, *v, strings.Join(allowed, ", ")))
}

func checkState(ds *Diagnostics, s State, src Source) {
	if s != "" && s != Present && s != Absent {
		ds.add(src.At("state"), fmt.Sprintf("state %q is not one of present, absent", s))
	}
}

func dup(ds *Diagnostics, seen map[string]Position, key string, at Position, what string) {
	if first, ok := seen[key]; ok {
		ds.add(at, fmt.Sprintf("duplicate %s %q (first declared at %s)", what, key, first))
		return
	}
	seen[key] = at
}
