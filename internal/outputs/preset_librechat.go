package outputs

import (
	"slices"

	"github.com/provision/provision/internal/librechat"
	"github.com/provision/provision/internal/manifest"
)

// libreChat is LibreChat's OpenID login. Its catalogue lives in
// internal/librechat (LibreChat v0.8.6's .env.example and source).
type libreChat struct{}

func (libreChat) Name() string      { return "librechat" }
func (libreChat) Label() string     { return "LibreChat" }
func (libreChat) Follows() string   { return "LibreChat v0.8.6" }
func (libreChat) Options() []string { return []string{"domain_server", "button_label", "image_url"} }

func (libreChat) domainServer(o *manifest.Output) (string, string) {
	if s := o.Options["domain_server"]; s != "" {
		return s, "domain_server"
	}
	return o.URL, "url"
}

func (l libreChat) RedirectURI(o *manifest.Output) string {
	server, _ := l.domainServer(o)
	if server == "" || librechat.CheckDomainServer(server) != nil {
		return ""
	}
	return librechat.RedirectURI(server)
}

func (l libreChat) Validate(o *manifest.Output, p *manifest.Provider) []Problem {
	var ps []Problem
	if server, key := l.domainServer(o); server != "" {
		if err := librechat.CheckDomainServer(server); err != nil {
			ps = append(ps, Problem{Key: key, Msg: err.Error()})
		}
	}
	if p != nil && p.Type == manifest.TypeOAuth2 && !slices.Contains(p.WithDefaults().Scopes, "openid") {
		ps = append(ps, problem("provider.scopes", "provider %q: LibreChat needs the openid scope", p.Name))
	}
	if img := o.Options["image_url"]; img != "" {
		if err := checkURL("OPENID_IMAGE_URL", img); err != nil {
			ps = append(ps, Problem{Key: "image_url", Msg: err.Error()})
		}
	}
	// button_label and image_url are also checked as the format writes them.
	for _, err := range librechat.ValidateExtra(o.Env) {
		ps = append(ps, Problem{Key: "env", Msg: err.Error()})
	}
	ps = append(ps, fixedVars(o, "LibreChat")...)
	return ps
}

func (l libreChat) Vars(o *manifest.Output, v Values) ([]Var, error) {
	session := v.Existing["OPENID_SESSION_SECRET"]
	if session == "" && v.Random != nil {
		s, err := librechat.NewSessionSecret(v.Random)
		if err != nil {
			return nil, err
		}
		session = s
	}
	server, serverKey := l.domainServer(o)
	vars, err := librechat.Settings(librechat.Input{
		AuthentikURL:  v.PublicURL,
		Slug:          v.Slug,
		ClientID:      v.ClientID,
		ClientSecret:  v.ClientSecret,
		SessionSecret: session,
		Scopes:        v.Scopes,
		ButtonLabel:   o.Options["button_label"],
		ImageURL:      o.Options["image_url"],
		DomainClient:  o.URL,
		DomainServer:  server,
		Extra:         o.Env,
	})
	if err != nil {
		return nil, err
	}
	from := map[string]string{
		"DOMAIN_CLIENT": "url", "DOMAIN_SERVER": serverKey,
		"OPENID_CLIENT_ID": "provider.client_id", "OPENID_CLIENT_SECRET": "provider.client_secret",
		"OPENID_BUTTON_LABEL": "button_label", "OPENID_IMAGE_URL": "image_url",
	}
	out := make([]Var, 0, len(vars))
	for _, x := range vars {
		f := from[x.Key]
		if _, ok := o.Env[x.Key]; ok {
			f = "env." + x.Key
		}
		out = append(out, Var{Key: x.Key, Value: x.Value, Secret: x.Secret, From: f})
	}
	return out, nil
}

func (libreChat) CheckItems() []string {
	return []string{
		"application and provider exist", "discovery document", "issuer", "issuer is https",
		"authorization endpoint answers", "signing algorithm advertised",
		"redirect URI allows LibreChat's callback", "client id matches", "client secret matches",
		"session secret set", "social login allowed", "access group bound",
	}
}
