package outputs

import (
	"fmt"
	"io"
	"maps"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/provision/provision/internal/manifest"
	"github.com/provision/provision/internal/suggest"
)

// Preset is one client application provision writes settings for. A
// preset is one file (preset_<name>.go) registered from its init; it knows
// its variable catalogue, defaults, validation and redirect path. A preset
// may also implement AppChecker.
type Preset interface {
	// Name is the key in the manifest's outputs (grafana, open-webui...).
	Name() string
	// Label is the application's name in messages ("Grafana").
	Label() string
	// Follows names the application version the catalogue follows.
	Follows() string
	// Options lists the preset's own keys in an output, besides the common
	// ones (preset, format, file, url, env, vars, secret_name, namespace).
	Options() []string
	// RedirectURI is the callback the application sends, derived from the
	// output; "" when it cannot be derived (no url).
	RedirectURI(o *manifest.Output) string
	// Validate checks the output offline, without values from authentik.
	Validate(o *manifest.Output, p *manifest.Provider) []Problem
	// Vars computes the settings to write, in the order they are written.
	Vars(o *manifest.Output, v Values) ([]Var, error)
}

// MoreRedirects is a preset whose application sends more than one
// redirect URI (Immich's web pages and mobile app): a provider without
// redirect_uris gets them all.
type MoreRedirects interface {
	MoreRedirectURIs(o *manifest.Output) []string
}

// AppChecker is implemented by a preset whose application reads
// authentik's endpoints from its own settings when it starts, and refuses
// some of them. `provision check` then tests the settings the application
// runs with one by one (discovery at the issuer they name, https, the
// authorization request it sends, the signing algorithm, its redirect URI,
// the settings' own items) instead of comparing them with authentik's as a
// whole.
type AppChecker interface {
	// AppCheck says what to test of settings (the output's file, or the
	// settings computed from authentik when there is none yet); v holds
	// authentik's values for the application.
	AppCheck(settings map[string]string, v Values) AppCheck
	// AppCheckItems names the items AppCheck.Items may hold, in order.
	AppCheckItems() []string
}

// AppCheck is what an AppChecker's application runs with, read from its
// settings, and the checks of those settings that need no request.
type AppCheck struct {
	// DiscoveryURL is where the application reads authentik's discovery
	// document; Issuer is the issuer it expects the document to name.
	DiscoveryURL, Issuer string
	// HTTPSRequiredBy names what refuses an issuer that is not https
	// ("the app's OIDC library"); "" when nothing does.
	HTTPSRequiredBy string
	// Authorize is the query of the authorization request the application
	// sends (client_id, scope, redirect_uri); nil when it is not probed.
	// check adds response_type and state.
	Authorize url.Values
	// RedirectURI is the callback the application sends; "" when its
	// settings do not say.
	RedirectURI string
	// Items are the checks of the settings themselves, in order.
	Items []SettingItem
}

// SettingItem is one check of an application's settings: its name (one
// of AppCheckItems), whether it passed, and the detail to show.
type SettingItem struct {
	Name   string
	OK     bool
	Detail string
}

// presets is the registry: each preset file adds its preset from init.
var presets []Preset

func register(p Preset) { presets = append(presets, p) }

// Lookup returns the preset with the name.
func Lookup(name string) (Preset, bool) {
	for _, p := range presets {
		if p.Name() == name {
			return p, true
		}
	}
	return nil, false
}

// Presets lists every preset, by name.
func Presets() []Preset {
	out := slices.Clone(presets)
	slices.SortFunc(out, func(a, b Preset) int { return strings.Compare(a.Name(), b.Name()) })
	return out
}

func presetNames() []string {
	var names []string
	for _, p := range Presets() {
		names = append(names, p.Name())
	}
	return names
}

// PresetOf returns the preset an output names (its preset: key, else the
// output's name), or an error with a suggestion.
func PresetOf(name string, o *manifest.Output) (Preset, error) {
	n := name
	if o != nil && o.Preset != "" {
		n = o.Preset
	}
	if p, ok := Lookup(n); ok {
		return p, nil
	}
	msg := fmt.Sprintf("%q is not an output preset (presets: %s)", n, strings.Join(presetNames(), ", "))
	if s := suggest.Closest(n, presetNames()); s != "" {
		msg += fmt.Sprintf("; did you mean %q?", s)
	}
	if o == nil || o.Preset == "" {
		msg += "; name the preset with preset: when the output has a name of its own"
	}
	return nil, fmt.Errorf("%s", msg)
}

// Values are what a preset computes its settings from: authentik's public
// URL and the provider's credentials and scopes.
type Values struct {
	// PublicURL is authentik's public base URL, without a trailing slash.
	PublicURL string
	Slug      string
	// IssuerMode is the provider's issuer_mode: "global" makes the issuer
	// authentik's root URL for every provider; anything else (per_provider,
	// authentik's default) the application's own.
	IssuerMode   string
	ClientID     string
	ClientSecret string
	Scopes       []string
	// Existing holds what the output's target holds now, so that secrets
	// provision generated once (a session secret) are kept.
	Existing map[string]string
	// Random is where new secrets come from (crypto/rand in production);
	// nil means a preview: such secrets are left empty.
	Random io.Reader
}

// Issuer is the application's OpenID issuer, with its trailing slash, as
// authentik's OAuth2Provider.get_issuer builds it (providers/oauth2/
// models.py, 2026.2.2): the root URL with issuer_mode global, else the
// application's base.
func (v Values) Issuer() string {
	if v.IssuerMode == "global" {
		return v.PublicURL + "/"
	}
	return v.appBase()
}

// appBase is the application's base under /application/o/, where its
// discovery document, end-session and JWKS endpoints are whatever the
// issuer mode (providers/oauth2/urls.py).
func (v Values) appBase() string { return v.PublicURL + "/application/o/" + v.Slug + "/" }

// DiscoveryURL is the application's discovery document.
func (v Values) DiscoveryURL() string { return v.appBase() + ".well-known/openid-configuration" }

// AuthorizeURL, TokenURL and UserinfoURL are authentik's shared endpoints.
func (v Values) AuthorizeURL() string { return v.PublicURL + "/application/o/authorize/" }
func (v Values) TokenURL() string     { return v.PublicURL + "/application/o/token/" }
func (v Values) UserinfoURL() string  { return v.PublicURL + "/application/o/userinfo/" }

// EndSessionURL and JWKSURL are per application.
func (v Values) EndSessionURL() string { return v.appBase() + "end-session/" }
func (v Values) JWKSURL() string       { return v.appBase() + "jwks/" }

// Var is one setting an output writes.
type Var struct {
	Key    string
	Value  string
	Secret bool
	// Literal marks a JSON literal (true, 30000, null): format json-config
	// writes it as such, the others as its text.
	Literal bool
	// From is the manifest key the value comes from, for error positions:
	// a key of the output ("url", "env.NAME"), or "provider.<key>" for the
	// provider's (client_secret); "" when provision computes it.
	From string
}

// Problem is one thing wrong with an output. Key is where: a key of the
// output ("url", "env.NAME"), "provider.<key>" for the provider's, or ""
// for the output itself.
type Problem struct {
	Key string
	Msg string
}

func problem(key, format string, args ...any) Problem {
	return Problem{Key: key, Msg: fmt.Sprintf(format, args...)}
}

// kind is how an application reads a catalogue setting's value.
type kind int

const (
	kString kind = iota
	kBool
	kInt
	kURL
	kEnum
	kJSON
	kJSONObject
)

// setting is one variable of a preset's catalogue that the manifest may set
// through env (computed ones are written by provision and refused there).
type setting struct {
	Name     string
	Kind     kind
	Values   []string
	Secret   bool
	Computed bool // written by provision: refused in env
	Hint     string
	// NotRead names the release the catalogue follows, for a variable it
	// does not read (one docs name, or a later release adds): refused.
	NotRead string
}

type catalogue []setting

func (c catalogue) lookup(name string) (setting, bool) {
	for _, s := range c {
		if s.Name == name {
			return s, true
		}
	}
	return setting{}, false
}

func (c catalogue) secret(name string) bool {
	s, ok := c.lookup(name)
	return ok && s.Secret
}

// checkEnv checks the env settings against the catalogue.
func (c catalogue) checkEnv(app string, env map[string]string, allowEmpty bool) []Problem {
	var ps []Problem
	var names []string
	for _, s := range c {
		if !s.Computed && s.NotRead == "" {
			names = append(names, s.Name)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(env)) {
		value := env[name]
		key := "env." + name
		s, ok := c.lookup(name)
		switch {
		case !ok:
			msg := fmt.Sprintf("%s is not a setting %s reads", name, app)
			if h := suggest.Closest(name, names); h != "" {
				msg += fmt.Sprintf("; did you mean %s?", h)
			}
			ps = append(ps, Problem{Key: key, Msg: msg})
		case s.NotRead != "":
			ps = append(ps, problem(key, "%s is not read by %s: %s", name, s.NotRead, s.Hint))
		case s.Computed:
			ps = append(ps, problem(key, "%s cannot be set here: provision writes it (%s)", name, s.Hint))
		case value == "" && !allowEmpty:
			ps = append(ps, problem(key, "%s is empty: %s ignores an empty value, so remove the line instead", name, app))
		case value == "":
		default:
			if err := checkKind(s, value); err != nil {
				ps = append(ps, Problem{Key: key, Msg: err.Error()})
			}
		}
	}
	return ps
}

func checkKind(s setting, value string) error {
	switch s.Kind {
	case kBool:
		if value != "true" && value != "false" {
			return fmt.Errorf("%s must be true or false", s.Name)
		}
	case kInt:
		if _, err := strconv.ParseUint(value, 10, 31); err != nil {
			return fmt.Errorf("%s must be a non-negative whole number", s.Name)
		}
	case kURL:
		return checkURL(s.Name, value)
	case kEnum:
		if !slices.Contains(s.Values, value) {
			return fmt.Errorf("%s must be one of %s", s.Name, strings.Join(s.Values, ", "))
		}
	case kJSON:
		if !jsonValid(value) {
			return fmt.Errorf("%s must be valid JSON", s.Name)
		}
	case kJSONObject:
		if !jsonObject(value) {
			return fmt.Errorf("%s must be a JSON object, such as {\"prompt\":\"login\"}", s.Name)
		}
	}
	return nil
}

// fixedVars refuses vars on a preset whose settings are fixed (every
// preset but oidc).
func fixedVars(o *manifest.Output, label string) []Problem {
	if len(o.Vars) == 0 {
		return nil
	}
	return []Problem{problem("vars", "vars is for the oidc preset; %s's settings are fixed (add optional ones under env)", label)}
}
