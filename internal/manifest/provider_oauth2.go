package manifest

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/provision/provision/internal/pyregex"
)

// TypeOAuth2 is an OAuth2/OpenID Connect provider, served by authentik itself.
const TypeOAuth2 = "oauth2"

// OAuth2Base holds the fields OAuth2 providers share with proxy providers
// (which are OAuth2 providers underneath).
type OAuth2Base struct {
	// Scopes are resolved to scope mappings by scope name, managed defaults
	// first, then the manifest's scope_mappings, then custom live ones.
	Scopes               []string `yaml:"scopes"`
	AccessTokenValidity  *string  `yaml:"access_token_validity"`
	RefreshTokenValidity *string  `yaml:"refresh_token_validity"`
}

// RedirectURI is one allowed redirect of an OAuth2 provider.
type RedirectURI struct {
	MatchingMode string `yaml:"matching_mode"`
	URL          string `yaml:"url"`
}

// OAuth2Fields are the OAuth2 provider's own fields.
type OAuth2Fields struct {
	ClientType             *string       `yaml:"client_type"`
	ClientID               *string       `yaml:"client_id"`
	ClientSecret           *string       `yaml:"client_secret"`
	RedirectURIs           []RedirectURI `yaml:"redirect_uris"`
	SigningKey             *string       `yaml:"signing_key"`
	SubMode                *string       `yaml:"sub_mode"`
	IssuerMode             *string       `yaml:"issuer_mode"`
	IncludeClaimsInIDToken *bool         `yaml:"include_claims_in_id_token"`
	AccessCodeValidity     *string       `yaml:"access_code_validity"`
	LogoutURI              *string       `yaml:"logout_uri"`
	LogoutMethod           *string       `yaml:"logout_method"`
}

// Defaults the tool owns for an OAuth2 provider: what authentik's UI wizard
// produces. The API itself would give sub_mode hashed_user_id, no signing
// key (HS256) and no scope mappings, which is not what an admin clicking
// through the wizard gets.
const (
	DefaultAuthorizationFlow = "default-provider-authorization-implicit-consent"
	DefaultInvalidationFlow  = "default-provider-invalidation-flow"
	DefaultSigningKey        = "authentik Self-signed Certificate"
	DefaultClientType        = "confidential"
)

// DefaultScopes are the scopes an OAuth2 provider gets when scopes is left
// out; scopes: [] declares none.
var DefaultScopes = []string{"openid", "profile", "email"}

var oauth2Type = &ProviderType{
	Name:   TypeOAuth2,
	Label:  "OAuth2",
	Fields: []any{OAuth2Base{}, OAuth2Fields{}},
	Defaults: func(p *Provider) {
		defaultFlows(p, DefaultAuthorizationFlow, DefaultInvalidationFlow)
		if p.ClientType == nil {
			p.ClientType = ptr(DefaultClientType)
		}
		if p.SigningKey == nil && !p.Src.Has("signing_key") {
			p.SigningKey = ptr(DefaultSigningKey)
		}
		if p.Scopes == nil {
			p.Scopes = append([]string(nil), DefaultScopes...)
		}
		// redirect_uris has no default: undeclared, it is left alone
		// (authentik stores the first redirect it sees when the list is empty).
	},
	Validate: validateOAuth2,
}

func validateOAuth2(ds *Diagnostics, p *Provider) {
	validateOAuth2Base(ds, p)
	// scopes: [] is allowed: no scope mappings, a plain OAuth2 provider
	// (authentik's API default; its authorize view refuses only ID-token
	// flows without openid). Client presets that need openid say so.
	if p.Src.Has("redirect_uris") && len(p.RedirectURIs) == 0 {
		ds.add(p.Src.At("redirect_uris"), fmt.Sprintf("provider %q: redirect_uris is empty, so authentik would trust the first redirect URI it sees; list the allowed URIs", p.Name))
	}
	checkEnum(ds, "client_type", p.ClientType, p.Src)
	checkEnum(ds, "sub_mode", p.SubMode, p.Src)
	checkEnum(ds, "issuer_mode", p.IssuerMode, p.Src)
	checkEnum(ds, "logout_method", p.LogoutMethod, p.Src)
	checkDuration(ds, p, "access_code_validity", p.AccessCodeValidity)
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
				if k := fmt.Sprintf("redirect_uris[%d].url", j); p.Src.Has(k) {
					at = p.Src.At(k) // the url's own line, which may hold a ${NAME}
				}
				ds.add(at, fmt.Sprintf("provider %q: redirect URI %q is not an absolute URL", p.Name, r.URL))
			}
		case "regex":
			// authentik compiles it with Python's re, which takes
			// lookarounds RE2 refuses.
			if _, err := pyregex.Compile(r.URL); err != nil {
				ds.add(at, fmt.Sprintf("provider %q: redirect URI regex %q does not compile: %v", p.Name, r.URL, err))
			}
		default:
			ds.add(at, fmt.Sprintf("provider %q: matching_mode %q is not one of %s", p.Name, r.MatchingMode, strings.Join(enumValues["matching_mode"], ", ")))
		}
	}
}

// validateOAuth2Base checks the fields OAuth2 and proxy providers share.
func validateOAuth2Base(ds *Diagnostics, p *Provider) {
	for j, s := range p.Scopes {
		if s == "" || containsSpace(s) {
			ds.add(p.Src.At(fmt.Sprintf("scopes[%d]", j)), fmt.Sprintf("provider %q: scope %q must be one word", p.Name, s))
		}
	}
	checkDuration(ds, p, "access_token_validity", p.AccessTokenValidity)
	checkDuration(ds, p, "refresh_token_validity", p.RefreshTokenValidity)
}
