package outputs

import (
	"fmt"
	"slices"
	"strings"

	"github.com/provision/provision/internal/plan"
)

// Fact is one setting a client application (service provider, relying
// party, LDAP client) needs from authentik, read from live state.
type Fact struct {
	// Key is the setting's name in `provision env` (e.g. SAML_METADATA_URL).
	Key string `json:"key"`
	// Label says what it is, for `provision show`.
	Label     string `json:"label"`
	Value     string `json:"value"`
	Sensitive bool   `json:"sensitive,omitempty"`
}

// Facts lists what the client of an application needs, by its provider's
// type. authentikURL is authentik's base URL (OIDC URLs are built from it;
// SAML URLs come from authentik itself).
func Facts(authentikURL string, live *plan.Live, slug string) ([]Fact, error) {
	app := findApp(live, slug)
	if app == nil {
		return nil, fmt.Errorf("application %q does not exist in authentik yet; run apply first", slug)
	}
	prov := findProvider(live, app.Provider)
	if prov == nil {
		return nil, fmt.Errorf("application %q has no provider in authentik", slug)
	}
	base := strings.TrimSuffix(authentikURL, "/")
	switch prov.Type {
	case "saml":
		d := prov.SAML()
		return []Fact{
			{Key: "SAML_ISSUER", Label: "IdP entity ID (issuer)", Value: d.Issuer},
			{Key: "SAML_METADATA_URL", Label: "IdP metadata URL", Value: d.MetadataURL},
			{Key: "SAML_SSO_URL_POST", Label: "SSO URL (HTTP-POST binding)", Value: d.SSOPostURL},
			{Key: "SAML_SSO_URL_REDIRECT", Label: "SSO URL (HTTP-Redirect binding)", Value: d.SSORedirectURL},
			{Key: "SAML_SLO_URL_POST", Label: "SLO URL (HTTP-POST binding)", Value: d.SLOPostURL},
			{Key: "SAML_SLO_URL_REDIRECT", Label: "SLO URL (HTTP-Redirect binding)", Value: d.SLORedirectURL},
			{Key: "SAML_ACS_URL", Label: "SP assertion consumer service URL (as registered)", Value: d.ACSURL},
			{Key: "SAML_AUDIENCE", Label: "SP entity ID (audience, as registered)", Value: d.Audience},
		}, nil
	case "oauth2":
		d := prov.OAuth2()
		v := Values{PublicURL: base, Slug: slug, IssuerMode: d.IssuerMode}
		scopes := scopeNames(live, prov.PropertyMappings)
		var ent []Fact
		if slices.Contains(scopes, EntitlementsScope) {
			ent = []Fact{{Key: "OIDC_ENTITLEMENTS_CLAIM", Label: "entitlements claim (scope entitlements: the application's entitlements the user holds)", Value: EntitlementsScope}}
		}
		return append([]Fact{
			{Key: "OIDC_ISSUER", Label: "issuer", Value: v.Issuer()},
			{Key: "OIDC_DISCOVERY_URL", Label: "discovery URL", Value: v.DiscoveryURL()},
			{Key: "OIDC_CLIENT_ID", Label: "client ID", Value: d.ClientID},
			{Key: "OIDC_CLIENT_SECRET", Label: "client secret", Value: d.ClientSecret, Sensitive: true},
			{Key: "OIDC_AUTHORIZE_URL", Label: "authorization endpoint", Value: base + "/application/o/authorize/"},
			{Key: "OIDC_TOKEN_URL", Label: "token endpoint", Value: base + "/application/o/token/"},
			{Key: "OIDC_USERINFO_URL", Label: "userinfo endpoint", Value: base + "/application/o/userinfo/"},
			{Key: "OIDC_SCOPES", Label: "scopes", Value: strings.Join(scopes, " ")},
		}, ent...), nil
	case "ldap":
		d := prov.LDAP()
		return []Fact{
			{Key: "LDAP_BASE_DN", Label: "base DN", Value: d.BaseDN},
			{Key: "LDAP_USERS_DN", Label: "users DN", Value: "ou=users," + d.BaseDN},
			{Key: "LDAP_GROUPS_DN", Label: "groups DN", Value: "ou=groups," + d.BaseDN},
			{Key: "LDAP_BIND_DN", Label: "bind DN of a user", Value: "cn=<username>,ou=users," + d.BaseDN},
			{Key: "LDAP_OUTPOSTS", Label: "served by outposts (LDAP on 389, LDAPS on 636)", Value: strings.Join(outpostsServing(live, prov.PK, "an LDAP"), ", ")},
		}, nil
	case "radius":
		// The shared secret is the one the manifest's sensitive variable
		// holds: never printed here.
		return []Fact{
			{Key: "RADIUS_OUTPOSTS", Label: "served by outposts (RADIUS on 1812/udp; clients use the provider's shared secret)", Value: strings.Join(outpostsServing(live, prov.PK, "a RADIUS"), ", ")},
		}, nil
	case "rac":
		return []Fact{
			{Key: "RAC_OUTPOSTS", Label: "served by outposts (users connect through authentik's web interface)", Value: strings.Join(outpostsServing(live, prov.PK, "a RAC"), ", ")},
		}, nil
	case "proxy":
		d := prov.Proxy()
		return []Fact{
			{Key: "PROXY_EXTERNAL_HOST", Label: "external host", Value: d.ExternalHost},
			{Key: "PROXY_MODE", Label: "mode", Value: d.Mode},
		}, nil
	}
	return nil, fmt.Errorf("application %q uses a %s provider, which provision does not describe", slug, prov.Type)
}

// outpostsServing names the outposts that hold a provider.
func outpostsServing(live *plan.Live, pk int32, typ string) []string {
	var names []string
	for _, o := range live.Outposts {
		if slices.Contains(o.Providers, pk) {
			names = append(names, o.Name)
		}
	}
	if len(names) == 0 {
		return []string{"(none: add the provider to " + typ + " outpost)"}
	}
	return names
}
