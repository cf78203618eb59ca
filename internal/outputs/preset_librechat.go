package outputs

import (
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/provision/provision/internal/dotenv"
	"github.com/provision/provision/internal/manifest"
)

// libreChat is LibreChat's OpenID login: the .env lines provision writes
// for an authentik provider, the redirect URI LibreChat sends and session
// secret generation. Its catalogue (LibreChat's .env.example and source,
// v0.8.6 to v0.8.8, each variable with the release that first reads it) is
// in preset_librechat_catalog.go; the release option says which release
// the output is for.
type libreChat struct{}

func init() { register(libreChat{}) }

func (libreChat) Name() string  { return "librechat" }
func (libreChat) Label() string { return "LibreChat" }
func (libreChat) Follows() string {
	return "LibreChat v0.8.8 (packages/api/src/auth/openidRoleSync.ts, .env.example)"
}
func (libreChat) Options() []string {
	return []string{"domain_server", "button_label", "image_url", "release"}
}

func (libreChat) domainServer(o *manifest.Output) (string, string) {
	if s := o.Options["domain_server"]; s != "" {
		return s, "domain_server"
	}
	return o.URL, "url"
}

func (l libreChat) RedirectURI(o *manifest.Output) string {
	server, _ := l.domainServer(o)
	if server == "" || lcCheckDomainServer(server) != nil {
		return ""
	}
	return lcRedirectURI(server)
}

func (l libreChat) Validate(o *manifest.Output, p *manifest.Provider) []Problem {
	var ps []Problem
	if server, key := l.domainServer(o); server != "" {
		if err := lcCheckDomainServer(server); err != nil {
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
	release := o.Options["release"]
	if release != "" && lcReleaseIndex(release) < 0 {
		ps = append(ps, problem("release", "release %s is not a LibreChat release the catalogue knows: give one of %s (the default is %s)", release, strings.Join(lcReleases, ", "), lcNewest))
		release = ""
	}
	// button_label and image_url are also checked as the format writes them.
	for _, err := range lcValidateExtra(o.Env, release) {
		ps = append(ps, Problem{Key: "env", Msg: err.Error()})
	}
	ps = append(ps, fixedVars(o, "LibreChat")...)
	return ps
}

func (l libreChat) Vars(o *manifest.Output, v Values) ([]Var, error) {
	session := v.Existing["OPENID_SESSION_SECRET"]
	if session == "" && v.Random != nil {
		s, err := newSessionSecret(v.Random)
		if err != nil {
			return nil, err
		}
		session = s
	}
	server, serverKey := l.domainServer(o)
	vars, err := lcSettings(lcInput{
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
		Release:       o.Options["release"],
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

// The items of LibreChat's own settings, in the order check reports them.
const (
	lcItemCallbackPath  = "callback path"
	lcItemClientID      = "client id matches"
	lcItemClientSecret  = "client secret matches"
	lcItemSessionSecret = "session secret set"
	lcItemSocialLogin   = "social login allowed"
)

func (libreChat) AppCheckItems() []string {
	return []string{lcItemCallbackPath, lcItemClientID, lcItemClientSecret, lcItemSessionSecret, lcItemSocialLogin}
}

// AppCheck tests the .env LibreChat runs with: it reads discovery at
// OPENID_ISSUER when it starts, and its openid-client refuses an issuer
// that is not https; without ALLOW_SOCIAL_LOGIN=true or a session secret it
// hides the login button.
func (libreChat) AppCheck(env map[string]string, v Values) AppCheck {
	issuer := env["OPENID_ISSUER"]
	c := AppCheck{
		DiscoveryURL:    lcDiscoveryURL(issuer),
		Issuer:          strings.TrimSuffix(issuer, ".well-known/openid-configuration"),
		HTTPSRequiredBy: "LibreChat's openid-client",
		Authorize:       url.Values{"client_id": {env["OPENID_CLIENT_ID"]}, "scope": {env["OPENID_SCOPE"]}},
	}
	// issuer_mode global: authentik names its root URL as the issuer
	// (providers/oauth2/models.py get_issuer). openid-client does not
	// compare it when OPENID_ISSUER is the .well-known URL, as provision
	// writes it; an issuer base would not match.
	if u, err := url.Parse(issuer); err == nil && v.IssuerMode == "global" && strings.Contains(issuer, "/.well-known/") {
		c.Issuer = u.Scheme + "://" + u.Host + "/"
	}
	item := func(name string, ok bool, pass, fail string) {
		detail := fail
		if ok {
			detail = pass
		}
		c.Items = append(c.Items, SettingItem{Name: name, OK: ok, Detail: detail})
	}
	if server := env["DOMAIN_SERVER"]; server != "" {
		c.RedirectURI = server + env["OPENID_CALLBACK_URL"]
		c.Authorize.Set("redirect_uri", c.RedirectURI)
	} else if env["OPENID_CALLBACK_URL"] != lcCallbackPath {
		item(lcItemCallbackPath, false, "", "OPENID_CALLBACK_URL must be "+lcCallbackPath)
	}
	item(lcItemClientID, env["OPENID_CLIENT_ID"] == v.ClientID, v.ClientID, "the .env's OPENID_CLIENT_ID differs from authentik's")
	item(lcItemClientSecret, env["OPENID_CLIENT_SECRET"] == v.ClientSecret, "(sensitive)", "the .env's OPENID_CLIENT_SECRET differs from authentik's")
	item(lcItemSessionSecret, len(env["OPENID_SESSION_SECRET"]) >= 32, "(sensitive)", "OPENID_SESSION_SECRET is missing or shorter than 32 characters; LibreChat hides the button without it")
	item(lcItemSocialLogin, strings.EqualFold(strings.TrimSpace(env["ALLOW_SOCIAL_LOGIN"]), "true"), "ALLOW_SOCIAL_LOGIN=true", "ALLOW_SOCIAL_LOGIN must be true or LibreChat shows no OpenID button")
	return c
}

// lcDiscoveryURL is where LibreChat reads discovery: OPENID_ISSUER when it
// is the .well-known URL, else the issuer's.
func lcDiscoveryURL(issuer string) string {
	if strings.Contains(issuer, "/.well-known/") {
		return issuer
	}
	return strings.TrimSuffix(issuer, "/") + "/.well-known/openid-configuration"
}

// SessionSecret keeps the OPENID_SESSION_SECRET an existing .env holds, or
// generates a new one from rnd (crypto/rand in production).
func SessionSecret(existing []byte, rnd io.Reader) (string, error) {
	if v, ok := dotenv.Lookup(existing, "OPENID_SESSION_SECRET"); ok && strings.TrimSpace(v) != "" {
		return v, nil
	}
	return newSessionSecret(rnd)
}

// Defaults of the login button, as in LibreChat's authentik walkthrough.
const (
	lcDefaultButtonLabel = "Login with Authentik"
	lcDefaultImageURL    = "https://cdn.jsdelivr.net/gh/selfhst/icons/png/authentik.png"
)

// lcCallbackPath is OPENID_CALLBACK_URL: LibreChat's route is hard-coded.
const lcCallbackPath = "/oauth/openid/callback"

// lcRedirectURI is the redirect URI LibreChat sends, to register in authentik
// as a strict entry: DOMAIN_SERVER + OPENID_CALLBACK_URL, concatenated as
// LibreChat does (check domainServer with lcCheckDomainServer first).
func lcRedirectURI(domainServer string) string { return domainServer + lcCallbackPath }

// lcCheckDomainServer checks DOMAIN_SERVER: an absolute http(s) URL without a
// trailing slash, query or fragment, writable to a .env file.
func lcCheckDomainServer(domainServer string) error {
	if err := checkURLNoQuery("DOMAIN_SERVER", domainServer); err != nil {
		return err
	}
	if strings.HasSuffix(domainServer, "/") {
		return fmt.Errorf("DOMAIN_SERVER must not end with '/': LibreChat appends %s to it, and the resulting //oauth/... redirect URI fails authentik's strict match", lcCallbackPath)
	}
	return dotenv.CheckValue("DOMAIN_SERVER", domainServer)
}

// newSessionSecret returns a new OPENID_SESSION_SECRET: 32 bytes from r
// (crypto/rand.Reader in production), hex-encoded.
func newSessionSecret(r io.Reader) (string, error) {
	b := make([]byte, 32)
	if _, err := io.ReadFull(r, b); err != nil {
		return "", fmt.Errorf("read random bytes for the session secret: %w", err)
	}
	return hex.EncodeToString(b), nil
}

// lcInput is what LibreChat's settings are computed from.
type lcInput struct {
	AuthentikURL  string // authentik's public base URL
	Slug          string // the application slug
	ClientID      string
	ClientSecret  string // empty only for a public client with OPENID_USE_PKCE=true
	SessionSecret string // empty only for a preview: LibreChat hides the button without it
	Scopes        []string
	ButtonLabel   string // default lcDefaultButtonLabel
	ImageURL      string // default lcDefaultImageURL
	DomainClient  string // DOMAIN_CLIENT, written only when given
	DomainServer  string // DOMAIN_SERVER, written only when given
	// Extra holds the optional settings the manifest adds (see lcValidateExtra).
	Extra map[string]string
	// Release is the LibreChat release the settings are for ("": lcNewest).
	Release string
}

var lcSlugRE = regexp.MustCompile(`^[-a-zA-Z0-9_]+$`)

// lcVars returns the .env lines for LibreChat, in this order:
// ALLOW_SOCIAL_LOGIN, DOMAIN_CLIENT and DOMAIN_SERVER (when given),
// OPENID_ISSUER, _CLIENT_ID, _CLIENT_SECRET, _SESSION_SECRET, _CALLBACK_URL,
// _SCOPE, _BUTTON_LABEL, _IMAGE_URL, then in.Extra by name. Every value can
// be written unquoted (dotenv.CheckValue). All problems are reported at once.
func lcVars(in lcInput) ([]dotenv.Var, error) {
	return lcBuild(in, true)
}

// lcSettings is lcVars without the check that every value can be written to a
// .env file unquoted: for formats that can hold any value (JSON, a
// Kubernetes Secret), which check values themselves.
func lcSettings(in lcInput) ([]dotenv.Var, error) {
	return lcBuild(in, false)
}

func lcBuild(in lcInput, dotenvValues bool) ([]dotenv.Var, error) {
	var errs []error
	add := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	add(checkURLNoQuery("the authentik URL", in.AuthentikURL))
	if !lcSlugRE.MatchString(in.Slug) {
		add(fmt.Errorf("the application slug must be letters, digits, '-' and '_'"))
	}
	if in.ClientID == "" {
		add(errors.New("OPENID_CLIENT_ID is empty: the provider has no client ID"))
	}
	if in.ClientSecret == "" && in.Extra["OPENID_USE_PKCE"] != "true" {
		add(errors.New("OPENID_CLIENT_SECRET is empty: a public client needs OPENID_USE_PKCE=true"))
	}
	for _, s := range in.Scopes {
		if s == "" || strings.ContainsFunc(s, func(r rune) bool { return r <= ' ' }) {
			add(errors.New("OPENID_SCOPE: a scope name is empty or contains whitespace"))
		}
	}
	if !slices.Contains(in.Scopes, "openid") {
		add(errors.New("OPENID_SCOPE must contain openid: add the openid scope to the provider"))
	}
	if in.Extra["OPENID_REUSE_TOKENS"] == "true" && !slices.Contains(in.Scopes, "offline_access") {
		add(errors.New("OPENID_REUSE_TOKENS=true needs the offline_access scope on the provider"))
	}
	if in.DomainClient != "" {
		add(checkURLNoQuery("DOMAIN_CLIENT", in.DomainClient))
	}
	if in.DomainServer != "" {
		add(lcCheckDomainServer(in.DomainServer))
	}
	release := in.Release
	if lcReleaseIndex(release) < 0 {
		release = "" // Validate reported it
	}
	errs = append(errs, lcValidateExtra(in.Extra, release)...)

	label, image := in.ButtonLabel, in.ImageURL
	if label == "" {
		label = lcDefaultButtonLabel
	}
	if image == "" {
		image = lcDefaultImageURL
	} else {
		add(checkURL("OPENID_IMAGE_URL", image))
	}

	vars := []dotenv.Var{{Key: "ALLOW_SOCIAL_LOGIN", Value: "true"}}
	if in.DomainClient != "" {
		vars = append(vars, dotenv.Var{Key: "DOMAIN_CLIENT", Value: in.DomainClient})
	}
	if in.DomainServer != "" {
		vars = append(vars, dotenv.Var{Key: "DOMAIN_SERVER", Value: in.DomainServer})
	}
	vars = append(vars,
		dotenv.Var{Key: "OPENID_ISSUER", Value: strings.TrimRight(in.AuthentikURL, "/") + "/application/o/" + in.Slug + "/.well-known/openid-configuration"},
		dotenv.Var{Key: "OPENID_CLIENT_ID", Value: in.ClientID},
		dotenv.Var{Key: "OPENID_CLIENT_SECRET", Value: in.ClientSecret, Secret: true},
		dotenv.Var{Key: "OPENID_SESSION_SECRET", Value: in.SessionSecret, Secret: true},
		dotenv.Var{Key: "OPENID_CALLBACK_URL", Value: lcCallbackPath},
		dotenv.Var{Key: "OPENID_SCOPE", Value: strings.Join(in.Scopes, " ")},
		dotenv.Var{Key: "OPENID_BUTTON_LABEL", Value: label},
		dotenv.Var{Key: "OPENID_IMAGE_URL", Value: image},
	)
	names := make([]string, 0, len(in.Extra))
	for k := range in.Extra {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		vars = append(vars, dotenv.Var{Key: k, Value: in.Extra[k]})
	}
	// Extra values were checked by lcValidateExtra; check the others here.
	for _, v := range vars {
		if _, extra := in.Extra[v.Key]; !extra && dotenvValues {
			add(dotenv.CheckValue(v.Key, v.Value))
		}
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("LibreChat settings: %w", errors.Join(lcDedupe(errs)...))
	}
	return vars, nil
}

// lcDedupe drops repeated messages, keeping the first.
func lcDedupe(errs []error) []error {
	seen := map[string]bool{}
	var out []error
	for _, e := range errs {
		if !seen[e.Error()] {
			seen[e.Error()] = true
			out = append(out, e)
		}
	}
	return out
}
