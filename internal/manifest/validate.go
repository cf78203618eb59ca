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
	enumValues   = map[string][]string{
		"client_type":        {"confidential", "public"},
		"sub_mode":           {"hashed_user_id", "user_id", "user_uuid", "user_username", "user_email", "user_upn"},
		"issuer_mode":        {"global", "per_provider"},
		"logout_method":      {"backchannel", "frontchannel"},
		"mode":               {"proxy", "forward_single", "forward_domain"},
		"matching_mode":      {"strict", "regex"},
		"policy_engine_mode": {"all", "any"},
		"outpost type":       {"proxy", "ldap", "radius", "rac"},
		"sp_binding":         {"redirect", "post"},
		"search_mode":        {"direct", "cached"},
		"bind_mode":          {"direct", "cached"},
		"digest_algorithm": {
			"http://www.w3.org/2000/09/xmldsig#sha1", "http://www.w3.org/2001/04/xmlenc#sha256",
			"http://www.w3.org/2001/04/xmldsig-more#sha384", "http://www.w3.org/2001/04/xmlenc#sha512",
		},
		"signature_algorithm": {
			"http://www.w3.org/2000/09/xmldsig#rsa-sha1", "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
			"http://www.w3.org/2001/04/xmldsig-more#rsa-sha384", "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512",
			"http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha1", "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256",
			"http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384", "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512",
			"http://www.w3.org/2000/09/xmldsig#dsa-sha1",
		},
	}
)

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
	v := &validation{m: m, extra: extra, groups: map[string]bool{}, scopes: map[string]bool{}, providers: map[string]*Provider{}}
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
