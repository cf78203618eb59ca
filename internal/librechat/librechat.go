package librechat

import (
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/provision/provision/internal/dotenv"
	"github.com/provision/provision/internal/suggest"
)

// Defaults of the login button, as in LibreChat's authentik walkthrough.
const (
	DefaultButtonLabel = "Login with Authentik"
	DefaultImageURL    = "https://cdn.jsdelivr.net/gh/selfhst/icons/png/authentik.png"
)

// CallbackPath is OPENID_CALLBACK_URL: LibreChat's route is hard-coded.
func CallbackPath() string { return "/oauth/openid/callback" }

// RedirectURI is the redirect URI LibreChat sends, to register in authentik
// as a strict entry: DOMAIN_SERVER + OPENID_CALLBACK_URL, concatenated as
// LibreChat does (check domainServer with CheckDomainServer first).
func RedirectURI(domainServer string) string { return domainServer + CallbackPath() }

// CheckDomainServer checks DOMAIN_SERVER: an absolute http(s) URL without a
// trailing slash, query or fragment, writable to a .env file.
func CheckDomainServer(domainServer string) error {
	if err := CheckBaseURL("DOMAIN_SERVER", domainServer); err != nil {
		return err
	}
	if strings.HasSuffix(domainServer, "/") {
		return fmt.Errorf("DOMAIN_SERVER must not end with '/': LibreChat appends %s to it, and the resulting //oauth/... redirect URI fails authentik's strict match", CallbackPath())
	}
	return dotenv.CheckValue("DOMAIN_SERVER", domainServer)
}

// CheckURL checks that value is an absolute http(s) URL with a host and no
// credentials. Other presets (internal/outputs) use it too.
func CheckURL(name, value string) error {
	u, err := url.Parse(value)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Opaque != "" {
		return fmt.Errorf("%s must be an absolute http(s) URL such as https://example.com/...", name)
	}
	if u.User != nil {
		return fmt.Errorf("%s must not contain credentials", name)
	}
	if strings.ContainsFunc(value, unicode.IsSpace) {
		return fmt.Errorf("%s must not contain spaces: write them as %%20", name)
	}
	return nil
}

// CheckBaseURL is CheckURL without a query or fragment: a URL others append
// paths to.
func CheckBaseURL(name, value string) error {
	if err := CheckURL(name, value); err != nil {
		return err
	}
	if strings.ContainsAny(value, "?#") {
		return fmt.Errorf("%s must not have a query or fragment", name)
	}
	return nil
}

// NewSessionSecret returns a new OPENID_SESSION_SECRET: 32 bytes from r
// (crypto/rand.Reader in production), hex-encoded.
func NewSessionSecret(r io.Reader) (string, error) {
	b := make([]byte, 32)
	if _, err := io.ReadFull(r, b); err != nil {
		return "", fmt.Errorf("read random bytes for the session secret: %w", err)
	}
	return hex.EncodeToString(b), nil
}

// Input is what LibreChat's settings are computed from.
type Input struct {
	AuthentikURL  string // authentik's public base URL
	Slug          string // the application slug
	ClientID      string
	ClientSecret  string // empty only for a public client with OPENID_USE_PKCE=true
	SessionSecret string // empty only for a preview: LibreChat hides the button without it
	Scopes        []string
	ButtonLabel   string // default DefaultButtonLabel
	ImageURL      string // default DefaultImageURL
	DomainClient  string // DOMAIN_CLIENT, written only when given
	DomainServer  string // DOMAIN_SERVER, written only when given
	// Extra holds the optional settings the manifest adds (see ValidateExtra).
	Extra map[string]string
}

var slugRE = regexp.MustCompile(`^[-a-zA-Z0-9_]+$`)

// Vars returns the .env lines for LibreChat, in this order:
// ALLOW_SOCIAL_LOGIN, DOMAIN_CLIENT and DOMAIN_SERVER (when given),
// OPENID_ISSUER, _CLIENT_ID, _CLIENT_SECRET, _SESSION_SECRET, _CALLBACK_URL,
// _SCOPE, _BUTTON_LABEL, _IMAGE_URL, then in.Extra by name. Every value can
// be written unquoted (dotenv.CheckValue). All problems are reported at once.
func Vars(in Input) ([]dotenv.Var, error) {
	return build(in, true)
}

// Settings is Vars without the check that every value can be written to a
// .env file unquoted: for formats that can hold any value (JSON, a
// Kubernetes Secret), which check values themselves.
func Settings(in Input) ([]dotenv.Var, error) {
	return build(in, false)
}

func build(in Input, dotenvValues bool) ([]dotenv.Var, error) {
	var errs []error
	add := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	add(CheckBaseURL("the authentik URL", in.AuthentikURL))
	if !slugRE.MatchString(in.Slug) {
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
		add(CheckBaseURL("DOMAIN_CLIENT", in.DomainClient))
	}
	if in.DomainServer != "" {
		add(CheckDomainServer(in.DomainServer))
	}
	errs = append(errs, ValidateExtra(in.Extra)...)

	label, image := in.ButtonLabel, in.ImageURL
	if label == "" {
		label = DefaultButtonLabel
	}
	if image == "" {
		image = DefaultImageURL
	} else {
		add(CheckURL("OPENID_IMAGE_URL", image))
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
		dotenv.Var{Key: "OPENID_CALLBACK_URL", Value: CallbackPath()},
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
	// Extra values were checked by ValidateExtra; check the others here.
	for _, v := range vars {
		if _, extra := in.Extra[v.Key]; !extra && dotenvValues {
			add(dotenv.CheckValue(v.Key, v.Value))
		}
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("LibreChat settings: %w", errors.Join(dedupe(errs)...))
	}
	return vars, nil
}

// dedupe drops repeated messages, keeping the first.
func dedupe(errs []error) []error {
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

// aliases are names people use by mistake (e.g. LibreChat #8308).
var aliases = map[string]string{
	"OPENID_REDIRECT_URI": "OPENID_CALLBACK_URL",
	"OPENID_REDIRECT_URL": "OPENID_CALLBACK_URL",
	"OPENID_CALLBACK":     "OPENID_CALLBACK_URL",
	"OPENID_SCOPES":       "OPENID_SCOPE",
}

// ValidateExtra checks the optional settings a manifest adds: each must be a
// variable LibreChat v0.8.6 reads that provision does not write itself, with
// a value of its kind; role settings must come complete. It returns one
// error per problem, sorted by message. Values are never quoted in errors.
func ValidateExtra(extra map[string]string) []error {
	var errs []error
	add := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	for name, value := range extra {
		s, ok := Lookup(name)
		switch {
		case !ok:
			openid := strings.HasPrefix(strings.ToUpper(name), "OPENID_")
			hint := aliases[strings.ToUpper(name)]
			if hint == "" {
				hint = suggest.Closest(name, released())
				// ALLOW_EMAIL_LOGIN is no typo of ALLOW_SOCIAL_LOGIN.
				if !openid && !strings.Contains(hint, "OPENID") {
					hint = ""
				}
			}
			switch {
			case hint != "":
				add("%s is not a setting LibreChat v0.8.6 reads; did you mean %s?", name, hint)
			case !openid:
				add("%s is not an OpenID setting of LibreChat; only OPENID_* settings can be set here", name)
			default:
				add("%s is not a setting LibreChat v0.8.6 reads", name)
			}
		case s.Source == NotReleased:
			add("%s is not in LibreChat v0.8.6, so it would have no effect: %s", name, s.Hint)
		case s.Source == Computed:
			add("%s cannot be set here: provision computes it (%s)", name, s.Hint)
		case s.Source == FromInput:
			add("%s cannot be set here: use the %s field instead", name, s.Hint)
		default:
			if err := checkKind(s, value); err != nil {
				errs = append(errs, err)
			} else if err := dotenv.CheckValue(name, value); err != nil {
				errs = append(errs, err)
			}
		}
	}
	set := func(name string) bool { return extra[name] != "" }
	var missing []string
	for _, n := range []string{"OPENID_ADMIN_ROLE", "OPENID_ADMIN_ROLE_TOKEN_KIND", "OPENID_ADMIN_ROLE_PARAMETER_PATH"} {
		if !set(n) {
			missing = append(missing, n)
		}
	}
	if len(missing) == 1 || len(missing) == 2 {
		add("OPENID_ADMIN_ROLE, OPENID_ADMIN_ROLE_TOKEN_KIND and OPENID_ADMIN_ROLE_PARAMETER_PATH go together: set all three or none (missing %s)", strings.Join(missing, ", "))
	}
	if set("OPENID_REQUIRED_ROLE") {
		missing = nil
		for _, n := range []string{"OPENID_REQUIRED_ROLE_TOKEN_KIND", "OPENID_REQUIRED_ROLE_PARAMETER_PATH"} {
			if !set(n) {
				missing = append(missing, n)
			}
		}
		if len(missing) > 0 {
			add("OPENID_REQUIRED_ROLE needs OPENID_REQUIRED_ROLE_TOKEN_KIND and OPENID_REQUIRED_ROLE_PARAMETER_PATH (missing %s)", strings.Join(missing, ", "))
		}
	} else {
		for _, n := range []string{"OPENID_REQUIRED_ROLE_PARAMETER_PATH", "OPENID_REQUIRED_ROLE_TOKEN_KIND"} {
			if set(n) {
				add("%s has no effect without OPENID_REQUIRED_ROLE, so nobody's access is restricted", n)
			}
		}
	}
	sort.Slice(errs, func(i, j int) bool { return errs[i].Error() < errs[j].Error() })
	return errs
}

// checkKind checks a value against its setting's kind. The empty value
// leaves LibreChat's default, except for Bool settings.
func checkKind(s Setting, value string) error {
	if value == "" && s.Kind != Bool {
		return nil
	}
	switch s.Kind {
	case Bool:
		if value != "true" && value != "false" {
			return fmt.Errorf("%s must be true or false (LibreChat treats anything but true as false)", s.Name)
		}
	case Int:
		if _, err := strconv.ParseUint(value, 10, 31); err != nil {
			return fmt.Errorf("%s must be a non-negative whole number, without sign or unit", s.Name)
		}
	case Enum:
		if !slices.Contains(s.Values, value) {
			return fmt.Errorf("%s must be one of %s", s.Name, strings.Join(s.Values, ", "))
		}
	case URL:
		return CheckURL(s.Name, value)
	case Path:
		if !strings.HasPrefix(value, "/") {
			return fmt.Errorf("%s must be a path starting with /", s.Name)
		}
	}
	return nil
}

// released lists the names LibreChat v0.8.6 reads, for suggestions.
func released() []string {
	var out []string
	for _, s := range Catalog {
		if s.Source != NotReleased {
			out = append(out, s.Name)
		}
	}
	return out
}
