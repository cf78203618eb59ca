package manifest

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/provision/provision/internal/apischema"
)

// Reserved application slugs: authentik refuses them because they collide
// with its global OAuth2 endpoints.
var ReservedSlugs = []string{"authorize", "token", "device", "userinfo", "introspect", "revoke"}

const (
	// EmbeddedOutpostName is the outpost every authentik has.
	EmbeddedOutpostName = "authentik Embedded Outpost"
)

// DefaultGroups exist on every authentik and may be referenced undeclared.
var DefaultGroups = []string{"authentik Admins"}

var (
	slugRE = regexp.MustCompile(`^[-a-zA-Z0-9_]+$`)
	// dnRE accepts attr=value pairs separated by commas (RFC 4514's
	// shape, without its escapes).
	dnRE         = regexp.MustCompile(`^\s*[A-Za-z][A-Za-z0-9-]*=[^,]+(,\s*[A-Za-z][A-Za-z0-9-]*=[^,]+)*$`)
	durationPart = regexp.MustCompile(`^(microseconds|milliseconds|seconds|minutes|hours|days|weeks)=-?\d+(\.\d+)?$`)
	// enumValues are the values the offline checks accept for each enum
	// field, from its request schema field (enumSources).
	enumValues = schemaEnums(enumSources)
)

// enumSources name, for each enum field the offline checks know, the
// request schema and field of authentik's schema.yml that list its values
// (internal/apischema, generated from it): the one source of the values,
// so an authentik upgrade updates them. enums_test.go checks each against
// schema.yml itself.
var enumSources = map[string]enumSource{
	"client_type":         {"OAuth2ProviderRequest", "client_type"},
	"sub_mode":            {"OAuth2ProviderRequest", "sub_mode"},
	"issuer_mode":         {"OAuth2ProviderRequest", "issuer_mode"},
	"logout_method":       {"OAuth2ProviderRequest", "logout_method"},
	"matching_mode":       {"RedirectURIRequest", "matching_mode"},
	"mode":                {"ProxyProviderRequest", "mode"},
	"policy_engine_mode":  {"ApplicationRequest", "policy_engine_mode"},
	"outpost type":        {"OutpostRequest", "type"},
	"sp_binding":          {"SAMLProviderRequest", "sp_binding"},
	"search_mode":         {"LDAPProviderRequest", "search_mode"},
	"bind_mode":           {"LDAPProviderRequest", "bind_mode"},
	"digest_algorithm":    {"SAMLProviderRequest", "digest_algorithm"},
	"signature_algorithm": {"SAMLProviderRequest", "signature_algorithm"},
}

// enumSource is a request schema's field.
type enumSource struct{ Schema, Field string }

// schemaEnums returns each field's allowed values from its request
// schema; a field the schema does not list has none (a test fails).
func schemaEnums(sources map[string]enumSource) map[string][]string {
	out := make(map[string][]string, len(sources))
	for name, src := range sources {
		if c, ok := apischema.Lookup(src.Schema); ok {
			if f, ok := c.Field(src.Field); ok {
				out[name] = f.Enum
			}
		}
	}
	return out
}

// validation is one run of Validate: the manifest, the problems found, and
// what the sections declared so far (sections are checked in validators
// order, so a section only looks up those before it).
type validation struct {
	m     *Manifest
	ds    Diagnostics
	extra func(*Application, *Provider) []Diagnostic
	// declared, present objects by key
	groups    map[string]bool
	scopes    map[string]bool
	providers map[string]*Provider
	// engine are the providers the kind engine manages (RADIUS, SCIM,
	// RAC), by name: references name them like the others.
	engine map[string]*Entry
}

// validators check one manifest section each, in reference order.
var validators = []func(*validation){
	validateStack,
	validateEntries,
	validateGroups,
	validateProviders,
	validateApplications,
	validateOutposts,
	validateAuthentik,
	validateMoves,
	validateProtect,
}

// Validate runs the semantic checks authentik would otherwise make late (or
// not at all), offline. extra is called for each application output so that
// client-specific rules (an output preset's) can add problems; it may be nil.
// Every problem is reported, sorted by position.
func (m *Manifest) Validate(extra func(*Application, *Provider) []Diagnostic) error {
	v := &validation{m: m, extra: extra, groups: map[string]bool{}, scopes: map[string]bool{}, providers: map[string]*Provider{}, engine: map[string]*Entry{}}
	for _, g := range DefaultGroups {
		v.groups[g] = true
	}
	for _, check := range validators {
		check(v)
	}
	return v.ds.err()
}

// validateGroups records the groups declared present (groups are a kind
// engine kind: their entries are checked by validateEntries), for the
// references to them.
func validateGroups(v *validation) {
	for _, g := range v.m.EntriesOf("group") {
		if !g.State.IsAbsent() {
			v.groups[g.Key] = true
		}
	}
}

func containsSpace(s string) bool { return strings.ContainsAny(s, " \t\n") }

// validDuration checks authentik's timedelta_string_validator format:
// "key=value" pairs separated by ";", keys lower-cased.
func validDuration(s string) bool {
	if s == "" {
		return false
	}
	for part := range strings.SplitSeq(s, ";") {
		if !durationPart.MatchString(strings.ToLower(part)) {
			return false
		}
	}
	return true
}

func checkDuration(ds *Diagnostics, p *Provider, key string, v *string) {
	if v != nil && !validDuration(*v) {
		ds.add(p.Src.At(key), fmt.Sprintf("provider %q: %s %q is not in authentik's duration format, e.g. \"hours=1\" or \"days=1;hours=12\"", p.Name, key, *v))
	}
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

func ptr[T any](v T) *T { return &v }
